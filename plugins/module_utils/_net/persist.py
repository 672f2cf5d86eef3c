# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persistent bridges and VLANs: ifcfg files (OpenVZ 7, VzLinux, CentOS) and ifupdown stanzas (Debian).

ifupdown stanzas drive iproute2 from pre-up/post-down hooks, so they need neither
bridge-utils nor the vlan package. Files are written through a temp file and
``AnsibleModule.atomic_move``, so they keep their SELinux context.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re

from ansible_collections.openvz.cloud.plugins.module_utils.files import read_text, write_atomic as write_file_atomic

IFCFG = 'ifcfg'
IFUPDOWN = 'ifupdown'
DEFAULT_DIRS = {IFCFG: '/etc/sysconfig/network-scripts', IFUPDOWN: '/etc/network/interfaces.d'}
IFUPDOWN_MAIN = '/etc/network/interfaces'
HEADER = '# Managed by openvz.cloud.%s; local edits are overwritten.\n'
# Keys of an existing port ifcfg file that identify the NIC and survive a rewrite.
KEPT_PORT_KEYS = ('HWADDR', 'UUID', 'NAME')

PERSIST_ARGUMENT_SPEC = dict(
    persistent=dict(type='bool', default=True),
    config_system=dict(type='str', default='auto', choices=['auto', IFCFG, IFUPDOWN]),
    config_dir=dict(type='path'),
)


def with_persist_options(argument_spec):
    """A module's argument spec plus the persistence options."""
    return dict(argument_spec, **PERSIST_ARGUMENT_SPEC)


class PersistError(Exception):
    pass


def detect_system(root='/'):
    """ifcfg when network-scripts exists, else ifupdown when /etc/network/interfaces exists."""
    if os.path.isdir(os.path.join(root, DEFAULT_DIRS[IFCFG].lstrip('/'))):
        return IFCFG
    if os.path.isfile(os.path.join(root, IFUPDOWN_MAIN.lstrip('/'))):
        return IFUPDOWN
    return None


def resolve(params, root='/'):
    """(system, directory) from config_system/config_dir; PersistError when undetectable."""
    system = params['config_system']
    if system == 'auto':
        system = detect_system(root)
        if system is None:
            raise PersistError('Cannot tell the network configuration system: neither %s nor %s exists. '
                               'Set config_system: (ifcfg or ifupdown), or persistent: false'
                               % (DEFAULT_DIRS[IFCFG], IFUPDOWN_MAIN))
    return system, params.get('config_dir') or DEFAULT_DIRS[system]


# ---- ifcfg ------------------------------------------------------------------------

def parse_ifcfg(text):
    values = {}
    for line in (text or '').splitlines():
        match = re.match(r'^\s*([A-Za-z0-9_]+)=(.*)$', line)
        if match:
            values[match.group(1)] = match.group(2).strip().strip('"\'')
    return values


def _ifcfg(owner, pairs):
    return HEADER % owner + ''.join('%s=%s\n' % (key, value) for key, value in pairs if value is not None)


def ifcfg_bridge(spec, owner='bridge'):
    """``ifcfg-<bridge>``: spec has name, stp, forward_delay, mtu, ipv6, address, gateway."""
    address, prefix = (spec['address'].split('/') if spec.get('address') else (None, None))
    return _ifcfg(owner, [
        ('DEVICE', spec['name']), ('TYPE', 'Bridge'), ('ONBOOT', 'yes'),
        ('BOOTPROTO', 'none'), ('NM_CONTROLLED', 'no'),
        ('STP', None if spec.get('stp') is None else ('yes' if spec['stp'] else 'no')),
        ('DELAY', spec.get('forward_delay')), ('MTU', spec.get('mtu')),
        ('IPV6INIT', 'no' if spec.get('ipv6') is False else None),
        ('IPADDR', address), ('PREFIX', prefix), ('GATEWAY', spec.get('gateway')),
    ])


def ifcfg_port(port, bridge, existing_text=None, owner='bridge', vlan=False):
    """``ifcfg-<port>`` enslaved to ``bridge`` (None: a plain unconfigured NIC); keeps HWADDR/UUID/NAME."""
    existing = parse_ifcfg(existing_text)
    pairs = [('DEVICE', port)]
    pairs += [(key, existing.get(key)) for key in KEPT_PORT_KEYS]
    if vlan:
        pairs.append(('VLAN', 'yes'))
    pairs += [('ONBOOT', 'yes'), ('BOOTPROTO', 'none'), ('NM_CONTROLLED', 'no'), ('BRIDGE', bridge)]
    if vlan:
        pairs.append(('IPV6INIT', 'no'))
    return _ifcfg(owner, pairs)


