"""The lab VM gives what this machine's kernel lacks: systemd, 802.1Q, vlan_filtering, NFS."""

import json
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


def test_vz7_flavour_on_the_vm(vm_lab):
    """The VM re-provisioned as an OpenVZ 7 host (the last test of the session's VM: it is
    put back to legacy after): prlctl creates a container on the Bridged network over SSH."""
    vm_lab.provision_emulator("vz7")
    try:
        assert run_ok(vm_lab, ["vzctl", "--version"]).strip().startswith("vzctl v.7")
        out = run_ok(vm_lab, ["prlctl", "create", "ct1", "--vmtype", "ct", "--ostemplate",
                              "busybox-1.35-x86_64"])
        assert out.splitlines()[-1] == "The Container has been successfully created."
        out = run_ok(vm_lab, ["prlctl", "set", "ct1", "--device-add", "net", "--network", "Bridged"])
        host_ifname = out.split("dev='")[1].split("'")[0]
        run_ok(vm_lab, ["prlctl", "start", "ct1"])
        assert "eth0" in run_ok(vm_lab, ["prlctl", "exec", "ct1", "ip", "link"])
        links = dict((link["ifname"], link) for link in json.loads(run_ok(vm_lab, ["ip", "-j", "link"])))
        assert links[host_ifname].get("master") == "br0"
        listed = json.loads(run_ok(vm_lab, ["prlctl", "list", "-a", "-j"]))
        assert [(ct["name"], ct["status"]) for ct in listed] == [("ct1", "running")]
        assert json.loads(run_ok(vm_lab, ["vzlist", "-a", "-j"]))[0]["ctid"] == listed[0]["uuid"]
        run_ok(vm_lab, ["prlctl", "stop", "ct1"])
        run_ok(vm_lab, ["prlctl", "delete", "ct1"])
        assert json.loads(run_ok(vm_lab, ["prlctl", "list", "-a", "-j"])) == []
    finally:
        vm_lab.ssh(["prlctl", "stop", "ct1", "--kill"])
        vm_lab.ssh(["prlctl", "delete", "ct1"])
        vm_lab.provision_emulator("legacy")
    assert vm_lab.ssh(["prlctl", "list"]).returncode != 0  # a legacy host again: no prlctl
