# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container specs: validation, normalisation, desired-vs-current diff, vzctl command plan.

A spec is checked and normalised (bytes, KB, canonical addresses, upper-case MACs) before
any command runs; the plan holds exactly the vzctl calls a real run makes, so check mode
reports the same ``actions`` and ``commands``. Values equal to the current ones are never
re-applied (vzctl itself does not compare).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
import re

from ansible.module_utils.six import text_type
from ansible_collections.openvz.cloud.plugins.module_utils import units, vzconf

CTID_MIN = 101
CTID_MAX = 2147483644
IFNAME_MAX = 15
STATES = ('present', 'started', 'stopped', 'restarted', 'absent')
FEATURE_NAMES = ('sysfs', 'nfs', 'sit', 'ipip', 'ppp', 'ipgre', 'bridge', 'nfsd')
CAPABILITY_NAMES = (
    'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
    'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
    'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
    'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
    'lease', 'audit_write', 've_admin', 'setfcap')
# Settings vzctl cannot change on a running container (openvz-cli.md section 1.2).
RESTART_KEYS = ('features', 'capabilities')
# Config values returned as they are written (the "originals" of the resources).
RAW_CONFIG_KEYS = ('PHYSPAGES', 'SWAPPAGES', 'DISKSPACE', 'DISKINODES', 'CPUUNITS', 'CPULIMIT',
                   'CPUS')

_TEMPLATE_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._+-]*$')
_NAME_RE = re.compile(r'^[0-9A-Za-z +_.-]+$')
_HOSTNAME_RE = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
                          r'(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$')
_MAC_RE = re.compile(r'^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$')
_IFNAME_RE = re.compile(r'^[A-Za-z0-9_.-]{1,15}$')
# vzctl writes values unescaped into KEY="..." lines that shell scripts source.
_SHELL_UNSAFE = ('"', '`', '$', '\\', '\n', '\r')

NETIF_OPTIONS = dict(
    ifname=dict(type='str', required=True),
    mac=dict(type='str'),
    host_ifname=dict(type='str'),
    host_mac=dict(type='str'),
    bridge=dict(type='str'),
    vlan=dict(type='int'),
    trunk=dict(type='str'),
)

# Options of one container, shared by the container module and the containers list items.
CONTAINER_OPTIONS = dict(
    ctid=dict(type='int'),
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
    password_update=dict(type='str', default='on_create', choices=['on_create', 'always']),
    netifs=dict(type='list', elements='dict', options=NETIF_OPTIONS,
                mutually_exclusive=[('bridge', 'vlan')], required_together=[('vlan', 'trunk')]),
    stop_timeout=dict(type='int'),
    force=dict(type='bool', default=False),
    restart_if_needed=dict(type='bool', default=False),
)

# Where configs and templates live (doc fragment openvz.cloud.openvz.host).
HOST_OPTIONS = dict(
    conf_dir=dict(type='path', default=vzconf.DEFAULT_CONF_DIR),
    vz_conf=dict(type='path', default=vzconf.DEFAULT_VZ_CONF),
)
# CTID allocation for containers given by name only.
ALLOCATION_OPTIONS = dict(
    ctid_range=dict(type='list', elements='int', default=[CTID_MIN, CTID_MAX]),
    lock_file=dict(type='path'),
)


class SpecError(ValueError):
    """The requested container spec is invalid; the message tells the user why."""


def _label(params):
    if params.get('ctid') is not None:
        return 'container %s' % params['ctid']
    if params.get('name'):
        return 'container %r' % params['name']
    return 'container'


def validate_ctid(ctid):
    if ctid is None:
        return None
    if isinstance(ctid, bool) or not isinstance(ctid, int):
        raise SpecError('Invalid ctid %r: expected an integer' % (ctid,))
    if ctid < CTID_MIN or ctid > CTID_MAX:
        raise SpecError('Invalid ctid %s: container IDs must be between %d and %d (IDs up to 100 '
                        'are reserved, 0 is the host)' % (ctid, CTID_MIN, CTID_MAX))
    return ctid


