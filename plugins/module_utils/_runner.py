# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one command runner: argument lists, C locale, timeouts, failures that explain.

Backends talk to a host only through a runner, so the same code runs inside a module
(``ModuleRunner`` over ``AnsibleModule.run_command``), on the controller or in a plain
program (``SubprocessRunner``, locally or through ``ssh``). No Ansible import here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fcntl
import hashlib
import json
import os
import subprocess

try:
    from shlex import quote as _shell_quote
except ImportError:  # pragma: no cover - Python 2 only
    from pipes import quote as _shell_quote

C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C'}
# timeout(1) exits 124 when the command timed out (137 when it had to be killed).
TIMEOUT_RCS = (124, 137)
SBIN_DIRS = ('/usr/sbin', '/sbin', '/usr/local/sbin')
UPLOAD_CHUNK_SIZE = 256 * 1024
# What the remote lock session prints once flock(1) holds the lock.
LOCKED_MARK = 'locked'
# ssh(1) exits 255 when the connection itself failed.
SSH_FAILED_RC = 255


class _Output(object):
    """What a command printed and returned: the argv shown (secrets masked), rc, stdout, stderr."""

    def __init__(self, cmd, rc, stdout, stderr):
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr


class CommandError(_Output, Exception):
    """A command failed or a request is refused; carries what ``fail_json`` needs."""

    def __init__(self, msg, cmd=None, rc=None, stdout='', stderr='', meaning=None):
        Exception.__init__(self, msg)
        _Output.__init__(self, cmd, rc, stdout, stderr)
        self.msg = msg
        self.meaning = meaning

    @property
    def timed_out(self):
        return self.rc in TIMEOUT_RCS

    def fail_kwargs(self):
        details = dict(msg=self.msg)
        if self.cmd is not None:
            details.update(cmd=self.cmd, rc=self.rc, stdout=self.stdout, stderr=self.stderr)
        return details


class Result(_Output):
    """What one command did."""

    def json(self):
        try:
            return json.loads(self.stdout) if self.stdout.strip() else None
        except ValueError as exc:
            raise CommandError('%s printed output that is not JSON: %s'
                               % (os.path.basename(self.cmd[0]), exc), cmd=self.cmd,
                               rc=self.rc, stdout=self.stdout, stderr=self.stderr)


def mask(text, secret):
    if not secret or not text:
        return text
    return text.replace(secret, '********')


