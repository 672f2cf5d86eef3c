"""CloudStack VLAN isolation through the extension on the full-kernel lab VM (real 802.1Q).

The session's one lab VM (vm_fixture, shared with the other VM tests: no extra boot) plays
two hosts' trunks: a veth pair ``csa0``/``csb0`` is the wire between them. The extension,
called by the harness as the management server calls it, deploys i-2-401 on VLAN 100 of
trunk csa0, i-2-402 on VLAN 100 of csb0 and i-2-403 on VLAN 200 of csb0, creating the VLAN
bridges br<trunk>-<vid> over <trunk>.<vid> itself; the template comes on demand from an
http URL on this machine (streamed over SSH, verified). 401 reaches 402 through tagged
frames on the wire; 403 is unreachable. Everything made is removed afterwards.

The two-VM variant (two hosts linked by eth1, as scripts/demo.sh builds them) would cost
a second and third boot; under CI load two TCG VMs did not even reach SSH within 240 s.
"""

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tests'))

import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position
from vm_fixture import vm_lab  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
ENTRY = os.path.join(REPO, 'extensions', 'cloudstack', 'openvz.py')
TEMPLATE = 'cs-vlan-busybox-x86_64'
VMS = ((401, 'csa0', 100, '198.18.100.41'), (402, 'csb0', 100, '198.18.100.42'),
       (403, 'csb0', 200, '198.18.100.43'))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def ssh_ok(lab, command):
    result = lab.ssh(command)
    assert result.returncode == 0, '%s: %s%s' % (command, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture
def wired_vm(vm_lab, tmp_path):  # pylint: disable=redefined-outer-name
    subprocess.run([sys.executable, BUILDER, str(tmp_path)], check=True, stdout=subprocess.DEVNULL)
    archive = [name for name in os.listdir(str(tmp_path)) if name.endswith('.tar.gz')][0]
    with open(str(tmp_path / archive), 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()

    def handler(*args):
        return _Quiet(*args, directory=str(tmp_path))

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    had_vznet = vm_lab.ssh(['test', '-e', '/etc/vz/vznet.conf']).returncode == 0
    ssh_ok(vm_lab, ("mkdir -p /vz/template/cache; test -e /etc/vz/vznet.conf || printf "
                    "'EXTERNAL_SCRIPT=\"/usr/sbin/vznetaddbr\"\\n' > /etc/vz/vznet.conf; "
                    "ip link add csa0 type veth peer name csb0 && ip link set csa0 up && "
                    "ip link set csb0 up"))
    with open(vm_lab.state['known_hosts']) as handle:
        keys = [line.split()[1:3] for line in handle if line.strip() and not line.startswith('#')]
    known_hosts = str(tmp_path / 'known_hosts')
    with open(known_hosts, 'w') as handle:
        handle.writelines('[%s]:%s %s %s\n' % (vm_lab.host, vm_lab.port, kind, key) for kind, key in keys)
    details = {'ostemplate': TEMPLATE, 'layout': 'simfs',
               'template_url': 'http://127.0.0.1:%d/%s' % (server.server_port, archive),
               'template_checksum': 'sha256:' + digest}
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    harness = cs.Harness(ENTRY, str(tmp_path / 'data'), env=env)
    clouds, vms = {}, []
    for number, trunk, vlan, address in VMS:
        clouds[number] = cs.CloudStack(harness, {
            'host': vm_lab.host, 'ssh_port': str(vm_lab.port), 'ssh_key_file': vm_lab.key,
            'ssh_known_hosts_file': known_hosts, 'vlan_trunk': trunk, 'ctid_range': '4400-4499'})
        mac = '02:01:00:cc:01:%02x' % (number - 400)
        vms.append((number, cs.VM(number, vm_details=details, nics=[cs.nic(0, mac, vlan)]), address))
    try:
        yield vm_lab, clouds, vms
    finally:
        server.shutdown()
        for number, vm, _address in vms:
            clouds[number].delete(vm)
        vm_lab.ssh('ip link del csa0; for b in brcsa0-100 brcsb0-100 brcsb0-200; do ip link del $b; done; '
                   'rm -f /vz/template/cache/%s.tar.gz %s' % (TEMPLATE, '' if had_vznet else '/etc/vz/vznet.conf'))


def test_vlan_100_joins_across_the_trunk_and_200_is_isolated(wired_vm):  # pylint: disable=redefined-outer-name
    lab, clouds, vms = wired_vm
    ctids = {}
    for number, vm, _address in vms:
        outcome = clouds[number].create(vm)
        assert outcome.rc == 0 and outcome.document['status'] == 'success', outcome
        ctids[number] = outcome.document['container']
    links = dict((link['ifname'], link) for link in json.loads(ssh_ok(lab, ['ip', '-d', '-j', 'link', 'show'])))
    assert links['veth%s.0' % ctids[401]].get('master') == 'brcsa0-100'
    assert links['veth%s.0' % ctids[403]].get('master') == 'brcsb0-200'
    for device, vid in (('csa0.100', 100), ('csb0.100', 100), ('csb0.200', 200)):
        assert links[device]['linkinfo']['info_data']['id'] == vid
    for number, _vm, address in vms:
        ssh_ok(lab, ['vzctl', 'exec', ctids[number], 'ip addr add %s/24 dev eth0 && ip link set eth0 up' % address])
    reached = lab.ssh(['vzctl', 'exec', ctids[401], 'ping -c 3 -W 3 198.18.100.42'])
    assert reached.returncode == 0, 'i-2-401 (VLAN 100 on csa0) cannot reach i-2-402 (VLAN 100 on csb0)\n%s%s\n%s' % (
        reached.stdout, reached.stderr, lab.ssh('bridge link; ip -br link; ip -br addr; sysctl net.bridge 2>&1; '
                                                'vzctl exec %s ip addr; vzctl exec %s ip addr; iptables -S 2>&1; '
                                                'nft list ruleset 2>&1 | head -30' % (ctids[401], ctids[402])).stdout)
    assert lab.ssh(['vzctl', 'exec', ctids[401], 'ping -c 1 -W 2 198.18.100.43']).returncode != 0, \
        'i-2-401 on VLAN 100 reaches i-2-403 on VLAN 200'
    for number, vm, _address in vms:
        assert clouds[number].status(vm).power_state == 'PowerOn'
