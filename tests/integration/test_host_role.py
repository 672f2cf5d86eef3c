"""The host role (through playbooks/discover.yml) on the two emulated lab hosts.

The lab hosts run vzctl on this machine's kernel (no /proc/vz), so the converge runs with
host_require_openvz_kernel=false; the default (true) must fail with a clear message. Each
lab host has its own /etc, /var/lib and /vz but shares /root and /home with the machine,
hence the management user's home under /var/lib. targets/host_role/snapshot.yml and
cleanup.yml save and restore what the role changes, since the lab is shared by all tests.
"""

import json
import os

import pytest

from host_role_lib import (DISCOVER, HOME, PUBLIC_KEY, TARGET, USER, changed_count, cloudstack_guid,
                           failure_messages, lab_vars, role_task_results)


@pytest.fixture(scope="module")
def lab_state(lab):
    """Saves the lab hosts' state before the module's tests and restores it after them."""
    saved = lab.run_playbook(os.path.join(TARGET, "snapshot.yml"))
    assert saved.rc == 0, saved
    try:
        yield lab
    finally:
        restored = lab.run_playbook(os.path.join(TARGET, "cleanup.yml"),
                                    extra_vars={"host_management_user": USER})
        assert restored.rc == 0, restored


@pytest.fixture(scope="module")
def converged(lab_state, tmp_path_factory):
    """Check mode on the fresh hosts, then two real runs."""
    lab = lab_state
    report_dir = tmp_path_factory.mktemp("discovery")
    original = {h.name: lab.exec(h.name, ["cat", "/etc/vz/vz.conf"]).stdout for h in lab.hosts}
    check = lab.run_playbook(DISCOVER, extra_vars=lab_vars(report_dir), check=True, diff=True)
    untouched = {h.name: (lab.exec(h.name, ["cat", "/etc/vz/vz.conf"]).stdout,
                          lab.exec(h.name, ["getent", "passwd", USER], check=False).returncode,
                          lab.exec(h.name, ["test", "-e", "/etc/sudoers.d/openvz-cloud"], check=False).returncode)
                 for h in lab.hosts}
    first = lab.run_playbook(DISCOVER, extra_vars=lab_vars(report_dir))
    second = lab.run_playbook(DISCOVER, extra_vars=lab_vars(report_dir))
    check_again = lab.run_playbook(DISCOVER, extra_vars=lab_vars(report_dir), check=True, diff=True)
    return {"lab": lab, "check": check, "first": first, "second": second, "check_again": check_again,
            "report_dir": report_dir,
            "original": original, "untouched": untouched}


def test_check_mode_predicts_and_changes_nothing(converged):
    check = converged["check"]
    assert check.rc == 0, check
    assert changed_count(check) > 0
    # vz.conf as before, no user (getent exit 2), no sudoers file.
    assert converged["untouched"] == {name: (text, 2, 1) for name, text in converged["original"].items()}
    handler = role_task_results(check, "Load the host kernel parameters")
    assert all(result.get("skipped") for result in handler.values())


def test_first_run_changes_and_second_run_changes_nothing(converged):
    first, second = converged["first"], converged["second"]
    assert first.rc == 0, first
    assert changed_count(first) > 0
    assert second.rc == 0, second
    assert {host: stats["changed"] for host, stats in second.stats.items()} == {"ovz1": 0, "ovz2": 0}
    assert all(stats["failures"] == 0 for stats in second.stats.values())
    check_again = converged["check_again"]
    assert check_again.rc == 0, check_again
    assert {host: stats["changed"] for host, stats in check_again.stats.items()} == {"ovz1": 0, "ovz2": 0}


def test_kernel_warning_and_homogeneity_pass(converged):
    warnings = role_task_results(converged["first"], "Warn that the OpenVZ kernel is not running")
    assert set(warnings) == {"ovz1", "ovz2"}
    assert all("host_require_openvz_kernel is false" in r["msg"] for r in warnings.values())
    agree = role_task_results(converged["first"], "Check that the cluster is homogeneous")
    assert any("2 host(s) of 'hypervisors' agree" in r.get("msg", "") for r in agree.values())


def test_vz_conf_managed_keys_only(converged):
    lab = converged["lab"]
    managed = {"VE_LAYOUT": '"simfs"', "CONFIGFILE": '"basic"', "VE_STOP_MODE": '"stop"'}
    for host in lab.hosts:
        before = converged["original"][host.name].splitlines()
        after = lab.exec(host.name, ["cat", "/etc/vz/vz.conf"]).stdout.splitlines()
        values = dict(line.split("=", 1) for line in after if "=" in line and not line.startswith("#"))
        for key, value in managed.items():
            assert values[key] == value
        # Unchanged values keep their quoting; every other line stays as it was.
        assert values["TEMPLATE"] == "/vz/template"
        assert values["NEIGHBOUR_DEVS"] == "detect"
        rewritten = ("VE_LAYOUT=", "CONFIGFILE=", "VE_STOP_MODE=")
        assert [line for line in before if not line.startswith(rewritten)] == \
            [line for line in after if not line.startswith(rewritten)]


def test_sysctl_file_loaded(converged):
    lab = converged["lab"]
    for host in lab.hosts:
        text = lab.exec(host.name, ["cat", "/etc/sysctl.d/60-openvz-cloud.conf"]).stdout
        assert "net.ipv4.ip_forward = 1" in text
        assert lab.exec(host.name, ["sysctl", "-n", "net.ipv4.ip_forward"]).stdout.strip() == "1"
    handler = role_task_results(converged["first"], "Load the host kernel parameters")
    assert set(handler) == {"ovz1", "ovz2"} and all(r.get("changed") for r in handler.values())