def last_line(text):
    """The last non-blank line (``Locked by: ...`` kept with the line after it)."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    if not lines:
        return ''
    if len(lines) > 1 and lines[-2].startswith('Locked by'):
        return '%s; %s' % (lines[-2], lines[-1])
    return lines[-1]


def default_failure_message(cmd, rc, stdout, stderr, meaning):
    """``<tool> <verb> <arg> failed with rc N (<meaning>): <last line>``."""
    words = [os.path.basename(cmd[0])] + [str(arg) for arg in cmd[1:3]]
    message = '%s failed with rc %s' % (' '.join(words), rc)
    if meaning:
        message += ' (%s)' % meaning
    detail = last_line(stderr) or last_line(stdout)
    return message + (': %s' % detail if detail else '')


class Runner(object):
    """Runs argument lists on one host. Subclasses implement ``_execute`` and ``_lookup``."""

    def __init__(self, timeout=None):
        self.timeout = timeout
        self._paths = {}

    # -- subclass seam -------------------------------------------------------------------
    def _execute(self, argv, data):  # pragma: no cover - abstract
        """Run ``argv`` (already wrapped for the timeout); return ``(rc, stdout, stderr)``."""
        raise NotImplementedError

    def _lookup(self, name, opt_dirs):  # pragma: no cover - abstract
        """Path of executable ``name`` on the host, or None."""
        raise NotImplementedError

    # -- public --------------------------------------------------------------------------
    def find(self, name, required=True, opt_dirs=SBIN_DIRS):
        """Absolute path of ``name`` on the host (cached); a missing one raises when required."""
        if name not in self._paths:
            self._paths[name] = self._lookup(name, opt_dirs)
        path = self._paths[name]
        if path is None and required:
            raise CommandError('%s was not found on the host (searched PATH and %s)'
                               % (name, ', '.join(opt_dirs)))
        return path

    def prefetch(self, names, opt_dirs=SBIN_DIRS):
        """Look up several executables at once (cached like ``find``; missing ones too)."""
        for name in names:
            self.find(name, required=False, opt_dirs=opt_dirs)

    def run(self, argv, data=None, timeout=None, check=True, explain=None, describe=None,
            secret=None):
        """Run ``argv`` (a list). A non-zero rc raises CommandError when ``check``.

        ``explain(rc)`` gives the tool's meaning of an exit code, ``describe(cmd, rc, out,
        err, meaning)`` the message; ``secret`` is masked in the recorded command and output.
        """
        argv = [str(arg) for arg in argv]
        full = self._with_timeout(argv, timeout if timeout is not None else self.timeout)
        rc, out, err = self._execute(full, data)
        shown = [mask(arg, secret) for arg in argv]
        result = Result(shown, rc, mask(out or '', secret), mask(err or '', secret))
        if check and rc != 0:
            meaning = explain(rc) if explain else None
            if rc in TIMEOUT_RCS and not meaning:
                meaning = 'timed out'
            describe_failure = describe or default_failure_message
            message = describe_failure(shown, rc, result.stdout, result.stderr, meaning)
            raise CommandError(message, cmd=shown, rc=rc, stdout=result.stdout,
                               stderr=result.stderr, meaning=meaning)
        return result

    def run_json(self, argv, **kwargs):
        return self.run(argv, **kwargs).json()

    def read_file(self, path):
        """Text of a file on the host, or None when it cannot be read."""
        result = self.run(['cat', '--', path], check=False)
        return result.stdout if result.rc == 0 else None

    def list_dir(self, path):
        """Names in a directory on the host ([] when it cannot be read)."""
        result = self.run(['ls', '-1A', '--', path], check=False)
        return result.stdout.splitlines() if result.rc == 0 else []

    def lock(self, path):
        """An exclusive host-wide lock on ``path`` (a context manager)."""
        raise CommandError('This runner cannot take host locks (%s)' % path)

    def upload(self, stream, path, algorithm='sha256', first=b''):
        """Write ``first`` then ``stream`` (a binary file object) to ``path`` on the host,
        hashing the bytes as they go; returns ``(size, hexdigest)``. The default sends
        everything in one command's stdin; runners over a process stream it in chunks."""
        digest = hashlib.new(algorithm)
        data = first + stream.read()
        digest.update(data)
        self.run(['sh', '-c', 'cat > "$1"', 'sh', path], data=data)
        return len(data), digest.hexdigest()

    def _with_timeout(self, argv, timeout):
        if not timeout:
            return argv
        wrapper = self.find('timeout', required=False, opt_dirs=('/usr/bin', '/bin'))
        if not wrapper:
            return argv
        return [wrapper, '--kill-after=10', str(timeout)] + argv


