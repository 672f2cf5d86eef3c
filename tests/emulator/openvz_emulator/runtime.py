"""Real effects of the OpenVZ emulator (namespaces, veth pairs, bind mounts).

get_runtime(name, state_dir) returns a runtime; every method raises
RuntimeEffectError(message) on failure.

* "none"  (NullRuntime): no effects; exec runs the command on the host.
* "netns" (NetnsRuntime, root only): a container is a network namespace
  vz<CTID> (``ip netns``) plus an init process in fresh UTS, IPC, mount and
  PID namespaces, chrooted into the container root. The init is this file run
  as a script ("ctinit"): it sets the hostname, mounts /proc, /sys and a small
  /dev inside the root, chroots and execs the container's /sbin/init (or, if
  there is none, stays as a minimal PID 1).
"""

import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time


class RuntimeEffectError(Exception):
    """A runtime effect (mount, namespace, veth...) could not be applied."""


# Environment of commands run inside a container (as vzctl exec sets it).
CT_ENV = {
    "HOME": "/",
    "TERM": "linux",
    "PATH": "/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin",
}
# Searched after $PATH for the host tools (vzctl may run with a minimal PATH).
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NETNS_DIR = "/run/netns"
READY_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}$")
MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


class NullRuntime(object):
    """No real effects: vzctl keeps all state itself; exec runs on the host."""

    name = "none"

    def __init__(self, state_dir=None):
        self.state_dir = state_dir

    def mount(self, ctid, source_dir, root_dir):
        pass

    def umount(self, ctid, root_dir):
        pass

    def start(self, ctid, root_dir, hostname):
        pass

    def stop(self, ctid):
        pass

    def add_veth(self, ctid, netif):
        pass

    def del_veth(self, ctid, host_ifname):
        pass

    def exec(self, ctid, root_dir, argv, stdin=None):
        return _run_passthrough(argv, stdin, cwd=root_dir)

    def numproc(self, ctid):
        return None


