"""pytest plugin: ``vm_lab``, the full-kernel lab VM (tests/lab/vm), one boot per session.

Register it from a conftest (``from vm_fixture import vm_lab``) or with ``-p vm_fixture``.
The fixture yields a ``LabVM`` with ``.inventory`` (INI, group ``vmhosts``, host
``ovzvm1``), ``.ssh(argv or shell line) -> CompletedProcess``, ``.host``, ``.port``
and ``.key``. The image is built on first use (about 2 minutes, then cached); the VM
is always shut down and its overlay deleted when the session ends.
Tests are skipped when qemu/debootstrap are missing (scripts/install-vm-deps.sh)
unless ``OPENVZ_CLOUD_VM_REQUIRED=1``, which turns the skip into a failure (CI).
"""

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
VMLAB_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "lab", "vm", "vmlab.py")
REQUIRED_TOOLS = ("qemu-system-x86_64", "qemu-img", "debootstrap", "mkfs.ext4", "ssh")


def _load_vmlab():
    if "vmlab" in sys.modules:
        return sys.modules["vmlab"]
    spec = importlib.util.spec_from_file_location("vmlab", VMLAB_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["vmlab"] = module
    spec.loader.exec_module(module)
    return module


def _missing_prerequisites():
    problems = ["missing command: %s" % tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if os.geteuid() != 0:
        problems.append("not root (the image build needs debootstrap/chroot)")
    return problems


def require_vm_lab():
    """Skip the calling test (fail it with OPENVZ_CLOUD_VM_REQUIRED=1) without the VM lab prerequisites."""
    problems = _missing_prerequisites()
    if problems:
        message = "VM lab unavailable (run scripts/install-vm-deps.sh): " + "; ".join(problems)
        if os.environ.get("OPENVZ_CLOUD_VM_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def vm_lab(tmp_path_factory):
    """The running lab VM, provisioned with tests/emulator."""
    require_vm_lab()
    vmlab = _load_vmlab()
    lab = vmlab.LabVM(str(tmp_path_factory.mktemp("vmlab")))
    try:
        lab.up()
        yield lab
    finally:
        lab.down()


@contextlib.contextmanager
def provisioned_as(vm, flavour):
    """The session VM as a host of ``flavour`` for one test, put back to legacy afterwards
    (the session's other VM tests expect a legacy host)."""
    if flavour != "legacy":
        vm.provision_emulator(flavour)
    try:
        yield vm
    finally:
        if flavour != "legacy":
            vm.provision_emulator("legacy")


def ssh_ok(vm, command, **kwargs):
    """stdout of ``command`` (argv or shell line) on the VM; any other exit than 0 fails the test."""
    result = vm.ssh(command, **kwargs)
    assert result.returncode == 0, "%r failed (rc=%d): %s%s" % (
        command, result.returncode, result.stdout, result.stderr)
    return result.stdout


def run_step(vm, playbook, step):
    """The output of ``playbook`` run against the VM with ``it_step=<step>``; a failed run fails the test."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PIPELINING="1")
    result = subprocess.run([ANSIBLE_PLAYBOOK, "-i", vm.inventory, playbook, "-e", "it_step=%s" % step],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            env=env, timeout=900, check=False)
    assert result.returncode == 0, result.stdout
    return result.stdout
