#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: template
short_description: Manage one OpenVZ OS template in the template cache
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - Installs or removes one precreated OS template in the OpenVZ template cache
    (C($TEMPLATE/cache), C(/vz/template/cache) by default), a legacy precreated cache or an
    OpenVZ 7/9 EZ cache.
  - The archive is never unpacked or recompressed. It lands byte-for-byte as
    C(<name>.tar), C(<name>.tar.gz), C(<name>.tar.bz2) or C(<name>.tar.xz), the suffix
    chosen from the archive's content (gzip, bzip2 or xz magic bytes, else a tar header).
  - An EZ cache name (O(name) ending in C(.plain), C(.ext4), C(.xfs), C(.ploop),
    C(.ploopv2) or C(.qcow2), such as C(centos-7-x86_64.plain.ploopv2)) lands as
    C(<name>.tar.lz4) or C(<name>.tar.gz), the two archivers OpenVZ 7/9 unpacks; an lz4
    archive under any other name is refused, since vzctl 4 cannot unpack it.
  - The bytes are copied to a temporary file in the cache directory, flushed to disk and
    verified against O(checksum) before they are renamed to the final name. An interrupted
    copy, a checksum mismatch or a full disk never leaves a partial or wrong file under the
    final name. Partial files left by a killed copy are removed by the next run.
  - A record of size, mtime and checksum of every installed template is kept beside the
    cache in C($TEMPLATE/.openvz-cloud/<name>.json), so an unchanged template is not read
    again when its size and mtime still match the record.
  - Installing removes other suffixes of the same name, since vzctl uses the first of
    C(.tar), C(.tar.gz), C(.tar.bz2), C(.tar.xz) it finds.
