# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OS template cache (``$TEMPLATE/cache``): what is there, and converging one template.

A template archive is copied byte-for-byte, never unpacked or recompressed
(``_templates.copy``). A JSON record per template, kept beside the cache in
``$TEMPLATE/.openvz-cloud/<name>.json``, holds size, mtime and checksum so an unchanged
template is not read again.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fcntl
import json
import os

from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._templates.archive import (
    ARCHIVE_SUFFIXES, TemplateError, file_digest, format_checksum, parse_checksum, read_cloudstack_template,
    validate_name)
from ansible_collections.openvz.cloud.plugins.module_utils._templates.copy import PART_PREFIX, PART_SUFFIX, Source, install
from ansible_collections.openvz.cloud.plugins.module_utils.files import fsync_dir, makedirs, remove_if_exists, write_atomic
from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import DEFAULT_VZ_CONF, read_vz_config, template_cache_dir

RECORD_DIR_NAME = '.openvz-cloud'

# Options of every module that reads the template cache (doc fragment
# openvz.cloud.openvz.template_cache documents them once).
TEMPLATE_CACHE_ARGUMENT_SPEC = dict(
    cache_dir=dict(type='path'),
    vz_conf=dict(type='path', default=DEFAULT_VZ_CONF),
)

TEMPLATE_ARGUMENT_SPEC = dict(
    TEMPLATE_CACHE_ARGUMENT_SPEC,
    name=dict(type='str'),
    src=dict(type='str'),
    properties=dict(type='path'),
    checksum=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    force=dict(type='bool', default=False),
    timeout=dict(type='int', default=60),
    validate_certs=dict(type='bool', default=True),
)


