"""bridge module: arguments in, exact ip commands and files out (ip -j fixtures captured in netns)."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._net import bridges, ip
from ansible_collections.openvz.cloud.plugins.modules import bridge

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import OK, Expect, run_module as harness_run  # noqa: E402  pylint: disable=wrong-import-position

IP = '/usr/sbin/ip'
SYSCTL = '/usr/sbin/sysctl'
ADDR = [IP, '-j', '-d', 'addr', 'show']
ROUTE = [IP, '-j', 'route', 'show']
BATCH = [IP, '-batch', '-']
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'net')


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def state(name, addr=None):
    """The two read queries answered from one captured namespace state."""
    return [(ADDR, (0, addr if addr is not None else fixture_text('%s.addr.json' % name), '')),
            (ROUTE, (0, fixture_text('%s.route.json' % name), ''))]


def ipv6(**disabled):
    """disable_ipv6 files: ipv6(cloudbr0='1\\n')."""
    return dict(('%s/%s/disable_ipv6' % (ip.PROC_IPV6_CONF, dev), value) for dev, value in disabled.items())


def batch(inputs, reply=OK):
    """An ``ip -batch -`` reply that records the batch text."""
    def answer(_argv, data):
        inputs.append(data)
        return reply
    return answer


def run_module(monkeypatch, capsys, args, expect, files=None, environ=None, **kwargs):
    monkeypatch.setattr(bridges.os, "environ", environ or {})
    return harness_run(monkeypatch, capsys, bridge, args, expect, files=files or {}, vz_options=False, **kwargs)


def only_reads(expect):
    return all(call in (ADDR, ROUTE) for call in expect.calls)


MOVE = {'name': 'cloudbr0', 'ports': ['eth0'], 'address': '198.18.0.2/24', 'gateway': '198.18.0.1',
        'stp': False, 'forward_delay': 0, 'persistent': False}
MOVE_BATCH = ('addr add 198.18.0.2/24 dev cloudbr0\n'
              'link set dev eth0 master cloudbr0\n'
              'route replace default via 198.18.0.1 dev cloudbr0\n'
              'addr del 198.18.0.2/24 dev eth0\n')
ADD_CLOUDBR0 = [IP, 'link', 'add', 'name', 'cloudbr0', 'address', '52:54:00:12:34:56', 'type', 'bridge',
                'stp_state', '0', 'forward_delay', '0']


def test_move_management_address_in_one_batch(monkeypatch, capsys):
    batches = []
    expect = Expect(state('nic-with-address') + [
        (ADD_CLOUDBR0, OK),
        ([SYSCTL, '-w', 'net.ipv6.conf.cloudbr0.disable_ipv6=1'], OK),
        ([IP, 'link', 'set', 'dev', 'cloudbr0', 'up'], OK),
        (BATCH, batch(batches)),
    ] + state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, MOVE, expect, files=ipv6(cloudbr0='0\n'))
    expect.assert_done()
    assert batches == [MOVE_BATCH]
    assert result['changed'] is True
    assert result['actions'] == ['add bridge cloudbr0', 'disable ipv6 on cloudbr0', 'set cloudbr0 up',
                                 'move 198.18.0.2/24 from eth0 to cloudbr0']
    assert result['bridge']['addresses'] == ['198.18.0.2/24'] and result['bridge']['gateway'] == '198.18.0.1'


def test_move_check_mode_runs_nothing_and_predicts(monkeypatch, capsys):
    expect = Expect(state('nic-with-address'))
    result = run_module(monkeypatch, capsys, MOVE, expect, check_mode=True, diff=True)
    expect.assert_done()
    assert result['changed'] is True
    assert result['bridge']['ports'] == ['eth0'] and result['bridge']['addresses'] == ['198.18.0.2/24']
    assert result['commands'][-1] == BATCH + MOVE_BATCH.splitlines()
    assert result['diff'][0]['before'] == '' and '"198.18.0.2/24"' in result['diff'][0]['after']


def test_second_run_changes_nothing(monkeypatch, capsys):
    expect = Expect(state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, dict(MOVE, mtu=1400), expect, files=ipv6(cloudbr0='1\n'))
    expect.assert_done()
    assert result['changed'] is False and result['actions'] == [] and result['commands'] == []
    assert result['bridge']['ports'] == ['eth0', 'veth101.0']


def test_failed_move_is_rolled_back(monkeypatch, capsys):
    batches = []
    expect = Expect(state('nic-with-address') + [
        (ADD_CLOUDBR0, OK),
        ([SYSCTL, '-w', 'net.ipv6.conf.cloudbr0.disable_ipv6=1'], OK),
        ([IP, 'link', 'set', 'dev', 'cloudbr0', 'up'], OK),
        (BATCH, batch(batches, (1, '', 'Command failed -:3\nError: Nexthop has invalid gateway.'))),
        ([IP, '-force', '-batch', '-'], batch(batches)),
    ])
    result = run_module(monkeypatch, capsys, MOVE, expect, files=ipv6(cloudbr0='0\n'))
    expect.assert_done()
    assert result['failed'] is True and result['rc'] == 1
    assert 'ip -batch failed' in result['msg'] and 'rolled back: eth0 keeps 198.18.0.2/24' in result['msg']
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
    (dict(MOVE, name='br 0'), 'nic-with-address', "use letters, digits, '.', '_' and '-'"),
    (dict(MOVE, address='198.18.0.2'), 'nic-with-address', "address '198.18.0.2' is not an IPv4 address/prefix"),
    (dict(MOVE, gateway='198.18.0.300'), 'nic-with-address', "gateway '198.18.0.300' is not an IPv4 address"),
    (dict(MOVE, address='2001:db8::2/64'), 'nic-with-address', "is not an IPv4 address/prefix"),
    (dict(name='cloudbr0', ports=['eth0'], persistent=False), 'bridge-with-veth', None),
])
def test_unsafe_or_invalid_requests_change_nothing(monkeypatch, capsys, args, fixture, message):
    expect = Expect(state(fixture))
    result = run_module(monkeypatch, capsys, args, expect)
    assert only_reads(expect)
    if message is None:
        assert result['changed'] is False
    else:
        assert result['failed'] is True and message in result['msg'], result['msg']


def test_routes_via_the_nic_block_the_move(monkeypatch, capsys):
    expect = Expect([(ADDR, (0, fixture_text('nic-with-address.addr.json'), '')),
                     (ROUTE, (0, fixture_text('nic-two-addresses.route.json'), ''))])
    result = run_module(monkeypatch, capsys, MOVE, expect)
    expect.assert_done()
    assert 'Routes 198.18.9.0/24 go via eth0' in result['msg']


def test_ports_are_exact_but_container_veths_stay(monkeypatch, capsys):
    # eth0 carries no address of its own (it moved to the bridge), so it may be released.
    expect = Expect(state('bridge-with-veth') + [
        ([IP, 'link', 'set', 'dev', 'eth0', 'nomaster'], OK),
        ([IP, 'link', 'set', 'dev', 'eth1', 'master', 'cloudbr0'], OK),
    ] + state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, {'name': 'cloudbr0', 'ports': ['eth1'], 'persistent': False},
                        expect, files=ipv6(cloudbr0='1\n'))
    expect.assert_done()
    assert result['changed'] is True and result['bridge']['ports'] == ['eth0', 'veth101.0']


def test_down_port_is_set_up(monkeypatch, capsys):
    expect = Expect(state('bridge-stp-off') + [
        ([IP, 'link', 'set', 'dev', 'v0p', 'master', 'br0'], OK),
        ([IP, 'link', 'set', 'dev', 'v0p', 'up'], OK),
    ] + state('bridge-stp-off'))
    run_module(monkeypatch, capsys, {'name': 'br0', 'ports': ['v0', 'v0p'], 'persistent': False}, expect,
               files=ipv6(br0='1\n'))
    expect.assert_done()


def test_stp_mtu_ipv6_changes(monkeypatch, capsys):
    expect = Expect(state('bridge-stp-off') + [
        ([IP, 'link', 'set', 'dev', 'br0', 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400'], OK),
        ([SYSCTL, '-w', 'net.ipv6.conf.br0.disable_ipv6=0'], OK),
        ([IP, 'link', 'set', 'dev', 'br0', 'mtu', '1450'], OK),
    ] + state('bridge-stp-off'))
    result = run_module(monkeypatch, capsys,
                        {'name': 'br0', 'stp': True, 'forward_delay': 4, 'mtu': 1450, 'ipv6': True,
                         'persistent': False}, expect, files=ipv6(br0='1\n'))
    expect.assert_done()
    assert result['actions'] == ['set stp/forward_delay of br0', 'enable ipv6 on br0', 'set mtu 1450 on br0']


@pytest.mark.parametrize('args, environ, message', [
    ({}, {}, 'Bridge cloudbr0 still has container veths veth101.0'),
    ({'force': True}, {'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'},
     'Bridge cloudbr0 carries the management address 198.18.0.2'),
    ({'force': True, 'management_address': '198.18.0.2'}, {}, 'carries the management address 198.18.0.2'),
])
def test_absent_refusals(monkeypatch, capsys, args, environ, message):
    expect = Expect(state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, dict({'name': 'cloudbr0', 'state': 'absent', 'persistent': False},
                                                  **args), expect, environ=environ)
    expect.assert_done()
    assert result['failed'] is True and message in result['msg']


def test_absent_with_force(monkeypatch, capsys):
    expect = Expect(state('bridge-with-veth') + [
        ([IP, 'link', 'set', 'dev', 'cloudbr0', 'down'], OK),
        ([IP, 'link', 'del', 'dev', 'cloudbr0'], OK),
    ] + state('nic-with-address'))
    result = run_module(monkeypatch, capsys,
                        {'name': 'cloudbr0', 'state': 'absent', 'force': True, 'persistent': False,
                         'management_address': '198.18.0.9'}, expect,
                        environ={'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'})
    expect.assert_done()
    assert result['changed'] is True and result['bridge'] is None


def test_absent_when_missing(monkeypatch, capsys):
    expect = Expect(state('nic-with-address'))
    result = run_module(monkeypatch, capsys, {'name': 'cloudbr9', 'state': 'absent', 'persistent': False}, expect)
    expect.assert_done()
    assert result['changed'] is False


def test_persistent_ifcfg_files_and_diff(monkeypatch, capsys, tmp_path):
    config = tmp_path / 'network-scripts'
    config.mkdir()
    (config / 'ifcfg-eth0').write_text('DEVICE=eth0\nHWADDR=52:54:00:12:34:56\nONBOOT=yes\nBOOTPROTO=static\n'
                                       'IPADDR=198.18.0.2\nPREFIX=24\nGATEWAY=198.18.0.1\n')
    args = dict(MOVE, persistent=True, config_system='ifcfg', config_dir=str(config))
    expect = Expect(state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, args, expect, files=ipv6(cloudbr0='1\n'), diff=True)
    expect.assert_done()
    assert result['changed'] is True and result['actions'] == []
    assert result['files'] == [str(config / 'ifcfg-cloudbr0'), str(config / 'ifcfg-eth0')]
    assert (config / 'ifcfg-eth0').read_text() == (
        '# Managed by openvz.cloud.bridge; local edits are overwritten.\n'
        'DEVICE=eth0\nHWADDR=52:54:00:12:34:56\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nBRIDGE=cloudbr0\n')
    assert 'IPADDR=198.18.0.2\nPREFIX=24\nGATEWAY=198.18.0.1\n' in (config / 'ifcfg-cloudbr0').read_text()
    assert [entry['before_header'] for entry in result['diff']] == [
        'bridge cloudbr0 (runtime)', str(config / 'ifcfg-cloudbr0'), str(config / 'ifcfg-eth0')]
    assert 'IPADDR=198.18.0.2' in result['diff'][2]['before']
    again = run_module(monkeypatch, capsys, args, Expect(state('bridge-with-veth')), files=ipv6(cloudbr0='1\n'))
    assert again['changed'] is False and again['files'] == []


def test_persistent_check_mode_writes_nothing(monkeypatch, capsys, tmp_path):
    config = tmp_path / 'interfaces.d'
    args = dict(MOVE, persistent=True, config_system='ifupdown', config_dir=str(config))
    expect = Expect(state('nic-with-address'))
    result = run_module(monkeypatch, capsys, args, expect, check_mode=True)
    expect.assert_done()
    assert result['files'] == [str(config / 'cloudbr0')] and not config.exists()


def test_new_bridge_with_a_new_address(monkeypatch, capsys):
    batches = []
    expect = Expect(state('nic-with-address') + [
        ([IP, 'link', 'add', 'name', 'cloudbr1', 'type', 'bridge'], OK),
        ([SYSCTL, '-w', 'net.ipv6.conf.cloudbr1.disable_ipv6=1'], OK),
        ([IP, 'link', 'set', 'dev', 'eth1', 'master', 'cloudbr1'], OK),
        ([IP, 'link', 'set', 'dev', 'cloudbr1', 'up'], OK),
        (BATCH, batch(batches)),
    ] + state('nic-with-address'))
    result = run_module(monkeypatch, capsys,
                        {'name': 'cloudbr1', 'ports': ['eth1'], 'address': '198.18.1.1/24', 'persistent': False},
                        expect, files=ipv6(cloudbr1='0\n'))
    expect.assert_done()
    # A new address that no device has yet: added after the ports are in.
    assert batches == ['addr add 198.18.1.1/24 dev cloudbr1\n'] and result['changed'] is True


@pytest.mark.parametrize('args, text', [
    # The bridge already has the address with another prefix: replaced in one batch.
    ({'name': 'cloudbr0', 'address': '198.18.0.2/25', 'persistent': False},
     'addr del 198.18.0.2/24 dev cloudbr0\naddr add 198.18.0.2/25 dev cloudbr0\n'),
    # Only the gateway changes.
    ({'name': 'cloudbr0', 'gateway': '198.18.0.254', 'persistent': False},
     'route replace default via 198.18.0.254 dev cloudbr0\n'),
])
def test_address_replace_and_gateway(monkeypatch, capsys, args, text):
    batches = []
    expect = Expect(state('bridge-with-veth') + [(BATCH, batch(batches))] + state('bridge-with-veth'))
    result = run_module(monkeypatch, capsys, args, expect, files=ipv6(cloudbr0='1\n'))
    expect.assert_done()
    assert batches == [text] and result['changed'] is True


def test_refuses_to_disable_ipv6_under_global_addresses(monkeypatch, capsys):
    links = json.loads(fixture_text('bridge-with-veth.addr.json'))
    bridge_link = [link for link in links if link['ifname'] == 'cloudbr0'][0]
    bridge_link['addr_info'].append({'family': 'inet6', 'local': '2001:db8::2', 'prefixlen': 64, 'scope': 'global'})
    expect = Expect(state('bridge-with-veth', addr=json.dumps(links)))
    result = run_module(monkeypatch, capsys, {'name': 'cloudbr0', 'persistent': False}, expect)
    expect.assert_done()
    assert 'carries the IPv6 addresses 2001:db8::2/64' in result['msg']
