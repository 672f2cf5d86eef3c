#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: local_storage_info
short_description: Report an OpenVZ host's local storage as a CloudStack local pool
version_added: 0.1.0
author: openvz.cloud developers (@openvz-cloud)
description:
  - OpenVZ keeps containers on local storage only. This module reports it the way a
    CloudStack agent reports its local pool (C(StartupStorageCommand)) - uuid, path, pool type
    C(Filesystem), capacity and available bytes - plus filesystem type, inodes, container
    layout, bytes in the template cache and bytes used by containers.
  - B(path) - O(path) when given; otherwise derived from C(VE_PRIVATE) in O(vz_conf) -
    the last component (C($VEID)) is dropped, giving the directory that holds the private
    areas, and the pool path is that directory's parent. C(/vz/private/$VEID) gives C(/vz);
    without C(VE_PRIVATE) the path is C(/vz).
  - B(uuid) - derived, never stored, so it is stable across runs and reboots and nothing is
    written - it is C(uuid5(NS, "<machine id>:<filesystem id>:<path>")) where C(NS) is
    C(uuid5(NAMESPACE_DNS, "local-storage.openvz.cloud")). The machine id (C(/etc/machine-id),
    else C(/var/lib/dbus/machine-id)) keeps hosts cloned from one image apart, as long as each
    clone got its own machine id; without one the C(<machine id>:) part is left out. The filesystem id is the
    filesystem UUID (from C(/dev/disk/by-uuid), else C(blkid)), else the kernel's
    filesystem id (C(f_fsid), which ext4, xfs and btrfs derive from their UUID), else
    the mount's type and source. RV(storage.uuid_source) tells which one was used.
  - Capacity, used and available bytes come from C(statvfs) of the path; the filesystem,
    mount point and device from C(/proc/self/mountinfo).
options:
  path:
    description:
      - Pool path; derived from O(vz_conf) when not given (see above).
    type: path
  vz_conf:
    description:
      - Global OpenVZ configuration file (C(VE_PRIVATE), C(TEMPLATE), C(VE_LAYOUT)).
    type: path
    default: /etc/vz/vz.conf
  container_usage:
    description:
      - Walk the containers' private areas to sum the bytes they use (like C(du)); this
        reads every directory of simfs containers and can take a while.
    type: bool
    default: true
  root:
    description:
      - Prefix under which the host's files (C(/etc/vz), C(/proc/self/mountinfo), C(/dev/disk))
        and the pool path are read; for chroots and tests.
    type: path
    default: /
extends_documentation_fragment:
  - openvz.cloud.attributes.info_module
seealso:
  - module: openvz.cloud.host_info
    description: The rest of what discovery reads from the host.
  - module: openvz.cloud.template
    description: Installs OS templates into the cache under the pool.
'''

EXAMPLES = r'''
- name: Read the local pool
  openvz.cloud.local_storage_info:
  register: ovz_storage

- name: Use the pool uuid as CloudStack's local.storage.uuid
  ansible.builtin.debug:
    msg: "local.storage.path={{ ovz_storage.storage.path }} local.storage.uuid={{ ovz_storage.storage.uuid }}"
'''

RETURN = r'''
storage:
  description: The local storage pool.
  returned: always
  type: dict
  contains:
    uuid:
      description: Pool uuid, derived from the machine id, the filesystem id and the path.
      type: str
      sample: 0b5c1f0e-3c0e-5d5f-9b7e-2a2f4c7d9a11
    machine_id:
      description: The host's machine id that went into RV(storage.uuid); null when the host has none.
      type: str
      sample: 042feaa2d4194a05a0588d65ca40ec30
    uuid_source:
      description: What identified the filesystem - V(filesystem-uuid), V(filesystem-id), V(mount-source) or V(none).
      type: str
    filesystem_uuid:
      description: Filesystem UUID when one was found.
      type: str
    path:
      description: Pool path.
      type: str
      sample: /vz
    path_source:
      description: V(option), V(vz.conf VE_PRIVATE) or V(default).
      type: str
    type:
      description: CloudStack pool type, always V(Filesystem).
      type: str
    filesystem_type:
      description: Filesystem type of the mount holding the path.
      type: str
      sample: ext4
    mount_point:
      description: Mount point holding the path.
      type: str
    device:
      description: Mount source (device).
      type: str
    capacity_bytes:
      description: Size of the filesystem.
      type: int
    used_bytes:
      description: Capacity minus free blocks.
      type: int
    available_bytes:
      description: Bytes available to unprivileged users (what CloudStack reports as available).
      type: int
    free_bytes:
      description: Free bytes including the reserved blocks.
      type: int
    inodes:
      description: C(total), C(used), C(free), C(available).
      type: dict
    layout:
      description: C(VE_LAYOUT) of vz.conf, V(simfs) or V(ploop); null when not set.
      type: str
    layout_mode:
      description: Ploop mode after the colon (C(expanded), C(plain), C(raw)); null when not set.
      type: str
    private_dir:
      description: Directory that holds the containers' private areas.
      type: str
      sample: /vz/private
    template_cache_dir:
      description: Template cache directory (C(TEMPLATE)/cache).
      type: str
    template_cache_bytes:
      description: Bytes of the files in the template cache.
      type: int
    template_count:
      description: Number of files in the template cache.
      type: int
    container_count:
      description: Number of container configs.
      type: int
    containers_bytes:
      description: Bytes used by the containers' private areas; null with O(container_usage=false).
      type: int
'''

from ansible_collections.openvz.cloud.plugins.module_utils._host.storage import LOCAL_STORAGE_INFO_MODULE

main = LOCAL_STORAGE_INFO_MODULE.main

if __name__ == '__main__':
    main()
