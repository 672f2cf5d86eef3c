"""host_info module: arguments in, exact commands out, the host report back."""

import json
import os
import sys

from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import cloudstack_guid
from ansible_collections.openvz.cloud.plugins.modules import host_info

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, run_module as harness_run  # noqa: E402  pylint: disable=wrong-import-position

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures')
HOSTS = os.path.join(FIXTURES, 'host')
VZCTL_VERSION = ['/usr/sbin/vzctl', '--version']
VZLIST = ['/usr/sbin/vzlist', '-a', '-1']
PRLCTL_LIST = ['/usr/sbin/prlctl', 'list', '-a', '-o', 'uuid', '-j']
LOGIN_FAILED = ('Login failed: Unable to connect to Virtuozzo. You may experience a connection problem or the '
                'server may be down. Contact your Virtuozzo administrator for assistance.\n')
IP_OUT = ('5: vmbr0    inet 198.18.0.11/24 brd 198.18.0.255 scope global vmbr0\\       valid_lft forever '
          'preferred_lft forever\n')


def run_module(monkeypatch, capsys, args, expect, **kwargs):
    return harness_run(monkeypatch, capsys, host_info, args, expect, vz_options=False, **kwargs)


def addr_show():
    with open(os.path.join(FIXTURES, 'net', 'bridge-with-veth.addr.json')) as handle:
        return (0, handle.read(), '')


def test_legacy_host_with_management_bridge(monkeypatch, capsys):
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl version 4.11.1\n', '')),
        (['/usr/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'vmbr0'], (0, IP_OUT, '')),
        (VZLIST, (0, '       101\n       102\n', '')),
        (['/usr/sbin/ip', '-j', '-d', 'addr', 'show'], addr_show()),
    ])
    result = run_module(monkeypatch, capsys, {
        'root': os.path.join(HOSTS, 'legacy-centos6'), 'management_bridge': 'vmbr0'}, expect)
    expect.assert_done()
    assert result['changed'] is False
    host = result['host']
    assert host['hypervisor']['flavour'] == 'legacy' and host['hypervisor']['vzctl_version'] == '4.11.1'
    assert host['hypervisor']['is_host'] is True
    assert host['details'] == {'Host.OS': 'CentOS', 'Host.OS.Version': '6.10',
                               'Host.OS.Kernel.Version': '2.6.32-042stab145.3'}
    assert host['private'] == {'interface': 'vmbr0', 'ip': '198.18.0.11', 'netmask': '255.255.255.0', 'prefix': 24,
                               'mac': '00:16:3e:12:34:56',
                               'addresses': [{'address': '198.18.0.11', 'prefix': 24, 'netmask': '255.255.255.0'}]}
    assert host['guid_address'] == '198.18.0.11'
    assert host['guid'] == cloudstack_guid('198.18.0.11')
    assert host['cpu']['sockets'] == 2 and host['cpu']['threads'] == 8 and host['cpu']['speed_mhz'] == 2401
    assert host['memory']['total_bytes'] == 49421048 * 1024
    assert host['bridges'] == [{'name': 'cloudbr0', 'ports': ['eth0', 'veth101.0'], 'mtu': 1400, 'state': 'up',
                                'addresses': ['198.18.0.2/24'], 'stp': False, 'forward_delay': 0,
                                'mac': '52:54:00:12:34:56'}]
    assert (host['container_count'], host['container_count_source']) == (2, 'vzlist')


def test_guid_address_option_and_no_bridges(monkeypatch, capsys):
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl v.7.0.254\n', '')),
        (PRLCTL_LIST, (0, '[\n\n]\n', '')),
        (VZLIST, (0, '', 'Container(s) not found\n')),
    ])
    result = run_module(monkeypatch, capsys, {
        'root': os.path.join(HOSTS, 'openvz7'), 'guid_address': '192.168.42.11', 'gather_bridges': False}, expect)
    expect.assert_done()
    host = result['host']
    assert host['hypervisor']['dispatcher'] == {'prlctl': '/usr/sbin/prlctl', 'running': True, 'rc': 0,
                                                'message': None}
    assert host['guid'] == 'a3f7f538-daf4-3615-84d9-5a8ec0f09091'
    assert host['private'] is None and host['bridges'] is None
    assert host['hypervisor']['flavour'] == 'openvz7' and host['hypervisor']['vzctl_version'] == '7.0.254'
    assert host['details']['Host.OS'] == 'OpenVZ' and host['container_count'] == 0


