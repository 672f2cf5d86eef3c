"""The vz7 backend through the manager: exact ordered prlctl / vzctl 7 commands per case.

The host is the emulator's real output (vz7_host): web1 (UUID, running, ploop, DISKSPACE
10G while vzlist shows the smaller filesystem, NICs eth0 in bridge vmbr0 and eth1 on the
Bridged network) and 101 (vzctl create 101 --name db1, stopped).
"""

import json
import os
import re
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._backends import select_backend
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import Plan
from ansible_collections.openvz.cloud.plugins.module_utils._backends.vz7 import Vz7Backend
from ansible_collections.openvz.cloud.plugins.module_utils._container.ids import ContainerId
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import (
    ContainerManager, ConvergeError)
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    SpecError, normalise_spec)
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

from vz7_host import DB1_UUID, WEB1, fixture, make_vz7_host, reply
from vz_host import container_params as params

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import OK, Expect, fake_runner  # noqa: E402  pylint: disable=wrong-import-position

PRLCTL = '/usr/sbin/prlctl'
VZCTL = '/usr/sbin/vzctl'
LIST = ['/usr/sbin/vzlist', '-j', '-a']
NETS = ['/usr/sbin/prlsrvctl', 'net', 'list', '-j']
NEW = '3b7e1c2d-4a5f-4b6c-9d8e-7f6a5b4c3d2e'
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def bridge_link(argv):
    return (0, json.dumps([{'ifname': argv[-1], 'linkinfo': {'info_kind': 'bridge'}}]), '')


IP_LINK = (lambda argv: argv[0].endswith('/ip'), lambda argv, data: bridge_link(argv))


@pytest.fixture
def host(tmp_path):
    return make_vz7_host(tmp_path)


def listing(*extra):
    """vzlist -a -j of the fixture host plus ``extra`` records."""
    records = json.loads(fixture('vzlist', 'all.json')) + list(extra)
    return (0, json.dumps(records, indent=2) + '\n', '')


def new_record(ctid, name, **changes):
    record = dict(json.loads(fixture('vzlist', 'all.json'))[1], ctid=ctid, name=name,
                  private='/vz/private/%s' % ctid, root='/vz/root/%s' % ctid)
    record.update(changes)
    return record


def converge(host, entries, check_mode=False, **kwargs):
    expect = Expect([(LIST, listing())] + list(entries))
    backend = Vz7Backend(fake_runner(expect), host['conf_dir'], host['vz_conf'])
    manager = ContainerManager(backend, check_mode=check_mode)
    results = manager.after_views(manager.converge([normalise_spec(params(**kwargs))]))
    expect.assert_done()
    return results[0]


def planned(host, *extra, **kwargs):
    """The commands check mode plans, with ``extra`` entries answered first."""
    return converge(host, extra, check_mode=True, **kwargs)['commands']


# -- create ----------------------------------------------------------------------------------
CREATE_ARGS = dict(name='web2', ostemplate='centos-7-x86_64', ram='1G', swap='512M', cpus=2,
                   hostname='web2.example.org', diskspace='20G', state='started')


def test_create_by_name_then_addressed_by_name_and_reported_by_uuid(host):
    commands = [
        [PRLCTL, 'create', 'web2', '--vmtype', 'ct', '--ostemplate', 'centos-7-x86_64'],
        [PRLCTL, 'set', 'web2', '--hostname', 'web2.example.org', '--memsize', '1024',
         '--swappages', '131072', '--cpus', '2'],
        [PRLCTL, 'set', 'web2', '--device-set', 'hdd0', '--size', '20G'],
        [PRLCTL, 'start', 'web2']]
    checked = converge(host, [], check_mode=True, **CREATE_ARGS)
    assert checked['commands'] == [[os.path.basename(argv[0])] + argv[1:] for argv in commands]
    assert checked['actions'] == ['create', 'set', 'set', 'start'] and str(checked['ctid']) == 'web2'
    after = listing(new_record(NEW, 'web2', status='running'))
    result = converge(host, [(argv, OK) for argv in commands] + [(LIST, after)], **CREATE_ARGS)
    assert result['commands'] == checked['commands']
    assert result['ctid'] == ContainerId(NEW) and result['after']['name'] == 'web2'


