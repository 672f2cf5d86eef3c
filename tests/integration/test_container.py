"""container, containers, container_info on the lab hosts through ansible-playbook.

A stop that takes the veth away, the ploop disk limit, bulk convergence and bad input that
changes nothing. The lifecycle itself (check mode, real run, idempotence, the NIC in its
bridge) is asserted on both lines in mixed/test_container_lines.py. Every test removes its
containers (cleanup.yml) also when it fails.
"""

import json
import os

import pytest

TARGET = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'targets', 'container')
CTID = 4101


def playbook(name):
    return os.path.join(TARGET, name)


def assert_ok(result):
    assert result.rc == 0, str(result)


@pytest.fixture
def clean_lab(lab):
    assert_ok(lab.run_playbook(playbook('cleanup.yml')))
    try:
        yield lab
    finally:
        assert_ok(lab.run_playbook(playbook('cleanup.yml')))


def links(lab, host_name):
    return json.loads(lab.exec(host_name, ['ip', '-j', 'link', 'show']).stdout)


def test_stop_removes_veth(clean_lab):
    lab = clean_lab
    assert_ok(lab.run_playbook(playbook('lifecycle.yml')))
    host = lab.hosts[0].name
    result = lab.run_adhoc(host, 'openvz.cloud.container', 'ctid=%d state=stopped' % CTID)
    assert result.rc == 0, str(result)
    assert 'veth%d.0' % CTID not in [link['ifname'] for link in links(lab, host)]


def test_ploop_disk_limit_idempotent_and_missing_bridge_refused(clean_lab):
    assert_ok(clean_lab.run_playbook(playbook('ploop.yml')))
    conf = clean_lab.exec(clean_lab.hosts[0].name, ['cat', '/etc/vz/conf/4120.conf']).stdout
    assert 'DISKSPACE="2097152:2306867"' in conf


def test_bad_input_changes_nothing(clean_lab):
    assert_ok(clean_lab.run_playbook(playbook('bad_input.yml')))


def test_bulk_containers(clean_lab):
    assert_ok(clean_lab.run_playbook(playbook('bulk.yml')))
