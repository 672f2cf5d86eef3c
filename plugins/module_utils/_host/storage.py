# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenVZ local storage pool as a CloudStack agent reports its local pool
(``LibvirtStorageAdaptor``/``LocalStoragePool`` in CloudStack's KVM agent): path, capacity, used, free, uuid.

Nothing here writes: the pool uuid is derived from the host's machine id, the filesystem
identity and the path, so it is the same on every run and after a reboot, and hosts cloned
from one image (same filesystem UUID, machine id regenerated as cloning requires) differ.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import uuid

from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import CTID_CONF_RE, HostRoot, split_lines_at
from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner
from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import (
    DEFAULT_CONF_DIR, DEFAULT_VZ_CONF, expand_veid, parse_vz_config, template_cache_dir)

DEFAULT_PATH = '/vz'
DEFAULT_PRIVATE = '/vz/private/$VEID'
POOL_TYPE = 'Filesystem'
# uuid5 namespace of every pool uuid this collection derives (uuid5 of its own name).
POOL_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, 'local-storage.openvz.cloud')
_OCTAL_ESCAPE_RE = re.compile(r'\\([0-7]{3})')
MACHINE_ID_FILES = ('/etc/machine-id', '/var/lib/dbus/machine-id')
_MACHINE_ID_RE = re.compile(r'^[0-9a-f]{32}$')


def read_host_vz_config(host, vz_conf=DEFAULT_VZ_CONF):
    text = host.read_text(vz_conf)
    return parse_vz_config(text) if text is not None else {}


def private_base(ve_private):
    """Directory that holds the private areas: VE_PRIVATE without its ``$VEID`` component."""
    return os.path.dirname(os.path.normpath(ve_private)) or '/'


def storage_path(vz_config):
    """Pool path: the parent of the private-area directory (``/vz/private/$VEID`` gives ``/vz``)."""
    return os.path.dirname(private_base(vz_config.get('VE_PRIVATE') or DEFAULT_PRIVATE)) or '/'


def parse_mountinfo(text):
    """Entries of /proc/<pid>/mountinfo as dicts (mount_point, root, device, fstype, source, options)."""
    entries = []
    # fields before the separator: id, parent, major:minor, root, mount point, options, tags
    for fields, after in split_lines_at(text, '-'):
        if len(fields) < 6 or len(after) < 2:
            continue
        major, minor = fields[2].split(':')
        entries.append({
            'mount_point': _unescape_mount(fields[4]), 'root': _unescape_mount(fields[3]),
            'major': int(major), 'minor': int(minor), 'options': fields[5],
            'fstype': after[0], 'source': _unescape_mount(after[1]),
        })
    return entries


def _unescape_mount(text):
    return _OCTAL_ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 8)), text)


def find_mount(entries, path, device):
    """The mount holding ``path``: same device, longest mount point prefix, latest wins."""
    best = None
    for entry in entries:
        point = entry['mount_point']
        inside = path == point or path.startswith(point.rstrip('/') + '/')
        if not inside or (device is not None and (entry['major'], entry['minor']) != device):
            continue
        if best is None or len(point) >= len(best['mount_point']):
            best = entry
    return best


def filesystem_uuid_from_links(by_uuid_dir, major, minor):
    """UUID whose /dev/disk/by-uuid link points at the block device major:minor."""
    try:
        names = sorted(os.listdir(by_uuid_dir))
    except OSError:
        return None
    wanted = os.makedev(major, minor)
    for name in names:
        try:
            if os.stat(os.path.join(by_uuid_dir, name)).st_rdev == wanted:
                return name
        except OSError:
            continue
    return None


def pool_uuid(filesystem_id, path, host_id=None):
    """Deterministic pool uuid: uuid5(POOL_UUID_NAMESPACE, '[<machine id>:]<filesystem id>:<path>')."""
    name = '%s:%s' % (filesystem_id, path)
    if host_id:
        name = '%s:%s' % (host_id, name)
    return str(uuid.uuid5(POOL_UUID_NAMESPACE, name))


