"""prlctl (OpenVZ 7 flavour) for containers: the same store as vzctl 7 / vzlist 7.

Texts, field table and output layouts follow OpenVZ/prlctl src/PrlVm.cpp, PrlSrv.cpp,
PrlList.cpp, PrlOutFormatter.cpp, PrlDev.cpp, PrlSnapshot.cpp (openvz-cli.md 10.4).
Every action runs vzctl 7's code with its lines captured; prlctl prints its own.
"""

import os
import sys

from . import dispatcher
from . import runtime as runtime_module
from . import snapshots
from .container import Container
from .errors import Exit
from .netif import generate_mac, parse_netif
from .paths import Host
from .vzctl import Logger
from .vzctl7 import Vzctl7, new_uuid, parse_ctid

FAIL_RC = 1
# name, header, format (PrlList.cpp vm_field_tbl)
FIELDS = (
    ("uuid", "UUID", "%-39s "), ("id", "UUID", "%-39s "), ("ctid", "UUID", "%-39s "),
    ("veid", "UUID", "%-39s "), ("envid", "ENVID", "%-10s "), ("status", "STATUS", "%-12s "),
    ("name", "NAME", "%-32s "), ("dist", "DIST", "%-15s "), ("description", "DESCRIPTION", "%-32s "),
    ("numproc", "NPROC", "%9s "), ("ip", "IP_ADDR", "%-15s "), ("ip_configured", "IP_ADDR", "%-15s "),
    ("hostname", "HOSTNAME", "%-32s "), ("netif", "NETIF", "%-16s "), ("mac", "MAC", "%-36s "),
    ("ostemplate", "OSTEMPLATE", "%-24s "), ("type", "T", "%-2s "))
HIDDEN = ("id", "ctid", "veid", "ostemplate")
FIELD = dict((name, (header, fmt)) for name, header, fmt in FIELDS)
DEFAULT_ORDER = "uuid,status,ip_configured,type,name"
PRL_OUI = "00:1C:42"
VERB_INFINITIVE = {"Removing": "remove", "Starting": "start", "Stopping": "stop",
                   "Restarting": "restart", "Suspending": "suspend", "Resuming": "resume",
                   "Mounting": "mount", "Unmounting": "unmount"}


class CaptureLog(Logger):
    """vzctl's lines kept, not printed: prlctl reports its own."""

    def __init__(self):
        Logger.__init__(self, quiet=True)
        self.errors = []

    def err(self, text):
        self.errors.append(text)


class Failure(Exception):
    def __init__(self, text, rc=FAIL_RC):
        Exception.__init__(self, text)
        self.text = text
        self.rc = rc


