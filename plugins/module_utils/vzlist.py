# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers of ``vzlist`` output (openvz-cli.md section 3): JSON records and text tables."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils.units import (
    UNLIMITED, pages_to_bytes)


def parse_text(text):
    """Parse a vzlist text table into dicts keyed by lower-cased header; ``-`` -> None.

    Columns are split on whitespace; the last column takes the rest of the line (it is
    never cut and may hold spaces, e.g. a description). Header-only output -> [].
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    headers = [header.lower() for header in lines[0].split()]
    rows = []
    for line in lines[1:]:
        values = line.split(None, len(headers) - 1)
        row = {}
        for index, header in enumerate(headers):
            value = values[index] if index < len(values) else None
            row[header] = None if value == '-' else value
        rows.append(row)
    return rows


def _limit_bytes(ubc):
    """Limit of a ``*pages`` UBC object in bytes; None when unset (0) in the config."""
    if not isinstance(ubc, dict):
        return None
    limit = ubc.get('limit')
    if not limit:
        return None
    return pages_to_bytes(limit)


def _pair(record):
    if not isinstance(record, dict):
        return None
    return [record.get('softlimit'), record.get('hardlimit')]


def normalise_record(record):
    """One ``vzlist -j`` object -> the collection's container view (bytes, lists, dicts)."""
    physpages = record.get('physpages') if isinstance(record.get('physpages'), dict) else {}
    swappages = record.get('swappages') if isinstance(record.get('swappages'), dict) else {}
    numproc = record.get('numproc') if isinstance(record.get('numproc'), dict) else {}
    diskspace = record.get('diskspace') if isinstance(record.get('diskspace'), dict) else None
    diskinodes = record.get('diskinodes') if isinstance(record.get('diskinodes'), dict) else None
    running = record.get('status') == 'running'
    ram = _limit_bytes(physpages)
    swap = _limit_bytes(swappages)
    disk_hard_kb = diskspace.get('hardlimit') if diskspace else None
    return {
        'ctid': int(record['ctid']),
        'name': record.get('name') or None,
        'hostname': record.get('hostname'),
        'description': record.get('description'),
        'ostemplate': record.get('ostemplate'),
        'status': record.get('status'),
        'private': record.get('private'),
        'root': record.get('root'),
        'layout': record.get('layout'),
        'onboot': record.get('onboot'),
        'ram_bytes': ram,
        'swap_bytes': swap,
        'cpus': record.get('cpus') or None,
        'cpuunits': record.get('cpuunits'),
        'cpulimit': record.get('cpulimit'),
        'diskspace_kb': _pair(diskspace),
        'diskinodes': _pair(diskinodes),
        'ip': list(record.get('ip') or []),
        'nameservers': list(record.get('nameserver') or []),
        'searchdomains': list(record.get('searchdomain') or []),
        'features': dict(record.get('features') or {}),
        'capabilities': dict((k.lower(), v) for k, v in (record.get('capability') or {}).items()),
        'usage': {
            'numproc': numproc.get('held') if running else None,
            'ram_used_bytes': pages_to_bytes(physpages.get('held')) if running else None,
            'swap_used_bytes': pages_to_bytes(swappages.get('held')) if running else None,
            'disk_used_bytes': diskspace.get('usage') * 1024 if diskspace else None,
            'disk_limit_bytes': (disk_hard_kb * 1024 if disk_hard_kb not in (None, UNLIMITED)
                                 else None),
            'inodes_used': diskinodes.get('usage') if diskinodes else None,
            'uptime_seconds': record.get('uptime') if running else None,
            'load_average': record.get('laverage') if running else None,
            'cpu_limit_percent': record.get('cpulimit') or None,
        },
    }


def index_records(records):
    """Normalised containers keyed by CTID."""
    containers = {}
    for record in records:
        container = normalise_record(record)
        containers[container['ctid']] = container
    return containers