def machine_id(host):
    """The host's systemd/dbus machine id (32 hex digits), or None (e.g. CentOS 6)."""
    for name in MACHINE_ID_FILES:
        text = (host.read_text(name) or '').strip().lower()
        if _MACHINE_ID_RE.match(text):
            return text
    return None


def filesystem_identity(statvfs_result, mount, filesystem_uuid):
    """(identity text, source label) that names the filesystem across reboots."""
    if filesystem_uuid:
        return filesystem_uuid.lower(), 'filesystem-uuid'
    fsid = getattr(statvfs_result, 'f_fsid', 0)
    if fsid:
        # ext4, xfs and btrfs derive f_fsid from the filesystem UUID.
        return 'fsid-%016x' % fsid, 'filesystem-id'
    if mount:
        return 'mount-%s-%s' % (mount['fstype'], mount['source']), 'mount-source'
    return 'unknown', 'none'


def capacity_report(statvfs_result):
    block = statvfs_result.f_frsize or statvfs_result.f_bsize
    capacity = statvfs_result.f_blocks * block
    free = statvfs_result.f_bfree * block
    return {
        'capacity_bytes': capacity,
        'used_bytes': capacity - free,
        'available_bytes': statvfs_result.f_bavail * block,
        'free_bytes': free,
        'inodes': {
            'total': statvfs_result.f_files,
            'used': statvfs_result.f_files - statvfs_result.f_ffree,
            'free': statvfs_result.f_ffree,
            'available': statvfs_result.f_favail,
        },
    }


def disk_usage(path):
    """Bytes allocated below ``path`` (du semantics: 512-byte blocks, hard links once, one filesystem)."""
    try:
        top = os.lstat(path)
    except OSError:
        return 0
    seen = set()
    total = 0
    pending = [path]
    total += top.st_blocks * 512
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.st_dev != top.st_dev:
                continue
            if stat.st_nlink > 1:
                if (stat.st_ino, stat.st_dev) in seen:
                    continue
                seen.add((stat.st_ino, stat.st_dev))
            total += stat.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return total


def template_cache_usage(cache_dir):
    """(bytes, count) of regular files in the template cache (apparent sizes, hidden files skipped)."""
    total = 0
    count = 0
    try:
        entries = list(os.scandir(cache_dir))
    except OSError:
        return 0, 0
    for entry in entries:
        if entry.name.startswith('.') or not entry.is_file(follow_symlinks=False):
            continue
        total += entry.stat(follow_symlinks=False).st_size
        count += 1
    return total, count


def container_private_areas(host, vz_config, conf_dir=DEFAULT_CONF_DIR):
    """{ctid: private area path} for every container config (0.conf excluded)."""
    areas = {}
    try:
        names = sorted(os.listdir(host.path(conf_dir)))
    except OSError:
        return areas
    default_private = vz_config.get('VE_PRIVATE') or DEFAULT_PRIVATE
    for name in names:
        match = CTID_CONF_RE.match(name)
        if not match or match.group(1) == '0':
            continue
        ctid = match.group(1)
        text = host.read_text('%s/%s' % (conf_dir, name)) or ''
        private = parse_vz_config(text).get('VE_PRIVATE') or default_private
        areas[ctid] = expand_veid(private, ctid)
    return areas


def layout_report(vz_config):
    """VE_LAYOUT of vz.conf split into layout and ploop mode (``ploop:expanded``)."""
    value = vz_config.get('VE_LAYOUT')
    if not value:
        return {'layout': None, 'layout_mode': None}
    layout, _sep, mode = value.partition(':')
    return {'layout': layout, 'layout_mode': mode or None}


