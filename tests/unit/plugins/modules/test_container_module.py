"""container module: exact ordered commands per case, check mode, idempotence, errors."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.modules import container

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from cmd_harness import OK, Expect, run_legacy  # noqa: E402  pylint: disable=wrong-import-position
from vz_host import make_host, vzlist_all  # noqa: E402  pylint: disable=wrong-import-position

VZCTL = '/usr/sbin/vzctl'
LIST_ALL = ['/usr/sbin/vzlist', '-j', '-a']
IP = '/usr/sbin/ip'


def listed(*ctids, **changes):
    records = [dict(rec, **changes) for rec in json.loads(vzlist_all()) if rec['ctid'] in ctids]
    return (0, json.dumps(records, indent=2) + '\n', '')


def link_query(name):
    return lambda argv: argv[0] == IP and '-j' in argv and argv[-1] == name


def link(name, kind=None, master=None):
    item = {'ifname': name, 'flags': ['UP'], 'operstate': 'UP'}
    if kind:
        item['linkinfo'] = {'info_kind': kind}
    if master:
        item['master'] = master
    return (0, json.dumps([item]), '')


NO_LINK = (1, '', 'Device "x" does not exist.\n')


@pytest.fixture
def host(tmp_path):
    return make_host(tmp_path)


def test_unchanged_running_container_is_one_vzlist_call(monkeypatch, capsys, host):
    args = dict(host, ctid=2001, name='web1', ram='1024M', swap='512M', diskspace='10G', cpus=2,
                hostname='web1.example.org', ipaddresses=['192.0.2.10', '2001:db8::10/64'],
                netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'},
                        {'ifname': 'eth1', 'vlan': 100, 'trunk': 'eth1'}], state='started')
    from ansible_collections.openvz.cloud.plugins.module_utils._net import vlans
    monkeypatch.setattr(vlans, 'ensure_vlan_bridge', lambda runner, trunk, vlan, check_mode=False: {
        'changed': False, 'bridge': 'br%s-%s' % (trunk, vlan)})
    expect = Expect([(LIST_ALL, listed(2001, 2002))])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    expect.assert_done()
    assert result['changed'] is False and result['actions'] == [] and result['commands'] == []
    assert result['container']['ctid'] == 2001 and result['container']['ram_bytes'] == 1024 ** 3
    assert result['volume'] == {'path': '/vz/private/2001', 'layout': 'ploop',
                                'size_limit_bytes': 10 * 1024 ** 3, 'bytes_used': 512 * 1024 ** 2}


def test_create_and_start_exact_commands(monkeypatch, capsys, host, tmp_path):
    args = dict(host, ctid=3001, name='db1', ostemplate='busybox-1.35-x86_64', layout='simfs',
                ram='512M', swap='256M', hostname='db1.example.org',
                netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}], root_password='S3cret!',
                state='started')
    create = [VZCTL, 'create', '3001', '--ostemplate', 'busybox-1.35-x86_64', '--layout',
              'simfs', '--hostname', 'db1.example.org', '--name', 'db1']
    set_mem = [VZCTL, 'set', '3001', '--ram', '512M', '--swap', '256M', '--save']
    netif = [VZCTL, 'set', '3001', '--netif_add', 'eth0,,,,vmbr0', '--save']
    passwd = [VZCTL, 'set', '3001', '--userpasswd', 'root:S3cret!']
    start = [VZCTL, 'start', '3001']
    checked = run_legacy(monkeypatch, capsys, container, args, Expect([
        (LIST_ALL, listed(2001, 2002)), (link_query('vmbr0'), link('vmbr0', 'bridge'))]),
        check_mode=True)
    assert checked['changed'] is True
    assert checked['actions'] == ['create', 'set', 'set', 'userpasswd', 'start']
    assert checked['container']['status'] == 'running' and checked['container']['ram'] == '512M'
    assert ['set', '3001', '--userpasswd', 'root:********'] in checked['commands']

    conf = tmp_path / 'etc' / 'vz' / 'conf' / '3001.conf'

    def started(argv, data):
        conf.write_text('NETIF="ifname=eth0,bridge=vmbr0,host_ifname=veth3001.0"\n')
        return OK
    after = dict(json.loads(vzlist_all())[1], ctid=3001, name='db1', status='running')
    expect = Expect([(LIST_ALL, listed(2001, 2002)), (link_query('vmbr0'), link('vmbr0', 'bridge')),
                     (create, OK), (set_mem, OK), (netif, OK), (passwd, OK), (start, started),
                     (link_query('veth3001.0'), link('veth3001.0', 'veth', 'vmbr0')),
                     (LIST_ALL, (0, json.dumps([after]), ''))])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    expect.assert_done()
    assert result['actions'] == checked['actions'] and result['commands'] == checked['commands']
    assert 'S3cret!' not in json.dumps(result)


def test_start_refused_when_the_bridge_is_missing(monkeypatch, capsys, host):
    args = dict(host, ctid=2002, state='started', netifs=[{'ifname': 'eth0', 'bridge': 'nobr0'}])
    expect = Expect([(LIST_ALL, listed(2001, 2002)), (link_query('nobr0'), NO_LINK)])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    expect.assert_done()
    assert result['failed'] and "the bridge 'nobr0' of NIC eth0 does not exist" in result['msg']


def test_start_fails_when_the_veth_stays_out_of_its_bridge(monkeypatch, capsys, host, tmp_path):
    conf = tmp_path / 'etc' / 'vz' / 'conf' / '2002.conf'
    conf.write_text(conf.read_text() + 'NETIF="ifname=eth0,bridge=vmbr0,host_ifname=veth2002.0"\n')
    expect = Expect([(LIST_ALL, listed(2001, 2002)), (link_query('vmbr0'), link('vmbr0', 'bridge')),
                     ([VZCTL, 'start', '2002'], (0, 'bridge vmbr0 does not exist!\n', '')),
                     (link_query('veth2002.0'), link('veth2002.0', 'veth'))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, ctid=2002, state='started'),
                        expect)
    expect.assert_done()
    assert result['failed'] and 'veth2002.0 of its NIC eth0 is not in bridge vmbr0' in result['msg']
    assert result['results'][0]['actions'] == ['start'] and result['changed'] is True


def test_changes_on_running_container_with_diff(monkeypatch, capsys, host):
    args = dict(host, ctid=2001, ram='2G', ipaddresses=['192.0.2.10', '192.0.2.11'],
                features={'ppp': True})
    set_cmd = [VZCTL, 'set', '2001', '--ram', '2G', '--ipdel', '2001:db8::10/64', '--ipadd',
               '192.0.2.11', '--features', 'ppp:on', '--save']
    result = run_legacy(monkeypatch, capsys, container, args,
                        Expect([(LIST_ALL, listed(2001, 2002))]), check_mode=True, diff=True)
    assert result['changed'] and result['restart_needed'] is True
    assert result['commands'] == [set_cmd[1:]]
    assert result['diff']['before']['ram'] == '1G' and result['diff']['after']['ram'] == '2G'
    assert result['diff']['after']['features'] == {'nfs': True, 'ppp': True}
    assert any('restart' in str(warning) for warning in result['warnings'])


def test_ploop_disk_limit_compared_with_the_config_not_vzlist(monkeypatch, capsys, host, tmp_path):
    """vzlist reports a ploop CT's filesystem size (below the config); DISKSPACE is the truth."""
    conf = tmp_path / 'etc' / 'vz' / 'conf' / '2001.conf'
    conf.write_text(conf.read_text().replace('DISKSPACE="10485760:10485760"',
                                             'DISKSPACE="2097152:2306867"'))
    fs_size = {'usage': 524288, 'softlimit': 2062160, 'hardlimit': 2062160}
    expect = Expect([(LIST_ALL, listed(2001, diskspace=fs_size))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, ctid=2001, diskspace='2G:2.2G'),
                        expect)
    expect.assert_done()
    assert result['changed'] is False and result['commands'] == []
    assert result['volume']['size_limit_bytes'] == 2306867 * 1024


