"""The lab VM gives what this machine's kernel lacks: systemd, 802.1Q, vlan_filtering, NFS."""

import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The ansible of the venv running pytest (/work/main/.venv/bin/ansible here).
ANSIBLE = os.path.join(os.path.dirname(sys.executable), "ansible")
EMULATOR_BIN = os.path.join(REPO_ROOT, "tests", "emulator", "bin")


def run_ok(vm_lab, command):
    result = vm_lab.ssh(command)
    assert result.returncode == 0, "%r failed (rc=%d): %s%s" % (
        command, result.returncode, result.stdout, result.stderr)
    return result.stdout


def test_pid1_is_systemd(vm_lab):
    assert run_ok(vm_lab, ["ps", "-p", "1", "-o", "comm="]).strip() == "systemd"
    state = vm_lab.ssh(["systemctl", "is-system-running", "--wait"], timeout=180)
    failed = vm_lab.ssh(["systemctl", "--failed", "--no-legend"]).stdout
    assert state.stdout.strip() in ("running", "degraded"), failed


def test_8021q_vlan_device(vm_lab):
    run_ok(vm_lab, ["ip", "link", "add", "link", "eth0", "name", "eth0.100", "type", "vlan", "id", "100"])
    try:
        assert "vlan protocol 802.1Q id 100" in run_ok(vm_lab, ["ip", "-d", "link", "show", "eth0.100"])
    finally:
        run_ok(vm_lab, ["ip", "link", "del", "eth0.100"])


def test_vlan_filtering_bridge(vm_lab):
    run_ok(vm_lab, ["ip", "link", "add", "brvlantest", "type", "bridge", "vlan_filtering", "1"])
    try:
        assert "vlan_filtering 1" in run_ok(vm_lab, ["ip", "-d", "link", "show", "brvlantest"])
    finally:
        run_ok(vm_lab, ["ip", "link", "del", "brvlantest"])


def test_nfs_client_module(vm_lab):
    run_ok(vm_lab, ["modprobe", "nfs"])
    filesystems = run_ok(vm_lab, ["cat", "/proc/filesystems"]).split()
    assert "nfs" in filesystems and "nfs4" in filesystems


def test_vm_cannot_reach_the_host(vm_lab):
    # Without restrict=on, 10.0.2.2:<port> would reach the host's loopback (our own hostfwd).
    probe = "exec 3<>/dev/tcp/10.0.2.2/%d" % vm_lab.port
    result = vm_lab.ssh(["timeout", "10", "bash", "-c", probe])
    assert result.returncode != 0, "the VM reached the host's loopback port %d" % vm_lab.port


def test_inventory_and_ansible_ping(vm_lab):
    with open(vm_lab.inventory) as handle:
        inventory = handle.read()
    assert "[vmhosts]" in inventory and "ovzvm1 " in inventory
    result = subprocess.run([ANSIBLE, "-i", vm_lab.inventory, "ovzvm1", "-m", "ping"],
                            capture_output=True, text=True, timeout=180, check=False,
                            env=dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="True", ANSIBLE_NOCOLOR="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"ping": "pong"' in result.stdout


@pytest.mark.skipif(not os.path.isfile(os.path.join(EMULATOR_BIN, "vzctl")),
                    reason="the OpenVZ emulator has no bin/vzctl yet")
def test_emulator_provisioned(vm_lab):
    target = run_ok(vm_lab, ["readlink", "/usr/sbin/vzctl"]).strip()
    assert target == "/opt/openvz-emulator/bin/vzctl"
    if os.path.isfile(os.path.join(EMULATOR_BIN, "openvz-emulator-setup")):
        run_ok(vm_lab, ["test", "-f", "/etc/vz/vz.conf"])
