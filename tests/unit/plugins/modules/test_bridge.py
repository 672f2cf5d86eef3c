"""bridge module: arguments in, exact ip commands and files out (ip -j fixtures captured in netns)."""

import json
import os
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
from ansible_collections.openvz.cloud.plugins.modules import bridge

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from net_fakes import FakeSys, fixture_text  # noqa: E402  pylint: disable=wrong-import-position

IP = '/sbin/ip'
ADDR = (IP, '-j', '-d', 'addr', 'show')
ROUTE = (IP, '-j', 'route', 'show')
BATCH = (IP, '-batch', '-')


def state(name):
    """ip outputs of one captured namespace state."""
    return {ADDR: (0, fixture_text('%s.addr.json' % name), ''), ROUTE: (0, fixture_text('%s.route.json' % name), '')}


def run_module(monkeypatch, capsys, tmp_path, args, states, fake_sys=None, failures=None, environ=None):
    """Run bridge.main(). ``states``: ip outputs before and after the change (list of dicts).

    Returns (result, calls, batch inputs); calls exclude the two read queries.
    """
    fake_sys = fake_sys or FakeSys(tmp_path)
    calls, batches = [], []
    reads = {'count': 0}
    failures = failures or {}

    def run_command(self, argv, data=None, binary_data=False, environ_update=None):
        assert environ_update == {'LC_ALL': 'C', 'LANG': 'C'}
        argv = tuple(argv)
        if argv in (ADDR, ROUTE):
            current = states[min(reads['count'] // 2, len(states) - 1)]
            reads['count'] += 1
            return current[argv]
        calls.append(list(argv))
        if data is not None:
            batches.append(data)
        return failures.get(argv, (0, '', ''))

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, opt_dirs=None: IP)
    monkeypatch.setattr(net_runtime, 'SYS_CLASS_NET', fake_sys.net)
    monkeypatch.setattr(net_runtime, 'PROC_IPV6_CONF', fake_sys.ipv6)
    monkeypatch.setattr(bridge.os, 'environ', environ or {})
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            bridge.main()
    return json.loads(capsys.readouterr().out), calls, batches


MOVE = {'name': 'cloudbr0', 'ports': ['eth0'], 'address': '198.18.0.2/24', 'gateway': '198.18.0.1',
        'stp': False, 'forward_delay': 0, 'persistent': False}
MOVE_BATCH = ('addr add 198.18.0.2/24 dev cloudbr0\n'
              'link set dev eth0 master cloudbr0\n'
              'route replace default via 198.18.0.1 dev cloudbr0\n'
              'addr del 198.18.0.2/24 dev eth0\n')


def test_move_management_address_in_one_batch(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path)
    fake.add('cloudbr0')  # appears when ip link add runs; the fake kernel does not create it
    result, calls, batches = run_module(monkeypatch, capsys, tmp_path, MOVE,
                                        [state('nic-with-address'), state('bridge-with-veth')], fake)
    assert calls == [
        [IP, 'link', 'add', 'name', 'cloudbr0', 'address', '52:54:00:12:34:56', 'type', 'bridge',
         'stp_state', '0', 'forward_delay', '0'],
        [IP, 'link', 'set', 'dev', 'cloudbr0', 'up'],
        list(BATCH),
    ]
    assert batches == [MOVE_BATCH]
    assert fake.ipv6_value('cloudbr0') == '1'
    assert result['changed'] is True
    assert result['actions'] == ['add bridge cloudbr0', 'disable ipv6 on cloudbr0', 'set cloudbr0 up',
                                 'move 198.18.0.2/24 from eth0 to cloudbr0']
    assert result['bridge']['addresses'] == ['198.18.0.2/24'] and result['bridge']['gateway'] == '198.18.0.1'


def test_move_check_mode_runs_nothing_and_predicts(monkeypatch, capsys, tmp_path):
    args = dict(MOVE, _ansible_check_mode=True, _ansible_diff=True)
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state('nic-with-address')])
    assert calls == [] and result['changed'] is True
    assert result['bridge']['ports'] == ['eth0'] and result['bridge']['addresses'] == ['198.18.0.2/24']
    assert result['commands'][-1] == [IP, '-batch', '-'] + MOVE_BATCH.splitlines()
    assert result['diff'][0]['before'] == '' and '"198.18.0.2/24"' in result['diff'][0]['after']


