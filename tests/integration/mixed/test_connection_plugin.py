"""The openvz.cloud.openvz connection plugin over real SSH to both lines of the mixed lab:
one running container of the lab's Debian 12 template (tests/lab/ostemplate.py) on ovz1
(legacy, vzctl exec2) and one on ovz2 (vz7, prlctl exec), driven by plays of real modules
(setup, copy, fetch, command with become, pipelining on and off) and by the plugin's own
put_file / fetch_file.
"""

import hashlib
import json
import os
import re
import shlex
import sys

import pytest

from lablib import Lab  # noqa: E402  pylint: disable=wrong-import-position

from .conftest import REPO_ROOT, ssh, ssh_ok

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "lab"))

import ostemplate  # noqa: E402  pylint: disable=wrong-import-position

LEGACY_CTID = "161"
VZ7_NAME = "conntest"
MEGABYTES = 10


def _container_uuid(lab_dir, name):
    for entry in json.loads(ssh_ok(lab_dir, "ovz2", "prlctl", "list", "-a", "-j")):
        if entry["name"] == name:
            return entry["uuid"]
    raise AssertionError("no container %s on ovz2" % name)


@pytest.fixture(scope="module")
def containers(mixed_lab):
    """{inventory host: (node, container id as the node knows it)}, both running Debian 12."""
    template = ostemplate.build()
    for node in ("ovz1", "ovz2"):
        ostemplate.install(mixed_lab, node, template)
    try:
        ssh_ok(mixed_lab, "ovz1", "vzctl", "create", LEGACY_CTID, "--ostemplate", ostemplate.NAME, "--layout", "simfs")
        ssh_ok(mixed_lab, "ovz1", "vzctl", "set", LEGACY_CTID, "--hostname", "ct-legacy.test", "--save")
        ssh_ok(mixed_lab, "ovz1", "vzctl", "start", LEGACY_CTID)
        ssh_ok(mixed_lab, "ovz2", "prlctl", "create", VZ7_NAME, "--vmtype", "ct", "--ostemplate", ostemplate.NAME)
        ssh_ok(mixed_lab, "ovz2", "prlctl", "set", VZ7_NAME, "--hostname", "ct-vz7.test")
        ssh_ok(mixed_lab, "ovz2", "prlctl", "start", VZ7_NAME)
        yield {"ct-legacy": ("ovz1", LEGACY_CTID), "ct-vz7": ("ovz2", _container_uuid(mixed_lab, VZ7_NAME))}
    finally:
        ssh(mixed_lab, "ovz1", "vzctl", "stop", LEGACY_CTID, "--fast")
        ssh(mixed_lab, "ovz1", "vzctl", "destroy", LEGACY_CTID)
        ssh(mixed_lab, "ovz2", "prlctl", "stop", VZ7_NAME, "--kill")
        ssh(mixed_lab, "ovz2", "prlctl", "delete", VZ7_NAME)


def inside(lab_dir, node, ctid, *argv):
    """argv run inside the container, straight through the node (not through the plugin)."""
    tool = ["vzctl", "exec2"] if node == "ovz1" else ["prlctl", "exec"]
    inner = " ".join(shlex.quote(word) for word in argv)
    return ssh_ok(lab_dir, node, " ".join(shlex.quote(word) for word in tool + [ctid, inner]))


def write_inventory(lab_dir, containers, flavours=None):
    """Static hosts with the variables the inventory plugin sets (the plugins' contract)."""
    path = os.path.join(lab_dir, "connection-inventory.json")
    hosts = {}
    for host, (node, ctid) in containers.items():
        hosts[host] = {
            "ansible_connection": "openvz.cloud.openvz",
            "ansible_host": ctid,
            "openvz_node_address": node,
            "openvz_node_ssh_common_args": "-F %s" % shlex.quote(os.path.join(lab_dir, "ssh_config")),
        }
        if flavours:
            hosts[host]["openvz_flavour"] = flavours[host]
    with open(path, "w") as handle:
        json.dump({"all": {"hosts": hosts}}, handle)
    return path


def write_playbook(lab_dir, name, tasks, play_vars=None):
    path = os.path.join(lab_dir, name)
    play = {"hosts": "all", "gather_facts": False, "vars": play_vars or {}, "tasks": tasks}
    with open(path, "w") as handle:
        json.dump([play], handle)
    return path


