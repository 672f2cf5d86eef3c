"""container, containers and container_info on an OpenVZ 7/9 host.

First with exact ordered commands against the emulator's recorded outputs (vz7_host),
then against the emulator itself: check mode, diff, a real run, a second run that changes
nothing, the info module and removal, all through the modules' main().
"""

import json
import os
import subprocess
import sys

import pytest

from ansible.module_utils import basic
from ansible_collections.openvz.cloud.plugins.module_utils import _runner
from ansible_collections.openvz.cloud.plugins.modules import container, container_info, containers

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from cmd_harness import OK, Expect, run_module  # noqa: E402  pylint: disable=wrong-import-position
from emulated_host import EZ_TEMPLATE, emulator_env, vz7_root  # noqa: E402  pylint: disable=wrong-import-position
from vz7_host import DB1_UUID, WEB1, make_vz7_host, reply  # noqa: E402  pylint: disable=wrong-import-position

LIST = ['/usr/sbin/vzlist', '-j', '-a']
LISTED = reply('vzlist', 'all.json')


@pytest.fixture
def host(tmp_path):
    return make_vz7_host(tmp_path)


def run(monkeypatch, capsys, module, args, entries, **kwargs):
    expect = Expect([(LIST, LISTED)] + list(entries))
    result = run_module(monkeypatch, capsys, module, args, expect, **kwargs)
    expect.assert_done()
    return result


def test_change_in_check_mode_with_diff(monkeypatch, capsys, host):
    result = run(monkeypatch, capsys, container, dict(host, ctid=WEB1, ram='2G', features={'ppp': True}),
                 [], check_mode=True, diff=True)
    assert result['changed'] and result['ctid'] == WEB1 and result['restart_needed'] is True
    assert result['commands'] == [['prlctl', 'set', WEB1, '--memsize', '2048', '--features', 'ppp:on']]
    assert result['diff']['before']['ram'] == '1G' and result['diff']['after']['ram'] == '2G'
    assert result['diff']['after']['features'] == {'nfs': True, 'ppp': True}
    assert result['container']['diskspace'] == '10G:10G'
    assert any('restart' in str(warning) for warning in result['warnings'])


def test_unchanged_container_is_one_vzlist_call(monkeypatch, capsys, host):
    args = dict(host, name='web1', ram='1G', swap='512M', cpus=2, diskspace='10G', onboot=True,
                hostname='web1.example.org', ipaddresses=['192.0.2.10', '2001:db8::10/64'],
                netifs=[{'ifname': 'eth0', 'bridge': 'vmbr0'}, {'ifname': 'eth1', 'network': 'Bridged'}],
                state='started')
    result = run(monkeypatch, capsys, container, args, [])
    assert result['changed'] is False and result['commands'] == [] and result['ctid'] == WEB1
    assert result['volume']['size_limit_bytes'] == 10 * 1024 ** 3
    assert [nic.get('bridge') or nic.get('network') for nic in result['container']['netifs']] == [
        'vmbr0', 'Bridged']


def test_create_refused_before_any_change(monkeypatch, capsys, host):
    result = run(monkeypatch, capsys, container, dict(host, name='old1', ostemplate='old-1.0-x86_64'), [])
    assert result['failed'] and 'Use layout: simfs' in result['msg']


def test_containers_touch_only_what_differs(monkeypatch, capsys, host):
    args = dict(host, containers=[dict(name='web1', cpus=2), dict(ctid='101', state='started')],
                parallel=1)
    result = run(monkeypatch, capsys, containers, args,
                 [(['/usr/sbin/prlctl', 'start', DB1_UUID], OK), (LIST, LISTED)])
    assert result['actions'] == {'101': ['start']}
    assert [item['ctid'] for item in result['containers']] == [WEB1, 101]


