"""The busybox OS template: contents and byte-for-byte reproducibility."""

import hashlib
import os
import re
import subprocess
import sys
import tarfile

import pytest

BUILDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "templates", "build_busybox_template.py")

pytestmark = pytest.mark.skipif(not os.access("/bin/busybox", os.X_OK),
                                reason="needs /bin/busybox (Debian busybox-static)")


def build(out_dir, *extra):
    proc = subprocess.run([sys.executable, BUILDER, str(out_dir)] + list(extra),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def sha256(path):
    with open(str(path), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_build_is_reproducible(tmp_path):
    first = tmp_path / "one"
    second = tmp_path / "two"
    build(first)
    build(second)
    name = "busybox-1.35-x86_64.tar.gz"
    assert sha256(first / name) == sha256(second / name)
    # Rebuilding over an existing file keeps the bytes too.
    build(first)
    assert sha256(first / name) == sha256(second / name)
    assert sorted(os.listdir(str(first))) == [name]


def test_contents(tmp_path):
    out = build(tmp_path, "--name", "mini-busybox")
    archive_path = tmp_path / "mini-busybox.tar.gz"
    assert out.startswith(str(archive_path))
    with open(str(archive_path), "rb") as handle:
        header = handle.read(10)
    assert header[4:8] == b"\0\0\0\0"  # gzip mtime 0
    with tarfile.open(str(archive_path)) as archive:
        members = archive.getmembers()
        names = [member.name for member in members]
        assert names == sorted(names)
        by_name = dict((member.name, member) for member in members)
        for member in members:
            assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "root", "root")
            assert member.mtime == 946684800
        assert by_name["./bin/busybox"].isfile() and by_name["./bin/busybox"].mode == 0o755
        assert by_name["./bin/sh"].issym() and by_name["./bin/sh"].linkname == "/bin/busybox"
        for applet in ("./sbin/ip", "./bin/ping", "./bin/hostname", "./bin/cat"):
            assert by_name[applet].linkname == "/bin/busybox", applet
        for path in ("./bin/bash", "./sbin/init"):
            assert by_name[path].isfile() and by_name[path].mode == 0o755
            assert archive.extractfile(path).read().startswith(b"#!/bin/sh\n")
        assert by_name["./tmp"].mode == 0o1777
        for directory in ("./proc", "./sys", "./dev", "./root", "./etc"):
            assert by_name[directory].isdir(), directory
        os_release = archive.extractfile("./etc/os-release").read().decode()
    assert "ID=busybox\n" in os_release
    assert re.search(r'^VERSION_ID="[0-9.]+"$', os_release, re.M)


def test_missing_busybox_is_reported(tmp_path):
    proc = subprocess.run([sys.executable, BUILDER, str(tmp_path), "--busybox",
                           str(tmp_path / "nope")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)
    assert proc.returncode == 2
    assert b"busybox-static" in proc.stderr
