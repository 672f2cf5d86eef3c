# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import yaml


class ModuleDocFragment(object):
    """The attributes of every openvz.cloud module; a module lists one variant."""

    # Support levels stated by the module or by another fragment.
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


def _with_support(**support):
    """DOCUMENTATION with the support level (and details) of the attributes given."""
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    for name, levels in support.items():
        doc['attributes'][name].update(levels)
    return json.dumps(doc, indent=2, sort_keys=True)


_FULL = {'support': 'full'}
_READ_ONLY = {'details': ['This action does not modify state.']}

# Derived after the class so the literal above stays what ansible-test's yamllint reads;
# written as JSON, which the YAML loader of ansible-doc reads as it is.
# A module that converges the host: check mode and diff predict every change, and a second
# run with the same arguments changes nothing.
ModuleDocFragment.CHANGES = _with_support(check_mode=_FULL, diff_mode=_FULL, idempotent=_FULL)
ModuleDocFragment.INFO_MODULE = _with_support(check_mode=dict(_FULL, **_READ_ONLY),
                                              diff_mode=dict(_READ_ONLY, support='N/A'),
                                              idempotent=_FULL)
