"""Fixtures: a fresh emulated OpenVZ host per test, driven through bin/vzctl and bin/vzlist."""

import io
import os
import subprocess
import tarfile

import pytest

BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bin")
TEMPLATE = "mini-1.0-x86_64"


def build_template(path):
    """A tiny deterministic root filesystem tarball."""
    with tarfile.open(path, "w:gz") as archive:
        for name in ("bin", "sbin", "etc"):
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            archive.addfile(info)
        data = b'NAME="mini"\n'
        info = tarfile.TarInfo("etc/os-release")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("bin/sh")
        info.type = tarfile.SYMTYPE
        info.linkname = "/bin/busybox"
        archive.addfile(info)


class Result(object):
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode()
        self.err = proc.stderr.decode()

    @property
    def out_lines(self):
        return self.out.splitlines()

    @property
    def err_lines(self):
        return self.err.splitlines()

    def __repr__(self):
        return "rc=%r out=%r err=%r" % (self.rc, self.out, self.err)


class Emulator(object):
    def __init__(self, root):
        self.root = root
        self.env = dict(os.environ, OPENVZ_EMULATOR_ROOT=root, OPENVZ_EMULATOR_RUNTIME="none")

    def run(self, tool, *args, **kwargs):
        proc = subprocess.run([os.path.join(BIN, tool)] + [str(a) for a in args], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              input=kwargs.get("input"), check=False)
        return Result(proc)

    def vzctl(self, *args, **kwargs):
        return self.run("vzctl", *args, **kwargs)

    def vzlist(self, *args):
        return self.run("vzlist", *args)

    def path(self, logical):
        return os.path.join(self.root, logical.lstrip("/"))

    def read(self, logical):
        with open(self.path(logical)) as handle:
            return handle.read()

    def write(self, logical, text):
        with open(self.path(logical), "w") as handle:
            handle.write(text)

    def create(self, ctid, *extra):
        result = self.vzctl("create", ctid, "--ostemplate", TEMPLATE, "--layout", "simfs", *extra)
        assert result.rc == 0, result
        return result


@pytest.fixture
def emu(tmp_path):
    root = str(tmp_path / "root")
    subprocess.check_call([os.path.join(BIN, "openvz-emulator-setup"), "--root", root,
                           "--host-mac", "52:54:00:12:34:56"])
    build_template(os.path.join(root, "vz/template/cache", TEMPLATE + ".tar.gz"))
    return Emulator(root)