def test_second_run_changes_nothing(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('cloudbr0', ipv6_disabled=True)
    args = dict(MOVE, mtu=1400)
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state('bridge-with-veth')], fake)
    assert calls == [] and result['changed'] is False and result['actions'] == []
    assert result['bridge']['ports'] == ['eth0', 'veth101.0']


def test_failed_move_is_rolled_back(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('cloudbr0')
    result, calls, batches = run_module(monkeypatch, capsys, tmp_path, MOVE, [state('nic-with-address')], fake,
                                        failures={BATCH: (1, '', 'Command failed -:3\nError: Nexthop has invalid gateway.')})
    assert result['failed'] is True
    assert 'ip -batch failed' in result['msg'] and 'rolled back: eth0 keeps 198.18.0.2/24' in result['msg']
    assert calls[-1] == [IP, '-force', '-batch', '-']
    assert batches[-1] == ('link set dev eth0 nomaster\naddr add 198.18.0.2/24 dev eth0\n'
                           'route replace default via 198.18.0.1 dev eth0\naddr del 198.18.0.2/24 dev cloudbr0\n')


@pytest.mark.parametrize('args, fixture, message', [
    (dict(MOVE, gateway=None), 'nic-with-address',
     'The default route goes via eth0 (gateway 198.18.0.1), which becomes a port of cloudbr0: give gateway:'),
    (dict(MOVE, address=None, gateway=None), 'nic-with-address',
     'Port eth0 carries 198.18.0.2/24: enslaving it to cloudbr0 would cut traffic'),
    (dict(MOVE, ports=['eth1']), 'nic-with-address',
     'Address 198.18.0.2 is on eth0, which is not a new port of cloudbr0'),
    (dict(MOVE, ports=['eth7']), 'nic-with-address', 'Port eth7 of bridge cloudbr0 does not exist'),
    (dict(MOVE, gateway=None), 'nic-two-addresses', 'eth0 also carries 198.18.7.2/24, which address: does not move'),
    (dict(MOVE, name='br2', ports=['eth0']), 'bridge-with-veth', 'eth0 is already a port of cloudbr0'),
    (dict(MOVE, name='eth1', ports=[]), 'nic-with-address', 'eth1 exists and is a veth device, not a bridge'),
    (dict(MOVE, name='brenp129s0f0-1000'), 'nic-with-address', "is 17 characters; Linux interface names are at most 15"),
    (dict(MOVE, name='br 0'), 'nic-with-address', "is invalid"),
    (dict(MOVE, address='198.18.0.2'), 'nic-with-address', "address '198.18.0.2' is not an IPv4 address/prefix"),
    (dict(MOVE, gateway='198.18.0.300'), 'nic-with-address', "gateway '198.18.0.300' is not an IPv4 address"),
    (dict(name='cloudbr0', ports=['eth0'], persistent=False), 'bridge-with-veth', None),
])
def test_unsafe_or_invalid_requests_change_nothing(monkeypatch, capsys, tmp_path, args, fixture, message):
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state(fixture)])
    assert calls == []
    if message is None:
        assert result['changed'] is False
    else:
        assert result['failed'] is True and message in result['msg'], result['msg']


def test_routes_via_the_nic_block_the_move(monkeypatch, capsys, tmp_path):
    routes = json.loads(fixture_text('nic-two-addresses.route.json'))
    links = json.loads(fixture_text('nic-with-address.addr.json'))
    states = [{ADDR: (0, json.dumps(links), ''), ROUTE: (0, json.dumps(routes), '')}]
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, MOVE, states)
    assert calls == [] and 'Routes 198.18.9.0/24 go via eth0' in result['msg']


