"""vzctl set/create option parsing and the config keys they write (sections 1.2, 4.4)."""

import ipaddress
import os
import re
from collections import OrderedDict

from . import units
from .netif import (
    NETIF_KEYS, VZ7_NETIF_KEYS, NetifError, check_mac, complete_device, format_netif, parse_netif, parse_netif_add)

CAPABILITIES = (
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP "
    "LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK "
    "IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN "
    "SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE "
    "VE_ADMIN SETFCAP").split()
FEATURES = ("sysfs", "nfs", "sit", "ipip", "ppp", "ipgre", "bridge", "nfsd")
NETFILTER_MODES = ("disabled", "stateless", "stateful", "full")
NAME_RE = re.compile(r"^[0-9A-Za-z \-+_.]+$")

# Config keys in the order vzctl writes appended lines (section 4.3)
KEY_ORDER = list(units.UBC_KEYS) + (
    "VM_OVERCOMMIT CAPABILITY IP_ADDRESS NETDEV NETIF HOSTNAME DESCRIPTION NAMESERVER "
    "SEARCHDOMAIN IPV6 DEVICES DEVNODES PCI VE_ROOT VE_PRIVATE TEMPLATE MOUNT_OPTS "
    "VE_LAYOUT OSTEMPLATE CPUUNITS CPUWEIGHT CPULIMIT CPUS CPUMASK NODEMASK ONBOOT "
    "BOOTORDER DISABLED ORIGIN_SAMPLE CONFIGFILE LOCAL_UID LOCAL_GID DISK_QUOTA DISKSPACE "
    "DISKINODES QUOTATIME QUOTAUGIDLIMIT MEMINFO IPTABLES NETFILTER FEATURES NAME VEID "
    "IOPRIO IOLIMIT IOPSLIMIT STOP_TIMEOUT").split()


class BadValue(Exception):
    """A value vzctl rejects; lines are printed before 'Bad parameter ...' (or instead)."""

    def __init__(self, lines=(), bad_parameter=True):
        Exception.__init__(self)
        self.lines = list(lines)
        self.bad_parameter = bad_parameter


def _yes_no(value):
    if value not in ("yes", "no"):
        raise BadValue()
    return value


def _int_range(low, high):
    def check(value):
        if not re.match(r"^\d+$", value) or not low <= int(value) <= high:
            raise BadValue()
        return str(int(value))
    return check


def _unsigned(value):
    return _int_range(0, units.LONG_MAX)(value)


def _string(value):
    return value


def _cpumask(value):
    if value != "all" and value != "auto" and not re.match(r"^\d+(-\d+)?(,\d+(-\d+)?)*$", value):
        raise BadValue()
    return value


def _netfilter(value):
    if value not in NETFILTER_MODES:
        raise BadValue()
    return value


def _vm_overcommit(value):
    try:
        number = float(value)
    except ValueError:
        raise BadValue()
    if number < 0:
        raise BadValue()
    return "%g" % number


def _meminfo(value):
    if value != "none" and not re.match(r"^(pages|privvmpages):\d+$", value):
        raise BadValue()
    return value


def _iolimit(value):
    match = re.match(r"^(\d+)([KMGkmg]?)$", value)
    if not match:
        raise BadValue()
    multiplier = {"": 1024 * 1024, "K": 1024, "M": 1024 * 1024, "G": 1024 ** 3}
    return str(int(match.group(1)) * multiplier[match.group(2).upper()])


