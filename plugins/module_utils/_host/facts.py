# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What CloudStack discovery learns about a host, read from /proc, /sys and /etc.

Every file is read through a HostRoot so unit tests can point it at a fixture tree; the
commands (``vzctl --version``, ``vzlist -a -1``, ``ip``) go through a runner.
References: CloudStack's scripts/vm/hypervisor/versions.sh (Host.OS strings), the KVM agent's
LibvirtComputingResource (CPU, memory, the private interface whose address makes the guid);
OpenVZ detection from /proc/vz and vzctl(8).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import re
import uuid

from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner
from ansible_collections.openvz.cloud.plugins.module_utils.vzconf import DEFAULT_CONF_DIR

_LEGACY_KERNEL_RE = re.compile(r'-\d{3}stab\d+')
_VZ7_KERNEL_RE = re.compile(r'\.vz7\.')
_VZCTL_LEGACY_RE = re.compile(r'^vzctl version (\S+)')
_VZCTL_VZ7_RE = re.compile(r'^vzctl v\.(\S+)')
CTID_CONF_RE = re.compile(r'^([0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.conf$')


class HostRoot(object):
    """Resolves absolute host paths under a root prefix (``/`` on a real host, a fixture tree in tests)."""

    def __init__(self, root='/'):
        self.root = root or '/'

    def path(self, logical):
        if self.root == '/':
            return logical
        return os.path.join(self.root, logical.lstrip('/'))

    def exists(self, logical):
        return os.path.exists(self.path(logical))

    def read_text(self, logical):
        """File content, or None when it does not exist or cannot be read."""
        try:
            with open(self.path(logical), 'rb') as handle:
                return handle.read().decode('utf-8', 'replace')
        except (IOError, OSError):
            return None

    def listdir(self, logical):
        try:
            return sorted(os.listdir(self.path(logical)))
        except OSError:
            return []


def cloudstack_guid(text):
    """UUID v3 of the raw string with no namespace (Java UUID.nameUUIDFromBytes)."""
    return str(uuid.UUID(bytes=hashlib.md5(text.encode('utf-8')).digest(), version=3))


# ---- CPU and memory -------------------------------------------------------

def parse_cpuinfo(text):
    """Processor blocks of /proc/cpuinfo as a list of {key: value} dicts."""
    blocks = []
    current = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        key, sep, value = line.partition(':')
        if sep:
            current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return [block for block in blocks if 'processor' in block]


def _read_int(host, logical):
    text = host.read_text(logical)
    try:
        return int(text.strip()) if text is not None else None
    except ValueError:
        return None


def _sysfs_topology(host, cpu_numbers):
    """{cpu: (package, core)} from /sys topology files, or None when they are missing."""
    topology = {}
    for cpu in cpu_numbers:
        base = '/sys/devices/system/cpu/cpu%s/topology/' % cpu
        package = _read_int(host, base + 'physical_package_id')
        core = _read_int(host, base + 'core_id')
        if package is None or core is None:
            return None
        topology[cpu] = (package, core)
    return topology


def cpu_facts(host):
    """Sockets, cores, threads, speed (MHz) and model of the host CPUs."""
    processors = parse_cpuinfo(host.read_text('/proc/cpuinfo') or '')
    threads = len(processors)
    numbers = [block['processor'] for block in processors]
    topology = _sysfs_topology(host, numbers) if numbers else None
    if topology:
        pairs = set(topology.values())
        topology_source = 'sysfs'
    elif processors and all('physical id' in block and 'core id' in block for block in processors):
        pairs = set((block['physical id'], block['core id']) for block in processors)
        topology_source = 'cpuinfo'
    else:
        pairs = set((0, number) for number in numbers)
        topology_source = 'assumed'
    sockets = len(set(package for package, _core in pairs)) or None
    # CloudStack's KVM agent prefers cpufreq's maximum, then what the CPU reports.
    max_khz = _read_int(host, '/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq')
    if max_khz:
        speed, speed_source = max_khz // 1000, 'cpufreq'
    else:
        speeds = [float(block['cpu MHz']) for block in processors if _is_number(block.get('cpu MHz'))]
        speed, speed_source = (int(round(max(speeds))), 'cpuinfo') if speeds else (None, None)
    model = processors[0].get('model name') if processors else None
    return {
        'sockets': sockets, 'cores': len(pairs) or None, 'threads': threads or None,
        'cores_per_socket': len(pairs) // sockets if sockets else None,
        'speed_mhz': speed, 'speed_source': speed_source, 'model': model,
        'topology_source': topology_source,
        'flags': sorted((processors[0].get('flags') or '').split()) if processors else [],
    }