def validate_ctid_range(id_range):
    if not id_range or len(id_range) != 2:
        raise SpecError('ctid_range must be a list of two integers [first, last]')
    first, last = validate_ctid(id_range[0]), validate_ctid(id_range[1])
    if first > last:
        raise SpecError('ctid_range %r: the first ID is above the last' % (id_range,))
    return first, last


def validate_template_name(name, what='ostemplate'):
    if not _TEMPLATE_RE.match(name) or '..' in name:
        raise SpecError("Invalid %s %r: use a template cache name without '/' or '..' (letters, "
                        "digits, '.', '_', '+', '-'), e.g. centos-7-x86_64-minimal" % (what, name))
    return name


def _check_shell_safe(value, what):
    for char in _SHELL_UNSAFE:
        if char in value:
            raise SpecError('Invalid %s %r: it must not contain %r, because vzctl writes it '
                            'unescaped into the container config, which shell scripts source'
                            % (what, value, char))
    return value


def _bool_item(value, what):
    if isinstance(value, bool):
        return value
    text = text_type(value).strip().lower()
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
        name = text_type(key).strip().lower()
        if name not in allowed:
            raise SpecError('Unknown %s %r; known: %s' % (what, key, ', '.join(allowed)))
        result[name] = _bool_item(value, what)
    return result


def canonical_ip(value):
    """``address[/prefix]`` in vzctl's canonical form; refuses anything else."""
    text = text_type(value).strip()
    address, sep, prefix = text.partition('/')
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise SpecError('Invalid IP address %r' % (value,))
    if sep:
        if not prefix.isdigit() or int(prefix) > parsed.max_prefixlen:
            raise SpecError('Invalid prefix in IP address %r' % (value,))
        return '%s/%d' % (parsed.compressed, int(prefix))
    return parsed.compressed


def _mac(value, what):
    if value is None or value == '':
        return None
    if not _MAC_RE.match(value):
        raise SpecError('Invalid %s %r: expected six hex pairs separated by colons, e.g. '
                        '00:18:51:AA:BB:CC' % (what, value))
    return value.upper()


def _ifname(value, what):
    if value is None or value == '':
        return None
    if not _IFNAME_RE.match(value):
        raise SpecError('Invalid %s %r: interface names are 1-%d characters of letters, digits, '
                        "'.', '_' and '-'" % (what, value, IFNAME_MAX))
    return value


def vlan_bridge_name(trunk, vlan):
    """Name of the VLAN bridge (CloudStack naming), from the shared network code."""
    from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
    try:
        return net_runtime.vlan_bridge_name(trunk, vlan)
    except ValueError as exc:
        raise SpecError(text_type(exc))


def normalise_netifs(netifs):
    if netifs is None:
        return None
    seen = set()
    result = []
    for item in netifs:
        ifname = _ifname(item.get('ifname'), 'netifs ifname')
        if not ifname:
            raise SpecError('Every entry of netifs needs an ifname')
        if ifname in seen:
            raise SpecError('Duplicate ifname %r in netifs: each NIC needs its own name' % ifname)
        seen.add(ifname)
        nic = {'ifname': ifname}
        for key in ('mac', 'host_mac'):
            mac = _mac(item.get(key), 'netifs %s of %s' % (key, ifname))
            if mac:
                nic[key] = mac
        host_ifname = _ifname(item.get('host_ifname'), 'host_ifname of %s' % ifname)
        if host_ifname:
            nic['host_ifname'] = host_ifname
        if item.get('vlan') is not None:
            vlan = item['vlan']
            if vlan < 1 or vlan > 4094:
                raise SpecError('Invalid vlan %s of %s: VLAN IDs are 1-4094' % (vlan, ifname))
            trunk = _ifname(item.get('trunk'), 'trunk of %s' % ifname)
            nic['vlan'] = vlan
            nic['trunk'] = trunk
            nic['bridge'] = vlan_bridge_name(trunk, vlan)
        elif item.get('bridge'):
            nic['bridge'] = _ifname(item['bridge'], 'bridge of %s' % ifname)
        result.append(nic)
    return result


