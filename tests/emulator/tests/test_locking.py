"""openvz-cli.md 7: lock files."""

import os
import subprocess
import sys


def test_live_lock_gives_rc_9(emu):
    emu.create(101)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        emu.write("/vz/lock/101.lck", "%d\n\n" % holder.pid)
        result = emu.vzctl("start", 101)
        assert result.rc == 9
        assert result.err_lines[0].startswith("Locked by: pid %d, cmdline " % holder.pid)
        assert "time.sleep(30)" in result.err_lines[0]
        assert result.err_lines[1] == "Container already locked"
        assert emu.vzctl("status", 101).rc == 0  # status takes no lock
        assert emu.vzctl("--skiplock", "mount", 101).rc == 0
    finally:
        holder.kill()
        holder.wait()


def test_stale_lock_removed(emu):
    emu.create(101)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    emu.write("/vz/lock/101.lck", "%d\n\n" % dead.pid)
    result = emu.vzctl("mount", 101)
    assert result.rc == 0
    assert result.out_lines == ["Removing stale lock file /vz/lock/101.lck", "Container is mounted"]
    assert not os.path.exists(emu.path("/vz/lock/101.lck"))


def test_garbage_lock_removed_silently(emu):
    emu.create(101)
    emu.write("/vz/lock/101.lck", "garbage\n")
    result = emu.vzctl("mount", 101)
    assert (result.rc, result.out) == (0, "Container is mounted\n")
