"""vlan module: CloudStack's modifyvlan.sh steps as exact ip commands, refusals, persistence."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._net import ip
from ansible_collections.openvz.cloud.plugins.modules import vlan

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import LEGACY_HOST_MISSING, OK, Expect, run_module as harness_run  # noqa: E402  pylint: disable=wrong-import-position

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
    """On a legacy host unless ``missing_bins`` says otherwise."""
    kwargs.setdefault('missing_bins', LEGACY_HOST_MISSING)
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
                              'network': None, 'device_present': True, 'bridge_present': True, 'ports': ['tr0.100', 'veth101.0'],
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


# -- OpenVZ 7/9: the bridged virtual network bound to the VLAN bridge -------------------
PRLSRVCTL = '/usr/sbin/prlsrvctl'
NET_LIST = [PRLSRVCTL, 'net', 'list', '-j']
DEFAULT_NETS = [{'Network ID': 'Bridged', 'Type': 'bridged', 'Bound To': 'eth0', 'Bridge': 'br0'},
                {'Network ID': 'Host-Only', 'Type': 'host-only', 'Bound To': 'virbr1', 'Bridge': 'virbr1'}]
VLAN_NET = {'Network ID': 'brtr0-100', 'Type': 'bridged', 'Bound To': 'brtr0-100', 'Bridge': 'brtr0-100'}


def nets(*items):
    return (0, json.dumps(list(items)), '')


def run_vz7(*args, **kwargs):
    return run_module(*args, missing_bins=(), **kwargs)


def test_vz7_adds_a_bridged_network_bound_to_the_bridge(monkeypatch, capsys):
    add = [PRLSRVCTL, 'net', 'add', 'brtr0-100', '-i', 'brtr0-100', '-t', 'bridged']
    expect = Expect([(ADDR, TRUNK), (NET_LIST, nets(*DEFAULT_NETS))] + [(argv, OK) for argv in CREATE]
                    + [(NET_LIST, nets(*DEFAULT_NETS)), (add, OK), (ADDR, VLAN_BRIDGE),
                       (NET_LIST, nets(*(DEFAULT_NETS + [VLAN_NET])))])
    result = run_vz7(monkeypatch, capsys, vlan, BASE, expect, files=host_files('0\n'))
    expect.assert_done()
    assert result['commands'] == CREATE + [add]
    assert result['actions'][-1] == 'add virtual network brtr0-100'
    assert result['vlan']['network'] == 'brtr0-100' and result['changed'] is True


def test_vz7_check_mode_plans_the_network(monkeypatch, capsys):
    expect = Expect([(ADDR, TRUNK), (NET_LIST, nets(*DEFAULT_NETS)), (NET_LIST, nets(*DEFAULT_NETS))])
    result = run_vz7(monkeypatch, capsys, vlan, dict(BASE, network='guest-100'), expect, check_mode=True,
                     diff=True, files=host_files())
    expect.assert_done()
    assert result['commands'][-1] == [PRLSRVCTL, 'net', 'add', 'guest-100', '-i', 'brtr0-100', '-t', 'bridged']
    assert result['vlan']['network'] == 'guest-100' and '"network": null' in result['diff'][0]['before']


def test_vz7_network_bound_to_the_bridge_is_kept_whatever_its_name(monkeypatch, capsys):
    mine = dict(VLAN_NET, **{'Network ID': 'guest-100'})
    expect = Expect([(ADDR, VLAN_BRIDGE)] + [(NET_LIST, nets(*(DEFAULT_NETS + [mine])))] * 2)
    result = run_vz7(monkeypatch, capsys, vlan, BASE, expect, files=host_files())
    expect.assert_done()
    assert result['changed'] is False and result['commands'] == [] and result['vlan']['network'] == 'guest-100'


def test_vz7_network_name_taken_elsewhere_is_refused(monkeypatch, capsys):
    expect = Expect([(ADDR, VLAN_BRIDGE)] + [(NET_LIST, nets(*DEFAULT_NETS))] * 2)
    result = run_vz7(monkeypatch, capsys, vlan, dict(BASE, network='Bridged'), expect, files=host_files())
    expect.assert_done()
    assert result['failed'] is True
    assert 'The virtual network Bridged exists but is bound to eth0, not to brtr0-100' in result['msg']


def test_vz7_absent_deletes_the_network_first(monkeypatch, capsys):
    removal = [[PRLSRVCTL, 'net', 'del', 'brtr0-100'], [IP, 'link', 'del', 'dev', 'tr0.100'],
               [IP, 'link', 'set', 'dev', 'brtr0-100', 'down'], [IP, 'link', 'del', 'dev', 'brtr0-100']]
    listed = nets(*(DEFAULT_NETS + [VLAN_NET]))
    expect = Expect([(ADDR, VLAN_BRIDGE), (NET_LIST, listed), (NET_LIST, listed)]
                    + [(argv, OK) for argv in removal] + [(ADDR, TRUNK), (NET_LIST, nets(*DEFAULT_NETS))])
    result = run_vz7(monkeypatch, capsys, vlan, dict(BASE, state='absent', force=True), expect)
    expect.assert_done()
    assert result['commands'] == removal
    assert result['actions'][0] == 'delete virtual network brtr0-100' and result['vlan']['network'] is None


def test_network_option_on_a_legacy_host_is_an_error(monkeypatch, capsys):
    expect = Expect([(ADDR, TRUNK)])
    result = run_module(monkeypatch, capsys, vlan, dict(BASE, network='guest-100'), expect, files=host_files())
    assert result['failed'] is True and 'virtual networks are an OpenVZ 7/9 concept' in result['msg']
