"""`make demo` end to end (scripts/demo.sh): two lab VMs in one inventory, one cluster per
OpenVZ line - ovzvm1 a legacy host, ovzvm2 an OpenVZ 7 host -, linked by eth1, the first also
serving NFS secondary storage; playbooks/site.yml (discover -> network -> templates -> agent),
containers.yml twice (the script fails if the second run changes anything) and the summary.
The tests then observe the VMs: each line's template (precreated tar.gz, EZ cache
.plain.ploopv2.tar.gz) synced byte for byte and the export unmounted, each agent's guid, veth
NICs in their bridges (on 7/9 also the bridged network bound to the VLAN bridge), and VLAN 100
joining app1 (ovzvm1) and app2 (ovzvm2) across the trunk while isolating web1.

On the same two hosts the CloudStack extension, called by the harness as the management
server calls it, deploys i-2-401 on VLAN 100 of ovzvm1, i-2-402 on VLAN 100 and i-2-403 on
VLAN 200 of ovzvm2 (trunk eth1, bridges br<trunk>-<vid> made when missing), from a template
it installs on demand from an http URL on this machine (streamed over SSH, verified): 401
reaches 402 across the hosts and the lines, not 403.
"""

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position
from vm_fixture import _load_vmlab, require_vm_lab, ssh_ok  # noqa: E402  pylint: disable=wrong-import-position

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(REPO, "scripts", "demo.sh")
DEMO_TIMEOUT = 1500
ENTRY = os.path.join(REPO, "extensions", "cloudstack", "openvz.py")
BUILDER = os.path.join(REPO, "tests", "emulator", "templates", "build_busybox_template.py")
CS_TEMPLATE = "cs-vlan-busybox-x86_64"
# (instance number, host, VLAN, address on that VLAN)
CS_VMS = ((401, "ovzvm1", 100, "198.18.100.41"), (402, "ovzvm2", 100, "198.18.100.42"),
          (403, "ovzvm2", 200, "198.18.100.43"))
# The hosts' storage network addresses on eth1; the demo derives their guids from them.
HOSTS = {"ovzvm1": "198.18.1.1", "ovzvm2": "198.18.1.2"}
FLAVOURS = {"ovzvm1": "legacy", "ovzvm2": "vz7"}
# the cache file each line's cluster syncs from the export
SYNCED = {"ovzvm1": "busybox-1.35-x86_64.tar.gz", "ovzvm2": "busybox-1.35-x86_64.plain.ploopv2.tar.gz"}


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


def links(vm):
    return dict((link["ifname"], link) for link in json.loads(ssh_ok(vm, ["ip", "-d", "-j", "link", "show"])))


def host_veth(vm, name):
    """The host veth of an OpenVZ 7 container's net0 (libvzctl 7 names it after the MAC)."""
    return json.loads(ssh_ok(vm, ["prlctl", "list", "-i", "-j", name]))[0]["Hardware"]["net0"]["dev"]


def exec_in(host, vm, container, command):
    """Run a shell line in a container: by id with vzctl 4, by name with prlctl on 7/9."""
    if FLAVOURS[host] == "legacy":
        return vm.ssh(["vzctl", "exec", str(container), command])
    return vm.ssh(["prlctl", "exec", str(container), command])


def test_templates_synced_from_nfs_byte_for_byte(demo):
    run_dir, _output, vms = demo
    for host, vm in vms.items():
        with open(os.path.join(run_dir, "templates", SYNCED[host]), "rb") as handle:
            expected = hashlib.sha256(handle.read()).hexdigest()
        cached = ssh_ok(vm, ["sha256sum", "/vz/template/cache/" + SYNCED[host]]).split()[0]
        assert cached == expected, host
        mounts = [line.split() for line in ssh_ok(vm, ["findmnt", "-n", "-l", "-o", "TARGET,FSTYPE"]).splitlines()]
        nfs_mounts = [target for target, fstype in mounts if fstype in ("nfs", "nfs4")]
        assert nfs_mounts == [], "the export stays mounted after the sync: %s" % nfs_mounts
    # each cluster synced its own line's template only
    assert ssh_ok(vms["ovzvm1"], ["ls", "/vz/template/cache"]).split().count(SYNCED["ovzvm2"]) == 0


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
    assert second[host_veth(vms["ovzvm2"], "web2")].get("master") == "cloudbr0"
    assert second[host_veth(vms["ovzvm2"], "app2")].get("master") == "breth1-100"
    for found in (first, second):
        vlan = found["eth1.100"]
        assert vlan["linkinfo"]["info_kind"] == "vlan" and vlan["linkinfo"]["info_data"]["id"] == 100
        assert vlan.get("master") == "breth1-100"
    networks = json.loads(ssh_ok(vms["ovzvm2"], ["prlsrvctl", "net", "list", "-j"]))
    assert [net["Network ID"] for net in networks if net.get("Bound To") == "breth1-100"] == ["breth1-100"]
    assert "container 102 app1 running simfs" in output and "eth0 on breth1-100" in output
    assert "app2 running ploop" in output and "web2 running ploop" in output