class NetnsRuntime(NullRuntime):
    """Containers as network/UTS/IPC/mount/PID namespaces with a chrooted init."""

    name = "netns"

    # -- mount / umount -------------------------------------------------
    def mount(self, ctid, source_dir, root_dir):
        _require_root()
        if not os.path.isdir(source_dir):
            raise RuntimeEffectError("Container private area %s does not exist" % source_dir)
        os.makedirs(root_dir, exist_ok=True)
        if _is_mount_point(root_dir):
            return
        _run([_tool("mount"), "--bind", source_dir, root_dir],
             "Unable to bind-mount %s on %s" % (source_dir, root_dir))

    def umount(self, ctid, root_dir):
        _require_root()
        if not os.path.isdir(root_dir):
            return
        while _is_mount_point(root_dir):
            _run([_tool("umount"), root_dir], "Unable to unmount %s" % root_dir)

    # -- start / stop ---------------------------------------------------
    def start(self, ctid, root_dir, hostname):
        _require_root()
        pid = self._init_pid(ctid)
        if pid is not None:
            raise RuntimeEffectError("Container %s is already running (init pid %d)" % (ctid, pid))
        if not os.path.isdir(root_dir):
            raise RuntimeEffectError("Container root %s does not exist" % root_dir)
        self.stop(ctid)  # leftovers of a half-started or crashed container
        ip = _tool("ip")
        netns = _netns_name(ctid)
        _run([ip, "netns", "add", netns], "Unable to create network namespace %s" % netns)
        try:
            _run([ip, "-n", netns, "link", "set", "dev", "lo", "up"],
                 "Unable to set lo up in %s" % netns)
            pid = self._spawn_init(ctid, root_dir, hostname)
            start_time = _start_time(pid)
            if start_time is None:
                raise RuntimeEffectError("Init of container %s exited right after starting "
                                         "(see %s)" % (ctid, self._log_file(ctid)))
            _write_atomically(self._pid_file(ctid), "%s %s\n" % (pid, start_time))
        except BaseException:
            self._cleanup_quietly(ctid)
            raise

    def stop(self, ctid):
        _require_root()
        netns = _netns_name(ctid)
        victims = set()
        pid = self._init_pid(ctid)
        if pid is not None:
            victims.add(pid)
        if os.path.exists(_netns_path(ctid)):
            victims.update(self._netns_pids(netns))
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _wait_gone(victims, STOP_TIMEOUT, "Unable to stop container %s" % ctid)
        if os.path.exists(_netns_path(ctid)):
            self._delete_veths_in(netns)
            _run([_tool("ip"), "netns", "delete", netns],
                 "Unable to delete network namespace %s" % netns)
        _unlink_if_exists(self._pid_file(ctid))

    # -- networking -----------------------------------------------------
    def add_veth(self, ctid, netif):
        _require_root()
        ifname = _checked_ifname(netif.get("ifname"), "container interface name")
        host_ifname = _checked_ifname(netif.get("host_ifname"), "host interface name")
        netns = _netns_name(ctid)
        if not os.path.exists(_netns_path(ctid)):
            raise RuntimeEffectError("Network namespace %s of container %s does not exist "
                                     "(is it running?)" % (netns, ctid))
        ip = _tool("ip")
        argv = [ip, "link", "add", "name", host_ifname]
        argv += _mac_args(netif.get("host_mac"), "host MAC address")
        argv += ["type", "veth", "peer", "name", ifname]
        argv += _mac_args(netif.get("mac"), "container MAC address")
        argv += ["netns", netns]
        _run(argv, "Unable to create veth pair %s (host) / %s (CT%s)" % (host_ifname, ifname, ctid))
        try:
            _run([ip, "link", "set", "dev", host_ifname, "up"], "Unable to set %s up" % host_ifname)
            _run([ip, "-n", netns, "link", "set", "dev", ifname, "up"],
                 "Unable to set %s up in %s" % (ifname, netns))
        except RuntimeEffectError:
            self.del_veth(ctid, host_ifname)
            raise

    def del_veth(self, ctid, host_ifname):
        _require_root()
        host_ifname = _checked_ifname(host_ifname, "host interface name")
        ip = _tool("ip")
        if _link_exists(ip, host_ifname):
            _run([ip, "link", "delete", "dev", host_ifname],
                 "Unable to delete veth %s" % host_ifname)

    # -- processes ------------------------------------------------------
    def exec(self, ctid, root_dir, argv, stdin=None):
        _require_root()
        pid = self._init_pid(ctid)
        if pid is None:
            raise RuntimeEffectError("Container %s is not running" % ctid)
        command = [_tool("nsenter"), "-t", str(pid), "-n", "-u", "-i", "-p", "-m", "-r", "-w", "--"]
        return _run_passthrough(command + list(argv), stdin, env=dict(CT_ENV))

    def numproc(self, ctid):
        pid = self._init_pid(ctid)
        if pid is None:
            return None
        try:
            pid_ns = os.readlink("/proc/%d/ns/pid" % pid)
        except OSError:
            return None
        count = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.readlink("/proc/%s/ns/pid" % entry) == pid_ns:
                    count += 1
            except OSError:
                pass  # the process ended meanwhile
        return count

    # -- internals ------------------------------------------------------
    def _state_subdir(self):
        path = os.path.join(self.state_dir, "netns")
        os.makedirs(path, exist_ok=True)
        return path

    def _pid_file(self, ctid):
        return os.path.join(self._state_subdir(), "%s.pid" % ctid)

    def _log_file(self, ctid):
        return os.path.join(self._state_subdir(), "%s.log" % ctid)

    def _init_pid(self, ctid):
        """Return the live init pid recorded for ctid, else None."""
        try:
            with open(self._pid_file(ctid)) as handle:
                pid_text, start_text = handle.read().split()
            pid, start = int(pid_text), int(start_text)
        except (OSError, ValueError):
            return None
        if _start_time(pid) != start or _is_zombie(pid):
            return None
        return pid

    def _spawn_init(self, ctid, root_dir, hostname):
        """Start the container init; return its pid once it reports ready."""
        read_fd, write_fd = os.pipe()
        argv = [
            _tool("nsenter"), "--net=" + _netns_path(ctid), "--",
            _tool("unshare"), "--uts", "--ipc", "--mount", "--pid", "--fork", "--kill-child",
            "--propagation", "private", "--",
            sys.executable, "-I", os.path.abspath(__file__), "ctinit",
            str(write_fd), os.path.abspath(root_dir), hostname or "",
        ]
        log_path = self._log_file(ctid)
        try:
            with open(log_path, "ab") as log:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        pass_fds=(write_fd,), start_new_session=True, cwd="/")
        finally:
            os.close(write_fd)
        try:
            report = _read_line(read_fd, READY_TIMEOUT)
        finally:
            os.close(read_fd)
        words = report.split(None, 1)
        if len(words) == 2 and words[0] == "ready" and words[1].strip().isdigit():
            return int(words[1])
        if words and words[0] == "error":
            reason = report[len("error"):].strip()
        elif proc.poll() is None:
            reason = "no ready report within %d s" % READY_TIMEOUT
        else:
            reason = "init exited with status %s (see %s)" % (proc.returncode, log_path)
        raise RuntimeEffectError("Unable to start init of container %s: %s" % (ctid, reason))

    def _netns_pids(self, netns):
        out = _run([_tool("ip"), "netns", "pids", netns], "Unable to list processes of %s" % netns)
        return set(int(word) for word in out.split() if word.isdigit())

    def _delete_veths_in(self, netns):
        """Delete the veth pairs of netns now (namespace teardown is asynchronous)."""
        ip = _tool("ip")
        out = _run([ip, "-n", netns, "-o", "link", "show", "type", "veth"],
                   "Unable to list veth devices of %s" % netns)
        for line in out.splitlines():
            # "<index>: <name>@<peer>: <flags> ..."
            fields = line.split(":", 2)
            if len(fields) == 3:
                name = fields[1].strip().split("@", 1)[0]
                _run([ip, "-n", netns, "link", "delete", "dev", name],
                     "Unable to delete %s in %s" % (name, netns))

    def _cleanup_quietly(self, ctid):
        try:
            self.stop(ctid)
        except RuntimeEffectError:
            pass  # the original error is the one worth reporting


