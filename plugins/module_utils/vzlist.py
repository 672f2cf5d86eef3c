# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``vzlist -a -j`` records (vzlist(8), JSON output) as neutral container states.

Only the JSON output is read: text rows cannot be split safely (several IPs share one
column, vzctl 3.x prints ``VEID`` headers).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import ContainerState
from ansible_collections.openvz.cloud.plugins.module_utils._container.ids import ContainerId
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils.units import (
    UNLIMITED, pages_to_bytes)


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
    # Disk usage of a stopped simfs container is unknown (vzlist prints "-", older builds
    # 0); a stopped ploop container's comes from its image, a mounted one's is real.
    usage_known = running or record.get('status') == 'mounted' or \
        (record.get('layout') or '').startswith('ploop')
    ram = _limit_bytes(physpages)
    swap = _limit_bytes(swappages)
    disk_hard_kb = diskspace.get('hardlimit') if diskspace else None
    return {
        'ctid': ContainerId(record['ctid']),
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
            'disk_used_bytes': _kb_to_bytes(diskspace.get('usage')) if usage_known and diskspace
            else None,
            'disk_limit_bytes': (disk_hard_kb * 1024 if disk_hard_kb not in (None, UNLIMITED)
                                 else None),
            'inodes_used': diskinodes.get('usage') if usage_known and diskinodes else None,
            'uptime_seconds': record.get('uptime') if running else None,
            'load_average': record.get('laverage') if running else None,
            'cpu_limit_percent': record.get('cpulimit') or None,
        },
    }


def _kb_to_bytes(kb):
    return None if kb is None else kb * 1024


def index_records(records):
    """Normalised containers keyed by ContainerId."""
    containers = {}
    for record in records or []:
        container = normalise_record(record)
        containers[container['ctid']] = container
    return containers


def _read_json(runner, argv):
    data = runner.run_json(argv)
    if data is not None and not isinstance(data, list):
        raise CommandError('vzlist -j printed %s, not a JSON array' % type(data).__name__)
    return data or []


def read_all(runner, vzlist_path):
    """``{ContainerId: ContainerState}`` of every container from one ``vzlist -j -a``."""
    return dict((container_id, ContainerState(record)) for container_id, record
                in index_records(_read_json(runner, [vzlist_path, '-j', '-a'])).items())


def read_power_states(runner, vzlist_path):
    """``{name: status}`` of the named containers; vzlist(8) ``-o`` limits the fields read
    and printed, and ``-j`` honours it (vzlist 4.x and 7 alike)."""
    data = _read_json(runner, [vzlist_path, '-j', '-a', '-o', 'ctid,name,status'])
    return dict((record['name'], record.get('status')) for record in data
                if isinstance(record, dict) and record.get('name'))