def test_decimal_sizes_truncate_like_vzctl(monkeypatch, capsys, host):
    expect = Expect([(LIST_ALL, listed(2002))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, ctid=2002, diskspace='2G:2.3G'),
                        expect, check_mode=True)
    # 2.3 x 1048576 = 2411724.8 KB -> 2411724 KB
    assert result['commands'] == [['set', '2002', '--diskspace', '2G:2411724K', '--save']]


def test_find_by_name_and_destroy(monkeypatch, capsys, host):
    expect = Expect([(LIST_ALL, listed(2001, 2002)), ([VZCTL, 'stop', '2001', '--fast'], OK),
                     ([VZCTL, 'destroy', '2001'], OK)])
    result = run_legacy(monkeypatch, capsys, container,
                        dict(host, name='web1', state='absent', force=True), expect)
    expect.assert_done()
    assert result['actions'] == ['stop', 'destroy'] and result['container'] == {}


def test_allocates_lowest_free_ctid_under_lock(monkeypatch, capsys, host, tmp_path):
    (tmp_path / 'etc' / 'vz' / 'conf' / '101.conf').write_text(u'')
    args = dict(host, name='new1', ostemplate='busybox-1.35-x86_64', layout='simfs',
                ctid_range=[101, 200])
    create = [VZCTL, 'create', '102', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs',
              '--name', 'new1']
    expect = Expect([(LIST_ALL, listed(2001)), (create, OK), (LIST_ALL, listed(2001))])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    expect.assert_done()
    assert result['ctid'] == 102 and result['actions'] == ['create']
    assert (tmp_path / 'vz' / 'lock' / 'openvz.cloud-ctid.lck').exists()


