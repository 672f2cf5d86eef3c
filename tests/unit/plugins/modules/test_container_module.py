"""container module: exact vzctl commands per case, check mode, idempotence, errors."""

import json
import os
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.openvz.cloud.plugins.modules import container

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from vz_host import make_host, vzlist_all  # noqa: E402  pylint: disable=wrong-import-position

VZCTL = '/usr/sbin/vzctl'
VZLIST = '/usr/sbin/vzlist'
LIST_ALL = (VZLIST, '-j', '-a')


def run_module(monkeypatch, capsys, args, commands, check_mode=False, diff=False):
    """Run the module; ``commands`` maps argv tuples to (rc, out, err). Returns (result, calls)."""
    calls = []

    def run_command(self, argv, **kwargs):
        assert kwargs['environ_update'] == {'LC_ALL': 'C', 'LANG': 'C'}
        calls.append(list(argv))
        key = tuple(argv)
        assert key in commands, 'unexpected command %r' % (argv,)
        return commands[key]
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None:
                        {'vzctl': VZCTL, 'vzlist': VZLIST}.get(name))
    args = dict(args, command_timeout=0)
    if check_mode:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            container.main()
    return json.loads(capsys.readouterr().out), calls


@pytest.fixture
def host(tmp_path):
    return make_host(tmp_path)


def listed(*ctids):
    records = [rec for rec in json.loads(vzlist_all()) if rec['ctid'] in ctids]
    return (0, json.dumps(records, indent=2) + '\n', '')


OK = (0, '', '')


def test_unchanged_running_container_one_vzlist_call(monkeypatch, capsys, host):
    args = dict(host, ctid=2001, name='web1', ram='1024M', swap='512M', diskspace='10G', cpus=2,
                hostname='web1.example.org', ipaddresses=['192.0.2.10', '2001:db8::10/64'],
                netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}, {'ifname': 'eth1', 'vlan': 100, 'trunk': 'eth1'}],
                state='started')
    from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
    monkeypatch.setattr(net_runtime, 'ensure_vlan_bridge',
                        lambda module, trunk, vlan, bridge=None, check_mode=False: {
                            'changed': False, 'bridge': 'br%s-%s' % (trunk, vlan), 'actions': []})
    result, calls = run_module(monkeypatch, capsys, args, {LIST_ALL: listed(2001, 2002)})
    assert calls == [list(LIST_ALL)]
    assert result['changed'] is False and result['actions'] == [] and result['commands'] == []
    assert result['container']['ctid'] == 2001 and result['container']['ram_bytes'] == 1024 ** 3
    assert result['volume'] == {'path': '/vz/private/2001', 'layout': 'ploop',
                                'size_limit_bytes': 10 * 1024 ** 3, 'bytes_used': 512 * 1024 ** 2}


def test_create_and_start_exact_commands(monkeypatch, capsys, host):
    args = dict(host, ctid=3001, name='db1', ostemplate='busybox-1.35-x86_64', layout='simfs',
                ram='512M', swap='256M', hostname='db1.example.org',
                netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}], root_password='S3cret!', state='started')
    create = (VZCTL, 'create', '3001', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs',
              '--hostname', 'db1.example.org', '--name', 'db1')
    set_mem = (VZCTL, 'set', '3001', '--ram', '512M', '--swap', '256M', '--save')
    netif = (VZCTL, 'set', '3001', '--netif_add', 'eth0,,,,vmbr0', '--save')
    passwd = (VZCTL, 'set', '3001', '--userpasswd', 'root:S3cret!')
    start = (VZCTL, 'start', '3001')
    after = dict(json.loads(vzlist_all())[1], ctid=3001, name='db1', status='running')
    commands = {LIST_ALL: listed(2001, 2002), create: OK, set_mem: OK, netif: OK, passwd: OK, start: OK}
    checked, check_calls = run_module(monkeypatch, capsys, args, commands, check_mode=True)
    assert check_calls == [list(LIST_ALL)]
    assert checked['changed'] is True and checked['actions'] == ['create', 'set', 'set', 'userpasswd', 'start']
    assert checked['container']['status'] == 'running' and checked['container']['ram'] == '512M'

    commands[LIST_ALL] = listed(2001, 2002)
    first = True

    def list_all_twice():
        return listed(2001, 2002) if first else (0, json.dumps([after]), '')
    commands[LIST_ALL] = list_all_twice()
    result, calls = run_module(monkeypatch, capsys, dict(args), dict(commands))
    assert calls == [list(LIST_ALL), list(create), list(set_mem), list(netif), list(passwd), list(start),
                     list(LIST_ALL)]
    assert result['actions'] == checked['actions']
    assert [cmd[1:] for cmd in result['commands']] == [cmd[1:] for cmd in checked['commands']]
    assert 'S3cret!' not in json.dumps(result)
    assert ['set', '3001', '--userpasswd', 'root:********'] in checked['commands']


