"""_net: CloudStack VLAN names, modifyvlan.sh steps, the iproute2 client, ip -j parsing."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._net import bridges, ip, names, vlans
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
import cmd_harness  # noqa: E402  pylint: disable=wrong-import-position
from cmd_harness import LEGACY_HOST_MISSING, OK, Expect  # noqa: E402  pylint: disable=wrong-import-position

IP = '/usr/sbin/ip'
SYSCTL = '/usr/sbin/sysctl'
LINKS = [IP, '-j', '-d', 'link', 'show']
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'net')
VLAN_LOADED = {ip.PROC_NET_VLAN_CONFIG: 'VLAN Dev name | VLAN ID\n'}


def fake_runner(expect, files=None):
    """A legacy host's runner (no prlsrvctl: no virtual networks)."""
    return cmd_harness.fake_runner(expect, files, missing_bins=LEGACY_HOST_MISSING)


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def link(name, kind=None, master=None, up=True):
    item = {'ifname': name, 'flags': ['BROADCAST', 'UP'] if up else ['BROADCAST'], 'mtu': 1500,
            'operstate': 'UP' if up else 'DOWN', 'address': '52:54:00:00:00:01'}
    if kind:
        item['linkinfo'] = {'info_kind': kind}
    if master:
        item['master'] = master
    return item


def links_reply(*items):
    return (0, json.dumps(list(items)), '')


def disable_ipv6(dev):
    return [SYSCTL, '-w', 'net.ipv6.conf.%s.disable_ipv6=1' % dev.replace('.', '/')]


@pytest.mark.parametrize('trunk, vid, bridge, expected', [
    ('eth1', 100, None, 'breth1-100'),
    ('bond0', 4094, None, 'brbond0-4094'),
    ('eth1', '42', None, 'breth1-42'),
    ('enp129s0f0', 1000, 'cloudbr1000', 'cloudbr1000'),
    ('eth1', 4095, None, None),
    ('enp129s0f0', 4095, None, None),
])
def test_vlan_bridge_name(trunk, vid, bridge, expected):
    assert names.vlan_bridge_name(trunk, vid, bridge) == expected


@pytest.mark.parametrize('trunk, vid, bridge, message', [
    ('eth1', 0, None, 'VLAN id 0 is out of range'),
    ('eth1', 4096, None, 'VLAN id 4096 is out of range'),
    ('eth1', -1, None, 'out of range'),
    ('eth1', 'ten', None, 'is not a number'),
    ('enp129s0f0', 1000, None, "'brenp129s0f0-1000' (CloudStack naming br<trunk>-<vlan>) is 17 characters"),
    ('enp129s0f0', 1000, None, 'give a shorter name with bridge:'),
    ('enp129s0f0np0', 100, 'br100', "VLAN device name 'enp129s0f0np0.100'"),
    ('eth1', 100, 'a-very-long-bridge', "bridge 'a-very-long-bridge': it is 18 characters"),
    ('eth 1', 100, None, "use letters, digits, '.', '_' and '-'"),
    ('eth1', 100, 'br/x', "use letters, digits, '.', '_' and '-'"),
    ('', 100, None, 'trunk name is empty'),
])
def test_vlan_bridge_name_errors(trunk, vid, bridge, message):
    with pytest.raises(ValueError) as err:
        names.vlan_bridge_name(trunk, vid, bridge)
    assert message in str(err.value)


def test_ensure_vlan_bridge_from_scratch():
    files = {'%s/eth1.100/disable_ipv6' % ip.PROC_IPV6_CONF: '0\n',
             '%s/breth1-100/disable_ipv6' % ip.PROC_IPV6_CONF: '0\n'}
    expect = Expect([
        (LINKS, links_reply(link('eth1'))),
        (['/usr/sbin/modprobe', '8021q'], OK),
        ([IP, 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'id', '100'], OK),
        (disable_ipv6('eth1.100'), OK),
        ([IP, 'link', 'set', 'dev', 'eth1.100', 'up'], OK),
        ([IP, 'link', 'add', 'name', 'breth1-100', 'type', 'bridge'], OK),
        (disable_ipv6('breth1-100'), OK),
        ([IP, 'link', 'set', 'dev', 'breth1-100', 'up'], OK),
        ([IP, 'link', 'set', 'dev', 'eth1.100', 'master', 'breth1-100'], OK),
    ])
    result = vlans.ensure_vlan_bridge(fake_runner(expect, files), 'eth1', 100)
    expect.assert_done()
    assert result['changed'] is True and result['bridge'] == 'breth1-100'
    assert result['actions'] == [
        'add vlan device eth1.100', 'disable ipv6 on eth1.100', 'set eth1.100 up',
        'add bridge breth1-100', 'disable ipv6 on breth1-100', 'set breth1-100 up',
        'enslave eth1.100 to breth1-100']
    assert result['commands'][0][0] == IP and len(result['commands']) == 7


def test_ensure_vlan_bridge_check_mode_only_reads():
    expect = Expect([(LINKS, links_reply(link('eth1')))])
    result = vlans.ensure_vlan_bridge(fake_runner(expect, dict(VLAN_LOADED)), 'eth1', 100, check_mode=True)
    expect.assert_done()
    assert result['changed'] is True and len(result['commands']) == 7


