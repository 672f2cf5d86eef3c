# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""vzctl options and output the two lines share: vzctl 4.x (vzctl(8)) and vzctl 7/9 keep
the same ``set`` value syntax, ``snapshot`` options and ``snapshot-list`` columns
(OpenVZ/vzctl src/snapshot-list.c: UUIDs %-38s, current %1s, date %-19s, name %-32s)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import units

# snapshot-list -o fields, in the order they are printed; the free-text one (desc) last.
SNAPSHOT_LIST_FIELDS = (('uuid', 'id'), ('parent_uuid', 'parent_id'), ('current', 'current'),
                        ('date', 'date'), ('name', 'name'), ('desc', 'description'))
_UUID_WIDTH = 38


def count_text(count):
    return 'unlimited' if count == units.UNLIMITED else str(count)


def pair_arg(pair, to_text):
    """``soft:hard`` of a limit pair (DISKSPACE in KB, DISKINODES)."""
    return '%s:%s' % (to_text(pair[0]), to_text(pair[1]))


def venet_ip_args(wanted, current):
    """``--ipdel`` for addresses that go, then ``--ipadd`` for new ones (venet)."""
    args = []
    for address in current or []:
        if address not in wanted:
            args += ['--ipdel', address]
    for address in wanted:
        if address not in (current or []):
            args += ['--ipadd', address]
    return args


def snapshot_args(snapshot_id, name, description, save_memory):
    """``vzctl snapshot`` options: the caller's ID, name, description; --skip-suspend keeps a
    running container's memory out of it."""
    args = ['--id', snapshot_id]
    if name:
        args += ['--name', name]
    if description:
        args += ['--description', description]
    if not save_memory:
        args.append('--skip-suspend')
    return args


def _snapshot_uuid(text):
    text = text.strip()
    return text.strip('{}').lower() if text else None


def parse_snapshot_list(stdout):
    """``vzctl snapshot-list -H -o uuid,parent_uuid,current,date,name,desc`` rows.

    Columns are fixed width, the last one unpadded: cut by position, never split on
    blanks (names and dates hold spaces).
    """
    snapshots = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        uuid = line[0:_UUID_WIDTH]
        parent = line[_UUID_WIDTH + 1:2 * _UUID_WIDTH + 1]
        rest = line[2 * _UUID_WIDTH + 2:]
        current, rest = rest[:1], rest[2:]
        date, rest = rest[:19], rest[20:]
        name, description = rest[:32], rest[33:]
        snapshots.append({'id': _snapshot_uuid(uuid), 'parent_id': _snapshot_uuid(parent),
                          'current': current == '*', 'date': date.strip() or None,
                          'name': name.strip(), 'description': description.strip()})
    return snapshots


def list_snapshots(runner, vzctl, container_id, explain, describe):
    """The snapshots of a container, from one ``vzctl snapshot-list``."""
    fields = [field for field, _key in SNAPSHOT_LIST_FIELDS]
    result = runner.run([vzctl, 'snapshot-list', str(container_id), '-H', '-o', ','.join(fields)],
                        explain=explain, describe=describe)
    return parse_snapshot_list(result.stdout)