def test_ports_are_exact_but_container_veths_stay(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('cloudbr0', ipv6_disabled=True)
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path,
                                         {'name': 'cloudbr0', 'ports': ['eth1'], 'persistent': False},
                                         [state('bridge-with-veth')], fake)
    # eth0 carries no address of its own (it moved to the bridge), so it may be released.
    assert calls == [[IP, 'link', 'set', 'dev', 'eth0', 'nomaster'],
                     [IP, 'link', 'set', 'dev', 'eth1', 'master', 'cloudbr0']]
    assert result['changed'] is True and result['bridge']['ports'] == ['eth0', 'veth101.0']


def test_down_port_is_set_up(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('br0', ipv6_disabled=True)
    _result, calls, _batches = run_module(monkeypatch, capsys, tmp_path,
                                          {'name': 'br0', 'ports': ['v0', 'v0p'], 'persistent': False},
                                          [state('bridge-stp-off')], fake)
    assert calls == [[IP, 'link', 'set', 'dev', 'v0p', 'master', 'br0'], [IP, 'link', 'set', 'dev', 'v0p', 'up']]


def test_stp_mtu_ipv6_changes(monkeypatch, capsys, tmp_path):
    fake = FakeSys(tmp_path).add('br0', ipv6_disabled=True)
    result, calls, _batches = run_module(
        monkeypatch, capsys, tmp_path,
        {'name': 'br0', 'stp': True, 'forward_delay': 4, 'mtu': 1450, 'ipv6': True, 'persistent': False},
        [state('bridge-stp-off')], fake)
    assert calls == [[IP, 'link', 'set', 'dev', 'br0', 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400'],
                     [IP, 'link', 'set', 'dev', 'br0', 'mtu', '1450']]
    assert fake.ipv6_value('br0') == '0'
    assert result['actions'] == ['set stp/forward_delay of br0', 'enable ipv6 on br0', 'set mtu 1450 on br0']


@pytest.mark.parametrize('args, environ, message', [
    ({}, {}, 'Bridge cloudbr0 still has container veths veth101.0'),
    ({'force': True}, {'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'},
     'Bridge cloudbr0 carries the management address 198.18.0.2'),
    ({'force': True, 'management_address': '198.18.0.2'}, {}, 'carries the management address 198.18.0.2'),
])
def test_absent_refusals(monkeypatch, capsys, tmp_path, args, environ, message):
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path,
                                         dict({'name': 'cloudbr0', 'state': 'absent', 'persistent': False}, **args),
                                         [state('bridge-with-veth')], environ=environ)
    assert calls == [] and result['failed'] is True and message in result['msg']


def test_absent_with_force(monkeypatch, capsys, tmp_path):
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path,
                                         {'name': 'cloudbr0', 'state': 'absent', 'force': True, 'persistent': False,
                                          'management_address': '198.18.0.9'},
                                         [state('bridge-with-veth'), state('nic-with-address')],
                                         environ={'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'})
    assert calls == [[IP, 'link', 'set', 'dev', 'cloudbr0', 'down'], [IP, 'link', 'del', 'dev', 'cloudbr0']]
    assert result['changed'] is True and result['bridge'] is None


def test_absent_when_missing(monkeypatch, capsys, tmp_path):
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path,
                                         {'name': 'cloudbr9', 'state': 'absent', 'persistent': False},
                                         [state('nic-with-address')])
    assert calls == [] and result['changed'] is False


