# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transitional: the container code's old entry points into the network code.

Only ``container.py`` and ``container_runner.py`` still import this; they move to
``_net.names.vlan_bridge_name`` and ``_net.vlans.ensure_vlan_bridge`` (which raise instead
of failing the module) with the container stack's part of issue 10, and this file goes then.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.openvz.cloud.plugins.module_utils._net import names, vlans
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError, ModuleRunner

vlan_bridge_name = names.vlan_bridge_name


def ensure_vlan_bridge(module, trunk, vlan_id, bridge=None, check_mode=False):
    """``_net.vlans.ensure_vlan_bridge`` through the module's runner; fails the module on errors."""
    try:
        return vlans.ensure_vlan_bridge(ModuleRunner(module), trunk, vlan_id, check_mode=check_mode,
                                        bridge=bridge)
    except ValueError as exc:
        module.fail_json(msg=to_native(exc))
    except CommandError as exc:
        module.fail_json(**exc.fail_kwargs())
