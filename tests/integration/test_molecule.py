"""The molecule scenarios under extensions/molecule: each boots its own full-kernel lab VM,
converges its role, checks idempotence and verifies.

They need the VM lab prerequisites (scripts/install-vm-deps.sh); without them they are
skipped unless ``OPENVZ_CLOUD_VM_REQUIRED=1``.
"""

import os
import shutil
import subprocess
import sys
import time

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)
VM_TOOLS = ("qemu-system-x86_64", "qemu-img", "debootstrap", "mkfs.ext4", "ssh")
MOLECULE_TIMEOUT = 1800
SCENARIOS = sorted(os.listdir(os.path.join(REPO_ROOT, "extensions", "molecule")))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(scenario):
    missing = [tool for tool in VM_TOOLS if shutil.which(tool) is None]
    if missing or os.geteuid() != 0:
        message = "VM lab unavailable (run scripts/install-vm-deps.sh as root): missing %s" % (
            ", ".join(missing) or "root")
        if os.environ.get("OPENVZ_CLOUD_VM_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
    from collection_path import ensure_collection_link  # pylint: disable=import-outside-toplevel
    env = dict(os.environ,
               PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
               ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(),
               ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    started = time.monotonic()
    result = subprocess.run([os.path.join(VENV_BIN, "molecule"), "test", "-s", scenario],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=MOLECULE_TIMEOUT, check=False)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, "molecule test -s %s failed after %.0f s:\n%s" % (scenario, elapsed, output[-8000:])
