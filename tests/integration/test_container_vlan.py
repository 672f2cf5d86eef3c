"""A tagged container NIC on the full-kernel lab VM: VLAN bridge br<trunk>-<vid> made on
the host, the container's veth in it (seen with `ip -j link`). A dummy device stands in
for the trunk NIC. Everything made is removed afterwards."""

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

TRUNK = 'ittrunk0'
BRIDGE = 'brittrunk0-100'
TEMPLATE = 'busybox-1.35-x86_64.tar.gz'
BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
ANSIBLE_BIN = os.path.dirname(sys.executable)


def ssh_ok(lab, command, **kwargs):
    result = lab.ssh(command, **kwargs)
    assert result.returncode == 0, '%s: %s%s' % (command, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture
def vlan_host(vm_lab, tmp_path):  # pylint: disable=redefined-outer-name
    subprocess.run([sys.executable, BUILDER, str(tmp_path)], check=True, stdout=subprocess.DEVNULL)
    with open(str(tmp_path / TEMPLATE), 'rb') as handle:
        subprocess.run(vm_lab.ssh_argv('mkdir -p /vz/template/cache && cat > /vz/template/cache/' + TEMPLATE),
                       input=handle.read(), check=True, timeout=120)
    had_vznet = vm_lab.ssh(['test', '-e', '/etc/vz/vznet.conf']).returncode == 0
    if not had_vznet:
        ssh_ok(vm_lab, "printf 'EXTERNAL_SCRIPT=\"/usr/sbin/vznetaddbr\"\\n' > /etc/vz/vznet.conf")
    ssh_ok(vm_lab, ['ip', 'link', 'add', TRUNK, 'type', 'dummy'])
    ssh_ok(vm_lab, ['ip', 'link', 'set', TRUNK, 'up'])
    try:
        yield vm_lab
    finally:
        vm_lab.ssh('vzctl stop 4102 --fast; vzctl destroy 4102; ip link del %s; ip link del %s.100; '
                   'ip link del %s; rm -f /vz/template/cache/%s %s'
                   % (BRIDGE, TRUNK, TRUNK, TEMPLATE, '' if had_vznet else '/etc/vz/vznet.conf'))


def test_tagged_nic_on_vlan_bridge(vlan_host):  # pylint: disable=redefined-outer-name
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_PIPELINING='1')
    result = subprocess.run(
        [os.path.join(ANSIBLE_BIN, 'ansible-playbook'), '-i', vlan_host.inventory,
         os.path.join(HERE, 'targets', 'container', 'vlan.yml'), '-e', 'it_trunk=' + TRUNK],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env, timeout=900,
        check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    links = dict((link['ifname'], link) for link in json.loads(ssh_ok(vlan_host, ['ip', '-j', 'link', 'show'])))
    assert links['veth4102.0'].get('master') == BRIDGE
    assert links[TRUNK + '.100'].get('master') == BRIDGE
    assert 'UP' in links[BRIDGE]['flags']
