"""vzctl (legacy 4.x flavour) over the emulator state."""

import json
import os
import re
import shutil
import subprocess
import sys
import time

from . import runtime as runtime_module
from . import snapshots, units
from .container import (
    PLOOP_FS_DIR, Container, write_guest_hostname, write_guest_resolver, write_ploop_placeholders)
from .createcmd import CreateCommand
from .errors import Exit
from .flavour import LEGACY4
from .getopt import GetoptError, getopt_long
from .locking import ContainerLock, LockBusy, LockFailed
from .netif import complete_device, parse_netif
from .paths import MAX_CTID, NAMES_DIR, VZNETCFG, Host
from .setcmd import SetCommand
from .setparams import NAME_RE
from .state import RunStateStore

USAGE = """Usage: vzctl [options] <command> <ctid> [parameters]
vzctl create <ctid> [--ostemplate <name>] [--config <name>]
   [--layout ploop|simfs] [--hostname <name>] [--name <name>] [--ipadd <addr>]
   [--diskspace <kbytes>] [--private <path>] [--root <path>]
   [--local_uid <UID>] [--local_gid <GID>]
vzctl start <ctid> [--force] [--wait]
vzctl destroy | mount | umount | stop | restart | status <ctid>
vzctl convert <ctid> [--layout ploop[:mode]]
vzctl compact <ctid>
vzctl snapshot <ctid> [--id <uuid>] [--name <name>] [--description <desc>]
   [--skip-suspend] [--skip-config]
vzctl snapshot-switch <ctid> [--skip-resume | --must-resume] [--skip-config] --id <uuid>
vzctl snapshot-delete <ctid> --id <uuid>
vzctl snapshot-mount <ctid> --id <uuid> --target <dir>
vzctl snapshot-umount <ctid> --id <uuid>
vzctl snapshot-list <ctid> [-H] [-o field[,field...]] [--id <uuid>]
vzctl quotaon | quotaoff | quotainit <ctid>
vzctl console <ctid> [ttyN]
vzctl enter <ctid> [--exec <command> [arg ...]]
vzctl exec | exec2 | exec3 <ctid> <command> [arg ...]
vzctl runscript <ctid> <script>
vzctl suspend | chkpnt <ctid> [--dumpfile <name>]
vzctl resume | restore <ctid> [--dumpfile <name>]
vzctl set <ctid> [--save] [--force] [--setmode restart|ignore] <parameters>

Options:
  --quiet    be quiet
  --verbose  be verbose
  --skiplock skip locking
  --version  show version"""

COMMANDS = (
    "create set start stop restart destroy mount umount status exec exec2 exec3 enter "
    "runscript console suspend resume quotaon quotaoff quotainit snapshot "
    "snapshot-switch snapshot-delete snapshot-list snapshot-mount snapshot-umount "
    "convert compact").split()
ALIASES = {"delete": "destroy", "chkpnt": "suspend", "restore": "resume"}
UNLOCKED_COMMANDS = ("exec", "exec2", "exec3", "enter", "console", "status")
NEED_NO_CONFIG = ("create", "status", "set")
START_STOP_OPTIONS = {"force": False, "skip_ve_setup": False, "wait": False, "fast": False,
                      "skip-umount": False, "skip-fsck": False, "skip-remount": False}
START_ONLY = ("force", "skip_ve_setup", "wait", "skip-fsck", "skip-remount")
STOP_ONLY = ("fast", "skip-umount")
CT_FILE_SUFFIXES = (".conf", ".mount", ".umount", ".premount", ".postumount", ".start", ".stop")
# plausible held values of a running CT when its limit allows (native units)
HELD_BASE = {
    "KMEMSIZE": 4194304, "LOCKEDPAGES": 0, "PRIVVMPAGES": 20480, "SHMPAGES": 128,
    "PHYSPAGES": 8192, "VMGUARPAGES": 0, "OOMGUARPAGES": 8192, "NUMTCPSOCK": 4,
    "NUMFLOCK": 2, "NUMPTY": 1, "NUMSIGINFO": 0, "TCPSNDBUF": 71680, "TCPRCVBUF": 65536,
    "OTHERSOCKBUF": 9248, "DGRAMRCVBUF": 0, "NUMOTHERSOCK": 12, "DCACHESIZE": 917504,
    "NUMFILE": 256, "NUMIPTENT": 10, "SWAPPAGES": 0,
}
DEFAULT_NUMPROC = 5


