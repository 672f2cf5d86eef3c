# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One node's containers as inventory host variables (the openvz inventory plugin's read).

No Ansible import: the plugin runs it per node in a thread, tests against the emulator.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._backends import select_backend
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

# what the node read looks up in one round trip (vzctl and vzlist; prlctl tells the flavour)
TOOLS = ('prlctl', 'vzctl', 'vzlist', 'timeout')


class NodeError(Exception):
    """A node could not be read."""


def container_vars(state, flavour):
    """A backend's ContainerState -> the host's ``openvz_`` variables (JSON types only)."""
    ctid = state['ctid']
    usage = state.get('usage') or {}
    uuid = str(ctid) if flavour == 'vz7' and ctid.is_uuid else (state.get('uuid') or None)
    return {
        'openvz_id': str(ctid),
        'openvz_uuid': uuid,
        'openvz_name': state.get('name'),
        'openvz_status': state.get('status'),
        'openvz_ips': list(state.get('ip') or []),
        'openvz_hostname': state.get('hostname'),
        'openvz_ostemplate': state.get('ostemplate'),
        'openvz_cpus': state.get('cpus'),
        'openvz_ram': state.get('ram_bytes'),
        'openvz_disk': usage.get('disk_limit_bytes'),
        'openvz_layout': state.get('layout'),
        'openvz_flavour': flavour,
    }


def read_node(node, runner):
    """``(flavour, [container vars])`` of one node: one lookup round trip, one vzlist read."""
    try:
        runner.prefetch(TOOLS)
        backend = select_backend(runner, node.get('flavour') or 'auto')
        states = backend.read_containers()
    except CommandError as exc:
        raise NodeError(exc.msg)
    return backend.name, [container_vars(states[key], backend.name)
                          for key in sorted(states, key=str)]
