"""The openvz inventory plugin against the mixed lab (ovz1 legacy, ovz2 OpenVZ 7) over SSH:
ansible-inventory --list and --graph, constructed groups, a cache hit without SSH, and an
unreachable third node (198.18.0.250, no lab host there)."""

import json
import os
import shutil
import subprocess

import pytest

from lablib import ANSIBLE_BIN, Lab  # noqa: E402  pylint: disable=wrong-import-position

from .conftest import TEMPLATE, ssh, ssh_ok

UNREACHABLE = "198.18.0.250"
CONFIG = """plugin: openvz.cloud.openvz
node_group: hypervisors
connect_timeout: 3
keyed_groups:
  - key: openvz_ostemplate
    prefix: os
groups:
  web: (openvz_name or '').startswith('invweb')
compose:
  node_and_id: openvz_node ~ '/' ~ openvz_id
"""
# (node, id to clean up with, name, running)
CONTAINERS = (("ovz1", "4101", "invweb1", True), ("ovz1", "4102", "invdb1", False),
              ("ovz2", "invweb2", "invweb2", True), ("ovz2", "invdb2", "invdb2", False))


@pytest.fixture(scope="module")
def containers(mixed_lab):
    made = []
    try:
        for node, ctid, name, running in CONTAINERS:
            if node == "ovz1":
                ssh_ok(mixed_lab, node, "vzctl", "create", ctid, "--ostemplate", TEMPLATE, "--name", name)
            else:
                ssh_ok(mixed_lab, node, "prlctl", "create", name, "--vmtype", "ct", "--ostemplate", TEMPLATE)
            made.append((node, ctid))
            if running:
                ssh_ok(mixed_lab, node, "vzctl" if node == "ovz1" else "prlctl", "start", ctid)
        yield made
    finally:
        for node, ctid in reversed(made):
            if node == "ovz1":
                ssh(mixed_lab, node, "vzctl", "stop", ctid, "--fast")
                ssh(mixed_lab, node, "vzctl", "destroy", ctid)
            else:
                ssh(mixed_lab, node, "prlctl", "stop", ctid, "--kill")
                ssh(mixed_lab, node, "prlctl", "delete", ctid)


def inventory(mixed_lab, config, *args, extra_nodes="", moved=None):
    """ansible-inventory -i <lab inventory (+ extra nodes, moved {address: new})> -i <config> <args>."""
    lab = Lab(mixed_lab)
    directory = os.path.join(mixed_lab, "inventory-plugin")
    os.makedirs(directory, exist_ok=True)
    nodes = os.path.join(directory, "nodes.ini")
    with open(lab.inventory) as handle, open(nodes, "w") as out:
        text = handle.read().replace("[hypervisors]\n", "[hypervisors]\n" + extra_nodes)
        for address, new in (moved or {}).items():
            text = text.replace("ansible_host=%s " % address, "ansible_host=%s " % new)
        out.write(text)
    path = os.path.join(directory, "lab.openvz.yml")
    with open(path, "w") as handle:
        handle.write(config)
    argv = [os.path.join(ANSIBLE_BIN, "ansible-inventory"), "-i", nodes, "-i", path] + list(args)
    env = lab.ansible_env()
    # a source the plugin fails on fails the run (the default only warns)
    env["ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"] = "1"
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          env=env, timeout=120, check=False)


def plain(value):
    """ansible-inventory marks what came from the nodes as unsafe (``{"__ansible_unsafe": v}``)."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def listing(proc):
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout))


def members(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def test_list_hosts_vars_and_groups(mixed_lab, containers):
    data = listing(inventory(mixed_lab, CONFIG, "--list"))
    hostvars = data["_meta"]["hostvars"]
    ours = sorted(name for name in hostvars if name.startswith("inv"))
    assert ours == ["invdb1", "invdb2", "invweb1", "invweb2"]
    web1, web2 = hostvars["invweb1"], hostvars["invweb2"]
    assert (web1["ansible_connection"], web1["ansible_host"], web1["openvz_flavour"], web1["openvz_status"]) == (
        "openvz.cloud.openvz", "4101", "legacy", "running")
    assert (web1["openvz_node"], web1["openvz_node_address"], web1["openvz_node_user"]) == (
        "ovz1", Lab(mixed_lab).host("ovz1").address, "root")
    assert web1["openvz_node_private_key_file"] == os.path.join(mixed_lab, "id_ed25519")
    assert "StrictHostKeyChecking=no" in web1["openvz_node_ssh_common_args"]
    uuid = ssh_ok(mixed_lab, "ovz2", "vzlist", "-H", "-o", "ctid", "invweb2").strip()
    assert (web2["ansible_host"], web2["openvz_uuid"], web2["openvz_flavour"]) == (uuid, uuid, "vz7")
    assert web2["openvz_ostemplate"] == TEMPLATE and web2["node_and_id"] == "ovz2/" + uuid
    assert hostvars["invdb2"]["openvz_status"] == "stopped"
    assert members(data, "web") == ["invweb1", "invweb2"]
    assert set(ours) <= set(members(data, "os_" + TEMPLATE.replace(".", "_").replace("-", "_")))
    assert "invweb1" in members(data, "openvz_status_running") and "invdb1" in members(data, "openvz_status_stopped")
    assert "invweb2" in members(data, "openvz_node_ovz2") and "invweb2" in members(data, "openvz_flavour_vz7")


def test_graph(mixed_lab, containers):
    proc = inventory(mixed_lab, CONFIG, "--graph", "web")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["@web:", "|--invweb1", "|--invweb2"]


def test_cache_hit_does_no_ssh(mixed_lab, containers):
    cache = os.path.join(mixed_lab, "inventory-plugin", "cache")
    config = CONFIG + "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % cache
    # ansible-inventory has --flush-cache from ansible-core 2.17 on: empty the cache by hand
    shutil.rmtree(cache, ignore_errors=True)
    first = listing(inventory(mixed_lab, config, "--list"))
    # ovz1 moved to an address nobody answers: the cache still lists its containers (no SSH),
    # a flushed cache fails on it
    moved = {Lab(mixed_lab).host("ovz1").address: UNREACHABLE}
    second = listing(inventory(mixed_lab, config, "--list", moved=moved))
    assert sorted(second["_meta"]["hostvars"]) == sorted(first["_meta"]["hostvars"])
    assert second["_meta"]["hostvars"]["invweb1"]["openvz_id"] == "4101"
    assert second["_meta"]["hostvars"]["invweb1"]["openvz_node_address"] == UNREACHABLE
    shutil.rmtree(cache)
    proc = inventory(mixed_lab, config, "--list", moved=moved)
    assert proc.returncode != 0 and "node ovz1: Cannot reach root@%s" % UNREACHABLE in " ".join(proc.stderr.split())


def test_unreachable_node_skip_and_fail(mixed_lab, containers):
    extra = "ovz9 ansible_host=%s\n" % UNREACHABLE
    proc = inventory(mixed_lab, CONFIG + "on_unreachable: skip\n", "--list", extra_nodes=extra)
    data = listing(proc)
    assert sorted(name for name in data["_meta"]["hostvars"] if name.startswith("inv")) == [
        "invdb1", "invdb2", "invweb1", "invweb2"]
    assert "skipped node ovz9: Cannot reach root@%s over SSH" % UNREACHABLE in " ".join(proc.stderr.split())
    proc = inventory(mixed_lab, CONFIG, "--list", extra_nodes=extra)
    assert proc.returncode != 0
    stderr = " ".join(proc.stderr.split())
    assert "1 node(s) could not be read" in stderr and "node ovz9: Cannot reach root@%s" % UNREACHABLE in stderr