def test_create_by_name_and_uuid_keeps_the_uuid(host):
    args = dict(ctid=NEW.upper(), name='web2', ostemplate='centos-7-x86_64', cpus=2)
    assert planned(host, **args) == [
        ['prlctl', 'create', 'web2', '--vmtype', 'ct', '--ostemplate', 'centos-7-x86_64', '--uuid', NEW],
        ['prlctl', 'set', NEW, '--cpus', '2']]


def test_create_with_a_numeric_id_is_vzctl_and_prlctl_finds_it_by_name(host):
    assert planned(host, ctid=102, name='db2', ostemplate='centos-7-x86_64', cpus=1) == [
        ['vzctl', 'create', '102', '--ostemplate', 'centos-7-x86_64', '--name', 'db2'],
        ['prlctl', 'set', 'db2', '--cpus', '1']]


def test_simfs_from_a_legacy_cache_is_vzctl_create_with_a_new_uuid(host):
    commands = planned(host, name='old1', ostemplate='old-1.0-x86_64', layout='simfs',
                       diskspace='1G:1.1G')
    created = commands[0][2]
    assert UUID_RE.match(created)
    assert commands == [
        ['vzctl', 'create', created, '--ostemplate', 'old-1.0-x86_64', '--layout', 'simfs', '--name', 'old1'],
        ['vzctl', 'set', created, '--diskspace', '1G:1153433K', '--save']]


@pytest.mark.parametrize('kwargs, message', [
    (dict(ostemplate='old-1.0-x86_64'), 'is a legacy precreated cache (old-1.0-x86_64.tar*)'),
    (dict(ostemplate='old-1.0-x86_64', layout='ploop'), 'Use layout: simfs, or install the EZ'),
    (dict(ostemplate='centos-7-x86_64', layout='simfs'), 'has only a ploop cache'),
    (dict(ostemplate='debian-12-x86_64'), 'neither installed as an EZ template'),
    (dict(ostemplate='centos-7-x86_64', capabilities={'net_admin': True}),
     'capabilities do not exist on OpenVZ 7/9'),
    (dict(ostemplate='centos-7-x86_64', ram='1000000000'), 'not a whole number of MiB'),
    (dict(ostemplate='centos-7-x86_64', config='nosuch'), 've-nosuch.conf-sample not found'),
    (dict(ctid=102, ostemplate='centos-7-x86_64', name=None), 'give name too'),
    (dict(ctid=NEW, ostemplate='centos-7-x86_64', name=None), None),
])
def test_create_refused_before_any_change(host, kwargs, message):
    """Only the list read runs: the refusal comes from the plan."""
    kwargs = dict(dict(name='web2'), **kwargs)
    if message is None:  # a UUID without a name: vzctl create <uuid>, no refusal
        assert planned(host, **kwargs) == [['vzctl', 'create', NEW, '--ostemplate', 'centos-7-x86_64']]
        return
    with pytest.raises(SpecError) as info:
        converge(host, [], **kwargs)
    assert message in str(info.value)


def test_a_ctid_that_is_a_name_names_the_new_container(host):
    assert planned(host, ctid='new one', ostemplate='centos-7-x86_64', name=None) == [
        ['prlctl', 'create', 'new one', '--vmtype', 'ct', '--ostemplate', 'centos-7-x86_64']]


