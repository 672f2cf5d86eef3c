"""The molecule scenarios under extensions/molecule: each creates its own platforms (a
full-kernel lab VM, or for ``host`` the emulated OpenVZ hosts of tests/lab/labctl.py),
converges its role, checks idempotence and verifies.

They need root and, for the VM, the VM lab prerequisites (scripts/install-vm-deps.sh);
without them they are skipped unless ``OPENVZ_CLOUD_VM_REQUIRED=1``.
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
# Tools a scenario needs besides root; scenarios not listed boot the VM lab.
SCENARIO_TOOLS = {"host": (), "cloudstack_extension": ()}
MOLECULE_TIMEOUT = 1800
# Scenarios whose converge playbook another test already runs on the session's lab VM,
# so CI does not boot a VM for them again; OPENVZ_CLOUD_ALL_SCENARIOS=1 runs them too.
COVERED_ELSEWHERE = {
    # check mode, sync, second-run idempotence, corruption, concurrency and prune
    "template_sync": "tests/integration/test_template_sync.py",
}
SCENARIOS = sorted(name for name in os.listdir(os.path.join(REPO_ROOT, "extensions", "molecule"))
                   if os.environ.get("OPENVZ_CLOUD_ALL_SCENARIOS") == "1" or name not in COVERED_ELSEWHERE)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(scenario):
    missing = [tool for tool in SCENARIO_TOOLS.get(scenario, VM_TOOLS) if shutil.which(tool) is None]
    if os.geteuid() != 0:
        missing.append("root")
    if missing:
        message = "scenario %s needs root and its lab tools (scripts/install-vm-deps.sh): missing %s" % (
            scenario, ", ".join(missing))
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
