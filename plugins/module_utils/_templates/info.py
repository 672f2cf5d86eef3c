# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OS template caches of a host, as the host's own OpenVZ line would use them.

One listing of ``$TEMPLATE/cache`` (a stat per file) and, on OpenVZ 7/9, one
``vzpkg list -O --cached``. What a file can create follows the tools' sources:

* legacy vzctl 4 (src/lib/create.c) looks ``--ostemplate N`` up as ``N.tar``, ``N.tar.gz``,
  ``N.tar.bz2``, ``N.tar.xz``, first hit wins, and unpacks the root tree into a simfs
  private area or a ploop image alike;
* OpenVZ 7/9 get the cache from vztt: ``<os>.<fs>[.ploopv2|.ploop|.qcow2].tar.<lz4|lzrw|gz>``
  (vztt src/util.c ``tmpl_get_cache_tar_name``; ``<fs>`` is ``plain`` on 7, the file
  system on 9 for ploop), looked up ploopv2 then ploop, each lz4, lzrw, gz
  (``tmpl_get_cache_tar``). libvzctl's ``check_cache_layout`` (lib/create.c) gives a
  cache whose name holds ``.ploop`` or ``.qcow2`` to the ploop layout only and any other
  cache to simfs only, and its vz-create_prvt unpacks only gz and lz4/lzrw archives: a
  precreated ``<name>.tar.gz`` is a simfs-only template there, a ``.tar.xz`` none at all.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fnmatch
import os
import re
import stat as stat_module

from ansible_collections.openvz.cloud.plugins.module_utils import _validate
from ansible_collections.openvz.cloud.plugins.module_utils._backends import (
    BACKEND_ARGUMENT_SPEC, detect_flavour)
from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import HostRoot
from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner
from ansible_collections.openvz.cloud.plugins.module_utils._templates.archive import (
    CHECKSUM_ALGORITHMS, TemplateError, file_digest, format_checksum)
from ansible_collections.openvz.cloud.plugins.module_utils._templates.cache import (
    TEMPLATE_CACHE_ARGUMENT_SPEC, TemplateCache, default_cache_dir, record_matches_file)
from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import DEFAULT_VZ_CONF

COMPRESSION = {'.tar': None, '.tar.gz': 'gzip', '.tar.bz2': 'bzip2', '.tar.xz': 'xz',
               '.tar.lz4': 'lz4', '.tar.lzrw': 'lzrw'}
# vztt include/vzcommon.h: image markers in vztt's lookup order (ploopv2 before the old
# ploop), the file system markers, and the archivers (src/util.c: lz4, lzrw, gz).
EZ_IMAGES = ('ploopv2', 'ploop', 'qcow2')
EZ_FILESYSTEMS = ('plain', 'ext4', 'xfs')
EZ_ARCHIVES = ('.tar.lz4', '.tar.lzrw', '.tar.gz')
# libvzctl scripts/vz-create_prvt.in unpacks gz|tgz and lzrw|lz4, nothing else.
VZ7_UNPACKED = ('.tar.gz', '.tar.lz4', '.tar.lzrw')
# vztt src/vztt.c print_os_tmpl_record: the name, padding, then the cache's mtime.
_CACHE_TIME_RE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')


def split_cache_name(filename):
    """(kind, name, fstype, image, suffix) of a cache file name, None for other files.

    ``kind`` is ``ez`` for a vztt cache name (a file system or image marker before a vztt
    archive suffix), else ``precreated``; ``name`` is the OS template of an EZ cache, the
    stem of a precreated one. Hidden files (the template module's partial copies) and
    vztt's ``-old`` copies are not caches.
    """
    if filename.startswith('.'):
        return None
    suffixes = [suffix for suffix in _validate.TEMPLATE_ARCHIVE_SUFFIXES
                if filename.endswith(suffix) and len(filename) > len(suffix)]
    if not suffixes:
        return None
    suffix = max(suffixes, key=len)
    stem = filename[:-len(suffix)]
    name, fstype, image = stem, None, None
    if suffix in EZ_ARCHIVES:
        base, _dot, marker = name.rpartition('.')
        if base and marker in EZ_IMAGES:
            name, image = base, marker
        base, _dot, marker = name.rpartition('.')
        if base and marker in EZ_FILESYSTEMS:
            name, fstype = base, marker
    if fstype is None and image is None:
        return 'precreated', stem, None, None, suffix
    return 'ez', name, fstype, image, suffix


