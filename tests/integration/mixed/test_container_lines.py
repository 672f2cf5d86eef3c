"""container, containers, container_info on both lines: the same lifecycle play (check mode
with diff, real run, second run unchanged, a change in check mode and for real, the same
sizes in other units, container_info) on ovz1 (legacy, simfs) and ovz2 (OpenVZ 7, ploop),
then each container's host veth seen in its bridge with `ip -j link` on the host."""

import json
import os

import pytest

from lablib import Lab

from .conftest import REPO_ROOT, ssh_ok

TARGET = os.path.join(REPO_ROOT, "tests", "integration", "targets", "container")
CTID = 4101


def run(lab, name):
    result = lab.run_playbook(os.path.join(TARGET, name))
    assert result.rc == 0, str(result)
    return result


@pytest.fixture
def clean_mixed_lab(mixed_lab):
    lab = Lab(mixed_lab)
    run(lab, "cleanup.yml")
    try:
        yield lab
    finally:
        run(lab, "cleanup.yml")


def test_lifecycle_and_nic_in_bridge_on_both_lines(clean_mixed_lab):
    lab = clean_mixed_lab
    result = run(lab, "lifecycle.yml")
    created = result.task_results("Create for real")
    assert sorted(created) == ["ovz1", "ovz2"]
    for host, layout in (("ovz1", "simfs"), ("ovz2", "ploop")):
        container = created[host]["container"]
        assert container["layout"] == layout
        nic = container["netifs"][0]
        devices = dict((link["ifname"], link) for link in json.loads(ssh_ok(lab.dir, host, "ip", "-j", "link")))
        assert devices[nic["host_ifname"]].get("master") == "vmbr0"
        assert devices[nic["host_ifname"]]["address"].upper() == nic["host_mac"]
        conf = ssh_ok(lab.dir, host, "cat", "/etc/vz/conf/%s.conf" % container["ctid"])
        assert "it-Secret-1" not in conf
        if host == "ovz1":  # vzctl 4 keeps the vSwap RAM as PHYSPAGES, in pages
            assert 'PHYSPAGES="0:131072"' in conf
        assert container["ctid"] == CTID  # a numeric id stays a number on both lines
