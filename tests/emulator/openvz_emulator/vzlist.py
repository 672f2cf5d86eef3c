"""vzlist (legacy 4.x): text and JSON listings (section 3)."""

import collections
import fnmatch
import os
import sys
import time

from . import runtime as runtime_module
from . import units
from .config import ConfigFile
from .container import PLOOP_FS_DIR, ploop_fs_kb
from .getopt import GetoptError, getopt_long
from .paths import Host, subst_veid
from .setparams import CAPABILITIES, FEATURES
from .state import RunStateStore
from .vzctl import DEFAULT_NUMPROC, HELD_BASE, disk_usage

LONG_MAX = units.LONG_MAX
INT_MAX = 2147483647
DEFAULT_FIELDS = "ctid,numproc,status,ip,hostname"
DEFAULT_NAME_FIELDS = "smart_name,numproc,status,ip,hostname"
STATUS_ORDER = ("running", "stopped", "mounted", "suspended")
UBC_FIELDS = (
    ("kmemsize", "KMEMSIZE"), ("lockedpages", "LOCKEDP"), ("privvmpages", "PRIVVMP"),
    ("shmpages", "SHMP"), ("numproc", "NPROC"), ("physpages", "PHYSP"),
    ("vmguarpages", "VMGUARP"), ("oomguarpages", "OOMGUARP"), ("numtcpsock", "NTCPSOCK"),
    ("numflock", "NFLOCK"), ("numpty", "NPTY"), ("numsiginfo", "NSIGINFO"),
    ("tcpsndbuf", "TCPSNDB"), ("tcprcvbuf", "TCPRCVB"), ("othersockbuf", "OTHSOCKB"),
    ("dgramrcvbuf", "DGRAMRB"), ("numothersock", "NOTHSOCK"), ("dcachesize", "DCACHESZ"),
    ("numfile", "NFILE"), ("numiptent", "NIPTENT"), ("swappages", "SWAPP"))
USAGE = """Usage:\tvzlist [-a | -S] [-n] [-H] [-o field[,field...] | -1] [-s [-]field]
\t       [-h pattern] [-N pattern] [-d pattern] [CTID [CTID ...]]
\tvzlist -L | --list

Options:
\t-a, --all\t\tlist all containers
\t-S, --stopped\t\tlist stopped containers
\t-n, --name\t\tdisplay containers' names
\t-H, --no-header\t\tsuppress columns header
\t-t, --no-trim\t\tdo not trim long values
\t-j, --json\t\toutput in JSON format
\t-o, --output\t\toutput only specified fields
\t-1\t\t\tsynonym for -H -octid
\t-s, --sort\t\tsort by the specified field
\t\t\t\t('-field' to reverse sort order)
\t-h, --hostname\t\tfilter CTs by hostname pattern
\t-N, --name_filter\tfilter CTs by name pattern
\t-d, --description\tfilter CTs by description pattern
\t-L, --list\t\tget possible field names
"""
LONG_OPTIONS = {"no-header": False, "no-trim": False, "stopped": False, "all": False,
                "name": False, "json": False, "name_filter": True, "hostname": True,
                "description": True, "output": True, "sort": True, "list": False, "help": False}
LONG_TO_SHORT = {"no-header": "H", "no-trim": "t", "stopped": "S", "all": "a", "name": "n",
                 "json": "j", "name_filter": "N", "hostname": "h", "description": "d",
                 "output": "o", "sort": "s", "list": "L", "help": "e"}