# option -> (config key, value check, what applying it on a running CT means)
SIMPLE_OPTIONS = {
    "onboot": ("ONBOOT", _yes_no, None),
    "disabled": ("DISABLED", _yes_no, None),
    "diskquota": ("DISK_QUOTA", _yes_no, "diskquota"),
    "description": ("DESCRIPTION", _string, None),
    "hostname": ("HOSTNAME", _string, "configure"),
    "cpuunits": ("CPUUNITS", _int_range(8, 500000), "cpu"),
    "cpuweight": ("CPUWEIGHT", _unsigned, "cpu"),
    "cpus": ("CPUS", _unsigned, "cpu"),
    "cpumask": ("CPUMASK", _cpumask, "cpu"),
    "nodemask": ("NODEMASK", _cpumask, "cpu"),
    "ioprio": ("IOPRIO", _int_range(0, 7), "io"),
    "iolimit": ("IOLIMIT", _iolimit, "io"),
    "iopslimit": ("IOPSLIMIT", _unsigned, "io"),
    "bootorder": ("BOOTORDER", _unsigned, None),
    "stop-timeout": ("STOP_TIMEOUT", _unsigned, None),
    "quotatime": ("QUOTATIME", _unsigned, None),
    "quotaugidlimit": ("QUOTAUGIDLIMIT", _unsigned, "ugidlimit"),
    "mount_opts": ("MOUNT_OPTS", _string, "mount_opts"),
    "netfilter": ("NETFILTER", _netfilter, "netfilter"),
    "iptables": ("IPTABLES", _string, "iptables"),
    "ostemplate": ("OSTEMPLATE", _string, None),
    "root": ("VE_ROOT", _string, None),
    "private": ("VE_PRIVATE", _string, None),
    "meminfo": ("MEMINFO", _meminfo, None),
    "devices": ("DEVICES", _string, None),
    "devnodes": ("DEVNODES", _string, None),
    "vm_overcommit": ("VM_OVERCOMMIT", _vm_overcommit, None),
    "local_uid": ("LOCAL_UID", _unsigned, None),
    "local_gid": ("LOCAL_GID", _unsigned, None),
    "netdev_add": ("NETDEV", _string, None),
}
UBC_OPTIONS = dict((key.lower(), key) for key in units.UBC_KEYS)
ARG_OPTIONS = set(SIMPLE_OPTIONS) | set(UBC_OPTIONS) | set((
    "applyconfig", "applyconfig_map", "capability", "ipadd", "ip", "ipdel", "netdev_del",
    "nameserver", "searchdomain", "userpasswd", "pci_add", "pci_del", "noatime", "cpulimit",
    "setmode", "diskspace", "diskinodes", "netif_add", "netif_del", "mac_filter", "mac",
    "ifname", "host_mac", "host_ifname", "bridge", "name", "features", "ram", "swap"))
FLAG_OPTIONS = ("save", "force", "reset_ub", "skip_arpdetect", "offline-resize")
SET_LONGOPTS = dict([(name, True) for name in ARG_OPTIONS] + [(name, False) for name in FLAG_OPTIONS])


def canonical_ip(text):
    """Canonical 'addr[/prefix]'; None for the ignored 0.0.0.0 / ::."""
    address, _slash, prefix = text.partition("/")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise BadValue()
    if prefix:
        if not prefix.isdigit() or int(prefix) > parsed.max_prefixlen:
            raise BadValue()
    if parsed.is_unspecified:
        return None
    return str(parsed) + ("/" + str(int(prefix)) if prefix else "")


def ip_address_part(text):
    return text.partition("/")[0]


class SetRequest(object):
    """What one vzctl set (or create) command line asks for."""

    def __init__(self):
        self.save = False
        self.save_cancelled = False       # set by errors after which vzctl drops --save
        self.force = False
        self.setmode = None
        self.reset_ub = False
        self.offline_resize = False
        self.applyconfig = None
        self.values = OrderedDict()       # simple keys -> value
        self.given_options = []           # option names in command-line order
        self.categories = set()
        self.ubc = OrderedDict()          # KEY -> (barrier, limit)
        self.ip_add = []
        self.ip_del = []
        self.ip_del_all = False
        self.nameservers = None
        self.searchdomains = None
        self.capabilities = OrderedDict()
        self.features = OrderedDict()
        self.netif_add = []
        self.netif_del = []
        self.netif_del_all = False
        self.netif_edit_ifname = None
        self.netif_edit = OrderedDict()
        self.name = None
        self.userpasswd = []
        self.diskspace = None
        self.diskinodes = None
        self.cpulimit = None

    def has_changes(self):
        return bool(self.values or self.ubc or self.ip_add or self.ip_del or self.ip_del_all
                    or self.nameservers is not None or self.searchdomains is not None
                    or self.capabilities or self.features or self.netif_changes()
                    or self.name is not None or self.diskspace or self.diskinodes
                    or self.cpulimit is not None or self.applyconfig)

    def netif_changes(self):
        return bool(self.netif_add or self.netif_del or self.netif_del_all or self.netif_edit)

    def option_count(self):
        return len(self.given_options)


