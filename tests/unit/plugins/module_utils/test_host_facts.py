"""host_facts: CPU, memory, Host.OS (versions.sh), guid and OpenVZ detection on fixture trees."""

import os
import shutil

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._host import facts as host_facts
from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import HostRoot

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'host')


def fixture_root(name):
    return HostRoot(os.path.join(FIXTURES, name))


@pytest.mark.parametrize('text, guid', [
    ('192.168.42.11', 'a3f7f538-daf4-3615-84d9-5a8ec0f09091'),
    ('1', 'c4ca4238-a0b9-3382-8dcc-509a6f75849b'),
])
def test_cloudstack_guid_matches_java_name_uuid(text, guid):
    assert host_facts.cloudstack_guid(text) == guid


@pytest.mark.parametrize('tree, expected', [
    ('legacy-centos6', {'sockets': 2, 'cores': 4, 'threads': 8, 'cores_per_socket': 2,
                        'speed_mhz': 2401, 'speed_source': 'cpufreq', 'topology_source': 'cpuinfo'}),
    ('openvz7', {'sockets': 1, 'cores': 4, 'threads': 4, 'cores_per_socket': 4,
                 'speed_mhz': 2994, 'speed_source': 'cpuinfo', 'topology_source': 'assumed'}),
    ('debian', {'sockets': 1, 'cores': 2, 'threads': 2, 'cores_per_socket': 2,
                'speed_mhz': 2000, 'speed_source': 'cpuinfo', 'topology_source': 'sysfs'}),
])
def test_cpu_facts(tree, expected):
    facts = host_facts.cpu_facts(fixture_root(tree))
    assert dict((key, facts[key]) for key in expected) == expected


def test_cpu_model_and_flags():
    facts = host_facts.cpu_facts(fixture_root('legacy-centos6'))
    assert facts['model'] == 'Intel(R) Xeon(R) CPU           E5620  @ 2.40GHz'
    assert 'vmx' in facts['flags']


def test_cpu_facts_without_cpuinfo(tmp_path):
    facts = host_facts.cpu_facts(HostRoot(str(tmp_path)))
    assert facts['threads'] is None and facts['sockets'] is None and facts['speed_mhz'] is None


@pytest.mark.parametrize('tree, total, free, available', [
    ('legacy-centos6', 49421048 * 1024, 30125540 * 1024, None),
    ('openvz7', 8008264 * 1024, 1234560 * 1024, 6543210 * 1024),
])
def test_memory_facts(tree, total, free, available):
    facts = host_facts.memory_facts(fixture_root(tree))
    assert (facts['total_bytes'], facts['free_bytes'], facts['available_bytes']) == (total, free, available)


def test_parse_meminfo_keeps_unitless_counts():
    assert host_facts.parse_meminfo('HugePages_Total:       4\nMemTotal: 10 kB\n') == {
        'HugePages_Total': 4, 'MemTotal': 10240}


def _tree_with(tmp_path, relative, fixture):
    target = tmp_path / 'etc' / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(os.path.join(FIXTURES, 'release-files', relative, fixture), str(target))
    return HostRoot(str(tmp_path))


@pytest.mark.parametrize('fixture, os_name, version', [
    ('centos-6.10', 'CentOS', '6.10'),
    ('centos-7.9', 'CentOS', '7.9.2009'),
    # fields 3 and 4 are "7.0.22 (136)": grep -o keeps both digit runs, echo joins them.
    ('openvz-7.0.22', 'OpenVZ', '7.0.22 136'),
    ('virtuozzo-7.5', 'Virtuozzo', '7.5'),
    # fields 3 and 4 are "Enterprise Linux": no digits, an empty version as versions.sh prints.
    ('rhel-6.5', 'Red', ''),
    ('scientific-6.10', 'Scientific', '6.10'),
    ('empty', '', ''),
])
def test_host_os_from_redhat_release(tmp_path, fixture, os_name, version):
    facts = host_facts.host_os(_tree_with(tmp_path, 'redhat-release', fixture))
    assert (facts['os'], facts['version'], facts['source']) == (os_name, version, '/etc/redhat-release')


@pytest.mark.parametrize('fixture, os_name, version', [
    ('ubuntu-14.04', 'Ubuntu', '14.04'),
    ('quoted', '"Ubuntu"', '"20.04"'),
])
def test_host_os_from_lsb_release(tmp_path, fixture, os_name, version):
    facts = host_facts.host_os(_tree_with(tmp_path, 'lsb-release', fixture))
    assert (facts['os'], facts['version']) == (os_name, version)


@pytest.mark.parametrize('fixture, os_name, version', [
    ('debian-12-quoted', 'Debian GNU/Linux', '12'),
    ('unquoted', '', ''),
])
def test_host_os_from_os_release(tmp_path, fixture, os_name, version):
    facts = host_facts.host_os(_tree_with(tmp_path, 'os-release', fixture))
    assert (facts['os'], facts['version']) == (os_name, version)


def test_host_os_redhat_release_wins_over_os_release():
    assert host_facts.host_os(fixture_root('openvz7'))['os'] == 'OpenVZ'


def test_host_os_unknown(tmp_path):
    assert host_facts.host_os(HostRoot(str(tmp_path))) == {'os': 'Unknown Linux', 'version': 'X.Y', 'source': None}


