"""net_runtime: CloudStack VLAN names, modifyvlan.sh steps, ip -j parsing."""

import json

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime

from net_fakes import IP, FakeModule, FakeSys, ModuleFailed, fixture_text


@pytest.mark.parametrize('trunk, vid, bridge, expected', [
    ('eth1', 100, None, 'breth1-100'),
    ('bond0', 4094, None, 'brbond0-4094'),
    ('eth1', '42', None, 'breth1-42'),
    ('enp129s0f0', 1000, 'cloudbr1000', 'cloudbr1000'),
    ('eth1', 4095, None, None),
    ('enp129s0f0', 4095, None, None),
])
def test_vlan_bridge_name(trunk, vid, bridge, expected):
    assert net_runtime.vlan_bridge_name(trunk, vid, bridge) == expected


@pytest.mark.parametrize('trunk, vid, bridge, message', [
    ('eth1', 0, None, 'VLAN id 0 is out of range'),
    ('eth1', 4096, None, 'VLAN id 4096 is out of range'),
    ('eth1', -1, None, 'out of range'),
    ('eth1', 'ten', None, 'is not a number'),
    ('enp129s0f0', 1000, None, "'brenp129s0f0-1000' (CloudStack naming br<trunk>-<vlan>) is 17 characters"),
    ('enp129s0f0', 1000, None, 'give a shorter name with bridge:'),
    ('enp129s0f0np0', 100, 'br100', "VLAN device name 'enp129s0f0np0.100'"),
    ('eth1', 100, 'a-very-long-bridge', "bridge name 'a-very-long-bridge' is 18 characters"),
    ('eth 1', 100, None, 'is invalid'),
    ('eth1', 100, 'br/x', 'is invalid'),
    ('', 100, None, 'trunk name is empty'),
])
def test_vlan_bridge_name_errors(trunk, vid, bridge, message):
    with pytest.raises(ValueError) as err:
        net_runtime.vlan_bridge_name(trunk, vid, bridge)
    assert message in str(err.value)


def client_for(module, fake_sys, check_mode=False):
    return net_runtime.IpClient(module, check_mode=check_mode, sys_class_net=fake_sys.net,
                                proc_ipv6_conf=fake_sys.ipv6)


def ensure(module, fake_sys, trunk='eth1', vid=100, bridge=None, check_mode=False):
    return net_runtime.ensure_vlan_bridge(module, trunk, vid, bridge=bridge, check_mode=check_mode,
                                          client=client_for(module, fake_sys, check_mode))


def test_ensure_vlan_bridge_from_scratch(tmp_path, monkeypatch):
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path / 'no-vlan'))
    fake = FakeSys(tmp_path).add('eth1')
    module = FakeModule(fake_sys=fake)
    result = ensure(module, fake)
    assert result['changed'] is True and result['bridge'] == 'breth1-100'
    assert fake.ipv6_value('eth1.100') == '1' and fake.ipv6_value('breth1-100') == '1'
    assert module.calls == [
        ['/sbin/modprobe', '8021q'],
        [IP, 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'id', '100'],
        [IP, 'link', 'set', 'dev', 'eth1.100', 'up'],
        [IP, 'link', 'add', 'name', 'breth1-100', 'type', 'bridge'],
        [IP, 'link', 'set', 'dev', 'breth1-100', 'up'],
        [IP, 'link', 'set', 'dev', 'eth1.100', 'master', 'breth1-100'],
    ]
    assert result['actions'] == [
        'add vlan device eth1.100', 'disable ipv6 on eth1.100', 'set eth1.100 up',
        'add bridge breth1-100', 'disable ipv6 on breth1-100', 'set breth1-100 up',
        'enslave eth1.100 to breth1-100']


def test_ensure_vlan_bridge_check_mode_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path))
    fake = FakeSys(tmp_path).add('eth1')
    module = FakeModule()
    result = ensure(module, fake, check_mode=True)
    assert result['changed'] is True and module.calls == []
    assert len(result['commands']) == 7


def test_ensure_vlan_bridge_idempotent(tmp_path, monkeypatch):
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path))
    fake = FakeSys(tmp_path).add('eth1').add('eth1.100', ipv6_disabled=True)
    fake.add('breth1-100', ipv6_disabled=True, ports=['eth1.100', 'veth101.0'])
    module = FakeModule()
    result = ensure(module, fake)
    assert result == dict(changed=False, bridge='breth1-100', vlan_device='eth1.100', actions=[], commands=[])
    assert module.calls == []


def test_ensure_vlan_bridge_fixes_only_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path))
    fake = FakeSys(tmp_path).add('eth1').add('eth1.100', up=False)
    fake.add('breth1-100', ipv6_disabled=True, ports=[])
    module = FakeModule()
    result = ensure(module, fake)
    assert module.calls == [[IP, 'link', 'set', 'dev', 'eth1.100', 'up'],
                            [IP, 'link', 'set', 'dev', 'eth1.100', 'master', 'breth1-100']]
    assert fake.ipv6_value('eth1.100') == '1'
    assert result['actions'] == ['disable ipv6 on eth1.100', 'set eth1.100 up', 'enslave eth1.100 to breth1-100']


