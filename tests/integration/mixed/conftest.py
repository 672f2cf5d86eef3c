"""The mixed lab (ovz1 legacy, ovz2 OpenVZ 7) over real SSH, shared by this package's tests.

The lab names are machine-wide and the session `lab` fixture holds them until its session
ends, so these tests run in a pytest session of their own (the Makefile's second session);
the lab is torn down when the last test of this package is done.
"""

import json
import os
import subprocess
import sys

import pytest

from lablib import Lab

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LABCTL = os.path.join(REPO_ROOT, "tests", "lab", "labctl.py")
OWNER_FILE = "/run/ovzlab/owner.json"
TEMPLATE = "busybox-1.35-x86_64"


def labctl(*args):
    return subprocess.run([sys.executable, LABCTL] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, check=False)


def _held_by_this_process():
    try:
        with open(OWNER_FILE) as handle:
            owner = json.load(handle)
    except (OSError, ValueError):
        return False
    return owner.get("holder") == os.getpid() or owner.get("pid") == os.getpid()


@pytest.fixture(scope="package")
def mixed_lab():
    """The lab directory of a running two-host lab: ovz1 legacy, ovz2 vz7."""
    if os.geteuid() != 0:
        pytest.skip("the OpenVZ host lab needs root (network and mount namespaces)")
    if _held_by_this_process():
        pytest.skip("this session already holds the lab names; run tests/integration/mixed on its own")
    lab = Lab.up(lab_dir=os.path.join(REPO_ROOT, "build", "lab-vz7", "session-%d" % os.getpid()),
                 hosts=2, flavours=["legacy", "vz7"])
    try:
        yield lab.dir
    finally:
        lab.down()


def ssh(lab_dir, host, *argv):
    return subprocess.run(["ssh", "-F", os.path.join(lab_dir, "ssh_config"), host] + list(argv),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120, check=False)


def ssh_ok(lab_dir, host, *argv):
    proc = ssh(lab_dir, host, *argv)
    assert proc.returncode == 0, "%s on %s: rc %d\n%s%s" % (argv, host, proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout
