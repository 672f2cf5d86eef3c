"""vzlist 7 (OpenVZ 7 flavour): string IDs, the 7 default fields (openvz-cli.md 10.2).

The legacy field table is reused; the ID fields print the string ID (%36s, a JSON
string), and the fields 7 adds (uuid, distribution, configured_ip and the NIC fields)
come on top.
"""

import os
import sys

from . import vzlist
from .netif import parse_netif
from .paths import Host
from .vzctl7 import parse_ctid
from .vzlist import CtInfo, Field, Lister, _json_str, _pad, list_field, string_field

DEFAULT_FIELDS7 = "ctid,numproc,status,configured_ip,hostname"
DEFAULT_NAME_FIELDS7 = "ctid,numproc,status,configured_ip,name"
JSON_DEFAULT_KEYS7 = (
    "ctid private root hostname name smart_name description ostemplate distribution ip "
    "configured_ip nameserver searchdomain status").split() + [name for name, _h in vzlist.UBC_FIELDS] + (
    "diskspace diskinodes laverage uptime cpulimit cpuunits cpus ioprio iolimit iopslimit "
    "onboot bootorder layout features disabled").split()
STATUS7 = ("running", "stopped", "mounted", "suspended", "paused")


def _configured_ip(ct):
    items = [item for item in (ct.config.get("IP_ADDRESS") or "").split()
             if item.partition("/")[0] not in ("0.0.0.0", "::")]
    return " ".join(items) or None


def _nic_values(key):
    def getter(ct):
        values = [dev.get(key) for dev in parse_netif(ct.config.get("NETIF")) if dev.get(key)]
        return " ".join(values) or None
    return getter


def _distribution(ct):
    template = (ct.config.get("OSTEMPLATE") or "").lstrip(".")
    return template.split("-")[0] if template else None


def _id_field(name):
    return Field(name, "CTID", 36, lambda ct, cut: "%36s" % ct.ctid,
                 lambda ct: '"%s"' % ct.ctid, lambda ct: ct.ctid)


def build_fields7():
    replaced = {
        "ctid": _id_field("ctid"), "veid": _id_field("veid"), "vpsid": _id_field("vpsid"),
        "smart_name": Field("smart_name", "SMARTNAME", 10,
                            lambda ct, cut: _pad(ct.name or ct.ctid, 10, cut),
                            lambda ct: _json_str(ct.name or ct.ctid), lambda ct: ct.name or ct.ctid),
        "status": Field("status", "STATUS", -9, lambda ct, cut: "%-9s" % ct.status,
                        lambda ct: _json_str(ct.status), lambda ct: (STATUS7.index(ct.status), ct.ctid)),
    }
    fields = [replaced.get(field.name, field) for field in vzlist.FIELDS]
    fields += [
        string_field("uuid", "UUID", -36, lambda ct: (ct.config.get("UUID") or "").strip("{}") or None),
        string_field("distribution", "DIST", -15, _distribution),
        list_field("configured_ip", "IP_ADDR", _configured_ip),
    ]
    for key, header in (("host_ifname", "HOST_IFNAME"), ("mac", "MAC"), ("host_mac", "HOST_MAC"),
                        ("gw", "GW"), ("network", "NETWORK"), ("ifname", "IFNAME"), ("type", "TYPE")):
        fields.append(list_field(key, header, _nic_values(key)))
    fields.append(list_field("netif", "NETIF", _nic_values("ifname")))
    return fields


FIELDS7 = build_fields7()
FIELD_BY_NAME7 = dict((field.name, field) for field in FIELDS7)


class CtInfo7(CtInfo):
    @property
    def ip(self):
        if self.running and self.state.get("ips"):
            return "".join(ip + " " for ip in self.state["ips"])
        return _configured_ip(self)


def run(argv, host):
    args = vzlist.parse_args(argv, FIELDS7, "ctid", DEFAULT_NAME_FIELDS7)
    if not isinstance(args, vzlist.ListArgs):
        return args
    (operands, show_header, trim, all_cts, stopped_only, json_out, field_list, sort_field,
     sort_reverse, patterns) = args
    links = {}
    for name in _names(host):
        target = host.id_of_name_link(name)
        if target is not None:
            links[name] = target
    configured = host.configured_ids()
    wanted = None
    if operands:
        wanted = set()
        for arg in operands:
            ctid = links.get(arg) or parse_ctid(arg)
            if ctid is None or ctid not in configured:
                sys.stderr.write("Container is not found\n")
                return 1
            wanted.add(ctid)
    if field_list is None and not json_out:
        field_list = DEFAULT_FIELDS7
    if field_list is not None:
        names = field_list.split(",")
    else:
        names = JSON_DEFAULT_KEYS7
    fields = []
    for name in names:
        if name not in FIELD_BY_NAME7:
            return vzlist.fail("Unknown field: %s" % name)
        if json_out and FIELD_BY_NAME7[name].suffixed:
            return vzlist.fail("Field `%s' is not available in JSON output" % name)
        fields.append(FIELD_BY_NAME7[name])
    if os.getuid() != 0:
        return vzlist.fail("This program can only be run under root.")
    lister = Lister(host)
    lister.name_links = links
    states = lister.store.load_all(numeric=False)
    shown = []
    for ctid in sorted(configured):
        if wanted is not None and ctid not in wanted:
            continue
        ct = CtInfo7(lister, ctid, states.get(ctid))
        if not ct.running:
            if not ct.private or not os.path.exists(host.path(ct.private)):
                continue
            if os.path.exists(host.path("%s/Dump.%s" % (host.dumpdir_logical, ctid))):
                ct.status = "suspended"
            if (states.get(ctid) or {}).get("mounted"):
                ct.status = "mounted"
        if wanted is None and not all_cts and not stopped_only and not ct.running:
            continue
        if stopped_only and ct.running:
            continue
        values = {"h": ct.get("HOSTNAME"), "N": ct.name, "d": ct.get("DESCRIPTION")}
        if any(not vzlist._matches(values[key], pattern) for key, pattern in patterns.items()):
            continue
        shown.append(ct)
    vzlist.write_listing(shown, fields, sort_field, sort_reverse, json_out, show_header, trim)
    return 0


def _names(host):
    try:
        return os.listdir(host.path("/etc/vz/names"))
    except OSError:
        return []


def main(argv=None):
    sys.exit(run(sys.argv[1:] if argv is None else argv, Host()))
