"""The host role on both lines: ovz1 (legacy) and ovz2 (OpenVZ 7) as two clusters of one
inventory, a cluster mixing them refused, and the 7/9 preflight's prl-disp-service check."""

import json
import os
import shutil

import pytest

from host_role_lib import DISCOVER, TARGET, USER, changed_count, failure_messages, lab_vars, role_task_results
from lablib import Lab

# One cluster per line: homogeneity forbids mixing them in one.
CLUSTERS = """[cluster_legacy]
ovz1

[cluster_vz7]
ovz2

[cluster_legacy:vars]
host_cluster_group=cluster_legacy
host_vz_layout=simfs

[cluster_vz7:vars]
host_cluster_group=cluster_vz7
"""
EMULATOR_CONF = "/var/lib/openvz-emulator/emulator.conf"


def role_vars(report_dir, **overrides):
    """The lab's role variables without what differs per cluster (the inventory sets it)."""
    variables = lab_vars(report_dir, **overrides)
    for per_cluster in ("host_vz_layout", "host_cluster_group"):
        if per_cluster not in overrides:
            variables.pop(per_cluster, None)
    return variables


def vz_confs(lab):
    return dict((name, lab.exec(name, ["cat", "/etc/vz/vz.conf"]).stdout) for name in ("ovz1", "ovz2"))


@pytest.fixture(scope="module")
def lab(mixed_lab, tmp_path_factory):
    """The mixed lab, with the host state the role changes saved and put back afterwards."""
    running = Lab(mixed_lab)
    saved = running.run_playbook(os.path.join(TARGET, "snapshot.yml"))
    assert saved.rc == 0, saved
    try:
        yield running
    finally:
        restored = running.run_playbook(os.path.join(TARGET, "cleanup.yml"), extra_vars={"host_management_user": USER})
        assert restored.rc == 0, restored


@pytest.fixture(scope="module")
def clusters(lab, tmp_path_factory):
    """An inventory directory: the lab's hosts plus one cluster group per line (no .ini
    names: ansible-core 2.16 skips them in a directory, INVENTORY_IGNORE_EXTS)."""
    directory = tmp_path_factory.mktemp("inventory")
    shutil.copy(lab.inventory, str(directory / "lab"))
    (directory / "clusters").write_text(CLUSTERS)
    return str(directory)


def test_a_cluster_mixing_the_lines_is_refused_before_any_change(lab, tmp_path):
    before = vz_confs(lab)
    result = lab.run_playbook(DISCOVER, extra_vars=role_vars(tmp_path, host_cluster_group="hypervisors"))
    assert result.rc != 0, result
    messages = failure_messages(result)
    assert any("Cluster group 'hypervisors' is not homogeneous" in message
               and "ovz2: flavour 'openvz7' (ovz1 has 'legacy')" in message for message in messages), messages
    assert vz_confs(lab) == before


@pytest.fixture(scope="module")
def converged(lab, clusters, tmp_path_factory):
    report_dir = tmp_path_factory.mktemp("discovery")
    before = vz_confs(lab)
    runs = {"check": lab.run_playbook(DISCOVER, extra_vars=role_vars(report_dir), check=True, diff=True,
                                      inventory=clusters)}
    runs["untouched"] = vz_confs(lab) == before
    # both clusters in one batch: each is checked (discover.yml's default serial makes one batch a host)
    runs["first"] = lab.run_playbook(DISCOVER, extra_vars=role_vars(report_dir, openvz_discover_serial="100%"),
                                     inventory=clusters)
    runs["second"] = lab.run_playbook(DISCOVER, extra_vars=role_vars(report_dir), inventory=clusters)
    runs["check_again"] = lab.run_playbook(DISCOVER, extra_vars=role_vars(report_dir), check=True, diff=True,
                                           inventory=clusters)
    runs["report_dir"] = str(report_dir)
    return runs


def test_check_mode_first_and_second_run_on_both_lines(converged):
    check = converged["check"]
    assert check.rc == 0, check
    assert changed_count(check) > 0, str(check)[:3000]
    assert converged["untouched"]
    assert converged["first"].rc == 0, converged["first"]
    assert changed_count(converged["first"]) > 0
    for name in ("second", "check_again"):
        result = converged[name]
        assert result.rc == 0, result
        assert {host: stats["changed"] for host, stats in result.stats.items()} == {"ovz1": 0, "ovz2": 0}, name


def test_each_cluster_agrees_on_its_line(converged):
    agree = role_task_results(converged["first"], "Check that the cluster is homogeneous")
    messages = " ".join(result.get("msg", "") for result in agree.values())
    assert "1 host(s) of 'cluster_legacy' agree" in messages and "OpenVZ flavour legacy" in messages
    assert "1 host(s) of 'cluster_vz7' agree" in messages and "OpenVZ flavour openvz7" in messages


def test_what_the_role_set_on_each_line(converged, lab):
    values = {}
    for name, text in vz_confs(lab).items():
        values[name] = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    assert values["ovz1"]["VE_LAYOUT"] == '"simfs"' and values["ovz2"]["CONFIGFILE"] == '"basic"'
    assert "VE_LAYOUT" not in values["ovz2"] or values["ovz2"]["VE_LAYOUT"] != '"simfs"'
    # vznet.conf's EXTERNAL_SCRIPT is legacy only: libvzctl's own vznetcfg joins bridges on 7/9.
    vznet = dict((name, lab.exec(name, ["cat", "/etc/vz/vznet.conf"], check=False).stdout) for name in ("ovz1", "ovz2"))
    assert 'EXTERNAL_SCRIPT="/usr/sbin/vznetaddbr"' in vznet["ovz1"]
    assert "EXTERNAL_SCRIPT" not in vznet["ovz2"]
    script_task = role_task_results(converged["first"], "Make veth NICs join their bridges (EXTERNAL_SCRIPT in vznet.conf)")
    assert script_task["ovz2"].get("skipped") and not script_task["ovz1"].get("skipped")
    for name in ("ovz1", "ovz2"):
        links = json.loads(lab.exec(name, ["ip", "-j", "link", "show", "type", "bridge"]).stdout)
        assert {"cloudbr0", "cloudbr1"} <= {link["ifname"] for link in links}
        with open(os.path.join(converged["report_dir"], name + ".json")) as handle:
            hypervisor = json.load(handle)["host"]["hypervisor"]
        if name == "ovz2":
            assert hypervisor["flavour"] == "openvz7" and hypervisor["dispatcher"]["running"] is True
        else:
            assert hypervisor["flavour"] == "legacy" and hypervisor["dispatcher"] is None


def test_preflight_refuses_a_7_host_whose_dispatcher_is_down(lab, clusters, tmp_path):
    """prlctl exits 253 when it cannot log in to prl-disp-service (stopped here in the emulator)."""
    lab.exec("ovz2", ["sh", "-c", "echo DISPATCHER=stopped >> " + EMULATOR_CONF])
    try:
        result = lab.run_playbook(DISCOVER, extra_vars=role_vars(tmp_path), inventory=clusters, limit="ovz2")
    finally:
        lab.exec("ovz2", ["sed", "-i", "/^DISPATCHER=/d", EMULATOR_CONF])
    assert result.rc != 0, result
    message = role_task_results(result, "Fail when the host does not meet the prerequisites")["ovz2"]["msg"]
    assert "prl-disp-service does not answer prlctl (rc 253: Login failed: Unable to connect to Virtuozzo." in message
    assert "systemctl start prl-disp-service" in message