# -- update of each mapped setting (web1 runs, 101 is stopped) -------------------------------
@pytest.mark.parametrize('kwargs, expected', [
    (dict(ram='2G'), [[PRLCTL, 'set', WEB1, '--memsize', '2048']]),
    (dict(swap='1G'), [[PRLCTL, 'set', WEB1, '--swappages', '262144']]),
    (dict(cpus=4, cpuunits=2000, cpulimit=50),
     [[PRLCTL, 'set', WEB1, '--cpus', '4', '--cpuunits', '2000', '--cpulimit', '50']]),
    (dict(name='web9', hostname='w.example.org', description='back end'),
     [[PRLCTL, 'set', WEB1, '--name', 'web9', '--hostname', 'w.example.org', '--description',
       'back end']]),
    (dict(onboot=False), [[PRLCTL, 'set', WEB1, '--autostart', 'off']]),
    (dict(nameservers=['192.0.2.54', '192.0.2.53'], searchdomains=['a.example', 'b.example']),
     [[PRLCTL, 'set', WEB1, '--nameserver', '192.0.2.54 192.0.2.53', '--searchdomain',
       'a.example b.example']]),
    (dict(features={'ppp': True, 'nfs': False}), [[PRLCTL, 'set', WEB1, '--features', 'nfs:off,ppp:on']]),
    (dict(diskspace='20G'), [[PRLCTL, 'set', WEB1, '--device-set', 'hdd0', '--size', '20G']]),
    (dict(diskspace='10G:12G'), [[VZCTL, 'set', WEB1, '--diskspace', '10G:12G', '--save']]),
    (dict(diskinodes='800000'), [[VZCTL, 'set', WEB1, '--diskinodes', '800000:800000', '--save']]),
    (dict(ipaddresses=['192.0.2.10', '192.0.2.11']),
     [[VZCTL, 'set', WEB1, '--ipdel', '2001:db8::10/64', '--ipadd', '192.0.2.11', '--save']]),
    (dict(root_password='pw', password_update='always'),
     [[PRLCTL, 'set', WEB1, '--userpasswd', 'root:pw']]),
])
def test_each_setting_of_a_running_container(host, kwargs, expected):
    result = converge(host, [(argv, OK) for argv in expected] + [(LIST, listing())], ctid=WEB1,
                      **kwargs)
    assert result['changed'] and 'pw' not in json.dumps(result['commands'])


EQUAL = dict(ram='1G', swap='512M', cpus=2, cpuunits=1000, cpulimit=0, hostname='web1.example.org',
             description='front end', onboot=True, nameservers=['192.0.2.53'],
             searchdomains=['example.org'], features={'nfs': True}, diskspace='10G',
             ipaddresses=['2001:db8::10/64', '192.0.2.10'], root_password='pw', state='started',
             netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0', 'mac': '00:1c:42:0a:1b:2c'},
                     {'ifname': 'eth1', 'network': 'Bridged'}])


@pytest.mark.parametrize('address', [WEB1, '{%s}' % WEB1.upper(), 'web1'])
def test_equal_values_are_not_reapplied(host, address):
    """DISKSPACE comes from the config (vzlist shows the smaller filesystem of the image)."""
    result = converge(host, [], ctid=address, **EQUAL)
    assert result['commands'] == [] and result['ctid'] == ContainerId(WEB1)


def test_numeric_container_prlctl_by_uuid_vzctl_by_ctid(host):
    assert planned(host, ctid=101, cpus=2, diskinodes='700000', state='started') == [
        ['prlctl', 'set', DB1_UUID, '--cpus', '2'],
        ['vzctl', 'set', '101', '--diskinodes', '700000:700000', '--save'], ['prlctl', 'start', DB1_UUID]]
    assert planned(host, name='db1', onboot=False) == [['prlctl', 'set', DB1_UUID, '--autostart', 'off']]
    # its UUID addresses it too (read from its config: vzlist shows the number)
    assert planned(host, ctid='{%s}' % DB1_UUID, cpus=3) == [['prlctl', 'set', DB1_UUID, '--cpus', '3']]


@pytest.mark.parametrize('kwargs, message', [
    (dict(capabilities={'sys_time': True}), 'capabilities do not exist on OpenVZ 7/9'),
    (dict(ram='1536K'), 'not a whole number of MiB'),
    (dict(ram='unlimited'), 'not a whole number of MiB'),
])
def test_update_refused(host, kwargs, message):
    with pytest.raises(SpecError) as info:
        converge(host, [], ctid=WEB1, **kwargs)
    assert message in str(info.value)


# -- NICs ------------------------------------------------------------------------------------
ETH0 = {'ifname': 'eth0', 'bridge': 'vmbr0'}
ETH1 = {'ifname': 'eth1', 'network': 'Bridged'}


