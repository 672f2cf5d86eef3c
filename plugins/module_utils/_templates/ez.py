# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which template caches an OpenVZ 7/9 host holds for an OS template, and for which layout.

EZ caches are ``<template>.<fstype|plain>[.ploopv2|.ploop|.qcow2].tar.<lz4|lzrw|gz>``
(OpenVZ/vztt include/vzcommon.h); libvzctl takes a name with ``.ploop`` or ``.qcow2`` in it
for an image cache, usable by ploop containers only, and any other one for simfs only
(lib/create.c ``is_ploop_cache`` / ``check_cache_layout``). A legacy precreated
``<template>.tar[.gz|.bz2|.xz]`` carries no image marker, so it creates simfs containers
only. An installed EZ template without a cache gets one at create time
(lib/vztmpl.c), from its metadata ``<TEMPLATE>/<os>/<version>/<arch>/config/os/<set>/``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.cloud.plugins.module_utils import _validate

EZ_ARCHIVERS = ('lz4', 'lzrw', 'gz')
# the middle words of an EZ cache name: the filesystem (or plain) and the image format
EZ_NAME_WORDS = ('plain', 'ext4', 'xfs', 'ploop', 'ploopv2', 'qcow2')
IMAGE_WORDS = ('ploop', 'ploopv2', 'qcow2')
ARCHES = ('x86_64', 'i386', 'i686', 'x86', 'aarch64', 'arm64', 'ppc64le')
LEGACY = 'legacy'
PLOOP = 'ploop'
SIMFS = 'simfs'


def is_ez_cache_name(name):
    """True for the stem of an EZ cache, ``<os>.<fs|plain>[.ploopv2|.ploop|.qcow2]``, such as
    ``centos-7-x86_64.plain.ploopv2`` (the name before ``.tar.<archiver>``)."""
    words = (name or '').split('.')
    return len(words) > 1 and words[-1] in EZ_NAME_WORDS


def cache_kind(template, filename):
    """``ploop``, ``simfs`` (an EZ cache), ``legacy`` or None (not a cache of template)."""
    if not filename.startswith(template + '.'):
        return None
    rest = filename[len(template):]
    if rest in _validate.LEGACY_CACHE_SUFFIXES:
        return LEGACY
    words = rest[1:].split('.')
    if len(words) < 3 or words[-2] != 'tar' or words[-1] not in EZ_ARCHIVERS:
        return None
    middle = words[:-2]
    if not all(word in EZ_NAME_WORDS for word in middle):
        return None
    return PLOOP if any(word in IMAGE_WORDS for word in middle) else SIMFS


def cache_kinds(template, filenames):
    """The kinds of cache the names hold for template."""
    return set(kind for kind in (cache_kind(template, name) for name in filenames) if kind)


def metadata_dir(template_dir, template):
    """``<TEMPLATE>/<os>/<version>/<arch>/config/os/<set>`` of an EZ template name such as
    ``centos-7-x86_64`` or ``centos-7-x86_64-minimal`` (set ``default``); None when the
    name has no architecture."""
    words = template.split('-')
    for index in range(2, len(words)):
        if words[index] in ARCHES:
            os_name, version = '-'.join(words[:index - 1]), words[index - 1]
            variant = '-'.join(words[index + 1:]) or 'default'
            return os.path.join(template_dir, os_name, version, words[index], 'config', 'os',
                                variant)
    return None


def layout_refusal(template, layout, kinds, installed, cache_dir):
    """Why ``template`` cannot create a ``layout`` container (None: it can)."""
    usable = PLOOP if layout == PLOOP else SIMFS
    if installed or usable in kinds or (layout == SIMFS and LEGACY in kinds):
        return None
    if layout == PLOOP and LEGACY in kinds:
        return ('OS template %r in %s is a legacy precreated cache (%s.tar*); OpenVZ 7/9 '
                'creates ploop containers only from EZ template caches (vzctl: "not compatible '
                'with layout 5. Update the cache"). Use layout: simfs, or install the EZ '
                'template (vzpkg install template %s; vzpkg create cache %s)'
                % (template, cache_dir, template, template, template))
    if kinds:
        return ('OS template %r has only a %s cache in %s, which cannot create a %s '
                'container; use layout: %s or build the other cache (vzpkg create cache %s)'
                % (template, ' and '.join(sorted(kinds)), cache_dir, layout,
                   PLOOP if layout == SIMFS else SIMFS, template))
    return ('OS template %r is neither installed as an EZ template (vzpkg list) nor cached in '
            '%s; install it first (vzpkg install template %s)' % (template, cache_dir, template))