def test_kernel_release_falls_back_to_uname(tmp_path):
    assert host_facts.kernel_release(HostRoot(str(tmp_path))) == os.uname()[2]
    assert host_facts.kernel_release(fixture_root('openvz7')) == '3.10.0-1160.80.1.vz7.191.4'


@pytest.mark.parametrize('release, flavour', [
    ('2.6.32-042stab145.3', 'legacy'),
    ('2.6.32-042stab092.1', 'legacy'),
    ('3.10.0-1160.80.1.vz7.191.4', 'openvz7'),
    ('6.1.0-28-amd64', None),
    ('', None),
])
def test_kernel_flavour(release, flavour):
    assert host_facts.kernel_flavour(release) == flavour


@pytest.mark.parametrize('output, expected', [
    ('vzctl version 4.11.1\n', ('legacy', '4.11.1')),
    ('vzctl v.7.0.254\n', ('openvz7', '7.0.254')),
    ('something else\n', (None, None)),
    (None, (None, None)),
])
def test_parse_vzctl_version(output, expected):
    assert host_facts.parse_vzctl_version(output) == expected


def test_openvz_facts_legacy_host():
    root = fixture_root('legacy-centos6')
    facts = host_facts.openvz_facts(root, '2.6.32-042stab145.3', '/usr/sbin/vzctl', '/usr/sbin/vzlist',
                                    'vzctl version 4.11.1\n')
    assert facts['flavour'] == 'legacy' and facts['vzctl_version'] == '4.11.1'
    assert facts['openvz_kernel'] and facts['kernel_role'] == 'host' and facts['is_host']
    assert facts['evidence']['proc_vz_version'] and facts['evidence']['proc_bc']
    assert facts['evidence']['env_id'] == 0 and facts['evidence']['kernel_pattern'] == 'legacy'


def test_openvz_facts_vz7_host_without_tools_is_not_a_usable_host():
    facts = host_facts.openvz_facts(fixture_root('openvz7'), '3.10.0-1160.80.1.vz7.191.4')
    assert facts['flavour'] == 'openvz7' and facts['vzctl_version'] is None
    assert facts['kernel_role'] == 'host' and not facts['is_host'] and not facts['tools_installed']


def test_openvz_facts_inside_container():
    facts = host_facts.openvz_facts(fixture_root('container'), '2.6.32-042stab145.3', '/usr/sbin/vzctl',
                                    '/usr/sbin/vzlist', 'vzctl version 4.11.1')
    assert facts['kernel_role'] == 'container' and not facts['is_host']
    assert facts['evidence']['env_id'] == 101


def test_openvz_facts_plain_kernel_with_emulated_tools():
    facts = host_facts.openvz_facts(fixture_root('debian'), '6.1.0-28-amd64', '/usr/sbin/vzctl',
                                    '/usr/sbin/vzlist', 'vzctl version 4.11.1\n')
    assert facts['flavour'] == 'legacy' and not facts['openvz_kernel'] and not facts['is_host']
    assert facts['kernel_role'] is None and facts['tools_installed']


def test_lve_kernel_is_not_openvz(tmp_path):
    (tmp_path / 'proc' / 'vz').mkdir(parents=True)
    (tmp_path / 'proc' / 'lve').mkdir()
    (tmp_path / 'proc' / 'vz' / 'version').write_text('')
    facts = host_facts.openvz_facts(HostRoot(str(tmp_path)), '2.6.32-042stab145.3')
    assert not facts['openvz_kernel'] and facts['kernel_role'] is None


@pytest.mark.parametrize('tree, count', [('legacy-centos6', 2), ('openvz7', 1), ('debian', 0)])
def test_count_container_configs(tree, count):
    assert host_facts.count_container_configs(fixture_root(tree)) == count


@pytest.mark.parametrize('stdout, count', [('', 0), ('       101\n       102\n', 2), ('\n', 0)])
def test_count_vzlist_ids(stdout, count):
    assert host_facts.count_vzlist_ids(stdout) == count


@pytest.mark.parametrize('prefix, netmask', [(24, '255.255.255.0'), (16, '255.255.0.0'), (0, '0.0.0.0'),
                                             (32, '255.255.255.255'), (23, '255.255.254.0')])
def test_prefix_to_netmask(prefix, netmask):
    assert host_facts.prefix_to_netmask(prefix) == netmask


def test_parse_ip_addr_oneline():
    out = ('5: vmbr0    inet 198.18.0.1/24 brd 198.18.0.255 scope global vmbr0\\       valid_lft forever\n'
           '5: vmbr0    inet 198.18.1.1/23 scope global secondary vmbr0\\       valid_lft forever\n')
    assert host_facts.parse_ip_addr_oneline(out) == [
        {'address': '198.18.0.1', 'prefix': 24, 'netmask': '255.255.255.0'},
        {'address': '198.18.1.1', 'prefix': 23, 'netmask': '255.255.254.0'}]


def test_interface_mac():
    assert host_facts.interface_mac(fixture_root('legacy-centos6'), 'vmbr0') == '00:16:3e:12:34:56'
    assert host_facts.interface_mac(fixture_root('legacy-centos6'), 'nope0') is None
