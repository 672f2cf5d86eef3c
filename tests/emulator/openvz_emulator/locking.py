"""Container lock files <LOCKDIR>/<CTID>.lck made with link() (section 7)."""

import errno
import os
import tempfile


class LockBusy(Exception):
    def __init__(self, pid, cmdline):
        Exception.__init__(self, pid)
        self.pid = pid
        self.cmdline = cmdline


class LockFailed(Exception):
    pass


def _pid_alive(pid):
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            raw = handle.read()
    except (IOError, OSError):
        return ""
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)


class ContainerLock(object):
    """Take with acquire(on_stale); release() removes the file."""

    def __init__(self, lockdir, ctid, status=""):
        self.lockdir = lockdir
        self.path = os.path.join(lockdir, "%s.lck" % ctid)
        self.ctid = ctid
        self.status = status
        self.held = False

    def acquire(self, on_stale):
        """on_stale(path) is called before a dead owner's lock is removed."""
        try:
            if not os.path.isdir(self.lockdir):
                os.makedirs(self.lockdir)
            handle, tmp_path = tempfile.mkstemp(prefix="%s.lck" % self.ctid, dir=self.lockdir)
        except OSError:
            raise LockFailed()
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write("%d\n%s\n" % (os.getpid(), self.status))
            for _attempt in range(5):
                try:
                    os.link(tmp_path, self.path)
                    self.held = True
                    return
                except OSError as exc:
                    if exc.errno != errno.EEXIST:
                        raise LockFailed()
                self._handle_existing(on_stale)
            raise LockFailed()
        finally:
            os.unlink(tmp_path)

    def _handle_existing(self, on_stale):
        try:
            with open(self.path) as handle:
                first = handle.readline().strip()
        except (IOError, OSError):
            return
        try:
            pid = int(first)
        except ValueError:
            self._remove()
            return
        if _pid_alive(pid):
            raise LockBusy(pid, _cmdline(pid))
        on_stale(self.path)
        self._remove()

    def _remove(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def release(self):
        if self.held:
            self._remove()
            self.held = False
