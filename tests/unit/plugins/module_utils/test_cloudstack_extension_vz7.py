"""The CloudStack extension on an emulated OpenVZ 7 host (prlctl, vzctl 7, vzlist 7).

The container is named after the CloudStack instance and gets the CloudStack VM UUID as
its own (cloudstack-extension.md; prlctl create --uuid); nothing is allocated.
"""

import os
import subprocess
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack import payload as cs_payload
from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack.extension import run_action
from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import parse_vz_config

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'unit'))
import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position
from emulated_host import (  # noqa: E402  pylint: disable=wrong-import-position
    BUILDER, EZ_TEMPLATE, RootedRunner, vz7_root)

HOST = {'host': '198.18.0.12', 'ssh_key_file': '/nonexistent'}
VM_DETAILS = {'ostemplate': EZ_TEMPLATE, 'diskspace': '2G'}


# The host's ip(8) for these tests (first in the runner's PATH): bridge cloudbr0 (the
# payload's default bridge) exists and every host veth is in it; nothing else exists.
IP_STUB = """#!/bin/sh
for dev; do :; done
case "$dev" in
cloudbr0) echo '[{"ifname": "cloudbr0", "linkinfo": {"info_kind": "bridge"}}]' ;;
veth*) echo '[{"ifname": "'"$dev"'", "linkinfo": {"info_kind": "veth"}, "master": "cloudbr0"}]' ;;
*) echo "Device \"$dev\" does not exist." >&2; exit 1 ;;
esac
"""


@pytest.fixture
def host(tmp_path):
    runner = RootedRunner(vz7_root(str(tmp_path / 'host')))
    subprocess.check_call([sys.executable, BUILDER, runner.rooted('/vz/template/cache')],
                          stdout=subprocess.DEVNULL)
    with open(runner.rooted('/usr/sbin/ip'), 'w') as handle:
        handle.write(IP_STUB)
    os.chmod(runner.rooted('/usr/sbin/ip'), 0o755)
    return runner


def call(runner, action, data):
    return run_action(cs_payload.Payload(data, action), 60, runner=runner)


def conf_of(runner, ctid):
    return parse_vz_config(runner.read_file('/etc/vz/conf/%s.conf' % ctid) or '')


def test_lifecycle_names_the_container_and_keeps_the_vm_uuid(host):
    machine = cs.VM(61, vm_details=VM_DETAILS)
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweroff'
    assert call(host, 'prepare', cs.payload(HOST, machine, with_nics=True)) == (0, None)
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 0, doc
    assert doc['container'] == machine.uuid
    # create, resources, the disk resize, the NIC added, the NIC into bridge cloudbr0, start
    assert doc['actions'] == ['create', 'set', 'set', 'set', 'set', 'start']
    conf = conf_of(host, machine.uuid)
    assert conf['UUID'] == machine.uuid and conf['NAME'] == machine.name
    assert conf['PHYSPAGES'] == '0:65536' and conf['DISKSPACE'] == '2097152:2097152'
    # the guest MAC CloudStack chose and the host end's own (fe:...) MAC
    assert 'ifname=eth0,mac=02:01:00:CC:00:3D,host_mac=FE:01:00:CC:00:3D' in conf['NETIF']
    assert conf['NETIF'].endswith(',type=bridge,network=cloudbr0')
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert (rc, doc['actions']) == (0, [])
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweron'
    assert call(host, 'statuses', cs.payload(HOST))[1]['power_state'] == {machine.name: 'poweron'}
    assert call(host, 'stop', cs.payload(HOST, machine))[1]['message'].endswith('stopped')
    assert 'already' in call(host, 'stop', cs.payload(HOST, machine))[1]['message']
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweroff'
    machine.cpus = 2
    rc, doc = call(host, 'start', cs.payload(HOST, machine, with_nics=True))
    assert (rc, doc['actions']) == (0, ['set', 'start'])
    assert call(host, 'reboot', cs.payload(HOST, machine, with_nics=True))[0] == 0
    rc, doc = call(host, 'delete', cs.payload(HOST, machine, expunge=True))
    assert rc == 0 and machine.uuid in doc['message']
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweroff'
    assert not os.path.exists(host.rooted('/vz/private/%s' % machine.uuid))
    assert call(host, 'delete', cs.payload(HOST, machine, expunge=True))[0] == 0


def test_hostcapacity_counts_the_containers(host):
    assert call(host, 'create', cs.payload(HOST, cs.VM(64, vm_details=VM_DETAILS, nics=[]),
                                           deploy=True, with_nics=True))[0] == 0
    host.env['OPENVZ_EMULATOR_ROOT'] = host.root
    rc, doc = call(host, 'hostcapacity', cs.payload(HOST, action='hostcapacity'))
    assert rc == 0, doc
    assert doc['capacity']['containers'] == 1 and doc['capacity']['containers_running'] == 1


def test_snapshots_on_a_ploop_container(host):
    machine = cs.VM(62, vm_details=VM_DETAILS, nics=[])
    assert call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))[0] == 0

    def custom(name, **parameters):
        return call(host, name, cs.payload(HOST, machine, action=name, parameters=parameters))

    rc, doc = custom('createsnapshot', snap_name='before upgrade', snap_save_memory=False)
    assert rc == 0, doc
    first = doc['snapshot_id']
    assert custom('createsnapshot', snap_name='second')[0] == 0
    rows = custom('listsnapshots')[1]['message']
    assert [row['name'] for row in rows] == ['before upgrade', 'second']
    assert rows[0]['id'] == first and rows[1]['parent'] == first and rows[1]['current']
    assert custom('restoresnapshot', snap_name='before upgrade')[0] == 0
    assert [row['current'] for row in custom('listsnapshots')[1]['message']] == [True, False]
    assert custom('deletesnapshot', snap_name='second')[0] == 0
    assert [row['name'] for row in custom('listsnapshots')[1]['message']] == ['before upgrade']


def test_a_legacy_cache_needs_simfs(host):
    legacy = dict(VM_DETAILS, ostemplate='busybox-1.35-x86_64')
    machine = cs.VM(63, vm_details=legacy, nics=[])
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 1 and 'Use layout: simfs, or install the EZ template' in doc['error']
    assert call(host, 'statuses', cs.payload(HOST))[1]['power_state'] == {}
    machine.vm_details['layout'] = 'simfs'
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 0 and doc['container'] == machine.uuid, doc
    assert conf_of(host, machine.uuid)['VE_LAYOUT'] == 'simfs'
    rc, doc = call(host, 'createsnapshot', cs.payload(HOST, machine, action='createsnapshot',
                                                      parameters={'snap_name': 'x'}))
    assert rc == 1 and 'only for ploop containers' in doc['error']