def normalise_spec(params):
    """Validate one container's parameters; returns the normalised spec (raises SpecError)."""
    label = _label(params)
    spec = dict((key, params.get(key)) for key in CONTAINER_OPTIONS)
    spec['ctid'] = validate_ctid(params.get('ctid'))
    if spec['ctid'] is None and not params.get('name'):
        raise SpecError('Give ctid or name (or both) for every container')
    if params.get('name') is not None and not _NAME_RE.match(params['name']):
        raise SpecError("Invalid name %r: use letters, digits, space and '-+_.'"
                        % (params['name'],))
    if params.get('ostemplate') is not None:
        validate_template_name(params['ostemplate'])
    if params.get('config') is not None:
        validate_template_name(params['config'], what='config sample name')
    if params.get('hostname') is not None and not _HOSTNAME_RE.match(params['hostname']):
        raise SpecError('Invalid hostname %r for %s: use a DNS name (letters, digits, "-", '
                        'dots); it is passed literally, never through a shell'
                        % (params['hostname'], label))
    if params.get('description') is not None:
        _check_shell_safe(params['description'], 'description')
    try:
        for key in ('ram', 'swap'):
            spec[key + '_bytes'] = None
            if params.get(key) is not None:
                size = units.parse_size(params[key], what=key)
                spec[key + '_bytes'] = units.pages_to_bytes(units.bytes_to_pages(size))
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
    if params.get('cpuunits') is not None and not 8 <= params['cpuunits'] <= 500000:
        raise SpecError('Invalid cpuunits %s: vzctl accepts 8..500000' % params['cpuunits'])
    if params.get('cpus') is not None and params['cpus'] < 1:
        raise SpecError('Invalid cpus %s: at least 1' % params['cpus'])
    if params.get('cpulimit') is not None and params['cpulimit'] < 0:
        raise SpecError('Invalid cpulimit %s: a percentage, 0 for none' % params['cpulimit'])
    if params.get('ipaddresses') is not None:
        spec['ipaddresses'] = _unique([canonical_ip(ip) for ip in params['ipaddresses']])
    if params.get('nameservers') is not None:
        spec['nameservers'] = [ns if ns == 'inherit' else canonical_ip(ns)
                               for ns in params['nameservers']]
    if params.get('searchdomains') is not None:
        for domain in params['searchdomains']:
            if domain != 'inherit' and not _HOSTNAME_RE.match(domain):
                raise SpecError('Invalid search domain %r' % (domain,))
    spec['features'] = _onoff_dict(params.get('features'), FEATURE_NAMES, 'feature')
    spec['capabilities'] = _onoff_dict(params.get('capabilities'), CAPABILITY_NAMES,
                                       'capability')
    spec['netifs'] = normalise_netifs(params.get('netifs'))
    if params.get('stop_timeout') is not None and params['stop_timeout'] < 1:
        raise SpecError('stop_timeout must be at least 1 second')
    return spec


def _unique(items):
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


def current_view(record, conf):
    """Current state: the normalised vzlist record plus what only the config holds."""
    current = dict(record)
    conf = conf or {}
    # vzlist shows an unset limit as 0; the config tells unset from 0.
    for key, conf_key in (('ram_bytes', 'PHYSPAGES'), ('swap_bytes', 'SWAPPAGES')):
        if conf:
            current[key] = _config_limit_bytes(conf.get(conf_key))
    if 'IP_ADDRESS' in conf:
        current['ipaddresses'] = _configured_ips(conf['IP_ADDRESS'])
    else:
        current['ipaddresses'] = list(record.get('ip') or [])
    if 'NAMESERVER' in conf:
        current['nameservers'] = vzconf.split_list(conf['NAMESERVER'])
    if 'SEARCHDOMAIN' in conf:
        current['searchdomains'] = vzconf.split_list(conf['SEARCHDOMAIN'])
    current['netifs'] = vzconf.parse_netif(conf.get('NETIF'))
    current['config'] = dict((key, conf[key]) for key in RAW_CONFIG_KEYS if key in conf)
    return current


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
            result.append(canonical_ip(item))
        except SpecError:
            result.append(item)
    return [ip for ip in result if ip.split('/')[0] not in ('0.0.0.0', '::')]


