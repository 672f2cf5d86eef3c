"""The CloudStack extension end to end: the real entry point, called by the harness exactly
as the management server calls it, against lab hosts over real SSH (strict host keys).

Covers CloudStack's patterns: deploy (prepare, create), status and statuses, stop, start,
reboot, snapshots, delete of VMs with an untagged NIC; a create that fails (template not
yet downloadable) and succeeds on retry with stops in between, the template fetched on
demand from an http URL and verified; ten creates at once on one host; status sweeps of
every VM. Every output must be exactly one JSON document (stderr is merged into it).
"""

import hashlib
import http.server
import json
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tests'))
import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position

ENTRY = os.path.join(REPO, 'extensions', 'cloudstack', 'openvz.py')
TEMPLATE = 'busybox-1.35-x86_64'
VM_DETAILS = {'ostemplate': TEMPLATE, 'layout': 'simfs'}


def host_details(lab, name='ovz1', **extra):
    details = {'host': lab.host(name).address, 'ssh_key_file': os.path.join(lab.dir, 'id_ed25519'),
               'ssh_known_hosts_file': os.path.join(lab.dir, 'cs_known_hosts'),
               'bridge': 'vmbr0', 'ctid_range': '2000-2999'}
    details.update(extra)
    return details


@pytest.fixture(scope='module')
def cloud(lab, tmp_path_factory):
    """A management server's harness, with known_hosts holding the lab hosts' keys."""
    lines = []
    for host in lab.hosts:
        with open(os.path.join(lab.dir, 'hosts', host.name, 'ssh', 'ssh_host_ed25519_key.pub')) as handle:
            key = handle.read().split()
        lines.append('%s %s %s' % (host.address, key[0], key[1]))
    with open(os.path.join(lab.dir, 'cs_known_hosts'), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    data = tmp_path_factory.mktemp('cs-data')
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)  # the entry finds the collection itself
    harness = cs.Harness(ENTRY, str(data), env=env, cwd='/')
    return cs.CloudStack(harness, host_details(lab))


def assert_one_document(outcome):
    """Exactly one JSON document and nothing else (stderr would be merged in)."""
    assert outcome.output == '' or json.loads(outcome.output) is not None, outcome
    assert outcome.output.count('\n') == 0, outcome
    assert not outcome.timed_out, outcome


def ok(outcome):
    assert_one_document(outcome)
    assert outcome.rc == 0 and outcome.document['status'] == 'success', outcome
    return outcome


def fails(outcome):
    assert_one_document(outcome)
    assert outcome.rc == 1 and outcome.document['status'] == 'error', outcome
    assert 'Exit code: 1, Output: ' in outcome.details
    return outcome


def untagged_vm(number):
    return cs.VM(number, vm_details=VM_DETAILS)


def test_lifecycle_of_a_vm_with_an_untagged_nic(cloud, lab):
    vm = untagged_vm(101)
    prepared = cloud.prepare(vm)
    assert prepared.rc == 0 and prepared.prepare_patch['details']['External:ctid'].isdigit()
    vm.vm_details['ctid'] = prepared.prepare_patch['details']['External:ctid']
    ok(cloud.create(vm))
    ctid = vm.vm_details['ctid']
    conf = lab.ssh('ovz1', ['cat', '/etc/vz/conf/%s.conf' % ctid]).stdout
    mac = vm.nics[0]['mac'].upper()
    netif = [line for line in conf.splitlines() if line.startswith('NETIF=')][0]
    assert 'NAME="%s"' % vm.name in conf and 'bridge=vmbr0' in netif
    assert 'mac=%s' % mac in netif and 'host_mac=FE%s' % mac[2:] in netif
    veth = 'veth%s.0' % ctid
    assert 'master vmbr0' in lab.ssh('ovz1', ['ip', '-o', 'link', 'show', veth]).stdout
    assert cloud.status(vm).power_state == 'PowerOn'
    assert cloud.statuses().power_states[vm.name] == 'PowerOn'
    ok(cloud.stop(vm))
    assert cloud.status(vm).power_state == 'PowerOff'
    ok(cloud.start(vm))
    ok(cloud.reboot(vm))
    assert cloud.status(vm).power_state == 'PowerOn'
    console = fails(cloud.getconsole(vm))
    assert 'no graphical console' in console.document['error']
    assert vm.vnc_password not in console.output
    ok(cloud.stop(vm, expunge=True))
    ok(cloud.delete(vm))
    assert cloud.status(vm).power_state == 'PowerOff'
    assert vm.name not in cloud.statuses().power_states
    ok(cloud.stop(vm))
    ok(cloud.delete(vm))


