"""openvz.cloud.bridge on this kernel: real bridges in network namespaces the tests create.

The module runs inside a "host" namespace (``ip netns exec`` + local connection); veth pairs
stand in for NICs (this kernel has no dummy/bond devices). Traffic stays on 198.18.0.0/15
between the tests' own namespaces, which are deleted even when a test fails.
"""

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position
from vm_fixture import run_step, ssh_ok  # noqa: E402  pylint: disable=wrong-import-position

TARGET = os.path.join(REPO, 'tests', 'integration', 'targets', 'bridge')
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
ECHO_PORT = 7007
# A line-echo server: one byte in, the same byte out, for every connection, until killed.
ECHO_SERVER = r'''
import socket, sys, threading
def serve(conn):
    while True:
        data = conn.recv(64)
        if not data:
            return
        conn.sendall(data)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((sys.argv[1], int(sys.argv[2])))
listener.listen(4)
print("ready", flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
'''
# One long-lived connection; each stdin line is sent and the echo printed.
ECHO_CLIENT = r'''
import socket, sys
conn = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
print("connected", flush=True)
for line in sys.stdin:
    conn.sendall(line.strip().encode())
    print(conn.recv(64).decode(), flush=True)
'''

# Exit 0 when an ICMP echo reply from argv[1] arrives within 2 seconds.
ICMP_PING = r'''
import os, socket, struct, sys, time
def checksum(data):
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    return ~(total + (total >> 16)) & 0xffff
ident = os.getpid() & 0xffff
header = struct.pack('!BBHHH', 8, 0, 0, ident, 1) + b'openvz.cloud'
packet = header[:2] + struct.pack('!H', checksum(header)) + header[4:]
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sock.settimeout(2)
sock.sendto(packet, (sys.argv[1], 0))
deadline = time.time() + 2
while time.time() < deadline:
    try:
        reply, source = sock.recvfrom(1024)
    except socket.timeout:
        break
    icmp = reply[(reply[0] & 0x0f) * 4:]
    if source[0] == sys.argv[1] and icmp[0] == 0 and struct.unpack('!H', icmp[4:6])[0] == ident:
        sys.exit(0)
sys.exit(1)
'''

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')


def sh(*argv, check=True):
    result = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=120, check=False)
    if check and result.returncode != 0:
        raise AssertionError('%s failed (rc %d): %s%s' % (' '.join(argv), result.returncode,
                                                          result.stdout, result.stderr))
    return result


class Namespaces(object):
    """Named network namespaces for one test, all deleted by cleanup()."""

    def __init__(self, tag):
        self.prefix = 'obr%d%s' % (os.getpid() % 10000, tag)
        self.names = []

    def add(self, role):
        name = self.prefix + role
        sh('ip', 'netns', 'add', name)
        self.names.append(name)
        self.ip(name, 'link', 'set', 'lo', 'up')
        return name

    @staticmethod
    def ip(ns, *args):
        return sh('ip', '-n', ns, *args)

    def cleanup(self):
        for name in self.names:
            sh('ip', 'netns', 'del', name, check=False)


@pytest.fixture
def namespaces(request):
    spaces = Namespaces(request.node.name[-3:].replace('_', 'x'))
    yield spaces
    spaces.cleanup()


def run_playbook(ns, playbook, extra_vars):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    argv = ['ip', 'netns', 'exec', ns, PLAYBOOK, '-i', 'localhost,', '-c', 'local',
            '-e', 'ansible_python_interpreter=%s' % sys.executable, os.path.join(TARGET, playbook)]
    for key, value in extra_vars.items():
        argv += ['-e', '%s=%s' % (key, value)]
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stdout
    return result.stdout


def ping(ns, address):
    """One ICMP echo from namespace ``ns`` (raw socket; the machine has no ping binary)."""
    return sh('ip', 'netns', 'exec', ns, sys.executable, '-c', ICMP_PING, address, check=False).returncode == 0


def echo(client, payload):
    client.stdin.write(payload + '\n')
    client.stdin.flush()
    return client.stdout.readline().strip()


