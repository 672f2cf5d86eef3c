# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack agent's ``agent.properties``: managed keys set, every other key kept.

The file is read and written with ``java.util.Properties`` rules (``java_properties``); it
may hold ``keystore.passphrase``, so it is written private and moved into place with
``AnsibleModule.atomic_move`` (the SELinux context of the agent's configuration is kept).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils.files import write_atomic
from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import JavaPropertiesError, dumps, loads

DEFAULT_PATH = '/etc/cloudstack/agent/agent.properties'
_OCTAL_MODE_RE = re.compile(r'^0?[0-7]{3}$')

AGENT_PROPERTIES_ARGUMENT_SPEC = dict(
    path=dict(type='path', default=DEFAULT_PATH),
    properties=dict(type='dict', required=True),
    mode=dict(type='str', default='0600'),
    owner=dict(type='str'),
    group=dict(type='str'),
)


class AgentPropertiesError(ValueError):
    """The request or the file cannot be handled; the message is meant for the user."""


def property_text(value):
    """The text java.util.Properties would hold for a YAML value."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return to_text(value)


def merge_properties(current, managed):
    """Return (merged dict, changed keys, removed keys); current keeps its order."""
    merged = dict(current)
    changed, removed = [], []
    for key, value in managed.items():
        if value is None:
            if key in merged:
                del merged[key]
                removed.append(key)
        elif merged.get(key) != value:
            merged[key] = value
            changed.append(key)
    return merged, sorted(changed), sorted(removed)


def managed_view(properties, managed):
    """key=value text of the managed keys present in properties (for the diff)."""
    lines = ['%s=%s' % (key, properties[key]) for key in sorted(managed) if key in properties]
    return '\n'.join(lines) + '\n' if lines else ''


def read_properties(path):
    """Current properties of path, or None when it does not exist."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        if not os.path.exists(path):
            return None
        raise AgentPropertiesError('Cannot read %s: %s' % (path, to_native(exc)))
    try:
        return loads(data)
    except JavaPropertiesError as exc:
        raise AgentPropertiesError('%s is not a valid Java properties file: %s' % (path, to_native(exc)))


def write_properties(path, properties, mode, mover):
    """Write to a private temporary file beside path, then move it into place."""
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        raise AgentPropertiesError('Directory %s does not exist: install the agent package first' % directory)
    try:
        write_atomic(path, dumps(properties), mode, mover=mover)
    except (IOError, OSError) as exc:
        raise AgentPropertiesError('Cannot write %s: %s' % (path, to_native(exc)))


def apply_attributes(module, path, mode, owner, group):
    """Set mode, owner, group when they differ; return the attribute names changed."""
    actions = []
    if module.set_mode_if_different(path, mode, False):
        actions.append('mode')
    if owner is not None and module.set_owner_if_different(path, owner, False):
        actions.append('owner')
    if group is not None and module.set_group_if_different(path, group, False):
        actions.append('group')
    return actions


def run_agent_properties_module(module):
    """openvz.cloud.agent_properties: returns the exit_json keyword arguments."""
    params = module.params
    path = params['path']
    if not _OCTAL_MODE_RE.match(params['mode']):
        raise AgentPropertiesError('mode must be octal digits such as 0600, got %r' % params['mode'])
    mode = int(params['mode'], 8)
    managed = {}
    for key, value in params['properties'].items():
        if not key:
            raise AgentPropertiesError('properties has an empty key')
        managed[key] = None if value is None else property_text(value)

    current = read_properties(path)
    merged, changed_keys, removed_keys = merge_properties(current or {}, managed)
    owner, group = params['owner'], params['group']
    actions = []
    # Attributes first: a rewrite then inherits the corrected owner and group.
    if current is not None:
        actions.extend(apply_attributes(module, path, mode, owner, group))
    if current is None or changed_keys or removed_keys:
        actions.insert(0, 'create' if current is None else 'rewrite')
        if not module.check_mode:
            write_properties(path, merged, mode, module.atomic_move)
            if current is None:
                actions.extend(apply_attributes(module, path, mode, owner, group))

    result = dict(
        changed=bool(actions),
        path=path,
        properties=dict((key, merged[key]) for key in managed if key in merged),
        changed_keys=changed_keys,
        removed_keys=removed_keys,
        actions=actions,
    )
    if module._diff:
        result['diff'] = dict(before=managed_view(current or {}, managed),
                              after=managed_view(merged, managed),
                              before_header=path, after_header=path)
    return result


AGENT_PROPERTIES_MODULE = ModuleDefinition(AGENT_PROPERTIES_ARGUMENT_SPEC, run_agent_properties_module,
                                           errors=(AgentPropertiesError,), detail_params=('path',))
