"""The CloudStack extension's actions against the OpenVZ emulator in a temporary root.

``OpenVZExtension`` runs through a SubprocessRunner whose host files live under the
emulator's root (no SSH here; the lab tests call the real entry point over SSH). Payloads
are built by the CloudStack harness, shaped as CloudStack writes them.
"""

import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack import payload as cs_payload
from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack.extension import (
    parse_ctid_range, run_action, ExtensionError)
from ansible_collections.openvz.cloud.plugins.module_utils._backends.vzctl_cli import (
    parse_snapshot_list)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'unit'))
import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position
from emulated_host import RootedRunner, legacy_root  # noqa: E402  pylint: disable=wrong-import-position

HOST = {'host': '198.18.0.11', 'ssh_key_file': '/nonexistent', 'ctid_range': '1000-1999'}
VM_DETAILS = {'ostemplate': 'busybox-1.35-x86_64', 'layout': 'ploop', 'diskspace': '1G'}


@pytest.fixture
def host(tmp_path):
    return RootedRunner(legacy_root(str(tmp_path / 'host')))


def call(runner, action, data):
    return run_action(cs_payload.Payload(data, action), 60, runner=runner)


def vm(number=42, **kwargs):
    kwargs.setdefault('vm_details', VM_DETAILS)
    kwargs.setdefault('nics', [])
    return cs.VM(number, **kwargs)


def test_lifecycle_is_idempotent_under_cloudstack_patterns(host):
    machine = vm()
    rc, doc = call(host, 'status', cs.payload(HOST, machine))
    assert (rc, doc['power_state']) == (0, 'poweroff')
    assert call(host, 'stop', cs.payload(HOST, machine))[0] == 0
    assert call(host, 'delete', cs.payload(HOST, machine, expunge=True))[0] == 0
    rc, doc = call(host, 'prepare', cs.payload(HOST, machine, with_nics=True))
    assert rc == 0 and doc == {'details': {'External:ctid': '1000'}}
    machine.vm_details['ctid'] = '1000'
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 0, doc
    assert doc['container'] == '1000' and doc['actions'] == ['create', 'set', 'start']
    # a retried create converges: nothing to do
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 0 and doc['actions'] == []
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweron'
    rc, doc = call(host, 'statuses', cs.payload(HOST))
    assert doc == {'status': 'success', 'power_state': {machine.name: 'poweron'}}
    assert call(host, 'stop', cs.payload(HOST, machine))[1]['message'].endswith('stopped')
    assert 'already' in call(host, 'stop', cs.payload(HOST, machine))[1]['message']
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweroff'
    assert call(host, 'start', cs.payload(HOST, machine, with_nics=True))[0] == 0
    assert call(host, 'reboot', cs.payload(HOST, machine, with_nics=True))[0] == 0
    assert call(host, 'status', cs.payload(HOST, machine))[1]['power_state'] == 'poweron'
    rc, doc = call(host, 'delete', cs.payload(HOST, machine, expunge=True))
    assert rc == 0 and 'destroyed' in doc['message']
    assert call(host, 'statuses', cs.payload(HOST))[1]['power_state'] == {}


def test_scaling_while_stopped_is_applied_on_start(host):
    machine = vm(43)
    assert call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))[0] == 0
    call(host, 'stop', cs.payload(HOST, machine))
    machine.cpus, machine.ram = 2, 512 * 1024 * 1024
    rc, doc = call(host, 'start', cs.payload(HOST, machine, with_nics=True))
    assert rc == 0 and doc['actions'] == ['set', 'start']


def test_snapshots_create_list_restore_delete(host):
    machine = vm(44)
    assert call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))[0] == 0

    def custom(name, **parameters):
        return call(host, name, cs.payload(HOST, machine, action=name, parameters=parameters))

    rc, doc = custom('createsnapshot', snap_name='before-upgrade', snap_description='pre yum',
                     snap_save_memory=False)
    assert rc == 0, doc
    first = doc['snapshot_id']
    assert custom('createsnapshot', snap_name='before-upgrade')[1]['message'].startswith(
        "Snapshot 'before-upgrade' of i-2-44-VM already exists")
    assert custom('createsnapshot', snap_name='second one')[0] == 0
    rc, doc = custom('listsnapshots')
    assert rc == 0 and doc['printmessage'] == 'true'
    rows = doc['message']
    assert [row['name'] for row in rows] == ['before-upgrade', 'second one']
    assert rows[0]['id'] == first and rows[0]['description'] == 'pre yum'
    assert rows[1]['current'] and rows[1]['parent'] == first
    assert custom('restoresnapshot', snap_name='before-upgrade')[0] == 0
    assert [row['current'] for row in custom('listsnapshots')[1]['message']] == [True, False]
    rc, doc = custom('restoresnapshot', snap_name='missing')
    assert rc == 1 and 'no snapshot' in doc['error']
    assert custom('deletesnapshot', snap_name='second one')[0] == 0
    assert 'nothing to delete' in custom('deletesnapshot', snap_name='second one')[1]['message']
    assert [row['name'] for row in custom('listsnapshots')[1]['message']] == ['before-upgrade']


