#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vz_conf
short_description: Manage settings of the OpenVZ global configuration /etc/vz/vz.conf
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Sets the given C(KEY=value) settings of C(/etc/vz/vz.conf), the file vzctl reads for
    defaults such as C(VE_LAYOUT), C(TEMPLATE) and C(CONFIGFILE) (see vz.conf(5)).
  - The file keeps its shell-config syntax. A key is read as vzctl reads it - the line is
    trimmed, a quoted value runs to the last C("), an unquoted one is the rest of the line -
    so C(VE_LAYOUT=ploop) and C(VE_LAYOUT="ploop") are the same value and are left as they are.
  - Only lines of a key whose value differs are rewritten, as C(KEY="value") (every line of
    that key, so duplicates agree); a missing key is appended. Comments, blank lines and
    every other key stay byte for byte.
  - The new content is written to a temporary file and moved over the old one with
    C(AnsibleModule.atomic_move), so readers never see half a file and the file keeps its
    owner, mode and SELinux context.
options:
  path:
    description:
      - The OpenVZ global configuration. It must exist (the vzctl package installs it).
    type: path
    default: /etc/vz/vz.conf
  settings:
    description:
      - Keys to manage and their values. Keys are upper-case shell variable names
        (C(VE_LAYOUT), C(VE_STOP_MODE)). Booleans are written as C(yes) or C(no), numbers
        as their decimal text.
      - Values must not contain C("), C(\), a backquote or a line break, since shell scripts
        source the file; C($VEID) in paths such as C(VE_PRIVATE) is kept literally for vzctl.
      - A key whose value is V(null) is removed from the file.
    type: dict
    required: true
extends_documentation_fragment:
  - openvz.cloud.attributes.changes
seealso:
  - module: openvz.cloud.local_storage_info
    description: Reads the pool path that C(VE_PRIVATE) gives.
  - module: openvz.cloud.template
    description: Installs templates into the cache under C(TEMPLATE).
'''

EXAMPLES = r'''
- name: New containers on simfs, from the basic sample, stopped cleanly
  openvz.cloud.vz_conf:
    settings:
      VE_LAYOUT: simfs
      CONFIGFILE: basic
      VE_STOP_MODE: stop

- name: Drop a setting so vzctl's built-in default applies again
  openvz.cloud.vz_conf:
    settings:
      NEIGHBOUR_DEVS: null
'''

RETURN = r'''
path:
  description: The configuration file.
  returned: always
  type: str
  sample: /etc/vz/vz.conf
settings:
  description: The managed keys and their values after the run (as vzctl reads them); removed keys are absent.
  returned: always
  type: dict
  sample: {"VE_LAYOUT": "simfs", "CONFIGFILE": "basic"}
changed_keys:
  description: As RV(openvz.cloud.agent_properties#module:changed_keys).
  returned: always
  type: list
  elements: str
  sample: [VE_LAYOUT]
removed_keys:
  description: As RV(openvz.cloud.agent_properties#module:removed_keys).
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: The whole file before and after.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import VZ_CONF_MODULE

main = VZ_CONF_MODULE.main

if __name__ == '__main__':
    main()
