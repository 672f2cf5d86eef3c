# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Template archives: names, the archive type from the content, checksums, and the archive a
CloudStack ``template.properties`` describes.

A cache file's suffix follows its content: vzctl looks the cache up by suffix (vzctl 4
src/lib/create.c) and unpacks it with tar (scripts/vps-create.in).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import re

from ansible_collections.openvz.cloud.plugins.module_utils import _validate
from ansible_collections.openvz.cloud.plugins.module_utils._templates.ez import is_ez_cache_name
from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import JavaPropertiesError, load_file

# Cache suffixes in vzctl's lookup order (the first hit is used): _validate's one list.
ARCHIVE_SUFFIXES = _validate.TEMPLATE_ARCHIVE_SUFFIXES
CHUNK_SIZE = 4 * 1024 * 1024
SNIFF_SIZE = 512

_HEX_RE = re.compile(r'^[0-9a-fA-F]+$')
_ALGORITHM_ALIASES = {
    'md5': 'md5', 'sha1': 'sha1', 'sha-1': 'sha1', 'sha224': 'sha224', 'sha-224': 'sha224',
    'sha256': 'sha256', 'sha-256': 'sha256', 'sha384': 'sha384', 'sha-384': 'sha384',
    'sha512': 'sha512', 'sha-512': 'sha512',
}
_DIGEST_HEX_LENGTH = {'md5': 32, 'sha1': 40, 'sha224': 56, 'sha256': 64, 'sha384': 96, 'sha512': 128}
CHECKSUM_ALGORITHMS = tuple(sorted(_DIGEST_HEX_LENGTH))
_GZIP_MAGIC = b'\x1f\x8b'
# lz4 frame magic: the archiver of OpenVZ 7/9 EZ caches (vztt src/util.c).
_LZ4_MAGIC = b'\x04\x22\x4d\x18'
# Compressed formats this module does not install (vzctl 4 unpacks only tar, gzip, bzip2, xz).
_UNSUPPORTED_MAGIC = (
    (b'\x28\xb5\x2f\xfd', 'zstd'),
    (b'PK\x03\x04', 'zip'),
    (b'\x89LZO', 'lzop'),
)


class TemplateError(Exception):
    """A template operation failed; the message is meant for the user."""


def validate_name(name):
    """A plain cache file stem (``_validate.template_name``), else TemplateError."""
    return _validate.template_name(name, 'template name', error=TemplateError)


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


def read_head(stream):
    """The first SNIFF_SIZE bytes of a stream (fewer when it is shorter), for archive_suffix."""
    head = b''
    while len(head) < SNIFF_SIZE:
        chunk = stream.read(SNIFF_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def archive_suffix(head, name=None):
    """Cache suffix for an archive from its first bytes (at least 512 when plain tar).

    An EZ cache name (``ez.is_ez_cache_name``) takes what libvzctl's vz-create_prvt unpacks,
    gzip or lz4; any other name what vzctl 4 unpacks: tar, gzip, bzip2 or xz.
    """
    if is_ez_cache_name(name):
        return _ez_suffix(head, name)
    if head.startswith(_GZIP_MAGIC):
        return '.tar.gz'
    if head.startswith(b'BZh'):
        return '.tar.bz2'
    if head.startswith(b'\xfd7zXZ\x00'):
        return '.tar.xz'
    if head.startswith(_LZ4_MAGIC):
        raise TemplateError(
            'The source is a lz4 archive, an OpenVZ 7/9 EZ cache, which vzctl 4 cannot unpack; '
            'name it as the cache it is, <os>.<fs>[.ploopv2], for example %s.plain.ploopv2 '
            '(ploop) or %s.plain (simfs), to install it as <name>.tar.lz4'
            % (name or '<os>', name or '<os>'))
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


def _ez_suffix(head, name):
    if head.startswith(_LZ4_MAGIC):
        return '.tar.lz4'
    if head.startswith(_GZIP_MAGIC):
        return '.tar.gz'
    raise TemplateError(
        '%s is an EZ cache name, but the source is not a lz4 or gzip compressed tar: '
        'OpenVZ 7/9 unpacks EZ caches of those two only (libvzctl scripts/vz-create_prvt)'
        % name)


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


def read_cloudstack_template(properties_path):
    """The TAR archive a CloudStack ``template.properties`` describes (the file CloudStack's
    ``com.cloud.storage.template.TemplateLocation`` writes beside each template).

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