# -- helpers ------------------------------------------------------------------
def _require_root():
    if os.geteuid() != 0:
        raise RuntimeEffectError("The netns runtime needs root (effective uid is %d)"
                                 % os.geteuid())


def _tool(name):
    search = os.environ.get("PATH", "") + os.pathsep + SYSTEM_PATH
    path = shutil.which(name, path=search)
    if path is None:
        raise RuntimeEffectError("Required host command %s not found (install iproute2 and "
                                 "util-linux)" % name)
    return path


def _run(argv, what):
    """Run argv quietly; return stdout as text, or raise with what + stderr."""
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
    except OSError as exc:
        raise RuntimeEffectError("%s: cannot execute %s: %s" % (what, argv[0], exc.strerror))
    if proc.returncode != 0:
        detail = (proc.stderr.decode("utf-8", "replace").strip()
                  or "exit status %d" % proc.returncode)
        raise RuntimeEffectError("%s: %s" % (what, detail))
    return proc.stdout.decode("utf-8", "replace")


def _run_passthrough(argv, stdin, cwd=None, env=None):
    """Run argv with stdout/stderr passed through; stdin None (inherit), bytes/str or a file."""
    data = None
    stdin_arg = stdin
    if isinstance(stdin, str):
        data = stdin.encode("utf-8")
    elif isinstance(stdin, bytes):
        data = stdin
    if data is not None:
        stdin_arg = subprocess.PIPE
    try:
        proc = subprocess.Popen(list(argv), stdin=stdin_arg, cwd=cwd, env=env)
    except OSError as exc:
        raise RuntimeEffectError("Unable to execute %s: %s" % (argv[0], exc.strerror))
    proc.communicate(data)
    return proc.returncode


def _netns_name(ctid):
    """vz<CTID>; OpenVZ 7 IDs are strings (numbers or UUIDs)."""
    return "vz%s" % ctid


def _netns_path(ctid):
    return os.path.join(NETNS_DIR, _netns_name(ctid))


def _checked_ifname(name, what):
    if not name or not IFNAME_RE.match(name):
        raise RuntimeEffectError("Invalid %s %r (1-15 characters, no '/' or blanks)" % (what, name))
    return name


def _mac_args(mac, what):
    if not mac:
        return []
    if not MAC_RE.match(mac):
        raise RuntimeEffectError("Invalid %s %r" % (what, mac))
    return ["address", mac]


def _link_exists(ip, name):
    return subprocess.run([ip, "link", "show", "dev", name], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False).returncode == 0


