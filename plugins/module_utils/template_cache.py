# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OS template cache (``$TEMPLATE/cache``): names, archive types, checksums, safe installs.

A template archive is copied byte-for-byte, never unpacked or recompressed. It is
written to a temporary file in the cache directory, flushed to disk, verified and only
then renamed to ``<name>.tar[.gz|.bz2|.xz]``. A JSON record per template, kept beside the
cache in ``$TEMPLATE/.openvz-cloud/<name>.json``, holds size, mtime and checksum so an
unchanged template is not read again.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fcntl
import hashlib
import json
import os
import re
import queue
import tempfile
import threading

from ansible_collections.openvz.cloud.plugins.module_utils.files import write_atomic
from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import JavaPropertiesError, load_file

# vzctl tries these in this order and takes the first hit (openvz-cli.md section 5).
ARCHIVE_SUFFIXES = ('.tar', '.tar.gz', '.tar.bz2', '.tar.xz')
RECORD_DIR_NAME = '.openvz-cloud'
PART_PREFIX = '.openvz-cloud.'
PART_SUFFIX = '.part'
CHUNK_SIZE = 4 * 1024 * 1024
# A network read blocks until it has its whole size: smaller reads keep downloads flowing to disk.
STREAM_CHUNK_SIZE = 256 * 1024
SNIFF_SIZE = 512

_NAME_RE = re.compile(r'^[A-Za-z0-9._-]+$')
_HEX_RE = re.compile(r'^[0-9a-fA-F]+$')
_ALGORITHM_ALIASES = {
    'md5': 'md5', 'sha1': 'sha1', 'sha-1': 'sha1', 'sha224': 'sha224', 'sha-224': 'sha224',
    'sha256': 'sha256', 'sha-256': 'sha256', 'sha384': 'sha384', 'sha-384': 'sha384',
    'sha512': 'sha512', 'sha-512': 'sha512',
}
_DIGEST_HEX_LENGTH = {'md5': 32, 'sha1': 40, 'sha224': 56, 'sha256': 64, 'sha384': 96, 'sha512': 128}
# Compressed formats vzctl cannot use as a template cache (it only knows the four suffixes).
_UNSUPPORTED_MAGIC = (
    (b'\x28\xb5\x2f\xfd', 'zstd'),
    (b'PK\x03\x04', 'zip'),
    (b'\x04\x22\x4d\x18', 'lz4'),
    (b'\x89LZO', 'lzop'),
)


class TemplateError(Exception):
    """A template operation failed; the message is meant for the user."""


def validate_name(name):
    """Refuse names that are not a plain cache file stem."""
    if not name or not _NAME_RE.match(name):
        raise TemplateError(
            "Invalid template name %r: use only letters, digits, '.', '_' and '-'" % name)
    if '..' in name or name.startswith('.') or name.startswith('-'):
        raise TemplateError(
            "Invalid template name %r: it must not start with '.' or '-' nor contain '..'" % name)
    for suffix in ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            raise TemplateError(
                "Invalid template name %r: give the name without %s; the suffix follows "
                "the archive content" % (name, suffix))


def _is_tar_header(block):
    """True when a 512-byte block is a tar header (ustar magic or a valid v7 checksum)."""
    if len(block) < 512:
        return False
    if block[257:262] == b'ustar':
        return True
    stored = block[148:156].replace(b'\x00', b' ').strip()
    if not stored or not re.match(b'^[0-7]+$', stored):
        return False
    computed = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return int(stored, 8) == computed


def archive_suffix(head):
    """Cache suffix for an archive from its first bytes (at least 512 when plain tar)."""
    if head.startswith(b'\x1f\x8b'):
        return '.tar.gz'
    if head.startswith(b'BZh'):
        return '.tar.bz2'
    if head.startswith(b'\xfd7zXZ\x00'):
        return '.tar.xz'
    for magic, label in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise TemplateError(
                'The source is a %s archive; OpenVZ templates must be tar, tar.gz, tar.bz2 '
                'or tar.xz' % label)
    if _is_tar_header(head[:512]):
        return '.tar'
    raise TemplateError(
        'The source is not a tar archive (nor gzip, bzip2 or xz compressed): refusing to '
        'install it as a template')


