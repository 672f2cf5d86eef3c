#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: bridge
short_description: Manage a Linux bridge for container NICs on an OpenVZ host
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Creates, changes or removes a Linux bridge (for example C(cloudbr0), a CloudStack traffic
    label bridge) at runtime with iproute2, and persistently in the host's own network
    configuration (ifcfg files or ifupdown stanzas) so a reboot comes back to the same bridge.
  - The state is read from C(ip -j -d addr show), C(ip -j route show) and
    C(/proc/sys/net/ipv6/conf); only the differences are applied.
  - B(Moving the management address.) When O(address) is currently on one of the new
    O(ports), the module moves it in one C(ip -batch) run - address added to the bridge, NIC
    enslaved, default route replaced via the bridge (O(gateway)), address removed from the
    NIC - with the bridge created beforehand carrying the NIC's MAC, so an established SSH
    connection survives. A failed batch is rolled back.
  - It refuses, changing nothing, when the move is unsafe - the NIC carries other IPv4 or
    global IPv6 addresses, routes other than the default go via the NIC, the default route
    goes via the NIC and O(gateway) is not given, the address is on a device that is not a
    new port, or a new port carries addresses that O(address) does not move.
  - Container veth ends (ports named C(veth*)) are never released by O(ports).
  - Persistent configuration (O(persistent)) is C(ifcfg-<bridge>) plus C(ifcfg-<port>)
    (C(BRIDGE=)) files, keeping C(HWADDR), C(UUID) and C(NAME) of an existing port file, or
    one ifupdown stanza C(<config_dir>/<bridge>); a port configured elsewhere in
    C(/etc/network/interfaces) gives a warning.
options:
  name:
    description: Bridge name, at most 15 characters of letters, digits, C(.), C(_) and C(-).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the bridge.
      - V(absent) deletes it (its ports are released) and its configuration files. It refuses
        while container veths are ports unless O(force), and always refuses when the bridge
        carries the management address (see O(management_address)).
    type: str
    choices: [present, absent]
    default: present
  ports:
    description:
      - Exact list of NICs or bonds to enslave. Ports not listed are released, except
        container veths (C(veth*)). Omit to leave the ports alone.
      - A port must exist and must not be a port of another bridge.
    type: list
    elements: str
  stp:
    description: Spanning tree on or off. Omit to leave it (new bridges start with it off).
    type: bool
  forward_delay:
    description: Forward delay in seconds (0-30). Omit to leave it (kernel default 15).
    type: int
  mtu:
    description: MTU of the bridge (68-65535). Omit to leave it.
    type: int
  ipv6:
    description:
      - Whether IPv6 is enabled on the bridge (C(/proc/sys/net/ipv6/conf/<name>/disable_ipv6)).
        CloudStack disables it on its bridges, hence the default.
    type: bool
    default: false
  address:
    description:
      - IPv4 address with prefix length for the bridge, for example C(198.18.0.2/24). Moved
        from a NIC listed in O(ports) when it is there (see the description). Other addresses
        of the bridge are left alone.
    type: str
  gateway:
    description:
      - IPv4 default gateway via the bridge. Needed when the default route currently goes via
        the NIC whose address moves.
    type: str
  force:
    description: With O(state=absent), delete the bridge even while container veths are ports.
    type: bool
    default: false
  management_address:
    description:
      - Address the Ansible connection came in on; O(state=absent) refuses to delete a bridge
        carrying it.
      - Default is the server address of C(SSH_CONNECTION) in the module's environment, which
        sshd sets for SSH connections. C(sudo) usually drops that variable (C(env_reset)), so
        with C(become) pass it explicitly (for example the inventory's C(ansible_host)).
    type: str
notes:
  - Runtime changes use C(ip) from iproute2 with JSON output (iproute2 4.13 or later).
  - The module does not rewrite C(/etc/network/interfaces) itself.
extends_documentation_fragment:
  - openvz.cloud.attributes.changes
  - openvz.cloud.openvz.network_files
seealso:
  - module: openvz.cloud.vlan
    description: Tagged networks - a VLAN device and its bridge C(br<trunk>-<vid>).
  - module: openvz.cloud.host_info
    description: Lists the host's bridges, which CloudStack traffic labels name.
'''

EXAMPLES = r'''
- name: Bridge for untagged container NICs, no address
  openvz.cloud.bridge:
    name: cloudbr1
    ports: [eth1]
    stp: false
    forward_delay: 0

- name: Move the management address from eth0 to cloudbr0 in one step
  openvz.cloud.bridge:
    name: cloudbr0
    ports: [eth0]
    address: 198.18.0.11/24
    gateway: 198.18.0.1
    management_address: "{{ ansible_host }}"

- name: Remove a bridge even though container veths are still attached
  openvz.cloud.bridge:
    name: cloudbr1
    state: absent
    force: true
'''

RETURN = r'''
bridge:
  description: The bridge after the change; null when it does not exist. In check mode, the predicted state.
  returned: success
  type: dict
  contains:
    name: {description: Bridge name., type: str}
    ports: {description: Enslaved interfaces., type: list, elements: str}
    mtu: {description: MTU., type: int}
    state: {description: 'Operational state in lower case: C(up), C(down), C(unknown)...', type: str}
    addresses: {description: IPv4 and global IPv6 addresses (C(address/prefix))., type: list, elements: str}
    stp: {description: Spanning tree enabled., type: bool}
    forward_delay: {description: Forward delay in seconds., type: int}
    ipv6: {description: IPv6 enabled; null when the kernel has no IPv6., type: bool}
    gateway: {description: Default gateway when the default route goes via the bridge., type: str}
    mac: {description: MAC address., type: str}
  sample:
    name: cloudbr0
    ports: [eth0, veth101.0]
    mtu: 1500
    state: up
    addresses: [198.18.0.11/24]
    stp: false
    forward_delay: 0
    ipv6: false
    gateway: 198.18.0.1
    mac: "52:54:00:12:34:56"
actions:
  description: Changes made (or planned in check mode), in order.
  returned: success
  type: list
  elements: str
  sample: [add bridge cloudbr0, disable ipv6 on cloudbr0, set cloudbr0 up, move 198.18.0.11/24 from eth0 to cloudbr0]
commands:
  description: The commands run (or planned); IPv6 changes are shown as the equivalent C(sysctl -w).
  returned: success
  type: list
  elements: list
files:
  description: Configuration files written or removed.
  returned: success
  type: list
  elements: str
  sample: [/etc/sysconfig/network-scripts/ifcfg-cloudbr0, /etc/sysconfig/network-scripts/ifcfg-eth0]
config_system:
  description: V(ifcfg) or V(ifupdown); null with O(persistent=false).
  returned: success
  type: str
'''

from ansible_collections.openvz.cloud.plugins.module_utils._net.bridges import BRIDGE_MODULE

main = BRIDGE_MODULE.main

if __name__ == '__main__':
    main()
