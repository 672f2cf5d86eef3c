# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloudstack_guid filter: the host guid CloudStack derives from an address."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: cloudstack_guid
short_description: The host guid CloudStack derives from a host's address
version_added: 0.1.0
description:
  - Returns the guid a CloudStack management server gives a host it adds by this address
    (Java C(UUID.nameUUIDFromBytes) of the text, that is an MD5 based version 3 UUID with no namespace).
  - The same code computes RV(openvz.cloud.host_info#module:host.guid), so the agent role and
    host_info always agree.
positional: _input
options:
  _input:
    description: The address (or any text) the guid is derived from, usually the host's private IP.
    type: string
    required: true
author:
  - openvz.cloud contributors
'''

EXAMPLES = r'''
- name: The guid of the host added as 198.18.0.11
  ansible.builtin.debug:
    msg: "{{ '198.18.0.11' | openvz.cloud.cloudstack_guid }}"
'''

RETURN = r'''
_value:
  description: The guid, a lowercase UUID string.
  type: string
  sample: 0f1e4c8a-5d2b-3c6e-9a7f-1b2c3d4e5f60
'''

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import cloudstack_guid


def cloudstack_guid_filter(address):
    text = to_text(address).strip()
    if not text:
        raise AnsibleFilterError('cloudstack_guid needs a non-empty address')
    return cloudstack_guid(text)


class FilterModule(object):
    def filters(self):
        return {'cloudstack_guid': cloudstack_guid_filter}
