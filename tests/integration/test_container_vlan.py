"""A tagged container NIC on the full-kernel lab VM, on both lines (the VM provisioned as a
legacy host, then as an OpenVZ 7 host): VLAN bridge br<trunk>-<vid> made on the host over a
real 802.1Q device, the container's host veth in it (seen with `ip -j link`), and on 7/9 a
bridged virtual network bound to the bridge (`prlsrvctl net list -j`). A dummy device stands
in for the trunk NIC. Check mode, the run and a second run (no change) are asserted by the
playbook. Everything made is removed afterwards."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position
from vm_fixture import provisioned_as, ssh_ok  # noqa: E402  pylint: disable=wrong-import-position

TRUNK = 'ittrunk0'
BRIDGE = 'brittrunk0-100'
TEMPLATE = 'busybox-1.35-x86_64.tar.gz'
BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
ANSIBLE_BIN = os.path.dirname(sys.executable)


@pytest.fixture(params=['legacy', 'vz7'])
def vlan_host(request, vm_lab, tmp_path):  # pylint: disable=redefined-outer-name
    """The VM as a host of one line with a trunk (vz7 brings its EZ busybox cache)."""
    flavour = request.param
    with provisioned_as(vm_lab, flavour):
        if flavour == 'legacy':
            subprocess.run([sys.executable, BUILDER, str(tmp_path)], check=True, stdout=subprocess.DEVNULL)
            with open(str(tmp_path / TEMPLATE), 'rb') as handle:
                subprocess.run(vm_lab.ssh_argv('mkdir -p /vz/template/cache && cat > /vz/template/cache/' + TEMPLATE),
                               input=handle.read(), check=True, timeout=120)
        had_vznet = vm_lab.ssh(['test', '-e', '/etc/vz/vznet.conf']).returncode == 0
        if flavour == 'legacy' and not had_vznet:
            ssh_ok(vm_lab, "printf 'EXTERNAL_SCRIPT=\"/usr/sbin/vznetaddbr\"\\n' > /etc/vz/vznet.conf")
        ssh_ok(vm_lab, ['ip', 'link', 'add', TRUNK, 'type', 'dummy'])
        ssh_ok(vm_lab, ['ip', 'link', 'set', TRUNK, 'up'])
        try:
            yield flavour, vm_lab
        finally:
            if flavour == 'vz7':
                vm_lab.ssh('prlctl stop ct4102 --kill; prlctl delete ct4102; prlsrvctl net del %s; ip link del %s; '
                           'ip link del %s.100; ip link del %s' % (BRIDGE, BRIDGE, TRUNK, TRUNK))
            else:
                vm_lab.ssh('vzctl stop 4102 --fast; vzctl destroy 4102; ip link del %s; ip link del %s.100; '
                           'ip link del %s; rm -f /vz/template/cache/%s %s'
                           % (BRIDGE, TRUNK, TRUNK, TEMPLATE, '' if had_vznet else '/etc/vz/vznet.conf'))


def test_tagged_nic_on_vlan_bridge(vlan_host, tmp_path):  # pylint: disable=redefined-outer-name
    flavour, lab = vlan_host
    result_file = tmp_path / 'host_ifname'
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_PIPELINING='1')
    result = subprocess.run(
        [os.path.join(ANSIBLE_BIN, 'ansible-playbook'), '-i', lab.inventory,
         os.path.join(HERE, 'targets', 'container', 'vlan.yml'), '-e', 'it_trunk=' + TRUNK,
         '-e', 'it_layout=%s' % ('simfs' if flavour == 'legacy' else 'ploop'),
         '-e', 'it_result_file=%s' % result_file] + (['-e', 'it_name=ct4102'] if flavour == 'vz7' else []),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env, timeout=900,
        check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    host_ifname = result_file.read_text().strip()
    if flavour == 'legacy':
        assert host_ifname == 'veth4102.0'
    links = dict((link['ifname'], link) for link in json.loads(ssh_ok(lab, ['ip', '-j', '-d', 'link', 'show'])))
    assert links[host_ifname].get('master') == BRIDGE
    vlan_device = links[TRUNK + '.100']
    assert vlan_device.get('master') == BRIDGE
    assert vlan_device['linkinfo']['info_data']['id'] == 100 and vlan_device['link'] == TRUNK
    assert 'UP' in links[BRIDGE]['flags']
    if flavour == 'vz7':
        networks = json.loads(ssh_ok(lab, ['prlsrvctl', 'net', 'list', '-j']))
        assert {'Network ID': BRIDGE, 'Type': 'bridged', 'Bound To': BRIDGE, 'Bridge': BRIDGE} in networks
        assert json.loads(ssh_ok(lab, ['prlctl', 'list', '-a', '-j', '-o', 'name,status'])) == \
            [{'name': 'ct4102', 'status': 'running'}]