def test_snapshots_through_custom_actions(cloud, lab):
    vm = cs.VM(102, vm_details=dict(VM_DETAILS, layout='ploop', diskspace='1G'))
    ok(cloud.create(vm))
    made = ok(cloud.custom('CreateSnapshot', vm, {'snap_name': 'base', 'snap_save_memory': False}))
    listed = ok(cloud.custom('listsnapshots', vm))
    assert listed.document['printmessage'] == 'true'
    assert [row['id'] for row in listed.document['message']] == [made.document['snapshot_id']]
    ok(cloud.custom('restoresnapshot', vm, {'snap_name': 'base'}))
    ok(cloud.custom('deletesnapshot', vm, {'snap_name': 'base'}))
    assert ok(cloud.custom('listsnapshots', vm)).document['message'] == []
    capacity = ok(cloud.custom('HostCapacity', wait=5))
    assert capacity.document['capacity']['containers'] >= 1
    fails(cloud.custom('migrate', vm))
    ok(cloud.delete(vm))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_failed_create_retried_with_stops_and_template_on_demand(cloud, lab, tmp_path):
    source = os.path.join(lab.dir, 'hosts', 'ovz2', 'vz', 'template', 'cache', TEMPLATE + '.tar.gz')
    if not os.path.exists(source):
        source = [os.path.join(root, name) for root, _dirs, names in os.walk(lab.dir)
                  for name in names if name == TEMPLATE + '.tar.gz'][0]
    served = tmp_path / 'www'
    served.mkdir()
    with open(source, 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()

    def handler(*args):
        return _Quiet(*args, directory=str(served))

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    name = 'cs-ondemand-1.0-x86_64'
    vm = cs.VM(103, vm_details={'ostemplate': name, 'layout': 'simfs',
                                'template_url': 'http://127.0.0.1:%d/t.tar.gz' % server.server_port,
                                'template_checksum': 'sha256:%s' % digest})
    host2 = cs.CloudStack(cloud.harness, host_details(lab, 'ovz2'))
    attempts = []
    try:
        first = host2.create(vm)
        attempts.append(first)
        fails(first)
        assert 'Cannot download' in first.document['error']
        ok(host2.stop(vm))
        shutil.copyfile(source, str(served / 't.tar.gz'))
        attempts += host2.deploy(vm)
    finally:
        server.shutdown()
    assert [outcome.action for outcome in attempts] == ['create', 'create']
    ok(attempts[-1])
    cache = lab.ssh('ovz2', ['ls', '/vz/template/cache']).stdout.split()
    assert name + '.tar.gz' in cache and not [item for item in cache if item.endswith('.part')]
    assert host2.status(vm).power_state == 'PowerOn'
    ok(host2.delete(vm))


def test_ten_creates_at_once_then_status_sweeps(cloud, lab):
    vms = [untagged_vm(200 + index) for index in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(cloud.create, vms))
    for outcome in outcomes:
        ok(outcome)
    ctids = [outcome.document['container'] for outcome in outcomes]
    assert len(set(ctids)) == 10
    with ThreadPoolExecutor(max_workers=10) as pool:
        sweep = list(pool.map(cloud.status, vms))
    assert [outcome.power_state for outcome in sweep] == ['PowerOn'] * 10
    states = cloud.statuses().power_states
    assert all(states[vm.name] == 'PowerOn' for vm in vms)
    with ThreadPoolExecutor(max_workers=10) as pool:
        for outcome in pool.map(cloud.delete, vms):
            ok(outcome)
    states = cloud.statuses().power_states
    assert not [vm.name for vm in vms if vm.name in states]
