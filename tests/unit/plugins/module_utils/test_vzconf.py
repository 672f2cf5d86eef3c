"""vz.conf syntax as vzctl reads it, the settings editor, NETIF lists."""

import os

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import vzconf

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'vz', 'etc', 'vz')


@pytest.mark.parametrize('text, expected', [
    ('A=1\n', {'A': '1'}),
    ('A="1 2"\n', {'A': '1 2'}),
    ('A="x "y" z" # c\n', {'A': 'x "y" z'}),
    ('NAMESERVER=inherit # Copy from host\n', {'NAMESERVER': 'inherit # Copy from host'}),
    ('  A="1"  \n', {'A': '1'}),
    ('A=1\nA=2\n', {'A': '1'}),
    ('# A=1\n\n   \nB=\n', {'B': ''}),
    ('no equals sign\nC="open\n', {'C': 'open'}),
    ('a=1\nA=2\n', {'a': '1', 'A': '2'}),
    ('VE_ROOT=/vz/root/$VEID\n', {'VE_ROOT': '/vz/root/$VEID'}),
    ('', {}),
])
def test_parse_vz_config(text, expected):
    assert vzconf.parse_vz_config(text) == expected


def test_vz_conf_fixture():
    conf = vzconf.read_vz_config(os.path.join(FIXTURES, 'vz.conf'))
    assert conf['CONFIGFILE'] == 'vswap-256m' and conf['VE_LAYOUT'] == 'ploop'
    assert conf['VE_PRIVATE'] == '/vz/private/$VEID' and 'MODULES_DISABLED' not in conf
    assert conf['IPTABLES_MODULES'].startswith('ipt_REJECT ')


def test_ct_conf_fixture_first_duplicate_wins():
    conf = vzconf.read_vz_config(vzconf.ctid_conf_path(2001, os.path.join(FIXTURES, 'conf')))
    assert conf['HOSTNAME'] == 'web1.example.org'
    assert conf['CONFIG_CUSTOMIZED'] == 'yes'


def test_missing_file_reads_empty(tmp_path):
    assert vzconf.read_vz_config(str(tmp_path / 'nope.conf')) == {}


@pytest.mark.parametrize('value, expected', [
    ('ifname=eth0,bridge=br0,mac=00:18:51:0a:1b:2c,host_ifname=veth2001.0,host_mac=00:18:51:3D:4E:5F',
     [{'ifname': 'eth0', 'bridge': 'br0', 'mac': '00:18:51:0A:1B:2C', 'host_ifname': 'veth2001.0',
       'host_mac': '00:18:51:3D:4E:5F'}]),
    ('host_mac=00:18:51:00:00:02,ifname=eth1,mac=00:18:51:00:00:01,host_ifname=veth1.1,type=bridge',
     [{'ifname': 'eth1', 'mac': '00:18:51:00:00:01', 'host_ifname': 'veth1.1',
       'host_mac': '00:18:51:00:00:02'}]),
    ('ifname=eth0;ifname=eth1,bridge=vmbr1;', [{'ifname': 'eth0'}, {'ifname': 'eth1', 'bridge': 'vmbr1'}]),
    ('', []), (None, []), ('mac=00:18:51:00:00:01', []),
])
def test_parse_netif(value, expected):
    assert vzconf.parse_netif(value) == expected


@pytest.mark.parametrize('path, expected', [('/vz/private/$VEID', '/vz/private/101'),
                                            ('/vz/${VEID}/x', '/vz/101/x'), (None, None)])
def test_expand_veid(path, expected):
    assert vzconf.expand_veid(path, 101) == expected


SHIPPED = ('## Global parameters\nVIRTUOZZO=yes\n  VE_LAYOUT=ploop\n'
           '# TEMPLATE=/old\nTEMPLATE="/vz/template"\nVE_PRIVATE=/vz/private/$VEID\n')


@pytest.mark.parametrize('settings, text, changed, removed', [
    # Same value, other quoting: untouched.
    ({'VE_LAYOUT': 'ploop', 'TEMPLATE': '/vz/template'}, SHIPPED, [], []),
    ({'VE_LAYOUT': 'simfs'}, SHIPPED.replace('  VE_LAYOUT=ploop', 'VE_LAYOUT="simfs"'), ['VE_LAYOUT'], []),
    ({'VE_STOP_MODE': 'stop'}, SHIPPED + 'VE_STOP_MODE="stop"\n', ['VE_STOP_MODE'], []),
    ({'VIRTUOZZO': None, 'NOPE': None}, SHIPPED.replace('VIRTUOZZO=yes\n', ''), [], ['VIRTUOZZO']),
    ({'VE_ROOT': '/vz/root/$VEID'}, SHIPPED + 'VE_ROOT="/vz/root/$VEID"\n', ['VE_ROOT'], []),
])
def test_set_vz_config_touches_managed_lines_only(settings, text, changed, removed):
    assert vzconf.set_vz_config(SHIPPED, settings) == (text, changed, removed)


def test_set_vz_config_duplicates_agree_and_last_line_without_newline():
    text, changed, _removed = vzconf.set_vz_config('A=1\n# c\nA=2', {'A': '1', 'B': 'x'})
    assert text == 'A="1"\n# c\nA="1"\nB="x"\n' and changed == ['A', 'B']


@pytest.mark.parametrize('key, value, message', [
    ('ve_layout', 'simfs', 'upper-case shell variable name'),
    ('VE-LAYOUT', 'simfs', 'upper-case shell variable name'),
    ('', 'x', 'upper-case shell variable name'),
    ('A', 'say "hi"', "must not contain '\"'"),
    ('A', 'a\\b', 'must not contain'),
    ('A', '`reboot`', 'must not contain'),
    ('A', 'one\ntwo', 'must not contain'),
    ('A', ['x'], 'not list'),
])
def test_check_setting_refuses(key, value, message):
    with pytest.raises(vzconf.VzConfError) as err:
        vzconf.check_setting(key, value)
    assert message in str(err.value)


@pytest.mark.parametrize('value, text', [(True, 'yes'), (False, 'no'), (600, '600'), ('stop', 'stop'),
                                         (None, None)])
def test_check_setting_text(value, text):
    assert vzconf.check_setting('A', value) == text


@pytest.mark.parametrize('config, expected', [
    ({}, '/vz/template/cache'),
    ({'TEMPLATE': '/srv/vz/template/'}, '/srv/vz/template/cache'),
])
def test_template_cache_dir(config, expected):
    assert vzconf.template_cache_dir(config) == expected