def _is_number(text):
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def parse_meminfo(text):
    """/proc/meminfo as {key: bytes} (kB values converted)."""
    values = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(':')
        parts = rest.split()
        if not sep or not parts or not parts[0].isdigit():
            continue
        amount = int(parts[0])
        values[key.strip()] = amount * 1024 if len(parts) > 1 and parts[1] == 'kB' else amount
    return values


def memory_facts(host):
    meminfo = parse_meminfo(host.read_text('/proc/meminfo') or '')
    return {
        'total_bytes': meminfo.get('MemTotal'),
        'free_bytes': meminfo.get('MemFree'),
        'available_bytes': meminfo.get('MemAvailable'),
        'swap_total_bytes': meminfo.get('SwapTotal'),
        'swap_free_bytes': meminfo.get('SwapFree'),
    }


# ---- Host.OS strings (scripts/vm/hypervisor/versions.sh) -------------------

def _echo_words(text):
    """What unquoted ``echo ${VAR}`` prints: words joined by single spaces."""
    return ' '.join(text.split())


def _lsb_value(text, key):
    # grep KEY | tr "\n" ' ' | sed s/.*=//  : every matching line joined, then text after the last '='.
    joined = ' '.join(line for line in text.splitlines() if key in line)
    if joined:
        joined += ' '
    return _echo_words(joined.rsplit('=', 1)[-1])


def _os_release_quoted(text, key):
    match = re.search(r'^%s="([^"\n]*)"' % re.escape(key), text, re.MULTILINE)
    return match.group(1) if match else ''


def host_os(host):
    """Host.OS and Host.OS.Version as CloudStack's versions.sh prints them."""
    redhat = host.read_text('/etc/redhat-release')
    if redhat is not None:
        lines = [line.split() for line in redhat.splitlines()]
        # awk '{print $1}' per line, then awk '{print $3,$4}' | grep -o "[0-9.]*".
        name = _echo_words(' '.join(fields[0] for fields in lines if fields))
        version_words = []
        for fields in lines:
            version_words.extend(re.findall(r'[0-9.]+', ' '.join(fields[2:4])))
        return {'os': name, 'version': ' '.join(version_words), 'source': '/etc/redhat-release'}
    lsb = host.read_text('/etc/lsb-release')
    if lsb is not None:
        return {'os': _lsb_value(lsb, 'DISTRIB_ID'), 'version': _lsb_value(lsb, 'DISTRIB_RELEASE'),
                'source': '/etc/lsb-release'}
    os_release = host.read_text('/etc/os-release')
    if os_release is not None:
        return {'os': _os_release_quoted(os_release, 'NAME'),
                'version': _os_release_quoted(os_release, 'VERSION_ID'), 'source': '/etc/os-release'}
    return {'os': 'Unknown Linux', 'version': 'X.Y', 'source': None}


def kernel_release(host):
    """``uname -r``: /proc/sys/kernel/osrelease, or this process's kernel when it is unreadable."""
    text = host.read_text('/proc/sys/kernel/osrelease')
    if text and text.strip():
        return text.strip()
    return os.uname()[2]


# ---- OpenVZ detection (/proc/vz, /proc/bc, vzctl --version) ----------------

def kernel_flavour(release):
    if _VZ7_KERNEL_RE.search(release or ''):
        return 'openvz7'
    if _LEGACY_KERNEL_RE.search(release or ''):
        return 'legacy'
    return None


def parse_vzctl_version(text):
    """(flavour, version) from ``vzctl --version`` output, (None, None) when unknown."""
    for line in (text or '').splitlines():
        line = line.strip()
        match = _VZCTL_VZ7_RE.match(line)
        if match:
            return 'openvz7', match.group(1)
        match = _VZCTL_LEGACY_RE.match(line)
        if match:
            return 'legacy', match.group(1)
    return None, None


def _env_id(host):
    for line in (host.read_text('/proc/self/status') or '').splitlines():
        if line.startswith('envID:'):
            value = line.split(':', 1)[1].strip()
            return int(value) if value.isdigit() else value
    return None