def parse_checksum(text):
    """Return (algorithm, lower-case hex) for 'sha256:..', 'md5:..', '{SHA-256}..' or bare hex (MD5)."""
    value = text.strip()
    if value.startswith('{') and '}' in value:
        label, digest = value[1:].split('}', 1)
    elif ':' in value:
        label, digest = value.split(':', 1)
    else:
        label, digest = 'md5', value
    algorithm = _ALGORITHM_ALIASES.get(label.strip().lower())
    if algorithm is None:
        raise TemplateError(
            'Unsupported checksum algorithm %r in %r (use md5, sha1, sha224, sha256, sha384 '
            'or sha512)' % (label, text))
    digest = digest.strip()
    if not _HEX_RE.match(digest) or len(digest) != _DIGEST_HEX_LENGTH[algorithm]:
        raise TemplateError(
            'Checksum %r is not a %d-digit hex %s digest' % (text, _DIGEST_HEX_LENGTH[algorithm], algorithm))
    return algorithm, digest.lower()


def format_checksum(algorithm, digest):
    return '%s:%s' % (algorithm, digest)


def file_digest(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b''):
            digest.update(chunk)
    return digest.hexdigest()


def is_url(src):
    return src.startswith('http://') or src.startswith('https://')


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
        _makedirs(self.record_dir)
        write_atomic(self.record_path(name), (json.dumps(record, sort_keys=True) + '\n').encode('utf-8'))

    def remove_record(self, name):
        _remove_if_exists(self.record_path(name))

    def lock(self, name):
        """Exclusive lock for one template name (released when the returned file is closed)."""
        _makedirs(self.record_dir)
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


def _makedirs(path):
    try:
        os.makedirs(path, 0o755)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise


def _remove_if_exists(path):
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_cloudstack_template(properties_path):
    """The TAR archive a CloudStack ``template.properties`` describes (cloudstack.md 6.3).

    Returns dict(path, filename, size, id, uniquename). Refuses what CloudStack itself would
    not load (no ``uniquename``/``virtualsize``), other formats than TAR, and entries whose
    size marks them as corrupted.
    """
    try:
        properties = load_file(properties_path)
    except (IOError, OSError) as exc:
        raise TemplateError('Cannot read %s: %s' % (properties_path, exc.strerror))
    except JavaPropertiesError as exc:
        raise TemplateError('%s is not a valid properties file: %s' % (properties_path, exc))
    missing = [key for key in ('uniquename', 'virtualsize') if not properties.get(key)]
    if missing:
        raise TemplateError('%s is incomplete (no %s): CloudStack does not load it either'
                            % (properties_path, ', '.join(missing)))
    formats = sorted(key for key in properties if '.' not in key and key + '.filename' in properties)
    if 'tar' not in formats:
        raise TemplateError('%s describes a %s template, not a TAR template'
                            % (properties_path, '/'.join(name.upper() for name in formats) or 'format-less'))
    filename = properties['tar.filename']
    if not filename or '/' in filename or filename in ('.', '..'):
        raise TemplateError('%s names an invalid file %r' % (properties_path, filename))
    size_text = properties.get('tar.size') or properties.get('size') or ''
    size = int(size_text) if size_text.isdigit() else 0
    if size <= 0:
        raise TemplateError('%s marks the template as corrupted (size %r)' % (properties_path, size_text))
    return {'path': os.path.join(os.path.dirname(properties_path), filename), 'filename': filename,
            'size': size, 'id': properties.get('id'), 'uniquename': properties['uniquename']}


