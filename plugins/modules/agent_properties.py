#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: agent_properties
short_description: Manage keys of the CloudStack agent's agent.properties
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Sets the given keys of C(/etc/cloudstack/agent/agent.properties) and keeps every other
    key, such as the C(keystore.passphrase) that CloudStack's C(keystore-setup) adds.
  - The file is read and written with C(java.util.Properties) rules (escapes, C(=), C(:)
    or blank separators, continuation lines, ISO-8859-1 bytes, C(\uXXXX) for other
    characters) and rewritten as C(Properties.store()) does - a C(#) line, a date line,
    then C(key=value) lines in the file's order, new keys last. Comments are not kept.
  - The file is only rewritten when a managed key differs; it is written to a temporary
    file with the final mode and renamed into place, so it is never readable by others.
  - The diff shows the managed keys only, so unmanaged secrets never reach the output.
options:
  path:
    description:
      - The agent properties file. Its directory must exist (the agent package creates it).
    type: path
    default: /etc/cloudstack/agent/agent.properties
  properties:
    description:
      - Keys to manage and their values. Booleans are written as C(true) or C(false),
        numbers as their decimal text.
      - A key whose value is V(null) is removed from the file.
      - Keys not listed here are kept as they are.
    type: dict
    required: true
  mode:
    description:
      - Octal permissions of the file. The file may hold C(keystore.passphrase); keep it
        private.
    type: str
    default: '0600'
  owner:
    description:
      - Owner of the file. Unset keeps the current owner (root for a new file).
    type: str
  group:
    description:
      - Group of the file. Unset keeps the current group.
    type: str
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.attributes.actiongroup_openvz
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
seealso:
  - module: openvz.cloud.host_info
  - module: openvz.cloud.local_storage_info
'''

EXAMPLES = r'''
- name: Point the agent at the management servers
  openvz.cloud.agent_properties:
    properties:
      host: 192.0.2.10,192.0.2.11
      port: 8250
      zone: 1
      pod: 1
      cluster: 2
      guid: a3f7f538-daf4-3615-84d9-5a8ec0f09091
  notify: Restart cloudstack-agent

- name: Drop a key the agent should no longer see
  openvz.cloud.agent_properties:
    properties:
      hypervisor.uri: null
'''

RETURN = r'''
path:
  description: The properties file.
  returned: always
  type: str
  sample: /etc/cloudstack/agent/agent.properties
properties:
  description: The managed keys and their values after the run; removed keys are absent.
  returned: always
  type: dict
  sample: {"host": "192.0.2.10", "port": "8250", "zone": "1"}
changed_keys:
  description: Managed keys whose value was set or changed (would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [guid, host]
removed_keys:
  description: Keys removed because their value was V(null).
  returned: always
  type: list
  elements: str
  sample: []
actions:
  description:
    - What was done (or would be, in check mode) - V(create) or V(rewrite) for the
      content, V(mode), V(owner), V(group) for attributes.
  returned: always
  type: list
  elements: str
  sample: [rewrite, mode]
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.openvz.cloud.plugins.module_utils.files import write_atomic
from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import (
    JavaPropertiesError,
    dumps,
    loads,
)

_OCTAL_MODE_RE = re.compile(r'^0?[0-7]{3}$')


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


def read_properties(module, path):
    """Current properties of path, or None when it does not exist."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        if not os.path.exists(path):
            return None
        module.fail_json(msg='Cannot read %s: %s' % (path, to_native(exc)))
    try:
        return loads(data)
    except JavaPropertiesError as exc:
        module.fail_json(msg='%s is not a valid Java properties file: %s' % (path, to_native(exc)))


def write_properties(module, path, properties, mode):
    """Write to a private temporary file beside path, then rename it into place."""
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        module.fail_json(msg='Directory %s does not exist: install the agent package first' % directory)
    try:
        write_atomic(path, dumps(properties), mode)
    except (IOError, OSError) as exc:
        module.fail_json(msg='Cannot write %s: %s' % (path, to_native(exc)))


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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/etc/cloudstack/agent/agent.properties'),
            properties=dict(type='dict', required=True),
            mode=dict(type='str', default='0600'),
            owner=dict(type='str'),
            group=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    path = module.params['path']
    if not _OCTAL_MODE_RE.match(module.params['mode']):
        module.fail_json(msg='mode must be octal digits such as 0600, got %r' % module.params['mode'])
    mode = int(module.params['mode'], 8)
    managed = {}
    for key, value in module.params['properties'].items():
        if not key:
            module.fail_json(msg='properties has an empty key')
        managed[key] = None if value is None else property_text(value)

    current = read_properties(module, path)
    merged, changed_keys, removed_keys = merge_properties(current or {}, managed)
    owner, group = module.params['owner'], module.params['group']
    actions = []
    # Attributes first: a rewrite then inherits the corrected owner and group.
    if current is not None:
        actions.extend(apply_attributes(module, path, mode, owner, group))
    if current is None or changed_keys or removed_keys:
        actions.insert(0, 'create' if current is None else 'rewrite')
        if not module.check_mode:
            write_properties(module, path, merged, mode)
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
    module.exit_json(**result)


if __name__ == '__main__':
    main()
