"""openvz.cloud.vlan in the full-kernel lab VM (this machine's kernel has no 802.1Q).

Two stand-in trunks tra and trb are the ends of one veth "cable". The module makes VLAN 100
on both and VLAN 200 on trb; three container namespaces sit on the bridges with addresses in
one 198.18.100.0/24 subnet, so only the VLAN tags separate them: c1 (VLAN 100 via tra) reaches
c2 (VLAN 100 via trb), c3 (VLAN 200) reaches neither. The ifupdown stanzas the module writes
bring the devices back with ``ifup -a`` (what networking.service runs at boot). Skipped cleanly when the VM lab is unavailable.
"""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from vm_fixture import run_step, ssh_ok  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(REPO, 'tests', 'integration', 'targets', 'vlan', 'main.yml')
CONTAINERS = (('c1', 'veth101.0', 'brtra-100', '198.18.100.1/24'),
              ('c2', 'veth102.0', 'brtrb-100', '198.18.100.2/24'),
              ('c3', 'veth103.0', 'brtrb-200', '198.18.100.3/24'))
SETUP = '''set -e
grep -q '^source /etc/network/interfaces.d/' /etc/network/interfaces || \
  echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces
ip link add tra type veth peer name trb
ip link set tra up
ip link set trb up
'''
# ifdown --force also clears ifupdown's record of the bridges, so a later ifup -a runs them again.
CLEANUP = '''
for ns in c1 c2 c3; do ip netns del $ns 2>/dev/null; done
for br in brtra-100 brtrb-100 brtrb-200; do ifdown --force $br >/dev/null 2>&1; done
for dev in tra.100 trb.100 trb.200 brtra-100 brtrb-100 brtrb-200 tra; do ip link del $dev 2>/dev/null; done
rm -f /etc/network/interfaces.d/brtra-100 /etc/network/interfaces.d/brtrb-100 /etc/network/interfaces.d/brtrb-200
true
'''


def plug_containers(vm_lab):
    """Each container: a namespace whose eth0 is the peer of veth<CTID>.0 on its VLAN bridge."""
    lines = ['set -e']
    for name, veth, bridge, address in CONTAINERS:
        lines += ['ip netns add %s' % name,
                  'ip link add %s type veth peer name eth0 netns %s' % (veth, name),
                  'ip link set %s master %s up' % (veth, bridge),
                  'ip -n %s addr add %s dev eth0' % (name, address),
                  'ip -n %s link set eth0 up' % name]
    ssh_ok(vm_lab, '\n'.join(lines))


def reaches(vm_lab, source, address):
    return vm_lab.ssh(['ip', 'netns', 'exec', source, 'ping', '-c', '2', '-W', '2', address]).returncode == 0


def test_vlan_bridges_separate_containers_and_persist(vm_lab):
    ssh_ok(vm_lab, CLEANUP)
    ssh_ok(vm_lab, SETUP)
    try:
        run_step(vm_lab, PLAYBOOK, 'create')
        details = ssh_ok(vm_lab, ['ip', '-d', 'link', 'show', 'tra.100'])
        assert 'vlan protocol 802.1Q id 100' in details and 'master brtra-100' in details
        assert ssh_ok(vm_lab, 'cat /proc/sys/net/ipv6/conf/tra.100/disable_ipv6 '
                              '/proc/sys/net/ipv6/conf/brtra-100/disable_ipv6').split() == ['1', '1']
        plug_containers(vm_lab)
        assert reaches(vm_lab, 'c1', '198.18.100.2'), 'VLAN 100 containers do not reach each other'
        assert not reaches(vm_lab, 'c1', '198.18.100.3'), 'VLAN 100 reached a VLAN 200 container'
        assert not reaches(vm_lab, 'c3', '198.18.100.2'), 'VLAN 200 reached a VLAN 100 container'

        # The stanzas alone rebuild what the module made, as at boot: delete it all, ifup -a.
        ssh_ok(vm_lab, 'for dev in tra.100 trb.100 trb.200 brtra-100 brtrb-100 brtrb-200; do ip link del $dev; done')
        ssh_ok(vm_lab, ['ifup', '-a'])
        for device, bridge in (('tra.100', 'brtra-100'), ('trb.100', 'brtrb-100'), ('trb.200', 'brtrb-200')):
            assert 'master %s' % bridge in ssh_ok(vm_lab, ['ip', '-d', 'link', 'show', device])
            assert ssh_ok(vm_lab, ['cat', '/proc/sys/net/ipv6/conf/%s/disable_ipv6' % bridge]).strip() == '1'
        ssh_ok(vm_lab, '\n'.join('ip link set %s master %s' % (veth, bridge) for _n, veth, bridge, _a in CONTAINERS))
        assert reaches(vm_lab, 'c1', '198.18.100.2'), 'no VLAN 100 traffic after ifup -a'
        assert not reaches(vm_lab, 'c1', '198.18.100.3'), 'VLAN 100 reached VLAN 200 after ifup -a'
        ssh_ok(vm_lab, ['ifdown', 'brtra-100'])
        assert vm_lab.ssh(['ip', 'link', 'show', 'tra.100']).returncode != 0
        ssh_ok(vm_lab, ['ifup', 'brtra-100'])
        ssh_ok(vm_lab, ['ip', 'link', 'set', 'veth101.0', 'master', 'brtra-100'])

        run_step(vm_lab, PLAYBOOK, 'remove')
        for dev in ('tra.100', 'brtra-100', 'trb.200', 'brtrb-200'):
            assert vm_lab.ssh(['ip', 'link', 'show', dev]).returncode != 0, '%s still exists' % dev
        left = ssh_ok(vm_lab, 'ls /etc/network/interfaces.d/').split()
        assert not set(left) & {'brtra-100', 'brtrb-100', 'brtrb-200'}, left
    finally:
        vm_lab.ssh(CLEANUP)
