"""_net.persist: rendered ifcfg files and ifupdown stanzas, detection, atomic writes."""

import os

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._net import persist as net_persist

from ansible.module_utils import basic
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

HEADER_BRIDGE = '# Managed by openvz.cloud.bridge; local edits are overwritten.\n'
HEADER_VLAN = '# Managed by openvz.cloud.vlan; local edits are overwritten.\n'
SPEC = {'name': 'cloudbr0', 'ports': ['eth0'], 'stp': False, 'forward_delay': 0, 'mtu': 9000,
        'ipv6': False, 'address': '198.18.0.2/24', 'gateway': '198.18.0.1'}


def test_ifcfg_bridge_with_address(tmp_path):
    files = net_persist.bridge_files('ifcfg', str(tmp_path), SPEC)
    assert files == {
        str(tmp_path / 'ifcfg-cloudbr0'): HEADER_BRIDGE + (
            'DEVICE=cloudbr0\nTYPE=Bridge\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nSTP=no\nDELAY=0\n'
            'MTU=9000\nIPV6INIT=no\nIPADDR=198.18.0.2\nPREFIX=24\nGATEWAY=198.18.0.1\n'),
        str(tmp_path / 'ifcfg-eth0'): HEADER_BRIDGE + (
            'DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nBRIDGE=cloudbr0\n'),
    }


def test_ifcfg_bridge_minimal_and_released_port(tmp_path):
    (tmp_path / 'ifcfg-eth1').write_text('DEVICE="eth1"\nUUID=4a3c\nBRIDGE=cloudbr1\nONBOOT=yes\n')
    (tmp_path / 'ifcfg-eth2').write_text('DEVICE=eth2\nBRIDGE=other\n')
    files = net_persist.bridge_files('ifcfg', str(tmp_path), {'name': 'cloudbr1', 'ports': []})
    assert files == {
        str(tmp_path / 'ifcfg-cloudbr1'): HEADER_BRIDGE + (
            'DEVICE=cloudbr1\nTYPE=Bridge\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\n'),
        str(tmp_path / 'ifcfg-eth1'): HEADER_BRIDGE + (
            'DEVICE=eth1\nUUID=4a3c\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\n'),
    }


def test_ifcfg_bridge_absent(tmp_path):
    (tmp_path / 'ifcfg-eth0').write_text('DEVICE=eth0\nBRIDGE=cloudbr0\n')
    files = net_persist.bridge_files('ifcfg', str(tmp_path), {'name': 'cloudbr0'}, present=False)
    assert files == {str(tmp_path / 'ifcfg-cloudbr0'): None,
                     str(tmp_path / 'ifcfg-eth0'): HEADER_BRIDGE + (
                         'DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\n')}


def test_ifupdown_bridge_with_address():
    assert net_persist.bridge_files('ifupdown', '/etc/network/interfaces.d', SPEC) == {
        '/etc/network/interfaces.d/cloudbr0': HEADER_BRIDGE + (
            'auto cloudbr0\n'
            'iface cloudbr0 inet static\n'
            '    address 198.18.0.2/24\n'
            '    gateway 198.18.0.1\n'
            '    pre-up [ -d /sys/class/net/cloudbr0 ] || ip link add name cloudbr0 type bridge\n'
            '    pre-up ip link set dev cloudbr0 type bridge stp_state 0 forward_delay 0\n'
            '    pre-up echo 1 > /proc/sys/net/ipv6/conf/cloudbr0/disable_ipv6\n'
            '    pre-up ip link set dev eth0 master cloudbr0\n'
            '    pre-up ip link set dev eth0 up\n'
            '    pre-up ip link set dev cloudbr0 mtu 9000\n'
            '    post-down ip link del dev cloudbr0\n')}


def test_ifupdown_bridge_manual():
    files = net_persist.bridge_files('ifupdown', '/d', {'name': 'br1', 'ports': [], 'ipv6': True})
    assert files == {'/d/br1': HEADER_BRIDGE + (
        'auto br1\niface br1 inet manual\n'
        '    pre-up [ -d /sys/class/net/br1 ] || ip link add name br1 type bridge\n'
        '    post-down ip link del dev br1\n')}
    assert net_persist.bridge_files('ifupdown', '/d', {'name': 'br1'}, present=False) == {'/d/br1': None}


def test_vlan_files_ifcfg():
    assert net_persist.vlan_files('ifcfg', '/n', 'eth1', 100, 'eth1.100', 'breth1-100') == {
        '/n/ifcfg-eth1.100': HEADER_VLAN + (
            'DEVICE=eth1.100\nVLAN=yes\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nBRIDGE=breth1-100\nIPV6INIT=no\n'),
        '/n/ifcfg-breth1-100': HEADER_VLAN + (
            'DEVICE=breth1-100\nTYPE=Bridge\nONBOOT=yes\nBOOTPROTO=none\nNM_CONTROLLED=no\nIPV6INIT=no\n'),
    }
    assert net_persist.vlan_files('ifcfg', '/n', 'eth1', 100, 'eth1.100', 'breth1-100', present=False) == {
        '/n/ifcfg-eth1.100': None, '/n/ifcfg-breth1-100': None}