def test_management_address_moves_without_cutting_a_connection(namespaces, tmp_path):
    host = namespaces.add('h')
    gateway = namespaces.add('g')
    namespaces.ip(host, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'uplink', 'netns', gateway)
    namespaces.ip(host, 'addr', 'add', '198.18.0.2/24', 'dev', 'eth0')
    namespaces.ip(host, 'link', 'set', 'eth0', 'up')
    namespaces.ip(gateway, 'addr', 'add', '198.18.0.1/24', 'dev', 'uplink')
    namespaces.ip(gateway, 'link', 'set', 'uplink', 'up')
    namespaces.ip(host, 'route', 'add', 'default', 'via', '198.18.0.1', 'dev', 'eth0')
    server = subprocess.Popen(['ip', 'netns', 'exec', host, sys.executable, '-c', ECHO_SERVER,
                               '198.18.0.2', str(ECHO_PORT)], stdout=subprocess.PIPE, universal_newlines=True)
    try:
        assert server.stdout.readline().strip() == 'ready'
        client = subprocess.Popen(['ip', 'netns', 'exec', gateway, sys.executable, '-c', ECHO_CLIENT,
                                   '198.18.0.2', str(ECHO_PORT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  universal_newlines=True)
        try:
            assert client.stdout.readline().strip() == 'connected'
            assert echo(client, 'before') == 'before'
            run_playbook(host, 'move.yml', {'it_config_dir': str(tmp_path / 'interfaces.d')})
            # The same TCP connection still works after the move.
            assert echo(client, 'after') == 'after'
        finally:
            client.kill()
            client.wait()
        links = namespaces.ip(host, '-br', 'addr', 'show', 'dev', 'cloudbr0').stdout
        assert '198.18.0.2/24' in links
        assert 'dev cloudbr0' in namespaces.ip(host, 'route', 'show', 'default').stdout
        assert ping(gateway, '198.18.0.2') and ping(host, '198.18.0.1')
        stanza = (tmp_path / 'interfaces.d' / 'cloudbr0').read_text()
        assert 'address 198.18.0.2/24' in stanza and 'pre-up ip link set dev eth0 master cloudbr0' in stanza
    finally:
        server.kill()
        server.wait()


def test_ping_across_bridge_ports_and_removal(namespaces, tmp_path):
    host = namespaces.add('h')
    guest_a = namespaces.add('a')
    guest_b = namespaces.add('b')
    for port, guest, address in (('pa', guest_a, '198.18.1.1/24'), ('pb', guest_b, '198.18.1.2/24')):
        namespaces.ip(host, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest)
        namespaces.ip(host, 'link', 'set', port, 'up')
        namespaces.ip(guest, 'addr', 'add', address, 'dev', 'eth0')
        namespaces.ip(guest, 'link', 'set', 'eth0', 'up')
    config = {'it_config_dir': str(tmp_path / 'network-scripts')}
    assert not ping(guest_a, '198.18.1.2')
    run_playbook(host, 'ports.yml', dict(config, it_step='create'))
    assert ping(guest_a, '198.18.1.2') and ping(guest_b, '198.18.1.1')
    assert (tmp_path / 'network-scripts' / 'ifcfg-pa').read_text().endswith('BRIDGE=brtest\n')

    # A container veth joins; releasing pb cuts B off, A stays on the bridge.
    namespaces.ip(host, 'link', 'add', 'veth101.0', 'type', 'veth', 'peer', 'name', 'ct101')
    namespaces.ip(host, 'link', 'set', 'veth101.0', 'master', 'brtest')
    run_playbook(host, 'ports.yml', dict(config, it_step='release'))
    assert not ping(guest_a, '198.18.1.2')
    assert 'BRIDGE' not in (tmp_path / 'network-scripts' / 'ifcfg-pb').read_text()

    run_playbook(host, 'ports.yml', dict(config, it_step='remove'))
    assert sh('ip', '-n', host, 'link', 'show', 'brtest', check=False).returncode != 0
    assert not (tmp_path / 'network-scripts' / 'ifcfg-brtest').exists()


VM_PLAYBOOK = os.path.join(TARGET, 'vm_persist.yml')
VM_SETUP = '''set -e
grep -q '^source /etc/network/interfaces.d/' /etc/network/interfaces || \
  echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces
ip link add pp0 type veth peer name pp1
'''
VM_CLEANUP = ('ifdown --force brpersist >/dev/null 2>&1; ip link del brpersist; ip link del pp0; '
              'rm -f /etc/network/interfaces.d/brpersist; true')


def test_ifupdown_stanza_brings_the_bridge_back(vm_lab):
    """In the lab VM (real ifupdown): delete the bridge, ifup rebuilds it from the stanza alone."""
    vm_lab.ssh(VM_CLEANUP)
    ssh_ok(vm_lab, VM_SETUP)
    try:
        run_step(vm_lab, VM_PLAYBOOK, 'create')
        ssh_ok(vm_lab, ['ip', 'link', 'del', 'brpersist'])
        ssh_ok(vm_lab, ['ifup', 'brpersist'])
        details = ssh_ok(vm_lab, ['ip', '-d', 'addr', 'show', 'brpersist'])
        assert 'mtu 1400' in details and '198.18.60.1/24' in details and 'stp_state 0' in details
        assert 'master brpersist' in ssh_ok(vm_lab, ['ip', 'link', 'show', 'pp0'])
        assert ssh_ok(vm_lab, ['cat', '/proc/sys/net/ipv6/conf/brpersist/disable_ipv6']).strip() == '1'
        ssh_ok(vm_lab, ['ifdown', 'brpersist'])
        assert vm_lab.ssh(['ip', 'link', 'show', 'brpersist']).returncode != 0
        ssh_ok(vm_lab, ['ifup', 'brpersist'])
        run_step(vm_lab, VM_PLAYBOOK, 'remove')
        assert vm_lab.ssh(['test', '-e', '/etc/network/interfaces.d/brpersist']).returncode != 0
    finally:
        vm_lab.ssh(VM_CLEANUP)