def openvz_facts(host, release, vzctl_path=None, vzlist_path=None, vzctl_version_output=None):
    """Hypervisor facts with the evidence each conclusion rests on."""
    evidence = {
        'proc_vz': host.exists('/proc/vz'),
        'proc_vz_version': host.exists('/proc/vz/version'),
        'proc_vz_veinfo': host.exists('/proc/vz/veinfo'),
        'proc_bc': host.exists('/proc/bc'),
        'proc_user_beancounters': host.exists('/proc/user_beancounters'),
        'proc_lve': host.exists('/proc/lve'),
        'env_id': _env_id(host),
        'kernel_release': release,
        'kernel_pattern': kernel_flavour(release),
        'vzctl': vzctl_path,
        'vzlist': vzlist_path,
    }
    cli_flavour, vzctl_version = parse_vzctl_version(vzctl_version_output)
    openvz_kernel = evidence['proc_vz'] and not evidence['proc_lve']
    kernel_is_host = openvz_kernel and (evidence['proc_vz_version'] or evidence['proc_bc']) \
        and evidence['env_id'] in (0, None)
    if openvz_kernel and kernel_is_host:
        role = 'host'
    elif openvz_kernel and evidence['proc_vz_veinfo'] and not evidence['proc_vz_version']:
        role = 'container'
    else:
        role = None
    return {
        'type': 'openvz',
        'flavour': cli_flavour or evidence['kernel_pattern'],
        'vzctl_version': vzctl_version,
        'openvz_kernel': bool(openvz_kernel),
        'kernel_role': role,
        'is_host': bool(kernel_is_host and vzctl_path and vzlist_path),
        'tools_installed': bool(vzctl_path and vzlist_path),
        'evidence': evidence,
    }


def dispatcher_facts(runner, flavour):
    """OpenVZ 7/9: prlctl and whether prl-disp-service answers it; None on other lines.

    prlctl logs in to the dispatcher before any command and exits 253 when it cannot
    connect (OpenVZ/prlctl src/PrlSrv.cpp ``PrlSrv::login``, src/Utils.cpp
    ``prlerr2exitcode``); a light ``prlctl list`` shows it.
    """
    if flavour != 'openvz7':
        return None
    prlctl_path = runner.find('prlctl', required=False)
    if not prlctl_path:
        return {'prlctl': None, 'running': None, 'rc': None, 'message': 'prlctl not found'}
    result = runner.run([prlctl_path, 'list', '-a', '-o', 'uuid', '-j'], check=False)
    message = None if result.rc == 0 else (result.stderr.strip() or result.stdout.strip())
    return {'prlctl': prlctl_path, 'running': result.rc == 0, 'rc': result.rc, 'message': message}


# ---- containers and network -------------------------------------------------

def count_vzlist_ids(stdout):
    """Number of CT ids in ``vzlist -a -1`` output (blank output = none)."""
    return len([line for line in stdout.splitlines() if line.strip()])


def count_container_configs(host, conf_dir=DEFAULT_CONF_DIR):
    """Container configs in the conf directory, 0.conf excluded."""
    count = 0
    for name in host.listdir(conf_dir):
        match = CTID_CONF_RE.match(name)
        if match and match.group(1) != '0':
            count += 1
    return count


def prefix_to_netmask(prefix):
    bits = (0xffffffff << (32 - prefix)) & 0xffffffff if prefix else 0
    return '.'.join(str((bits >> shift) & 0xff) for shift in (24, 16, 8, 0))


def split_lines_at(text, marker):
    """(fields before, fields after) the field ``marker`` of each line that has it."""
    for line in text.splitlines():
        fields = line.split()
        if marker in fields:
            index = fields.index(marker)
            yield fields[:index], fields[index + 1:]


def parse_ip_addr_oneline(text):
    """IPv4 addresses from ``ip -o -4 addr show`` as [{address, prefix, netmask}]."""
    addresses = []
    for _before, after in split_lines_at(text, 'inet'):
        if not after:
            continue
        address, _sep, prefix = after[0].partition('/')
        prefix = int(prefix) if prefix.isdigit() else 32
        addresses.append({'address': address, 'prefix': prefix, 'netmask': prefix_to_netmask(prefix)})
    return addresses


