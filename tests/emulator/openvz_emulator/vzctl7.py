"""vzctl 7 (OpenVZ 7 flavour): string IDs (numbers or UUIDs), ploop by default, EZ
template caches, NETIF entries joined to virtual networks (openvz-cli.md section 10)."""

import os
import re
import shutil
import sys
import uuid

from . import eztemplates, networks, units
from .config import ConfigFile
from .container import PLOOP_FS_DIR, Container, write_ploop_placeholders
from .errors import Exit
from .netif import NetifError, parse_netif, parse_netif_add
from .paths import NAMES_DIR
from .setparams import SET_LONGOPTS, BadValue, canonical_ip
from .vzctl import COMMANDS, Logger, Vzctl

UUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
QUOTA_COMMANDS = ("quotaon", "quotaoff", "quotainit")
COMMANDS7 = [command for command in COMMANDS if command not in QUOTA_COMMANDS]
CREATE_OPTIONS7 = {"ostemplate": True, "config": True, "private": True, "root": True,
                   "ipadd": True, "hostname": True, "name": True, "description": True,
                   "layout": True, "ve_layout": True, "velayout": True, "diskspace": True,
                   "diskinodes": True, "uuid": True, "id": True, "vetype": True,
                   "skip_app_templates": False, "no-hdd": False, "force": False}
# per-NIC options of vzctl 7 (with --ifname) and options stored as they are; --nettype
# bridge|routed is NETIF's type= (libvzctl lib/veth.c get_nettype, vzctl src/vzctl.c)
NIC_OPTIONS = ("network", "nettype", "gw", "gw6", "dhcp", "dhcp6", "configure", "mac_filter")
STORED_OPTIONS = {"memguarantee": "MEMGUARANTEE", "ha_enable": "HA_ENABLE", "ha_prio": "HA_PRIO",
                  "rate": "RATE", "ratebound": "RATEBOUND"}
# vzctl 7 has no --bridge (src/vzctl.c set_options): a NIC reaches a bridge through
# --network, with --nettype bridge the network name is the bridge itself
SET_LONGOPTS7 = dict(((name, arg) for name, arg in SET_LONGOPTS.items() if name != "bridge"),
                     **dict((name, True) for name in NIC_OPTIONS + tuple(STORED_OPTIONS)))
SAMPLE_CONF_NAME = "ve-%s.conf-sample"


def parse_ctid(text):
    """vzctl2_parse_ctid: a decimal number or a UUID (braces allowed) -> the ID, else None."""
    if re.match(r"^\d+$", text or ""):
        return text
    match = UUID_RE.match(text or "")
    return match.group(1).lower() if match else None


def new_uuid():
    return str(uuid.uuid4())