class TemplateCache(object):
    """The template cache directory and its record directory beside it."""

    def __init__(self, cache_dir):
        self.cache_dir = os.path.abspath(cache_dir)
        self.record_dir = os.path.join(os.path.dirname(self.cache_dir), RECORD_DIR_NAME)

    def path(self, name, suffix):
        return os.path.join(self.cache_dir, name + suffix)

    def record_path(self, name):
        return os.path.join(self.record_dir, name + '.json')

    def existing_files(self, name):
        """Cache files of this name, in vzctl's lookup order (the first is the one used)."""
        return [self.path(name, suffix) for suffix in ARCHIVE_SUFFIXES
                if os.path.isfile(self.path(name, suffix))]

    def read_record(self, name):
        try:
            with open(self.record_path(name)) as handle:
                record = json.load(handle)
        except (IOError, OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def write_record(self, name, record):
        makedirs(self.record_dir)
        write_atomic(self.record_path(name), (json.dumps(record, sort_keys=True) + '\n').encode('utf-8'))

    def remove_record(self, name):
        remove_if_exists(self.record_path(name))

    def lock(self, name):
        """Exclusive lock for one template name (released when the returned file is closed)."""
        makedirs(self.record_dir)
        handle = open(os.path.join(self.record_dir, name + '.lock'), 'a')
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        return handle

    def stale_parts(self, name):
        """Temporary files of this name left by copies whose process is gone."""
        prefix = '%s%s.' % (PART_PREFIX, name)
        stale = []
        try:
            entries = os.listdir(self.cache_dir)
        except OSError:
            return stale
        for entry in entries:
            if not (entry.startswith(prefix) and entry.endswith(PART_SUFFIX)):
                continue
            # <prefix><name>.<pid>.<random>.part, as install() names them.
            fields = entry[len(prefix):-len(PART_SUFFIX)].split('.')
            if len(fields) == 2 and fields[0].isdigit() and not _process_alive(int(fields[0])):
                stale.append(os.path.join(self.cache_dir, entry))
        return sorted(stale)

    def describe(self, name):
        """Current state of a template: absent, or present with file, size and known checksum."""
        files = self.existing_files(name)
        if not files:
            return {'name': name, 'state': 'absent'}
        path = files[0]
        stat = os.stat(path)
        state = {
            'name': name, 'state': 'present', 'path': path, 'file': os.path.basename(path),
            'format': path[len(os.path.join(self.cache_dir, name)) + 1:],
            'size': stat.st_size, 'mtime': stat.st_mtime,
        }
        record = self.read_record(name)
        if record_matches_file(record, path, stat):
            state['checksum'] = record['checksum']
        if len(files) > 1:
            state['shadowed'] = [os.path.basename(other) for other in files[1:]]
        return state


def record_matches_file(record, path, stat):
    """True when a record describes this exact file (name, size, mtime)."""
    return bool(record) and record.get('file') == os.path.basename(path) \
        and record.get('size') == stat.st_size and record.get('mtime_ns') == stat.st_mtime_ns \
        and isinstance(record.get('checksum'), str) and ':' in record['checksum']


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def remove(cache, name):
    """Delete every cache file of a name and its record; return the removed file names."""
    removed = [os.path.basename(path) for path in cache.existing_files(name)]
    for path in cache.existing_files(name):
        os.unlink(path)
    cache.remove_record(name)
    if removed:
        fsync_dir(cache.cache_dir)
    return removed


def _diff_view(state):
    return dict((key, state[key]) for key in ('state', 'file', 'size', 'checksum') if key in state)


class TemplateRequest(object):
    """What the user asked for one template."""

    def __init__(self, name, src=None, checksum=None, force=False):
        validate_name(name)
        self.name = name
        self.src = src
        self.wanted = parse_checksum(checksum) if checksum else None
        self.force = force


def ensure_present(cache, request, source, check_mode):
    """Converge one template to present; return dict(changed, actions, template, diff)."""
    if not os.path.isdir(cache.cache_dir):
        raise TemplateError('Template cache directory %s does not exist' % cache.cache_dir)
    lock = None if check_mode else cache.lock(request.name)
    try:
        return _ensure_present_locked(cache, request, source, check_mode)
    finally:
        if lock is not None:
            lock.close()


def _ensure_present_locked(cache, request, source, check_mode):
    name = request.name
    actions = []
    for part in cache.stale_parts(name):
        if not check_mode:
            remove_if_exists(part)
        actions.append('removed partial file %s left by an interrupted copy' % os.path.basename(part))
    before = cache.describe(name)
    reason, refreshed_record = _install_reason(cache, request, source, before)
    changed = reason is not None
    if changed and source is None:
        raise TemplateError('Template %s needs to be installed (%s) but no src was given' % (name, reason))
    if changed:
        algorithm = request.wanted[0] if request.wanted else 'sha256'
        if check_mode:
            after = {'name': name, 'state': 'present'}
            if request.wanted:
                after['checksum'] = format_checksum(*request.wanted)
        else:
            record = install(cache, name, source, algorithm, request.wanted[1] if request.wanted else None)
            record.update(_source_fields(source))
            cache.write_record(name, record)
            after = cache.describe(name)
        actions.append('installed %s from %s (%s)' % (after.get('file', name), source.src, reason))
    else:
        if refreshed_record is not None and not check_mode:
            cache.write_record(name, refreshed_record)
            actions.append('recorded checksum of %s' % before['file'])
        after = cache.describe(name) if not check_mode else before
    return {'changed': changed, 'actions': actions, 'template': after,
            'diff': {'before': _diff_view(before), 'after': _diff_view(after)}}


def _source_fields(source):
    identity = source.local_identity()
    fields = {'src': source.src}
    if identity:
        fields['src_size'] = identity['size']
        fields['src_mtime_ns'] = identity['mtime_ns']
    return fields


def _install_reason(cache, request, source, before):
    """Why the template must be (re)installed, or None; plus a refreshed record to keep."""
    if before['state'] == 'absent':
        return 'absent', None
    if request.force:
        return 'force', None
    path = before['path']
    stat = os.stat(path)
    record = cache.read_record(request.name)
    recorded = record['checksum'].split(':', 1) if record_matches_file(record, path, stat) else None
    refreshed = None
    if request.wanted:
        algorithm, wanted_digest = request.wanted
        if recorded and recorded[0] == algorithm:
            current = recorded[1]
        else:
            current = file_digest(path, algorithm)
            refreshed = _record_for(request.name, path, stat, algorithm, current, record)
        if current != wanted_digest:
            return 'checksum %s differs from %s' % (format_checksum(algorithm, current),
                                                    format_checksum(*request.wanted)), None
        return None, refreshed
    if source is None or source.is_url:
        # Without a checksum an existing template is trusted; a URL is not fetched to compare.
        return None, None
    identity = source.local_identity()
    if recorded and record.get('src') == source.src and record.get('src_size') == identity['size'] \
            and record.get('src_mtime_ns') == identity['mtime_ns']:
        return None, None
    if identity['size'] != stat.st_size:
        return 'size %d differs from src size %d' % (stat.st_size, identity['size']), None
    algorithm = recorded[0] if recorded else 'sha256'
    current = recorded[1] if recorded else file_digest(path, algorithm)
    if file_digest(source.src, algorithm) != current:
        return 'content differs from src', None
    refreshed = _record_for(request.name, path, stat, algorithm, current, record)
    refreshed.update(_source_fields(source))
    return None, refreshed


def _record_for(name, path, stat, algorithm, digest, old_record):
    record = dict(old_record or {})
    record.update({'name': name, 'file': os.path.basename(path), 'size': stat.st_size,
                   'mtime_ns': stat.st_mtime_ns, 'checksum': format_checksum(algorithm, digest)})
    return record


def ensure_absent(cache, name, check_mode):
    """Remove every cache file of a template; return dict(changed, actions, template, diff)."""
    validate_name(name)
    before = cache.describe(name)
    files = cache.existing_files(name)
    actions = []
    if files:
        if not check_mode:
            lock = cache.lock(name)
            try:
                removed = remove(cache, name)
            finally:
                lock.close()
        else:
            removed = [os.path.basename(path) for path in files]
        actions.extend('removed %s' % entry for entry in removed)
    elif not check_mode and os.path.exists(cache.record_path(name)):
        cache.remove_record(name)
    after = {'name': name, 'state': 'absent'}
    return {'changed': bool(files), 'actions': actions, 'template': after,
            'diff': {'before': _diff_view(before), 'after': _diff_view(after)}}


def default_cache_dir(vz_conf):
    return template_cache_dir(read_vz_config(vz_conf))


def run_template_module(module):
    """openvz.cloud.template: dict(changed, actions, template[, diff][, cloudstack]).

    Raises TemplateError or EnvironmentError."""
    params, check_mode, diff = module.params, module.check_mode, module._diff
    cache = TemplateCache(params['cache_dir'] or default_cache_dir(params['vz_conf']))
    if params['state'] == 'absent':
        return _diff_if(ensure_absent(cache, params['name'], check_mode), diff)
    src = params['src']
    cloudstack = expected_size = None
    if params['properties']:
        cloudstack = read_cloudstack_template(params['properties'])
        src, expected_size = cloudstack['path'], cloudstack['size']
    request = TemplateRequest(params['name'] or cloudstack['uniquename'], src, params['checksum'], params['force'])
    source = Source(src, params['timeout'], params['validate_certs'], expected_size=expected_size) if src else None
    result = ensure_present(cache, request, source, check_mode)
    if cloudstack:
        result['cloudstack'] = cloudstack
    return _diff_if(result, diff)


def _diff_if(result, diff):
    shown = result.pop('diff')
    if diff:
        result['diff'] = shown
    return result


TEMPLATE_MODULE = ModuleDefinition(
    TEMPLATE_ARGUMENT_SPEC, run_template_module, errors=(TemplateError, EnvironmentError),
    detail_params=('name',), mutually_exclusive=[('src', 'properties')],
    required_one_of=[('name', 'properties')], required_if=[('state', 'absent', ['name'])])
