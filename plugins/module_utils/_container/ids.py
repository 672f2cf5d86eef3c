# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container IDs: an int on legacy hosts, an opaque string (UUID or name) on OpenVZ 7/9.

IDs are allocated as the lowest free number in a range, under a host-wide lock: vzctl
itself has no lock covering allocation (vzctl(8): the lock is per container), so two
runs picking "the next free ID" at once would collide.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

CTID_MIN = 101
CTID_MAX = 2147483644
LOCK_NAME = 'openvz.cloud-ctid.lck'
_UUID_RE = re.compile(r'^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
                      r'[0-9a-fA-F]{12})\}?$')


class ContainerId(object):
    """A container's ID as the host knows it. ``101`` and ``'101'`` are the same ID; a UUID
    compares case-insensitively, with or without braces."""

    __slots__ = ('value',)

    def __init__(self, value):
        if isinstance(value, ContainerId):
            value = value.value
        if isinstance(value, bool) or value is None:
            raise ValueError('Invalid container ID %r' % (value,))
        text = str(value).strip()
        match = _UUID_RE.match(text)
        if match:
            self.value = match.group(1).lower()
        elif text.isdigit():
            self.value = int(text)
        elif text:
            self.value = text
        else:
            raise ValueError('Invalid container ID %r' % (value,))

    @property
    def is_number(self):
        return isinstance(self.value, int)

    @property
    def is_uuid(self):
        return not self.is_number and bool(_UUID_RE.match(self.value))

    def __eq__(self, other):
        if not isinstance(other, ContainerId):
            try:
                other = ContainerId(other)
            except ValueError:
                return False
        return self.value == other.value

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        # hash of the canonical value: a dict keyed by ContainerId finds 101 and 'uuid' too
        return hash(self.value)

    def __lt__(self, other):
        mine, theirs = self.value, ContainerId(other).value
        if isinstance(mine, int) and isinstance(theirs, int):
            return mine < theirs
        return (isinstance(theirs, int), str(mine)) < (isinstance(mine, int), str(theirs))

    def __str__(self):
        return str(self.value)

    def __repr__(self):
        return 'ContainerId(%r)' % (self.value,)


def legacy_ctid(value, error=ValueError):
    """A legacy numeric CTID, 101..2147483644 (up to 100 reserved, 0 is the host)."""
    try:
        ctid = value if isinstance(value, ContainerId) else ContainerId(value)
    except ValueError:
        ctid = None
    if ctid is None or not ctid.is_number:
        raise error('Invalid ctid %s: legacy OpenVZ container IDs are integers, 101 to %d'
                    % (value, CTID_MAX))
    if not CTID_MIN <= ctid.value <= CTID_MAX:
        raise error('Invalid ctid %s: container IDs must be between %d and %d (IDs up to 100 '
                    'are reserved, 0 is the host)' % (ctid, CTID_MIN, CTID_MAX))
    return ctid


def ctid_range(id_range, error=ValueError):
    if not id_range or len(id_range) != 2:
        raise error('ctid_range must be a list of two integers [first, last]')
    first, last = legacy_ctid(id_range[0], error).value, legacy_ctid(id_range[1], error).value
    if first > last:
        raise error('ctid_range %r: the first ID is above the last' % (list(id_range),))
    return first, last


def lowest_free(first, last, used):
    """Lowest ID in ``first..last`` not in ``used`` (ints); None when the range is full."""
    ctid = first
    for taken in sorted(number for number in used if first <= number <= last):
        if taken > ctid:
            break
        ctid = taken + 1
    return ctid if ctid <= last else None


class Allocator(object):
    """Hands out numeric IDs within one run; every ID handed out counts as used."""

    def __init__(self, first, last, used):
        self.first = first
        self.last = last
        self.used = set(ContainerId(number).value for number in used
                        if ContainerId(number).is_number)

    def allocate(self):
        number = lowest_free(self.first, self.last, self.used)
        if number is None:
            raise ValueError('No free CTID left in the range %d..%d' % (self.first, self.last))
        self.used.add(number)
        return ContainerId(number)
