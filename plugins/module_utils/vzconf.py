# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenVZ configuration files: ``/etc/vz/vz.conf`` and ``<CTID>.conf`` (vz.conf(5), ctid.conf(5)).

Syntax as vzctl reads it (vzctl 4 src/lib/config.c): ``KEY=value`` or ``KEY="value"``,
case-sensitive, blank and ``#`` lines ignored, lines trimmed, a quoted value runs from the
first to the last ``"``, an unquoted one is the rest of the line. Shell scripts source the
same files, so values written here are double-quoted and never carry ``"``, ``\\`` or a
backquote. NETIF is vzctl's ``--netif_add`` list (vzctl(8)).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition

DEFAULT_CONF_DIR = '/etc/vz/conf'
DEFAULT_VZ_CONF = '/etc/vz/vz.conf'
# vzctl's default TEMPLATE (etc/vz.conf of vzctl 4); OS template caches live in its cache/.
DEFAULT_TEMPLATE_DIR = '/vz/template'

# NETIF keys vzctl 4.x writes (NETIF in ctid.conf(5)).
NETIF_KEYS = ('ifname', 'bridge', 'mac', 'host_ifname', 'host_mac', 'mac_filter')


# Shell variable names as vz.conf uses them (upper case), and what a double-quoted value
# must not contain for the shell scripts that source the file.
_KEY_RE = re.compile(r'^[A-Z][A-Z0-9_]*$')
_UNSAFE_IN_VALUE = ('"', '\\', '`', '\n', '\r')


class VzConfError(ValueError):
    """A setting cannot be written to a vz.conf; the message is meant for the user."""


def _key_value(raw_line):
    """(KEY, value) of a setting line, None for blank, comment and other lines."""
    line = raw_line.strip()
    if not line or line.startswith('#') or '=' not in line:
        return None
    key, value = line.split('=', 1)
    key = key.strip()
    return (key, _unquote(value)) if key else None


def parse_vz_config(text):
    """Return ``{KEY: value}`` from the text of an OpenVZ config file (first line of a key wins)."""
    values = {}
    for raw_line in text.splitlines():
        pair = _key_value(raw_line)
        if pair and pair[0] not in values:
            values[pair[0]] = pair[1]
    return values


def check_setting(key, value):
    """The value as text, or VzConfError for a key or value vz.conf cannot hold."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise VzConfError('Invalid vz.conf key %r: use an upper-case shell variable name such as VE_LAYOUT'
                          % (key,))
    if value is None:
        return None
    if isinstance(value, bool):
        value = 'yes' if value else 'no'
    if isinstance(value, (dict, list)):
        raise VzConfError('Invalid value for %s: give text or a number, not %s' % (key, type(value).__name__))
    text = str(value)
    for char in _UNSAFE_IN_VALUE:
        if char in text:
            raise VzConfError('Invalid value %r for %s: it must not contain %r, because shell scripts '
                              'source vz.conf and the value is written in double quotes' % (text, key, char))
    return text


def set_vz_config(text, settings):
    """Apply ``settings`` {KEY: text or None (remove)} to config ``text``.

    Returns (new text, changed keys, removed keys). Every line of a key whose value differs
    becomes ``KEY="value"`` (so duplicates agree); a missing key is appended; a key set to
    None loses its lines. All other lines, and keys already right, stay byte for byte.
    """
    lines = text.splitlines(True)
    changed, removed = [], []
    for key in sorted(settings):
        wanted = settings[key]
        found = [index for index, line in enumerate(lines) if (_key_value(line) or (None,))[0] == key]
        if wanted is None:
            if found:
                lines = [line for index, line in enumerate(lines) if index not in found]
                removed.append(key)
            continue
        new_line = '%s="%s"\n' % (key, wanted)
        if not found:
            if lines and not lines[-1].endswith('\n'):
                lines[-1] += '\n'
            lines.append(new_line)
            changed.append(key)
        elif any(_key_value(lines[index])[1] != wanted for index in found):
            for index in found:
                lines[index] = new_line
            changed.append(key)
    return ''.join(lines), changed, removed


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


def parse_netif(value, keys=NETIF_KEYS):
    """Parse a NETIF value into a list of dicts (any key order, keys not in ``keys``
    ignored).

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
            if key in keys and key not in device:
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


# ---- openvz.cloud.vz_conf -----------------------------------------------------------

VZ_CONF_ARGUMENT_SPEC = dict(
    path=dict(type='path', default=DEFAULT_VZ_CONF),
    settings=dict(type='dict', required=True),
)


def run_vz_conf_module(module):
    """openvz.cloud.vz_conf: returns the exit_json keyword arguments; VzConfError on bad
    settings or a missing file. The file is replaced through ``module.atomic_move``, which
    keeps its owner, mode and SELinux context."""
    from ansible_collections.openvz.cloud.plugins.module_utils.files import read_text, write_atomic
    path = module.params['path']
    settings = dict((key, check_setting(key, value)) for key, value in module.params['settings'].items())
    before = read_text(path)
    if before is None:
        raise VzConfError('%s does not exist or cannot be read: install vzctl (it ships vz.conf) first' % path)
    after, changed_keys, removed_keys = set_vz_config(before, settings)
    changed = after != before
    if changed and not module.check_mode:
        mode = os.stat(path).st_mode & 0o7777
        try:
            write_atomic(path, after, mode, mover=module.atomic_move)
        except (IOError, OSError) as exc:
            raise VzConfError('Cannot write %s: %s' % (path, exc))
    current = parse_vz_config(after)
    result = dict(changed=changed, path=path, changed_keys=changed_keys, removed_keys=removed_keys,
                  settings=dict((key, current[key]) for key in settings if key in current))
    if module._diff:
        result['diff'] = dict(before=before, after=after, before_header=path, after_header=path)
    return result


VZ_CONF_MODULE = ModuleDefinition(VZ_CONF_ARGUMENT_SPEC, run_vz_conf_module, errors=(VzConfError,),
                                  detail_params=('path',))