class Source(object):
    """A readable template source: a local file or an http(s) URL (streamed).

    ``expected_size`` (e.g. from template.properties) is checked against a local file.
    """

    def __init__(self, src, timeout=60, validate_certs=True, opener=None, expected_size=None):
        self.src = src
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.expected_size = expected_size
        self._opener = opener

    @property
    def is_url(self):
        return is_url(self.src)

    def local_identity(self):
        """(size, mtime_ns) of a local source, None for URLs."""
        if self.is_url:
            return None
        stat = self._stat_local()
        return {'size': stat.st_size, 'mtime_ns': stat.st_mtime_ns}

    def _stat_local(self):
        if '://' in self.src:
            raise TemplateError('Unsupported src %r: give a path on the host or an http(s) URL' % self.src)
        if not os.path.isabs(self.src):
            raise TemplateError('src %r must be an absolute path on the host' % self.src)
        try:
            stat = os.stat(self.src)
        except OSError as exc:
            raise TemplateError('Cannot read src %s: %s' % (self.src, exc.strerror))
        if not os.path.isfile(self.src):
            raise TemplateError('src %s is not a regular file' % self.src)
        if self.expected_size is not None and stat.st_size != self.expected_size:
            raise TemplateError('src %s has %d bytes, its template.properties says %d'
                                % (self.src, stat.st_size, self.expected_size))
        return stat

    def open(self):
        """Return (readable stream, expected size or None)."""
        if not self.is_url:
            size = self._stat_local().st_size
            try:
                return open(self.src, 'rb'), size
            except (IOError, OSError) as exc:
                raise TemplateError('Cannot read src %s: %s' % (self.src, exc.strerror))
        opener = self._opener
        if opener is None:
            from ansible.module_utils.urls import open_url
            opener = open_url
        try:
            # decompress=False: a .tar.gz served with Content-Encoding gzip must stay gzip.
            response = opener(self.src, timeout=self.timeout, validate_certs=self.validate_certs,
                              decompress=False)
        except Exception as exc:  # urllib raises many types; all mean "could not download"
            raise TemplateError('Cannot download %s: %s' % (self.src, exc))
        length = response.headers.get('Content-Length') if hasattr(response, 'headers') else None
        return response, int(length) if length and length.isdigit() else None


def install(cache, name, source, algorithm, expected_digest=None):
    """Copy a source into the cache under its content's suffix; return the new record.

    The bytes go to a temporary file in the cache directory, are flushed and verified,
    then renamed over the final name; other suffixes of the name are removed afterwards
    so vzctl finds the new file. Any failure removes the temporary file.
    """
    stream, expected_size = source.open()
    try:
        if expected_size is not None:
            _check_free_space(cache.cache_dir, expected_size)
        fd, part = tempfile.mkstemp(dir=cache.cache_dir, suffix=PART_SUFFIX,
                                    prefix='%s%s.%d.' % (PART_PREFIX, name, os.getpid()))
        try:
            with os.fdopen(fd, 'wb') as handle:
                if source.is_url:
                    suffix, digest, size = _copy_stream(stream, handle, part, algorithm)
                else:
                    suffix, digest, size = _copy_file(stream, handle, part, algorithm, expected_size)
            if expected_size is not None and size != expected_size:
                raise TemplateError('Copy of %s is incomplete: got %d of %d bytes' % (source.src, size, expected_size))
            if expected_digest is not None and digest != expected_digest:
                raise TemplateError(
                    'Checksum mismatch for %s: expected %s, got %s; nothing was installed'
                    % (source.src, format_checksum(algorithm, expected_digest), format_checksum(algorithm, digest)))
            os.chmod(part, 0o644)
            final = cache.path(name, suffix)
            os.rename(part, final)
        except EnvironmentError as exc:
            _remove_if_exists(part)
            if exc.errno == errno.ENOSPC:
                raise TemplateError('No space left on device in %s while copying %s; nothing was installed'
                                    % (cache.cache_dir, source.src))
            raise TemplateError('Copy of %s into %s failed: %s; nothing was installed'
                                % (source.src, cache.cache_dir, exc))
        except BaseException:
            _remove_if_exists(part)
            raise
    finally:
        stream.close()
    for other in ARCHIVE_SUFFIXES:
        if other != suffix:
            _remove_if_exists(cache.path(name, other))
    _fsync_dir(cache.cache_dir)
    stat = os.stat(final)
    return {'name': name, 'file': os.path.basename(final), 'size': stat.st_size,
            'mtime_ns': stat.st_mtime_ns, 'checksum': format_checksum(algorithm, digest)}


def _check_free_space(directory, needed):
    stat = os.statvfs(directory)
    available = stat.f_bavail * stat.f_frsize
    if needed > available:
        raise TemplateError('Not enough space in %s: the template needs %d bytes, %d are available; '
                            'nothing was installed' % (directory, needed, available))