class FileLock(object):
    """A blocking ``flock(2)`` lock on a local file, as a context manager: the same kind of
    lock flock(1) takes, so a program holding it over SSH excludes a module and back."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def __enter__(self):
        directory = os.path.dirname(self.path)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        self.handle = open(self.path, 'a')
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self.handle is not None:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class LocalFilesMixin(object):
    """Files and locks of the machine the code runs on (a module on its host)."""

    def read_file(self, path):
        try:
            with open(path) as handle:
                return handle.read()
        except (IOError, OSError, UnicodeDecodeError):
            return None

    def list_dir(self, path):
        try:
            return os.listdir(path)
        except OSError:
            return []

    def lock(self, path):
        return FileLock(path)


class ModuleRunner(LocalFilesMixin, Runner):
    """Inside a module: ``AnsibleModule.run_command`` with the C locale."""

    def __init__(self, module, timeout=None):
        super(ModuleRunner, self).__init__(timeout=timeout)
        self.module = module

    def _execute(self, argv, data):
        if data is None:
            return self.module.run_command(argv, environ_update=C_LOCALE)
        return self.module.run_command(argv, data=data, binary_data=True,
                                       environ_update=C_LOCALE)

    def _lookup(self, name, opt_dirs):
        return self.module.get_bin_path(name, required=False, opt_dirs=list(opt_dirs))


class SubprocessRunner(LocalFilesMixin, Runner):
    """Plain ``subprocess`` on this machine (controller plugins, standalone programs, tests)."""

    def __init__(self, timeout=None, env=None):
        super(SubprocessRunner, self).__init__(timeout=timeout)
        self.env = dict(os.environ if env is None else env)
        self.env.update(C_LOCALE)

    def _execute(self, argv, data):
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE if data is not None else
                                    subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=self.env)
        except OSError as exc:
            return 127, '', '%s: %s' % (argv[0], exc)
        if data is not None and not isinstance(data, bytes):
            data = data.encode('utf-8')
        out, err = proc.communicate(data)
        return proc.returncode, _text(out), _text(err)

    def upload(self, stream, path, algorithm='sha256', first=b''):
        return self._stream_to(['sh', '-c', 'cat > "$1"', 'sh', path], stream, algorithm, first)

    def _stream_to(self, argv, stream, algorithm, first):
        """Pipe ``first`` + ``stream`` into ``argv`` in chunks, hashing as it goes."""
        digest = hashlib.new(algorithm)
        size = 0
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)
        try:
            chunk = first or stream.read(UPLOAD_CHUNK_SIZE)
            while chunk:
                digest.update(chunk)
                size += len(chunk)
                proc.stdin.write(chunk)
                chunk = stream.read(UPLOAD_CHUNK_SIZE)
        except (IOError, OSError) as exc:
            proc.kill()
            proc.communicate()
            raise CommandError('Writing %s failed: %s' % (argv[-1], exc), cmd=argv)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise CommandError('Writing %s failed with rc %s: %s'
                               % (argv[-1], proc.returncode, last_line(_text(err))),
                               cmd=argv, rc=proc.returncode, stdout=_text(out), stderr=_text(err))
        return size, digest.hexdigest()

    def _lookup(self, name, opt_dirs):
        if os.path.isabs(name):
            return name if os.access(name, os.X_OK) else None
        directories = self.env.get('PATH', '').split(os.pathsep) + list(opt_dirs)
        for directory in directories:
            candidate = os.path.join(directory, name)
            if directory and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
        return None


class SshRunner(Runner):
    """Commands on a remote host through ``ssh``: batch mode, strict host keys, one master
    connection reused by every call (``ControlMaster=auto``). ``strict_host_keys=False``
    leaves host key checking to ``options`` and the ssh configuration (ssh takes the first
    value of an option, so a later ``-o StrictHostKeyChecking=no`` could not undo ours)."""

    def __init__(self, host, user='root', port=22, key_file=None, known_hosts_file=None,
                 control_path=None, options=(), timeout=None, ssh='ssh', local=None,
                 strict_host_keys=True):
        super(SshRunner, self).__init__(timeout=timeout)
        self.local = local or SubprocessRunner()
        self.destination = '%s@%s' % (user, host) if user else host
        base = [ssh, '-p', str(port), '-o', 'BatchMode=yes']
        if strict_host_keys:
            base += ['-o', 'StrictHostKeyChecking=yes']
        if key_file:
            base += ['-i', key_file, '-o', 'IdentitiesOnly=yes']
        if known_hosts_file:
            base += ['-o', 'UserKnownHostsFile=%s' % known_hosts_file]
        if control_path:
            base += ['-o', 'ControlMaster=auto', '-o', 'ControlPath=%s' % control_path,
                     '-o', 'ControlPersist=60']
        self.base = base + list(options)

    def ssh_argv(self, argv, with_stdin):
        """The local ssh argv running ``argv`` on the host; the remote shell gets every
        argument quoted, so nothing in it is interpreted."""
        remote = ' '.join(_shell_quote(arg) for arg in ['env', 'LC_ALL=C', 'LANG=C'] + argv)
        return self.base + ([] if with_stdin else ['-n']) + [self.destination, '--', remote]

    def _execute(self, argv, data):
        return self.local._execute(self.ssh_argv(argv, data is not None), data)

    def upload(self, stream, path, algorithm='sha256', first=b''):
        remote = ['sh', '-c', 'cat > "$1"', 'sh', path]
        return self.local._stream_to(self.ssh_argv(remote, True), stream, algorithm, first)

    def lock(self, path):
        return RemoteLock(self, path)

    def close(self):
        """End the master connection, if any (ControlPersist would keep it a minute)."""
        if not any(arg.startswith('ControlPath=') for arg in self.base):
            return
        try:
            subprocess.call(self.base + ['-O', 'exit', self.destination], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def prefetch(self, names, opt_dirs=SBIN_DIRS):
        """One round trip for several lookups: ``<name>=<path>`` lines."""
        wanted = [name for name in names if name not in self._paths]
        if not wanted:
            return
        script = ('PATH="$PATH:%s"; for name in "$@"; do printf "%%s=%%s\\n" "$name" '
                  '"$(command -v "$name")"; done' % ':'.join(opt_dirs))
        rc, out, err = self._execute(['sh', '-c', script, 'sh'] + wanted, None)
        if rc == SSH_FAILED_RC:
            raise CommandError('Cannot reach %s over SSH: %s'
                               % (self.destination, last_line(err) or 'ssh exited 255'),
                               cmd=self.base + [self.destination], rc=rc, stdout=out, stderr=err)
        if rc != 0:
            return
        for line in out.splitlines():
            name, _sep, path = line.partition('=')
            if name in wanted:
                self._paths[name] = path if path.startswith('/') else None

    def _lookup(self, name, opt_dirs):
        script = 'PATH="$PATH:%s"; command -v "$1"' % ':'.join(opt_dirs)
        rc, out, _err = self._execute(['sh', '-c', script, 'sh', name], None)
        path = out.strip().splitlines()[-1] if rc == 0 and out.strip() else ''
        return path if path.startswith('/') else None


class RemoteLock(object):
    """A host-wide ``flock(2)`` lock held by an ssh session running flock(1) on the host:
    it excludes the modules' ``FileLock`` on the same path. The session prints a mark once
    it holds the lock and keeps it until its stdin closes (or the connection drops)."""

    def __init__(self, runner, path):
        self.runner = runner
        self.path = path
        self.proc = None

    def __enter__(self):
        script = ('mkdir -p -- "$(dirname -- "$1")" && exec flock -x "$1" '
                  'sh -c \'echo %s; exec cat >/dev/null\'' % LOCKED_MARK)
        argv = self.runner.ssh_argv(['sh', '-c', script, 'sh', self.path], True)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=self.runner.local.env)
        line = self.proc.stdout.readline()
        if _text(line).strip() != LOCKED_MARK:
            _out, err = self.proc.communicate()
            raise CommandError('Could not take the host lock %s: %s'
                               % (self.path, last_line(_text(err)) or 'the session ended'),
                               cmd=argv, rc=self.proc.returncode, stderr=_text(err))
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self.proc is not None:
            # closes the session's stdin: flock(1)'s child ends and the lock is released
            self.proc.communicate()
            self.proc = None


def _text(data):
    if isinstance(data, bytes):
        return data.decode('utf-8', 'replace')
    return data or ''
