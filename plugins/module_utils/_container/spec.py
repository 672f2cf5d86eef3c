# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user wants of a container: options, validation, normalised units, differences.

A ``ContainerSpec`` is checked and normalised (bytes, KB, canonical addresses, upper-case
MACs) before any command runs, so bad input changes nothing; ``differences`` compares it
with a host's state into named changes. It knows no OpenVZ command.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.openvz.cloud.plugins.module_utils import _validate, units
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._net import names

STATES = ('present', 'started', 'stopped', 'restarted', 'absent')
FEATURE_NAMES = ('sysfs', 'nfs', 'sit', 'ipip', 'ppp', 'ipgre', 'bridge', 'nfsd')
CAPABILITY_NAMES = (
    'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
    'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
    'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
    'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
    'lease', 'audit_write', 've_admin', 'setfcap')
# Settings that take effect on a running container only after a restart (vzctl(8), set).
RESTART_SETTINGS = ('features', 'capabilities')
# vzctl set --name: letters, digits, space and -+_. (vzctl src/lib/env.c, name checks).
NAME_CHARS = frozenset('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz +_.-')

NETIF_OPTIONS = dict(
    ifname=dict(type='str', required=True),
    mac=dict(type='str'),
    host_ifname=dict(type='str'),
    host_mac=dict(type='str'),
    bridge=dict(type='str'),
    network=dict(type='str'),
    vlan=dict(type='int'),
    trunk=dict(type='str'),
)

# Options of one container: the container module and each item of the containers list.
CONTAINER_OPTIONS = dict(
    ctid=dict(type='str'),
    name=dict(type='str'),
    state=dict(type='str', default='present', choices=list(STATES)),
    ostemplate=dict(type='str'),
    config=dict(type='str'),
    layout=dict(type='str', choices=['simfs', 'ploop']),
    private=dict(type='path'),
    root=dict(type='path'),
    ram=dict(type='str'),
    swap=dict(type='str'),
    cpus=dict(type='int'),
    cpuunits=dict(type='int'),
    cpulimit=dict(type='int'),
    diskspace=dict(type='str'),
    diskinodes=dict(type='str'),
    hostname=dict(type='str'),
    description=dict(type='str'),
    onboot=dict(type='bool'),
    nameservers=dict(type='list', elements='str'),
    searchdomains=dict(type='list', elements='str'),
    ipaddresses=dict(type='list', elements='str'),
    features=dict(type='dict'),
    capabilities=dict(type='dict'),
    root_password=dict(type='str', no_log=True),
    password_update=dict(type='str', default='on_create', choices=['on_create', 'always'],
                         no_log=False),
    netifs=dict(type='list', elements='dict', options=NETIF_OPTIONS,
                mutually_exclusive=[('bridge', 'vlan', 'network')],
                required_together=[('vlan', 'trunk')]),
    stop_timeout=dict(type='int'),
    force=dict(type='bool', default=False),
    restart_if_needed=dict(type='bool', default=False),
)

# ID allocation for containers given by name only.
ALLOCATION_OPTIONS = dict(
    ctid_range=dict(type='list', elements='int', default=[ids.CTID_MIN, ids.CTID_MAX]),
    lock_file=dict(type='path'),
)


class SpecError(ValueError):
    """The requested container spec is invalid; the message tells the user why."""


class ContainerSpec(dict):
    """One validated container request (a dict of normalised settings).

    ``id`` is the ContainerId asked for (None when only a name is given); ``resolved``
    is set by the manager to the ID the container has or gets.
    """

    def __init__(self, *args, **kwargs):
        super(ContainerSpec, self).__init__(*args, **kwargs)
        self.id = None
        self.resolved = None

    @property
    def label(self):
        if self.resolved is not None or self.id is not None:
            return 'container %s' % (self.resolved if self.resolved is not None else self.id)
        return 'container %r' % self.get('name')


def _bool_item(value, what):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('on', 'yes', 'true', '1'):
        return True
    if text in ('off', 'no', 'false', '0'):
        return False
    raise SpecError('Invalid %s value %r: use on or off' % (what, value))


def _onoff_dict(items, allowed, what):
    if items is None:
        return None
    result = {}
    for key, value in items.items():
        name = str(key).strip().lower()
        if name not in allowed:
            raise SpecError('Unknown %s %r; known: %s' % (what, key, ', '.join(allowed)))
        result[name] = _bool_item(value, what)
    return result