# ---- ifupdown ---------------------------------------------------------------------

def _stanza(owner, name, method, options):
    lines = [HEADER % owner, 'auto %s\n' % name, 'iface %s inet %s\n' % (name, method)]
    lines += ['    %s\n' % option for option in options]
    return ''.join(lines)


def _create_if_missing(name, create):
    return 'pre-up [ -d /sys/class/net/%s ] || ip link add %s' % (name, create)


def _ipv6_off(name):
    return 'pre-up echo 1 > /proc/sys/net/ipv6/conf/%s/disable_ipv6' % name


def ifupdown_bridge(spec, owner='bridge'):
    """``interfaces.d/<bridge>``: the bridge, its ports, STP, MTU, IPv6 and address."""
    name = spec['name']
    options = [_create_if_missing(name, 'name %s type bridge' % name)]
    stp_args = []
    if spec.get('stp') is not None:
        stp_args += ['stp_state', '1' if spec['stp'] else '0']
    if spec.get('forward_delay') is not None:
        stp_args += ['forward_delay', str(spec['forward_delay'] * 100)]
    if stp_args:
        options.append('pre-up ip link set dev %s type bridge %s' % (name, ' '.join(stp_args)))
    if spec.get('ipv6') is False:
        options.append(_ipv6_off(name))
    for port in spec.get('ports') or []:
        options.append('pre-up ip link set dev %s master %s' % (port, name))
        options.append('pre-up ip link set dev %s up' % port)
    if spec.get('mtu'):
        options.append('pre-up ip link set dev %s mtu %s' % (name, spec['mtu']))
    if spec.get('address'):
        options = ['address %s' % spec['address']] + (
            ['gateway %s' % spec['gateway']] if spec.get('gateway') else []) + options
    options.append('post-down ip link del dev %s' % name)
    return _stanza(owner, name, 'static' if spec.get('address') else 'manual', options)


def ifupdown_vlan(trunk, vid, device, bridge, owner='vlan'):
    """``interfaces.d/<bridge>``: modifyvlan.sh's steps at boot (VLAN device, bridge, IPv6 off, enslave)."""
    options = [
        'pre-up ip link set dev %s up' % trunk,
        _create_if_missing(device, 'link %s name %s type vlan id %d' % (trunk, device, vid)),
        _ipv6_off(device),
        'pre-up ip link set dev %s up' % device,
        _create_if_missing(bridge, 'name %s type bridge' % bridge),
        _ipv6_off(bridge),
        'pre-up ip link set dev %s master %s' % (device, bridge),
        'post-down ip link del dev %s' % device,
        'post-down ip link del dev %s' % bridge,
    ]
    return _stanza(owner, bridge, 'manual', options)


def foreign_stanzas(names, main_path=None, directory=None, own_files=()):
    """``(name, file)`` for each ``iface <name>`` stanza outside our own files."""
    paths = [main_path or IFUPDOWN_MAIN]
    if directory and os.path.isdir(directory):
        paths += [os.path.join(directory, entry) for entry in sorted(os.listdir(directory))]
    found = []
    for path in paths:
        if path in own_files:
            continue
        for line in (read_text(path) or '').splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] == 'iface' and words[1] in names:
                found.append((words[1], path))
    return found


def sources_directory(directory, main_path=None):
    """True when /etc/network/interfaces sources ``directory`` (or cannot be read: no warning then)."""
    text = read_text(main_path or IFUPDOWN_MAIN)
    if text is None:
        return True
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ('source', 'source-directory') and \
                words[1].rstrip('/*').rstrip('/') == directory.rstrip('/'):
            return True
    return False


# ---- files ------------------------------------------------------------------------

def plan_files(wanted):
    """``wanted`` {path: text or None (delete)} -> list of changes {path, before, after}."""
    changes = []
    for path in sorted(wanted):
        before = read_text(path)
        after = wanted[path]
        if before != after and not (before is None and after is None):
            changes.append({'path': path, 'before': before, 'after': after})
    return changes