class Step(object):
    """One host action: a vzctl call (``args`` after the binary) or a VLAN bridge."""

    def __init__(self, verb, args=None, secret=None, bridge=None):
        self.verb = verb
        self.args = [text_type(arg) for arg in (args or [])]
        self.secret = secret
        self.bridge = bridge

    def display(self):
        """The argv as shown to users: secrets masked."""
        if self.secret is None:
            return list(self.args)
        return [arg.replace(self.secret, '********') for arg in self.args]


class Plan(object):
    def __init__(self, ctid):
        self.ctid = ctid
        self.steps = []
        self.restart_needed = False
        self.vlan_bridges = []
        self.creates = False
        # the state the settings are diffed against (None when removing)
        self.base = None

    def add(self, verb, args=None, secret=None):
        self.steps.append(Step(verb, args, secret=secret))


def size_arg(size):
    return units.format_bytes(size)


def pair_arg(pair, to_text):
    soft, hard = pair
    return '%s:%s' % (to_text(soft), to_text(hard))


def kb_text(kb):
    if kb == units.UNLIMITED:
        return 'unlimited'
    return units.format_bytes(kb * 1024)


def count_text(count):
    return 'unlimited' if count == units.UNLIMITED else str(count)


def _same_limit(wanted, current):
    return current is not None and list(wanted) == list(current)


def settings_args(spec, current):
    """Options of one ``vzctl set`` for the scalar settings that differ; + changed keys."""
    current = current or {}
    args = []
    changed = []

    def differs(key, wanted, have):
        if wanted is None or wanted == have:
            return False
        changed.append(key)
        return True

    if differs('name', spec.get('name'), current.get('name')):
        args += ['--name', spec['name']]
    if differs('hostname', spec.get('hostname'), current.get('hostname')):
        args += ['--hostname', spec['hostname']]
    if differs('description', spec.get('description'), current.get('description')):
        args += ['--description', spec['description']]
    if differs('onboot', spec.get('onboot'), current.get('onboot')):
        args += ['--onboot', 'yes' if spec['onboot'] else 'no']
    if differs('ram', spec.get('ram_bytes'), current.get('ram_bytes')):
        args += ['--ram', size_arg(spec['ram_bytes'])]
    if differs('swap', spec.get('swap_bytes'), current.get('swap_bytes')):
        args += ['--swap', size_arg(spec['swap_bytes'])]
    if differs('cpus', spec.get('cpus'), current.get('cpus')):
        args += ['--cpus', spec['cpus']]
    if differs('cpuunits', spec.get('cpuunits'), current.get('cpuunits')):
        args += ['--cpuunits', spec['cpuunits']]
    if spec.get('cpulimit') is not None and spec['cpulimit'] != (current.get('cpulimit') or 0):
        changed.append('cpulimit')
        args += ['--cpulimit', spec['cpulimit']]
    wanted_disk = spec.get('diskspace_kb')
    if wanted_disk and not _same_limit(wanted_disk, current.get('diskspace_kb')):
        changed.append('diskspace')
        args += ['--diskspace', pair_arg(spec['diskspace_kb'], kb_text)]
    if spec.get('diskinodes') and not _same_limit(spec['diskinodes'], current.get('diskinodes')):
        changed.append('diskinodes')
        args += ['--diskinodes', pair_arg(spec['diskinodes'], count_text)]
    if differs('nameservers', spec.get('nameservers'), current.get('nameservers') or []):
        for server in spec['nameservers']:
            args += ['--nameserver', server]
    if differs('searchdomains', spec.get('searchdomains'), current.get('searchdomains') or []):
        for domain in spec['searchdomains']:
            args += ['--searchdomain', domain]
    if spec.get('ipaddresses') is not None:
        have = current.get('ipaddresses') or []
        extra = [ip for ip in have if ip not in spec['ipaddresses']]
        missing = [ip for ip in spec['ipaddresses'] if ip not in have]
        if extra or missing:
            changed.append('ipaddresses')
        for ip in extra:
            args += ['--ipdel', ip]
        for ip in missing:
            args += ['--ipadd', ip]
    for key, option in (('features', '--features'), ('capabilities', '--capability')):
        wanted = spec.get(key)
        if not wanted:
            continue
        have = current.get(key) or {}
        items = ['%s:%s' % (name, 'on' if wanted[name] else 'off')
                 for name in sorted(wanted) if have.get(name) != wanted[name]]
        if items:
            changed.append(key)
            args += [option, ','.join(items)]
    return args, changed


