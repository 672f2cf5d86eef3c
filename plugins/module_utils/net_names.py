# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interface naming rules: Linux limits and CloudStack's VLAN names (cloudstack.md section 7)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# IFNAMSIZ is 16 bytes including the terminating NUL.
IFNAME_MAX = 15
VLAN_MIN = 1
VLAN_MAX = 4094
# CloudStack's modifyvlan.sh exits 0 without doing anything for VLAN 4095.
VLAN_SKIPPED = 4095
# Letters, digits and '.', '_', '-': what iproute2, ifcfg file names and ifupdown all accept.
_IFNAME_RE = re.compile(r'^[A-Za-z0-9_.-]+$')
# Container veth ends on the host: vzctl names them veth<CTID>.<n> (legacy) or veth<hex> (OpenVZ 7).
CONTAINER_VETH_PREFIX = 'veth'


def check_ifname(name, what='interface'):
    """Raise ValueError unless ``name`` is a usable Linux interface name."""
    if not name:
        raise ValueError('The %s name is empty' % what)
    if len(name) > IFNAME_MAX:
        raise ValueError('The %s name %r is %d characters; Linux interface names are at most %d'
                         % (what, name, len(name), IFNAME_MAX))
    if not _IFNAME_RE.match(name) or name in ('.', '..'):
        raise ValueError("The %s name %r is invalid: use letters, digits, '.', '_' and '-'" % (what, name))
    return name


def check_vlan_id(vlan_id):
    """Return the VLAN id as int, None for 4095 (skipped); ValueError outside 1..4094."""
    try:
        vid = int(vlan_id)
    except (TypeError, ValueError):
        raise ValueError('VLAN id %r is not a number' % (vlan_id,))
    if vid == VLAN_SKIPPED:
        return None
    if vid < VLAN_MIN or vid > VLAN_MAX:
        raise ValueError('VLAN id %d is out of range: VLAN ids are %d-%d (%d is skipped as CloudStack does)'
                         % (vid, VLAN_MIN, VLAN_MAX, VLAN_SKIPPED))
    return vid


def vlan_device_name(trunk, vid):
    return '%s.%d' % (trunk, vid)


def vlan_names(trunk, vlan_id, bridge=None):
    """(vlan_device, bridge) as CloudStack names them, or None for VLAN 4095.

    ``<trunk>.<vid>`` and ``br<trunk>-<vid>``; ``bridge`` overrides the bridge name.
    """
    check_ifname(trunk, 'trunk')
    vid = check_vlan_id(vlan_id)
    if vid is None:
        return None
    device = vlan_device_name(trunk, vid)
    if len(device) > IFNAME_MAX:
        raise ValueError(
            'The VLAN device name %r (trunk %r, VLAN %d) is %d characters; Linux interface names '
            'are at most %d and CloudStack always names the device <trunk>.<vlan>, so the trunk '
            'name must be shorter (bridge: only renames the bridge)'
            % (device, trunk, vid, len(device), IFNAME_MAX))
    if bridge:
        check_ifname(bridge, 'bridge')
        return device, bridge
    name = 'br%s-%d' % (trunk, vid)
    if len(name) > IFNAME_MAX:
        raise ValueError(
            'The VLAN bridge name %r (CloudStack naming br<trunk>-<vlan>) is %d characters; Linux '
            'interface names are at most %d: give a shorter name with bridge:'
            % (name, len(name), IFNAME_MAX))
    return device, name


def is_container_veth(name):
    return name.startswith(CONTAINER_VETH_PREFIX)
