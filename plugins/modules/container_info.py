#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: container_info
short_description: Report OpenVZ containers, their settings and usage
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Reads every container of the host with exactly one C(vzlist -a -j) call, whatever the
    number of containers, and the NICs from the container config files.
  - On OpenVZ 7/9 (vzlist 7) container IDs are UUID strings (or numbers for containers made
    by C(vzctl create <number>)), NICs come from C(NETIF) of C(<ctid>.conf) with their bridge
    (C(type=bridge)) or virtual network, the disk limit from its C(DISKSPACE), and
    capabilities are always empty (7/9 have none).
  - Reports per container its status, resources, usage (CPU, memory held and limit, disk
    used and limit, all in bytes, process count, uptime, load average), addresses and NICs
    with their bridges - the per-VM statistics a management server gathers.
options:
  ctid:
    description:
      - Report only these container IDs. On OpenVZ 7/9 a UUID or a name also selects a
        container.
    type: list
    elements: str
  name:
    description: Report only containers with these names (shell-style patterns allowed).
    type: list
    elements: str
  status:
    description: Report only containers in these states.
    type: list
    elements: str
    choices: [running, stopped, mounted, suspended, paused]
  netifs:
    description: Read the config files for NICs (C(NETIF)) and configured addresses.
    type: bool
    default: true
extends_documentation_fragment:
  - openvz.cloud.attributes.info_module
  - openvz.cloud.openvz
seealso:
  - module: openvz.cloud.container
    description: Converges one container.
'''

EXAMPLES = r'''
- name: All containers
  openvz.cloud.container_info:
  register: cts

- name: Running containers named web*
  openvz.cloud.container_info:
    name: ['web*']
    status: [running]
  register: web

- name: Memory use of each
  ansible.builtin.debug:
    msg: "{{ item.ctid }}: {{ item.usage.ram_used_bytes }} of {{ item.ram_bytes }}"
  loop: "{{ web.containers }}"
'''

RETURN = r'''
containers:
  description: Matching containers, by CTID.
  returned: always
  type: list
  elements: dict
  contains:
    ctid:
      description: 'Container ID: an integer on legacy hosts, on OpenVZ 7/9 a UUID string (or an integer).'
      type: raw
      returned: always
    name:
      description: 'Name or null.'
      type: str
      returned: always
    status:
      description: 'C(running stopped mounted suspended).'
      type: str
      returned: always
    ram_bytes:
      description: 'Memory limit in bytes (null when unset).'
      type: int
      returned: always
    swap_bytes:
      description: 'Swap limit in bytes.'
      type: int
      returned: always
    diskspace_bytes:
      description: 'Hard disk space limit in bytes.'
      type: int
      returned: always
    ipaddresses:
      description: 'Configured addresses.'
      type: list
      elements: str
      returned: always
    netifs:
      description:
        - veth NICs with C(ifname bridge mac host_ifname host_mac).
        - On OpenVZ 7/9 C(network) instead of C(bridge) for a NIC on a virtual network.
      type: list
      elements: dict
      returned: always
    usage:
      description: Usage counters.
      type: dict
      returned: always
      contains:
        numproc:
          description: 'Processes (running only).'
          type: int
          returned: always
        ram_used_bytes:
          description: 'Memory held.'
          type: int
          returned: always
        swap_used_bytes:
          description: 'Swap held.'
          type: int
          returned: always
        disk_used_bytes:
          description: 'Disk used.'
          type: int
          returned: always
        disk_limit_bytes:
          description: 'Disk hard limit.'
          type: int
          returned: always
        inodes_used:
          description: 'Inodes used.'
          type: int
          returned: always
        uptime_seconds:
          description: 'Uptime (running only).'
          type: float
          returned: always
        load_average:
          description: '1, 5 and 15 minute load (running only).'
          type: list
          elements: float
          returned: always
        cpu_limit_percent:
          description: 'CPU limit in percent of one CPU, null when none.'
          type: int
          returned: always
  sample:
    - ctid: 2001
      name: web1
      status: running
      ram_bytes: 1073741824
      usage: {numproc: 17, ram_used_bytes: 50331648, disk_used_bytes: 536870912}
volumes:
  description: The private area of each matching container as a volume (path, layout, size limit, bytes used).
  returned: always
  type: list
  elements: dict
  sample: [{ctid: 2001, path: /vz/private/2001, layout: ploop, size_limit_bytes: 10737418240, bytes_used: 536870912}]
'''

from ansible_collections.openvz.cloud.plugins.module_utils._container.modules import CONTAINER_INFO_MODULE

main = CONTAINER_INFO_MODULE.main

if __name__ == '__main__':
    main()
