# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CTID allocation: the lowest free ID in a range, under a host-wide lock.

vzctl has no lock covering ID allocation (openvz-cli.md section 7), so two runs picking
"the next free ID" at once would collide. Every openvz.cloud run that allocates holds an
exclusive ``fcntl`` lock on one file until its containers are created; an ID is taken
once its ``<CTID>.conf`` exists, so the next holder sees it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fcntl
import os
import re

DEFAULT_LOCK_NAME = 'openvz.cloud-ctid.lck'
_CONF_RE = re.compile(r'^(\d+)\.conf$')


def default_lock_path(global_conf):
    return os.path.join(global_conf.get('LOCKDIR') or '/vz/lock', DEFAULT_LOCK_NAME)


class CtidLock(object):
    """Exclusive host-wide allocation lock (blocking), usable as a context manager."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def acquire(self):
        directory = os.path.dirname(self.path)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        self.handle = open(self.path, 'a')
        fcntl.lockf(self.handle.fileno(), fcntl.LOCK_EX)
        return self

    def release(self):
        if self.handle is not None:
            fcntl.lockf(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, exc_type, exc_value, traceback):
        self.release()


def ids_in_use(conf_dir, listed_ids=()):
    """CTIDs with a config file (any state, also hidden from vzlist) or listed by vzlist."""
    used = set(int(ctid) for ctid in listed_ids)
    try:
        names = os.listdir(conf_dir)
    except OSError:
        names = []
    for name in names:
        match = _CONF_RE.match(name)
        if match:
            used.add(int(match.group(1)))
    return used


def lowest_free(first, last, used):
    """Lowest ID in ``first..last`` not in ``used``; None when the range is full."""
    ctid = first
    for taken in sorted(ctid for ctid in used if first <= ctid <= last):
        if taken > ctid:
            break
        ctid = taken + 1
    return ctid if ctid <= last else None


class CtidAllocator(object):
    """Hands out IDs within one run; ``reserve`` makes later calls skip an ID."""

    def __init__(self, first, last, used):
        self.first = first
        self.last = last
        self.used = set(used)

    def allocate(self):
        ctid = lowest_free(self.first, self.last, self.used)
        if ctid is None:
            raise ValueError('No free CTID left in the range %d..%d' % (self.first, self.last))
        self.used.add(ctid)
        return ctid


def ctid_by_name(name, names_dir='/etc/vz/names'):
    """CTID a ``/etc/vz/names/<name>`` link points to (re-checked under the lock)."""
    path = os.path.join(names_dir, name)
    if '/' in name or not os.path.islink(path):
        return None
    match = _CONF_RE.match(os.path.basename(os.readlink(path)))
    return int(match.group(1)) if match else None
