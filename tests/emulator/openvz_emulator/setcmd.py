"""vzctl set: pre-checks, applying to a running CT, --save (contract sections 1.2, 4.4)."""

import os

from . import units
from .config import ConfigFile
from .errors import Exit
from .getopt import GetoptError, getopt_long
from .netif import parse_netif
from .setparams import (
    SET_LONGOPTS, BadValue, SetRequest, apply_option, config_updates, merged_features, merged_netif)


class SetCommand(object):
    """Mixin of Vzctl: everything vzctl set does."""

    set_options = SET_LONGOPTS

    def cmd_set(self, ct, args):
        """The action of a set: options parsed (each through set_option) and checked first."""
        try:
            options, operands = getopt_long(args, "", self.set_options, "vzctl")
        except GetoptError as exc:
            self.log.err(str(exc))
            raise Exit(self.fl.rc("value"))
        self.no_extra_args(operands)
        req = SetRequest()
        for option, value in options:
            try:
                self.set_option(ct, req, option, value)
            except BadValue as bad:
                for line in bad.lines:
                    (self.log.out if line.startswith("Warning") else self.log.err)(line)
                if bad.bad_parameter:
                    self.err("bad_param", option, value)
                raise Exit(self.fl.rc("value"))
        self.set_prechecks(ct, req, options)

        def action():
            return self.set_ct(ct, req)
        action.request = req
        return action

    def set_option(self, ct, req, option, value):
        apply_option(req, option, value)

    def set_prechecks(self, ct, req, options):
        names = [name for name, _value in options]
        if req.reset_ub and len(names) > 1:
            self.fail("syntax", "reset_ub_exclusive")
        if req.offline_resize and req.diskspace is None:
            self.fail("syntax", "offline_resize")
        if "nodemask" in names and "cpumask" not in names:
            self.fail("syntax", "nodemask_needs_cpumask")
        if req.values.get("CPUMASK") == "auto" and "nodemask" not in names:
            self.fail("syntax", "cpumask_auto")
        if not req.save:
            if req.name is not None:
                self.fail("name_error", "name_without_save")
            for option in ("ostemplate", "stop-timeout"):
                if option in names:
                    self.fail("syntax", "option_without_save", option)
            if req.force:
                self.fail("syntax", "force_without_save")
            if req.diskspace is not None and ct.is_ploop():
                self.fail("syntax", "diskspace_without_save")
            if req.setmode == "restart":
                self.fail("syntax", "setmode_without_save")
        if "PHYSPAGES" in req.ubc or "SWAPPAGES" in req.ubc:
            physpages = req.ubc.get("PHYSPAGES")
            if physpages is None and ct.value("PHYSPAGES"):
                try:
                    physpages = units.parse_barrier_limit(ct.value("PHYSPAGES"), "pages")
                except units.UnitError:
                    physpages = None
            vswap = physpages is not None and physpages[1] not in (units.LONG_MAX, 2147483647)
            if vswap and "SWAPPAGES" not in req.ubc and not ct.value("SWAPPAGES"):
                self.fail("ubc_missing", "swap_not_set")

    def set_ct(self, ct, req):
        rc = self._set(ct, req)
        if req.save_cancelled:  # vzctl resets --save on these errors: no save, no warning
            return rc
        if req.save:
            if rc:
                self.err("apply_failed_not_saving")
                return rc
            return self.save_config(ct, req)
        if not req.userpasswd:
            running = ct.ctid != 0 and self.state(ct)["running"]
            self.out("not_saved_running" if running else "not_saved")
        return rc

    def save_config(self, ct, req):
        ct.reload()
        updates = config_updates(req, ct.config, ct.ctid, self.host.host_mac, self.netif_style)
        if req.applyconfig:
            sample_updates = self.applyconfig_values(req.applyconfig)
            for key, value in sample_updates.items():
                updates.setdefault(key, value)
            updates.setdefault("ORIGIN_SAMPLE", req.applyconfig)
        if not updates:
            self.out("no_changes")
            return 0
        if ct.config is None:
            self.err("config_missing_warning", ct.conf_logical)
            ct.config = ConfigFile()
        for key, value in updates.items():
            ct.config.set(key, value)
        ct.config.save(ct.conf_path)
        self.out("config_saved", self.saved_config_name(ct))
        return 0

    def saved_config_name(self, ct):
        """What the 'saved' line names: the config file (4.x), the CT (7)."""
        return ct.conf_logical

    def applyconfig_values(self, sample):
        config = ConfigFile.load(self.host.path(self.host.sample_logical(sample)))
        skipped = ("HOSTNAME", "IP_ADDRESS", "OSTEMPLATE", "VE_ROOT", "VE_PRIVATE", "DESCRIPTION", "NAME")
        values = {}
        for key, value in (config.values.items() if config else []):
            if key in skipped:
                continue
            if key in units.UBC_KIND:
                try:
                    value = units.format_barrier_limit(*units.parse_barrier_limit(value, units.UBC_KIND[key]))
                except units.UnitError:
                    continue
            values[key] = value
        return values

    def _set(self, ct, req):
        try:
            return self._set_steps(ct, req)
        except Exit as exc:
            return exc.rc

    def _set_steps(self, ct, req):
        if ct.ctid == 0:
            return 0
        old_devices = [dev["ifname"] for dev in parse_netif(ct.ct_value("NETIF"))]
        if req.netif_edit and not req.netif_edit_ifname:
            req.save_cancelled = True
            self.fail("syntax", "veth_needs_ifname", list(req.netif_edit)[0])
        if req.netif_edit_ifname and req.netif_edit_ifname not in old_devices + [d["ifname"] for d in req.netif_add]:
            req.save_cancelled = True
            self.fail("syntax", "veth_unknown", req.netif_edit_ifname)
        if req.name is not None:
            rc = self.set_name(ct, req.name)
            if rc:
                req.save_cancelled = True
                return rc
        state = self.state(ct)
        running = state["running"]
        if running:
            if "VE_PRIVATE" in req.values:
                self.fail("running", "change_running", "VE_PRIVATE")
            if "VE_ROOT" in req.values:
                self.fail("running", "change_running", "VE_ROOT")
        if req.applyconfig and not os.path.isfile(self.host.path(self.host.sample_logical(req.applyconfig))):
            self.fail("applyconfig", "applyconfig_missing", self.host.sample_logical(req.applyconfig))
        if req.diskinodes and ct.is_ploop():
            self.out("diskinodes_ploop")
        if req.save and not running:
            return 0
        if running:
            mode = self.check_set_mode(ct, req)
            if mode < 0:
                return self.fl.rc("running")
            if mode > 0:
                self.save_config_quietly(ct, req)
                ct.reload()
                self.out("restarting")
                self.stop_ct(ct)
                return self.start_ct(ct)
            return self.apply_running(ct, req, state)
        for category, key in (("ubc", "apply_ubc_stopped"), ("net", "apply_net_stopped"),
                              ("cpu", "apply_cpu_stopped"), ("veth", "apply_veth_stopped"),
                              ("configure", "apply_net_stopped")):
            if category in req.categories:
                self.fail("not_running", key)
        return 0

    def save_config_quietly(self, ct, req):
        quiet = self.log.quiet
        self.log.quiet = True
        try:
            self.save_config(ct, req)
        finally:
            self.log.quiet = quiet

    def check_set_mode(self, ct, req):
        """Print what cannot change on a running CT; 0 go on, 1 restart, -1 fail."""
        found = 0
        if req.capabilities:
            self.err("unable_running", "capability")
            found += 1
        for key, label in (("NETFILTER", "netfilter"), ("IPTABLES", "iptables")):
            if key in req.values and req.values[key] != ct.ct_value(key):
                self.err("unable_running", label)
                found += 1
        if req.features:
            if merged_features(ct.ct_value("FEATURES"), req) != merged_features(ct.ct_value("FEATURES"), SetRequest()):
                self.err("unable_running", "features")
                found += 1
        if "DISK_QUOTA" in req.values and req.values["DISK_QUOTA"] != ct.value("DISK_QUOTA"):
            self.err("dq_running")
            found += 1
        if "QUOTAUGIDLIMIT" in req.values:
            old = ct.value("QUOTAUGIDLIMIT") or "0"
            if (old == "0") != (req.values["QUOTAUGIDLIMIT"] == "0"):
                self.err("ugid_running")
                found += 1
        if "MOUNT_OPTS" in req.values and req.values["MOUNT_OPTS"] != ct.ct_value("MOUNT_OPTS"):
            self.err("mount_opts_running")
            found += 1
        if not found:
            return 0
        if req.setmode == "restart":
            return 1
        if req.setmode == "ignore":
            return -1
        self.err("setmode_warning")
        self.err("setmode_hint")
        return 0

    def apply_running(self, ct, req, state):
        if req.ubc:
            for key, pair in req.ubc.items():
                state["ubc"][key] = list(pair)
            self.store.save(ct.ctid, state)
            self.out("ub_set")
        if req.ip_del_all:
            self.out("ip_del_all", " ".join(state["ips"]))
            state["ips"] = []
        elif req.ip_del:
            deleted = [item.partition("/")[0] for item in req.ip_del]
            self.out("ip_del", " ".join(deleted))
            state["ips"] = [ip for ip in state["ips"] if ip not in deleted]
        if req.ip_add:
            added = [item.partition("/")[0] for item in req.ip_add]
            self.out("ip_add", " ".join(added))
            state["ips"] = [ip for ip in state["ips"] if ip not in added] + added
        cpu = state.setdefault("cpu", {})
        if "CPUUNITS" in req.values:
            cpu["units"] = int(req.values["CPUUNITS"])
            self.out("cpu_units", cpu["units"])
        if req.cpulimit is not None:
            cpu["limit"] = req.cpulimit
            self.out("cpu_limit", req.cpulimit)
        if "CPUS" in req.values:
            cpu["cpus"] = int(req.values["CPUS"])
            self.out("cpus", cpu["cpus"])
        self.store.save(ct.ctid, state)
        if "configure" in req.categories:
            self.configure_guest(ct, req.values.get("HOSTNAME"), req.nameservers, req.searchdomains)
        if req.netif_changes():
            old = dict((dev["ifname"], dev) for dev in self.netif_devices(ct))
            remaining, added = merged_netif(ct.ct_value("NETIF"), req, ct.ctid, self.host.host_mac,
                                            self.netif_style)
            remaining_names = set(dev["ifname"] for dev in remaining)
            removed = [dev for name, dev in old.items() if name not in remaining_names]
            replaced = [old[dev["ifname"]] for dev in added if dev["ifname"] in old]
            gone = removed + replaced
            if gone:
                self._remove_veths(ct, [dev["host_ifname"] for dev in gone])
                self.out("veth_delete", "".join(dev["host_ifname"] + " " for dev in gone))
                state["veth"] = [name for name in state.get("veth", [])
                                 if name not in [dev["host_ifname"] for dev in gone]]
            self.add_veths(ct, state, added)
            self.store.save(ct.ctid, state)
        return 0