def apply_files(changes, mover=None):
    """Write or delete each changed file; ``mover`` as for ``files.write_atomic``."""
    for change in changes:
        if change['after'] is None:
            try:
                os.unlink(change['path'])
            except OSError as exc:
                raise PersistError('Cannot remove %s: %s' % (change['path'], exc))
        else:
            write_atomic(change['path'], change['after'], mover=mover)


def write_atomic(path, text, mode=0o644, mover=None):
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        write_file_atomic(path, text, mode, mover=mover)
    except (IOError, OSError) as exc:
        raise PersistError('Cannot write %s: %s' % (path, exc))


def file_diffs(changes):
    """Ansible diff entries, one per file."""
    return [{'before_header': change['path'], 'after_header': change['path'],
             'before': change['before'] or '', 'after': change['after'] or ''} for change in changes]


def runtime_diff(header, before, after, changes=()):
    """The diff of a runtime record (JSON text) followed by the file diffs."""
    return [{'before_header': header, 'after_header': header, 'before': _record_text(before),
             'after': _record_text(after)}] + file_diffs(changes)


def _record_text(record):
    return '' if record is None else json.dumps(record, indent=2, sort_keys=True) + '\n'


# ---- what each module writes --------------------------------------------------------

def _ifcfg_path(directory, name):
    return os.path.join(directory, 'ifcfg-%s' % name)


def _ports_of_in_ifcfg(directory, bridge):
    """Names whose ifcfg file in ``directory`` says BRIDGE=<bridge>."""
    names = []
    if os.path.isdir(directory):
        for entry in sorted(os.listdir(directory)):
            if entry.startswith('ifcfg-'):
                values = parse_ifcfg(read_text(os.path.join(directory, entry)))
                if values.get('BRIDGE') == bridge:
                    names.append(values.get('DEVICE') or entry[len('ifcfg-'):])
    return names


def bridge_files(system, directory, spec, present=True):
    """{path: text or None} for a bridge. ``spec``: name, ports, stp, forward_delay, mtu, ipv6, address, gateway."""
    name = spec['name']
    if system == IFUPDOWN:
        return {os.path.join(directory, name): ifupdown_bridge(spec) if present else None}
    files = {_ifcfg_path(directory, name): ifcfg_bridge(spec) if present else None}
    ports = (spec.get('ports') or []) if present else []
    for port in ports:
        path = _ifcfg_path(directory, port)
        files[path] = ifcfg_port(port, name, read_text(path))
    # Ports no longer in the bridge keep their file, without BRIDGE=.
    for port in _ports_of_in_ifcfg(directory, name):
        if port not in ports:
            path = _ifcfg_path(directory, port)
            files[path] = ifcfg_port(port, None, read_text(path))
    return files


def vlan_files(system, directory, trunk, vid, device, bridge, present=True):
    """{path: text or None} for a VLAN device and its bridge."""
    if system == IFUPDOWN:
        return {os.path.join(directory, bridge): ifupdown_vlan(trunk, vid, device, bridge) if present else None}
    return {
        _ifcfg_path(directory, device): ifcfg_port(device, bridge, owner='vlan', vlan=True) if present else None,
        _ifcfg_path(directory, bridge): ifcfg_bridge({'name': bridge, 'ipv6': False}, owner='vlan') if present else None,
    }


def persist(module, params, files_for, ifupdown_names=()):
    """Plan (and outside check mode write) the files; returns (changes, system, directory).

    ``files_for(system, directory)`` returns {path: text or None}. Warns when an ifupdown
    host would not read the files or configures the same interfaces elsewhere.
    """
    system, directory = resolve(params)
    wanted = files_for(system, directory)
    if system == IFUPDOWN:
        if not sources_directory(directory):
            module.warn('%s does not source %s: add "source %s/*" or the files written here are not read at boot'
                        % (IFUPDOWN_MAIN, directory, directory))
        for name, path in foreign_stanzas(ifupdown_names, directory=directory, own_files=list(wanted)):
            module.warn('%s is also configured in %s; change that stanza to "iface %s inet manual" (or remove it) '
                        'so a reboot does not configure it twice' % (name, path, name))
    changes = plan_files(wanted)
    if not module.check_mode:
        apply_files(changes, mover=module.atomic_move)
    return changes, system, directory
