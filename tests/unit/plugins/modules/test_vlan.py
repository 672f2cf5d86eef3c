"""vlan module: CloudStack's modifyvlan.sh steps as exact ip commands, refusals, persistence."""

import json
import os
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
from ansible_collections.openvz.cloud.plugins.modules import vlan

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from net_fakes import FakeSys, fixture_text  # noqa: E402  pylint: disable=wrong-import-position

IP = '/sbin/ip'
ADDR = (IP, '-j', '-d', 'addr', 'show')
BASE = {'trunk': 'tr0', 'vlan_id': 100, 'persistent': False}
CREATE = [
    [IP, 'link', 'add', 'link', 'tr0', 'name', 'tr0.100', 'type', 'vlan', 'id', '100'],
    [IP, 'link', 'set', 'dev', 'tr0.100', 'up'],
    [IP, 'link', 'add', 'name', 'brtr0-100', 'type', 'bridge'],
    [IP, 'link', 'set', 'dev', 'brtr0-100', 'up'],
    [IP, 'link', 'set', 'dev', 'tr0.100', 'master', 'brtr0-100'],
]


def run_module(monkeypatch, capsys, tmp_path, args, addr_outputs, fake_sys):
    calls = []
    reads = {'count': 0}

    def run_command(self, argv, data=None, binary_data=False, environ_update=None):
        assert environ_update == {'LC_ALL': 'C', 'LANG': 'C'}
        if tuple(argv) == ADDR:
            reads['count'] += 1
            return 0, addr_outputs[min(reads['count'], len(addr_outputs)) - 1], ''
        calls.append(list(argv))
        fake_sys.apply(list(argv[1:]))
        return 0, '', ''

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return {'ip': IP, 'modprobe': '/sbin/modprobe'}[name]

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    monkeypatch.setattr(net_runtime, 'SYS_CLASS_NET', fake_sys.net)
    monkeypatch.setattr(net_runtime, 'PROC_IPV6_CONF', fake_sys.ipv6)
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path))
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            vlan.main()
    return json.loads(capsys.readouterr().out), calls


TRUNK = fixture_text('vlan-trunk.addr.json')
VLAN_BRIDGE = fixture_text('vlan-bridge.addr.json')


def test_creates_what_modifyvlan_creates(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0')
    result, calls = run_module(monkeypatch, capsys, tmp_path, BASE,
                               [TRUNK, VLAN_BRIDGE], fake)
    assert calls == CREATE
    assert fake.ipv6_value('tr0.100') == '1' and fake.ipv6_value('brtr0-100') == '1'
    assert result['changed'] is True
    assert result['vlan'] == {'trunk': 'tr0', 'vlan_id': 100, 'device': 'tr0.100', 'bridge': 'brtr0-100',
                              'device_present': True, 'bridge_present': True, 'ports': ['tr0.100', 'veth101.0'],
                              'mtu': 1500, 'state': 'up'}


def test_check_mode_and_diff(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0')
    result, calls = run_module(monkeypatch, capsys, tmp_path, dict(BASE, _ansible_check_mode=True, _ansible_diff=True),
                               [TRUNK], fake)
    assert calls == [] and result['changed'] is True
    assert result['commands'][0] == CREATE[0] and result['vlan']['ports'] == ['tr0.100']
    assert '"device_present": false' in result['diff'][0]['before']
    assert '"device_present": true' in result['diff'][0]['after']


def test_idempotent(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0').add('tr0.100', ipv6_disabled=True)
    fake.add('brtr0-100', ipv6_disabled=True, ports=['tr0.100', 'veth101.0'])
    result, calls = run_module(monkeypatch, capsys, tmp_path, BASE, [VLAN_BRIDGE], fake)
    assert calls == [] and result['changed'] is False and result['vlan']['device_present'] is True


def test_4095_is_skipped(monkeypatch, capsys, tmp_path):
    result, calls = run_module(monkeypatch, capsys, tmp_path, dict(BASE, vlan_id=4095), [], FakeSys(tmp_path))
    assert calls == [] and result['changed'] is False and result['skipped'] is True


@pytest.mark.parametrize('args, message', [
    (dict(BASE, vlan_id=0), 'VLAN id 0 is out of range: VLAN ids are 1-4094'),
    (dict(BASE, vlan_id=4096), 'VLAN id 4096 is out of range'),
    (dict(BASE, trunk='eth9'), 'The trunk device eth9 does not exist'),
    (dict(BASE, trunk='enp129s0f0', vlan_id=1000), "'brenp129s0f0-1000'"),
    (dict(BASE, trunk='enp129s0f0np0'), "VLAN device name 'enp129s0f0np0.100'"),
    (dict(BASE, trunk='eth1;reboot'), 'is invalid'),
])
def test_bad_input_changes_nothing(monkeypatch, capsys, tmp_path, args, message):
    fake = FakeSys(tmp_path).add('tr0')
    result, calls = run_module(monkeypatch, capsys, tmp_path, args, [TRUNK], fake)
    assert calls == [] and result['failed'] is True and message in result['msg']


def test_absent_refuses_with_container_veths(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0').add('tr0.100').add('brtr0-100', ports=['tr0.100', 'veth101.0'])
    result, calls = run_module(monkeypatch, capsys, tmp_path, dict(BASE, state='absent'),
                               [VLAN_BRIDGE], fake)
    assert calls == [] and 'still has container veths veth101.0' in result['msg']


def test_absent_force(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0').add('tr0.100').add('brtr0-100', ports=['tr0.100', 'veth101.0'])
    result, calls = run_module(monkeypatch, capsys, tmp_path, dict(BASE, state='absent', force=True),
                               [VLAN_BRIDGE, TRUNK],
                               fake)
    assert calls == [[IP, 'link', 'del', 'dev', 'tr0.100'], [IP, 'link', 'set', 'dev', 'brtr0-100', 'down'],
                     [IP, 'link', 'del', 'dev', 'brtr0-100']]
    assert result['vlan']['bridge_present'] is False and result['changed'] is True


def test_persistent_ifcfg(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('tr0').add('tr0.100', ipv6_disabled=True)
    fake.add('brtr0-100', ipv6_disabled=True, ports=['tr0.100'])
    config = tmp_path / 'network-scripts'
    args = dict(BASE, persistent=True, config_system='ifcfg', config_dir=str(config))
    result, calls = run_module(monkeypatch, capsys, tmp_path, args, [VLAN_BRIDGE], fake)
    assert calls == [] and result['changed'] is True and result['config_system'] == 'ifcfg'
    assert sorted(os.listdir(str(config))) == ['ifcfg-brtr0-100', 'ifcfg-tr0.100']
    assert 'VLAN=yes' in (config / 'ifcfg-tr0.100').read_text()
    again, _calls = run_module(monkeypatch, capsys, tmp_path, args, [VLAN_BRIDGE], fake)
    assert again['changed'] is False
