# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

import yaml

# Options of the containers module itself, not of its items.
_TOP_LEVEL = ('ctid_range', 'lock_file')


class ModuleDocFragment(object):
    """What the modules that converge containers share; each option of one container is
    written once, here."""

    # The container module: the options of one container at the top level.
    DOCUMENTATION = r'''
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
  ctid_range:
    description:
      - First and last CTID to allocate from for containers given by name only that do not
        exist yet (legacy hosts, where container IDs are numbers; OpenVZ 7/9 allocate
        nothing; new containers are created by name).
    type: list
    elements: int
    default: [101, 2147483644]
  lock_file:
    description:
      - Host-wide lock file held while CTIDs are allocated and the containers created, so
        concurrent runs never take the same ID. Default C(<LOCKDIR>/openvz.cloud-ctid.lck)
        (C(/vz/lock) by default). Not taken on OpenVZ 7/9.
    type: path
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - Idempotent except with O(state=restarted) and O(password_update=always).
notes:
  - Runs on the OpenVZ host, as root.
'''


def _as_items(documentation):
    """The containers variant: every container option goes under O(containers), and a
    reference to one (O(state)) points inside the item (O(containers[].state))."""
    doc = yaml.safe_load(documentation)
    options = doc['options']
    items = dict((name, options.pop(name)) for name in list(options) if name not in _TOP_LEVEL)
    options['containers'] = {'suboptions': items}
    reference = re.compile(r'O\((%s)\b' % '|'.join(sorted(items)))
    return reference.sub(r'O(containers[].\1', json.dumps(doc, indent=2, sort_keys=True))


# Derived after the class so the literal above stays what ansible-test's yamllint reads;
# written as JSON, which the YAML loader of ansible-doc reads as it is.
ModuleDocFragment.ITEMS = _as_items(ModuleDocFragment.DOCUMENTATION)