@pytest.mark.parametrize('nics, expected', [
    ([ETH0], [['vzctl', 'set', WEB1, '--netif_del', 'eth1', '--save']]),
    ([dict(ETH0, bridge='vmbr1'), ETH1],
     [['vzctl', 'set', WEB1, '--ifname', 'eth0', '--nettype', 'bridge', '--network', 'vmbr1', '--save']]),
    ([ETH0, ETH1, {'ifname': 'eth2', 'bridge': 'vmbr0', 'mac': '02:00:00:00:00:02',
                   'host_mac': 'fe:00:00:00:00:02'}],
     [['vzctl', 'set', WEB1, '--netif_add', 'eth2,02:00:00:00:00:02,,FE:00:00:00:00:02', '--save'],
      ['vzctl', 'set', WEB1, '--ifname', 'eth2', '--nettype', 'bridge', '--network', 'vmbr0', '--save']]),
    ([ETH0, dict(ETH1, mac='02:00:00:00:00:01', host_ifname='veth-web1b')],
     [['vzctl', 'set', WEB1, '--ifname', 'eth1', '--mac', '02:00:00:00:00:01', '--host_ifname',
       'veth-web1b', '--save']]),
    # a NIC moving from a network to a bridge is added again with its MACs and host name
    ([ETH0, {'ifname': 'eth1', 'bridge': 'vmbr0'}],
     [['vzctl', 'set', WEB1, '--netif_del', 'eth1', '--save'],
      ['vzctl', 'set', WEB1, '--netif_add', 'eth1,00:18:51:26:65:94,veth51266594,00:18:51:C3:BA:5F', '--save'],
      ['vzctl', 'set', WEB1, '--ifname', 'eth1', '--nettype', 'bridge', '--network', 'vmbr0', '--save']]),
    ([], [['vzctl', 'set', WEB1, '--netif_del', 'eth0', '--save'],
          ['vzctl', 'set', WEB1, '--netif_del', 'eth1', '--save']]),
])
def test_nics_by_bridge(host, nics, expected):
    """web1 runs: the bridges its NICs end in are checked first (one ip call per bridge)."""
    bridges = set(nic['bridge'] for nic in nics if nic.get('bridge'))
    assert planned(host, *([IP_LINK] * len(bridges)), ctid=WEB1, netifs=nics) == expected


def test_nic_on_a_virtual_network_checks_the_network_first(host):
    nics = [ETH0, ETH1, {'ifname': 'eth2', 'network': 'Host-Only'}]
    assert planned(host, (NETS, reply('prlsrvctl', 'net-list.json')), IP_LINK, ctid=WEB1,
                   netifs=nics) == [
        ['vzctl', 'set', WEB1, '--netif_add', 'eth2', '--save'],
        ['vzctl', 'set', WEB1, '--ifname', 'eth2', '--network', 'Host-Only', '--save']]
    with pytest.raises(SpecError) as info:
        planned(host, (NETS, reply('prlsrvctl', 'net-list.json')), ctid=WEB1,
                netifs=[ETH0, ETH1, {'ifname': 'eth2', 'network': 'vlan100'}])
    assert 'virtual network vlan100 does not exist' in str(info.value)
    assert 'Bridged, Host-Only' in str(info.value)


def test_started_nic_must_be_in_its_bridge(host):
    """After the start the host end must be in the bridge (from NETIF of the config)."""
    veth = {'ifname': 'veth-web1', 'linkinfo': {'info_kind': 'veth'}, 'master': 'vmbr0'}
    result = converge(host, [IP_LINK, ([PRLCTL, 'restart', WEB1], OK),
                             (lambda argv: argv[-1] == 'veth-web1', (0, json.dumps([veth]), '')),
                             (LIST, listing())], ctid=WEB1, state='restarted',
                      netifs=[ETH0, ETH1])
    assert result['actions'] == ['restart']


# -- power, destroy --------------------------------------------------------------------------
@pytest.mark.parametrize('kwargs, expected', [
    (dict(ctid=WEB1, state='stopped'), [['prlctl', 'stop', WEB1]]),
    (dict(ctid=WEB1, state='stopped', force=True), [['prlctl', 'stop', WEB1, '--kill']]),
    (dict(ctid=WEB1, state='restarted', netifs=[ETH0, ETH1]), [['prlctl', 'restart', WEB1]]),
    (dict(ctid=101, state='started'), [['prlctl', 'start', DB1_UUID]]),
    (dict(ctid=101, state='restarted'), [['prlctl', 'start', DB1_UUID]]),
    (dict(name='web1', state='absent'), [['prlctl', 'stop', WEB1], ['prlctl', 'delete', WEB1]]),
    (dict(name='web1', state='absent', force=True),
     [['prlctl', 'stop', WEB1, '--kill'], ['prlctl', 'delete', WEB1]]),
    (dict(ctid=101, state='absent'), [['prlctl', 'delete', DB1_UUID]]),
    (dict(name='nosuch', state='absent'), []),
])
def test_power_and_destroy(host, kwargs, expected):
    links = [IP_LINK] if kwargs.get('netifs') else []
    assert planned(host, *links, **kwargs) == expected