def test_vz7_host_whose_dispatcher_is_down(monkeypatch, capsys):
    """prlctl exits 253 when it cannot log in to prl-disp-service (OpenVZ/prlctl Utils.cpp)."""
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl v.7.0.254\n', '')),
        (PRLCTL_LIST, (253, '', LOGIN_FAILED)),
        (VZLIST, (0, '', '')),
    ])
    result = run_module(monkeypatch, capsys, {'root': os.path.join(HOSTS, 'openvz7'), 'gather_bridges': False},
                        expect)
    expect.assert_done()
    assert result['host']['hypervisor']['dispatcher'] == {
        'prlctl': '/usr/sbin/prlctl', 'running': False, 'rc': 253, 'message': LOGIN_FAILED.strip()}


def test_vz7_host_without_prlctl_and_legacy_host_have_no_dispatcher_read(monkeypatch, capsys):
    expect = Expect([(VZCTL_VERSION, (0, 'vzctl v.7.0.254\n', '')), (VZLIST, (0, '', ''))])
    result = run_module(monkeypatch, capsys, {'root': os.path.join(HOSTS, 'openvz7'), 'gather_bridges': False},
                        expect, missing_bins=('prlctl',))
    expect.assert_done()
    assert result['host']['hypervisor']['dispatcher'] == {'prlctl': None, 'running': None, 'rc': None,
                                                          'message': 'prlctl not found'}
    expect = Expect([(VZCTL_VERSION, (0, 'vzctl version 4.11.1\n', '')), (VZLIST, (0, '', ''))])
    result = run_module(monkeypatch, capsys, {'root': os.path.join(HOSTS, 'legacy-centos6'),
                                              'gather_bridges': False}, expect)
    expect.assert_done()
    assert result['host']['hypervisor']['dispatcher'] is None


def test_without_openvz_tools_counts_configs(monkeypatch, capsys):
    expect = Expect([])
    result = run_module(monkeypatch, capsys, {
        'root': os.path.join(HOSTS, 'legacy-centos6'), 'gather_bridges': False}, expect,
        missing_bins=('vzctl', 'vzlist'))
    host = result['host']
    assert expect.calls == []
    assert host['hypervisor']['tools_installed'] is False and host['hypervisor']['is_host'] is False
    assert host['hypervisor']['flavour'] == 'legacy'  # from the kernel release
    assert (host['container_count'], host['container_count_source']) == (2, 'configs')
    assert host['guid'] is None


def test_failing_vzlist_falls_back_with_warning(monkeypatch, capsys):
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl version 4.11.1\n', '')),
        (VZLIST, (1, '', 'This program can only be run under root.\n')),
    ])
    result = run_module(monkeypatch, capsys, {
        'root': os.path.join(HOSTS, 'legacy-centos6'), 'gather_bridges': False}, expect)
    expect.assert_done()
    assert result['host']['container_count_source'] == 'configs'
    assert 'counting container configs' in json.dumps(result['warnings'])


def test_missing_management_bridge_fails_with_command_details(monkeypatch, capsys):
    argv = ['/usr/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'cloudbr9']
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl version 4.11.1\n', '')),
        (argv, (1, '', 'Device "cloudbr9" does not exist.\n')),
    ])
    result = run_module(monkeypatch, capsys, {
        'root': os.path.join(HOSTS, 'legacy-centos6'), 'management_bridge': 'cloudbr9'}, expect)
    expect.assert_done()
    assert result['failed'] is True
    assert result['msg'] == 'Management interface cloudbr9 was not found: Device "cloudbr9" does not exist.'
    assert result['cmd'] == argv and result['rc'] == 1


def test_failing_bridge_query_fails_with_command_details(monkeypatch, capsys):
    expect = Expect([
        (VZCTL_VERSION, (0, 'vzctl version 4.11.1\n', '')),
        (VZLIST, (0, '', '')),
        (['/usr/sbin/ip', '-j', '-d', 'addr', 'show'], (255, '', 'Error: RTNETLINK answers: Permission denied\n')),
    ])
    result = run_module(monkeypatch, capsys, {'root': os.path.join(HOSTS, 'legacy-centos6')}, expect)
    expect.assert_done()
    assert result['failed'] is True and result['rc'] == 255 and 'Permission denied' in result['msg']