def netif_steps(ctid, wanted, current):
    """NIC changes as separate ``vzctl set`` calls: deletions, in-place edits, additions.

    Exact list semantics: NICs not listed are removed. Existing MACs and host names are
    kept unless given; a NIC without bridge keeps its bridge.
    """
    steps = []
    have = dict((nic['ifname'], nic) for nic in current)
    wanted_names = [nic['ifname'] for nic in wanted]
    for nic in current:
        if nic['ifname'] not in wanted_names:
            steps.append(['--netif_del', nic['ifname']])
    for nic in wanted:
        existing = have.get(nic['ifname'])
        if existing is None:
            fields = [nic['ifname'], nic.get('mac', ''), nic.get('host_ifname', ''),
                      nic.get('host_mac', ''), nic.get('bridge', '')]
            while fields and fields[-1] == '':
                fields.pop()
            steps.append(['--netif_add', ','.join(fields)])
            continue
        edits = []
        for key in ('mac', 'host_ifname', 'host_mac', 'bridge'):
            if nic.get(key) and nic[key] != existing.get(key):
                edits += ['--%s' % key, nic[key]]
        if edits:
            steps.append(['--ifname', nic['ifname']] + edits)
    return [['set', ctid] + step + ['--save'] for step in steps]


class HostContext(object):
    """What the planner reads on the host besides vzlist: global config and samples."""

    def __init__(self, conf_dir, vz_conf_path):
        self.conf_dir = conf_dir
        self.global_conf = vzconf.read_vz_config(vz_conf_path)

    def ct_conf(self, ctid):
        return vzconf.read_vz_config(vzconf.ctid_conf_path(ctid, self.conf_dir))

    def sample_path(self, sample):
        return os.path.join(self.conf_dir, 've-%s.conf-sample' % sample)

    def template_cache_dir(self):
        return os.path.join(self.global_conf.get('TEMPLATE') or '/vz/template', 'cache')

    def template_exists(self, name):
        base = os.path.join(self.template_cache_dir(), name)
        return any(os.path.isfile(base + suffix)
                   for suffix in ('.tar', '.tar.gz', '.tar.bz2', '.tar.xz'))


def _has_vswap_limit(value):
    if not value:
        return False
    try:
        limit = units.parse_ubc_pages(value)[1]
    except units.UnitError:
        return False
    return limit not in (units.UNLIMITED, units.INT_MAX)


def check_vswap(set_args, ct_conf, global_conf, label):
    """vzctl refuses any set when PHYSPAGES has a limit but SWAPPAGES is nowhere (rc 28).

    ``set_args`` are the options of every planned ``vzctl set``; none means no check.
    """
    if not set_args:
        return
    ram_given = '--ram' in set_args
    swap_given = '--swap' in set_args
    physpages = ram_given or _has_vswap_limit(ct_conf.get('PHYSPAGES')) or \
        _has_vswap_limit(global_conf.get('PHYSPAGES'))
    swappages = swap_given or 'SWAPPAGES' in ct_conf or 'SWAPPAGES' in global_conf
    if physpages and not swappages:
        raise SpecError('%s: ram is set but swap is not set anywhere (neither in the task nor in '
                        'the container or global config); vzctl refuses this on VSwap kernels '
                        '(rc 28, "required UB parameter (swap) not set"). Give swap too, '
                        'e.g. swap: 0' % label)