def test_stop_timeout_then_kill(host):
    expect = Expect([
        (['/usr/sbin/timeout', '--kill-after=10', '5', PRLCTL, 'stop', WEB1], (124, '', '')),
        ([PRLCTL, 'stop', WEB1, '--kill'], (0, 'Stopping the CT...\nThe CT has been forcibly stopped\n', '')),
    ], strip_timeout=False)
    backend = Vz7Backend(fake_runner(expect))
    plan = Plan(ContainerId(WEB1))
    backend.plan_power(plan, 'stop', dict(force=True, stop_timeout=5))
    manager = ContainerManager(backend)
    manager._run_step(plan.steps[0])  # pylint: disable=protected-access
    expect.assert_done()


# -- failures --------------------------------------------------------------------------------
def test_vzctl_exit_code_is_explained_with_vzctl7_codes(host):
    err = 'Conflict: name web1 already used by container %s\n' % WEB1
    with pytest.raises(ConvergeError) as info:
        converge(host, [([VZCTL, 'set', '101', '--diskinodes', '1:1', '--save'], (137, '', err))],
                 ctid=101, diskinodes='1')
    assert info.value.error.msg == ('vzctl set 101 failed with rc 137 (container name error): '
                                    'Conflict: name web1 already used by container %s' % WEB1)


def test_prlctl_failure_keeps_prlctl_message_without_vzctl_meaning(host):
    err = 'Failed to start the CT: Unable to start the container: broken /sbin/init\n'
    with pytest.raises(ConvergeError) as info:
        converge(host, [([PRLCTL, 'start', DB1_UUID], (1, 'Starting the CT...\n', err))],
                 ctid=101, state='started')
    error = info.value.error
    assert error.meaning is None and error.rc == 1
    assert error.msg == 'prlctl start %s failed with rc 1: %s' % (DB1_UUID, err.strip())


@pytest.mark.parametrize('argv, rc, err, holder', [
    ([VZCTL, 'set', WEB1, '--diskinodes', '1:1', '--save'], 9,
     'Locked by: pid 4242, cmdline vzctl set\nContainer already locked\n',
     'another vzctl command (rc 9, container locked)'),
    ([PRLCTL, 'set', WEB1, '--cpus', '1'], 1,
     'Failed to configure the CT: Container already locked\n', 'another operation (prlctl rc 1)'),
])
def test_locked_container_says_retry(host, argv, rc, err, holder):
    kwargs = dict(diskinodes='1') if argv[0] == VZCTL else dict(cpus=1)
    with pytest.raises(ConvergeError) as info:
        converge(host, [(argv, (rc, '', err))], ctid=WEB1, **kwargs)
    assert 'the container is locked by %s; retry when it has finished' % holder in info.value.msg
    assert 'Container already locked' in info.value.msg


# -- snapshots, reads, exec ------------------------------------------------------------------
def test_snapshots(host):
    listed = [VZCTL, 'snapshot-list', WEB1, '-H', '-o', 'uuid,parent_uuid,current,date,name,desc']
    expect = Expect([(listed, reply('vzctl', 'snapshot-list.txt'))])
    backend = Vz7Backend(fake_runner(expect), host['conf_dir'], host['vz_conf'])
    [snapshot] = backend.list_snapshots(ContainerId(WEB1))
    assert snapshot['id'] == '5b2e9a1c-3d4f-4e5a-8b6c-7d8e9f0a1b2c' and snapshot['current']
    assert (snapshot['name'], snapshot['description']) == ('before upgrade', 'pre yum')
    plan = Plan(ContainerId(WEB1))
    guid = '{5b2e9a1c-3d4f-4e5a-8b6c-7d8e9f0a1b2c}'
    backend.plan_snapshot_create(plan, guid, name='n 1', description='d', save_memory=False)
    backend.plan_snapshot_switch(plan, guid)
    backend.plan_snapshot_switch(plan, guid, resume=False)
    backend.plan_snapshot_delete(plan, guid)
    assert [step.argv for step in plan.steps] == [
        [VZCTL, 'snapshot', WEB1, '--id', guid, '--name', 'n 1', '--description', 'd', '--skip-suspend'],
        [PRLCTL, 'snapshot-switch', WEB1, '--id', guid],
        [PRLCTL, 'snapshot-switch', WEB1, '--id', guid, '--skip-resume'],
        [PRLCTL, 'snapshot-delete', WEB1, '--id', guid]]
    assert backend.snapshot_support({'layout': 'ploop'}) is None
    assert 'only for ploop containers' in backend.snapshot_support({'layout': 'simfs', 'ctid': 1})


