#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: containers
short_description: Converge many OpenVZ containers in one task
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Takes a list of container specs (the options of M(openvz.cloud.container)) and
    converges them in one module run - one C(vzlist -a -j) read for all, then C(vzctl) only
    for the containers that differ. An unchanged host costs one C(vzlist) call.
  - Every spec is validated and planned before the first change; one bad spec fails the
    task with nothing changed.
  - On legacy hosts containers given without C(ctid) get the lowest free ID in
    O(ctid_range), allocated while a host-wide lock (O(lock_file)) is held until they are
    created, so concurrent runs never take the same ID or create a named container twice.
  - On OpenVZ 7/9 (O(backend=vz7)) new containers are created by name with C(prlctl create)
    (UUIDs, no allocation and no lock; prlctl refuses a name in use) and configured with
    C(prlctl set), NICs, venet addresses and inode limits with C(vzctl) 7; see
    M(openvz.cloud.container) for what differs per option.
  - O(exclusive=true) also removes containers that are not listed, but only within
    O(exclusive_ctid_range) and/or matching O(exclusive_name_pattern); never by default.
options:
  containers:
    description:
      - Container specs, each with the options of M(openvz.cloud.container) and C(ctid) or
        C(name) at least.
    type: list
    elements: dict
    required: true
  parallel:
    description:
      - How many containers' plans run at the same time once every spec is validated and
        planned. vzctl locks each container, so plans of different containers never collide;
        results and errors stay per container, in the order of O(containers).
      - V(1) runs them one after the other and stops at the first failure.
    type: int
    default: 4
  exclusive:
    description:
      - Stop and destroy containers not listed in O(containers) that are within
        O(exclusive_ctid_range) and match O(exclusive_name_pattern) (the given ones of the two).
    type: bool
    default: false
  exclusive_ctid_range:
    description:
      - First and last CTID that O(exclusive) may remove. Only numeric IDs fall in a range;
        on OpenVZ 7/9, where IDs are UUIDs, use O(exclusive_name_pattern).
    type: list
    elements: int
  exclusive_name_pattern:
    description: Shell-style pattern of names that O(exclusive) may remove, e.g. C(ci-*).
    type: str
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.openvz
  - openvz.cloud.container.items
seealso:
  - module: openvz.cloud.container
    description: One container, and what differs per option between the two lines.
  - module: openvz.cloud.container_info
    description: Reads containers with their configured limits and usage.
'''

EXAMPLES = r'''
- name: Three CI containers, IDs allocated from 5000 up
  openvz.cloud.containers:
    ctid_range: [5000, 5999]
    containers:
      - {name: ci-1, ostemplate: centos-7-x86_64-minimal, diskspace: 5G, ram: 512M, swap: 512M, state: started}
      - {name: ci-2, ostemplate: centos-7-x86_64-minimal, diskspace: 5G, ram: 512M, swap: 512M, state: started}
      - {name: ci-3, ostemplate: centos-7-x86_64-minimal, diskspace: 5G, ram: 1G, swap: 1G, state: started}

- name: Exactly these containers in 5000-5999, others there removed
  openvz.cloud.containers:
    containers:
      - {ctid: 5000, name: ci-1, ostemplate: centos-7-x86_64-minimal, diskspace: 5G}
      - {ctid: 5001, name: ci-2, ostemplate: centos-7-x86_64-minimal, diskspace: 5G}
    exclusive: true
    exclusive_ctid_range: [5000, 5999]
'''

RETURN = r'''
containers:
  description: One entry per container handled (listed ones, then removed ones), in order.
  returned: always
  type: list
  elements: dict
  contains:
    ctid:
      description:
        - Container ID (allocated when given by name only).
        - An integer on legacy hosts, on OpenVZ 7/9 a UUID string (or an integer), as
          RV(openvz.cloud.container#module:ctid).
      type: raw
      returned: always
    changed:
      description: 'Whether this container changed.'
      type: bool
      returned: always
    actions:
      description: 'Actions by verb.'
      type: list
      elements: str
      returned: always
    commands:
      description: 'vzctl arguments run (or predicted); passwords masked. On OpenVZ 7/9 each starts with its tool, C(prlctl) or C(vzctl).'
      type: list
      elements: list
      returned: always
    restart_needed:
      description: 'A saved setting waits for a restart.'
      type: bool
      returned: always
    container:
      description: 'State after, as the container module returns it.'
      type: dict
      returned: always
    volume:
      description: 'The private area as a volume.'
      type: dict
      returned: always
    diff:
      description: 'Before and after, with C(--diff).'
      type: dict
      returned: when diff mode
  sample:
    - {ctid: 5000, changed: true, actions: [create, start], restart_needed: false}
actions:
  description: Actions per container ID that changed.
  returned: always
  type: dict
  sample: {"5000": [create, start]}
'''

from ansible_collections.openvz.cloud.plugins.module_utils._container.modules import CONTAINERS_MODULE

main = CONTAINERS_MODULE.main

if __name__ == '__main__':
    main()