options:
  name:
    description:
      - Template name as given to C(vzctl create --ostemplate), without the C(.tar*) suffix,
        for example C(centos-7-x86_64-minimal).
      - For an OpenVZ 7/9 EZ cache, the cache file's name without C(.tar.<archiver>), that is
        C(<os>.plain.ploopv2) for ploop containers and C(<os>.plain) for simfs ones (the names
        C(vzpkg create cache) writes), for example C(centos-7-x86_64.plain.ploopv2).
      - Only letters, digits, C(.), C(_) and C(-); it must not start with C(.) or C(-) nor
        contain C(..).
      - With O(properties) it defaults to CloudStack's C(uniquename) of the template.
      - Required unless O(properties) is given.
    type: str
  src:
    description:
      - Where the archive comes from, an absolute path on the managed host (for example
        under a mounted NFS export) or an C(http://) or C(https://) URL, streamed.
      - Needed when the template is missing, when O(force=true), or when the cached file
        does not match O(checksum).
      - Without O(checksum), a present template is compared with a local O(src) (by the
        recorded size and mtime of the source first, by content when those changed); with a
        URL O(src) and no O(checksum) a present template is kept as it is.
    type: str
  properties:
    description:
      - Path on the host of a CloudStack C(template.properties) on secondary storage
        (C(template/tmpl/<account>/<id>/template.properties) of a mounted export), read with
        Java properties rules. The archive is its C(tar.filename) in the same directory and
        must have the size the file records.
      - Only TAR templates are accepted; a template CloudStack would not load (no
        C(uniquename) or C(virtualsize)) or marks as corrupted (size 0) is refused.
      - CloudStack's own checksum of a template is not used, since it belongs to the file as
        registered (a C(.tar.gz) is stored uncompressed); give O(checksum) to verify.
      - Mutually exclusive with O(src).
    type: path
  checksum:
    description:
      - Expected checksum of the archive as it is stored, in the form C(sha256:<hex>),
        C(md5:<hex>), CloudStack's C({SHA-256}<hex>) form, or bare hex (MD5, as CloudStack
        treats it). Also C(sha1), C(sha224), C(sha384) and C(sha512).
      - A copy whose checksum differs is never installed and the task fails.
      - A present template whose checksum differs is replaced from O(src).
    type: str
  state:
    description:
      - V(present) installs the template when it is missing or differs; V(absent) removes
        every cache file of the name and its record.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Copy from O(src) even when the cached template looks unchanged.
    type: bool
    default: false
  timeout:
    description:
      - Timeout in seconds for connecting to and reading from an http(s) O(src).
    type: int
    default: 60
  validate_certs:
    description:
      - Verify TLS certificates of an C(https://) O(src).
    type: bool
    default: true
extends_documentation_fragment:
  - openvz.cloud.attributes
  - openvz.cloud.openvz.template_cache
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is downloaded or copied; with a URL O(src) the module
        predicts a change whenever the template would be fetched.
  diff_mode:
    support: full
    details:
      - Before and after show state, file name, size and checksum.
  idempotent:
    support: full
notes:
  - CloudStack stores a template registered from a C(.tar.gz) URL uncompressed on secondary
    storage, so the checksum registered there no longer matches the stored file; give the
    checksum of the stored file instead.
seealso:
  - module: openvz.cloud.local_storage_info
    description: The local pool and its free space.
'''

EXAMPLES = r'''
- name: Install a template from a mounted NFS export, verified
  openvz.cloud.template:
    name: centos-7-x86_64-minimal
    src: /mnt/secondary/template/tmpl/2/201/6f1c0a3e-52b4-4e58-9d61-5f8d0b6f3b4e.tar
    checksum: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

- name: Install a template from a web server, CloudStack checksum form
  openvz.cloud.template:
    name: debian-12-x86_64
    src: https://templates.example.org/debian-12-x86_64.tar.xz
    checksum: "{SHA-256}9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

- name: Install an OpenVZ 7/9 EZ cache for ploop containers (lands as .plain.ploopv2.tar.lz4)
  openvz.cloud.template:
    name: almalinux-9-x86_64.plain.ploopv2
    src: /mnt/secondary/ez/almalinux-9-x86_64.plain.ploopv2.tar.lz4
    checksum: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

- name: Install the TAR template a CloudStack export describes
  openvz.cloud.template:
    name: centos-7-x86_64-minimal
    properties: /mnt/secondary/template/tmpl/2/201/template.properties

- name: Remove a template
  openvz.cloud.template:
    name: centos-6-x86
    state: absent
'''

RETURN = r'''
cloudstack:
  description: What O(properties) described.
  returned: when O(properties) is given
  type: dict
  contains:
    path:
      description: The archive on secondary storage.
      type: str
    filename:
      description: C(tar.filename).
      type: str
    size:
      description: Size the properties record.
      type: int
    id:
      description: CloudStack template id.
      type: str
    uniquename:
      description: CloudStack unique name.
      type: str
template:
  description: The template after the task (in check mode, the predicted state).
  returned: always
  type: dict
  contains:
    name:
      description: Template name.
      type: str
      sample: centos-7-x86_64-minimal
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    path:
      description: Full path of the cache file vzctl uses.
      type: str
      returned: when present
      sample: /vz/template/cache/centos-7-x86_64-minimal.tar.gz
    file:
      description: Cache file name.
      type: str
      returned: when present
      sample: centos-7-x86_64-minimal.tar.gz
    format:
      description: Archive suffix without the leading dot.
      type: str
      returned: when present
      sample: tar.gz
    size:
      description: Size in bytes.
      type: int
      returned: when present
      sample: 214748364
    mtime:
      description: Modification time (seconds since the epoch).
      type: float
      returned: when present
    checksum:
      description: Recorded checksum, C(<algorithm>:<hex>); missing when the module has no record of the file.
      type: str
      returned: when known
      sample: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    shadowed:
      description: Other cache files of the same name that vzctl ignores because this one comes first.
      type: list
      elements: str
      returned: when such files exist
actions:
  description: What the module did (or would do in check mode).
  returned: always
  type: list
  elements: str
  sample: ["installed centos-7-x86_64-minimal.tar.gz from /mnt/sec/t.tar.gz (absent)"]
diff:
  description: Before and after (state, file, size, checksum), when run with C(--diff).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.openvz.cloud.plugins.module_utils._templates.cache import TEMPLATE_MODULE

main = TEMPLATE_MODULE.main

if __name__ == '__main__':
    main()