def vlan_bridge_name(trunk, vlan):
    """The VLAN bridge CloudStack names ``br<trunk>-<vlan>`` (from the network code)."""
    try:
        return names.vlan_bridge_name(trunk, vlan)
    except ValueError as exc:
        raise SpecError(str(exc))


def normalise_netifs(netifs):
    if netifs is None:
        return None
    seen = set()
    result = []
    for item in netifs:
        ifname = _validate.ifname(item.get('ifname'), 'netifs ifname', SpecError)
        if ifname in seen:
            raise SpecError('Duplicate ifname %r in netifs: each NIC needs its own name' % ifname)
        seen.add(ifname)
        nic = {'ifname': ifname}
        for key in ('mac', 'host_mac'):
            mac = _validate.mac_address(item.get(key), 'netifs %s of %s' % (key, ifname),
                                        SpecError)
            if mac:
                nic[key] = mac
        if item.get('host_ifname'):
            nic['host_ifname'] = _validate.ifname(item['host_ifname'],
                                                  'host_ifname of %s' % ifname, SpecError)
        if item.get('vlan') is not None:
            if not 1 <= item['vlan'] <= 4094:
                raise SpecError('Invalid vlan %s of %s: VLAN IDs are 1-4094'
                                % (item['vlan'], ifname))
            nic['vlan'] = item['vlan']
            nic['trunk'] = _validate.ifname(item.get('trunk'), 'trunk of %s' % ifname, SpecError)
            nic['bridge'] = vlan_bridge_name(nic['trunk'], nic['vlan'])
        elif item.get('bridge'):
            nic['bridge'] = _validate.ifname(item['bridge'], 'bridge of %s' % ifname, SpecError)
        elif item.get('network'):
            nic['network'] = _validate.network_name(item['network'], 'network of %s' % ifname,
                                                    SpecError)
        result.append(nic)
    return result


def _unique(items):
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


def _sizes(spec, params, label):
    try:
        for key in ('ram', 'swap'):
            spec[key + '_bytes'] = None
            if params.get(key) is not None:
                pages = units.parse_pages(params[key], what=key)
                spec[key + '_bytes'] = units.pages_to_bytes(pages)
        if spec['ram_bytes'] == 0:
            raise SpecError('%s: ram 0 would leave the container without memory; give a size '
                            'such as 512M (swap: 0 is valid)' % label)
        spec['diskspace_kb'] = None
        if params.get('diskspace') is not None:
            spec['diskspace_kb'] = list(units.parse_pair(params['diskspace'], units.parse_kb,
                                                         'diskspace'))
        spec['diskinodes'] = None
        if params.get('diskinodes') is not None:
            spec['diskinodes'] = list(units.parse_pair(params['diskinodes'], units.parse_count,
                                                       'diskinodes'))
    except units.UnitError as exc:
        raise SpecError('%s: %s' % (label, exc))


def _numbers(params):
    if params.get('cpuunits') is not None and not 8 <= params['cpuunits'] <= 500000:
        raise SpecError('Invalid cpuunits %s: vzctl accepts 8..500000' % params['cpuunits'])
    if params.get('cpus') is not None and params['cpus'] < 1:
        raise SpecError('Invalid cpus %s: at least 1' % params['cpus'])
    if params.get('cpulimit') is not None and params['cpulimit'] < 0:
        raise SpecError('Invalid cpulimit %s: a percentage, 0 for none' % params['cpulimit'])
    if params.get('stop_timeout') is not None and params['stop_timeout'] < 1:
        raise SpecError('stop_timeout must be at least 1 second')


def _texts(spec, params, label):
    name = params.get('name')
    if name is not None and (not name or not set(name) <= NAME_CHARS):
        raise SpecError("Invalid name %r: use letters, digits, space and '-+_.'" % (name,))
    if params.get('ostemplate') is not None:
        _validate.template_name(params['ostemplate'], error=SpecError)
    if params.get('config') is not None:
        _validate.template_name(params['config'], 'config sample name', SpecError)
    if params.get('hostname') is not None:
        _validate.hostname(params['hostname'], 'hostname of %s' % label, SpecError)
    if params.get('description') is not None:
        _validate.shell_safe(params['description'], 'description', SpecError)
    if params.get('ipaddresses') is not None:
        spec['ipaddresses'] = _unique([_validate.ip_address(ip, error=SpecError)
                                       for ip in params['ipaddresses']])
    if params.get('nameservers') is not None:
        spec['nameservers'] = [server if server == 'inherit' else
                               _validate.ip_address(server, 'nameserver', SpecError, 'refused')
                               for server in params['nameservers']]
    for domain in params.get('searchdomains') or []:
        if domain != 'inherit':
            _validate.hostname(domain, 'search domain', SpecError)


