"""Acceptance test of the lab: two emulated OpenVZ hosts driven over real SSH.

vzctl/vzlist run through `ansible -m command` or plain ssh (SSH into the host's
namespaces, then the emulator), and are observed with lab.exec (ip -j link).
"""

import json
import os
import subprocess
import sys

import pytest

TEMPLATE = "busybox-1.35-x86_64"


def adhoc_ok(lab, pattern, argv):
    """Run argv with the command module on pattern; return {host: result}, all rc 0."""
    result = lab.run_adhoc(pattern, "command", " ".join(argv))
    assert result.rc == 0, str(result)
    hosts = result.task_results(result.tasks()[-1]["task"]["name"])
    for host, host_result in hosts.items():
        assert host_result.get("rc") == 0, "%s on %s: %s" % (argv, host, host_result)
    return hosts


def links(lab, host):
    return {link["ifname"]: link for link in json.loads(lab.exec(host, ["ip", "-j", "link"]).stdout)}


def test_ping_reaches_every_host(lab):
    result = lab.run_adhoc("all", "ping")
    assert result.rc == 0, str(result)
    hosts = result.task_results(result.tasks()[-1]["task"]["name"])
    assert sorted(hosts) == ["ovz1", "ovz2"]
    assert all(r["ping"] == "pong" for r in hosts.values())


def test_each_host_is_its_own_machine(lab):
    facts = lab.run_adhoc("all", "setup", "gather_subset=min,network")
    assert facts.rc == 0, str(facts)
    for host, result in facts.task_results(facts.tasks()[-1]["task"]["name"]).items():
        ansible_facts = result["ansible_facts"]
        assert ansible_facts["ansible_hostname"] == host
        assert ansible_facts["ansible_default_ipv4"] == {}  # no route off the lab
        assert sorted(ansible_facts["ansible_interfaces"]) == ["eth0", "lo", "vmbr0"]
    assert "eth0" in links(lab, "ovz1") and "vmbr0" in links(lab, "ovz1")


def test_hosts_see_only_their_own_containers(lab):
    adhoc_ok(lab, "ovz1", ["vzctl", "create", "150", "--ostemplate", TEMPLATE, "--layout", "simfs"])
    try:
        listed = adhoc_ok(lab, "all", ["vzlist", "-a", "-H", "-o", "ctid"])
        assert listed["ovz1"]["stdout"].split() == ["150"]
        assert listed["ovz2"]["stdout"].split() == []
        assert lab.exec("ovz2", ["test", "-e", "/etc/vz/conf/150.conf"], check=False).returncode == 1
    finally:
        adhoc_ok(lab, "ovz1", ["vzctl", "destroy", "150"])


def test_container_lifecycle_on_bridge(lab):
    """vzctl over plain SSH (one session per command, as a module would run it)."""
    ctids = ["101", "102"]
    addresses = {"101": "198.18.1.101", "102": "198.18.1.102"}
    try:
        for ctid in ctids:
            lab.ssh("ovz1", ["vzctl", "create", ctid, "--ostemplate", TEMPLATE, "--layout", "simfs"])
            lab.ssh("ovz1", ["vzctl", "set", ctid, "--netif_add", "eth0,,,,vmbr0", "--save"])
            started = lab.ssh("ovz1", ["vzctl", "start", ctid]).stdout
            assert "Adding interface veth%s.0 to bridge vmbr0" % ctid in started
            lab.ssh("ovz1", ["vzctl", "exec", ctid, "ip", "addr", "add", addresses[ctid] + "/24",
                             "dev", "eth0"])
        host_links = links(lab, "ovz1")
        for ctid in ctids:
            veth = host_links["veth%s.0" % ctid]
            assert veth.get("master") == "vmbr0", veth
            assert "UP" in veth["flags"]
        assert not any(name.startswith("veth") for name in links(lab, "ovz2"))

        os_release = lab.ssh("ovz1", ["vzctl", "exec", "101", "cat", "/etc/os-release"]).stdout
        assert "ID=busybox" in os_release
        ping = lab.ssh("ovz1", ["vzctl", "exec", "101", "ping", "-c", "1", "-W", "2",
                                addresses["102"]]).stdout
        assert "1 packets received" in ping
        status = lab.ssh("ovz1", ["vzlist", "-H", "-o", "ctid,status"]).stdout
        assert status.split() == ["101", "running", "102", "running"]

        for ctid in ctids:
            lab.ssh("ovz1", ["vzctl", "stop", ctid])
        assert not any(name.startswith("veth") for name in links(lab, "ovz1"))
    finally:
        for ctid in ctids:
            lab.exec("ovz1", ["vzctl", "stop", ctid], check=False)
            lab.exec("ovz1", ["vzctl", "destroy", ctid], check=False)
    assert lab.ssh("ovz1", ["vzlist", "-a", "-H", "-o", "ctid"]).stdout.split() == []


@pytest.mark.parametrize("host", ["ovz1", "ovz2"])
def test_plain_ssh_lands_in_the_host(lab, host):
    proc = lab.ssh(host, ["sh", "-c", "hostname; cat /etc/hostname; ip -br addr show dev eth0"])
    lines = proc.stdout.splitlines()
    assert lines[0] == host and lines[1] == host
    assert lab.host(host).address + "/24" in lines[2]


def test_playbook_runs_with_limit_check_diff_and_extra_vars(lab, tmp_path):
    playbook = tmp_path / "write_agent_file.yml"
    playbook.write_text("""
- name: Write a file under /etc
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: Write the marker
      ansible.builtin.copy:
        dest: /etc/lab-marker
        content: "{{ marker_text }}\\n"
        mode: "0644"
""")
    extra_vars = {"marker_text": "written by test_lab"}
    checked = lab.run_playbook(str(playbook), extra_vars=extra_vars, check=True, diff=True,
                               limit="ovz1")
    assert checked.rc == 0, str(checked)
    results = checked.task_results("Write the marker")
    assert list(results) == ["ovz1"] and results["ovz1"]["changed"]
    assert results["ovz1"]["diff"][0]["after"] == "written by test_lab\n"
    assert lab.exec("ovz1", ["test", "-e", "/etc/lab-marker"], check=False).returncode == 1

    applied = lab.run_playbook(str(playbook), extra_vars=extra_vars, limit="ovz1")
    assert applied.rc == 0 and applied.stats["ovz1"]["changed"] == 1, str(applied)
    marker = lab.exec("ovz1", ["cat", "/etc/lab-marker"]).stdout
    assert marker == "written by test_lab\n"
    assert lab.exec("ovz2", ["test", "-e", "/etc/lab-marker"], check=False).returncode == 1


def test_collection_is_importable_by_ansible(lab):
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-doc"),
                           "-t", "module", "openvz.cloud.container_info"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=lab.ansible_env(), check=False)
    assert proc.returncode == 0, proc.stderr
