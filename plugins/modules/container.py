#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: container
short_description: Manage one OpenVZ container declaratively
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Creates, configures, starts, stops, restarts and destroys one OpenVZ container, reading
    the current state with one C(vzlist -a -j) call and the container config file (for
    C(NETIF), configured addresses and the configured disk limit).
  - On legacy hosts (vzctl 4.x) every change is a C(vzctl) command.
  - On OpenVZ 7 and 9 (O(backend=vz7)) C(prlctl) creates (C(prlctl create <name> --vmtype ct)),
    configures (C(prlctl set)), starts, stops and deletes containers; C(vzctl) 7 does what
    prlctl cannot express - a create with its own O(layout), O(private) or O(root), NICs with
    the exact name, MACs and bridge asked for, venet addresses, inode limits and a disk limit
    with soft below hard. Containers are identified by UUID there, see O(ctid).
  - Settings are compared in normalised units (V(2G), V(2048M) and V(2097152K) are equal),
    and only the settings that differ are passed to C(vzctl set --save); equal values are
    never re-applied. Check mode predicts exactly the commands a real run makes.
  - C(features) and C(capabilities) cannot change on a running container; the module then
    saves them, returns RV(restart_needed=true) and warns, and restarts the container only
    with O(restart_if_needed=true).
  - Every value is passed to C(vzctl) or C(prlctl) as one argument, never through a shell.
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.openvz
  - openvz.cloud.container
seealso:
  - module: openvz.cloud.containers
    description: Many containers in one module run, with one read of the host.
  - module: openvz.cloud.container_info
    description: Reads containers with their configured limits and usage.
'''

EXAMPLES = r'''
- name: A running web container with one NIC in vmbr0
  openvz.cloud.container:
    ctid: 2001
    name: web1
    ostemplate: centos-7-x86_64-minimal
    layout: ploop
    diskspace: 10G
    ram: 1G
    swap: 512M
    cpus: 2
    hostname: web1.example.org
    nameservers: [192.0.2.53]
    netifs:
      - ifname: eth0
        bridge: vmbr0
    root_password: "{{ vault_web1_root_password }}"
    state: started

- name: A NIC on VLAN 100 of trunk eth1 (bridge breth1-100)
  openvz.cloud.container:
    ctid: 2002
    ostemplate: centos-7-x86_64-minimal
    diskspace: 5G
    netifs:
      - ifname: eth0
        vlan: 100
        trunk: eth1
    state: started

- name: Turn on NFS and restart if it is running
  openvz.cloud.container:
    ctid: 2001
    features:
      nfs: true
    restart_if_needed: true

- name: Remove it
  openvz.cloud.container:
    ctid: 2002
    state: absent

- name: OpenVZ 7/9 - a container named web3 with a UUID of our own, NIC in bridge vmbr0
  openvz.cloud.container:
    ctid: 5d2e6a3b-9c1f-4b8e-a7d2-3f0c9e8b1a42
    name: web3
    ostemplate: almalinux-8-x86_64
    ram: 1G
    swap: 512M
    diskspace: 10G
    netifs:
      - ifname: eth0
        bridge: vmbr0
      - ifname: eth1
        network: Bridged
    state: started
'''

RETURN = r'''
ctid:
  description:
    - ID of the container (allocated when it was given by name only).
    - An integer on legacy hosts. On OpenVZ 7/9 a string UUID (an integer for a container
      made by C(vzctl create <number>)); for a container created by name only it is the name
      in check mode and the UUID prlctl gave it after a real run.
  returned: when the container exists or was asked for
  type: raw
  sample: 2001
actions:
  description: Actions in order, by verb (C(vlan_bridge create set userpasswd start stop restart destroy)).
  returned: always
  type: list
  elements: str
  sample: [create, set, start]
commands:
  description:
    - The vzctl arguments run (or, in check mode, that would run); passwords masked.
    - On OpenVZ 7/9 each command starts with the tool that runs it, C(prlctl) or C(vzctl).
  returned: always
  type: list
  elements: list
  sample: [[create, "2001", --ostemplate, centos-7-x86_64-minimal]]
restart_needed:
  description: A saved setting takes effect only after a restart that was not done.
  returned: always
  type: bool
  sample: false
container:
  description: The container after the task (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    ctid:
      description: 'Container ID: an integer on legacy hosts, on OpenVZ 7/9 a UUID string (or an integer), see RV(ctid).'
      type: raw
      returned: success
    name:
      description: 'Name, or null.'
      type: str
      returned: success
    status:
      description: 'C(running stopped mounted suspended).'
      type: str
      returned: success
    hostname:
      description: 'Host name.'
      type: str
      returned: success
    ram_bytes:
      description: 'Memory limit in bytes.'
      type: int
      returned: success
    ram:
      description: 'Memory limit in the largest exact unit, e.g. C(1G).'
      type: str
      returned: success
    swap_bytes:
      description: 'Swap limit in bytes.'
      type: int
      returned: success
    diskspace_bytes:
      description: 'Hard disk space limit in bytes.'
      type: int
      returned: success
    ipaddresses:
      description: 'Configured venet addresses.'
      type: list
      elements: str
      returned: success
    netifs:
      description: 'veth NICs (ifname, bridge or, on OpenVZ 7/9, network, mac, host_ifname, host_mac).'
      type: list
      elements: dict
      returned: success
    config:
      description: 'Original config values of the resources (PHYSPAGES, DISKSPACE, ...).'
      type: dict
      returned: success
    usage:
      description: 'Usage counters from vzlist (bytes, seconds).'
      type: dict
      returned: success
  sample: {ctid: 2001, name: web1, status: running, ram_bytes: 1073741824, ram: 1G}
volume:
  description: The private area reported as the container's volume.
  returned: always
  type: dict
  contains:
    path:
      description: 'Private area path.'
      type: str
      returned: success
    layout:
      description: 'C(simfs) or C(ploop).'
      type: str
      returned: success
    size_limit_bytes:
      description: 'Hard disk space limit in bytes.'
      type: int
      returned: success
    bytes_used:
      description: 'Bytes used, as vzlist reports.'
      type: int
      returned: success
  sample: {path: /vz/private/2001, layout: ploop, size_limit_bytes: 10737418240, bytes_used: 524288}
'''

from ansible_collections.openvz.cloud.plugins.module_utils._container.modules import CONTAINER_MODULE

main = CONTAINER_MODULE.main

if __name__ == '__main__':
    main()