def create_args(ctid, spec, host):
    """``vzctl create`` options, after checking template, sample and ploop disk space."""
    label = 'container %s' % ctid
    template = spec.get('ostemplate') or host.global_conf.get('DEF_OSTEMPLATE')
    if not template:
        raise SpecError('%s does not exist: give ostemplate to create it' % label)
    validate_template_name(template)
    if not host.template_exists(template):
        raise SpecError('%s: OS template %r not found in %s (expected %s.tar, .tar.gz, .tar.bz2 '
                        'or .tar.xz)' % (label, template, host.template_cache_dir(), template))
    sample = spec.get('config') or host.global_conf.get('CONFIGFILE')
    sample_conf = {}
    if sample:
        path = host.sample_path(sample)
        if not os.path.isfile(path):
            raise SpecError('%s: config sample %s not found' % (label, path))
        sample_conf = vzconf.read_vz_config(path)
    layout = spec.get('layout') or host.global_conf.get('VE_LAYOUT') or 'ploop'
    if layout.startswith('ploop') and not (spec.get('diskspace_kb') or
                                           sample_conf.get('DISKSPACE') or
                                           host.global_conf.get('DISKSPACE')):
        raise SpecError('%s: a ploop container needs diskspace (not set in the task, the '
                        'sample or vz.conf)' % label)
    args = ['create', ctid]
    if spec.get('ostemplate'):
        args += ['--ostemplate', spec['ostemplate']]
    for key in ('config', 'layout', 'private', 'root', 'hostname', 'name', 'description'):
        if spec.get(key):
            args += ['--%s' % key, spec[key]]
    if spec.get('diskspace_kb'):
        args += ['--diskspace', pair_arg(spec['diskspace_kb'], kb_text)]
    if spec.get('diskinodes'):
        args += ['--diskinodes', pair_arg(spec['diskinodes'], count_text)]
    for ip in spec.get('ipaddresses') or []:
        args += ['--ipadd', ip]
    return args, sample_conf


def created_view(spec):
    """A just-created container as the planner sees it: only the create options are known,
    so every other given setting follows in one ``set`` (check mode predicts the same)."""
    return {
        'hostname': spec.get('hostname'), 'description': spec.get('description'),
        'name': spec.get('name'), 'ipaddresses': list(spec.get('ipaddresses') or []),
        'diskspace_kb': spec.get('diskspace_kb'), 'diskinodes': spec.get('diskinodes'),
        'ostemplate': spec.get('ostemplate'), 'layout': spec.get('layout'),
        'netifs': [], 'status': 'stopped',
    }


def plan_container(spec, current, host, ctid):
    """Ordered host actions that bring container ``ctid`` from ``current`` to ``spec``.

    ``current`` is None for a container that does not exist.
    """
    plan = Plan(ctid)
    state = spec['state']
    label = 'container %s' % ctid
    running = bool(current) and current.get('status') == 'running'
    if state == 'absent':
        if current is not None:
            if running:
                plan.add('stop', ['stop', ctid])
            plan.add('destroy', ['destroy', ctid])
        return plan

    if spec.get('netifs'):
        for nic in spec['netifs']:
            if nic.get('vlan') is not None and (nic['trunk'], nic['vlan']) not in plan.vlan_bridges:
                plan.vlan_bridges.append((nic['trunk'], nic['vlan']))

    if current is None:
        args, sample_conf = create_args(ctid, spec, host)
        plan.add('create', args)
        plan.creates = True
        base = created_view(spec)
        ct_conf = sample_conf
    else:
        base = current
        ct_conf = host.ct_conf(ctid)
        if state == 'stopped' and running:
            plan.add('stop', ['stop', ctid])
            running = False

    plan.base = base
    set_args, changed = settings_args(spec, base)
    if set_args:
        plan.add('set', ['set', ctid] + set_args + ['--save'])
    if spec.get('netifs') is not None:
        nic_steps = netif_steps(ctid, spec['netifs'], base.get('netifs') or [])
        if nic_steps:
            changed.append('netifs')
        for args in nic_steps:
            plan.add('set', args)
    if spec.get('root_password') and (plan.creates or spec.get('password_update') == 'always'):
        plan.add('userpasswd', ['set', ctid, '--userpasswd', 'root:%s' % spec['root_password']],
                 secret=spec['root_password'])
    all_set_args = []
    for step in plan.steps:
        if step.verb in ('set', 'userpasswd'):
            all_set_args += step.args[2:]
    check_vswap(all_set_args, ct_conf, host.global_conf, label)

    needs_restart = running and any(key in changed for key in RESTART_KEYS)
    if state == 'restarted':
        plan.add('restart' if running else 'start', ['restart' if running else 'start', ctid])
    elif state == 'started' and not running:
        plan.add('start', ['start', ctid])
    elif needs_restart:
        if spec.get('restart_if_needed'):
            plan.add('restart', ['restart', ctid])
        else:
            plan.restart_needed = True
    return plan