class CtInfo(object):
    """What vzlist knows about one container; values computed on demand."""

    def __init__(self, lister, ctid, running_state):
        self.lister = lister
        self.ctid = ctid
        self.state = running_state
        self.running = bool(running_state and running_state.get("running"))
        self.mounted = bool(running_state and running_state.get("mounted"))
        self.config = ConfigFile.load(lister.host.conf_path(ctid)) or ConfigFile()
        self.status = "running" if self.running else "stopped"
        self._ubc = None
        self._numproc = None
        self._usage = False

    def get(self, key):
        return self.config.get(key)

    def text_or_none(self, key):
        value = self.config.get(key)
        return value if value is not None else None

    @property
    def private(self):
        value = self.config.get("VE_PRIVATE")
        return subst_veid(value if value is not None else self.lister.global_private, self.ctid)

    @property
    def root(self):
        value = self.config.get("VE_ROOT")
        return subst_veid(value if value is not None else self.lister.global_root, self.ctid)

    @property
    def name(self):
        name = self.config.get("NAME")
        if name and self.lister.name_links.get(name) == self.ctid:
            return name
        return None

    @property
    def ip(self):
        if self.running and self.state.get("ips"):
            return "".join(ip + " " for ip in self.state["ips"])
        value = " ".join((self.config.get("IP_ADDRESS") or "").split())
        return value or None

    def list_value(self, key):
        value = " ".join((self.config.get(key) or "").split())
        return value or None

    def numproc_held(self):
        if self._numproc is None:
            count = None
            try:
                count = self.lister.runtime().numproc(self.ctid)
            except runtime_module.RuntimeEffectError:
                count = None
            self._numproc = count if count is not None else DEFAULT_NUMPROC
        return self._numproc

    def ubc(self, key):
        """[held, maxheld, barrier, limit, failcnt] in native units."""
        if self.running:
            pair = self.state.get("ubc", {}).get(key) or [LONG_MAX, LONG_MAX]
            if key == "NUMPROC":
                held = min(self.numproc_held(), pair[1])
            else:
                held = min(HELD_BASE.get(key, 0), pair[1])
            return [held, held, pair[0], pair[1], 0]
        value = self.config.get(key)
        barrier = limit = 0
        if value:
            try:
                barrier, limit = units.parse_barrier_limit(value, units.UBC_KIND[key])
            except units.UnitError:
                pass
        return [0, 0, barrier, limit, 0]

    def quota(self, key):
        """[usage, soft, hard] or None (no limits); usage None when unknown.

        simfs: the configured limits, needing both DISKSPACE and DISKINODES (one
        quota); ploop: DISKSPACE gives the filesystem size in the image, soft == hard.
        """
        space, inodes = self.config.get("DISKSPACE"), self.config.get("DISKINODES")
        ploop = self.lister.layout(self) == "ploop"
        if not space or not (inodes or ploop):
            return None
        try:
            if key == "DISKSPACE":
                soft, hard = units.parse_diskspace(space)
                if ploop:
                    soft = hard = ploop_fs_kb(hard, self.running or self.mounted)
            else:
                soft, hard = units.parse_diskinodes(inodes)
        except units.UnitError:
            return None
        usage = self.disk_usage()
        return [None if usage is None else usage[0 if key == "DISKSPACE" else 1], soft, hard]

    def disk_usage(self):
        """(KB, inodes) in use: measured at start while running, measured now while
        mounted or (ploop) read from the stopped image, unknown for a stopped simfs CT."""
        if self._usage is False:
            ploop = self.lister.layout(self) == "ploop"
            tree = self.lister.host.path(self.private)
            if ploop:
                tree = os.path.join(tree, PLOOP_FS_DIR)
            if self.running:
                self._usage = self.state.get("disk_usage")
            elif self.mounted or ploop:
                self._usage = disk_usage(tree)
            else:
                self._usage = None
        return self._usage

    def cpu(self, which):
        if self.running:
            cpu = self.state.get("cpu", {})
            return cpu.get("units", 1000) if which == "units" else cpu.get("limit", 0)
        units_value, limit_value = self.config.get("CPUUNITS"), self.config.get("CPULIMIT")
        if units_value is None and limit_value is None:
            return None
        value = units_value if which == "units" else limit_value
        return _int(value, 0)

    def int_value(self, key, default):
        return _int(self.config.get(key), default)

    def uptime(self):
        if not self.running:
            return None
        return max(0.0, time.time() - (self.state.get("start_time") or time.time()))

    def items(self, key, order, lower):
        states = {}
        for token in (self.config.get(key) or "").replace(",", " ").split():
            name, _colon, state = token.partition(":")
            if state in ("on", "off"):
                states[name.upper()] = state
        return [((name.lower() if lower else name), states[name.upper()])
                for name in order if name.upper() in states]


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# ---- field printers: each returns (text, json, sort_key)
def _pad(value, width, cut):
    text = "%*s" % (width, value)
    return text[:abs(width)] if cut else text


def _json_str(value):
    return '"%s"' % value if value is not None else "null"


class Field(object):
    def __init__(self, name, header, width, text, json=None, sort=None, header_width=None, suffixed=False):
        self.name = name
        self.header = header
        self.width = width
        self.header_width = header_width if header_width is not None else width
        self.text = text            # (ct, cut) -> str
        self.json = json            # ct -> str
        self.sort = sort            # ct -> comparable (None first)
        self.suffixed = suffixed


