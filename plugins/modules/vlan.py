#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vlan
short_description: Manage a tagged VLAN bridge for containers the way CloudStack's KVM agent does
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Creates the VLAN device C(<trunk>.<vlan_id>) on the trunk NIC or bond and enslaves it to
    the VLAN bridge C(br<trunk>-<vlan_id>) (or O(bridge)), following CloudStack's
    C(modifyvlan.sh) - load C(8021q) when needed; VLAN device, IPv6 disabled, up; bridge if
    missing, IPv6 disabled, up; enslave unless already a port. Each step is checked in
    C(/sys/class/net) first, so runs are idempotent and safe next to a concurrent agent.
  - VLAN 4095 is skipped (nothing changes, C(skipped) is true) as CloudStack skips it; ids
    outside 1-4094 are errors. Names over 15 characters are an error naming the interface.
  - On OpenVZ 7/9 hosts (C(prlsrvctl) present) the bridge also gets a bridged virtual network
    bound to it (C(prlsrvctl net add <network> -i <bridge> -t bridged)), named as the bridge
    unless O(network) says otherwise; a network already bound to the bridge is kept, whatever
    its name. prlctl and C(prlctl list -i) then show container NICs on that network.
  - The same code creates the VLAN bridges of tagged container NICs (M(openvz.cloud.container)).
  - Persistent configuration as in M(openvz.cloud.bridge) (ifcfg C(ifcfg-<trunk>.<vlan_id>)
    with C(VLAN=yes) plus C(ifcfg-<bridge>), or one ifupdown stanza C(<config_dir>/<bridge>)).
options:
  trunk:
    description: NIC or bond carrying the tagged traffic (the CloudStack C(pif)). It must exist.
    type: str
    required: true
  vlan_id:
    description: VLAN id, 1-4094; V(4095) is skipped.
    type: int
    required: true
    aliases: [vlan]
  bridge:
    description:
      - Bridge name instead of CloudStack's C(br<trunk>-<vlan_id>), for example when that name
        would exceed 15 characters.
    type: str
  state:
    description:
      - V(present) creates what is missing.
      - V(absent) deletes the VLAN device and the bridge (CloudStack's C(modifyvlan.sh -o delete))
        and their files; it refuses while container veths (C(veth*)) are ports unless O(force).
    type: str
    choices: [present, absent]
    default: present
  force:
    description: With O(state=absent), delete even while container veths are ports of the bridge.
    type: bool
    default: false
  network:
    description:
      - OpenVZ 7/9 only - the name of the bridged virtual network bound to the bridge, if one
        has to be added (default the bridge name). An error on legacy hosts, which have no
        virtual networks.
      - With O(state=absent) the network bound to the bridge is deleted first, whatever its name.
    type: str
extends_documentation_fragment:
  - openvz.cloud.attributes.changes
  - openvz.cloud.openvz.network_files
seealso:
  - module: openvz.cloud.bridge
    description: Untagged bridges such as the management bridge C(cloudbr0).
  - module: openvz.cloud.container
    description: Puts a container NIC on a VLAN, O(openvz.cloud.container#module:netifs[].vlan).
'''

EXAMPLES = r'''
- name: VLAN 100 on trunk eth1 (device eth1.100, bridge breth1-100)
  openvz.cloud.vlan:
    trunk: eth1
    vlan_id: 100

- name: A long trunk name needs a shorter bridge name
  openvz.cloud.vlan:
    trunk: enp129s0f0
    vlan_id: 1000
    bridge: brvlan1000

- name: VLAN 300 on an OpenVZ 7/9 host, its virtual network named for CloudStack's guest network
  openvz.cloud.vlan:
    trunk: bond0
    vlan_id: 300
    network: guest-300

- name: Remove VLAN 200 once no container uses it
  openvz.cloud.vlan:
    trunk: eth1
    vlan_id: 200
    state: absent
'''

RETURN = r'''
vlan:
  description: The VLAN device and bridge after the change (predicted in check mode); null when skipped.
  returned: success
  type: dict
  contains:
    trunk: {description: Trunk NIC or bond., type: str}
    vlan_id: {description: VLAN id., type: int}
    device: {description: VLAN device name., type: str}
    bridge: {description: Bridge name., type: str}
    network: {description: "OpenVZ 7/9: the virtual network bound to the bridge; null on legacy hosts or when none is.", type: str}
    device_present: {description: The VLAN device exists., type: bool}
    bridge_present: {description: The bridge exists., type: bool}
    ports: {description: Ports of the bridge., type: list, elements: str}
    mtu: {description: MTU of the bridge., type: int}
    state: {description: Operational state of the bridge., type: str}
  sample: {trunk: eth1, vlan_id: 100, device: eth1.100, bridge: breth1-100, network: null, device_present: true,
           bridge_present: true, ports: [eth1.100, veth101.0], mtu: 1500, state: up}
skipped:
  description: True for VLAN 4095, which is skipped.
  returned: when skipped
  type: bool
actions:
  description: Changes made (or planned in check mode), in order, as RV(openvz.cloud.bridge#module:actions).
  returned: success
  type: list
  elements: str
  sample: [add vlan device eth1.100, disable ipv6 on eth1.100, set eth1.100 up, add bridge breth1-100]
commands:
  description: As RV(openvz.cloud.bridge#module:commands).
  returned: success
  type: list
  elements: list
files:
  description: As RV(openvz.cloud.bridge#module:files).
  returned: success
  type: list
  elements: str
config_system:
  description: As RV(openvz.cloud.bridge#module:config_system).
  returned: success
  type: str
'''

from ansible_collections.openvz.cloud.plugins.module_utils._net.vlans import VLAN_MODULE

main = VLAN_MODULE.main

if __name__ == '__main__':
    main()