def test_ensure_vlan_bridge_forgives_a_concurrent_creation(tmp_path, monkeypatch):
    monkeypatch.setattr(net_runtime, 'PROC_NET_VLAN', str(tmp_path))
    fake = FakeSys(tmp_path).add('eth1').add('eth1.100', ipv6_disabled=True)
    fake.add('breth1-100', ipv6_disabled=True, ports=['eth1.100'])
    argv = (IP, 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'id', '100')
    client = client_for(FakeModule({argv: (2, '', 'RTNETLINK answers: File exists')}), fake)
    client.change(list(argv[1:]), unless=lambda: client.exists('eth1.100'))
    with pytest.raises(net_runtime.NetError) as err:
        client.change(list(argv[1:]), unless=lambda: client.exists('eth9.100'))
    assert 'File exists' in err.value.msg and err.value.rc == 2


def test_ensure_vlan_bridge_skips_4095(tmp_path):
    module = FakeModule()
    result = ensure(module, FakeSys(tmp_path), vid=4095)
    assert result == dict(changed=False, bridge=None, actions=[], commands=[], skipped=True)
    assert module.calls == []


@pytest.mark.parametrize('trunk, vid, message', [
    ('eth9', 100, 'The trunk device eth9 does not exist'),
    ('eth1', 0, 'VLAN id 0 is out of range'),
    ('enp129s0f0', 1000, "'brenp129s0f0-1000'"),
])
def test_ensure_vlan_bridge_errors_change_nothing(tmp_path, trunk, vid, message):
    fake = FakeSys(tmp_path).add('eth1')
    module = FakeModule()
    with pytest.raises(ModuleFailed) as err:
        ensure(module, fake, trunk=trunk, vid=vid)
    assert message in err.value.kwargs['msg'] and module.calls == []


def test_remove_vlan_bridge(tmp_path):
    fake = FakeSys(tmp_path).add('eth1').add('eth1.100').add('breth1-100', ports=['eth1.100'])
    module = FakeModule()
    actions = net_runtime.remove_vlan_bridge(client_for(module, fake), 'eth1', 100)
    assert module.calls == [[IP, 'link', 'del', 'dev', 'eth1.100'],
                            [IP, 'link', 'set', 'dev', 'breth1-100', 'down'],
                            [IP, 'link', 'del', 'dev', 'breth1-100']]
    assert actions == ['delete vlan device eth1.100', 'delete bridge breth1-100']


def test_parse_links_bridge_with_ports():
    links = net_runtime.parse_links(json.loads(fixture_text('bridge-with-veth.addr.json')))
    assert links['cloudbr0']['kind'] == 'bridge' and links['cloudbr0']['stp'] is False
    assert links['eth0']['master'] == 'cloudbr0' and links['eth1']['master'] is None
    assert net_runtime.bridge_record(links, 'cloudbr0') == {
        'name': 'cloudbr0', 'ports': ['eth0', 'veth101.0'], 'mtu': 1400, 'state': 'up',
        'addresses': ['198.18.0.2/24'], 'stp': False, 'forward_delay': 0, 'mac': '52:54:00:12:34:56'}


def test_parse_links_forward_delay_in_seconds():
    links = net_runtime.parse_links(json.loads(fixture_text('bridge-stp-off.addr.json')))
    assert links['br0']['forward_delay'] == 2 and links['br0']['state'] == 'down'


def test_list_bridges():
    module = FakeModule({(IP, '-j', '-d', 'addr', 'show'): (0, fixture_text('bridge-with-veth.addr.json'), '')})
    bridges = net_runtime.list_bridges(module)
    assert [b['name'] for b in bridges] == ['cloudbr0']
    assert bridges[0]['ports'] == ['eth0', 'veth101.0']


@pytest.mark.parametrize('rc, out, message', [
    (255, '', 'failed (rc 255)'),
    (0, 'Object "addr" is unknown', 'not JSON'),
])
def test_list_bridges_errors(rc, out, message):
    module = FakeModule({(IP, '-j', '-d', 'addr', 'show'): (rc, out, 'boom')})
    with pytest.raises(ModuleFailed) as err:
        net_runtime.list_bridges(module)
    assert message in err.value.kwargs['msg'] and err.value.kwargs['cmd'][0] == IP


def test_parse_links_vlan_device_captured_in_the_vm():
    links = net_runtime.parse_links(json.loads(fixture_text('vlan-bridge.addr.json')))
    assert links['tr0.100']['kind'] == 'vlan' and links['tr0.100']['vlan_id'] == 100
    assert links['tr0.100']['link'] == 'tr0' and links['tr0.100']['master'] == 'brtr0-100'
    record = net_runtime.bridge_record(links, 'brtr0-100')
    assert record['ports'] == ['tr0.100', 'veth101.0'] and record['forward_delay'] == 15
    # eth0's fec0:: (site scope) and fe80:: addresses are not managed addresses.
    assert [a['cidr'] for a in net_runtime.managed_addresses(links['eth0'])] == ['10.0.2.15/24']


@pytest.mark.parametrize('environ, expected', [
    ({'SSH_CONNECTION': '198.18.0.1 52000 198.18.0.2 22'}, '198.18.0.2'),
    ({'SSH_CONNECTION': 'garbage'}, None),
    ({}, None),
])
def test_management_address_from_env(environ, expected):
    assert net_runtime.management_address_from_env(environ) == expected