def test_management_user_key_and_sudoers(converged):
    lab = converged["lab"]
    for host in lab.hosts:
        entry = lab.exec(host.name, ["getent", "passwd", USER]).stdout.strip().split(":")
        assert entry[5] == HOME
        keys = lab.exec(host.name, ["cat", HOME + "/.ssh/authorized_keys"]).stdout
        assert keys == PUBLIC_KEY + "\n"
        modes = lab.exec(host.name, ["stat", "-c", "%a %U", HOME + "/.ssh", HOME + "/.ssh/authorized_keys",
                                     "/etc/sudoers.d/openvz-cloud"]).stdout.split("\n")
        assert modes[:3] == ["700 " + USER, "600 " + USER, "440 root"]
        sudoers = lab.exec(host.name, ["cat", "/etc/sudoers.d/openvz-cloud"]).stdout
        assert "Defaults:%s !requiretty" % USER in sudoers
        lab.exec(host.name, ["visudo", "-cf", "/etc/sudoers.d/openvz-cloud"])
        # The user may run exactly the listed commands as root, without a password.
        allowed = lab.exec(host.name, ["runuser", "-u", USER, "--", "sudo", "-n", "/usr/sbin/vzlist", "-a"])
        assert allowed.returncode == 0
        refused = lab.exec(host.name, ["runuser", "-u", USER, "--", "sudo", "-n", "/usr/bin/id"], check=False)
        assert refused.returncode != 0
        listed = lab.exec(host.name, ["sudo", "-l", "-U", USER]).stdout
        assert "(root) NOPASSWD: /usr/sbin/vzctl, /usr/sbin/vzlist," in listed


def test_traffic_label_bridges(converged):
    lab = converged["lab"]
    for host in lab.hosts:
        links = json.loads(lab.exec(host.name, ["ip", "-j", "link", "show", "type", "bridge"]).stdout)
        assert {"cloudbr0", "cloudbr1"} <= {link["ifname"] for link in links}


def test_discovery_reports(converged):
    report_dir = converged["report_dir"]
    assert sorted(os.listdir(str(report_dir))) == ["ovz1.json", "ovz2.json"]
    for host in converged["lab"].hosts:
        with open(os.path.join(str(report_dir), host.name + ".json")) as handle:
            report = json.load(handle)
        assert report["inventory_hostname"] == host.name
        assert report["fqdn"] == host.name
        assert report["host"]["guid"] == cloudstack_guid(host.address)
        assert report["host"]["details"]["Host.OS"]
        assert report["local_storage"]["path"] == "/vz"
        assert report["local_storage"]["type"] == "Filesystem"
        assert {"cloudbr0", "cloudbr1"} <= {bridge["name"] for bridge in report["bridges"]}
        assert report["traffic_label_bridges"] == ["cloudbr0", "cloudbr1"]


def test_default_requires_the_openvz_kernel(converged, tmp_path):
    lab = converged["lab"]
    variables = lab_vars(tmp_path)
    del variables["host_require_openvz_kernel"]
    result = lab.run_playbook(DISCOVER, extra_vars=variables)
    assert result.rc != 0, result
    messages = failure_messages(result)
    assert any("ovz1 cannot become an OpenVZ cloud host: no OpenVZ kernel running (/proc/vz missing"
               in message and "set host_require_openvz_kernel: false" in message for message in messages), messages


def test_preflight_names_every_unmet_prerequisite(converged, tmp_path):
    lab = converged["lab"]
    variables = lab_vars(tmp_path, host_require_openvz_kernel=True, host_min_free_memory_mb=1 << 30,
                         host_min_free_disk_mb=1 << 40)
    result = lab.run_playbook(DISCOVER, extra_vars=variables, limit="ovz2")
    assert result.rc != 0, result
    message = role_task_results(result, "Fail when the host does not meet the prerequisites")["ovz2"]["msg"]
    assert message.startswith("ovz2 cannot become an OpenVZ cloud host: no OpenVZ kernel running")
    assert "MiB of memory available, host_min_free_memory_mb is 1073741824" in message
    assert "MiB free on /vz, host_min_free_disk_mb is 1099511627776" in message


def test_homogeneity_mismatch_names_hosts_and_values(converged, tmp_path):
    """ovz2 reports Host.OS 'CentOS' (from /etc/redhat-release, as versions.sh reads it)."""
    lab = converged["lab"]
    with open(os.path.join(str(converged["report_dir"]), "ovz1.json")) as handle:
        reference_os = json.load(handle)["host"]["details"]["Host.OS"]
    lab.exec("ovz2", ["tee", "/etc/redhat-release"], input="CentOS release 6.10 (Final)\n")
    try:
        result = lab.run_playbook(DISCOVER, extra_vars=lab_vars(tmp_path))
    finally:
        lab.exec("ovz2", ["rm", "-f", "/etc/redhat-release"])
    assert result.rc != 0, result
    expected = "ovz2: Host.OS 'CentOS' (ovz1 has '%s')" % reference_os
    messages = failure_messages(result)
    assert any("Cluster group 'hypervisors' is not homogeneous" in message and expected in message
               for message in messages), messages