def parse_capabilities(value):
    result = OrderedDict()
    for token in value.replace(" ", ",").split(","):
        if not token:
            continue
        name, sep, state = token.partition(":")
        if not sep or state not in ("on", "off"):
            raise BadValue(["Can't parse capability %s (expecting capname:on|off)" % token], False)
        if name.upper() not in CAPABILITIES:
            raise BadValue(["Capability %s is unknown" % name], False)
        result[name.upper()] = state
    return result


def parse_features(value):
    result = OrderedDict()
    for token in value.replace(" ", ",").split(","):
        if not token:
            continue
        name, sep, state = token.partition(":")
        if not sep or state not in ("on", "off") or name.lower() not in FEATURES:
            raise BadValue(["Warning: Unknown feature: %s" % token])
        result[name.lower()] = state
    return result


def host_cpu_count():
    return os.cpu_count() or 1


def apply_option(req, option, value):
    """Record one option of vzctl set; raises BadValue."""
    req.given_options.append(option)
    if option in SIMPLE_OPTIONS:
        key, check, category = SIMPLE_OPTIONS[option]
        req.values[key] = check(value)
        if category:
            req.categories.add(category)
    elif option in UBC_OPTIONS:
        key = UBC_OPTIONS[option]
        try:
            req.ubc[key] = units.parse_barrier_limit(value, units.UBC_KIND[key])
        except units.UnitError:
            raise BadValue()
        req.categories.add("ubc")
    elif option in ("ram", "swap"):
        try:
            pages = units.bytes_to_pages(units.parse_size_bytes(value))
        except units.UnitError:
            raise BadValue()
        req.ubc["PHYSPAGES" if option == "ram" else "SWAPPAGES"] = (0, pages)
        req.categories.add("ubc")
    elif option == "save":
        req.save = True
    elif option == "force":
        req.force = True
    elif option == "reset_ub":
        req.reset_ub = True
    elif option == "offline-resize":
        req.offline_resize = True
    elif option == "setmode":
        if value not in ("restart", "ignore"):
            raise BadValue()
        req.setmode = value
    elif option == "applyconfig":
        req.applyconfig = value
    elif option in ("ipadd", "ip"):
        address = canonical_ip(value)
        if address:
            req.ip_add.append(address)
        req.categories.add("net")
    elif option == "ipdel":
        if value == "all":
            req.ip_del_all = True
        else:
            address = canonical_ip(value)
            if address:
                req.ip_del.append(address)
        req.categories.add("net")
    elif option in ("nameserver", "searchdomain"):
        items = [] if value == "inherit" else value.split()
        if option == "nameserver":
            for item in items:
                canonical_ip(item)
            req.nameservers = (req.nameservers or []) + (["inherit"] if value == "inherit" else items)
        else:
            req.searchdomains = (req.searchdomains or []) + (["inherit"] if value == "inherit" else items)
        req.categories.add("configure")
    elif option == "cpulimit":
        match = re.match(r"^(\d+)(%?)$", value)
        if not match or (match.group(2) and int(match.group(1)) > 100):
            raise BadValue()
        number = int(match.group(1))
        req.cpulimit = number * host_cpu_count() if match.group(2) else number
        req.categories.add("cpu")
    elif option == "diskspace":
        try:
            req.diskspace = units.parse_diskspace(value)
        except units.UnitError:
            raise BadValue()
    elif option == "diskinodes":
        try:
            req.diskinodes = units.parse_diskinodes(value)
        except units.UnitError:
            raise BadValue()
    elif option == "capability":
        req.capabilities.update(parse_capabilities(value))
        req.categories.add("capability")
    elif option == "features":
        req.features.update(parse_features(value))
        req.categories.add("features")
    elif option == "netif_add":
        try:
            req.netif_add.extend(parse_netif_add(value))
        except NetifError as exc:
            raise BadValue([str(exc)], False)
        req.categories.add("veth")
    elif option == "netif_del":
        if value == "all":
            req.netif_del_all = True
        else:
            req.netif_del.append(value)
        req.categories.add("veth")
    elif option == "ifname":
        req.netif_edit_ifname = value
    elif option in ("mac", "host_mac", "host_ifname", "bridge", "mac_filter"):
        if option in ("mac", "host_mac"):
            try:
                check_mac(value, host=(option == "host_mac"))
            except NetifError as exc:
                raise BadValue([str(exc)], False)
            value = value.upper()
        if option == "mac_filter" and value not in ("on", "off"):
            raise BadValue()
        req.netif_edit[option] = value
        req.categories.add("veth")
    elif option == "name":
        req.name = value
    elif option == "userpasswd":
        if ":" not in value:
            raise BadValue()
        req.userpasswd.append(value)
    # skip_arpdetect, noatime, applyconfig_map, netdev_del, pci_*: accepted, no effect


