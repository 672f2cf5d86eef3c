#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: template_info
short_description: List the cached OS templates of an OpenVZ host, legacy or 7/9
version_added: 0.2.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Lists the OS template caches in the template cache directory (C(<TEMPLATE>/cache),
    C(/vz/template/cache) by default) with their name, format, size, modification time and
    the container layouts each one can create on this host.
  - On a legacy host (vzctl 4.x) it reads the directory only, no command runs. vzctl looks
    C(--ostemplate <name>) up as C(<name>.tar), C(.tar.gz), C(.tar.bz2), C(.tar.xz), the
    first hit wins; such a file creates V(simfs) and V(ploop) containers alike.
  - On OpenVZ 7/9 it also runs C(vzpkg list -O --cached) once, for the EZ OS templates that
    have a cache. An EZ cache C(<os>.<fs>[.ploopv2|.ploop|.qcow2].tar.<lz4|lzrw|gz>)
    (for example C(centos-7-x86_64.plain.ploopv2.tar.lz4)) creates V(ploop) containers
    when its name has an image marker and V(simfs) ones otherwise (C(<os>.plain.tar.lz4)).
    A precreated C(<name>.tar.gz) creates V(simfs) containers only (vzctl 7 refuses it for
    ploop), and a precreated C(.tar), C(.tar.bz2) or C(.tar.xz) none, since vzctl 7
    unpacks gzip and lz4 archives only.
  - A file that the lookup never reaches because another file of the same name comes first
    is listed with RV(templates[].shadowed_by) and no layouts.
  - Hidden files (partial copies of M(openvz.cloud.template)) and the C(-old) copies that
    C(vzpkg update cache) keeps are not templates and are not listed.
options:
  name:
    description:
      - Only templates whose name or file name matches one of these shell patterns
        (C(fnmatch), case-sensitive), for example C(centos-7-*) or C(*.tar.lz4).
      - Also filters RV(os_templates).
      - All templates when empty.
    type: list
    elements: str
    default: []
  backend:
    description:
      - Which OpenVZ line the host runs. V(auto) chooses V(vz7) where C(prlctl) is installed
        (it ships with OpenVZ 7 and 9 only) and V(legacy) (vzctl 4.x) otherwise, as the
        container modules do.
      - Both lines are supported by this module.
    type: str
    choices: [auto, legacy, vz7]
    default: auto
  get_checksum:
    description:
      - Read every listed file and return its checksum in RV(templates[].checksum).
      - Without it, a checksum is returned only where M(openvz.cloud.template) recorded one
        for the unchanged file.
    type: bool
    default: false
  checksum_algorithm:
    description:
      - Algorithm of O(get_checksum).
    type: str
    choices: [md5, sha1, sha224, sha256, sha384, sha512]
    default: sha256
  command_timeout:
    description:
      - Seconds the C(vzpkg) call may take before it is killed (through C(timeout) of
        coreutils); V(0) means no limit.
    type: int
    default: 600
extends_documentation_fragment:
  - openvz.cloud.attributes.info_module
  - openvz.cloud.openvz.template_cache
notes:
  - The task fails with a message (no traceback) when the cache directory cannot be read,
    and with C(cmd), C(rc), C(stdout) and C(stderr) when C(vzpkg) fails.
seealso:
  - module: openvz.cloud.template
    description: Installs, verifies or removes one template.
  - module: openvz.cloud.local_storage_info
    description: The local pool and its free space.
'''

EXAMPLES = r'''
- name: List the templates of a host
  openvz.cloud.template_info:
  register: ovz_templates

- name: Refuse to create a ploop container from a template that cannot make one
  ansible.builtin.assert:
    that:
      - ovz_templates.templates | selectattr('name', 'equalto', 'centos-7-x86_64')
        | selectattr('layouts', 'contains', 'ploop') | list | length > 0

- name: The EZ caches of CentOS templates, with their sha256
  openvz.cloud.template_info:
    name: "centos-*"
    get_checksum: true
  register: ovz_centos
'''

RETURN = r'''
backend:
  description: The OpenVZ line the listing follows, V(legacy) or V(vz7) (OpenVZ 7 and 9).
  returned: always
  type: str
  sample: vz7
cache_dir:
  description: The template cache directory that was read.
  returned: always
  type: str
  sample: /vz/template/cache
templates:
  description: The cache files, sorted by file name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description:
        - The template name to give C(--ostemplate) for this file - the EZ OS template of an
          EZ cache on 7/9, else the file name without its archive suffix.
      type: str
      sample: centos-7-x86_64
    file:
      description: File name in the cache directory.
      type: str
      sample: centos-7-x86_64.plain.ploopv2.tar.lz4
    path:
      description: Full path of the file.
      type: str
      sample: /vz/template/cache/centos-7-x86_64.plain.ploopv2.tar.lz4
    format:
      description: Archive suffix without the leading dot, V(tar), V(tar.gz), V(tar.bz2), V(tar.xz), V(tar.lz4) or V(tar.lzrw).
      type: str
      sample: tar.lz4
    compression:
      description: V(gzip), V(bzip2), V(xz), V(lz4), V(lzrw), or null for a plain tar.
      type: str
      sample: lz4
    kind:
      description: V(ez) for a vztt (EZ template) cache name, V(precreated) for any other.
      type: str
      sample: ez
    fstype:
      description: File system marker of an EZ cache name (V(plain) on OpenVZ 7, the file system on 9), else null.
      type: str
      sample: plain
    image:
      description: Image marker of an EZ cache name, V(ploopv2), V(ploop) or V(qcow2); null for simfs caches and precreated files.
      type: str
      sample: ploopv2
    layouts:
      description: Container layouts (V(ploop), V(simfs)) this file creates on this host's line; empty when none.
      type: list
      elements: str
      sample: [ploop]
    shadowed_by:
      description: The file the lookup of this name uses instead of this one, null when this file is used.
      type: str
      sample: null
    size:
      description: Size in bytes.
      type: int
      sample: 214748364
    mtime:
      description: Modification time (seconds since the epoch).
      type: float
      sample: 1700000000.0
    os_template:
      description: The OS template C(vzpkg list -O --cached) reports for this EZ cache; null otherwise and on legacy hosts.
      type: str
      sample: centos-7-x86_64
    vzpkg_cached:
      description: C(vzpkg) lists the OS template of this EZ cache as cached; always false on legacy hosts.
      type: bool
      sample: true
    checksum:
      description: C(<algorithm>:<hex>) - read with O(get_checksum), else recorded by M(openvz.cloud.template); null when unknown.
      type: str
      sample: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    checksum_source:
      description: V(read), V(record), or null when RV(templates[].checksum) is null.
      type: str
      sample: record
os_templates:
  description: The OS templates C(vzpkg list -O --cached) reports (OpenVZ 7/9; empty on legacy hosts).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: OS template name.
      type: str
      sample: centos-7-x86_64
    cache_time:
      description: The cache time vzpkg prints (C(YYYY-MM-DD HH:MM:SS), host local time), null when it prints none.
      type: str
      sample: "2024-05-01 12:00:00"
    files:
      description: The EZ cache files of this template among RV(templates).
      type: list
      elements: str
      sample: [centos-7-x86_64.plain.ploopv2.tar.lz4]
'''

from ansible_collections.openvz.cloud.plugins.module_utils._templates.info import TEMPLATE_INFO_MODULE

main = TEMPLATE_INFO_MODULE.main

if __name__ == '__main__':
    main()