def test_ensure_vlan_bridge_idempotent():
    files = {'%s/eth1.100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n',
             '%s/breth1-100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n'}
    expect = Expect([(LINKS, links_reply(link('eth1'), link('eth1.100', 'vlan', 'breth1-100'),
                                         link('breth1-100', 'bridge'), link('veth101.0', 'veth', 'breth1-100')))])
    result = vlans.ensure_vlan_bridge(fake_runner(expect, files), 'eth1', 100)
    expect.assert_done()
    assert result == dict(changed=False, bridge='breth1-100', vlan_device='eth1.100', network=None, actions=[],
                          commands=[])


def test_ensure_vlan_bridge_fixes_only_what_is_missing():
    files = {'%s/eth1.100/disable_ipv6' % ip.PROC_IPV6_CONF: '0\n',
             '%s/breth1-100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n'}
    expect = Expect([
        (LINKS, links_reply(link('eth1'), link('eth1.100', 'vlan', up=False), link('breth1-100', 'bridge'))),
        (disable_ipv6('eth1.100'), OK),
        ([IP, 'link', 'set', 'dev', 'eth1.100', 'up'], OK),
        ([IP, 'link', 'set', 'dev', 'eth1.100', 'master', 'breth1-100'], OK),
    ])
    result = vlans.ensure_vlan_bridge(fake_runner(expect, files), 'eth1', 100)
    expect.assert_done()
    assert result['actions'] == ['disable ipv6 on eth1.100', 'set eth1.100 up', 'enslave eth1.100 to breth1-100']


def test_ensure_vlan_bridge_forgives_a_concurrent_creation():
    files = {'%s/eth1.100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n',
             '%s/breth1-100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n'}
    expect = Expect([
        (LINKS, links_reply(link('eth1'), link('eth1.100', 'vlan', 'breth1-100'))),
        ([IP, 'link', 'add', 'name', 'breth1-100', 'type', 'bridge'], (2, '', 'RTNETLINK answers: File exists')),
        (LINKS + ['dev', 'breth1-100'], links_reply(link('breth1-100', 'bridge'))),
        ([IP, 'link', 'set', 'dev', 'breth1-100', 'up'], OK),
    ])
    result = vlans.ensure_vlan_bridge(fake_runner(expect, files), 'eth1', 100)
    expect.assert_done()
    assert result['actions'] == ['add bridge breth1-100', 'set breth1-100 up']


def test_a_failed_step_raises_with_the_command():
    expect = Expect([
        (LINKS, links_reply(link('eth1'))),
        ([IP, 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'id', '100'],
         (2, '', 'RTNETLINK answers: Operation not supported')),
        (LINKS + ['dev', 'eth1.100'], (1, '', 'Device "eth1.100" does not exist.\n')),
    ])
    with pytest.raises(CommandError) as err:
        vlans.ensure_vlan_bridge(fake_runner(expect, dict(VLAN_LOADED)), 'eth1', 100)
    expect.assert_done()
    assert 'Operation not supported' in err.value.msg and err.value.rc == 2
    assert err.value.cmd[:3] == [IP, 'link', 'add']


def test_ensure_vlan_bridge_skips_4095():
    expect = Expect([])
    result = vlans.ensure_vlan_bridge(fake_runner(expect), 'eth1', 4095)
    assert result['skipped'] is True and result['bridge'] is None and result['changed'] is False


@pytest.mark.parametrize('trunk, vid, message, calls', [
    ('eth9', 100, 'The trunk device eth9 does not exist', 1),
    ('eth1', 0, 'VLAN id 0 is out of range', 0),
    ('enp129s0f0', 1000, "'brenp129s0f0-1000'", 0),
])
def test_ensure_vlan_bridge_errors_change_nothing(trunk, vid, message, calls):
    expect = Expect([(LINKS, links_reply(link('eth1')))])
    with pytest.raises((ValueError, CommandError)) as err:
        vlans.ensure_vlan_bridge(fake_runner(expect), trunk, vid)
    assert message in str(err.value) and len(expect.calls) == calls


def test_remove_vlan_bridge():
    expect = Expect([([IP, 'link', 'del', 'dev', 'eth1.100'], OK),
                     ([IP, 'link', 'set', 'dev', 'breth1-100', 'down'], OK),
                     ([IP, 'link', 'del', 'dev', 'breth1-100'], OK)])
    client = ip.IpClient(fake_runner(expect))
    present = {'eth1.100': {}, 'breth1-100': {}}
    assert vlans.remove_vlan_bridge(client, 'eth1.100', 'breth1-100', present) == [
        'delete vlan device eth1.100', 'delete bridge breth1-100']
    expect.assert_done()