def predicted_view(spec, plan):
    """The container as the plan leaves it (check mode and diff)."""
    if spec['state'] == 'absent':
        return None
    view = dict(plan.base or {})
    view['ctid'] = plan.ctid
    for key in ('name', 'hostname', 'description', 'onboot', 'cpus', 'cpuunits', 'cpulimit',
                'nameservers', 'searchdomains', 'ipaddresses', 'diskspace_kb', 'diskinodes',
                'ostemplate', 'layout'):
        if spec.get(key) is not None:
            view[key] = spec[key]
    for key in ('ram_bytes', 'swap_bytes'):
        if spec.get(key) is not None:
            view[key] = spec[key]
    for key in ('features', 'capabilities'):
        if spec.get(key):
            merged = dict(view.get(key) or {})
            merged.update(spec[key])
            view[key] = merged
    if spec.get('netifs') is not None:
        have = dict((nic['ifname'], nic) for nic in view.get('netifs') or [])
        nics = []
        for nic in spec['netifs']:
            merged = dict(have.get(nic['ifname'], {}))
            merged.update(dict((k, v) for k, v in nic.items() if k in vzconf.NETIF_KEYS))
            nics.append(merged)
        view['netifs'] = nics
    status = view.get('status') or 'stopped'
    for step in plan.steps:
        if step.verb in ('start', 'restart'):
            status = 'running'
        elif step.verb == 'stop':
            status = 'stopped'
    view['status'] = status
    return view


DIFF_KEYS = ('ctid', 'name', 'status', 'hostname', 'description', 'onboot', 'ram', 'swap', 'cpus',
             'cpuunits', 'cpulimit', 'diskspace', 'diskinodes', 'ipaddresses', 'nameservers',
             'searchdomains', 'features', 'capabilities', 'netifs')


def public_view(view):
    """The documented ``container`` return shape (bytes plus human and config originals)."""
    if view is None:
        return {}
    disk = view.get('diskspace_kb')
    result = {
        'ctid': view.get('ctid'), 'name': view.get('name'), 'hostname': view.get('hostname'),
        'description': view.get('description'), 'status': view.get('status'),
        'ostemplate': view.get('ostemplate'), 'layout': view.get('layout'),
        'private': view.get('private'), 'root': view.get('root'), 'onboot': view.get('onboot'),
        'ram_bytes': view.get('ram_bytes'), 'swap_bytes': view.get('swap_bytes'),
        'ram': _human(view.get('ram_bytes')), 'swap': _human(view.get('swap_bytes')),
        'cpus': view.get('cpus'), 'cpuunits': view.get('cpuunits'),
        'cpulimit': view.get('cpulimit'),
        'diskspace': pair_arg(disk, kb_text) if disk and None not in disk else None,
        'diskspace_soft_bytes': _kb_bytes(disk[0]) if disk else None,
        'diskspace_bytes': _kb_bytes(disk[1]) if disk else None,
        'diskinodes': view.get('diskinodes'),
        'ipaddresses': view.get('ipaddresses', view.get('ip')) or [],
        'nameservers': view.get('nameservers') or [],
        'searchdomains': view.get('searchdomains') or [],
        'features': view.get('features') or {}, 'capabilities': view.get('capabilities') or {},
        'netifs': view.get('netifs') or [],
        'config': view.get('config') or {},
        'usage': view.get('usage') or {},
    }
    return result


def _human(size):
    return None if size is None else units.format_bytes(size)


def _kb_bytes(kb):
    if kb is None or kb == units.UNLIMITED:
        return kb
    return kb * 1024


def volume_view(view):
    """The private area presented as the container's (fake) volume."""
    if not view:
        return {}
    disk = view.get('diskspace_kb')
    usage = view.get('usage') or {}
    return {
        'path': view.get('private'), 'layout': view.get('layout'),
        'size_limit_bytes': _kb_bytes(disk[1]) if disk else None,
        'bytes_used': usage.get('disk_used_bytes'),
    }


def diff_view(view):
    public = public_view(view)
    return dict((key, public.get(key)) for key in DIFF_KEYS) if view else {}
