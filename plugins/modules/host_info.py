#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: host_info
short_description: Report the facts CloudStack discovery reads from an OpenVZ host
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Reads the hypervisor flavour and kernel evidence, CPU topology and speed, memory,
    the C(Host.OS), C(Host.OS.Version) and C(Host.OS.Kernel.Version) strings, the host guid,
    the management bridge's address, the bridges and the number of containers.
  - C(Host.OS) and C(Host.OS.Version) are derived as CloudStack's C(versions.sh) does -
    C(/etc/redhat-release) (first word; digits and dots of fields 3 and 4), else
    C(/etc/lsb-release) (C(DISTRIB_ID), C(DISTRIB_RELEASE)), else the double-quoted C(NAME)
    and C(VERSION_ID) of C(/etc/os-release), else C(Unknown Linux) and C(X.Y).
  - The guid is the type 3 UUID of the address text with no namespace, as CloudStack's
    management server computes it (Java C(UUID.nameUUIDFromBytes)).
  - OpenVZ detection follows the kernel interfaces - C(/proc/vz), C(/proc/vz/version),
    C(/proc/bc), C(envID) in C(/proc/self/status), the kernel release pattern - and the
    presence of C(vzctl) and C(vzlist); every piece of evidence is returned.
  - The flavour comes from C(vzctl --version) (C(vzctl version 4.x) is V(legacy),
    C(vzctl v.7.x) is V(openvz7)), else from the kernel release.
options:
  management_bridge:
    description:
      - Bridge (or NIC) carrying the management network, as C(private.network.device) in
        CloudStack's C(agent.properties), for example C(cloudbr0).
      - Its first IPv4 address, netmask and MAC are returned in RV(host.private).
    type: str
  guid_address:
    description:
      - Address the management server uses to reach this host (the IP of the C(addHost) URL);
        the guid is derived from it.
      - Defaults to the first IPv4 address of O(management_bridge).
    type: str
  gather_bridges:
    description:
      - List the Linux bridges with their ports, MTU, state and addresses.
    type: bool
    default: true
  root:
    description:
      - Prefix under which C(/proc), C(/sys) and C(/etc) are read; for chroots and tests.
    type: path
    default: /
notes:
  - Safe on any Linux host, also before OpenVZ is installed - a missing C(vzctl), C(vzlist) or
    C(prlctl) is reported in RV(host.hypervisor), not an error; the host role's preflight asserts on it.
extends_documentation_fragment:
  - openvz.cloud.attributes.info_module
seealso:
  - module: openvz.cloud.local_storage_info
    description: The local storage pool, reported as a KVM agent reports its pool.
'''

EXAMPLES = r'''
- name: Gather what CloudStack discovery will see
  openvz.cloud.host_info:
    management_bridge: cloudbr0
  register: ovz_host

- name: Refuse a cluster mixing OpenVZ flavours
  ansible.builtin.assert:
    that:
      - ovz_host.host.hypervisor.is_host
      - ovz_host.host.hypervisor.flavour == 'legacy'
'''

RETURN = r'''
host:
  description: The host facts.
  returned: always
  type: dict
  contains:
    hypervisor:
      description: OpenVZ flavour and the evidence for it.
      type: dict
      contains:
        type:
          description: Always V(openvz).
          type: str
        flavour:
          description: V(legacy), V(openvz7), or null when neither vzctl nor the kernel tells.
          type: str
        vzctl_version:
          description: Version printed by C(vzctl --version).
          type: str
          sample: 4.11.1
        openvz_kernel:
          description: C(/proc/vz) exists (and C(/proc/lve) does not).
          type: bool
        kernel_role:
          description: V(host) or V(container) as the kernel interfaces show, null when not OpenVZ.
          type: str
        is_host:
          description: OpenVZ kernel in the host role with vzctl and vzlist installed.
          type: bool
        tools_installed:
          description: vzctl and vzlist are on the path.
          type: bool
        dispatcher:
          description:
            - OpenVZ 7/9 only (null on other lines) - C(prl-disp-service) as prlctl sees it.
            - C(prlctl) (path, null when missing), C(running) (C(prlctl list) logged in; null without prlctl),
              C(rc) (253 when prlctl cannot connect to the dispatcher) and C(message) (prlctl's error).
          type: dict
          sample: {"prlctl": "/usr/bin/prlctl", "running": true, "rc": 0, "message": null}
        evidence:
          description: Each file checked, C(envID), the kernel release and its pattern, tool paths.
          type: dict
    cpu:
      description:
        - C(sockets), C(cores), C(threads), C(cores_per_socket), C(model), C(flags).
        - C(speed_mhz) is the cpufreq maximum, else the highest C(cpu MHz) of /proc/cpuinfo (C(speed_source) says which).
        - C(topology_source) is V(sysfs), V(cpuinfo) or V(assumed) (one socket, one core per thread).
      type: dict
    memory:
      description: C(total_bytes), C(free_bytes), C(available_bytes), C(swap_total_bytes), C(swap_free_bytes).
      type: dict
    os:
      description: C(name) (Host.OS), C(version) (Host.OS.Version), C(kernel) (C(uname -r)), C(source) file.
      type: dict
    details:
      description: The three strings under CloudStack's detail names.
      type: dict
      sample: {"Host.OS": "CentOS", "Host.OS.Version": "6.10", "Host.OS.Kernel.Version": "2.6.32-042stab145.3"}
    guid:
      description: CloudStack host guid (UUID v3 of RV(host.guid_address)); null without an address.
      type: str
      sample: a3f7f538-daf4-3615-84d9-5a8ec0f09091
    guid_address:
      description: Address the guid was derived from.
      type: str
    private:
      description: C(interface), C(ip), C(netmask), C(prefix), C(mac) and all C(addresses) of O(management_bridge); null when not asked.
      type: dict
    bridges:
      description: Linux bridges (C(name), C(ports), C(mtu), C(state), C(addresses), C(stp)); null when O(gather_bridges=false).
      type: list
      elements: dict
    container_count:
      description: Number of containers (all states).
      type: int
    container_count_source:
      description: V(vzlist) (C(vzlist -a -1)) or V(configs) (C(/etc/vz/conf/<CTID>.conf) files).
      type: str
'''

from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import HOST_INFO_MODULE

main = HOST_INFO_MODULE.main

if __name__ == '__main__':
    main()