def string_field(name, header, width, getter):
    return Field(name, header, width,
                 lambda ct, cut: _pad(getter(ct) if getter(ct) is not None else "-", width, cut),
                 lambda ct: _json_str(getter(ct)), getter)


def list_field(name, header, getter):
    def text(ct, cut):
        value = getter(ct)
        value = "-" if value is None else value
        if cut:
            value = value.split(" ")[0]
        return _pad(value, -15, cut)

    def json(ct):
        value = getter(ct)
        return "[%s]" % ", ".join('"%s"' % item for item in (value or "").split())
    return Field(name, header, -15, text, json, getter)


def number_text(value, width, dash=False):
    return "%*s" % (width, "-") if dash or value is None else "%*d" % (width, value)


def ubc_fields():
    fields = []
    for name, header in UBC_FIELDS:
        key = name.upper()
        for index, suffix in enumerate(("", ".m", ".b", ".l", ".f")):
            def text(ct, cut, key=key, index=index):
                values = ct.ubc(key)
                return number_text(values[index], 10, not ct.running and index in (0, 1, 4))

            def json(ct, key=key):
                values = ct.ubc(key)
                return ("{\n      \"held\": %d,\n      \"maxheld\": %d,\n      \"barrier\": %d,\n"
                        "      \"limit\": %d,\n      \"failcnt\": %d\n    }" % tuple(values))
            fields.append(Field(name + suffix, header + suffix.upper(), 10, text, json,
                                lambda ct, key=key, index=index: ct.ubc(key)[index],
                                suffixed=bool(suffix)))
    return fields


def quota_fields(name, header, key):
    fields = []
    for index, suffix in enumerate(("", ".s", ".h")):
        def text(ct, cut, index=index):
            values = ct.quota(key)
            if values is None or (index == 0 and not values[0]):
                return "%10s" % "-"
            return "%10d" % values[index]

        def json(ct):
            values = ct.quota(key)
            if values is None:
                return "null"
            return ("{\n      \"usage\": %s,\n      \"softlimit\": %d,\n      \"hardlimit\": %d\n    }"
                    % ("null" if values[0] is None else "%d" % values[0], values[1], values[2]))

        def sort(ct, index=index):
            values = ct.quota(key)
            return None if values is None else values[index]
        fields.append(Field(name + suffix, header + suffix.upper(), 10, text, json, sort, suffixed=bool(suffix)))
    return fields