class Vzctl7(Vzctl):
    netif_style = "vz7"
    create_options = CREATE_OPTIONS7
    set_options = SET_LONGOPTS7

    def __init__(self, host, log):
        from .flavour import VZ7
        Vzctl.__init__(self, host, log, VZ7)
        self.networks = networks.NetworkStore(host.state_dir)
        self.command = None

    @property
    def upstream_kernel(self):
        return False

    def run(self, argv):
        words = [arg for arg in argv if not arg.startswith("-")]
        if words and words[0] in QUOTA_COMMANDS:
            self.err("quota_deprecated", words[0])
            return 0
        if words:
            self.command = words[0]
        return Vzctl.run(self, argv)

    def resolve_ctid(self, arg):
        if self.command not in ("create", "register"):
            ctid = self.host.id_of_name_link(arg)
            if ctid is not None:
                return ctid
            ctid = self.ctid_by_uuid(arg)
            if ctid is not None:
                return ctid
        ctid = parse_ctid(arg)
        if ctid is None:
            self.fail("value", "bad_ctid", arg)
        return ctid

    def name_owner(self, name):
        return self.host.id_of_name_link(name)

    def saved_config_name(self, ct):
        return ct.ctid

    def ctid_by_uuid(self, arg):
        wanted = parse_ctid(arg)
        if wanted is None or wanted.isdigit():
            return None
        for ctid in self.host.configured_ids():
            if ctid == wanted or (Container(self.host, ctid).ct_value("UUID") or "").strip("{}").lower() == wanted:
                return ctid
        return None

    def dispatch(self, command, ctid, args, skiplock):
        return Vzctl.dispatch(self, command, ctid, args, skiplock)

    # ----- status
    def cmd_status(self, ct, args):
        self.no_extra_args(args)

        def action():
            state = self.state(ct)
            exist = ct.exists_config and ct.private_exists()
            if state["running"]:
                run_state = "running"
            elif exist and os.path.exists(ct.dump_path):
                run_state = "suspended"
            else:
                run_state = "down"
            sys.stdout.write("VEID %s %s %s %s\n" % (
                ct.ctid, "exist" if exist else "deleted",
                "mounted" if state["mounted"] else "unmounted", run_state))
            return 0
        return action

    # ----- ploop mount lines of libvzctl 7
    def report_ploop_mount(self, ct, state):
        self.out("mount_image", ct.private_logical + "/root.hdd")

    # ----- create
    def create_option(self, opts, req, name, value):
        if name in ("uuid", "id"):
            if parse_ctid(value) is None or parse_ctid(value).isdigit():
                raise BadValue()
            opts["uuid"] = parse_ctid(value)
        else:
            super(Vzctl7, self).create_option(opts, req, name, value)

    def _create(self, ct, opts, req, created):
        if ct.exists_config and ct.private_exists():
            self.fail("private_exists", "ct_exists", ct.ctid)
        sample = opts.get("config") or self.host.global_value("CONFIGFILE")
        if ct.exists_config and not opts.get("config"):
            sample = None  # libvzctl uses the existing <ctid>.conf
        elif sample:
            sample_logical = self.host.sample_logical(sample)
            if not os.path.isfile(self.host.path(sample_logical)):
                self.fail("config_copy", "applyconfig_missing", sample_logical)
            created.append(ct.conf_path)
            shutil.copyfile(self.host.path(sample_logical), ct.conf_path)
        ct.reload()
        if ct.config is None:
            created.append(ct.conf_path)
            ct.config = ConfigFile()
            ct.config.save(ct.conf_path)
        ct.config.set("VE_PRIVATE", opts.get("private") or ct.value("VE_PRIVATE") or "/vz/private/$VEID")
        ct.config.set("VE_ROOT", opts.get("root") or ct.value("VE_ROOT") or "/vz/root/$VEID")
        private = ct.private_path
        if os.path.lexists(private):
            self.fail("private_exists", "private_exists", ct.private_logical)
        name = opts.get("name") or (ct.ctid if ct.ctid.isdigit() else None)
        if name:
            link = os.path.join(self.host.path(NAMES_DIR), name)
            link_existed = os.path.lexists(link)
            rc = self.set_name(ct, name)
            if rc:
                raise Exit(rc)
            if not link_existed:
                created.append(link)
        ostemplate = (opts.get("ostemplate") or ct.ct_value("OSTEMPLATE")
                      or self.host.global_value("DEF_OSTEMPLATE") or "").lstrip(".")
        if not ostemplate:
            self.fail("no_ostemplate", "runtime_error", "The ostemplate is not specified")
        simfs_default = "simfs" in (self.host.global_value("VEFSTYPE"), self.host.global_value("VE_LAYOUT"))
        layout = opts.get("layout") or ("simfs" if simfs_default else "ploop")
        diskspace = req.diskspace
        if diskspace is None and ct.value("DISKSPACE"):
            try:
                diskspace = units.parse_diskspace(ct.value("DISKSPACE"))
            except units.UnitError:
                diskspace = None
        if diskspace is None:
            diskspace = (units.LONG_MAX, units.LONG_MAX)
        cache = self.find_cache(ostemplate, layout)
        work = private + ".tmp"
        if os.path.lexists(work):
            shutil.rmtree(work)
        created.append(work)
        os.makedirs(work)
        self.out("creating_private", ostemplate, SAMPLE_CONF_NAME % (sample or "basic"))
        try:
            if layout == "ploop":
                hdd = os.path.join(work, "root.hdd")
                os.makedirs(hdd)
                size = min(diskspace[1], units.LONG_MAX)
                self.out("creating_image", ct.private_logical + ".tmp/root.hdd/root.hdd", size)
                write_ploop_placeholders(hdd, size)
                target = os.path.join(work, PLOOP_FS_DIR)
                os.makedirs(target)
            else:
                target = work
            eztemplates.unpack_cache(cache, target)
        except Exit:
            raise
        except Exception as exc:  # unsafe or broken archive, lz4 failure
            self.log.err("Failed to unpack %s: %s" % (cache, exc))
            raise Exit(self.fl.rc("cannot_create_private"))
        config = ct.config
        config.set("OSTEMPLATE", "." + ostemplate)
        config.set("VE_LAYOUT", layout)
        config.set("UUID", opts.get("uuid") or (ct.ctid if not ct.ctid.isdigit() else new_uuid()))
        if sample:
            config.set("ORIGIN_SAMPLE", sample)
        if name:
            config.set("NAME", name)
        if opts.get("hostname"):
            config.set("HOSTNAME", opts["hostname"])
        if opts.get("description"):
            config.set("DESCRIPTION", opts["description"])
        if req.ip_add:
            config.set("IP_ADDRESS", " ".join(req.ip_add))
        if req.diskspace:
            config.set("DISKSPACE", units.format_soft_hard(*req.diskspace))
        if req.diskinodes:
            config.set("DISKINODES", units.format_soft_hard(*req.diskinodes))
        if not config.has("TECHNOLOGIES"):
            config.set("TECHNOLOGIES", "x86_64 nptl")
        config.save(ct.conf_path)
        os.rename(work, private)
        created.remove(work)
        self.out("private_created", ct.private_logical)
        del created[:]
        return 0

    def find_cache(self, ostemplate, layout):
        try:
            path = eztemplates.find_cache(self.host, ostemplate, layout)
            if path is None:
                self.out("cache_missing", ostemplate)
                path = eztemplates.create_cache(self.host, ostemplate, layout)
            return path
        except eztemplates.TemplateError as exc:
            if exc.key == "cache_layout":
                self.fail("value", "cache_layout", self._logical(exc.args_[0]), exc.args_[1])
            if exc.key == "template_unknown":
                self.fail("template_not_found", "template_unknown", *exc.args_)
            self.fail("system_error", "runtime_error", *exc.args_)

    # ----- set: vzctl 7's per-NIC options
    def set_option(self, ct, req, option, value):
        # options after --ifname X edit NIC X (vzctl 7 --ifname ... --network/--ipadd)
        ifname = req.netif_edit_ifname
        if option in STORED_OPTIONS:
            req.values[STORED_OPTIONS[option]] = value
            req.given_options.append(option)
        elif option == "netif_add":
            try:
                req.netif_add.extend(parse_netif_add(value, max_fields=4))
            except NetifError as exc:
                raise BadValue([str(exc)], False)
            req.categories.add("veth")
        elif ifname is not None and option in NIC_OPTIONS + ("ipadd", "ipdel"):
            self._nic_option(ct, req, ifname, option, value)
        elif option in NIC_OPTIONS:
            req.netif_edit[option] = value
        else:
            super(Vzctl7, self).set_option(ct, req, option, value)

    def _nic_option(self, ct, req, ifname, option, value):
        if option in ("ipadd", "ipdel"):
            current = req.netif_edit.get("ip")
            if current is None:
                devices = [dev for dev in parse_netif(ct.ct_value("NETIF")) if dev["ifname"] == ifname]
                devices += [dev for dev in req.netif_add if dev["ifname"] == ifname]
                current = devices[0].get("ip", "") if devices else ""
            items = current.split()
            if option == "ipadd":
                address = canonical_ip(value)
                if address and address not in items:
                    items.append(address)
            elif value == "all":
                items = []
            else:
                items = [item for item in items if item.partition("/")[0] != value.partition("/")[0]]
            req.netif_edit["ip"] = " ".join(items)
        elif option == "dhcp" or option == "dhcp6":
            if value not in ("yes", "no"):
                raise BadValue()
            req.netif_edit[option] = value
        elif option == "configure":
            if value not in ("none", "all"):
                raise BadValue()
            req.netif_edit[option] = value
        elif option == "nettype":
            if value not in ("bridge", "routed"):
                raise BadValue()
            req.netif_edit["type"] = value
        else:
            req.netif_edit[option] = value
        req.categories.add("veth")

    def apply_running(self, ct, req, state):
        rc = Vzctl.apply_running(self, ct, req, state)
        if req.netif_edit_ifname and ("network" in req.netif_edit or "type" in req.netif_edit):
            for device in self.netif_devices(ct) or []:
                if device["ifname"] == req.netif_edit_ifname and device.get("network"):
                    self.join_network(device["host_ifname"], device["network"], device.get("type"))
        return rc

    # ----- veth: libvzctl's lines, then the device joins its network's bridge
    def add_veths(self, ct, state, devices):
        Vzctl.add_veths(self, ct, state, devices)
        for device in devices:
            if device.get("network"):
                self.join_network(device["host_ifname"], device["network"], device.get("type"))

    def report_veths(self, devices, added):
        for device in devices:
            if device["host_ifname"] in added:
                self.out("veth_configure", device["ifname"])

    def run_vznetcfg(self, ct, added):
        return  # OpenVZ 7 has no vznet.conf hook: networks are resolved directly

    def join_network(self, host_ifname, network, nettype=None):
        """type=routed joins nothing; type=bridge: vznetcfg gets NETWORK_TYPE=bridge and the
        network name is the bridge (libvzctl lib/veth.c run_vznetcfg)."""
        if self.host.runtime_name == "none" or nettype == "routed":
            return
        bridge = network if nettype == "bridge" else self.networks.bridge_of(network)
        if bridge is None or not networks.join_bridge(host_ifname, bridge):
            self.log.err("Unable to add %s to the network %s: bridge %s not found"
                         % (host_ifname, network, bridge or "-"))


def main(argv=None):
    from .paths import Host
    vzctl = Vzctl7(Host(), Logger())
    sys.exit(vzctl.run(sys.argv[1:] if argv is None else argv))