@pytest.mark.parametrize('extra, message', [
    (dict(ctid=100), 'IDs up to 100 are reserved'),
    (dict(ctid='0f5c7a1e-1d2b-4c3d-8e9f-0a1b2c3d4e5f'), 'legacy OpenVZ container IDs are integers'),
    (dict(ctid=3001, ostemplate='nope-1'), "OS template 'nope-1' not found"),
    (dict(ctid=3001, ostemplate='../../etc'), "without '/' or '..'"),
    (dict(ctid=3001, ram='12Q', ostemplate='busybox-1.35-x86_64'), "unknown suffix 'Q'"),
    (dict(ctid=3001, ram='0', swap='0', ostemplate='busybox-1.35-x86_64'), 'ram 0 would leave'),
    (dict(ctid=3001, ostemplate='busybox-1.35-x86_64', config='noswap', ram='1G', layout='simfs'),
     'ram is set but swap is not set anywhere'),
    (dict(ctid=2002, name='web1'), "Name 'web1' is already used by container 2001"),
    (dict(ctid=3001, hostname='x;reboot', ostemplate='busybox-1.35-x86_64'), 'Invalid hostname'),
])
def test_bad_input_runs_no_vzctl(monkeypatch, capsys, host, extra, message):
    expect = Expect([(LIST_ALL, listed(2001, 2002))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, **extra), expect)
    assert result['failed'] is True and message in result['msg']
    assert all(call[0] != VZCTL for call in expect.calls)


def test_vzctl_failure_reports_meaning(monkeypatch, capsys, host):
    err = 'Container start failed (try to check kernel messages, e.g. "dmesg | tail")\n'
    expect = Expect([(LIST_ALL, listed(2001, 2002)), ([VZCTL, 'start', '2002'], (47, '', err))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, ctid=2002, state='started'),
                        expect)
    assert result['failed'] and result['rc'] == 47 and result['stderr'] == err
    assert result['msg'].startswith('vzctl start 2002 failed with rc 47 (broken container')
    assert result['cmd'] == [VZCTL, 'start', '2002']


