# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``<CTID>.conf`` holds over vzlist, on both lines (ctid.conf(5); libvzctl
lib/env_config.c reads the same keys on OpenVZ 7/9), and the host's config files.

vzlist shows an unset memory limit as 0 and, for ploop, the size of the filesystem
inside the image instead of the configured DISKSPACE; the config tells the truth. The
configured venet addresses, DNS settings and NETIF live only there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.cloud.plugins.module_utils import _validate, units, vzconf
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import ContainerState
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids

# Config values returned as they are written (the "originals" of the resources).
RAW_CONFIG_KEYS = ('PHYSPAGES', 'SWAPPAGES', 'DISKSPACE', 'DISKINODES', 'CPUUNITS', 'CPULIMIT',
                   'CPUS')


def _config_pair(value, parse_one):
    if not value:
        return None
    try:
        return list(units.parse_pair(value, parse_one, 'config value'))
    except units.UnitError:
        return None


def _config_limit_bytes(value):
    if value is None:
        return None
    try:
        return units.pages_to_bytes(units.parse_ubc_pages(value)[1])
    except units.UnitError:
        return None


def _configured_ips(value):
    result = []
    for item in vzconf.split_list(value):
        try:
            result.append(_validate.ip_address(item))
        except ValueError:
            result.append(item)
    return [ip for ip in result if ip.split('/')[0] not in ('0.0.0.0', '::')]


def merge_config(record, conf):
    """A vzlist record with what only ``<CTID>.conf`` knows merged in."""
    state = ContainerState(record)
    conf = conf or {}
    if conf:
        state['ram_bytes'] = _config_limit_bytes(conf.get('PHYSPAGES'))
        state['swap_bytes'] = _config_limit_bytes(conf.get('SWAPPAGES'))
        configured_disk = _config_pair(conf.get('DISKSPACE'), units.parse_kb)
        if configured_disk is not None:
            state['diskspace_kb'] = configured_disk
        configured_inodes = _config_pair(conf.get('DISKINODES'), units.parse_count)
        if configured_inodes is not None:
            state['diskinodes'] = configured_inodes
    state['ipaddresses'] = (_configured_ips(conf['IP_ADDRESS']) if 'IP_ADDRESS' in conf
                            else list(record.get('ip') or []))
    if 'NAMESERVER' in conf:
        state['nameservers'] = vzconf.split_list(conf['NAMESERVER'])
    if 'SEARCHDOMAIN' in conf:
        state['searchdomains'] = vzconf.split_list(conf['SEARCHDOMAIN'])
    state['netifs'] = vzconf.parse_netif(conf.get('NETIF'))
    state['config'] = dict((key, conf[key]) for key in RAW_CONFIG_KEYS if key in conf)
    return state


class HostConfigFiles(object):
    """vz.conf (read when first needed: a list read needs none of it) and the per-container
    configs under ``conf_dir``, read through the backend's runner."""

    def __init__(self, runner, conf_dir=vzconf.DEFAULT_CONF_DIR, vz_conf=vzconf.DEFAULT_VZ_CONF):
        self.runner = runner
        self.conf_dir = conf_dir
        self.vz_conf = vz_conf
        self._global_conf = None

    @property
    def global_conf(self):
        if self._global_conf is None:
            self._global_conf = vzconf.parse_vz_config(self.runner.read_file(self.vz_conf) or '')
        return self._global_conf

    def ct_conf(self, container_id):
        path = vzconf.ctid_conf_path(container_id, self.conf_dir)
        return vzconf.parse_vz_config(self.runner.read_file(path) or '')

    def allocation_lock_path(self):
        return os.path.join(self.global_conf.get('LOCKDIR') or '/vz/lock', ids.LOCK_NAME)

    def template_cache_dir(self):
        return vzconf.template_cache_dir(self.global_conf)

    def read_sample(self, sample, label, error):
        """The parsed ``ve-<sample>.conf-sample`` (``error`` when it is missing)."""
        path = os.path.join(self.conf_dir, 've-%s.conf-sample' % sample)
        text = self.runner.read_file(path)
        if text is None:
            raise error('%s: config sample %s not found' % (label, path))
        return vzconf.parse_vz_config(text)
