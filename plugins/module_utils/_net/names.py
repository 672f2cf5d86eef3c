# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interface names: Linux limits (through ``_validate.ifname``) and CloudStack's VLAN names.

CloudStack's ``scripts/vm/network/vnet/modifyvlan.sh`` names the VLAN device
``<trunk>.<vid>`` and its bridge ``br<trunk>-<vid>``, and skips VLAN 4095.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import _validate

VLAN_MIN = 1
VLAN_MAX = 4094
# modifyvlan.sh exits 0 without doing anything for VLAN 4095.
VLAN_SKIPPED = 4095
# Container veth ends on the host: vzctl names them veth<CTID>.<n> (legacy) or veth<hex> (OpenVZ 7).
CONTAINER_VETH_PREFIX = 'veth'


def check_ifname(name, what='interface'):
    """The name, or ValueError unless it is a usable Linux interface name."""
    return _validate.ifname(name, what)


def check_vlan_id(vlan_id):
    """The VLAN id as int, None for 4095 (skipped); ValueError outside 1..4094."""
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


def vlan_names(trunk, vlan_id, bridge=None):
    """(vlan_device, bridge) as CloudStack names them, or None for VLAN 4095.

    ``<trunk>.<vid>`` and ``br<trunk>-<vid>``; ``bridge`` overrides the bridge name.
    """
    check_ifname(trunk, 'trunk')
    vid = check_vlan_id(vlan_id)
    if vid is None:
        return None
    device = '%s.%d' % (trunk, vid)
    if len(device) > _validate.IFNAME_MAX:
        raise ValueError(
            'The VLAN device name %r (trunk %r, VLAN %d) is %d characters; Linux interface names '
            'are at most %d and CloudStack always names the device <trunk>.<vlan>, so the trunk '
            'name must be shorter (bridge: only renames the bridge)'
            % (device, trunk, vid, len(device), _validate.IFNAME_MAX))
    if bridge:
        return device, check_ifname(bridge, 'bridge')
    name = 'br%s-%d' % (trunk, vid)
    if len(name) > _validate.IFNAME_MAX:
        raise ValueError(
            'The VLAN bridge name %r (CloudStack naming br<trunk>-<vlan>) is %d characters; Linux '
            'interface names are at most %d: give a shorter name with bridge:'
            % (name, len(name), _validate.IFNAME_MAX))
    return device, name


def vlan_bridge_name(trunk, vlan_id, bridge=None):
    """CloudStack's VLAN bridge name ``br<trunk>-<vid>`` (or ``bridge``).

    None for VLAN 4095, which callers skip as modifyvlan.sh does. ValueError for VLAN ids
    outside 1..4094, invalid names, and a bridge or VLAN device name over 15 characters
    (the message names the interface).
    """
    names = vlan_names(trunk, vlan_id, bridge)
    return names[1] if names else None


def is_container_veth(name):
    return name.startswith(CONTAINER_VETH_PREFIX)