RAW_TASKS = [
    {"name": "who", "ansible.builtin.raw": "hostname; id -un; command -v vzctl prlctl || echo no-openvz-tools"},
    {"name": "argv", "ansible.builtin.raw": "printf '<%s>' \"it's\" 'a  b' '$HOME' ';x'"},
    {"name": "status", "ansible.builtin.raw": "exit 3", "ignore_errors": True},
]


def test_raw_tasks_in_both_containers(mixed_lab, containers):
    lab = Lab(mixed_lab)
    inventory = write_inventory(mixed_lab, containers)
    result = lab.run_playbook(write_playbook(mixed_lab, "connection-raw.json", RAW_TASKS), inventory=inventory)
    assert result.rc == 0, str(result)
    who = result.task_results("who")
    argv = result.task_results("argv")
    status = result.task_results("status")
    for host, (node, ctid) in containers.items():
        lines = who[host]["stdout_lines"]
        # inside the container: its hostname, its root user, no OpenVZ tools as on the node
        assert [line.strip() for line in lines] == [host + ".test", "root", "no-openvz-tools"], lines
        assert argv[host]["stdout"].strip() == "<it's><a  b><$HOME><;x>"
        assert status[host]["rc"] == 3 and status[host]["failed"]
    # the node sees the container's work: a file written by a task is in its root
    marker = write_playbook(mixed_lab, "connection-marker.json",
                            [{"ansible.builtin.raw": "echo {{ inventory_hostname }} > /marker"}])
    assert lab.run_playbook(marker, inventory=inventory).rc == 0
    assert ssh_ok(mixed_lab, "ovz1", "cat", "/vz/root/%s/marker" % LEGACY_CTID) == "ct-legacy\n"
    assert ssh_ok(mixed_lab, "ovz2", "prlctl", "exec", VZ7_NAME, "cat", "/marker") == "ct-vz7\n"


def module_play(name, pipelining, big_file, fetch_dir):
    """setup, copy (content and a big file), fetch, command with become: one play."""
    tasks = [
        {"name": "facts", "ansible.builtin.setup": {"gather_subset": ["min"]}},
        {"name": "content", "ansible.builtin.copy": {
            "content": "{{ inventory_hostname }} \u00e9t\u00e9\n", "dest": "/root/content.txt", "mode": "0640"}},
        {"name": "big", "ansible.builtin.copy": {"src": big_file, "dest": "/root/big.bin", "mode": "0600"}},
        {"name": "fetch", "ansible.builtin.fetch": {
            "src": "/root/big.bin", "dest": fetch_dir + "/{{ inventory_hostname }}.bin", "flat": True}},
        {"name": "become", "ansible.builtin.command": "id -un", "become": True, "become_method": "su",
         "become_user": "nobody", "become_flags": "-s /bin/sh", "changed_when": False},
    ]
    return {"name": name, "hosts": "all", "gather_facts": False,
            "vars": {"ansible_pipelining": pipelining, "ansible_python_interpreter": "/usr/bin/python3"},
            "tasks": tasks}