def normalise_spec(params):
    """Validate one container's parameters; returns a ContainerSpec (raises SpecError)."""
    spec = ContainerSpec((key, params.get(key)) for key in CONTAINER_OPTIONS)
    if params.get('ctid') is not None:
        try:
            spec.id = ids.ContainerId(params['ctid'])
        except ValueError as exc:
            raise SpecError(str(exc))
    spec['ctid'] = spec.id
    if spec.id is None and not params.get('name'):
        raise SpecError('Give ctid or name (or both) for every container')
    label = spec.label
    _texts(spec, params, label)
    _sizes(spec, params, label)
    _numbers(params)
    spec['features'] = _onoff_dict(params.get('features'), FEATURE_NAMES, 'feature')
    spec['capabilities'] = _onoff_dict(params.get('capabilities'), CAPABILITY_NAMES,
                                       'capability')
    spec['netifs'] = normalise_netifs(params.get('netifs'))
    return spec


def absent_spec(container_id, name):
    """The spec of a container to remove (the containers module's exclusive mode)."""
    spec = ContainerSpec(ctid=container_id, name=name, state='absent', force=True)
    spec.id = spec.resolved = container_id
    return spec


# -- spec against state: the named changes a backend turns into commands ---------------
Change = namedtuple('Change', 'name wanted current')

# (change name, spec and state key, how to compare); in the order commands take them.
COMPARED = (
    ('name', 'name', 'value'),
    ('hostname', 'hostname', 'value'),
    ('description', 'description', 'value'),
    ('onboot', 'onboot', 'value'),
    ('ram', 'ram_bytes', 'value'),
    ('swap', 'swap_bytes', 'value'),
    ('cpus', 'cpus', 'value'),
    ('cpuunits', 'cpuunits', 'value'),
    ('cpulimit', 'cpulimit', 'zero_is_unset'),
    ('diskspace', 'diskspace_kb', 'limit'),
    ('diskinodes', 'diskinodes', 'limit'),
    ('nameservers', 'nameservers', 'list'),
    ('searchdomains', 'searchdomains', 'list'),
    ('ipaddresses', 'ipaddresses', 'set'),
    ('features', 'features', 'onoff'),
    ('capabilities', 'capabilities', 'onoff'),
)
NETIF_EDITABLE = ('mac', 'host_ifname', 'host_mac', 'bridge', 'network')


def _netifs_differ(wanted, current):
    """Exact list: NICs not listed go; a listed NIC differs in a key it gives."""
    have = dict((nic['ifname'], nic) for nic in current)
    if set(have) != set(nic['ifname'] for nic in wanted):
        return True
    return any(nic.get(key) and nic[key] != have[nic['ifname']].get(key)
               for nic in wanted for key in NETIF_EDITABLE)


def differences(spec, state):
    """Changes that bring ``state`` to ``spec``; settings the spec leaves out are kept."""
    changes = []
    for name, key, kind in COMPARED:
        wanted = spec.get(key)
        if wanted is None:
            continue
        current = state.get(key)
        if kind == 'zero_is_unset':
            differs = wanted != (current or 0)
        elif kind == 'limit':
            differs = current is None or list(wanted) != list(current)
        elif kind == 'list':
            differs = list(wanted) != list(current or [])
        elif kind == 'set':
            differs = set(wanted) != set(current or [])
        elif kind == 'onoff':
            wanted = dict((item, value) for item, value in wanted.items()
                          if (current or {}).get(item) != value)
            differs = bool(wanted)
        else:
            differs = wanted != current
        if differs:
            changes.append(Change(name, wanted, current))
    if spec.get('netifs') is not None and _netifs_differ(spec['netifs'], state.get('netifs') or []):
        changes.append(Change('netifs', spec['netifs'], state.get('netifs') or []))
    return changes