def _uptime_text(ct, cut):
    seconds = ct.uptime()
    if seconds is None:
        return "%15s" % "-"
    days = int(seconds // 86400)
    minutes_total = int(seconds // 60)
    hours = (minutes_total // 60) % 24
    minutes = minutes_total % 60
    secs = int(seconds - (60 * minutes + 3600 * hours + 86400 * days))
    return "%.3dd%.2dh:%.2dm:%.2ds" % (days, hours, minutes, secs)


def _items_text(pairs, cut):
    value = ",".join("%s:%s" % pair for pair in pairs) or "-"
    return _pad(value, -15, cut)


def _items_json(pairs):
    if not pairs:
        return "null"
    entries = ['      "%s": %s' % (name, "true" if state == "on" else "false") for name, state in pairs]
    return "{\n%s\n    }" % ",\n".join(entries)


def _vswap(ct):
    value = ct.config.get("PHYSPAGES")
    if not value:
        return False
    try:
        limit = units.parse_barrier_limit(value, "pages")[1]
    except units.UnitError:
        return False
    return limit not in (LONG_MAX, INT_MAX)


def _bool_field(name, header, width, getter):
    return Field(name, header, width, lambda ct, cut: "%*s" % (width, "yes" if getter(ct) else "no"),
                 lambda ct: "true" if getter(ct) else "false", lambda ct: bool(getter(ct)))


def _onboot(ct):
    value = ct.config.get("ONBOOT")
    return {"yes": True, "no": False}.get(value)


def _overcommit(ct):
    try:
        return float(ct.config.get("VM_OVERCOMMIT") or 0)
    except ValueError:
        return 0.0


def _ctid_field(name):
    return Field(name, "CTID", 10, lambda ct, cut: "%10d" % ct.ctid,
                 lambda ct: "%d" % ct.ctid, lambda ct: ct.ctid)


def build_fields():
    fields = [_ctid_field("ctid"), _ctid_field("veid"), _ctid_field("vpsid")]
    fields += [
        string_field("private", "PRIVATE", -32, lambda ct: ct.private),
        string_field("root", "ROOT", -32, lambda ct: ct.root),
        string_field("mount_opts", "MOUNT_OPTS", -16, lambda ct: ct.get("MOUNT_OPTS")),
        string_field("origin_sample", "ORIGIN_SAMPLE", 32, lambda ct: ct.get("ORIGIN_SAMPLE")),
        string_field("hostname", "HOSTNAME", -32, lambda ct: ct.get("HOSTNAME")),
        string_field("name", "NAME", -32, lambda ct: ct.name),
        Field("smart_name", "SMARTNAME", 10,
              lambda ct, cut: _pad(ct.name, 10, cut) if ct.name else "%10d" % ct.ctid,
              lambda ct: _json_str(ct.name) if ct.name else "%d" % ct.ctid, lambda ct: ct.name),
        string_field("description", "DESCRIPTION", -32, lambda ct: ct.get("DESCRIPTION")),
        string_field("ostemplate", "OSTEMPLATE", -32, lambda ct: ct.get("OSTEMPLATE")),
        list_field("ip", "IP_ADDR", lambda ct: ct.ip),
        list_field("nameserver", "NAMESERVER", lambda ct: ct.list_value("NAMESERVER")),
        list_field("searchdomain", "SEARCHDOMAIN", lambda ct: ct.list_value("SEARCHDOMAIN")),
        Field("status", "STATUS", -9, lambda ct, cut: "%-9s" % ct.status, lambda ct: _json_str(ct.status),
              lambda ct: (STATUS_ORDER.index(ct.status), ct.ctid)),
    ]
    fields += ubc_fields()
    fields += quota_fields("diskspace", "DSPACE", "DISKSPACE")
    fields += quota_fields("diskinodes", "DINODES", "DISKINODES")
    fields += [
        Field("laverage", "LAVERAGE", 14,
              lambda ct, cut: "0.00/0.00/0.00" if ct.running else "%14s" % "-",
              lambda ct: "[0.00, 0.00, 0.00]" if ct.running else "null",
              lambda ct: 0 if ct.running else None),
        Field("uptime", "UPTIME", 15, _uptime_text, lambda ct: "%.3f" % (ct.uptime() or 0.0),
              lambda ct: ct.uptime()),
        Field("cpulimit", "CPULIM", 7, lambda ct, cut: number_text(ct.cpu("limit"), 7),
              lambda ct: "null" if ct.cpu("limit") is None else "%d" % ct.cpu("limit"),
              lambda ct: ct.cpu("limit")),
        Field("cpuunits", "CPUUNI", 7, lambda ct, cut: number_text(ct.cpu("units"), 7),
              lambda ct: "null" if ct.cpu("units") is None else "%d" % ct.cpu("units"),
              lambda ct: ct.cpu("units")),
        Field("cpus", "CPUS", 5, lambda ct, cut: number_text(ct.int_value("CPUS", 0), 5, ct.int_value("CPUS", 0) <= 0),
              lambda ct: "%d" % max(ct.int_value("CPUS", 0), 0), lambda ct: ct.int_value("CPUS", 0)),
        Field("ioprio", "IOP", 3, lambda ct, cut: number_text(ct.int_value("IOPRIO", -1), 3, ct.int_value("IOPRIO", -1) < 0),
              lambda ct: "%d" % max(ct.int_value("IOPRIO", -1), 0), lambda ct: ct.int_value("IOPRIO", -1)),
        Field("iolimit", "IOLIMIT", 10,
              lambda ct, cut: number_text(ct.int_value("IOLIMIT", 0), 10, ct.int_value("IOLIMIT", 0) < 1),
              lambda ct: "%d" % max(ct.int_value("IOLIMIT", 0), 0), lambda ct: ct.int_value("IOLIMIT", 0)),
        Field("iopslimit", "IOPS", 4,
              lambda ct, cut: number_text(ct.int_value("IOPSLIMIT", 0), 4, ct.int_value("IOPSLIMIT", 0) < 1),
              lambda ct: "%d" % max(ct.int_value("IOPSLIMIT", 0), 0), lambda ct: ct.int_value("IOPSLIMIT", 0)),
        Field("onboot", "ONBOOT", 6,
              lambda ct, cut: "%6s" % {True: "yes", False: "no", None: "-"}[_onboot(ct)],
              lambda ct: {True: "true", False: "false", None: "null"}[_onboot(ct)], _onboot),
        Field("bootorder", "BOOTORDER", 10,
              lambda ct, cut: number_text(_int(ct.get("BOOTORDER"), None), 10),
              lambda ct: "null" if _int(ct.get("BOOTORDER"), None) is None else "%d" % int(ct.get("BOOTORDER")),
              lambda ct: _int(ct.get("BOOTORDER"), None)),
        Field("layout", "LAYOUT", -6, lambda ct, cut: "%-6s" % ct.lister.layout(ct),
              lambda ct: _json_str(ct.lister.layout(ct)), lambda ct: ct.lister.layout(ct), header_width=6),
        Field("features", "FEATURES", -15,
              lambda ct, cut: _items_text(ct.items("FEATURES", FEATURES, True), cut),
              lambda ct: _items_json(ct.items("FEATURES", FEATURES, True)),
              lambda ct: ct.items("FEATURES", FEATURES, True)),
        _bool_field("vswap", "VSWAP", 5, _vswap),
        _bool_field("disabled", "DISABL", 6, lambda ct: ct.get("DISABLED") == "yes"),
        Field("vm_overcommit", "VM_OVC", 6,
              lambda ct, cut: "%6s" % ("-" if not _overcommit(ct) else "%g" % _overcommit(ct)),
              lambda ct: "%g" % _overcommit(ct), _overcommit),
        string_field("netfilter", "NETFILTER", -9, lambda ct: ct.get("NETFILTER")),
        Field("capability", "CAPABILITY", -15,
              lambda ct, cut: _items_text(ct.items("CAPABILITY", CAPABILITIES, True), cut),
              lambda ct: _items_json(ct.items("CAPABILITY", CAPABILITIES, True)),
              lambda ct: ct.items("CAPABILITY", CAPABILITIES, True)),
    ]
    return fields


FIELDS = build_fields()
FIELD_BY_NAME = dict((field.name, field) for field in FIELDS)


class Lister(object):
    def __init__(self, host):
        self.host = host
        self.store = RunStateStore(host.state_dir)
        self.global_private = host.global_value("VE_PRIVATE")
        self.global_root = host.global_value("VE_ROOT")
        self._runtime = None
        self._layouts = {}
        self.name_links = {}

    def runtime(self):
        if self._runtime is None:
            self._runtime = runtime_module.get_runtime(self.host.runtime_name, self.host.state_dir)
        return self._runtime

    def layout(self, ct):
        if ct.ctid not in self._layouts:
            private = ct.private
            ploop = bool(private) and os.path.isdir(os.path.join(self.host.path(private), "root.hdd"))
            self._layouts[ct.ctid] = "ploop" if ploop else "simfs"
        return self._layouts[ct.ctid]


def fail(message):
    sys.stderr.write(message + "\n")
    return 1


ListArgs = collections.namedtuple(
    "ListArgs", "operands show_header trim all_cts stopped_only json_out field_list sort_field "
    "sort_reverse patterns")


def parse_args(argv, fields, id_field, name_fields):
    """ListArgs of a vzlist command line (-1 shows ``id_field``, -n ``name_fields``), or the
    exit code when it is wrong or only lists the ``fields`` (-L)."""
    by_name = dict((field.name, field) for field in fields)
    try:
        options, operands = getopt_long(argv, "HtSanjN:h:d:o:s:Le1", LONG_OPTIONS, "vzlist")
    except GetoptError as exc:
        sys.stderr.write(str(exc) + "\n")
        sys.stdout.write(USAGE)
        return 1
    show_header, trim, all_cts, stopped_only, json_out = True, True, False, False, False
    field_list, sort_field, sort_reverse = None, None, False
    patterns = {}
    for option, value in options:
        option = LONG_TO_SHORT.get(option, option)
        if option == "S":
            stopped_only = True
        elif option == "t":
            trim = False
        elif option == "H":
            show_header = False
        elif option == "L":
            sys.stdout.write("".join("%-15s %-15s\n" % (f.name, f.header) for f in fields))
            return 0
        elif option == "a":
            all_cts = True
        elif option in ("h", "d", "N"):
            patterns[option] = value
        elif option == "o":
            field_list = value
        elif option == "s":
            name = value[1:] if value.startswith("-") else value
            if name not in by_name:
                return fail("Invalid sort field name: %s" % value)
            sort_field, sort_reverse = by_name[name], value.startswith("-")
        elif option == "1":
            field_list, show_header = id_field, False
        elif option == "n":
            field_list = name_fields
        elif option == "j":
            json_out = True
        else:
            sys.stdout.write(USAGE)
            return 1
    return ListArgs(operands, show_header, trim, all_cts, stopped_only, json_out, field_list,
                    sort_field, sort_reverse, patterns)


def run(argv, host):
    args = parse_args(argv, FIELDS, "veid", DEFAULT_NAME_FIELDS)
    if not isinstance(args, ListArgs):
        return args
    (operands, show_header, trim, all_cts, stopped_only, json_out, field_list, sort_field,
     sort_reverse, patterns) = args
    name_links = host.name_links()
    wanted = None
    if operands:
        wanted = set()
        for arg in operands:
            ctid = int(arg) if arg.isdigit() and int(arg) != 0 else None
            if ctid is None:
                ctid = name_links.get(arg)
                if ctid is None or not os.path.exists(host.conf_path(ctid)):
                    return fail("CT ID %s is invalid." % arg)
            wanted.add(ctid)
    if field_list is None and not json_out:
        field_list = DEFAULT_FIELDS
    fields = None
    if field_list is not None:
        fields = []
        for name in field_list.split(","):
            if name not in FIELD_BY_NAME:
                return fail("Unknown field: %s" % name)
            if json_out and FIELD_BY_NAME[name].suffixed:
                return fail("Field `%s' is not available in JSON output" % name)
            fields.append(FIELD_BY_NAME[name])
    if os.getuid() != 0:
        return fail("This program can only be run under root.")
    if host.settings.get("KERNEL", "openvz") == "upstream":
        # no /proc/vz: the running CTs come from the emulator's state (section 11.5)
        sys.stderr.write("Unable to open /proc/vz/veinfo: No such file or directory\n")

    lister = Lister(host)
    lister.name_links = name_links
    states = lister.store.load_all()
    running = dict((ctid, state) for ctid, state in states.items() if state.get("running"))
    candidates = set(ctid for ctid in running if wanted is None or ctid in wanted)
    if all_cts or wanted is not None or stopped_only:
        candidates.update(ctid for ctid in host.configured_ctids() if wanted is None or ctid in wanted)
    if not candidates:
        if json_out:
            sys.stdout.write("[]\n")
        else:
            sys.stderr.write("Container(s) not found\n")
        return 0 if wanted is None else 1

    dumpdir = host.dumpdir_logical
    shown = []
    for ctid in sorted(candidates):
        ct = CtInfo(lister, ctid, states.get(ctid))
        if not ct.running:
            if not ct.private or not os.path.exists(host.path(ct.private)):
                continue
            if os.path.exists(host.path("%s/Dump.%d" % (dumpdir, ctid))):
                ct.status = "suspended"
            if states.get(ctid, {}).get("mounted"):
                ct.status = "mounted"
        if stopped_only and ct.running:
            continue
        if "h" in patterns and not _matches(ct.get("HOSTNAME"), patterns["h"]):
            continue
        if "N" in patterns and not _matches(ct.name, patterns["N"]):
            continue
        if "d" in patterns and not _matches(ct.get("DESCRIPTION"), patterns["d"]):
            continue
        shown.append(ct)
    if fields is None:
        fields = [f for f in FIELDS if not f.suffixed]
    write_listing(shown, fields, sort_field, sort_reverse, json_out, show_header, trim)
    return 0


def write_listing(shown, fields, sort_field, sort_reverse, json_out, show_header, trim):
    """Print the containers sorted as asked: a JSON array (-j) or text columns."""
    if sort_field is not None:
        shown.sort(key=lambda ct: _sort_key(sort_field.sort(ct)))
    if sort_reverse:
        shown.reverse()
    out = []
    if json_out:
        out.append("[")
        for position, ct in enumerate(shown):
            out.append(("," if position else "") + "\n  {")
            for index, field in enumerate(fields):
                out.append('%s\n    "%s": %s' % ("," if index else "", field.name, field.json(ct)))
            out.append("\n  }")
        out.append("\n]\n")
    else:
        if show_header:
            out.append(" ".join("%*s" % (f.header_width, f.header) for f in fields).rstrip() + "\n")
        last = len(fields) - 1
        for ct in shown:
            cells = [field.text(ct, trim and index != last) for index, field in enumerate(fields)]
            out.append(" ".join(cells).rstrip() + "\n")
    sys.stdout.write("".join(out))


def _matches(value, pattern):
    return value is not None and fnmatch.fnmatchcase(value, pattern)


def _sort_key(value):
    return (0, 0) if value is None else (1, value)


def main(argv=None):
    host = Host()
    if host.flavour_name == "vz7":
        from .vzlist7 import run as run7
        sys.exit(run7(sys.argv[1:] if argv is None else argv, host))
    sys.exit(run(sys.argv[1:] if argv is None else argv, host))