class _Hasher(object):
    """Hashes a file in a worker thread as it grows, up to the length the copier reports.

    The worker reads back what landed in the file (from the page cache), so the digest
    covers the written bytes. The copier never waits for it: it finishes the copy and
    flushes to disk while the hash catches up. hashlib and file I/O release the GIL.
    """

    def __init__(self, path, algorithm):
        self.digest = hashlib.new(algorithm)
        self._handle = open(path, 'rb', buffering=0)
        self._lengths = queue.Queue()
        self._error = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run)
        self._thread.daemon = True
        self._thread.start()

    def _run(self):
        buffer = bytearray(CHUNK_SIZE)
        view = memoryview(buffer)
        position = 0
        try:
            while True:
                length = self._lengths.get()
                if length is None:
                    return
                while position < length and not self._stopping:
                    count = self._handle.readinto(view[:min(CHUNK_SIZE, length - position)])
                    if not count:
                        raise IOError('the file shrank to %d bytes while it was being hashed' % position)
                    self.digest.update(view[:count])
                    position += count
        except Exception as exc:  # reported by hexdigest() in the caller's thread
            self._error = exc

    def advance(self, length):
        """The file now holds ``length`` bytes to hash."""
        self._lengths.put(length)

    def hexdigest(self):
        """Wait for the worker to hash everything reported, then return the digest."""
        self._lengths.put(None)
        self._thread.join()
        self._handle.close()
        if self._error is not None:
            raise self._error
        return self.digest.hexdigest()

    def close(self):
        """Stop the worker without finishing the hash (the copy failed or was interrupted)."""
        self._stopping = True
        if self._thread.is_alive():
            self._lengths.put(None)
            self._thread.join()
        self._handle.close()


def _copy_stream(stream, handle, part, algorithm):
    """Copy a stream (a download), hashing it; flush to disk; return (archive suffix, hex digest, size)."""
    head = b''
    while len(head) < SNIFF_SIZE:
        chunk = stream.read(SNIFF_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    suffix = archive_suffix(head)
    hasher = _Hasher(part, algorithm)
    try:
        chunk = head
        size = 0
        while chunk:
            handle.write(chunk)
            handle.flush()
            size += len(chunk)
            hasher.advance(size)
            chunk = stream.read(STREAM_CHUNK_SIZE)
        os.fsync(handle.fileno())
        return suffix, hasher.hexdigest(), size
    finally:
        hasher.close()


def _copy_file(stream, handle, part, algorithm, size):
    """Copy a local file in the kernel (sendfile) while a worker thread hashes the copy.

    The copy runs ahead of the hash and the flush to disk overlaps the hashing, so a
    first sync costs about max(copy + flush, hash) rather than their sum.
    Kernels without file-to-file sendfile (before 2.6.33, e.g. legacy OpenVZ) get a
    read/write loop instead.
    """
    source_fd = stream.fileno()
    target_fd = handle.fileno()
    suffix = archive_suffix(os.pread(source_fd, SNIFF_SIZE, 0))
    copy_chunk = _sendfile_chunk
    hasher = _Hasher(part, algorithm)
    try:
        offset = 0
        while offset < size:
            length = min(CHUNK_SIZE, size - offset)
            try:
                sent = copy_chunk(target_fd, source_fd, offset, length)
            except OSError as exc:
                if offset or copy_chunk is not _sendfile_chunk or exc.errno not in (errno.EINVAL, errno.ENOSYS):
                    raise
                copy_chunk = _read_write_chunk
                continue
            if sent == 0:
                break  # the source shrank; the caller reports the short copy
            offset += sent
            hasher.advance(offset)
        os.fsync(target_fd)
        return suffix, hasher.hexdigest(), offset
    finally:
        hasher.close()


def _sendfile_chunk(target_fd, source_fd, offset, length):
    return os.sendfile(target_fd, source_fd, offset, length)


def _read_write_chunk(target_fd, source_fd, offset, length):
    data = os.pread(source_fd, length, offset)
    written = 0
    while written < len(data):
        written += os.write(target_fd, data[written:])
    return len(data)


def remove(cache, name):
    """Delete every cache file of a name and its record; return the removed file names."""
    removed = [os.path.basename(path) for path in cache.existing_files(name)]
    for path in cache.existing_files(name):
        os.unlink(path)
    cache.remove_record(name)
    if removed:
        _fsync_dir(cache.cache_dir)
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
            _remove_if_exists(part)
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
