# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host capacity for CloudStack, which reports 0 CPU, 0 RAM and no storage for External
hosts: CPUs, memory, the local storage under the private areas and the containers, with
what the containers are given. One command reads the kernel's files and ``statvfs``; one
list read gives the containers. Parsing is the host-facts code's.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.openvz.cloud.plugins.module_utils import units
from ansible_collections.openvz.cloud.plugins.module_utils._host import facts, storage
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

_SEPARATOR = '@@openvz-cloud@@'
# stat -f fields in the order of os.statvfs_result's first ones.
_STATVFS_FORMAT = '%S %S %b %f %a %c %d %d'
StatVfs = namedtuple('StatVfs', 'f_bsize f_frsize f_blocks f_bfree f_bavail f_files f_ffree '
                                'f_favail')


class _FetchedFiles(object):
    """The ``HostRoot`` reading interface over files fetched in one command."""

    def __init__(self, files):
        self.files = files

    def read_text(self, logical):
        return self.files.get(logical)


def read_host(runner, path):
    """(/proc/cpuinfo, /proc/meminfo, statvfs of ``path``) in one command."""
    script = ('cat /proc/cpuinfo; echo "%s"; cat /proc/meminfo; echo "%s"; '
              'stat -f -c "%s" -- "$1"' % (_SEPARATOR, _SEPARATOR, _STATVFS_FORMAT))
    out = runner.run(['sh', '-c', script, 'sh', path]).stdout
    parts = out.split(_SEPARATOR + '\n')
    if len(parts) != 3:
        raise CommandError('Reading the host capacity printed unexpected output', stdout=out)
    try:
        statvfs = StatVfs(*[int(word) for word in parts[2].split()])
    except (TypeError, ValueError):
        raise CommandError('stat -f %s printed %r' % (path, parts[2].strip()))
    return parts[0], parts[1], statvfs


def host_capacity(backend):
    """The capacity report of the backend's host (a dict of numbers)."""
    path = storage.storage_path(backend.global_conf)
    cpuinfo, meminfo, statvfs = read_host(backend.runner, path)
    cpu = facts.cpu_facts(_FetchedFiles({'/proc/cpuinfo': cpuinfo}))
    memory = facts.parse_meminfo(meminfo)
    disk = storage.capacity_report(statvfs)
    containers = backend.read_containers().values()
    running = [state for state in containers if state.get('status') == 'running']
    ram_given = sum(state.get('ram_bytes') or 0 for state in containers
                    if state.get('ram_bytes') not in (None, units.UNLIMITED))
    return {
        'cpu_threads': cpu.get('threads'),
        'cpu_sockets': cpu.get('sockets'),
        'cpu_speed_mhz': cpu.get('speed_mhz'),
        'cpu_model': cpu.get('model'),
        'cpus_given': sum(state.get('cpus') or 0 for state in containers),
        'memory_total_bytes': memory.get('MemTotal'),
        'memory_available_bytes': memory.get('MemAvailable', memory.get('MemFree')),
        'memory_given_bytes': ram_given,
        'storage_path': path,
        'storage_capacity_bytes': disk['capacity_bytes'],
        'storage_used_bytes': disk['used_bytes'],
        'storage_available_bytes': disk['available_bytes'],
        'containers': len(containers),
        'containers_running': len(running),
    }


def _size(value):
    """Bytes for people: GiB with one decimal (MiB below 1 GiB)."""
    if value is None:
        return '-'
    if value >= 1024 ** 3:
        return '%.1f GiB' % (value / 1024.0 ** 3)
    return '%.1f MiB' % (value / 1024.0 ** 2)


def table(report):
    """Rows for CloudStack's UI table (``printmessage``): resource, total, used, free."""
    memory_total = report['memory_total_bytes']
    memory_free = report['memory_available_bytes']
    return [
        {'resource': 'CPU',
         'total': '%s threads @ %s MHz' % (report['cpu_threads'], report['cpu_speed_mhz']),
         'used': '%d vCPUs given' % report['cpus_given'], 'free': '-'},
        {'resource': 'Memory', 'total': _size(memory_total),
         'used': '%s given, %s in use' % (_size(report['memory_given_bytes']),
                                          _size(memory_total - memory_free)
                                          if memory_total is not None and memory_free is not None
                                          else '-'),
         'free': _size(memory_free)},
        {'resource': 'Local storage (%s)' % report['storage_path'],
         'total': _size(report['storage_capacity_bytes']),
         'used': _size(report['storage_used_bytes']),
         'free': _size(report['storage_available_bytes'])},
        {'resource': 'Containers', 'total': str(report['containers']),
         'used': '%d running' % report['containers_running'], 'free': '-'},
    ]