def test_changes_on_running_container_with_diff(monkeypatch, capsys, host):
    args = dict(host, ctid=2001, ram='2G', ipaddresses=['192.0.2.10', '192.0.2.11'],
                features={'ppp': True})
    set_cmd = (VZCTL, 'set', '2001', '--ram', '2G', '--ipdel', '2001:db8::10/64', '--ipadd', '192.0.2.11',
               '--features', 'ppp:on', '--save')
    result, calls = run_module(monkeypatch, capsys, args, {LIST_ALL: listed(2001, 2002), set_cmd: OK},
                               check_mode=True, diff=True)
    assert calls == [list(LIST_ALL)]
    assert result['changed'] and result['restart_needed'] is True
    assert result['commands'] == [list(set_cmd)[1:]]
    assert result['diff']['before']['ram'] == '1G' and result['diff']['after']['ram'] == '2G'
    assert result['diff']['after']['features'] == {'nfs': True, 'ppp': True}
    assert any('restart' in str(warning) for warning in result['warnings'])


def test_find_by_name_and_destroy(monkeypatch, capsys, host):
    commands = {LIST_ALL: listed(2001, 2002), (VZCTL, 'stop', '2001', '--fast'): OK, (VZCTL, 'destroy', '2001'): OK}
    result, calls = run_module(monkeypatch, capsys, dict(host, name='web1', state='absent', force=True), commands)
    assert calls[1:3] == [[VZCTL, 'stop', '2001', '--fast'], [VZCTL, 'destroy', '2001']]
    assert result['actions'] == ['stop', 'destroy'] and result['container'] == {}


