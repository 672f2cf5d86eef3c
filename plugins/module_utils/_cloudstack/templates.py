# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Installing an OS template on a remote host on demand, from where the extension runs.

The source (an http(s) URL, or a path on this machine such as the management server's
secondary-storage mount) is read here and streamed over SSH into a temporary file in the
host's cache; it is hashed on the way, checked against the expected checksum, named by its
content (``archive_suffix``: gzip, bzip2, xz or plain tar; gzip or lz4 for an EZ cache name)
and only then renamed into place. It is never unpacked. The host-side lock is the template
module's own (``TemplateCache.lock``: ``<template dir>/.openvz-cloud/<name>.lock``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils._templates.archive import (
    ARCHIVE_SUFFIXES, TemplateError, archive_suffix, format_checksum, parse_checksum, read_head,
    validate_name)
from ansible_collections.openvz.cloud.plugins.module_utils._templates.cache import RECORD_DIR_NAME
from ansible_collections.openvz.cloud.plugins.module_utils._templates.copy import (
    PART_PREFIX, PART_SUFFIX, Source)


def install_remote(backend, name, src, checksum, timeout=600, opener=None):
    """Install template ``name`` from ``src`` into the host's cache; returns a record dict.

    ``checksum`` (``sha256:<hex>``, ``{SHA-256}<hex>``, bare hex = MD5) is required: a
    template fetched for a cloud must be verified before vzctl unpacks it. ``opener``
    opens URLs as ``Source`` wants (default: ansible's ``open_url``).
    """
    validate_name(name)
    if not checksum:
        raise TemplateError('Template %s: template_url is set but template_checksum is not; '
                            'give the checksum of the archive (e.g. sha256:<hex>)' % name)
    algorithm, expected = parse_checksum(checksum)
    runner = backend.runner
    cache_dir = backend.template_cache_dir()
    lock_path = os.path.join(os.path.dirname(cache_dir), RECORD_DIR_NAME, name + '.lock')
    with runner.lock(lock_path):
        if backend.template_exists(name):
            return {'name': name, 'installed': False}
        source = Source(src, timeout=timeout, opener=opener)
        stream, expected_size = source.open()
        part_name = '%s%s.%d%s' % (PART_PREFIX, name, os.getpid(), PART_SUFFIX)
        part = os.path.join(cache_dir, part_name)
        try:
            head = read_head(stream)
            suffix = archive_suffix(head, name)
            size, digest = runner.upload(stream, part, algorithm, first=head)
            if expected_size is not None and size != expected_size:
                raise TemplateError('Copy of %s is incomplete: got %d of %d bytes'
                                    % (src, size, expected_size))
            if digest != expected:
                raise TemplateError('Checksum mismatch for %s: expected %s, got %s; nothing was '
                                    'installed' % (src, format_checksum(algorithm, expected),
                                                   format_checksum(algorithm, digest)))
            written = runner.run(['stat', '-c', '%s', part]).stdout.strip()
            if written != str(size):
                raise TemplateError('Template %s: the host holds %s bytes of %d sent'
                                    % (name, written, size))
            final = os.path.join(cache_dir, name + suffix)
            others = [os.path.join(cache_dir, name + other) for other in ARCHIVE_SUFFIXES
                      if other != suffix]
            runner.run(['sh', '-c', 'chmod 0644 "$1" && mv -f -- "$1" "$2" && shift 2 && '
                        'rm -f -- "$@" && sync', 'sh', part, final] + others)
        except BaseException:
            runner.run(['rm', '-f', '--', part], check=False)
            raise
        finally:
            stream.close()
    return {'name': name, 'installed': True, 'file': os.path.basename(final), 'size': size,
            'checksum': format_checksum(algorithm, digest)}


def ensure_template(backend, name, src, checksum, timeout=600, opener=None):
    """Nothing when the host has ``name``; else install it from ``src`` (or explain)."""
    if backend.template_exists(name):
        return None
    if not src:
        raise CommandError('OS template %r is not in %s on this host, and the VM details give '
                           'no template_url to install it from' % (name,
                                                                   backend.template_cache_dir()))
    try:
        return install_remote(backend, name, src, checksum, timeout=timeout, opener=opener)
    except TemplateError as exc:
        raise CommandError(str(exc))
