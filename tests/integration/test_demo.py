"""`make demo` end to end (scripts/demo.sh): two lab VMs as the hypervisor hosts of one
cluster, linked by eth1, the first also serving NFS secondary storage; playbooks/site.yml
(discover -> network -> templates -> agent), containers.yml twice (the script fails if the
second run changes anything) and the summary. The tests then observe the VMs: the template
synced byte for byte and the export unmounted, each agent's guid, veth NICs in their bridges,
and VLAN 100 joining app1 (ovzvm1) and app2 (ovzvm2) across the trunk while isolating web.
"""

import hashlib
import json
import os
import subprocess
import sys

import pytest

from vm_fixture import _load_vmlab, require_vm_lab

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(REPO, "scripts", "demo.sh")
DEMO_TIMEOUT = 1500
# The hosts' storage network addresses on eth1; the demo derives their guids from them.
HOSTS = {"ovzvm1": "198.18.1.1", "ovzvm2": "198.18.1.2"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    require_vm_lab()
    run_dir = str(tmp_path_factory.mktemp("demo"))
    env = dict(os.environ, PYTHON=sys.executable, ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    try:
        result = subprocess.run([DEMO, "up", run_dir], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                                timeout=DEMO_TIMEOUT, check=False)
        assert result.returncode == 0, "scripts/demo.sh failed:\n" + result.stdout[-10000:]
        vmlab = _load_vmlab()
        vms = dict((name, vmlab.LabVM(os.path.join(run_dir, name))) for name in HOSTS)
        yield run_dir, result.stdout, vms
    finally:
        subprocess.run([DEMO, "down", run_dir], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, check=False)


def ssh_ok(vm, argv):
    result = vm.ssh(argv)
    assert result.returncode == 0, (argv, result.stdout, result.stderr)
    return result.stdout


def links(vm):
    return dict((link["ifname"], link) for link in json.loads(ssh_ok(vm, ["ip", "-d", "-j", "link", "show"])))


def test_template_synced_from_nfs_byte_for_byte(demo):
    run_dir, _output, vms = demo
    with open(os.path.join(run_dir, "templates", "busybox-1.35-x86_64.tar.gz"), "rb") as handle:
        expected = hashlib.sha256(handle.read()).hexdigest()
    for vm in vms.values():
        cached = ssh_ok(vm, ["sha256sum", "/vz/template/cache/busybox-1.35-x86_64.tar.gz"]).split()[0]
        assert cached == expected
        mounts = [line.split() for line in ssh_ok(vm, ["findmnt", "-n", "-l", "-o", "TARGET,FSTYPE"]).splitlines()]
        nfs_mounts = [target for target, fstype in mounts if fstype in ("nfs", "nfs4")]
        assert nfs_mounts == [], "the export stays mounted after the sync: %s" % nfs_mounts


def test_agents_connected_with_the_discovered_guids(demo):
    run_dir, _output, vms = demo
    with open(os.path.join(run_dir, "listener", "received.jsonl")) as handle:
        received = [json.loads(line)["line"] for line in handle if json.loads(line)["event"] == "line"]
    guids, pools = set(), set()
    for name, address in HOSTS.items():
        with open(os.path.join(run_dir, "discovery", name + ".json")) as handle:
            report = json.load(handle)
        guid = report["host"]["guid"]
        assert report["host"]["guid_address"] == address and guid
        properties = ssh_ok(vms[name], ["cat", "/etc/cloudstack/agent/agent.properties"])
        assert "guid=%s\n" % guid in properties
        assert "local.storage.uuid=%s\n" % report["local_storage"]["uuid"] in properties
        assert guid in received, (name, guid, received)
        guids.add(guid)
        pools.add(report["local_storage"]["uuid"])
    # Clones of one image share the root filesystem UUID; their machine ids keep the pools apart.
    assert len(guids) == 2 and len(pools) == 2


def test_nics_in_their_bridges_and_the_vlan_device(demo):
    _run_dir, output, vms = demo
    first, second = links(vms["ovzvm1"]), links(vms["ovzvm2"])
    assert first["veth101.0"].get("master") == "cloudbr0"
    assert first["veth102.0"].get("master") == "breth1-100"
    assert second["veth101.0"].get("master") == "breth1-100"
    for found in (first, second):
        vlan = found["eth1.100"]
        assert vlan["linkinfo"]["info_kind"] == "vlan" and vlan["linkinfo"]["info_data"]["id"] == 100
        assert vlan.get("master") == "breth1-100"
    assert "container 102 app1 running" in output and "eth0 on breth1-100" in output


def test_vlan_100_joins_app1_and_app2_across_hosts_but_not_web(demo):
    _run_dir, _output, vms = demo
    for host, ctid, address in (("ovzvm1", "101", "198.18.100.1/24"), ("ovzvm1", "102", "198.18.100.2/24"),
                                ("ovzvm2", "101", "198.18.100.3/24")):
        ssh_ok(vms[host], ["vzctl", "exec", ctid, "ip addr add %s dev eth0 && ip link set eth0 up" % address])
    app1 = vms["ovzvm1"]
    assert app1.ssh(["vzctl", "exec", "102", "ping -c 3 -W 3 198.18.100.3"]).returncode == 0, \
        "app1 (ovzvm1) cannot reach app2 (ovzvm2) on VLAN 100"
    isolated = app1.ssh(["vzctl", "exec", "102", "ping -c 1 -W 2 198.18.100.1"])
    assert isolated.returncode != 0, "app1 on VLAN 100 reaches web on the untagged bridge"
