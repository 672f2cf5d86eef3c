# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Readers for OpenVZ configuration files: ``/etc/vz/vz.conf`` and ``<CTID>.conf``.

Syntax (openvz-cli.md section 4.1): ``KEY=value`` or ``KEY="value"``, case-sensitive,
blank and ``#`` lines ignored, lines trimmed, a quoted value runs from the first to the
last ``"``, an unquoted one is the rest of the line, the first of duplicate keys wins.
NETIF follows section 6.1.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

DEFAULT_CONF_DIR = '/etc/vz/conf'
DEFAULT_VZ_CONF = '/etc/vz/vz.conf'
# vzctl's default TEMPLATE (etc/vz.conf of vzctl 4); OS template caches live in its cache/.
DEFAULT_TEMPLATE_DIR = '/vz/template'

# NETIF keys written by vzctl 4.x, in its order (section 6.1).
NETIF_KEYS = ('ifname', 'bridge', 'mac', 'host_ifname', 'host_mac', 'mac_filter')


def parse_vz_config(text):
    """Return ``{KEY: value}`` from the text of an OpenVZ config file."""
    values = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith('#') or '=' not in line:
            continue
        key, value = line.split('=', 1)
        key = key.strip()
        if not key or key in values:
            continue
        values[key] = _unquote(value)
    return values


def _unquote(value):
    if value.startswith('"'):
        last = value.rfind('"')
        if last > 0:
            return value[1:last]
        return value[1:]
    return value


def read_vz_config(path):
    """Parse a config file; a missing file reads as empty."""
    if not os.path.exists(path):
        return {}
    with open(path, 'r') as handle:
        return parse_vz_config(handle.read())


def template_cache_dir(config):
    """``$TEMPLATE/cache`` of a parsed vz.conf (``/vz/template/cache`` by default)."""
    return os.path.join((config.get('TEMPLATE') or DEFAULT_TEMPLATE_DIR).rstrip('/') or '/', 'cache')


def ctid_conf_path(ctid, conf_dir=DEFAULT_CONF_DIR):
    return os.path.join(conf_dir, '%s.conf' % ctid)


def expand_veid(path, ctid):
    """Substitute the literal ``$VEID`` (or ``${VEID}``) of VE_PRIVATE / VE_ROOT."""
    if path is None:
        return None
    return path.replace('${VEID}', str(ctid)).replace('$VEID', str(ctid))


def parse_netif(value):
    """Parse a NETIF value into a list of dicts (any key order, unknown keys ignored).

    MACs are upper-cased; missing keys are absent from the dict.
    """
    devices = []
    for entry in (value or '').split(';'):
        entry = entry.strip()
        if not entry:
            continue
        device = {}
        for item in entry.split(','):
            if '=' not in item:
                continue
            key, val = item.split('=', 1)
            key = key.strip()
            if key in NETIF_KEYS and key not in device:
                device[key] = val.strip()
        if not device.get('ifname'):
            continue
        for mac_key in ('mac', 'host_mac'):
            if mac_key in device:
                device[mac_key] = device[mac_key].upper()
        devices.append(device)
    return devices


def split_list(value):
    """Space-separated config lists (IP_ADDRESS, NAMESERVER, ...)."""
    return (value or '').split()