def test_link_info_and_bridge_ports():
    expect = Expect([
        (LINKS + ['dev', 'veth101.0'], links_reply(link('veth101.0', 'veth', 'cloudbr0', up=False))),
        (LINKS + ['dev', 'nope0'], (1, '', 'Device "nope0" does not exist.\n')),
        ([IP, '-j', 'link', 'show', 'master', 'cloudbr0'], links_reply(link('veth101.0'), link('eth0'))),
        ([IP, '-j', 'link', 'show', 'master', 'nobr'], (1, '', 'Device "nobr" does not exist.\n')),
        (LINKS + ['dev', 'eth0'], (255, '', 'Cannot send dump request: Permission denied\n')),
    ])
    runner = fake_runner(expect)
    info = ip.link_info(runner, 'veth101.0')
    assert (info['kind'], info['master'], info['up']) == ('veth', 'cloudbr0', False)
    assert ip.link_info(runner, 'nope0') is None
    assert ip.bridge_ports(runner, 'cloudbr0') == ['eth0', 'veth101.0']
    assert ip.bridge_ports(runner, 'nobr') == []
    with pytest.raises(CommandError, match='Permission denied'):
        ip.link_info(runner, 'eth0')
    expect.assert_done()


def test_parse_links_bridge_with_ports():
    links = ip.parse_links(json.loads(fixture_text('bridge-with-veth.addr.json')))
    assert links['cloudbr0']['kind'] == 'bridge' and links['cloudbr0']['stp'] is False
    assert links['eth0']['master'] == 'cloudbr0' and links['eth1']['master'] is None
    assert ip.bridge_record(links, 'cloudbr0') == {
        'name': 'cloudbr0', 'ports': ['eth0', 'veth101.0'], 'mtu': 1400, 'state': 'up',
        'addresses': ['198.18.0.2/24'], 'stp': False, 'forward_delay': 0, 'mac': '52:54:00:12:34:56'}


def test_parse_links_forward_delay_in_seconds():
    links = ip.parse_links(json.loads(fixture_text('bridge-stp-off.addr.json')))
    assert links['br0']['forward_delay'] == 2 and links['br0']['state'] == 'down'


def test_list_bridges():
    expect = Expect([([IP, '-j', '-d', 'addr', 'show'], (0, fixture_text('bridge-with-veth.addr.json'), ''))])
    found = ip.list_bridges(fake_runner(expect))
    assert [b['name'] for b in found] == ['cloudbr0'] and found[0]['ports'] == ['eth0', 'veth101.0']


@pytest.mark.parametrize('rc, out, message', [
    (255, '', 'failed (rc 255)'),
    (0, 'Object "addr" is unknown', 'not JSON'),
])
def test_list_bridges_errors(rc, out, message):
    expect = Expect([([IP, '-j', '-d', 'addr', 'show'], (rc, out, 'boom'))])
    with pytest.raises(CommandError) as err:
        ip.list_bridges(fake_runner(expect))
    assert message in err.value.msg and err.value.cmd[0] == IP


def test_parse_links_vlan_device_captured_in_the_vm():
    links = ip.parse_links(json.loads(fixture_text('vlan-bridge.addr.json')))
    assert links['tr0.100']['kind'] == 'vlan' and links['tr0.100']['vlan_id'] == 100
    assert links['tr0.100']['link'] == 'tr0' and links['tr0.100']['master'] == 'brtr0-100'
    record = ip.bridge_record(links, 'brtr0-100')
    assert record['ports'] == ['tr0.100', 'veth101.0'] and record['forward_delay'] == 15
    # eth0's fec0:: (site scope) and fe80:: addresses are not managed addresses.
    assert [a['cidr'] for a in ip.managed_addresses(links['eth0'])] == ['10.0.2.15/24']


@pytest.mark.parametrize('environ, expected', [
    ({'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'}, '198.18.0.2'),
    ({'SSH_CONNECTION': 'garbage'}, None),
    ({}, None),
])
def test_management_address_from_env(environ, expected):
    assert bridges.management_address_from_env(environ) == expected


def test_ensure_vlan_bridge_on_vz7_binds_a_network_to_it():
    """OpenVZ 7/9: the containers' tagged NICs get the bridge and its bridged network."""
    files = {'%s/eth1.100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n',
             '%s/breth1-100/disable_ipv6' % ip.PROC_IPV6_CONF: '1\n'}
    add = ['/usr/sbin/prlsrvctl', 'net', 'add', 'breth1-100', '-i', 'breth1-100', '-t', 'bridged']
    expect = Expect([
        (LINKS, links_reply(link('eth1'), link('eth1.100', 'vlan', 'breth1-100'), link('breth1-100', 'bridge'))),
        (['/usr/sbin/prlsrvctl', 'net', 'list', '-j'],
         (0, '[\n\t{\n\t\t"Network ID": "Bridged",\n\t\t"Type": "bridged",\n\t\t"Bound To": "eth0",\n'
             '\t\t"Bridge": "br0"\n\t}\n]\n', '')),
        (add, OK),
    ])
    result = vlans.ensure_vlan_bridge(cmd_harness.fake_runner(expect, files), 'eth1', 100)
    expect.assert_done()
    assert result == dict(changed=True, bridge='breth1-100', vlan_device='eth1.100', network='breth1-100',
                          actions=['add virtual network breth1-100'], commands=[add])
