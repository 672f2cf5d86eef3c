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
options:
  ctid:
    description:
      - Container ID. On legacy hosts an integer, 101 to 2147483644 (IDs up to 100 are
        reserved, 0 is the host).
      - Without it the container is found by O(name); on legacy hosts a new one gets the
        lowest free ID in O(ctid_range), allocated under a host-wide lock.
      - On OpenVZ 7/9 a container is identified by a UUID (with or without braces, any
        case); a numeric ID (a container made by C(vzctl create <number>)) or a name also
        addresses it. A new container is created by O(name) and gets the UUID given here
        (C(prlctl create --uuid)), so a cloud can use its own VM UUID; without one prlctl
        chooses it. A numeric ID creates it with C(vzctl create <number>) and needs O(name)
        (prlctl finds containers by name or UUID only). A ctid that is
        neither a number nor a UUID is the new container's name.
    type: str
  name:
    description:
      - Container name, set with C(vzctl set --name) (C(prlctl set --name) on OpenVZ 7/9);
        letters, digits, space and C(-+_.).
      - With O(ctid), a container with another name is renamed; a name used by another
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
      - On OpenVZ 7/9 an EZ template (C(vzpkg install template), cached as
        C(<name>.plain.ploopv2.tar.lz4) and the like, or built at create time) creates either
        layout; a legacy precreated C(<name>.tar.gz) creates only O(layout=simfs) containers,
        so a ploop create from one is refused before any change.
    type: str
  config:
    description: Config sample name (C(ve-<config>.conf-sample)) used at creation.
    type: str
  layout:
    description:
      - Private area layout at creation.
      - On OpenVZ 7/9 the default is the host's (C(VEFSTYPE) of O(vz_conf), ploop unless it
        says simfs); a layout other than the default, O(private) or O(root) makes the create
        a C(vzctl create <UUID>) (prlctl create has no such options), and a container given
        by name only then gets a new UUID at planning, so check mode shows another UUID than
        the real run uses.
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
      - On VSwap kernels vzctl needs a swap setting too; when neither O(swap) nor the
        container or global config has one, the task fails before running vzctl.
      - On OpenVZ 7/9 set with C(prlctl set --memsize), which counts MiB; a size that is not a
        whole number of MiB (or V(unlimited)) is refused.
    type: str
  swap:
    description:
      - Swap limit (C(--swap)), same units as O(ram).
      - On OpenVZ 7/9 C(prlctl set --swappages) (4096-byte pages).
    type: str
  cpus:
    description: Number of CPUs (C(--cpus), of C(vzctl set) or C(prlctl set)).
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
        C(K M G T) as for O(ram). Changing it on ploop resizes the image.
      - Compared with C(DISKSPACE) of the container config, never with the filesystem size
        vzlist reports for a ploop image.
      - On OpenVZ 7/9 a ploop limit with soft equal to hard in whole MiB is
        C(prlctl set --device-set hdd0 --size); others (simfs, soft below hard) are
        C(vzctl set --diskspace --save).
    type: str
  diskinodes:
    description: Inode limit C(soft[:hard]), plain numbers (C(vzctl set --diskinodes) on both lines).
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
    description: Start the container when the host boots (C(prlctl set --autostart on|off) on OpenVZ 7/9).
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
        removed, order does not matter (C(vzctl set --ipadd/--ipdel) on both lines).
    type: list
    elements: str
  features:
    description:
      - Features to switch on or off, a dict of name to boolean such as C(nfs) to V(true). Names
        C(sysfs nfs sit ipip ppp ipgre bridge nfsd). Unlisted features are left alone.
        On OpenVZ 7/9 set with C(prlctl set --features).
      - Needs a restart of a running container, see O(restart_if_needed).
    type: dict
  capabilities:
    description:
      - Capabilities to switch on or off, a dict of name to boolean such as C(sys_time) to V(true), names as in
        C(vzctl --capability) (any case). Unlisted ones are left alone.
      - Legacy hosts only. OpenVZ 7/9 keep no capabilities (vzctl 7 ignores
        C(--capability) as deprecated); the task fails there, before any change, when they
        are given.
      - Needs a restart of a running container, see O(restart_if_needed).
    type: dict
  root_password:
    description:
      - Password set for root with C(vzctl set --userpasswd root:<password>) (never logged
        or returned). A stopped container is started for this by vzctl and stopped again.
        On OpenVZ 7/9 C(prlctl set --userpasswd).
      - A password cannot be read back to compare, see O(password_update).
    type: str
  password_update:
    description:
      - V(on_create) sets O(root_password) only when the container is created (idempotent).
      - V(always) sets it on every run, which always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  netifs:
    description:
      - veth NICs, an exact list - NICs not listed are removed (C(--netif_del)), new ones
        added (C(--netif_add)), existing ones edited in place (C(--ifname X --bridge Y)).
      - MACs and host names that are not given are generated by vzctl once and then kept.
      - Give either O(netifs[].bridge) (untagged) or O(netifs[].vlan) with
        O(netifs[].trunk) (tagged, the VLAN bridge C(br<trunk>-<vlan>) as CloudStack names
        it, created on the host first when missing), or on OpenVZ 7/9 O(netifs[].network).
      - On OpenVZ 7/9 NICs are C(vzctl set --netif_add ifname[,mac,host_ifname,host_mac])
        and C(--netif_del); a bridge is joined with C(vzctl set --ifname X --nettype bridge
        --network <bridge>) (vzctl 7 has no C(--bridge); the network name is the bridge
        itself), a virtual network with C(--ifname X --network <network>). A NIC moving
        between a bridge and a virtual network is removed and added again with its MACs.
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
      network:
        description:
          - OpenVZ 7/9 only - the virtual network (C(prlsrvctl net list)) the NIC joins, such
            as V(Bridged); it must exist, checked before any change. Legacy hosts refuse it.
        type: str
      vlan:
        description: VLAN ID (1-4094) of a tagged NIC.
        type: int
      trunk:
        description: Host interface carrying the VLAN (CloudStack's physical interface).
        type: str
  stop_timeout:
    description:
      - Seconds to wait for C(vzctl stop) (C(prlctl stop) on OpenVZ 7/9). Without O(force) a
        stop that takes longer fails.
    type: int
  force:
    description:
      - Kill the container (C(vzctl stop --fast), C(prlctl stop --kill) on OpenVZ 7/9) when
        O(stop_timeout) expires; without O(stop_timeout), kill it right away.
    type: bool
    default: false
  restart_if_needed:
    description:
      - Restart a running container when a changed setting only takes effect after a
        restart (O(features), O(capabilities)).
    type: bool
    default: false
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.openvz
  - openvz.cloud.openvz.allocation
attributes:
  idempotent:
    details:
      - Idempotent except with O(state=restarted) and O(password_update=always).
seealso:
  - module: openvz.cloud.containers
  - module: openvz.cloud.container_info
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
