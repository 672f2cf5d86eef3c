# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Options shared by the modules that drive vzctl and vzlist."""

    DOCUMENTATION = r'''
options:
  backend:
    description:
      - Which OpenVZ line the host runs. V(auto) chooses V(vz7) where C(prlctl) is installed
        (it ships with OpenVZ 7 and 9 only) and V(legacy) (vzctl 4.x) otherwise.
      - V(legacy) drives C(vzctl) 4.x and C(vzlist); container IDs are numbers.
      - V(vz7) drives OpenVZ 7 and 9 - C(prlctl) for create, set, power, delete and snapshot
        switch/delete, C(vzctl) 7 for NICs, venet addresses, inode limits, snapshot create and
        list, C(vzlist) 7 and C(<ctid>.conf) for reads; container IDs are UUIDs.
    type: str
    choices: [auto, legacy, vz7]
    default: auto
  vzctl_path:
    description:
      - Path of C(vzctl) on the managed host. Default is C(vzctl) found in C(PATH),
        C(/usr/sbin) or C(/sbin).
    type: path
  vzlist_path:
    description:
      - Path of C(vzlist) on the managed host. Default is C(vzlist) found in C(PATH),
        C(/usr/sbin) or C(/sbin).
    type: path
  command_timeout:
    description:
      - Seconds one C(vzctl), C(vzlist) or C(prlctl) call may take before it is killed (through
        C(timeout) of coreutils); the task then fails with rc 124. V(0) means no limit.
    type: int
    default: 600
  conf_dir:
    description:
      - Directory of the container configs C(<CTID>.conf) (C(<UUID>.conf) on OpenVZ 7/9) and
        the C(ve-<name>.conf-sample) samples. Container names live in C(names/) beside it.
    type: path
    default: /etc/vz/conf
  vz_conf:
    description:
      - Global OpenVZ configuration, read for C(TEMPLATE), C(LOCKDIR), C(CONFIGFILE),
        C(DEF_OSTEMPLATE), C(VE_LAYOUT) and global resource defaults.
    type: path
    default: /etc/vz/vz.conf
'''

    # The modules that read the OS template cache (cache.TEMPLATE_CACHE_ARGUMENT_SPEC).
    TEMPLATE_CACHE = r'''
options:
  cache_dir:
    description:
      - Template cache directory. Defaults to C(<TEMPLATE>/cache) with C(TEMPLATE) read from
        O(vz_conf), or C(/vz/template/cache).
    type: path
  vz_conf:
    description:
      - Global OpenVZ configuration file, read for C(TEMPLATE) when O(cache_dir) is not given.
    type: path
    default: /etc/vz/vz.conf
'''

    # The persistence options of the network modules (persist.PERSIST_ARGUMENT_SPEC) and what
    # their diff shows.
    NETWORK_FILES = r'''
options:
  persistent:
    description: Also write the devices to the host's network configuration.
    type: bool
    default: true
  config_system:
    description:
      - V(ifcfg) writes C(ifcfg-<device>) files (OpenVZ 7, VzLinux, CentOS).
      - V(ifupdown) writes one stanza C(<config_dir>/<bridge>) that creates the devices with
        iproute2 in C(pre-up) hooks (no bridge-utils or vlan package needed) - Debian-based hosts.
      - V(auto) picks V(ifcfg) when C(/etc/sysconfig/network-scripts) exists, else V(ifupdown)
        when C(/etc/network/interfaces) exists, else fails.
    type: str
    choices: [auto, ifcfg, ifupdown]
    default: auto
  config_dir:
    description:
      - Directory of the files; default C(/etc/sysconfig/network-scripts) (ifcfg) or
        C(/etc/network/interfaces.d) (ifupdown).
    type: path
attributes:
  diff_mode:
    details:
      - The diff shows the devices (VLAN device, bridge) before and after at runtime, and every
        configuration file written or removed.
'''