def test_vlan_100_joins_app1_and_app2_across_hosts_but_not_web(demo):
    _run_dir, _output, vms = demo
    for host, container, address in (("ovzvm1", 101, "198.18.100.1/24"), ("ovzvm1", 102, "198.18.100.2/24"),
                                     ("ovzvm2", "app2", "198.18.100.3/24")):
        result = exec_in(host, vms[host], container, "ip addr add %s dev eth0 && ip link set eth0 up" % address)
        assert result.returncode == 0, (host, container, result.stdout, result.stderr)
    app1 = vms["ovzvm1"]
    assert exec_in("ovzvm1", app1, 102, "ping -c 3 -W 3 198.18.100.3").returncode == 0, \
        "app1 (ovzvm1, legacy) cannot reach app2 (ovzvm2, OpenVZ 7) on VLAN 100"
    isolated = exec_in("ovzvm1", app1, 102, "ping -c 1 -W 2 198.18.100.1")
    assert isolated.returncode != 0, "app1 on VLAN 100 reaches web1 on the untagged bridge"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def extension_vms(demo, tmp_path):
    """The extension's three instances on the demo hosts; deleted through it afterwards."""
    _run_dir, _output, vms = demo
    subprocess.run([sys.executable, BUILDER, str(tmp_path), "--name", CS_TEMPLATE], check=True,
                   stdout=subprocess.DEVNULL)
    archive = CS_TEMPLATE + ".tar.gz"
    with open(str(tmp_path / archive), "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *args: _Quiet(*args, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    details = {"ostemplate": CS_TEMPLATE, "layout": "simfs",
               "template_url": "http://127.0.0.1:%d/%s" % (server.server_port, archive),
               "template_checksum": "sha256:" + digest}
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    harness = cs.Harness(ENTRY, str(tmp_path / "data"), env=env)
    deployed = []
    for number, host, vlan, address in CS_VMS:
        lab_vm = vms[host]
        known_hosts = str(tmp_path / ("known_hosts-" + host))
        with open(lab_vm.state["known_hosts"]) as source, open(known_hosts, "w") as handle:
            for line in source:
                if line.strip() and not line.startswith("#"):
                    kind, key = line.split()[1:3]
                    handle.write("[%s]:%s %s %s\n" % (lab_vm.host, lab_vm.port, kind, key))
        cloud = cs.CloudStack(harness, {
            "host": lab_vm.host, "ssh_port": str(lab_vm.port), "ssh_key_file": lab_vm.key,
            "ssh_known_hosts_file": known_hosts, "vlan_trunk": "eth1", "ctid_range": "4400-4499"})
        machine = cs.VM(number, vm_details=details, nics=[cs.nic(0, "02:01:00:cc:01:%02x" % (number - 400), vlan)])
        deployed.append((cloud, machine, lab_vm, address))
    try:
        yield deployed
    finally:
        server.shutdown()
        for cloud, machine, _lab_vm, _address in deployed:
            cloud.delete(machine)


def test_extension_vlan_100_joins_two_hosts_and_200_is_isolated(extension_vms):  # pylint: disable=redefined-outer-name
    ctids = {}
    for cloud, machine, _lab_vm, _address in extension_vms:
        outcome = cloud.create(machine)
        assert outcome.rc == 0 and outcome.document["status"] == "success", outcome
        ctids[machine.number] = outcome.document["container"]
    hosts = dict((number, host) for number, host, _vlan, _a in CS_VMS)
    for _cloud, machine, lab_vm, address in extension_vms:
        vid = dict((number, vlan) for number, _host, vlan, _a in CS_VMS)[machine.number]
        found = links(lab_vm)
        if FLAVOURS[hosts[machine.number]] == "legacy":
            assert found["veth%s.0" % ctids[machine.number]].get("master") == "breth1-%d" % vid
            target = ctids[machine.number]
        else:  # OpenVZ 7: the container is named after the instance, with the VM's UUID as its id
            assert ctids[machine.number] == machine.uuid
            assert found[host_veth(lab_vm, machine.name)].get("master") == "breth1-%d" % vid
            target = machine.name
        assert found["eth1.%d" % vid]["linkinfo"]["info_data"]["id"] == vid
        result = exec_in(hosts[machine.number], lab_vm, target, "ip addr add %s/24 dev eth0 && ip link set eth0 up" % address)
        assert result.returncode == 0, (machine.name, result.stdout, result.stderr)
    first = extension_vms[0][2]
    reached = exec_in("ovzvm1", first, ctids[401], "ping -c 3 -W 3 198.18.100.42")
    assert reached.returncode == 0, "i-2-401 (ovzvm1, VLAN 100) cannot reach i-2-402 (ovzvm2, VLAN 100)\n%s%s" % (
        reached.stdout, reached.stderr)
    assert exec_in("ovzvm1", first, ctids[401], "ping -c 1 -W 2 198.18.100.43").returncode != 0, \
        "i-2-401 on VLAN 100 reaches i-2-403 on VLAN 200"
    for cloud, machine, _lab_vm, _address in extension_vms:
        assert cloud.status(machine).power_state == "PowerOn"
