# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Spec against state: the named changes a backend turns into commands."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

Change = namedtuple('Change', 'name wanted current')

# (change name, spec and state key, how to compare); in the order commands take them.
COMPARED = (
    ('name', 'name', 'value'),
    ('hostname', 'hostname', 'value'),
    ('description', 'description', 'value'),
    ('onboot', 'onboot', 'value'),
    ('ram', 'ram_bytes', 'value'),
    ('swap', 'swap_bytes', 'value'),
    ('cpus', 'cpus', 'value'),
    ('cpuunits', 'cpuunits', 'value'),
    ('cpulimit', 'cpulimit', 'zero_is_unset'),
    ('diskspace', 'diskspace_kb', 'limit'),
    ('diskinodes', 'diskinodes', 'limit'),
    ('nameservers', 'nameservers', 'list'),
    ('searchdomains', 'searchdomains', 'list'),
    ('ipaddresses', 'ipaddresses', 'set'),
    ('features', 'features', 'onoff'),
    ('capabilities', 'capabilities', 'onoff'),
)
NETIF_EDITABLE = ('mac', 'host_ifname', 'host_mac', 'bridge')


def _netifs_differ(wanted, current):
    """Exact list: NICs not listed go; a listed NIC differs in a key it gives."""
    have = dict((nic['ifname'], nic) for nic in current)
    if set(have) != set(nic['ifname'] for nic in wanted):
        return True
    return any(nic.get(key) and nic[key] != have[nic['ifname']].get(key)
               for nic in wanted for key in NETIF_EDITABLE)


def differences(spec, state):
    """Changes that bring ``state`` to ``spec``; settings the spec leaves out are kept."""
    changes = []
    for name, key, kind in COMPARED:
        wanted = spec.get(key)
        if wanted is None:
            continue
        current = state.get(key)
        if kind == 'zero_is_unset':
            differs = wanted != (current or 0)
        elif kind == 'limit':
            differs = current is None or list(wanted) != list(current)
        elif kind == 'list':
            differs = list(wanted) != list(current or [])
        elif kind == 'set':
            differs = set(wanted) != set(current or [])
        elif kind == 'onoff':
            wanted = dict((item, value) for item, value in wanted.items()
                          if (current or {}).get(item) != value)
            differs = bool(wanted)
        else:
            differs = wanted != current
        if differs:
            changes.append(Change(name, wanted, current))
    if spec.get('netifs') is not None and _netifs_differ(spec['netifs'], state.get('netifs') or []):
        changes.append(Change('netifs', spec['netifs'], state.get('netifs') or []))
    return changes
