"""One harness for module and runner tests: ordered, exact command expectations.

A case lists the commands a run must make, in order, each with the rc/stdout/stderr it
gets back (CmdRunner-style). ``Expect`` fails the test on the first command that is not
the next expected one, and ``assert_done`` on expected commands that never ran.

    expect = Expect([
        (['/usr/sbin/vzlist', '-j', '-a'], (0, '[]', '')),
        (['/usr/sbin/vzctl', 'create', '101', ...], OK),
    ])
    result = run_module(monkeypatch, capsys, container, args, expect)
    expect.assert_done()

An entry's argv may be a callable (``argv -> bool``) for commands whose text varies,
and ``Expect(..., unordered=True)`` matches commands that run concurrently in any order.
"""

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

OK = (0, '', '')
SBIN = '/usr/sbin/'


class Expect(object):
    def __init__(self, entries, unordered=False, strip_timeout=True):
        self.entries = list(entries)
        self.unordered = unordered
        self.strip_timeout = strip_timeout
        self.calls = []

    def _strip(self, argv):
        argv = [str(arg) for arg in argv]
        if self.strip_timeout and argv and argv[0].endswith('/timeout'):
            argv = argv[3:]
        return argv

    @staticmethod
    def _matches(expected, argv):
        if callable(expected):
            return expected(argv)
        return [str(arg) for arg in expected] == argv

    def __call__(self, argv, data=None):
        argv = self._strip(argv)
        self.calls.append(argv)
        candidates = self.entries if self.unordered else self.entries[:1]
        for index, (expected, reply) in enumerate(candidates):
            if self._matches(expected, argv):
                del self.entries[index]
                return reply(argv, data) if callable(reply) else reply
        expected = self.entries[0][0] if self.entries else None
        raise AssertionError('unexpected command %r\n  expected next: %r\n  ran so far: %r'
                             % (argv, expected, self.calls[:-1]))

    def assert_done(self):
        assert not self.entries, 'expected commands never ran: %r' % (
            [argv for argv, _reply in self.entries],)


def patch_module(monkeypatch, expect, bin_dir=SBIN, missing_bins=()):
    """Route AnsibleModule.run_command through ``expect``; binaries live in ``bin_dir``
    except ``missing_bins``, which are not installed."""
    def run_command(self, argv, data=None, binary_data=False, environ_update=None, **_kwargs):
        assert environ_update and environ_update.get('LC_ALL') == 'C', 'commands run with LC_ALL=C'
        return expect(argv, data)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None:
                        None if name in missing_bins else bin_dir + name)


def run_module(monkeypatch, capsys, module, args, expect, check_mode=False, diff=False, files=None,
               vz_options=True, missing_bins=()):
    """Run ``module.main()`` with ``args``; returns its JSON result (success or failure).

    ``files`` (path -> text) replaces the host files the module's runner reads when given;
    ``vz_options=False`` for modules without the vzctl options (``command_timeout``);
    ``missing_bins`` names binaries the host does not have."""
    patch_module(monkeypatch, expect, missing_bins=missing_bins)
    if files is not None:
        from ansible_collections.openvz.cloud.plugins.module_utils import _runner
        monkeypatch.setattr(_runner.ModuleRunner, 'read_file', lambda self, path: files.get(path))
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    if vz_options:
        args.setdefault('command_timeout', 0)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


# A legacy OpenVZ host: vzctl 4.x and vzlist, no prlctl (which only OpenVZ 7/9 ship).
LEGACY_HOST_MISSING = ('prlctl', 'prlsrvctl')


def run_legacy(monkeypatch, capsys, module, args, expect, **kwargs):
    """``run_module`` on a legacy host."""
    kwargs.setdefault('missing_bins', LEGACY_HOST_MISSING)
    return run_module(monkeypatch, capsys, module, args, expect, **kwargs)


def fake_runner(expect, files=None, missing_bins=()):
    """A runner whose commands ``expect`` answers; ``files`` (path -> text) replaces the
    host's files when given; ``missing_bins`` are not installed."""
    from ansible_collections.openvz.cloud.plugins.module_utils import _runner

    class _FakeRunner(_runner.LocalFilesMixin, _runner.Runner):
        def _execute(self, argv, data):
            return expect(argv, data)

        def _lookup(self, name, opt_dirs):
            return None if name in missing_bins else SBIN + name

    runner = _FakeRunner()
    if files is not None:
        runner.read_file = files.get
    return runner


def commandless_module(monkeypatch, capsys, module):
    """``run(args, check_mode=False, diff=False)`` for a module that runs no command at all
    (the harness fails the test on any command); returns the module's JSON result."""
    def run(args, check_mode=False, diff=False):
        return run_module(monkeypatch, capsys, module, args, Expect([]), check_mode=check_mode, diff=diff,
                          vz_options=False)
    return run