@pytest.mark.parametrize('rc, out, err, power', [
    (0, fixture('prlctl', 'status-web1.txt'), '', 'running'),
    (0, 'CT web1 exist stopped\n', '', 'stopped'),
    (0, fixture('prlctl', 'status-nosuch.txt'), '', None),
    (1, '', 'Failed to get VM config: The virtual machine could not be found.\n', None),
])
def test_power_by_name(rc, out, err, power):
    expect = Expect([([PRLCTL, 'status', 'web1'], (rc, out, err))])
    assert Vz7Backend(fake_runner(expect)).power_by_name('web1') == power


def test_power_by_name_other_failure_raises():
    expect = Expect([([PRLCTL, 'status', 'web1'], (1, '', 'Failed to get the handle\n'))])
    with pytest.raises(CommandError) as info:
        Vz7Backend(fake_runner(expect)).power_by_name('web1')
    assert 'Failed to get the handle' in info.value.msg


def test_reads_host_veths_and_exec(host):
    expect = Expect([([PRLCTL, 'list', '-i', '-j', 'web1'], reply('prlctl', 'list-info-web1.json'))])
    backend = Vz7Backend(fake_runner(expect), host['conf_dir'], host['vz_conf'])
    assert backend.host_veths(ContainerId(WEB1)) == {'eth0': 'veth-web1', 'eth1': 'veth51266594'}
    assert backend.host_veths(ContainerId('web1')) == {'eth0': 'veth-web1', 'eth1': 'veth51266594'}
    assert backend.exec_argv(ContainerId(WEB1), ['ls', '-l']) == [
        PRLCTL, 'exec', WEB1, '--without-shell', 'ls', '-l']


def test_states_config_truth_and_aliases(host):
    backend = Vz7Backend(fake_runner(Expect([(LIST, listing())])), host['conf_dir'], host['vz_conf'])
    states = backend.read_containers()
    assert sorted(str(key) for key in states) == ['0f5c7a1e-1d2b-4c3d-8e9f-0a1b2c3d4e5f', '101']
    web1 = backend.complete(states[ContainerId(WEB1)])
    assert web1['diskspace_kb'] == [10485760, 10485760] and web1['ostemplate'] == 'centos-7-x86_64'
    assert web1['netifs'] == [
        {'ifname': 'eth0', 'mac': '00:1C:42:0A:1B:2C', 'host_mac': 'FE:1C:42:0A:1B:2C',
         'host_ifname': 'veth-web1', 'bridge': 'vmbr0'},
        {'ifname': 'eth1', 'mac': '00:18:51:26:65:94', 'host_mac': '00:18:51:C3:BA:5F',
         'host_ifname': 'veth51266594', 'network': 'Bridged'}]
    assert web1['ram_bytes'] == 1024 ** 3 and web1['uuid'] == WEB1 and web1['capabilities'] == {}
    db1 = backend.complete(states[ContainerId(101)])
    states[ContainerId(101)] = db1
    assert backend.locate(ContainerId(DB1_UUID), states) == ContainerId(101)
    assert backend.locate(ContainerId('db1'), states) == ContainerId(101)
    assert backend.locate(ContainerId('nosuch'), states) is None
    with pytest.raises(SpecError) as info:
        backend.check_id(ContainerId('a/b'), SpecError)
    assert 'UUID, its numeric ID or its name' in str(info.value)


def test_select_backend_picks_vz7_where_prlctl_is(host):
    runner = fake_runner(Expect([]))
    assert select_backend(runner).name == 'vz7'
    assert select_backend(runner, 'vz7').allocates_numeric_ids is False