def _names_a_ploop_image(filename):
    # libvzctl lib/create.c is_ploop_cache: the name alone decides.
    return '.ploop' in filename or '.qcow2' in filename


def legacy_lookup(entry):
    """(layouts, lookup group, rank) of a cache file for vzctl 4."""
    if entry['format_suffix'] not in _validate.LEGACY_CACHE_SUFFIXES or _names_a_ploop_image(entry['file']):
        # vzctl 4 never looks lz4/lzrw up; a ploop-image cache is not a root tree.
        return [], None, None
    stem = entry['file'][:-len(entry['format_suffix'])]
    return ['ploop', 'simfs'], ('legacy', stem), _validate.LEGACY_CACHE_SUFFIXES.index(entry['format_suffix'])


def vz7_lookup(entry):
    """(layouts, lookup group, rank) of a cache file for vzctl 7/9 and vztt."""
    suffix = entry['format_suffix']
    if entry['kind'] == 'ez':
        layout = 'ploop' if entry['image'] else 'simfs'
        family = 'qcow2' if entry['image'] == 'qcow2' else layout
        # ploopv2 before the old ploop format, then the archivers in order
        image_rank = 1 if entry['image'] == 'ploop' else 0
        group = ('ez', entry['name'], entry['fstype'], family)
        return [layout], group, image_rank * len(EZ_ARCHIVES) + EZ_ARCHIVES.index(suffix)
    if _names_a_ploop_image(entry['file']) or suffix not in VZ7_UNPACKED:
        return [], None, None
    # Not in vztt's lookup: used by its own name, nothing shadows it.
    return ['simfs'], None, None


def parse_vzpkg_os_list(stdout):
    """``vzpkg list -O [--cached]`` as [{name, cache_time}] (cache_time None when not shown)."""
    templates = []
    for line in stdout.splitlines():
        fields = line.split(None, 1)
        if not fields:
            continue
        shown = fields[1].strip() if len(fields) > 1 else ''
        templates.append({'name': fields[0], 'cache_time': shown if _CACHE_TIME_RE.match(shown) else None})
    return templates


def vzpkg_cached_templates(runner):
    """The OS templates vzpkg reports with a cache (one ``vzpkg list -O --cached``)."""
    result = runner.run([runner.find('vzpkg'), 'list', '-O', '--cached'])
    return parse_vzpkg_os_list(result.stdout)


def matches(patterns, *names):
    """True when no pattern is given or one matches one of the names."""
    return not patterns or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns for name in names)


class CacheReader(object):
    """The files of one cache directory; paths are host paths, read under ``host``'s root."""

    def __init__(self, host, cache_dir):
        self.host = host
        self.cache_dir = cache_dir
        self.real_dir = host.path(cache_dir)

    def entries(self):
        """Every cache file as a dict (kind, name, file, path, format, size, mtime, ...)."""
        try:
            filenames = sorted(os.listdir(self.real_dir))
        except OSError as exc:
            hint = ''
            if exc.errno == errno.ENOENT:
                hint = ' (set TEMPLATE in vz.conf or give cache_dir)'
            raise TemplateError('Cannot read the template cache directory %s: %s%s'
                                % (self.cache_dir, exc.strerror, hint))
        found = []
        for filename in filenames:
            parsed = split_cache_name(filename)
            if parsed is None:
                continue
            stat = self._stat(filename)
            if stat is None or not stat_module.S_ISREG(stat.st_mode):
                continue
            kind, name, fstype, image, suffix = parsed
            found.append({
                'name': name, 'file': filename, 'path': os.path.join(self.cache_dir, filename),
                'format': suffix[1:], 'format_suffix': suffix, 'compression': COMPRESSION[suffix],
                'kind': kind, 'fstype': fstype, 'image': image,
                'size': stat.st_size, 'mtime': stat.st_mtime, 'stat': stat,
            })
        return found

    def _stat(self, filename):
        try:
            return os.stat(os.path.join(self.real_dir, filename))
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None  # removed since the listing
            raise TemplateError('Cannot read %s: %s' % (os.path.join(self.cache_dir, filename), exc.strerror))

    def checksum(self, entry, algorithm):
        try:
            return format_checksum(algorithm, file_digest(os.path.join(self.real_dir, entry['file']), algorithm))
        except (IOError, OSError) as exc:
            raise TemplateError('Cannot read %s: %s' % (entry['path'], exc.strerror))

    def recorded_checksums(self):
        """callable(entry) -> the template module's recorded checksum of the file, or None."""
        cache = TemplateCache(self.real_dir)
        try:
            records = set(os.listdir(cache.record_dir))
        except OSError:
            records = set()

        def recorded(entry):
            stem = entry['file'][:-len(entry['format_suffix'])]
            if stem + '.json' not in records:
                return None
            record = cache.read_record(stem)
            path = os.path.join(self.real_dir, entry['file'])
            return record['checksum'] if record_matches_file(record, path, entry['stat']) else None
        return recorded