def test_allocates_lowest_free_ctid_under_lock(monkeypatch, capsys, host, tmp_path):
    (tmp_path / 'etc' / 'vz' / 'conf' / '101.conf').write_text(u'')
    args = dict(host, name='new1', ostemplate='busybox-1.35-x86_64', layout='simfs', ctid_range=[101, 200])
    create = (VZCTL, 'create', '102', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs', '--name', 'new1')
    result, _calls = run_module(monkeypatch, capsys, args, {LIST_ALL: listed(2001), create: OK})
    assert result['ctid'] == 102 and result['actions'] == ['create']
    assert (tmp_path / 'vz' / 'lock' / 'openvz.cloud-ctid.lck').exists()


@pytest.mark.parametrize('extra, message', [
    (dict(ctid=100), 'IDs up to 100 are reserved'),
    (dict(ctid=3001, ostemplate='nope-1'), "OS template 'nope-1' not found"),
    (dict(ctid=3001, ostemplate='../../etc'), "without '/' or '..'"),
    (dict(ctid=3001, ram='12Q', ostemplate='busybox-1.35-x86_64'), "unknown suffix 'Q'"),
    (dict(ctid=3001, ostemplate='busybox-1.35-x86_64', config='noswap', ram='1G', layout='simfs'),
     'ram is set but swap is not set anywhere'),
    (dict(ctid=2002, name='web1'), "Name 'web1' is already used by container 2001"),
    (dict(ctid=3001, hostname='x;reboot', ostemplate='busybox-1.35-x86_64'), 'Invalid hostname'),
])
def test_bad_input_runs_no_vzctl(monkeypatch, capsys, host, extra, message):
    result, calls = run_module(monkeypatch, capsys, dict(host, **extra), {LIST_ALL: listed(2001, 2002)})
    assert result['failed'] is True and message in result['msg']
    assert all(call[0] != VZCTL for call in calls)


def test_vzctl_failure_reports_meaning(monkeypatch, capsys, host):
    start = (VZCTL, 'start', '2002')
    err = 'Container start failed (try to check kernel messages, e.g. "dmesg | tail")\n'
    result, _calls = run_module(monkeypatch, capsys, dict(host, ctid=2002, state='started'),
                                {LIST_ALL: listed(2001, 2002), start: (47, '', err)})
    assert result['failed'] and result['rc'] == 47 and result['stderr'] == err
    assert result['msg'].startswith('vzctl start 2002 failed with rc 47 (broken container')
    assert result['cmd'] == list(start)


def test_stop_timeout_then_force(monkeypatch, capsys, host):
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: '/usr/bin/' + name)
    calls = []
    responses = {('/usr/bin/vzlist', '-j', '-a'): listed(2001),
                 ('/usr/bin/timeout', '--kill-after=10', '5', '/usr/bin/vzctl', 'stop', '2001'): (124, '', ''),
                 ('/usr/bin/timeout', '--kill-after=10', '600', '/usr/bin/vzctl', 'stop', '2001', '--fast'): OK}

    def run_command(self, argv, **kwargs):
        calls.append(list(argv))
        return responses[tuple(argv)]
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    args = dict(host, ctid=2001, state='stopped', stop_timeout=5, force=True, _ansible_check_mode=False)
    responses[('/usr/bin/timeout', '--kill-after=10', '600', '/usr/bin/vzlist', '-j', '-a')] = listed(2001)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            container.main()
    result = json.loads(capsys.readouterr().out)
    assert result['actions'] == ['stop']
    assert calls[1][-2:] == ['stop', '2001'] and calls[2][-3:] == ['stop', '2001', '--fast']


def test_tagged_nic_bridge_made_first(monkeypatch, capsys, host):
    seen = []

    def ensure(module, trunk, vlan, bridge=None, check_mode=False):
        seen.append((trunk, vlan, check_mode))
        return {'changed': True, 'bridge': 'br%s-%s' % (trunk, vlan), 'actions': ['add bridge']}
    from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
    monkeypatch.setattr(net_runtime, 'ensure_vlan_bridge', ensure)
    args = dict(host, ctid=2002, state='started', netifs=[{'ifname': 'eth0', 'vlan': 100, 'trunk': 'eth1'}])
    add = (VZCTL, 'set', '2002', '--netif_add', 'eth0,,,,breth1-100', '--save')
    commands = {LIST_ALL: listed(2001, 2002), add: OK, (VZCTL, 'start', '2002'): OK}
    checked, calls = run_module(monkeypatch, capsys, args, commands, check_mode=True)
    assert checked['actions'] == ['vlan_bridge', 'set', 'start'] and calls == [list(LIST_ALL)]
    result, calls = run_module(monkeypatch, capsys, args, commands)
    assert result['actions'] == checked['actions']
    assert calls[1:3] == [list(add), [VZCTL, 'start', '2002']]
    assert seen == [('eth1', 100, True), ('eth1', 100, False)]


def test_vlan_bridge_name_too_long(monkeypatch, capsys, host):
    args = dict(host, ctid=2002, netifs=[{'ifname': 'eth0', 'vlan': 1000, 'trunk': 'enp129s0f0'}])
    result, calls = run_module(monkeypatch, capsys, args, {LIST_ALL: listed(2001, 2002)})
    assert result['failed'] and 'brenp129s0f0-1000' in result['msg'] and calls == []
