# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Attribute declarations shared by every openvz.cloud module."""

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
  action_group:
    description: Use C(group/openvz.cloud.openvz) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - openvz.cloud.openvz
'''

    # A module that changes the host and predicts every change in check mode and diff.
    CHANGES = r'''
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
'''

    # With CHANGES: a second run with the same arguments changes nothing.
    IDEMPOTENT = r'''
options: {}
attributes:
  idempotent:
    support: full
'''

    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
'''
