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
    file with the final mode and moved into place with C(AnsibleModule.atomic_move) (the
    SELinux context is kept), so it is never readable by others.
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
  - openvz.cloud.attributes.changes
seealso:
  - module: openvz.cloud.host_info
    description: The host facts the agent reports at discovery.
  - module: openvz.cloud.local_storage_info
    description: The local pool the agent reports as the host's storage.
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

from ansible_collections.openvz.cloud.plugins.module_utils._host.agent_properties import AGENT_PROPERTIES_MODULE

main = AGENT_PROPERTIES_MODULE.main

if __name__ == '__main__':
    main()