def test_persistent_ifcfg_files_and_diff(monkeypatch, capsys, tmp_path):
    config = tmp_path / 'network-scripts'
    config.mkdir()
    (config / 'ifcfg-eth0').write_text('DEVICE=eth0\nHWADDR=52:54:00:12:34:56\nONBOOT=yes\nBOOTPROTO=static\n'
                                       'IPADDR=198.18.0.2\nPREFIX=24\nGATEWAY=198.18.0.1\n')
    fake = FakeSys(tmp_path).add('cloudbr0', ipv6_disabled=True)
    args = dict(MOVE, persistent=True, config_system='ifcfg', config_dir=str(config), _ansible_diff=True)
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state('bridge-with-veth')], fake)
    assert calls == [] and result['changed'] is True and result['actions'] == []
    assert result['files'] == [str(config / 'ifcfg-cloudbr0'), str(config / 'ifcfg-eth0')]
    assert (config / 'ifcfg-eth0').read_text() == (
        '# Managed by openvz.cloud.bridge; local edits are overwritten.\n'
        'DEVICE=eth0\nHWADDR=52:54:00:12:34:56\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nBRIDGE=cloudbr0\n')
    assert 'IPADDR=198.18.0.2\nPREFIX=24\nGATEWAY=198.18.0.1\n' in (config / 'ifcfg-cloudbr0').read_text()
    assert [entry['before_header'] for entry in result['diff']] == [
        'bridge cloudbr0 (runtime)', str(config / 'ifcfg-cloudbr0'), str(config / 'ifcfg-eth0')]
    assert 'IPADDR=198.18.0.2' in result['diff'][2]['before']
    again, _calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state('bridge-with-veth')], fake)
    assert again['changed'] is False and again['files'] == []


def test_persistent_check_mode_writes_nothing(monkeypatch, capsys, tmp_path):
    config = tmp_path / 'interfaces.d'
    args = dict(MOVE, persistent=True, config_system='ifupdown', config_dir=str(config), _ansible_check_mode=True)
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, args, [state('nic-with-address')])
    assert calls == [] and result['files'] == [str(config / 'cloudbr0')] and not config.exists()


@pytest.mark.parametrize('args, batch', [
    # A new address that no device has yet: added after the ports are in.
    ({'name': 'cloudbr1', 'ports': ['eth1'], 'address': '198.18.1.1/24', 'persistent': False},
     'addr add 198.18.1.1/24 dev cloudbr1\n'),
    # The bridge already has the address with another prefix: replaced in one batch.
    ({'name': 'cloudbr0', 'address': '198.18.0.2/25', 'persistent': False},
     'addr del 198.18.0.2/24 dev cloudbr0\naddr add 198.18.0.2/25 dev cloudbr0\n'),
    # Only the gateway changes.
    ({'name': 'cloudbr0', 'gateway': '198.18.0.254', 'persistent': False},
     'route replace default via 198.18.0.254 dev cloudbr0\n'),
])
def test_address_add_replace_and_gateway(monkeypatch, capsys, tmp_path, args, batch):
    fake = FakeSys(tmp_path).add('cloudbr0', ipv6_disabled=True).add('cloudbr1')
    fixture = 'bridge-with-veth' if args['name'] == 'cloudbr0' else 'nic-with-address'
    result, calls, batches = run_module(monkeypatch, capsys, tmp_path, args, [state(fixture)], fake)
    assert calls[-1] == list(BATCH) and batches == [batch]
    if args['name'] == 'cloudbr1':
        assert calls[0] == [IP, 'link', 'add', 'name', 'cloudbr1', 'type', 'bridge']
        assert [IP, 'link', 'set', 'dev', 'eth1', 'master', 'cloudbr1'] in calls
    assert result['changed'] is True


def test_refuses_to_disable_ipv6_under_global_addresses(monkeypatch, capsys, tmp_path):
    links = json.loads(fixture_text('bridge-with-veth.addr.json'))
    bridge_link = [link for link in links if link['ifname'] == 'cloudbr0'][0]
    bridge_link['addr_info'].append({'family': 'inet6', 'local': '2001:db8::2', 'prefixlen': 64, 'scope': 'global'})
    states = [{ADDR: (0, json.dumps(links), ''), ROUTE: state('bridge-with-veth')[ROUTE]}]
    result, calls, _batches = run_module(monkeypatch, capsys, tmp_path, {'name': 'cloudbr0', 'persistent': False},
                                         states)
    assert calls == [] and 'carries the IPv6 addresses 2001:db8::2/64' in result['msg']