class Logger(object):
    """stdout/stderr lines, silenced by --quiet, mirrored to LOGFILE."""

    def __init__(self, quiet=False, verbose=0):
        self.quiet = quiet
        self.verbose = verbose
        self.logfile = None
        self.ctid = None

    def _log(self, text):
        if not self.logfile:
            return
        try:
            with open(self.logfile, "a") as handle:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
                prefix = "CT %s : " % self.ctid if self.ctid is not None else ""
                handle.write("%s vzctl : %s%s\n" % (stamp, prefix, text))
        except (IOError, OSError):
            pass

    def out(self, text):
        if not self.quiet:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        self._log(text)

    def err(self, text):
        if not self.quiet:
            sys.stdout.flush()
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
        self._log(text)


class Vzctl(CreateCommand, SetCommand):
    """vzctl commands; create and set live in their mixins."""

    netif_style = "legacy"  # how missing NETIF names and MACs are generated

    def __init__(self, host, log, flavour=LEGACY4):
        self.host = host
        self.log = log
        self.fl = flavour
        self.store = RunStateStore(host.state_dir)
        self._runtime = None

    # ----- helpers
    @property
    def upstream_kernel(self):
        return self.host.settings.get("KERNEL", "openvz") == "upstream"

    @property
    def runtime(self):
        if self._runtime is None:
            try:
                self._runtime = runtime_module.get_runtime(self.host.runtime_name, self.host.state_dir)
            except runtime_module.RuntimeEffectError as exc:
                self.log.err(str(exc))
                raise Exit(self.fl.rc("system_error"))
        return self._runtime

    def fail(self, code, key, *args):
        self.log.err(self.fl.msg(key, *args))
        raise Exit(self.fl.rc(code))

    def out(self, key, *args):
        self.log.out(self.fl.msg(key, *args))

    def err(self, key, *args):
        self.log.err(self.fl.msg(key, *args))

    def no_extra_args(self, args):
        if args:
            self.fail("syntax", "extra_args", "".join(arg + " " for arg in args))

    def parse_options(self, args, longopts, unknown_rc="value"):
        try:
            return getopt_long(args, "", longopts, "vzctl")
        except GetoptError as exc:
            self.log.err(str(exc))
            raise Exit(self.fl.rc(unknown_rc))

    # ----- entry
    def run(self, argv):
        index = 0
        skiplock = False
        while index < len(argv) and argv[index].startswith("-"):
            flag = argv[index]
            if flag == "--quiet":
                self.log.quiet = True
            elif flag == "--verbose":
                self.log.verbose += 1
            elif flag == "--skiplock":
                skiplock = True
            elif flag == "--version":
                sys.stdout.write(self.fl.version_line + "\n")
                return 0
            elif flag == "--help":
                sys.stdout.write(self.fl.version_line + "\n" + USAGE + "\n")
                return 0
            else:
                sys.stderr.write(USAGE + "\n")
                return self.fl.rc("syntax")
            index += 1
        verbose_conf = self.host.global_value("VERBOSE", "0")
        if verbose_conf.isdigit():
            self.log.verbose = max(self.log.verbose, int(verbose_conf))
        if self.host.global_value("LOGGING", "no") == "yes":
            self.log.logfile = self.host.path(self.host.global_value("LOGFILE") or "/var/log/vzctl.log")
        if index >= len(argv):
            sys.stderr.write(USAGE + "\n")
            return self.fl.rc("syntax")
        command = ALIASES.get(argv[index], argv[index])
        if command not in COMMANDS:
            self.err("bad_command", argv[index])
            return self.fl.rc("syntax")
        if index + 1 >= len(argv):
            self.err("ctid_missing")
            return self.fl.rc("value")
        if self.upstream_kernel:
            # vzctl 4.x on a kernel without /proc/vz: says so, then works (section 11.5)
            self.out("no_proc_vz")
        try:
            ctid = self.resolve_ctid(argv[index + 1])
            self.log.ctid = ctid
            return self.dispatch(command, ctid, argv[index + 2:], skiplock)
        except Exit as exc:
            return exc.rc

    def resolve_ctid(self, arg):
        if re.match(r"^\s*-?\d+\s*$", arg):
            ctid = int(arg)
            if ctid < 0 or ctid > MAX_CTID:
                self.fail("value", "bad_ctid", arg)
            return ctid
        ctid = self.host.ctid_of_name_link(arg)
        if ctid is None:
            self.fail("value", "bad_ctid", arg)
        if Container(self.host, ctid).ct_value("NAME") != arg:
            self.fail("value", "name_not_found", arg)
        return ctid

    def dispatch(self, command, ctid, args, skiplock):
        if ctid == 0 and command != "set":
            self.fail("value", "ct0_only_set")
        ct = Container(self.host, ctid)
        if command not in NEED_NO_CONFIG and not ct.exists_config:
            self.fail("no_ct_config", "no_config")
        handler = getattr(self, "cmd_" + command.replace("-", "_"))
        prepared = handler(ct, args)  # parses options; returns the action to run
        if command in UNLOCKED_COMMANDS or skiplock:
            return prepared()
        lock = ContainerLock(self.host.path(self.host.lockdir_logical), ctid)
        try:
            lock.acquire(on_stale=lambda path: self.out("stale_lock", self._logical(path)))
        except LockBusy as busy:
            self.err("locked_by", busy.pid, busy.cmdline)
            self.fail("locked", "already_locked")
        except LockFailed:
            self.fail("system_error", "lock_failed")
        try:
            return prepared()
        finally:
            lock.release()

    def _logical(self, path):
        if self.host.root == "/":
            return path
        return "/" + os.path.relpath(path, self.host.root)

    # ----- state helpers
    def state(self, ct):
        return self.store.load(ct.ctid)

    def run_scripts(self, ct, names, kind):
        for name in names:
            logical = "/etc/vz/conf/" + name
            path = self.host.path(logical)
            if not os.path.isfile(path):
                continue
            if self.log.verbose >= 1:
                self.log.out("Running container script: %s" % logical)
            env = dict(os.environ, VEID=str(ct.ctid), VE_CONFFILE=ct.conf_logical)
            if subprocess.call(["/bin/bash", path], env=env) != 0:
                self.fail("action_script", "%s_script_failed" % kind, logical)

    def mount_ct(self, ct, state):
        self.run_scripts(ct, ["vps.premount", "%s.premount" % ct.ctid], "mount")
        if not os.path.isdir(ct.root_path):
            os.makedirs(ct.root_path)
        if ct.is_ploop():
            self.report_ploop_mount(ct, state)
        try:
            self.runtime.mount(ct.ctid, ct.fs_source, ct.root_path)
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            raise Exit(self.fl.rc("mount_failed"))
        state["mounted"] = True
        self.store.save(ct.ctid, state)
        self.run_scripts(ct, ["vps.mount", "%s.mount" % ct.ctid], "mount")
        self.out("mounted")

    def report_ploop_mount(self, ct, state):
        """The ploop library's lines; the device number is the lowest one no other
        mounted CT holds (kept in the run state)."""
        taken = set(other.get("ploop_dev") for ctid, other in
                    self.store.load_all(numeric=isinstance(ct.ctid, int)).items() if ctid != ct.ctid)
        number = 0
        while number in taken:
            number += 1
        state["ploop_dev"] = number
        image = ct.private_logical + "/root.hdd/root.hdd"
        device = "/dev/ploop%d" % number
        self.out("ploop_open_delta", image)
        self.out("ploop_add_delta", device, image)
        self.out("ploop_mounting", device, ct.root_logical, "balloon_ino=12,")

    def umount_ct(self, ct, state):
        self.run_scripts(ct, ["vps.umount", "%s.umount" % ct.ctid], "umount")
        try:
            self.runtime.umount(ct.ctid, ct.root_path)
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            raise Exit(self.fl.rc("umount_failed"))
        state["mounted"] = False
        self.store.save(ct.ctid, state)
        self.run_scripts(ct, ["vps.postumount", "%s.postumount" % ct.ctid], "umount")
        self.out("unmounted")

    def netif_devices(self, ct):
        return [complete_device(dev, ct.ctid, self.host.host_mac, self.netif_style)
                for dev in parse_netif(ct.ct_value("NETIF"))]

    def add_veths(self, ct, state, devices):
        """Create the pairs, run vznetcfg per device; rc 130 removes them."""
        if not devices:
            return
        added = []
        try:
            for device in devices:
                self.runtime.add_veth(ct.ctid, {
                    "ifname": device["ifname"], "mac": device["mac"],
                    "host_ifname": device["host_ifname"], "host_mac": device["host_mac"],
                    "bridge": device.get("bridge")})
                added.append(device["host_ifname"])
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            self._remove_veths(ct, added)
            raise Exit(self.fl.rc("veth_error"))
        self.report_veths(devices, added)
        self.run_vznetcfg(ct, added)
        state["veth"] = [name for name in state.get("veth", []) if name not in added] + added

    def report_veths(self, devices, added):
        self.out("veth_configure", "".join(name + " " for name in added))

    def run_vznetcfg(self, ct, added):
        """vznetcfg init veth <dev> per device; a failure removes them (rc 130)."""
        vznetcfg = self.host.path(VZNETCFG)
        if os.path.exists(vznetcfg):
            env = dict(os.environ, VEID=str(ct.ctid))
            for name in added:
                sys.stdout.flush()
                if subprocess.call([vznetcfg, "init", "veth", name], env=env) != 0:
                    self.err("vznetcfg_failed")
                    self._remove_veths(ct, added)
                    raise Exit(self.fl.rc("veth_error"))

    def _remove_veths(self, ct, names):
        for name in names:
            self._undo(self.runtime.del_veth, ct.ctid, name)

    def _undo(self, effect, *args):
        """Roll back a runtime effect after a failure; report, never raise."""
        try:
            effect(*args)
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))

    def bring_up(self, ct, state):
        """Start the CT's init and configure it (IPs, CPU, veth)."""
        try:
            self.runtime.start(ct.ctid, ct.root_path, ct.value("HOSTNAME") or "")
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            self.err("start_failed")
            raise Exit(self.fl.rc("system_error"))
        state.update(running=True, start_time=time.time(), ips=[], veth=[])
        state["ubc"] = {}
        for key in units.UBC_KEYS:
            value = ct.value(key)
            if value:
                try:
                    state["ubc"][key] = list(units.parse_barrier_limit(value, units.UBC_KIND[key]))
                except units.UnitError:
                    pass
        ips = [item.partition("/")[0] for item in (ct.ct_value("IP_ADDRESS") or "").split()
               if item.partition("/")[0] not in ("0.0.0.0", "::", "::0")]
        if ips:
            self.out("ip_add", " ".join(ips))
            state["ips"] = ips
        cpu = {}
        cpuunits = ct.value("CPUUNITS")
        cpu["units"] = int(cpuunits) if (cpuunits or "").isdigit() else 1000
        self.out("cpu_units", cpu["units"])
        for key, name, message in (("CPULIMIT", "limit", "cpu_limit"), ("CPUS", "cpus", "cpus")):
            value = ct.value(key)
            if value and value.isdigit():
                cpu[name] = int(value)
                self.out(message, int(value))
        state["cpu"] = cpu
        state["disk_usage"] = disk_usage(ct.fs_source)
        self.store.save(ct.ctid, state)
        try:
            self.add_veths(ct, state, self.netif_devices(ct))
        except Exit:
            self._undo(self.runtime.stop, ct.ctid)
            state.update(running=False, ips=[], veth=[])
            self.store.save(ct.ctid, state)
            raise
        self.store.save(ct.ctid, state)
        self.configure_guest(ct, ct.value("HOSTNAME"), _dns_list(ct.value("NAMESERVER")),
                             _dns_list(ct.value("SEARCHDOMAIN")), report=True)

    def configure_guest(self, ct, hostname, nameservers, searchdomains, report=False):
        """Hostname and resolver files inside the CT, as the distribution scripts do;
        report: print the start-time lines (section 11.6)."""
        if hostname:
            if write_guest_hostname(ct.fs_source, hostname) and report:
                self.out("set_hostname", hostname)
            if self.host.runtime_name != "none":  # the none runtime would rename the host
                try:
                    self.runtime.exec(ct.ctid, ct.root_path, ["hostname", hostname])
                except runtime_module.RuntimeEffectError:
                    pass
        if write_guest_resolver(ct.fs_source, nameservers, searchdomains,
                                self.host.path("/etc/resolv.conf")) and report:
            self.out("resolv_modified")

    # ----- start / stop
    def start_ct(self, ct, wait=False, force=False):
        if ct.value("DISABLED") == "yes" and not force:
            self.fail("start_disabled", "start_disabled")
        if not ct.private_logical:
            self.fail("ve_private_not_set", "runtime_error", "VE_PRIVATE is not set")
        if not ct.private_exists():
            self.fail("no_private", "private_missing", ct.private_logical)
        state = self.state(ct)
        if state["running"]:
            self.fail("running", "already_running")
        if os.path.exists(ct.dump_path):
            self.out("dump_exists", ct.dump_logical)
            return self.resume_ct(ct, ct.dump_path)
        if ct.exists_config and not ct.ct_value("VE_LAYOUT"):
            self.out("layout_saved", ct.layout)
            ct.config.set("VE_LAYOUT", ct.layout)
            ct.config.save(ct.conf_path)
        self.out("starting")
        mounted_here = False
        if not state["mounted"]:
            self.mount_ct(ct, state)
            mounted_here = True
        try:
            self.bring_up(ct, state)
        except Exit:
            if mounted_here:
                self._undo(self.runtime.umount, ct.ctid, ct.root_path)
                state["mounted"] = False
                self.store.save(ct.ctid, state)
            raise
        if wait:
            self.out("start_waiting")
            self.out("start_ok")
        else:
            self.out("start_in_progress")
        return 0

    def stop_ct(self, ct, fast=False, skip_umount=False):
        state = self.state(ct)
        if not state["running"]:
            self.err("stop_not_running")
            return 0
        self.out("killing" if fast else "stopping")
        try:
            self.runtime.stop(ct.ctid)
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            self.fail("stop_failed", "stop_failed")
        state.update(running=False, ips=[], veth=[], start_time=None)
        self.store.save(ct.ctid, state)
        self.out("stopped")
        if not skip_umount and state["mounted"]:
            self.umount_ct(ct, state)
        return 0

    def _start_stop_options(self, args, command):
        options, operands = self.parse_options(args, START_STOP_OPTIONS, unknown_rc="syntax")
        self.no_extra_args(operands)
        names = set(name for name, _value in options)
        for name, _value in options:
            if (command == "start" and name in STOP_ONLY) or (command == "stop" and name in START_ONLY):
                self.fail("syntax", "not_applicable", name, command)
        return names

    def cmd_start(self, ct, args):
        names = self._start_stop_options(args, "start")
        return lambda: self.start_ct(ct, wait="wait" in names, force="force" in names)

    def cmd_stop(self, ct, args):
        names = self._start_stop_options(args, "stop")
        return lambda: self.stop_ct(ct, fast="fast" in names, skip_umount="skip-umount" in names)

    def cmd_restart(self, ct, args):
        names = self._start_stop_options(args, "restart")

        def action():
            self.out("restarting")
            if self.state(ct)["running"]:
                rc = self.stop_ct(ct, fast="fast" in names, skip_umount="skip-umount" in names)
                if rc:
                    return rc
            return self.start_ct(ct, wait="wait" in names, force="force" in names)
        return action

    # ----- destroy / mount / umount / status
    def cmd_destroy(self, ct, args):
        self.no_extra_args(args)

        def action():
            state = self.state(ct)
            if state["running"]:
                self.out("destroy_running")
                return self.fl.rc("running")
            if state["mounted"]:
                self.out("destroy_mounted")
                return self.fl.rc("mounted")
            self.out("destroying", ct.private_logical)
            if ct.private_path and os.path.lexists(ct.private_path):
                shutil.rmtree(ct.private_path)
            for suffix in CT_FILE_SUFFIXES:
                path = self.host.path("/etc/vz/conf/%s%s" % (ct.ctid, suffix))
                if os.path.exists(path):
                    os.rename(path, path + ".destroyed")
            for name in self.names_of(ct):
                os.unlink(os.path.join(self.host.path(NAMES_DIR), name))
            if ct.root_path and os.path.isdir(ct.root_path) and not os.path.ismount(ct.root_path):
                shutil.rmtree(ct.root_path)
            if os.path.exists(ct.dump_path):
                os.unlink(ct.dump_path)
            self.store.delete(ct.ctid)
            self.out("destroyed")
            return 0
        return action

    def cmd_mount(self, ct, args):
        self.no_extra_args(args)

        def action():
            state = self.state(ct)
            if state["mounted"]:
                self.err("already_mounted")
                return 0
            if not ct.private_exists():
                self.fail("no_private", "private_missing", ct.private_logical)
            self.mount_ct(ct, state)
            return 0
        return action

    def cmd_umount(self, ct, args):
        self.no_extra_args(args)

        def action():
            state = self.state(ct)
            if state["running"]:
                self.fail("running", "umount_running")
            if not state["mounted"]:
                self.fail("not_mounted", "not_mounted")
            self.umount_ct(ct, state)
            return 0
        return action

    def cmd_status(self, ct, args):
        self.no_extra_args(args)

        def action():
            state = self.state(ct)
            exist = ct.exists_config and ct.private_exists()
            suspended = exist and not state["running"] and os.path.exists(ct.dump_path)
            sys.stdout.write("CTID %d %s %s %s%s\n" % (
                ct.ctid, "exist" if exist else "deleted",
                "mounted" if state["mounted"] else "unmounted",
                "running" if state["running"] else "down",
                " suspended" if suspended else ""))
            return 0
        return action

    # ----- exec family
    def _exec(self, ct, argv, not_running_rc, stdin=None):
        if not self.state(ct)["running"]:
            self.err("not_running")
            return not_running_rc
        sys.stdout.flush()
        try:
            return self.runtime.exec(ct.ctid, ct.root_path, argv, stdin=stdin)
        except runtime_module.RuntimeEffectError as exc:
            self.log.err(str(exc))
            return self.fl.rc("exec_not_started")

    def _exec_command(self, ct, args, mode):
        if not args:
            self.fail("syntax", "no_exec_command")
        if mode == "exec3":
            argv = list(args)
        elif args[0] == "-":
            argv = ["bash"]
        else:
            argv = ["bash", "-c", "".join((arg if arg else "''") + " " for arg in args)]
        if self.log.verbose >= 1:
            self.log.out("Executing command: %s" % " ".join(argv))

        def action():
            if mode == "exec":
                rc = self._exec(ct, argv, self.fl.rc("exec_failed"))
                return 0 if rc == 0 else self.fl.rc("exec_failed")
            return self._exec(ct, argv, self.fl.rc("not_running"))
        return action

    def cmd_exec(self, ct, args):
        return self._exec_command(ct, args, "exec")

    def cmd_exec2(self, ct, args):
        return self._exec_command(ct, args, "exec2")

    def cmd_exec3(self, ct, args):
        return self._exec_command(ct, args, "exec3")

    def cmd_enter(self, ct, args):
        if args and args[0] != "--exec":
            self.log.err("Invalid option '%s'" % args[0])
            raise Exit(self.fl.rc("syntax"))
        if args and len(args) < 2:
            self.log.err("No command line given for --exec")
            raise Exit(self.fl.rc("syntax"))
        argv = ["bash", "-c", " ".join(args[1:])] if args else ["bash", "-i"]
        return lambda: self._exec(ct, argv, self.fl.rc("not_running"))

    def cmd_runscript(self, ct, args):
        if not args:
            self.fail("syntax", "script_not_specified")
        script = args[0]

        def action():
            if not os.path.isfile(script):
                self.fail("script_not_found", "script_not_found", script)
            with open(script, "rb") as handle:
                body = handle.read()
            return self._exec(ct, ["bash", "-s"] + list(args[1:]), self.fl.rc("not_running"), stdin=body)
        return action

    def cmd_console(self, ct, args):
        def action():
            if not self.state(ct)["running"]:
                self.fail("not_running", "not_running")
            self.log.err("console is not emulated")
            return self.fl.rc("system_error")
        return action

    # ----- suspend / resume
    def _dumpfile_option(self, args):
        options, operands = self.parse_options(
            args, {"dumpfile": True, "dump": False, "suspend": False, "resume": False,
                   "kill": False, "skip_arpdetect": False, "flags": True, "context": True})
        self.no_extra_args(operands)
        for name, value in options:
            if name == "dumpfile":
                return value, self.host.path(value) if value.startswith("/") else value
        return None, None

    def cmd_suspend(self, ct, args):
        dump_path = self._dumpfile_option(args)[1]

        def action():
            state = self.state(ct)
            if not state["running"]:
                self.fail("not_running", "not_running")
            path = dump_path or ct.dump_path
            self.out("cpt_setup")
            self.out("cpt_suspend")
            self.out("cpt_dump")
            directory = os.path.dirname(path)
            if directory and not os.path.isdir(directory):
                os.makedirs(directory)
            dump = {"ctid": ct.ctid, "ips": state["ips"], "start_time": state["start_time"]}
            with open(path, "w") as handle:
                json.dump(dump, handle)
            self.out("cpt_kill")
            try:
                self.runtime.stop(ct.ctid)
            except runtime_module.RuntimeEffectError as exc:
                self.log.err(str(exc))
                raise Exit(self.fl.rc("suspend_error"))
            state.update(running=False, ips=[], veth=[])
            self.store.save(ct.ctid, state)
            self.out("cpt_ok")
            if state["mounted"]:  # vzctl unmounts after the checkpoint completed
                self.umount_ct(ct, state)
            return 0
        return action

    def resume_ct(self, ct, dump_path):
        state = self.state(ct)
        if state["running"]:
            self.fail("running", "already_running")
        if not os.path.exists(dump_path):
            self.fail("resume_error", "dump_open_failed", self._logical(dump_path))
        self.restore_ct(ct, state)
        os.unlink(dump_path)
        self.out("restore_ok")
        return 0

    def restore_ct(self, ct, state):
        """Bring a CT back from a dump: the restore lines around the start's lines."""
        self.out("restoring")
        self.out("restore_starting")
        if not state["mounted"]:
            self.mount_ct(ct, state)
        self.out("restore_undump")
        self.bring_up(ct, state)
        self.out("restore_resume")

    def cmd_resume(self, ct, args):
        dump_path = self._dumpfile_option(args)[1]
        return lambda: self.resume_ct(ct, dump_path or ct.dump_path)

    # ----- quota, convert, compact
    def _quota(self, ct, args):
        self.no_extra_args(args)

        def action():
            if ct.value("DISK_QUOTA", "yes") == "no":
                self.out("quota_disabled")
            elif ct.layout == "ploop":
                self.out("quota_ploop")
            return 0
        return action

    cmd_quotaon = cmd_quotaoff = cmd_quotainit = _quota

    def cmd_convert(self, ct, args):
        options, operands = self.parse_options(args, {"layout": True, "ve_layout": True, "velayout": True})
        self.no_extra_args(operands)
        target = "ploop"
        for _option, value in options:
            target = value.split(":")[0]

        def action():
            if target != "ploop":
                self.fail("value", "only_ploop_conversion")
            if ct.layout == "ploop":
                self.fail("value", "already_ploop")
            state = self.state(ct)
            if state["running"] or state["mounted"]:
                self.fail("running", "runtime_error", "Container is running, stop it first")
            if not ct.private_exists():
                self.fail("no_private", "private_missing", ct.private_logical)
            private = ct.private_path
            staging = private + ".convert"
            os.rename(private, staging)
            os.makedirs(os.path.join(private, "root.hdd"))
            os.rename(staging, os.path.join(private, PLOOP_FS_DIR))
            write_ploop_placeholders(os.path.join(private, "root.hdd"), self._disk_kb(ct))
            ct.config.set("VE_LAYOUT", "ploop")
            ct.config.save(ct.conf_path)
            return 0
        return action

    def _disk_kb(self, ct):
        try:
            return units.parse_diskspace(ct.value("DISKSPACE") or "")[1]
        except units.UnitError:
            return 0

    def cmd_compact(self, ct, args):
        self.no_extra_args(args)

        def action():
            if not ct.private_exists():
                self.fail("no_private", "private_missing", ct.private_logical)
            if ct.layout != "ploop":
                self.out("compact_simfs")
            return 0
        return action

    # ----- snapshots
    def _snapshot_command(self, ct, args, command):
        return snapshots.command(self, ct, args, command)

    def cmd_snapshot(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot")

    def cmd_snapshot_switch(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot-switch")

    def cmd_snapshot_delete(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot-delete")

    def cmd_snapshot_list(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot-list")

    def cmd_snapshot_mount(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot-mount")

    def cmd_snapshot_umount(self, ct, args):
        return self._snapshot_command(ct, args, "snapshot-umount")

    # ----- names
    def name_owner(self, name):
        return self.host.ctid_of_name_link(name)

    def names_of(self, ct):
        """Every /etc/vz/names link pointing to ct."""
        try:
            names = os.listdir(self.host.path(NAMES_DIR))
        except OSError:
            return []
        return [name for name in names if self.name_owner(name) == ct.ctid]

    def set_name(self, ct, name):
        """Create /etc/vz/names/<name>, drop the old name's link; rc or 0."""
        if not NAME_RE.match(name):
            self.err("invalid_name", name)
            return self.fl.rc("name_error")
        names_dir = self.host.path(NAMES_DIR)
        owner = self.name_owner(name)
        if owner is not None and owner != ct.ctid and os.path.exists(self.host.conf_path(owner)):
            self.err("name_conflict", name, owner)
            return self.fl.rc("name_error")
        old_name = ct.ct_value("NAME")
        if old_name == name and owner == ct.ctid:
            return 0
        if not os.path.isdir(names_dir):
            os.makedirs(names_dir)
        link = os.path.join(names_dir, name)
        tmp_link = link + ".tmp-%d" % os.getpid()
        os.symlink(ct.conf_logical, tmp_link)
        os.rename(tmp_link, link)
        if old_name and old_name != name and self.name_owner(old_name) == ct.ctid:
            os.unlink(os.path.join(names_dir, old_name))
        self.out("name_assigned", name)
        return 0


def _dns_list(value):
    """NAMESERVER/SEARCHDOMAIN value as a list; None when unset."""
    if value is None:
        return None
    items = value.split()
    return ["inherit"] if items[:1] == ["inherit"] else items


def disk_usage(path):
    """(KB used, inodes used) of a file tree; None when absent."""
    if not path or not os.path.isdir(path):
        return None
    blocks, inodes = 0, 0
    for directory, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            try:
                info = os.lstat(os.path.join(directory, name))
            except OSError:
                continue
            inodes += 1
            blocks += getattr(info, "st_blocks", 0)
    return [blocks // 2, inodes + 1]


def main(argv=None):
    host = Host()
    if host.flavour_name == "vz7":
        from .vzctl7 import main as main7
        return main7(argv)
    vzctl = Vzctl(host, Logger())
    sys.exit(vzctl.run(sys.argv[1:] if argv is None else argv))
