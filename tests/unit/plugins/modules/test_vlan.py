"""vlan module: CloudStack's modifyvlan.sh steps as exact ip commands, refusals, persistence."""

import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._net import ip
from ansible_collections.openvz.cloud.plugins.modules import vlan

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import OK, Expect, run_module as harness_run  # noqa: E402  pylint: disable=wrong-import-position

IP = '/usr/sbin/ip'
SYSCTL = '/usr/sbin/sysctl'
ADDR = [IP, '-j', '-d', 'addr', 'show']
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'net')
BASE = {'trunk': 'tr0', 'vlan_id': 100, 'persistent': False}
CREATE = [
    [IP, 'link', 'add', 'link', 'tr0', 'name', 'tr0.100', 'type', 'vlan', 'id', '100'],
    [SYSCTL, '-w', 'net.ipv6.conf.tr0/100.disable_ipv6=1'],
    [IP, 'link', 'set', 'dev', 'tr0.100', 'up'],
    [IP, 'link', 'add', 'name', 'brtr0-100', 'type', 'bridge'],
    [SYSCTL, '-w', 'net.ipv6.conf.brtr0-100.disable_ipv6=1'],
    [IP, 'link', 'set', 'dev', 'brtr0-100', 'up'],
    [IP, 'link', 'set', 'dev', 'tr0.100', 'master', 'brtr0-100'],
]


def run_module(*args, **kwargs):
    return harness_run(*args, vz_options=False, **kwargs)


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


TRUNK = (0, fixture_text('vlan-trunk.addr.json'), '')
VLAN_BRIDGE = (0, fixture_text('vlan-bridge.addr.json'), '')


def host_files(disable_ipv6='1\n'):
    """8021q loaded; disable_ipv6 of the VLAN device and bridge."""
    files = {ip.PROC_NET_VLAN_CONFIG: 'VLAN Dev name | VLAN ID\n'}
    for dev in ('tr0.100', 'brtr0-100'):
        files['%s/%s/disable_ipv6' % (ip.PROC_IPV6_CONF, dev)] = disable_ipv6
    return files


def test_creates_what_modifyvlan_creates(monkeypatch, capsys):
    expect = Expect([(ADDR, TRUNK)] + [(argv, OK) for argv in CREATE] + [(ADDR, VLAN_BRIDGE)])
    result = run_module(monkeypatch, capsys, vlan, BASE, expect, files=host_files('0\n'))
    expect.assert_done()
    assert result['changed'] is True and result['commands'] == CREATE
    assert result['vlan'] == {'trunk': 'tr0', 'vlan_id': 100, 'device': 'tr0.100', 'bridge': 'brtr0-100',
                              'device_present': True, 'bridge_present': True, 'ports': ['tr0.100', 'veth101.0'],
                              'mtu': 1500, 'state': 'up'}


def test_loads_8021q_when_missing(monkeypatch, capsys):
    files = host_files('0\n')
    del files[ip.PROC_NET_VLAN_CONFIG]
    expect = Expect([(ADDR, TRUNK), (['/usr/sbin/modprobe', '8021q'], OK)] + [(argv, OK) for argv in CREATE]
                    + [(ADDR, VLAN_BRIDGE)])
    result = run_module(monkeypatch, capsys, vlan, BASE, expect, files=files)
    expect.assert_done()
    assert result['changed'] is True


def test_check_mode_and_diff(monkeypatch, capsys):
    expect = Expect([(ADDR, TRUNK)])
    result = run_module(monkeypatch, capsys, vlan, BASE, expect, check_mode=True, diff=True, files=host_files())
    expect.assert_done()
    assert result['changed'] is True and result['commands'] == CREATE
    assert result['vlan']['ports'] == ['tr0.100']
    assert '"device_present": false' in result['diff'][0]['before']
    assert '"device_present": true' in result['diff'][0]['after']