def _proc_stat_fields(pid):
    """Fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _start_time(pid):
    fields = _proc_stat_fields(pid)
    return int(fields[19]) if fields else None


def _is_zombie(pid):
    fields = _proc_stat_fields(pid)
    return fields is None or fields[0] in ("Z", "X")


def _wait_gone(pids, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid in pids if not _is_zombie(pid)]
        if not alive:
            return
        if time.monotonic() > deadline:
            raise RuntimeEffectError("%s: processes still alive: %s"
                                     % (what, " ".join(str(pid) for pid in sorted(alive))))
        time.sleep(0.05)


def _read_line(fd, timeout):
    """Read one line from fd (nsenter/unshare keep it open, so EOF may never come)."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        readable = select.select([fd], [], [], remaining)[0]
        if not readable:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")


def _unescape_mountinfo(text):
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), text)


def _is_mount_point(path):
    """True when path is a mount point in this mount namespace (also bind mounts)."""
    target = os.path.realpath(path)
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 4 and _unescape_mountinfo(fields[4]) == target:
                return True
    return False


def _write_atomically(path, text):
    handle, temp_path = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.rename(temp_path, path)
    except BaseException:
        _unlink_if_exists(temp_path)
        raise


def _unlink_if_exists(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


RUNTIMES = {"none": NullRuntime, "netns": NetnsRuntime}


def get_runtime(name, state_dir):
    """Return the runtime called name ('none' or 'netns') keeping its files in state_dir."""
    try:
        runtime_class = RUNTIMES[name or "none"]
    except KeyError:
        raise RuntimeEffectError("Unknown runtime %r (expected one of: %s)"
                                 % (name, ", ".join(sorted(RUNTIMES))))
    return runtime_class(state_dir)


# -- container init (this file run as a script, PID 1 of the container) -------
DEV_NODES = (("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8),
             ("urandom", 1, 9), ("tty", 5, 0))
DEV_LINKS = (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"))


def _real_directory(path):
    """True for a directory that is not a symlink (container content is not trusted)."""
    try:
        return os.path.isdir(path) and not os.path.islink(path)
    except OSError:
        return False


def _mount_container_filesystems(root):
    """Mount /proc, /sys (read-only) and a tmpfs /dev with basic nodes under root."""
    mount = _tool("mount")
    if _real_directory(os.path.join(root, "proc")):
        _run([mount, "-t", "proc", "-o", "nosuid,nodev,noexec", "proc",
              os.path.join(root, "proc")], "Unable to mount /proc")
    if _real_directory(os.path.join(root, "sys")):
        _run([mount, "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs",
              os.path.join(root, "sys")], "Unable to mount /sys")
    dev = os.path.join(root, "dev")
    if _real_directory(dev):
        _run([mount, "-t", "tmpfs", "-o", "mode=755,nosuid,size=1024k", "tmpfs", dev],
             "Unable to mount /dev")
        for name, major, minor in DEV_NODES:
            node = os.path.join(dev, name)
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
            os.chmod(node, 0o666)
        for name, target in DEV_LINKS:
            os.symlink(target, os.path.join(dev, name))


def _reap_children(signum, frame):
    while True:
        try:
            pid = os.waitpid(-1, os.WNOHANG)[0]
        except ChildProcessError:
            return
        if pid == 0:
            return


def _minimal_init():
    """PID 1 for a root without /sbin/init: reap orphans, exit on TERM/INT."""
    signal.signal(signal.SIGCHLD, _reap_children)
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(0))
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(0))
    while True:
        signal.pause()


def _ctinit_main(argv):
    """ctinit READY_FD ROOT HOSTNAME: report 'ready <host pid>' or 'error <msg>' on READY_FD."""
    ready_fd, root, hostname = int(argv[0]), argv[1], argv[2]
    try:
        host_pid = int(os.readlink("/proc/self"))  # still the host's /proc here
        if hostname:
            socket.sethostname(hostname)
        _mount_container_filesystems(root)
        os.chroot(root)
        os.chdir("/")
    except (OSError, RuntimeEffectError, ValueError) as exc:
        os.write(ready_fd, ("error %s\n" % exc).encode("utf-8"))
        return 1
    os.write(ready_fd, ("ready %d\n" % host_pid).encode("ascii"))
    os.close(ready_fd)
    if os.access("/sbin/init", os.X_OK):
        try:
            os.execve("/sbin/init", ["/sbin/init"], dict(CT_ENV))
        except OSError as exc:
            sys.stderr.write("ctinit: cannot exec /sbin/init: %s; staying as PID 1\n" % exc)
    _minimal_init()
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["ctinit"]:
    sys.exit(_ctinit_main(sys.argv[2:]))