def test_simfs_snapshot_is_a_clear_error(host):
    machine = vm(45, vm_details=dict(VM_DETAILS, layout='simfs'))
    assert call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))[0] == 0
    rc, doc = call(host, 'createsnapshot', cs.payload(HOST, machine, action='createsnapshot',
                                                      parameters={'snap_name': 'x'}))
    assert rc == 1 and 'only for ploop containers' in doc['error']


def test_create_without_template_fails_then_succeeds(host):
    machine = vm(46, vm_details=dict(VM_DETAILS, ostemplate='centos-7-x86_64'))
    rc, doc = call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))
    assert rc == 1 and "'centos-7-x86_64' is not in" in doc['error']
    assert 'template_url' in doc['error']
    assert call(host, 'stop', cs.payload(HOST, machine))[0] == 0
    machine.vm_details['ostemplate'] = 'busybox-1.35-x86_64'
    assert call(host, 'create', cs.payload(HOST, machine, deploy=True, with_nics=True))[0] == 0


def test_errors_are_documents(host):
    machine = vm(47)
    rc, doc = call(host, 'getconsole', cs.payload(HOST, machine))
    assert rc == 1 and 'no graphical console' in doc['error']
    rc, doc = call(host, 'com.cloud.agent.api.MigrateCommand', {})
    assert rc == 1 and doc['status'] == 'error' and 'Unknown action' in doc['error']
    rc, doc = call(host, 'start', cs.payload(HOST, machine, with_nics=True))
    assert rc == 1 and 'no container' in doc['error']
    rc, doc = call(host, 'create', cs.payload(HOST, vm(48, vm_details={}), deploy=True))
    assert rc == 1 and 'No ostemplate' in doc['error']


def test_hostcapacity_is_a_table(host):
    call(host, 'create', cs.payload(HOST, vm(49), deploy=True, with_nics=True))
    data = cs.payload(HOST, action='hostcapacity')
    # the emulated host's storage is the temporary root's filesystem
    host.env['OPENVZ_EMULATOR_ROOT'] = host.root
    rc, doc = call(host, 'hostcapacity', data)
    assert rc == 0, doc
    assert doc['printmessage'] == 'true'
    assert [row['resource'] for row in doc['message']][0] == 'CPU'
    assert doc['capacity']['containers'] == 1 and doc['capacity']['containers_running'] == 1
    assert doc['capacity']['memory_total_bytes'] > 0
    assert doc['capacity']['storage_capacity_bytes'] > 0


def test_payload_details_precedence_and_secrets():
    data = cs.payload({'host': 'a', 'bridge': 'br-host'}, vm(50),
                      extension_details={'bridge': 'br-ext', 'ssh_user': 'admin',
                                         'api_token': 'tok-123'},
                      resourcemap={'bridge': 'br-map', 'ssh_port': '2222'})
    request = cs_payload.Payload(data, 'status')
    assert request.host['bridge'] == 'br-host' and request.host['ssh_port'] == '2222'
    assert request.host['ssh_user'] == 'admin' and request.host['vlan_trunk'] is None
    assert request.vm_details['ostemplate'] == 'busybox-1.35-x86_64'
    secrets = request.secrets()
    assert 'tok-123' in secrets and data['cloudstack.vm.details']['vncPassword'] in secrets


def test_vlan_uris_and_ranges():
    assert cs_payload.vlan_of({'broadcastUri': 'vlan://100'}) == 100
    assert cs_payload.vlan_of({'broadcastUri': 'vlan://untagged'}) is None
    assert cs_payload.vlan_of({}) is None
    with pytest.raises(cs_payload.PayloadError):
        cs_payload.vlan_of({'broadcastUri': 'vxlan://5000'})
    assert parse_ctid_range('1000-99999') == (1000, 99999)
    with pytest.raises(ExtensionError):
        parse_ctid_range('5')


def test_snapshot_list_is_cut_by_columns():
    line = ('{%s} {%s} * 2026-12-01 21:00:00 %-32s %s'
            % ('a' * 8 + '-1111-2222-3333-' + 'b' * 12, 'c' * 8 + '-1111-2222-3333-' + 'd' * 12,
               'my snap', 'with spaces in it'))
    [item] = parse_snapshot_list(line + '\n')
    assert item['id'].startswith('aaaaaaaa') and item['parent_id'].startswith('cccccccc')
    assert item['current'] and item['date'] == '2026-12-01 21:00:00'
    assert item['name'] == 'my snap' and item['description'] == 'with spaces in it'