def test_idempotent(monkeypatch, capsys):
    expect = Expect([(ADDR, VLAN_BRIDGE)])
    result = run_module(monkeypatch, capsys, vlan, BASE, expect, files=host_files())
    expect.assert_done()
    assert result['changed'] is False and result['commands'] == [] and result['vlan']['device_present'] is True


def test_4095_is_skipped(monkeypatch, capsys):
    result = run_module(monkeypatch, capsys, vlan, dict(BASE, vlan_id=4095), Expect([]))
    assert result['changed'] is False and result['skipped'] is True


@pytest.mark.parametrize('args, message', [
    (dict(BASE, vlan_id=0), 'VLAN id 0 is out of range: VLAN ids are 1-4094'),
    (dict(BASE, vlan_id=4096), 'VLAN id 4096 is out of range'),
    (dict(BASE, trunk='eth9'), 'The trunk device eth9 does not exist'),
    (dict(BASE, trunk='enp129s0f0', vlan_id=1000), "'brenp129s0f0-1000'"),
    (dict(BASE, trunk='enp129s0f0np0'), "VLAN device name 'enp129s0f0np0.100'"),
    (dict(BASE, trunk='eth1;reboot'), "use letters, digits, '.', '_' and '-'"),
])
def test_bad_input_changes_nothing(monkeypatch, capsys, args, message):
    expect = Expect([(ADDR, TRUNK)])
    result = run_module(monkeypatch, capsys, vlan, args, expect, files=host_files())
    assert expect.calls in ([], [ADDR]) and result['failed'] is True and message in result['msg']


def test_a_failed_command_fails_with_its_output(monkeypatch, capsys):
    expect = Expect([(ADDR, TRUNK), (CREATE[0], (2, '', 'RTNETLINK answers: Operation not permitted\n')),
                     ([IP, '-j', '-d', 'link', 'show', 'dev', 'tr0.100'], (1, '', 'Device "tr0.100" does not exist.\n'))])
    result = run_module(monkeypatch, capsys, vlan, BASE, expect, files=host_files())
    expect.assert_done()
    assert result['failed'] is True and result['rc'] == 2 and result['cmd'] == CREATE[0]
    assert 'Operation not permitted' in result['msg'] and 'Operation not permitted' in result['stderr']


def test_absent_refuses_with_container_veths(monkeypatch, capsys):
    expect = Expect([(ADDR, VLAN_BRIDGE)])
    result = run_module(monkeypatch, capsys, vlan, dict(BASE, state='absent'), expect)
    expect.assert_done()
    assert 'still has container veths veth101.0' in result['msg']


def test_absent_force(monkeypatch, capsys):
    removal = [[IP, 'link', 'del', 'dev', 'tr0.100'], [IP, 'link', 'set', 'dev', 'brtr0-100', 'down'],
               [IP, 'link', 'del', 'dev', 'brtr0-100']]
    expect = Expect([(ADDR, VLAN_BRIDGE)] + [(argv, OK) for argv in removal] + [(ADDR, TRUNK)])
    result = run_module(monkeypatch, capsys, vlan, dict(BASE, state='absent', force=True), expect)
    expect.assert_done()
    assert result['vlan']['bridge_present'] is False and result['changed'] is True


def test_persistent_ifcfg(monkeypatch, capsys, tmp_path):
    config = tmp_path / 'network-scripts'
    args = dict(BASE, persistent=True, config_system='ifcfg', config_dir=str(config))
    expect = Expect([(ADDR, VLAN_BRIDGE)])
    result = run_module(monkeypatch, capsys, vlan, args, expect, files=host_files())
    expect.assert_done()
    assert result['changed'] is True and result['commands'] == [] and result['config_system'] == 'ifcfg'
    assert sorted(os.listdir(str(config))) == ['ifcfg-brtr0-100', 'ifcfg-tr0.100']
    assert 'VLAN=yes' in (config / 'ifcfg-tr0.100').read_text()
    again = run_module(monkeypatch, capsys, vlan, args, Expect([(ADDR, VLAN_BRIDGE)]), files=host_files())
    assert again['changed'] is False