class Prlctl(object):
    def __init__(self, host):
        self.host = host
        self.log = CaptureLog()
        self.vz = Vzctl7(host, self.log)

    # ----- helpers
    def find(self, arg):
        """A VE by name, UUID (braces allowed) or ID; None if there is none."""
        ctid = self.host.id_of_name_link(arg) or self.vz.ctid_by_uuid(arg)
        if ctid is None:
            ctid = parse_ctid(arg)
        if ctid is None or ctid not in self.host.configured_ids():
            return None
        return Container(self.host, ctid)

    def need(self, arg):
        ct = self.find(arg)
        if ct is None:
            raise Failure("The virtual machine could not be found.")
        return ct

    def call(self, action, *args):
        """Run one vzctl 7 step; its error lines become prlctl's failure reason."""
        del self.log.errors[:]
        try:
            rc = action(*args)
        except Exit as exc:
            rc = exc.rc
        if rc:
            raise Failure(self.log.errors[-1] if self.log.errors else "error %d" % rc)
        return rc

    def vzctl(self, ct, command, args):
        self.vz.command = command
        handler = getattr(self.vz, "cmd_" + command.replace("-", "_"))
        return self.call(self.prepared, handler, ct, list(args))

    @staticmethod
    def prepared(handler, ct, args):
        """Parse (which may fail), then run, as vzctl does."""
        return handler(ct, args)()

    def state_name(self, ct):
        state = self.vz.state(ct)
        if state["running"]:
            return "running"
        if os.path.exists(ct.dump_path):
            return "suspended"
        return "mounted" if state["mounted"] else "stopped"

    def uuid(self, ct):
        return (ct.ct_value("UUID") or ct.ctid).strip("{}")

    def nics(self, ct):
        return self.vz.netif_devices(ct)

    # ----- commands
    def run(self, argv):
        if not argv:
            sys.stderr.write("Usage: prlctl <command> [<ve>] [options]\n")
            return FAIL_RC
        command, args = argv[0], argv[1:]
        down = dispatcher.refused(self.host)
        if down is not None:
            return down
        handler = getattr(self, "cmd_" + command.replace("-", "_"), None)
        if handler is None:
            sys.stderr.write("Unrecognized command: %s\n" % command)
            return FAIL_RC
        try:
            return handler(args) or 0
        except Failure as failure:
            sys.stdout.flush()
            sys.stderr.write(failure.text + "\n")
            return failure.rc

    def say(self, text):
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def verb(self, verb, args, action, ok, kind="CT"):
        if not args:
            raise Failure("The VE name or UUID is not specified.")
        ct = self.need(args[0])
        self.say("%s the %s..." % (verb, kind))
        try:
            action(ct, args[1:])
        except Failure as failure:
            raise Failure("Failed to %s the %s: %s" % (VERB_INFINITIVE[verb], kind, failure.text))
        self.say(ok)
        return 0

    def cmd_create(self, args):
        if not args or args[0].startswith("-"):
            raise Failure("The VE name is not specified.")
        names = {"-t": "ostemplate", "--ostemplate": "ostemplate", "--vmtype": "vmtype",
                 "--uuid": "uuid", "--config": "config", "--layout": "layout"}
        name, opts = args[0], _options(args[1:], names)
        if opts.get("vmtype", "ct") != "ct":
            raise Failure("Failed to create the VM: virtual machines are not emulated")
        self.say("Creating the Container...")
        if self.find(name) is not None:
            raise Failure("Failed to create the Container: the name %s is already in use" % name)
        ctid = parse_ctid(opts["uuid"]) if opts.get("uuid") else new_uuid()
        ct = Container(self.host, ctid)
        vz_args = ["--name", name, "--uuid", ctid]
        for key in ("ostemplate", "config", "layout"):
            if opts.get(key):
                vz_args += ["--" + key, opts[key]]
        try:
            self.vzctl(ct, "create", vz_args)
        except Failure as failure:
            raise Failure("Failed to create the Container: %s" % failure.text)
        self.say("The Container has been successfully created.")
        return 0

    def cmd_delete(self, args):
        def action(ct, rest):
            if self.vz.state(ct)["running"]:
                raise Failure("Unable to delete the running Container")
            self.vzctl(ct, "destroy", [])
            os.unlink(ct.conf_path + ".destroyed") if os.path.exists(ct.conf_path + ".destroyed") else None
        return self.verb("Removing", args, action, "The CT has been successfully removed.")

    def cmd_start(self, args):
        return self.verb("Starting", args, lambda ct, rest: self.vzctl(ct, "start", []),
                         "The CT has been successfully started.")

    def cmd_stop(self, args):
        kill = "--kill" in args[1:]
        rest = [arg for arg in args if arg != "--kill"]

        def action(ct, _rest):
            if not self.vz.state(ct)["running"]:
                raise Failure("The CT is not running")
            self.vzctl(ct, "stop", ["--fast"] if kill else [])
        return self.verb("Stopping", rest, action, "The CT has been forcibly stopped" if kill
                         else "The CT has been successfully stopped.")

    def cmd_restart(self, args):
        return self.verb("Restarting", args, lambda ct, rest: self.vzctl(ct, "restart", []),
                         "The CT has been successfully restarted.")

    def cmd_suspend(self, args):
        return self.verb("Suspending", args, lambda ct, rest: self.vzctl(ct, "suspend", []),
                         "The CT has been successfully suspended.")

    def cmd_resume(self, args):
        return self.verb("Resuming", args, lambda ct, rest: self.vzctl(ct, "resume", []),
                         "The CT has been successfully resumed.")

    def cmd_mount(self, args):
        return self.verb("Mounting", args, lambda ct, rest: self.vzctl(ct, "mount", []),
                         "The CT has been successfully mounted.")

    def cmd_umount(self, args):
        return self.verb("Unmounting", args, lambda ct, rest: self.vzctl(ct, "umount", []),
                         "The CT has been successfully unmounted.")

    def cmd_status(self, args):
        if not args:
            raise Failure("The VE name or UUID is not specified.")
        ct = self.find(args[0])
        if ct is None or not ct.private_exists():
            self.say("VM %s deleted" % args[0])  # PrlSrv.cpp status_vm says VM when not found
            return 0
        self.say("CT %s exist %s" % (args[0], self.state_name(ct)))
        return 0

    def cmd_exec(self, args):
        if len(args) < 2:
            raise Failure("The command is not specified.")
        ct = self.need(args[0])
        rest = args[1:]
        if rest[0] == "--without-shell":
            argv = rest[1:]
        else:
            argv = ["bash", "-c", " ".join(rest)]
        if not self.vz.state(ct)["running"]:
            raise Failure("Failed to exec the command: the CT is not running", 255)
        return self.run_inside(ct, argv)

    def run_inside(self, ct, argv):
        sys.stdout.flush()
        try:
            return self.vz.runtime.exec(ct.ctid, ct.root_path, argv)
        except runtime_module.RuntimeEffectError as exc:
            raise Failure(str(exc), 255)

    def cmd_enter(self, args):
        ct = self.need(args[0] if args else "")
        if not self.vz.state(ct)["running"]:
            raise Failure("Failed to enter the CT: the CT is not running", 255)
        return self.run_inside(ct, ["bash", "-i"])

    # ----- set
    def cmd_set(self, args):
        if not args:
            raise Failure("The VE name or UUID is not specified.")
        ct = self.need(args[0])
        vz_args, device_lines = self.set_arguments(ct, args[1:])
        try:
            if vz_args:
                self.vzctl(ct, "set", vz_args + ["--save"])
        except Failure as failure:
            raise Failure("Failed to configure the CT: %s" % failure.text)
        for line in device_lines:
            self.say(line % self.device_info(ct))
        self.say("")
        self.say("The CT has been successfully configured.")
        return 0

    def set_arguments(self, ct, args):
        """prlctl set options -> vzctl 7 set options, device report lines."""
        simple = {"--cpus": "--cpus", "--cpuunits": "--cpuunits", "--hostname": "--hostname",
                  "--description": "--description", "--nameserver": "--nameserver",
                  "--searchdomain": "--searchdomain", "--userpasswd": "--userpasswd",
                  "--features": "--features", "--name": "--name", "--ipadd": "--ipadd",
                  "--ipdel": "--ipdel", "--diskspace": "--diskspace", "--swappages": "--swappages",
                  "--netif_add": "--netif_add", "--netif_del": "--netif_del"}
        vz_args, lines = [], []
        device, device_name = None, None
        index = 0
        while index < len(args):
            option = args[index]
            value = args[index + 1] if index + 1 < len(args) else None
            index += 2
            if option in ("--device-add", "--device-set", "--device-del"):
                device, device_name = option, value
                if option == "--device-add" and value == "net":
                    device_name = self.add_nic(ct, vz_args)
                    lines.append("Created %%(%s)s" % device_name)
                elif option == "--device-del":
                    nic = self.nic_ifname(ct, value)
                    vz_args += ["--netif_del", nic]
                continue
            if option == "--size" and device_name == "hdd0":
                vz_args += ["--diskspace", value]
            elif device_name and device_name.startswith("net") and option in (
                    "--network", "--ipadd", "--ipdel", "--gw", "--dhcp", "--mac", "--ifname"):
                if option == "--ifname":
                    continue
                vz_args += ["--ifname", self.nic_ifname(ct, device_name, vz_args), option, value]
            elif option in ("--memsize",):
                vz_args += ["--ram", value + ("" if value[-1:].isalpha() else "M")]
            elif option == "--cpulimit":
                vz_args += ["--cpulimit", value.rstrip("m")]
            elif option in ("--autostart", "--onboot"):
                vz_args += ["--onboot", "yes" if value in ("on", "auto", "yes") else "no"]
            elif option in simple:
                vz_args += [simple[option], value]
            else:
                raise Failure("Unrecognized option: %s" % option)
        return vz_args, lines

    def nic_ifname(self, ct, device_name, pending=()):
        """net<N> -> the CT interface name of that NIC (eth<N>)."""
        number = device_name[3:]
        ifname = "eth" + number
        known = [dev["ifname"] for dev in self.nics(ct)] + list(pending)
        if ifname not in " ".join(known).replace(",", " ").split():
            raise Failure("The %s device does not exist." % device_name)
        return ifname

    def add_nic(self, ct, vz_args):
        used = [dev["ifname"] for dev in self.nics(ct)]
        number = 0
        while "eth%d" % number in used:
            number += 1
        ifname = "eth%d" % number
        mac = PRL_OUI + generate_mac(ifname, ct.ctid, self.host.host_mac)[8:]
        host_mac = "FE" + mac[2:]
        vz_args += ["--netif_add", "%s,%s,,%s" % (ifname, mac, host_mac)]
        if "--network" not in vz_args:
            vz_args += ["--ifname", ifname, "--network", "Bridged"]
        return "net%d" % number

    def device_info(self, ct):
        ct.reload()
        info = {}
        running = self.vz.state(ct)["running"]
        for dev in self.nics(ct):
            name = "net" + "".join(ch for ch in dev["ifname"] if ch.isdigit())
            text = "%s dev='%s' (+) ifname='%s'" % (name, dev["host_ifname"], dev["ifname"])
            if dev.get("network"):
                text += " network='%s'" % dev["network"]
            text += " mac=%s" % dev["mac"].replace(":", "")
            if dev.get("ip"):
                text += " ips='%s'" % dev["ip"]
            text += " state=%s" % ("connected" if running else "disconnected")
            info[name] = text
        return info

    # ----- list
    def cmd_list(self, args):
        opts = _options(args, {"-o": "fields", "--output": "fields", "-s": "sort", "--sort": "sort",
                               "--vmtype": "vmtype"},
                        flags=("-a", "--all", "-j", "--json", "-H", "--no-header", "-L", "-t",
                               "--template", "-f", "--full", "-i", "--info"))
        if "-L" in opts["flags"]:
            for name, header, _fmt in FIELDS:
                if name not in HIDDEN:
                    self.say("%-20s %s" % (name, header))
            return 0
        json_out = bool(set(opts["flags"]) & {"-j", "--json"})
        if set(opts["flags"]) & {"-i", "--info"}:
            if not opts["rest"]:
                raise Failure("The VE name or UUID is not specified.")
            return self.list_info(self.need(opts["rest"][0]), json_out)
        order = (opts.get("fields") or DEFAULT_ORDER).split(",")
        for name in order:
            if name not in FIELD:
                raise Failure("Unknown field: %s" % name)
        cts = [Container(self.host, ctid) for ctid in self.host.configured_ids()]
        cts = [ct for ct in cts if ct.private_exists()]
        if not set(opts["flags"]) & {"-a", "--all"}:
            cts = [ct for ct in cts if self.vz.state(ct)["running"]]
        sort = opts.get("sort") or (order[0] if opts.get("fields") else "name")
        reverse = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in FIELD:
            raise Failure("%s is an invalid field name in this query." % sort)
        if sort in ("uuid", "id", "ctid", "veid", "name"):
            cts.sort(key=lambda ct: self.value(ct, sort, True))
        if reverse:
            cts.reverse()
        if json_out:
            rows = []
            for ct in cts:
                keys = ['\t\t"%s": "%s"' % (name, self.value(ct, name, True)) for name in order]
                rows.append("\t{\n" + ",\n".join(keys) + "\n\t}")
            sys.stdout.write("[\n" + ",\n".join(rows) + "\n]\n")
            return 0
        out = []
        if not set(opts["flags"]) & {"-H", "--no-header"}:
            out.append(self.row([FIELD[name][0] for name in order], order))
        for ct in cts:
            out.append(self.row([self.value(ct, name, index == len(order) - 1)
                                 for index, name in enumerate(order)], order))
        sys.stdout.write("".join(out))
        return 0

    def row(self, values, order):
        cells = []
        for index, (name, value) in enumerate(zip(order, values)):
            fmt = FIELD[name][1]
            cells.append(value if index == len(order) - 1 else fmt % value)
        return "".join(cells) + "\n"

    def value(self, ct, name, last):
        """A field's text (JSON: the same text; uuid without braces there)."""
        nics = self.nics(ct)
        if name in ("uuid", "id", "ctid", "veid"):
            return "{%s}" % self.uuid(ct) if not last or name != "uuid" else self.uuid(ct)
        if name == "envid":
            return ct.ctid
        if name == "status":
            return self.state_name(ct)
        if name == "type":
            return "CT"
        if name in ("ip", "ip_configured"):
            ips = [item for dev in nics for item in dev.get("ip", "").split()]
            ips += [item for item in (ct.ct_value("IP_ADDRESS") or "").split() if item != "0.0.0.0"]
            if not ips:
                return "-"
            return " ".join(ips) + " " if last else ips[0]
        if name == "netif":
            return " ".join(dev["ifname"] for dev in nics) + " " if nics else "-"
        if name == "mac":
            return " ".join(dev["mac"].replace(":", "") for dev in nics) + " " if nics else "-"
        if name == "numproc":
            return "-"
        if name in ("dist", "ostemplate"):
            template = (ct.ct_value("OSTEMPLATE") or "").lstrip(".")
            return (template.split("-")[0] if name == "dist" else template) or "-"
        key = {"name": "NAME", "description": "DESCRIPTION", "hostname": "HOSTNAME"}[name]
        return ct.ct_value(key) or "-"

    def list_info(self, ct, json_out):
        """list -i: one VE's configuration (PrlVm::append_configuration, a subset)."""
        items = [("ID", "{%s}" % self.uuid(ct)), ("EnvID", ct.ctid), ("Name", ct.ct_value("NAME") or ""),
                 ("Description", ct.ct_value("DESCRIPTION") or ""), ("Type", "CT"),
                 ("State", self.state_name(ct)),
                 ("OS", ((ct.ct_value("OSTEMPLATE") or "").lstrip(".").split("-") or [""])[0]),
                 ("Template", "no"), ("Home", ct.private_logical + "/"),
                 ("Autostart", "on" if ct.value("ONBOOT") == "yes" else "off")]
        hardware = [("cpu", [("cpus", ct.ct_value("CPUS") or "unlimited"),
                             ("cpuunits", ct.value("CPUUNITS") or "1000")]),
                    ("memory", [("size", "%dMb" % self.memsize_mb(ct))])]
        if ct.is_ploop():
            hardware.append(("hdd0", [("image", ct.private_logical + "/root.hdd"), ("type", "expanded"),
                                      ("size", "%dMb" % (self.disk_kb(ct) // 1024))]))
        running = self.vz.state(ct)["running"]
        for dev in self.nics(ct):
            nic = [("dev", dev["host_ifname"]), ("enabled", True), ("ifname", dev["ifname"])]
            nic.append(("network", dev["network"]) if dev.get("network") else ("type", "bridge"))
            nic.append(("mac", dev["mac"].replace(":", "")))
            if dev.get("ip"):
                nic.append(("ips", dev["ip"] + " "))
            if dev.get("dhcp") == "yes":
                nic.append(("dhcp", "yes"))
            nic.append(("state", "connected" if running else "disconnected"))
            hardware.append(("net" + "".join(ch for ch in dev["ifname"] if ch.isdigit()), nic))
        tail = []
        for key, label in (("HOSTNAME", "Hostname"), ("NAMESERVER", "DNS Servers"),
                           ("SEARCHDOMAIN", "Search Domains")):
            if ct.ct_value(key):
                tail.append((label, ct.ct_value(key)))
        if json_out:
            sys.stdout.write(_info_json(items, hardware, tail))
        else:
            sys.stdout.write(_info_text(items, hardware, tail))
        return 0

    def memsize_mb(self, ct):
        from . import units
        try:
            pages = units.parse_barrier_limit(ct.value("PHYSPAGES") or "0", "pages")[1]
        except units.UnitError:
            pages = 0
        return pages * 4 // 1024

    def disk_kb(self, ct):
        from . import units
        try:
            return units.parse_diskspace(ct.value("DISKSPACE") or "0")[1]
        except units.UnitError:
            return 0

    # ----- snapshots
    def cmd_snapshot(self, args):
        ct = self.need(args[0] if args else "")
        opts = _options(args[1:], {"--name": "name", "-n": "name", "--description": "description",
                                   "-d": "description", "--id": "id"})
        self.say("Creating the snapshot...")
        guid = snapshots.normalize_id(opts.get("id") or new_uuid())
        vz_args = ["--id", guid] + sum((["--" + key, opts[key]] for key in ("name", "description")
                                        if opts.get(key)), [])
        try:
            self.vzctl(ct, "snapshot", vz_args)
        except Failure as failure:
            raise Failure("Failed to create the snapshot: %s" % failure.text)
        self.say("The snapshot with id %s has been successfully created." % guid)
        return 0

    def cmd_snapshot_list(self, args):
        ct = self.need(args[0] if args else "")
        items = snapshots.load(ct) if ct.is_ploop() else []
        lines = [] if "-H" in args else ["PARENT_SNAPSHOT_ID                      SNAPSHOT_ID"]
        for item in items:
            lines.append("%38s %s%38s" % (item["parent"], "*" if item["current"] else " ", item["guid"]))
        sys.stdout.write("".join(line + "\n" for line in lines))
        return 0

    def cmd_snapshot_switch(self, args):
        ct = self.need(args[0] if args else "")
        guid = snapshots.normalize_id(_options(args[1:], {"--id": "id", "-i": "id"}).get("id") or "")
        self.say("Switch to the snapshot %s" % guid)
        try:
            self.vzctl(ct, "snapshot-switch", ["--id", guid])
        except Failure as failure:
            raise Failure("Failed to switch to snapshot: %s" % failure.text)
        self.say("The CT has been successfully switched.")
        return 0

    def cmd_snapshot_delete(self, args):
        ct = self.need(args[0] if args else "")
        guid = snapshots.normalize_id(_options(args[1:], {"--id": "id", "-i": "id"}).get("id") or "")
        self.say("Delete the snapshot...")
        try:
            self.vzctl(ct, "snapshot-delete", ["--id", guid])
        except Failure as failure:
            raise Failure("Failed to delete snapshot: %s" % failure.text)
        self.say("The snapshot has been successfully deleted.")
        return 0

    # ----- clone
    def cmd_clone(self, args):
        source = self.need(args[0] if args else "")
        name = _options(args[1:], {"--name": "name"}).get("name")
        if not name:
            raise Failure("Failed to clone the CT; the --name option is not specified.")
        if self.find(name) is not None:
            raise Failure("Failed to clone the CT: the name %s is already in use" % name)
        self.say("Clone the CT %s to CT %s..." % (source.ct_value("NAME") or source.ctid, name))
        import shutil
        ctid = new_uuid()
        clone = Container(self.host, ctid)
        shutil.copytree(source.private_path, clone.private_path.replace("$VEID", ctid), symlinks=True)
        shutil.copyfile(source.conf_path, clone.conf_path)
        clone.reload()
        clone.config.set("UUID", ctid)
        netif = parse_netif(clone.ct_value("NETIF"))
        if netif:  # new MACs and host names for the clone
            for dev in netif:
                for key in ("mac", "host_mac", "host_ifname"):
                    dev.pop(key, None)
            from .netif import VZ7_NETIF_KEYS, complete_device, format_netif
            clone.config.set("NETIF", format_netif(
                [complete_device(dev, ctid, self.host.host_mac, "vz7") for dev in netif], VZ7_NETIF_KEYS))
        clone.config.save(clone.conf_path)
        self.vz.set_name(clone, name)
        clone.config.set("NAME", name)
        clone.config.save(clone.conf_path)
        self.say("")
        self.say("The CT has been successfully cloned.")
        return 0


def _options(args, names, flags=()):
    """Options with a value (names: option -> key) and flags; 'rest': other words."""
    opts = {"flags": [], "rest": []}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in names and index + 1 < len(args):
            opts[names[arg]] = args[index + 1]
            index += 2
            continue
        if arg in flags:
            opts["flags"].append(arg)
        elif arg.startswith("-"):
            raise Failure("Unrecognized option: %s" % arg)
        else:
            opts["rest"].append(arg)
        index += 1
    return opts


def _json_value(value):
    if value is True or value is False:
        return "true" if value else "false"
    return '"%s"' % value


def _info_json(items, hardware, tail):
    """PrlOutFormatterJSON: a list with one tab-indented object."""
    lines = ['\t\t"%s": %s' % (key, _json_value(value.strip("{}") if key == "ID" else value))
             for key, value in items]
    devices = []
    for name, values in hardware:
        inner = ",\n".join('\t\t\t\t"%s": %s' % (key, _json_value(value)) for key, value in values)
        devices.append('\t\t\t"%s": {\n%s\n\t\t\t}' % (name, inner))
    lines.append('\t\t"Hardware": {\n' + ",\n".join(devices) + "\n\t\t}")
    lines += ['\t\t"%s": "%s"' % (key, value) for key, value in tail]
    return "[\n\t{\n" + ",\n".join(lines) + "\n\t}\n]\n"


def _info_text(items, hardware, tail):
    """PrlOutFormatterPlain: 'Key: value' lines, devices on one line each."""
    out = ["INFO\n"] + ["%s: %s\n" % (key, value) for key, value in items] + ["Hardware:\n"]
    for name, values in hardware:
        parts = []
        for key, value in values:
            if value is True:
                parts.append("(+)")
            elif name.startswith("net") and key != "mac" and key != "state":
                parts.append("%s='%s'" % (key, value))
            else:
                parts.append("%s=%s" % (key, value))
        out.append("  %s %s\n" % (name, " ".join(parts)))
    out += ["%s: %s\n" % (key, value) for key, value in tail]
    return "".join(out)


def main(argv=None):
    sys.exit(Prlctl(Host()).run(sys.argv[1:] if argv is None else argv))
