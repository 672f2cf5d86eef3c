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
  - Containers given without C(ctid) get the lowest free ID in O(ctid_range), allocated
    while a host-wide lock (O(lock_file)) is held until they are created, so concurrent runs
    never take the same ID or create a named container twice.
  - O(exclusive=true) also removes containers that are not listed, but only within
    O(exclusive_ctid_range) and/or matching O(exclusive_name_pattern); never by default.
options:
  containers:
    description: Container specs; each needs C(ctid) or C(name).
    type: list
    elements: dict
    required: true
    suboptions:
      ctid:
        description:
          - Container ID. On legacy hosts an integer, 101 to 2147483644 (IDs up to 100 are
            reserved, 0 is the host).
          - Without it the container is found by O(containers[].name); a new one gets the lowest free ID in
            O(ctid_range), allocated under a host-wide lock.
        type: str
      name:
        description:
          - Container name, set with C(vzctl set --name); letters, digits, space and C(-+_.).
          - With O(containers[].ctid), a container with another name is renamed; a name used by another
            container is an error.
        type: str
      state:
        description:
          - V(present) the container exists, its running state is left alone (a new one stays stopped).
          - V(started) / V(stopped) it exists and runs / is stopped.
          - V(restarted) it exists and is restarted (started when stopped); always a change.
          - V(absent) it is stopped if running and destroyed.
        type: str
        choices: [present, started, stopped, restarted, absent]
        default: present
      ostemplate:
        description:
          - OS template cache name for C(vzctl create --ostemplate), without C(.tar*), for
            example V(centos-7-x86_64-minimal). Must exist in C(<TEMPLATE>/cache). Default is
            C(DEF_OSTEMPLATE) of O(vz_conf). Only used at creation.
        type: str
      config:
        description: Config sample name (C(ve-<config>.conf-sample)) used at creation.
        type: str
      layout:
        description: Private area layout at creation.
        type: str
        choices: [simfs, ploop]
      private:
        description: Private area path at creation (default C(VE_PRIVATE) of O(vz_conf)).
        type: path
      root:
        description: Root mount point at creation (default C(VE_ROOT) of O(vz_conf)).
        type: path
      ram:
        description:
          - Memory limit (C(--ram)), bytes with an optional suffix C(K M G T) (powers of 1024),
            C(P) (pages) or C(B), or V(unlimited). Rounded up to whole 4096-byte pages.
          - On VSwap kernels vzctl needs a swap setting too; when neither O(containers[].swap) nor the
            container or global config has one, the task fails before running vzctl.
        type: str
      swap:
        description: Swap limit (C(--swap)), same units as O(containers[].ram).
        type: str
      cpus:
        description: Number of CPUs (C(--cpus)).
        type: int
      cpuunits:
        description: CPU weight (C(--cpuunits)), 8 to 500000.
        type: int
      cpulimit:
        description: CPU limit in percent of one CPU (C(--cpulimit)), V(0) for none.
        type: int
      diskspace:
        description:
          - Disk space limit C(soft[:hard]) (one value sets both), a number is KB, suffixes
            C(K M G T) as for O(containers[].ram). Changing it on ploop resizes the image.
        type: str
      diskinodes:
        description: Inode limit C(soft[:hard]), plain numbers.
        type: str
      hostname:
        description: Host name inside the container; a DNS name.
        type: str
      description:
        description:
          - Free-text description. Must not contain C(") C($) C(`) C(\) or line breaks,
            since vzctl writes it unescaped into a config file that shell scripts source.
        type: str
      onboot:
        description: Start the container when the host boots.
        type: bool
      nameservers:
        description: DNS servers (ordered, replaces the list), or V(inherit).
        type: list
        elements: str
      searchdomains:
        description: DNS search domains (ordered, replaces the list), or V(inherit).
        type: list
        elements: str
      ipaddresses:
        description:
          - venet IP addresses C(address[/prefix]). Exact list - addresses not listed are
            removed, order does not matter.
        type: list
        elements: str
      features:
        description:
          - Features to switch on or off, a dict of name to boolean such as C(nfs) to V(true). Names
            C(sysfs nfs sit ipip ppp ipgre bridge nfsd). Unlisted features are left alone.
          - Needs a restart of a running container, see O(containers[].restart_if_needed).
        type: dict
      capabilities:
        description:
          - Capabilities to switch on or off, a dict of name to boolean such as C(sys_time) to V(true), names as in
            C(vzctl --capability) (any case). Unlisted ones are left alone.
          - Needs a restart of a running container, see O(containers[].restart_if_needed).
        type: dict
      root_password:
        description:
          - Password set for root with C(vzctl set --userpasswd root:<password>) (never logged
            or returned). A stopped container is started for this by vzctl and stopped again.
          - A password cannot be read back to compare, see O(containers[].password_update).
        type: str
      password_update:
        description:
          - V(on_create) sets O(containers[].root_password) only when the container is created (idempotent).
          - V(always) sets it on every run, which always reports a change.
        type: str
        choices: [on_create, always]
        default: on_create
      netifs:
        description:
          - veth NICs, an exact list - NICs not listed are removed (C(--netif_del)), new ones
            added (C(--netif_add)), existing ones edited in place (C(--ifname X --bridge Y)).
          - MACs and host names that are not given are generated by vzctl once and then kept.
          - Give either O(containers[].netifs[].bridge) (untagged) or O(containers[].netifs[].vlan) with
            O(containers[].netifs[].trunk) (tagged, the VLAN bridge C(br<trunk>-<vlan>) as CloudStack names
            it, created on the host first when missing).
        type: list
        elements: dict
        suboptions:
          ifname:
            description: Interface name inside the container (at most 15 characters).
            type: str
            required: true
          mac:
            description: MAC address inside the container, C(XX:XX:XX:XX:XX:XX).
            type: str
          host_ifname:
            description: Name of the host end of the veth pair (at most 15 characters).
            type: str
          host_mac:
            description: MAC address of the host end.
            type: str
          bridge:
            description: Host bridge the host end joins (at most 15 characters).
            type: str
          vlan:
            description: VLAN ID (1-4094) of a tagged NIC.
            type: int
          trunk:
            description: Host interface carrying the VLAN (CloudStack's physical interface).
            type: str
      stop_timeout:
        description:
          - Seconds to wait for C(vzctl stop). Without O(containers[].force) a stop that takes longer fails.
        type: int
      force:
        description:
          - Kill the container (C(vzctl stop --fast)) when O(containers[].stop_timeout) expires; without
            O(containers[].stop_timeout), stop it with C(--fast) right away.
        type: bool
        default: false
      restart_if_needed:
        description:
          - Restart a running container when a changed setting only takes effect after a
            restart (O(containers[].features), O(containers[].capabilities)).
        type: bool
        default: false
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
    description: First and last CTID that O(exclusive) may remove.
    type: list
    elements: int
  exclusive_name_pattern:
    description: Shell-style pattern of names that O(exclusive) may remove, e.g. C(ci-*).
    type: str
  ctid_range:
    description: First and last CTID to allocate from for containers given by name only.
    type: list
    elements: int
    default: [101, 2147483644]
  lock_file:
    description:
      - Host-wide lock file held while CTIDs are allocated and the containers created.
        Default C(<LOCKDIR>/openvz.cloud-ctid.lck) (C(/vz/lock) by default).
    type: path
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.attributes.actiongroup_openvz
  - openvz.cloud.openvz
  - openvz.cloud.openvz.host
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - Idempotent except for specs with C(state=restarted) or C(password_update=always).
notes:
  - Runs on the OpenVZ host, as root.
seealso:
  - module: openvz.cloud.container
  - module: openvz.cloud.container_info
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
      description: 'Container ID (allocated when given by name only).'
      type: int
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
      description: 'vzctl arguments run (or predicted); passwords masked.'
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

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openvz.cloud.plugins.module_utils._backends import BACKEND_ARGUMENT_SPEC
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import (
    DEFAULT_PARALLEL, ConvergeError, manager_for)
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    ALLOCATION_OPTIONS, CONTAINER_OPTIONS, SpecError, normalise_spec)
from ansible_collections.openvz.cloud.plugins.module_utils._container.views import (
    converge_failure, public_result)
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError, ModuleRunner


def main():
    argument_spec = dict(
        containers=dict(type='list', elements='dict', required=True,
                        options=CONTAINER_OPTIONS, required_one_of=[('ctid', 'name')]),
        exclusive=dict(type='bool', default=False),
        exclusive_ctid_range=dict(type='list', elements='int'),
        exclusive_name_pattern=dict(type='str'),
        parallel=dict(type='int', default=DEFAULT_PARALLEL),
    )
    argument_spec.update(ALLOCATION_OPTIONS)
    argument_spec.update(BACKEND_ARGUMENT_SPEC)
    module = AnsibleModule(
        argument_spec=argument_spec, supports_check_mode=True,
        required_if=[('exclusive', True, ('exclusive_ctid_range', 'exclusive_name_pattern'), True)])
    params = module.params
    exclusive = None
    try:
        if params['parallel'] < 1:
            raise SpecError('parallel must be at least 1')
        specs = [normalise_spec(item) for item in params['containers']]
        if params['exclusive']:
            exclusive = {'name_pattern': params.get('exclusive_name_pattern'), 'ctid_range': None}
            if params.get('exclusive_ctid_range') is not None:
                exclusive['ctid_range'] = ids.ctid_range(params['exclusive_ctid_range'], SpecError)
        runner = ModuleRunner(module, timeout=params['command_timeout'])
        manager = manager_for(runner, params, check_mode=module.check_mode)
        results = manager.after_views(manager.converge(specs, exclusive=exclusive))
    except SpecError as exc:
        module.fail_json(msg=str(exc))
    except ConvergeError as exc:
        module.fail_json(**converge_failure(exc, module._diff))
    except CommandError as exc:
        module.fail_json(**exc.fail_kwargs())
    public = [public_result(result, module._diff) for result in results]
    restart = [str(result['ctid']) for result in public if result['restart_needed']]
    if restart:
        module.warn('Containers %s: changed settings (features/capabilities) take effect only '
                    'after a restart' % ', '.join(restart))
    actions = dict((str(result['ctid']), result['actions']) for result in public
                   if result['actions'])
    output = dict(changed=bool(actions), containers=public, actions=actions)
    if module._diff:
        output['diff'] = dict(
            (side, dict((str(r['ctid']), r['diff'][side]) for r in public if r['changed']))
            for side in ('before', 'after'))
    module.exit_json(**output)


if __name__ == '__main__':
    main()