@pytest.mark.parametrize('filters, ctids', [
    ({}, [101, WEB1]), ({'ctid': ['{%s}' % WEB1.upper()]}, [WEB1]), ({'ctid': ['db1']}, [101]),
    ({'name': ['web*']}, [WEB1]), ({'status': ['stopped']}, [101]),
])
def test_container_info_reads_uuids_and_numbers(monkeypatch, capsys, host, filters, ctids):
    result = run(monkeypatch, capsys, container_info, dict(host, **filters), [])
    assert [item['ctid'] for item in result['containers']] == ctids
    web = [item for item in result['containers'] if item['ctid'] == WEB1]
    if web:
        assert web[0]['capabilities'] == {} and web[0]['ostemplate'] == 'centos-7-x86_64'
        assert result['volumes'][ctids.index(WEB1)]['size_limit_bytes'] == 10 * 1024 ** 3


# -- against the emulator --------------------------------------------------------------------
def on_emulator(monkeypatch, root):
    """The modules' commands run the emulated host's tools; its files are read under root."""
    env = emulator_env(root)

    def run_command(self, argv, data=None, binary_data=False, environ_update=None, **_kwargs):
        proc = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(env, **(environ_update or {})), check=False)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def get_bin_path(self, name, required=False, opt_dirs=None):
        path = os.path.join(root, 'usr', 'sbin', name)
        return path if os.path.exists(path) else None

    def rooted(method):
        return lambda self, path: method(self, os.path.join(root, path.lstrip('/')))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    monkeypatch.setattr(_runner.ModuleRunner, 'read_file', rooted(_runner.ModuleRunner.read_file))
    monkeypatch.setattr(_runner.ModuleRunner, 'list_dir', rooted(_runner.ModuleRunner.list_dir))


def main_of(monkeypatch, capsys, module, args, check_mode=False, diff=False):
    from ansible.module_utils.testing import patch_module_args
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, command_timeout=0)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def test_converges_an_emulated_openvz7_host(monkeypatch, capsys, tmp_path):
    root = vz7_root(str(tmp_path / 'host'))
    on_emulator(monkeypatch, root)
    args = dict(name='app1', ostemplate=EZ_TEMPLATE, ram='512M', swap='256M', diskspace='2G',
                cpus=2, hostname='app1.example.org', nameservers=['192.0.2.53'],
                ipaddresses=['192.0.2.20'], onboot=False, features={'nfs': True},
                netifs=[{'ifname': 'eth0', 'network': 'Bridged'}], root_password='S3cret!',
                state='started')
    checked = main_of(monkeypatch, capsys, container, args, check_mode=True, diff=True)
    assert checked['changed'] and checked['ctid'] == 'app1'
    assert checked['diff']['before'] == {} and checked['diff']['after']['status'] == 'running'
    assert not os.listdir(os.path.join(root, 'vz', 'private'))
    result = main_of(monkeypatch, capsys, container, args, diff=True)
    assert result['commands'] == checked['commands'] and 'S3cret!' not in json.dumps(result)
    uuid = result['ctid']
    assert len(uuid) == 36 and result['container']['status'] == 'running'
    assert result['container']['ram'] == '512M' and result['container']['diskspace'] == '2G:2G'
    assert result['container']['nameservers'] == ['192.0.2.53'] and result['container']['onboot'] is False
    assert result['container']['netifs'][0]['network'] == 'Bridged'
    again = main_of(monkeypatch, capsys, container, dict(args, ostemplate=None), diff=True)
    assert again['changed'] is False and again['commands'] == [] and again['ctid'] == uuid
    info = main_of(monkeypatch, capsys, container_info, dict(ctid=['app1']))
    assert [item['ctid'] for item in info['containers']] == [uuid]
    assert info['volumes'][0]['size_limit_bytes'] == 2 * 1024 ** 3
    many = main_of(monkeypatch, capsys, containers, dict(containers=[dict(name='app1', cpus=1)]))
    assert many['actions'] == {uuid: ['set']}
    gone = main_of(monkeypatch, capsys, container, dict(ctid=uuid, state='absent'))
    assert gone['commands'] == [['prlctl', 'stop', uuid], ['prlctl', 'delete', uuid]]
    assert main_of(monkeypatch, capsys, container_info, {})['containers'] == []
