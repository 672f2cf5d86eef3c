"""Spec validation and the spec-vs-state changes -> the legacy backend's ordered vzctl plan."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import vzlist
from ansible_collections.openvz.cloud.plugins.module_utils._backends.legacy import (
    LegacyBackend, merge_config)
from ansible_collections.openvz.cloud.plugins.module_utils._container import views
from ansible_collections.openvz.cloud.plugins.module_utils._container.ids import ContainerId
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import (
    ContainerManager)
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    SpecError, normalise_spec)

from vz_host import container_params as params, make_host, records

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, fake_runner  # noqa: E402  pylint: disable=wrong-import-position

BRIDGE = (0, json.dumps([{'ifname': 'vmbr0', 'linkinfo': {'info_kind': 'bridge'}}]), '')


@pytest.fixture
def host(tmp_path):
    paths = make_host(tmp_path)
    runner = fake_runner(Expect([(lambda argv: argv[0].endswith('/ip'), BRIDGE)] * 20))
    return LegacyBackend(runner, paths['conf_dir'], paths['vz_conf'])


@pytest.fixture
def current(host):
    containers = vzlist.index_records(records())
    return dict((ctid, merge_config(rec, host.ct_conf(ctid))) for ctid, rec in containers.items())


def plan_container(spec, state, host, ctid):
    manager = ContainerManager(host)
    manager.states = {ContainerId(ctid): state} if state is not None else {}
    spec.resolved = ContainerId(ctid)
    return manager.plan(spec)


def plan_args(plan):
    return [step.display() for step in plan.steps]


# -- validation ----------------------------------------------------------------------------
@pytest.mark.parametrize('kwargs, message', [
    (dict(), 'Give ctid or name'),
    (dict(ctid=101, ostemplate='../etc/passwd'), "without '/' or '..'"),
    (dict(ctid=101, ostemplate='a/b'), "Invalid ostemplate 'a/b'"),
    (dict(ctid=101, ostemplate='centos..7'), "Invalid ostemplate"),
    (dict(ctid=101, ram='12Q'), "unknown suffix 'Q'"),
    (dict(ctid=101, ram='-1G'), 'cannot be negative'),
    (dict(ctid=101, diskspace='-1G'), 'cannot be negative'),
    (dict(ctid=101, diskinodes='1K'), 'non-negative integer'),
    (dict(ctid=101, netifs=[{'ifname': 'eth0', 'mac': '00:18:51:AA:BB'}]), 'Invalid netifs mac of eth0'),
    (dict(ctid=101, netifs=[{'ifname': 'eth0', 'mac': '00-18-51-AA-BB-CC'}]), 'six hex pairs'),
    (dict(ctid=101, netifs=[{'ifname': 'eth0', 'bridge': 'averyverylongbridge'}]),
     "Invalid bridge of eth0 'averyverylongbridge': it is 19 characters"),
    (dict(ctid=101, netifs=[{'ifname': 'eth0'}, {'ifname': 'eth0'}]), "Duplicate ifname 'eth0'"),
    (dict(ctid=101, netifs=[{'ifname': 'eth0,x'}]), "Invalid netifs ifname 'eth0,x'"),
    (dict(ctid=101, hostname='web;rm -rf /'), 'passed literally, never through a shell'),
    (dict(ctid=101, hostname='$(reboot)'), 'Invalid hostname'),
    (dict(ctid=101, description='a "quoted" $x'), 'shell scripts source'),
    (dict(ctid=101, name='bad/name'), 'Invalid name'),
    (dict(ctid=101, ipaddresses=['192.0.2.300']), "Invalid IP address '192.0.2.300'"),
    (dict(ctid=101, ipaddresses=['192.0.2.1/33']), 'Invalid prefix'),
    (dict(ctid=101, features={'warp': True}), "Unknown feature 'warp'"),
    (dict(ctid=101, capabilities={'sys_time': 'maybe'}), 'use on or off'),
    (dict(ctid=101, cpuunits=5), '8..500000'),
    (dict(ctid=101, netifs=[{'ifname': 'eth0', 'vlan': 5000, 'trunk': 'eth1'}]), 'VLAN IDs are 1-4094'),
])
def test_bad_specs(kwargs, message):
    with pytest.raises(SpecError) as info:
        normalise_spec(params(**kwargs))
    assert message in str(info.value)


def test_normalised_units():
    spec = normalise_spec(params(ctid=101, ram='2048M', swap='1000', diskspace='10G:12G',
                                 diskinodes='200000', ipaddresses=['2001:DB8:0::1/64', '192.0.2.1'],
                                 netifs=[{'ifname': 'eth0', 'mac': 'aa:bb:cc:dd:ee:ff'}],
                                 capabilities={'SYS_TIME': 'on'}, features={'nfs': False}))
    # vzctl rounds memory up to whole pages: 1000 bytes is one page
    assert spec['ram_bytes'] == 2 * 1024 ** 3 and spec['swap_bytes'] == 4096
    assert spec['diskspace_kb'] == [10485760, 12582912] and spec['diskinodes'] == [200000, 200000]
    assert spec['ipaddresses'] == ['2001:db8::1/64', '192.0.2.1']
    assert spec['netifs'] == [{'ifname': 'eth0', 'mac': 'AA:BB:CC:DD:EE:FF'}]
    assert spec['capabilities'] == {'sys_time': True} and spec['features'] == {'nfs': False}


# -- diff: existing container --------------------------------------------------------------
@pytest.mark.parametrize('kwargs', [
    dict(ram='1G', swap='512M'), dict(ram='1024M', swap='524288K'), dict(ram='1048576K'),
    dict(diskspace='10G'), dict(diskspace='10485760'), dict(diskspace='10G:10240M'),
    dict(cpus=2, cpuunits=1000, cpulimit=0), dict(hostname='web1.example.org', name='web1'),
    dict(ipaddresses=['2001:db8:0:0::10/64', '192.0.2.10']), dict(nameservers=['192.0.2.53']),
    dict(searchdomains=['example.org']), dict(features={'nfs': 'on'}), dict(capabilities={'SYS_TIME': True}),
    dict(onboot=True), dict(diskinodes='131072:144179'),
    dict(netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}, {'ifname': 'eth1', 'mac': '00:18:51:aa:bb:01'}]),
    dict(state='started'), dict(root_password='secret'),
])
def test_equal_values_are_not_reapplied(host, current, kwargs):
    spec = normalise_spec(params(ctid=2001, **kwargs))
    plan = plan_container(spec, current[2001], host, 2001)
    assert plan.steps == [] and not plan.restart_needed


@pytest.mark.parametrize('kwargs, expected', [
    (dict(ram='2G'), [['set', '2001', '--ram', '2G', '--save']]),
    (dict(ram='1000000000'), [['set', '2001', '--ram', '976564K', '--save']]),
    (dict(swap='0'), [['set', '2001', '--swap', '0', '--save']]),
    (dict(diskspace='20G'), [['set', '2001', '--diskspace', '20G:20G', '--save']]),
    (dict(cpus=4, cpulimit=50), [['set', '2001', '--cpus', '4', '--cpulimit', '50', '--save']]),
    (dict(hostname='a-b.example.org', description='front end'),
     [['set', '2001', '--hostname', 'a-b.example.org', '--description', 'front end', '--save']]),
    (dict(onboot=False), [['set', '2001', '--onboot', 'no', '--save']]),
    (dict(ipaddresses=['192.0.2.11']),
     [['set', '2001', '--ipdel', '192.0.2.10', '--ipdel', '2001:db8::10/64', '--ipadd', '192.0.2.11', '--save']]),
    (dict(nameservers=['192.0.2.54', '192.0.2.53']),
     [['set', '2001', '--nameserver', '192.0.2.54', '--nameserver', '192.0.2.53', '--save']]),
    (dict(name='web2'), [['set', '2001', '--name', 'web2', '--save']]),
    (dict(netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}]), [['set', '2001', '--netif_del', 'eth1', '--save']]),
    (dict(netifs=[{'ifname': 'eth0', 'bridge': 'vmbr1'}, {'ifname': 'eth1'}, {'ifname': 'eth2', 'bridge': 'vmbr0'}]),
     [['set', '2001', '--ifname', 'eth0', '--bridge', 'vmbr1', '--save'],
      ['set', '2001', '--netif_add', 'eth2,,,,vmbr0', '--save']]),
    (dict(netifs=[{'ifname': 'eth0', 'mac': '02:00:00:00:00:01', 'host_ifname': 'veth-web1'},
                  {'ifname': 'eth1'}]),
     [['set', '2001', '--ifname', 'eth0', '--mac', '02:00:00:00:00:01', '--host_ifname', 'veth-web1', '--save']]),
    (dict(netifs=[]), [['set', '2001', '--netif_del', 'eth0', '--save'],
                       ['set', '2001', '--netif_del', 'eth1', '--save']]),
    (dict(state='stopped', cpus=1), [['stop', '2001'], ['set', '2001', '--cpus', '1', '--save']]),
    (dict(state='restarted'), [['restart', '2001']]),
    (dict(state='absent'), [['stop', '2001'], ['destroy', '2001']]),
    (dict(root_password='pw', password_update='always'), [['set', '2001', '--userpasswd', 'root:********']]),
])
def test_running_container_changes(host, current, kwargs, expected):
    spec = normalise_spec(params(ctid=2001, **kwargs))
    plan = plan_container(spec, current[2001], host, 2001)
    assert plan_args(plan) == expected


def test_password_is_in_real_args_only(host, current):
    spec = normalise_spec(params(ctid=2001, root_password='pw', password_update='always'))
    step = plan_container(spec, current[2001], host, 2001).steps[0]
    assert step.argv[-1] == 'root:pw' and step.verb == 'userpasswd'


@pytest.mark.parametrize('restart, expected_steps, needed', [
    (False, [['set', '2001', '--features', 'ppp:on', '--capability', 'net_admin:on', '--save']], True),
    (True, [['set', '2001', '--features', 'ppp:on', '--capability', 'net_admin:on', '--save'],
            ['restart', '2001']], False),
])
def test_restart_needed(host, current, restart, expected_steps, needed):
    spec = normalise_spec(params(ctid=2001, features={'ppp': True, 'nfs': True},
                                 capabilities={'net_admin': True}, restart_if_needed=restart))
    plan = plan_container(spec, current[2001], host, 2001)
    assert plan_args(plan) == expected_steps and plan.restart_needed is needed


def test_stopped_container(host, current):
    spec = normalise_spec(params(ctid=2002, state='started', swap='256M', features={'nfs': True}))
    plan = plan_container(spec, current[2002], host, 2002)
    assert plan_args(plan) == [['set', '2002', '--swap', '256M', '--features', 'nfs:on', '--save'],
                               ['start', '2002']]
    assert not plan.restart_needed
    spec = normalise_spec(params(ctid=2002, state='stopped'))
    assert plan_container(spec, current[2002], host, 2002).steps == []
    spec = normalise_spec(params(ctid=2002, state='absent'))
    assert plan_args(plan_container(spec, current[2002], host, 2002)) == [['destroy', '2002']]
    spec = normalise_spec(params(ctid=2002, state='restarted'))
    assert plan_args(plan_container(spec, current[2002], host, 2002)) == [['start', '2002']]


# -- create ----------------------------------------------------------------------------------
def test_create_full(host):
    spec = normalise_spec(params(
        ctid=3001, name='db1', ostemplate='centos-7-x86_64-minimal', layout='ploop', diskspace='10G',
        hostname='db1.example.org', ipaddresses=['192.0.2.31'], ram='1G', swap='1G', cpus=2,
        nameservers=['192.0.2.53'], onboot=True, netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}],
        root_password='pw', state='started'))
    plan = plan_container(spec, None, host, 3001)
    assert plan_args(plan) == [
        ['create', '3001', '--ostemplate', 'centos-7-x86_64-minimal', '--layout', 'ploop',
         '--hostname', 'db1.example.org', '--name', 'db1', '--diskspace', '10G:10G', '--ipadd', '192.0.2.31'],
        ['set', '3001', '--onboot', 'yes', '--ram', '1G', '--swap', '1G', '--cpus', '2',
         '--nameserver', '192.0.2.53', '--save'],
        ['set', '3001', '--netif_add', 'eth0,,,,vmbr0', '--save'],
        ['set', '3001', '--userpasswd', 'root:********'],
        ['start', '3001'],
    ]
    assert [step.verb for step in plan.steps] == ['create', 'set', 'set', 'userpasswd', 'start']


def test_create_minimal_uses_defaults(host):
    spec = normalise_spec(params(ctid=3002, ostemplate='busybox-1.35-x86_64', layout='simfs'))
    assert plan_args(plan_container(spec, None, host, 3002)) == [
        ['create', '3002', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs']]


@pytest.mark.parametrize('kwargs, message', [
    (dict(ostemplate='debian-12-x86_64'), "OS template 'debian-12-x86_64' not found in "),
    (dict(ostemplate='busybox-1.35-x86_64', config='missing'), 've-missing.conf-sample not found'),
    (dict(ostemplate='busybox-1.35-x86_64', config='noswap', ram='1G', layout='simfs'),
     'ram is set but swap is not set anywhere'),
    (dict(ostemplate='busybox-1.35-x86_64', config='noswap', cpus=1, layout='simfs'),
     'ram is set but swap is not set anywhere'),
])
def test_create_prechecks(host, kwargs, message):
    spec = normalise_spec(params(ctid=3003, **kwargs))
    with pytest.raises(SpecError) as info:
        plan_container(spec, None, host, 3003)
    assert message in str(info.value)


def test_ploop_needs_diskspace(host):
    host.global_conf.pop('CONFIGFILE')
    spec = normalise_spec(params(ctid=3004, ostemplate='busybox-1.35-x86_64'))
    with pytest.raises(SpecError) as info:
        plan_container(spec, None, host, 3004)
    assert 'ploop container needs diskspace' in str(info.value)


def test_create_without_template_anywhere(host):
    host.global_conf.pop('DEF_OSTEMPLATE')
    spec = normalise_spec(params(ctid=3005))
    with pytest.raises(SpecError) as info:
        plan_container(spec, None, host, 3005)
    assert 'give ostemplate to create it' in str(info.value)


def test_absent_missing_is_noop(host):
    spec = normalise_spec(params(ctid=3006, state='absent'))
    assert plan_container(spec, None, host, 3006).steps == []


# -- views -----------------------------------------------------------------------------------
def test_public_and_volume_views(current):
    view = views.public_view(current[2001])
    assert view['ram_bytes'] == 1024 ** 3 and view['ram'] == '1G' and view['swap'] == '512M'
    assert view['diskspace'] == '10G:10G' and view['diskspace_bytes'] == 10 * 1024 ** 3
    assert view['ipaddresses'] == ['192.0.2.10', '2001:db8::10/64']
    assert view['netifs'][0] == {'ifname': 'eth0', 'bridge': 'vmbr0', 'mac': '00:18:51:0A:1B:2C',
                                 'host_ifname': 'veth2001.0', 'host_mac': '00:18:51:3D:4E:5F'}
    assert view['config'] == {'PHYSPAGES': '0:262144', 'SWAPPAGES': '0:131072', 'DISKSPACE': '10485760:10485760',
                              'DISKINODES': '131072:144179', 'CPUUNITS': '1000', 'CPUS': '2'}
    assert views.volume_view(current[2001]) == {
        'path': '/vz/private/2001', 'layout': 'ploop', 'size_limit_bytes': 10 * 1024 ** 3,
        'bytes_used': 512 * 1024 ** 2}


def test_predicted_view(host, current):
    spec = normalise_spec(params(ctid=2002, ram='1G', state='started',
                                 netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}]))
    plan = plan_container(spec, current[2002], host, 2002)
    view = views.predicted_view(spec, plan)
    assert view['status'] == 'running' and view['ram_bytes'] == 1024 ** 3
    assert view['netifs'] == [{'ifname': 'eth0', 'bridge': 'vmbr0'}]


@pytest.mark.parametrize('ctid, message', [
    (0, 'between 101 and 2147483644'), (100, 'IDs up to 100 are reserved'),
    (2147483645, 'Invalid ctid 2147483645'), ('web', 'legacy OpenVZ container IDs are integers'),
])
def test_legacy_ids(host, ctid, message):
    with pytest.raises(SpecError) as info:
        host.check_id(ContainerId(ctid), SpecError)
    assert message in str(info.value)


def test_ram_zero_refused_swap_zero_kept():
    with pytest.raises(SpecError) as info:
        normalise_spec(params(ctid=101, ram='0'))
    assert 'without memory' in str(info.value)
    assert normalise_spec(params(ctid=101, swap='0'))['swap_bytes'] == 0


def test_power_states_is_one_light_vzlist_read(tmp_path):
    paths = make_host(tmp_path)
    listing = '[\n  {\n    "ctid": 101,\n    "name": "web",\n    "status": "running"\n  },\n' \
              '  {\n    "ctid": 102,\n    "name": null,\n    "status": "stopped"\n  },\n' \
              '  {\n    "ctid": 103,\n    "name": "db",\n    "status": "stopped"\n  }\n]\n'
    expect = Expect([(['/usr/sbin/vzlist', '-j', '-a', '-o', 'ctid,name,status'], (0, listing, ''))])
    backend = LegacyBackend(fake_runner(expect), paths['conf_dir'], paths['vz_conf'])
    assert backend.power_states() == {'web': 'running', 'db': 'stopped'}
    expect.assert_done()