def merged_ip_list(old_value, req):
    """IP_ADDRESS after --ipdel then --ipadd (deduplicated on the address)."""
    addresses = [] if req.ip_del_all else (old_value or "").split()
    deleted = set(ip_address_part(item) for item in req.ip_del)
    addresses = [item for item in addresses if ip_address_part(item) not in deleted]
    for item in req.ip_add:
        addresses = [old for old in addresses if ip_address_part(old) != ip_address_part(item)]
        addresses.append(item)
    return addresses


def merged_capabilities(old_value, req):
    states = {}
    for token in (old_value or "").split():
        name, _colon, state = token.partition(":")
        if name.upper() in CAPABILITIES and state in ("on", "off"):
            states[name.upper()] = state
    states.update(req.capabilities)
    return " ".join("%s:%s" % (name, states[name]) for name in CAPABILITIES if name in states)


def merged_features(old_value, req):
    states = {}
    for token in (old_value or "").replace(",", " ").split():
        name, _colon, state = token.partition(":")
        if name.lower() in FEATURES and state in ("on", "off"):
            states[name.lower()] = state
    states.update(req.features)
    return " ".join("%s:%s" % (name, states[name]) for name in FEATURES if name in states)


def merged_netif(old_value, req, ctid, host_mac, style="legacy"):
    """(all devices after the change, devices added) - completed with MACs."""
    devices = [complete_device(dev, ctid, host_mac, style) for dev in parse_netif(old_value)]
    if req.netif_del_all:
        devices = []
    devices = [dev for dev in devices if dev["ifname"] not in req.netif_del]
    added = []
    for new in req.netif_add:
        completed = complete_device(new, ctid, host_mac, style)
        for index, dev in enumerate(devices):
            if dev["ifname"] == new["ifname"]:
                devices[index] = completed
                break
        else:
            devices.append(completed)
        added.append(completed)
    if req.netif_edit_ifname and req.netif_edit:
        for index, dev in enumerate(devices):
            if dev["ifname"] == req.netif_edit_ifname:
                edited = dict(dev)
                edited.update(req.netif_edit)
                devices[index] = edited
    return devices, added


def config_updates(req, config, ctid, host_mac, style="legacy"):
    """OrderedDict KEY -> value that --save writes, in vzctl's key order."""
    old = config.get if config is not None else (lambda key, default=None: default)
    updates = dict(req.values)
    for key, (barrier, limit) in req.ubc.items():
        updates[key] = units.format_barrier_limit(barrier, limit)
    if req.ip_add or req.ip_del or req.ip_del_all:
        updates["IP_ADDRESS"] = " ".join(merged_ip_list(old("IP_ADDRESS"), req))
    if req.nameservers is not None:
        updates["NAMESERVER"] = " ".join(req.nameservers)
    if req.searchdomains is not None:
        updates["SEARCHDOMAIN"] = " ".join(req.searchdomains)
    if req.capabilities:
        updates["CAPABILITY"] = merged_capabilities(old("CAPABILITY"), req)
    if req.features:
        updates["FEATURES"] = merged_features(old("FEATURES"), req)
    if req.netif_changes():
        updates["NETIF"] = format_netif(merged_netif(old("NETIF"), req, ctid, host_mac, style)[0],
                                        VZ7_NETIF_KEYS if style == "vz7" else NETIF_KEYS)
    if req.name is not None:
        updates["NAME"] = req.name
    if req.diskspace:
        updates["DISKSPACE"] = units.format_soft_hard(*req.diskspace)
    if req.diskinodes:
        updates["DISKINODES"] = units.format_soft_hard(*req.diskinodes)
    if req.cpulimit is not None:
        updates["CPULIMIT"] = str(req.cpulimit)
    order = dict((key, index) for index, key in enumerate(KEY_ORDER))
    return OrderedDict(sorted(updates.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