def test_modules_in_both_containers(mixed_lab, containers, tmp_path, monkeypatch):
    payload = os.urandom(MEGABYTES * 1024 * 1024)
    big_file = tmp_path / "big.bin"
    big_file.write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    lab = Lab(mixed_lab)
    inventory = write_inventory(mixed_lab, containers)
    results = {}
    for pipelining in (True, False):
        fetch_dir = tmp_path / ("fetched-%s" % pipelining)
        playbook = os.path.join(mixed_lab, "connection-modules-%s.json" % pipelining)
        with open(playbook, "w") as handle:
            json.dump([module_play("pipelining %s" % pipelining, pipelining, str(big_file), str(fetch_dir))], handle)
        # -vvv to stderr: the plugin's PUT/EXEC lines, the JSON report stays on stdout
        monkeypatch.setenv("ANSIBLE_VERBOSE_TO_STDERR", "1")
        ssh(mixed_lab, "ovz1", "vzctl", "exec2", LEGACY_CTID, "rm -f /root/big.bin")
        ssh(mixed_lab, "ovz2", "prlctl", "exec", VZ7_NAME, "rm -f /root/big.bin")
        result = lab._run_ansible([  # pylint: disable=protected-access
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv", "-i", inventory, playbook])
        assert result.rc == 0, str(result)
        results[pipelining] = result
        facts = result.task_results("facts")
        content = result.task_results("content")
        big = result.task_results("big")
        become = result.task_results("become")
        for host, (node, ctid) in containers.items():
            assert facts[host]["ansible_facts"]["ansible_hostname"] == host
            assert facts[host]["ansible_facts"]["ansible_distribution"] == "Debian"
            assert inside(mixed_lab, node, ctid, "cat", "/root/content.txt") == "%s \u00e9t\u00e9\n" % host
            assert inside(mixed_lab, node, ctid, "stat", "-c", "%a %U", "/root/content.txt") == "640 root\n"
            assert big[host]["changed"] and big[host]["checksum"] == hashlib.sha1(payload).hexdigest()
            # read back inside the container through the node, not through the plugin
            assert inside(mixed_lab, node, ctid, "sha256sum", "/root/big.bin").split()[0] == digest
            assert (fetch_dir / ("%s.bin" % host)).read_bytes() == payload
            assert become[host]["stdout"] == "nobody"
            assert content[host]["changed"] == pipelining  # the second play finds it in place
    # pipelining on: no module file is put into a container but the one Ansible itself never
    # pipelines (become to an unprivileged user: /var/tmp, one per host); off: every module is
    puts = dict((pipelining, re.findall(r"PUT \S+ TO (\S+)/AnsiballZ_(\w+)\.py", results[pipelining].stderr))
                for pipelining in (True, False))
    assert sorted(module for path, module in puts[True]) == ["command", "command"], puts[True]
    assert len(puts[False]) >= 2 * 5, puts[False]
    assert "vzctl exec2 161 " in results[True].stderr and "prlctl exec %s " % containers["ct-vz7"][1] in results[True].stderr


def _plugin(lab_dir, node, ctid):
    """The connection plugin as a task gets it, with the contract's variables."""
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.plugins.loader import connection_loader, init_plugin_loader  # pylint: disable=import-outside-toplevel

    init_plugin_loader([Lab(lab_dir).ansible_env()["ANSIBLE_COLLECTIONS_PATH"]])
    connection = connection_loader.get("openvz.cloud.openvz", PlayContext())
    connection.set_options(var_options={
        "ansible_host": ctid, "openvz_node_address": node,
        "openvz_node_ssh_common_args": "-F %s" % os.path.join(lab_dir, "ssh_config")})
    return connection


def test_put_and_fetch_ten_megabytes(mixed_lab, containers, tmp_path):
    payload = os.urandom(MEGABYTES * 1024 * 1024)
    source = tmp_path / "payload.bin"
    source.write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    for host, (node, ctid) in containers.items():
        connection = _plugin(mixed_lab, node, ctid)
        try:
            target = "/tmp/it's a file.bin"
            connection.put_file(str(source), target)
            rc, out, err = connection.exec_command("sha256sum %s" % shlex.quote(target))
            assert rc == 0, err
            assert out.split()[0].decode() == digest, host
            back = tmp_path / ("%s.bin" % host)
            connection.fetch_file(target, str(back))
            assert back.read_bytes() == payload, host
            with pytest.raises(Exception, match="cannot write /nonexistent/x in container"):
                connection.put_file(str(source), "/nonexistent/x")
            with pytest.raises(Exception, match="cannot read /nonexistent/y in container"):
                connection.fetch_file("/nonexistent/y", str(tmp_path / "y"))
            assert connection.flavour() == ("legacy" if node == "ovz1" else "vz7")
        finally:
            connection.close()


def test_stopped_container_is_unreachable(mixed_lab, containers):
    ssh_ok(mixed_lab, "ovz1", "vzctl", "stop", LEGACY_CTID, "--fast")
    try:
        connection = _plugin(mixed_lab, "ovz1", LEGACY_CTID)
        with pytest.raises(Exception, match="container %s on node ovz1 is not running" % LEGACY_CTID):
            connection.exec_command("true")
    finally:
        ssh_ok(mixed_lab, "ovz1", "vzctl", "set", LEGACY_CTID, "--hostname", "ct-legacy.test", "--save")
        ssh_ok(mixed_lab, "ovz1", "vzctl", "start", LEGACY_CTID)
