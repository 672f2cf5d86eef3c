"""host_info module: arguments in, exact commands out, the host report back."""

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.openvz.cloud.plugins.modules import host_info

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'host')
BINS = {'vzctl': '/usr/sbin/vzctl', 'vzlist': '/usr/sbin/vzlist', 'ip': '/sbin/ip'}
IP_OUT = ('5: vmbr0    inet 198.18.0.11/24 brd 198.18.0.255 scope global vmbr0\\       valid_lft forever '
          'preferred_lft forever\n')
BRIDGES = [{'name': 'vmbr0', 'ports': ['eth0', 'veth101.0'], 'mtu': 1500, 'state': 'up',
            'addresses': ['198.18.0.11/24'], 'stp': False}]


def run_module(monkeypatch, capsys, args, commands, bins=None):
    """Run host_info.main(); ``commands`` maps argv tuples to (rc, stdout, stderr)."""
    calls = []
    bins = BINS if bins is None else bins

    def run_command(self, argv, **kwargs):
        calls.append((list(argv), kwargs.get('environ_update')))
        return commands[tuple(argv)]

    def get_bin_path(self, name, required=False, opt_dirs=None):
        if name not in bins and required:
            self.fail_json(msg='Failed to find required executable "%s"' % name)
        return bins.get(name)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    monkeypatch.setattr(host_info, 'load_bridges', lambda module: BRIDGES)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            host_info.main()
    return json.loads(capsys.readouterr().out), calls


def test_legacy_host_with_management_bridge(monkeypatch, capsys):
    commands = {
        ('/usr/sbin/vzctl', '--version'): (0, 'vzctl version 4.11.1\n', ''),
        ('/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'vmbr0'): (0, IP_OUT, ''),
        ('/usr/sbin/vzlist', '-a', '-1'): (0, '       101\n       102\n', ''),
    }
    result, calls = run_module(monkeypatch, capsys, {
        'root': os.path.join(FIXTURES, 'legacy-centos6'), 'management_bridge': 'vmbr0'}, commands)
    assert [argv for argv, _env in calls] == [
        ['/usr/sbin/vzctl', '--version'],
        ['/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'vmbr0'],
        ['/usr/sbin/vzlist', '-a', '-1'],
    ]
    assert all(env == {'LC_ALL': 'C', 'LANG': 'C'} for _argv, env in calls)
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
    assert host['guid'] == host_info_guid('198.18.0.11')
    assert host['cpu']['sockets'] == 2 and host['cpu']['threads'] == 8 and host['cpu']['speed_mhz'] == 2401
    assert host['memory']['total_bytes'] == 49421048 * 1024
    assert host['bridges'] == BRIDGES
    assert (host['container_count'], host['container_count_source']) == (2, 'vzlist')


def host_info_guid(text):
    from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import cloudstack_guid
    return cloudstack_guid(text)


def test_guid_address_option_and_no_bridges(monkeypatch, capsys):
    commands = {
        ('/usr/sbin/vzctl', '--version'): (0, 'vzctl v.7.0.254\n', ''),
        ('/usr/sbin/vzlist', '-a', '-1'): (0, '', 'Container(s) not found\n'),
    }
    result, calls = run_module(monkeypatch, capsys, {
        'root': os.path.join(FIXTURES, 'openvz7'), 'guid_address': '192.168.42.11', 'gather_bridges': False},
        commands)
    host = result['host']
    assert host['guid'] == 'a3f7f538-daf4-3615-84d9-5a8ec0f09091'
    assert host['private'] is None and host['bridges'] is None
    assert host['hypervisor']['flavour'] == 'openvz7' and host['hypervisor']['vzctl_version'] == '7.0.254'
    assert host['details']['Host.OS'] == 'OpenVZ' and host['container_count'] == 0
    assert len(calls) == 2


def test_without_openvz_tools_counts_configs(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, {
        'root': os.path.join(FIXTURES, 'legacy-centos6'), 'gather_bridges': False}, {}, bins={})
    host = result['host']
    assert calls == []
    assert host['hypervisor']['tools_installed'] is False and host['hypervisor']['is_host'] is False
    assert host['hypervisor']['flavour'] == 'legacy'  # from the kernel release
    assert (host['container_count'], host['container_count_source']) == (2, 'configs')
    assert host['guid'] is None


def test_failing_vzlist_falls_back_with_warning(monkeypatch, capsys):
    commands = {
        ('/usr/sbin/vzctl', '--version'): (0, 'vzctl version 4.11.1\n', ''),
        ('/usr/sbin/vzlist', '-a', '-1'): (1, '', 'This program can only be run under root.\n'),
    }
    result, _calls = run_module(monkeypatch, capsys, {
        'root': os.path.join(FIXTURES, 'legacy-centos6'), 'gather_bridges': False}, commands)
    assert result['host']['container_count_source'] == 'configs'
    assert 'counting container configs' in json.dumps(result['warnings'])


def test_missing_management_bridge_fails_with_command_details(monkeypatch, capsys):
    commands = {
        ('/usr/sbin/vzctl', '--version'): (0, 'vzctl version 4.11.1\n', ''),
        ('/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'cloudbr9'): (1, '', 'Device "cloudbr9" does not exist.\n'),
    }
    result, _calls = run_module(monkeypatch, capsys, {
        'root': os.path.join(FIXTURES, 'legacy-centos6'), 'management_bridge': 'cloudbr9'}, commands)
    assert result['failed'] is True
    assert result['msg'] == 'Management interface cloudbr9 was not found: Device "cloudbr9" does not exist.'
    assert result['cmd'] == ['/sbin/ip', '-o', '-4', 'addr', 'show', 'dev', 'cloudbr9'] and result['rc'] == 1