def interface_mac(host, name):
    text = host.read_text('/sys/class/net/%s/address' % name)
    return text.strip() if text else None


# ---- the whole report ---------------------------------------------------------

class HostFactsError(Exception):
    """A fact could not be gathered; carries the command details for fail_json."""

    def __init__(self, msg, **details):
        super(HostFactsError, self).__init__(msg)
        self.details = details

    def fail_kwargs(self):
        return dict(self.details, msg=str(self))


def management_interface(runner, host, name):
    """IPv4 address, netmask and MAC of the management bridge (or NIC)."""
    result = runner.run([runner.find('ip'), '-o', '-4', 'addr', 'show', 'dev', name], check=False)
    if result.rc != 0:
        raise HostFactsError('Management interface %s was not found: %s'
                             % (name, result.stderr.strip() or result.stdout.strip()),
                             cmd=result.cmd, rc=result.rc, stdout=result.stdout, stderr=result.stderr)
    addresses = parse_ip_addr_oneline(result.stdout)
    first = addresses[0] if addresses else {}
    return {
        'interface': name, 'ip': first.get('address'), 'netmask': first.get('netmask'),
        'prefix': first.get('prefix'), 'mac': interface_mac(host, name), 'addresses': addresses,
    }


def container_count(runner, host, vzlist_path, warn):
    """(count, source): from ``vzlist -a -1`` when it runs, else from the config files."""
    if vzlist_path:
        result = runner.run([vzlist_path, '-a', '-1'], check=False)
        if result.rc == 0:
            return count_vzlist_ids(result.stdout), 'vzlist'
        warn('%s failed (rc %d); counting container configs instead' % (' '.join(result.cmd), result.rc))
    return count_container_configs(host), 'configs'


def collect(runner, host, management_bridge=None, guid_address=None, bridges_loader=None, warn=None):
    """Everything host_info reports. ``bridges_loader(runner)`` lists bridges when given;
    ``warn(text)`` gets the warnings (``module.warn``)."""
    release = kernel_release(host)
    vzctl_path = runner.find('vzctl', required=False)
    vzlist_path = runner.find('vzlist', required=False)
    version_output = None
    if vzctl_path:
        result = runner.run([vzctl_path, '--version'], check=False)
        version_output = result.stdout + '\n' + result.stderr
    hypervisor = openvz_facts(host, release, vzctl_path, vzlist_path, version_output)
    hypervisor['dispatcher'] = dispatcher_facts(runner, hypervisor['flavour'])
    os_facts = host_os(host)
    private = management_interface(runner, host, management_bridge) if management_bridge else None
    guid_source = guid_address or (private or {}).get('ip')
    count, count_source = container_count(runner, host, vzlist_path, warn or (lambda text: None))
    return {
        'hypervisor': hypervisor,
        'cpu': cpu_facts(host),
        'memory': memory_facts(host),
        'os': {'name': os_facts['os'], 'version': os_facts['version'], 'kernel': release,
               'source': os_facts['source']},
        'details': {'Host.OS': os_facts['os'], 'Host.OS.Version': os_facts['version'],
                    'Host.OS.Kernel.Version': release},
        'guid': cloudstack_guid(guid_source) if guid_source else None,
        'guid_address': guid_source,
        'private': private,
        'bridges': bridges_loader(runner) if bridges_loader else None,
        'container_count': count,
        'container_count_source': count_source,
    }


HOST_INFO_ARGUMENT_SPEC = dict(
    management_bridge=dict(type='str'),
    guid_address=dict(type='str'),
    gather_bridges=dict(type='bool', default=True),
    root=dict(type='path', default='/'),
)


def _load_bridges(runner):
    # Imported here: only host_info's bridge report needs the network code.
    from ansible_collections.openvz.cloud.plugins.module_utils._net.ip import list_bridges
    return list_bridges(runner)


def run_host_info(module):
    """openvz.cloud.host_info: the ``exit_json`` arguments."""
    params = module.params
    host = collect(ModuleRunner(module), HostRoot(params['root']), params['management_bridge'],
                   params['guid_address'], _load_bridges if params['gather_bridges'] else None,
                   warn=module.warn)
    return dict(changed=False, host=host)


HOST_INFO_MODULE = ModuleDefinition(HOST_INFO_ARGUMENT_SPEC, run_host_info, errors=(HostFactsError,))
