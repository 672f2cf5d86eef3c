# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copying a template source into the cache: a local file (kernel ``sendfile``) or an http(s)
download, hashed while it is written, flushed, verified, then renamed into place.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import hashlib
import os
import queue
import tempfile
import threading

from ansible_collections.openvz.cloud.plugins.module_utils._templates.archive import (
    ARCHIVE_SUFFIXES, CHUNK_SIZE, SNIFF_SIZE, TemplateError, archive_suffix, format_checksum, read_head)
from ansible_collections.openvz.cloud.plugins.module_utils.files import fsync_dir, remove_if_exists

PART_PREFIX = '.openvz-cloud.'
PART_SUFFIX = '.part'
# A network read blocks until it has its whole size: smaller reads keep downloads flowing to disk.
STREAM_CHUNK_SIZE = 256 * 1024


def is_url(src):
    return src.startswith('http://') or src.startswith('https://')


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
                    suffix, digest, size = _copy_stream(stream, handle, part, algorithm, name)
                else:
                    suffix, digest, size = _copy_file(stream, handle, part, algorithm, expected_size, name)
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
            remove_if_exists(part)
            if exc.errno == errno.ENOSPC:
                raise TemplateError('No space left on device in %s while copying %s; nothing was installed'
                                    % (cache.cache_dir, source.src))
            raise TemplateError('Copy of %s into %s failed: %s; nothing was installed'
                                % (source.src, cache.cache_dir, exc))
        except BaseException:
            remove_if_exists(part)
            raise
    finally:
        stream.close()
    for other in ARCHIVE_SUFFIXES:
        if other != suffix:
            remove_if_exists(cache.path(name, other))
    fsync_dir(cache.cache_dir)
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


def _copy_stream(stream, handle, part, algorithm, name):
    """Copy a stream (a download), hashing it; flush to disk; return (archive suffix, hex digest, size)."""
    head = read_head(stream)
    suffix = archive_suffix(head, name)
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


def _copy_file(stream, handle, part, algorithm, size, name):
    """Copy a local file in the kernel (sendfile) while a worker thread hashes the copy.

    The copy runs ahead of the hash and the flush to disk overlaps the hashing, so a
    first sync costs about max(copy + flush, hash) rather than their sum.
    Kernels without file-to-file sendfile (before 2.6.33, e.g. legacy OpenVZ) get a
    read/write loop instead.
    """
    source_fd = stream.fileno()
    target_fd = handle.fileno()
    suffix = archive_suffix(os.pread(source_fd, SNIFF_SIZE, 0), name)
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