def test_vlan_files_ifupdown():
    assert net_persist.vlan_files('ifupdown', '/i', 'eth1', 100, 'eth1.100', 'breth1-100') == {
        '/i/breth1-100': HEADER_VLAN + (
            'auto breth1-100\niface breth1-100 inet manual\n'
            '    pre-up ip link set dev eth1 up\n'
            '    pre-up [ -d /sys/class/net/eth1.100 ] || ip link add link eth1 name eth1.100 type vlan id 100\n'
            '    pre-up echo 1 > /proc/sys/net/ipv6/conf/eth1.100/disable_ipv6\n'
            '    pre-up ip link set dev eth1.100 up\n'
            '    pre-up [ -d /sys/class/net/breth1-100 ] || ip link add name breth1-100 type bridge\n'
            '    pre-up echo 1 > /proc/sys/net/ipv6/conf/breth1-100/disable_ipv6\n'
            '    pre-up ip link set dev eth1.100 master breth1-100\n'
            '    post-down ip link del dev eth1.100\n'
            '    post-down ip link del dev breth1-100\n')}


@pytest.mark.parametrize('make, expected', [
    (['etc/sysconfig/network-scripts/', 'etc/network/interfaces'], 'ifcfg'),
    (['etc/network/interfaces'], 'ifupdown'),
    (['etc/network/'], None),
])
def test_detect_system(tmp_path, make, expected):
    for entry in make:
        path = tmp_path / entry
        if entry.endswith('/'):
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text('')
    assert net_persist.detect_system(str(tmp_path)) == expected


def test_resolve_refuses_unknown_system(tmp_path):
    with pytest.raises(net_persist.PersistError) as err:
        net_persist.resolve({'config_system': 'auto', 'config_dir': None}, str(tmp_path))
    assert 'Set config_system:' in str(err.value)
    assert net_persist.resolve({'config_system': 'ifupdown', 'config_dir': None}) == (
        'ifupdown', '/etc/network/interfaces.d')


@pytest.mark.parametrize('text, expected', [
    ('auto lo\niface lo inet loopback\nsource /etc/network/interfaces.d/*\n', True),
    ('source-directory /etc/network/interfaces.d\n', True),
    ('auto lo\niface lo inet loopback\n', False),
])
def test_sources_directory(tmp_path, text, expected):
    main = tmp_path / 'interfaces'
    main.write_text(text)
    assert net_persist.sources_directory('/etc/network/interfaces.d', str(main)) is expected


def test_persist_warns_and_writes_atomically(tmp_path, monkeypatch):
    main = tmp_path / 'interfaces'
    main.write_text('auto eth0\niface eth0 inet static\n    address 198.18.0.2/24\n')
    directory = tmp_path / 'interfaces.d'
    with patch_module_args({}):
        module = basic.AnsibleModule(argument_spec={})
    moved = []
    monkeypatch.setattr(module, 'atomic_move', lambda src, dest, _move=module.atomic_move: (
        moved.append(dest), _move(src, dest)))
    params = {'config_system': 'ifupdown', 'config_dir': str(directory)}
    monkeypatch.setattr(net_persist, 'IFUPDOWN_MAIN', str(main))
    changes, system, _dir = net_persist.persist(
        module, params, lambda system, d: net_persist.bridge_files(system, d, SPEC), ['cloudbr0', 'eth0'])
    assert system == 'ifupdown' and [c['path'] for c in changes] == [str(directory / 'cloudbr0')]
    assert (directory / 'cloudbr0').read_text().startswith(HEADER_BRIDGE)
    assert oct(os.stat(str(directory / 'cloudbr0')).st_mode & 0o777) == '0o644'
    assert os.listdir(str(directory)) == ['cloudbr0']
    assert moved == [str(directory / 'cloudbr0')]
    issued = warnings.get_warning_messages()
    assert any('does not source' in w for w in issued)
    assert any('eth0 is also configured in %s' % main in w for w in issued)


def test_plan_files_and_diffs(tmp_path):
    same = tmp_path / 'same'
    same.write_text('x\n')
    gone = tmp_path / 'gone'
    gone.write_text('old\n')
    changes = net_persist.plan_files({str(same): 'x\n', str(gone): None, str(tmp_path / 'new'): 'n\n',
                                      str(tmp_path / 'never'): None})
    assert [(c['path'], c['before'], c['after']) for c in changes] == [
        (str(gone), 'old\n', None), (str(tmp_path / 'new'), None, 'n\n')]
    net_persist.apply_files(changes)
    assert not gone.exists() and (tmp_path / 'new').read_text() == 'n\n'
    assert net_persist.file_diffs(changes)[0] == {'before_header': str(gone), 'after_header': str(gone),
                                                  'before': 'old\n', 'after': ''}
