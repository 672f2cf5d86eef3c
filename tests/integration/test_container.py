"""container, containers, container_info on the lab hosts through ansible-playbook.

Check mode, real run, idempotence, the NIC seen in the bridge with `ip -j link` inside
the lab host, bulk convergence and bad input that changes nothing. Every test removes
its containers (cleanup.yml) also when it fails.
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


def test_lifecycle_and_nic_in_bridge(clean_lab):
    lab = clean_lab
    result = lab.run_playbook(playbook('lifecycle.yml'))
    assert_ok(result)
    for host in lab.hosts:
        created = result.task_results('Create for real')[host.name]
        nic = created['container']['netifs'][0]
        devices = dict((link['ifname'], link) for link in links(lab, host.name))
        assert nic['host_ifname'] in devices, devices.keys()
        assert devices[nic['host_ifname']].get('master') == 'vmbr0'
        assert devices[nic['host_ifname']]['address'].upper() == nic['host_mac']
        conf = lab.exec(host.name, ['cat', '/etc/vz/conf/%d.conf' % CTID]).stdout
        assert 'it-Secret-1' not in conf and 'PHYSPAGES="0:131072"' in conf


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