def collect(host, path=None, vz_conf=DEFAULT_VZ_CONF, blkid=None, include_usage=True):
    """The local storage report.

    ``blkid`` is an optional callable(device) -> uuid or None used when /dev/disk/by-uuid
    has no link for the device. ``include_usage`` walks the private areas (can be slow).
    """
    vz_config = read_host_vz_config(host, vz_conf)
    path_source = 'option' if path else ('vz.conf VE_PRIVATE' if vz_config.get('VE_PRIVATE') else 'default')
    path = os.path.normpath(path or storage_path(vz_config))
    real_path = host.path(path)
    stat_result = os.statvfs(real_path)
    device_number = os.stat(real_path).st_dev
    device = (os.major(device_number), os.minor(device_number))
    mountinfo = host.read_text('/proc/self/mountinfo') or ''
    # Mount points in mountinfo are paths as seen from the root prefix.
    lookup = os.path.realpath(path) if host.root == '/' else path
    mount = find_mount(parse_mountinfo(mountinfo), lookup, device)
    fs_uuid = None
    if mount:
        fs_uuid = filesystem_uuid_from_links(host.path('/dev/disk/by-uuid'), mount['major'], mount['minor'])
        if fs_uuid is None and blkid is not None and mount['source'].startswith('/dev/'):
            fs_uuid = blkid(mount['source'])
    identity, uuid_source = filesystem_identity(stat_result, mount, fs_uuid)
    cache_dir = template_cache_dir(vz_config)
    cache_bytes, cache_count = template_cache_usage(host.path(cache_dir))
    areas = container_private_areas(host, vz_config)
    host_id = machine_id(host)
    report = {
        'uuid': pool_uuid(identity, path, host_id),
        'uuid_source': uuid_source,
        'machine_id': host_id,
        'filesystem_uuid': fs_uuid,
        'path': path,
        'path_source': path_source,
        'type': POOL_TYPE,
        'filesystem_type': mount['fstype'] if mount else None,
        'mount_point': mount['mount_point'] if mount else None,
        'device': mount['source'] if mount else None,
        'private_dir': private_base(vz_config.get('VE_PRIVATE') or DEFAULT_PRIVATE),
        'template_cache_dir': cache_dir,
        'template_cache_bytes': cache_bytes,
        'template_count': cache_count,
        'container_count': len(areas),
        'containers_bytes': None,
    }
    report.update(capacity_report(stat_result))
    report.update(layout_report(vz_config))
    if include_usage:
        report['containers_bytes'] = sum(disk_usage(host.path(area)) for area in areas.values())
    return report


def blkid_reader(runner):
    """callable(device) -> filesystem UUID via ``blkid``, or None when blkid is not installed."""
    blkid = runner.find('blkid', required=False)
    if not blkid:
        return None

    def read_uuid(device):
        result = runner.run([blkid, '-o', 'value', '-s', 'UUID', device], check=False)
        value = result.stdout.strip()
        return value if result.rc == 0 and value else None
    return read_uuid


LOCAL_STORAGE_ARGUMENT_SPEC = dict(
    path=dict(type='path'),
    vz_conf=dict(type='path', default=DEFAULT_VZ_CONF),
    container_usage=dict(type='bool', default=True),
    root=dict(type='path', default='/'),
)


class StorageError(Exception):
    pass


def run_local_storage_info(module):
    """openvz.cloud.local_storage_info: the ``exit_json`` arguments."""
    params = module.params
    try:
        storage = collect(HostRoot(params['root']), params['path'], params['vz_conf'],
                          blkid_reader(ModuleRunner(module)), params['container_usage'])
    except EnvironmentError as exc:
        raise StorageError('Cannot read local storage at %s: %s' % (exc.filename, exc.strerror))
    return dict(changed=False, storage=storage)


LOCAL_STORAGE_INFO_MODULE = ModuleDefinition(LOCAL_STORAGE_ARGUMENT_SPEC, run_local_storage_info,
                                             errors=(StorageError,))