def test_locked_container_says_retry(monkeypatch, capsys, host):
    err = 'Locked by: pid 4242, cmdline vzctl start 2002\nContainer already locked\n'
    expect = Expect([(LIST_ALL, listed(2001, 2002)), ([VZCTL, 'start', '2002'], (9, '', err))])
    result = run_legacy(monkeypatch, capsys, container, dict(host, ctid=2002, state='started'),
                        expect)
    assert result['rc'] == 9 and 'locked by another vzctl command' in result['msg']
    assert 'Locked by: pid 4242' in result['msg']


def test_stop_timeout_then_force(monkeypatch, capsys, host):
    expect = Expect([
        (LIST_ALL, listed(2001)),
        (['/usr/sbin/timeout', '--kill-after=10', '5', VZCTL, 'stop', '2001'], (124, '', '')),
        (['/usr/sbin/timeout', '--kill-after=10', '600', VZCTL, 'stop', '2001', '--fast'], OK),
        (LIST_ALL, listed(2001, status='stopped'))], strip_timeout=False)
    wrapped = Expect([(['/usr/sbin/timeout', '--kill-after=10', '600'] + LIST_ALL,
                       listed(2001))] + expect.entries[1:3] +
                     [(['/usr/sbin/timeout', '--kill-after=10', '600'] + LIST_ALL,
                       listed(2001, status='stopped'))], strip_timeout=False)
    result = run_legacy(monkeypatch, capsys, container,
                        dict(host, ctid=2001, state='stopped', stop_timeout=5, force=True,
                             command_timeout=600), wrapped)
    wrapped.assert_done()
    assert result['actions'] == ['stop'] and result['container']['status'] == 'stopped'


def test_tagged_nic_bridge_made_first(monkeypatch, capsys, host):
    seen = []

    def ensure(runner, trunk, vlan, check_mode=False):
        seen.append((trunk, vlan, check_mode))
        return {'changed': True, 'bridge': 'br%s-%s' % (trunk, vlan)}
    from ansible_collections.openvz.cloud.plugins.module_utils._net import vlans
    monkeypatch.setattr(vlans, 'ensure_vlan_bridge', ensure)
    args = dict(host, ctid=2002, state='started',
                netifs=[{'ifname': 'eth0', 'vlan': 100, 'trunk': 'eth1'}])
    add = [VZCTL, 'set', '2002', '--netif_add', 'eth0,,,,breth1-100', '--save']
    checked = run_legacy(monkeypatch, capsys, container, args,
                         Expect([(LIST_ALL, listed(2001, 2002))]), check_mode=True)
    assert checked['actions'] == ['vlan_bridge', 'set', 'start']
    conf = host['conf_dir'] + '/2002.conf'

    def added(argv, data):
        with open(conf, 'a') as handle:
            handle.write('NETIF="ifname=eth0,bridge=breth1-100,host_ifname=veth2002.0"\n')
        return OK
    expect = Expect([(LIST_ALL, listed(2001, 2002)), (add, added), ([VZCTL, 'start', '2002'], OK),
                     (link_query('veth2002.0'), link('veth2002.0', 'veth', 'breth1-100')),
                     (LIST_ALL, listed(2001, 2002))])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    assert result['actions'] == checked['actions'], result.get('msg')
    assert seen == [('eth1', 100, True), ('eth1', 100, False)]


def test_vlan_bridge_name_too_long(monkeypatch, capsys, host):
    args = dict(host, ctid=2002, netifs=[{'ifname': 'eth0', 'vlan': 1000, 'trunk': 'enp129s0f0'}])
    expect = Expect([])
    result = run_legacy(monkeypatch, capsys, container, args, expect)
    assert result['failed'] and 'brenp129s0f0-1000' in result['msg'] and expect.calls == []