def _mark_shadowed(entries, lookup):
    """Set layouts and shadowed_by: of the files one lookup tries, only the first is used."""
    first, groups = {}, []
    for entry in entries:
        entry['layouts'], group, rank = lookup(entry)
        entry['shadowed_by'] = None
        groups.append(group)
        if group is not None and (group not in first or rank < first[group][0]):
            first[group] = (rank, entry)
    for entry, group in zip(entries, groups):
        if group is not None and first[group][1] is not entry:
            entry['shadowed_by'] = first[group][1]['file']
            entry['layouts'] = []


def collect(runner, host, backend='auto', cache_dir=None, vz_conf=DEFAULT_VZ_CONF, patterns=(),
            checksum_algorithm=None):
    """What template_info reports: dict(backend, cache_dir, templates, os_templates).

    ``checksum_algorithm`` reads every listed file to hash it; without it a checksum the
    template module recorded for the unchanged file is reported.
    """
    flavour = detect_flavour(runner) if backend in (None, 'auto') else backend
    if cache_dir is None:
        cache_dir = default_cache_dir(host.path(vz_conf))
    reader = CacheReader(host, cache_dir)
    entries = reader.entries()
    if flavour == 'vz7':
        _mark_shadowed(entries, vz7_lookup)
        cached = vzpkg_cached_templates(runner)
    else:
        _mark_shadowed(entries, legacy_lookup)
        for entry in entries:
            # vzctl 4 knows no EZ names: --ostemplate is the file name without its suffix
            entry['name'] = entry['file'][:-len(entry['format_suffix'])]
        cached = []
    cached_names = set(template['name'] for template in cached)
    recorded = None if checksum_algorithm else reader.recorded_checksums()
    templates = []
    for entry in entries:
        if not matches(patterns, entry['name'], entry['file']):
            continue
        in_vzpkg = entry['kind'] == 'ez' and entry['name'] in cached_names
        entry['os_template'] = entry['name'] if in_vzpkg else None
        entry['vzpkg_cached'] = in_vzpkg
        if checksum_algorithm:
            entry['checksum'], entry['checksum_source'] = reader.checksum(entry, checksum_algorithm), 'read'
        else:
            entry['checksum'] = recorded(entry)
            entry['checksum_source'] = 'record' if entry['checksum'] else None
        del entry['stat'], entry['format_suffix']
        templates.append(entry)
    os_templates = []
    for template in cached:
        if matches(patterns, template['name']):
            files = [entry['file'] for entry in templates if entry['os_template'] == template['name']]
            os_templates.append(dict(template, files=files))
    return {'backend': flavour, 'cache_dir': cache_dir, 'templates': templates, 'os_templates': os_templates}


TEMPLATE_INFO_ARGUMENT_SPEC = dict(
    TEMPLATE_CACHE_ARGUMENT_SPEC,
    name=dict(type='list', elements='str', default=[]),
    backend=dict(BACKEND_ARGUMENT_SPEC['backend']),
    get_checksum=dict(type='bool', default=False),
    checksum_algorithm=dict(type='str', default='sha256', choices=list(CHECKSUM_ALGORITHMS)),
    command_timeout=dict(BACKEND_ARGUMENT_SPEC['command_timeout']),
)


def run_template_info(module):
    """openvz.cloud.template_info: the ``exit_json`` arguments."""
    params = module.params
    report = collect(ModuleRunner(module, timeout=params['command_timeout']), HostRoot('/'),
                     params['backend'], params['cache_dir'], params['vz_conf'], params['name'],
                     params['checksum_algorithm'] if params['get_checksum'] else None)
    return dict(report, changed=False)


TEMPLATE_INFO_MODULE = ModuleDefinition(TEMPLATE_INFO_ARGUMENT_SPEC, run_template_info, errors=(TemplateError,))
