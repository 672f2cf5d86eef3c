"""Full-kernel lab host: a qemu (TCG) VM booted from the cached Debian image.

    python3 tests/lab/vm/vmlab.py ACTION ...

    vmlab.py build  [--force] [--prune]             build the base image unless cached
    vmlab.py up     --dir DIR [--netdev-opt OPT]... boot a throw-away overlay, wait for SSH,
                                                    provision tests/emulator
    vmlab.py ssh    --dir DIR [-- COMMAND...]       run a command (or a shell) in the VM
    vmlab.py status --dir DIR                       print the run state as JSON
    vmlab.py down   --dir DIR                       stop qemu, delete the overlay

The VM has no way off the machine: qemu user networking with ``restrict=on`` and one
``hostfwd`` from a free loopback port to the guest's sshd. Extra ``-netdev`` options
(e.g. ``guestfwd=tcp:10.0.2.100:2049-tcp:127.0.0.1:12049``) go through ``--netdev-opt``.
"""

import argparse
import hashlib
import io
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmimage  # noqa: E402  pylint: disable=wrong-import-position

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EMULATOR_SRC = os.path.join(REPO_ROOT, "tests", "emulator")
EMULATOR_DEST = "/opt/openvz-emulator"
# The commands of each line's host: a legacy host has no prlctl (its presence is what
# tells a 7/9 host apart).
EMULATOR_COMMANDS = {
    "legacy": ("vzctl", "vzlist", "vznetcfg", "vznetaddbr"),
    "vz7": ("vzctl", "vzlist", "vznetcfg", "vznetaddbr", "prlctl", "prlsrvctl", "vzpkg"),
}
FLAVOURS = tuple(EMULATOR_COMMANDS)
# A 7/9 host's EZ OS template: the busybox tree, cached as vzpkg create cache makes it.
TEMPLATE_BUILDER = os.path.join(EMULATOR_SRC, "templates", "build_busybox_template.py")
TEMPLATE_NAME = "busybox-1.35-x86_64"
VZ7_TEMPLATE_DIR = "/vz/template/busybox/1.35/x86_64/config/os/default"
VZ7_BRIDGE = "br0"
EMULATOR_SKIP = ("__pycache__", ".pytest_cache")

STATE_FILE = "state.json"
SSH_WAIT_SECONDS = 240
KERNEL_CMDLINE = ("root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=1 "
                  "mitigations=off systemd.show_status=auto")


class LabError(Exception):
    """The VM could not be started, reached or stopped."""


def _free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path, lines=40):
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return "(no serial log at %s)" % path
    return "\n".join(text.replace("\r", "").splitlines()[-lines:])


def _pid_is_our_qemu(pid, pidfile):
    """True if pid is alive and is the qemu started with this run's pidfile."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            argv = handle.read().split(b"\0")
    except OSError:
        return False
    return pidfile.encode() in argv


class LabVM:
    """One lab VM run, its state kept in ``run_dir`` so other processes can reach it."""

    host = "127.0.0.1"

    def __init__(self, run_dir, cache_dir=None):
        self.run_dir = os.path.abspath(run_dir)
        self.cache_dir = cache_dir
        self.state = {}
        self._load_state()

    # -- paths and state ----------------------------------------------------------
    def _path(self, name):
        return os.path.join(self.run_dir, name)

    @property
    def pidfile(self):
        return self._path("qemu.pid")

    @property
    def serial_log(self):
        return self._path("serial.log")

    @property
    def overlay(self):
        return self._path("overlay.qcow2")

    @property
    def inventory(self):
        return self._path("inventory.ini")

    @property
    def name(self):
        """Host name and inventory name (the image's, unless ``up`` was given another)."""
        return self.state.get("name") or vmimage.VM_HOSTNAME

    @property
    def port(self):
        return self.state.get("port")

    @property
    def key(self):
        return self.state.get("key")

    def _load_state(self):
        try:
            with open(self._path(STATE_FILE)) as handle:
                self.state = json.load(handle)
        except (OSError, ValueError):
            self.state = {}

    def _write(self, name, content):
        tmp = self._path(name + ".tmp")
        with open(tmp, "w") as handle:
            handle.write(content)
        os.rename(tmp, self._path(name))

    def _save_state(self):
        self._write(STATE_FILE, json.dumps(self.state, indent=2, sort_keys=True) + "\n")

    def qemu_pid(self):
        """The running qemu's pid, or None."""
        try:
            with open(self.pidfile) as handle:
                pid = int(handle.read().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_is_our_qemu(pid, self.pidfile) else None

    # -- ssh ------------------------------------------------------------------------
    def ssh_options(self):
        """ssh options (without the destination) that reach the VM with a pinned host key.

        Calls share the connection of the master started by ``up`` when it exists.
        ssh keeps the first value of an option: put overrides before these.
        """
        return [
            "-p", str(self.port),
            "-i", self.key,
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=" + self.state["known_hosts"],
            "-o", "HostKeyAlias=" + vmimage.VM_HOSTNAME,  # the image's pinned host key
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=10",
            "-o", "ServerAliveInterval=15",
            "-o", "LogLevel=ERROR",
            "-o", "ControlMaster=no",
            "-o", "ControlPath=" + self._path("ssh.sock"),
        ]

    def ssh_argv(self, command=None, overrides=()):
        """ssh argv running ``command`` (argv list: quoted; str: a remote shell line)."""
        argv = ["ssh"] + list(overrides) + self.ssh_options() + ["root@" + self.host]
        if command is None:
            return argv
        if not isinstance(command, str):
            command = shlex.join(command)
        return argv + ["--", command]

    def ssh(self, command, check=False, timeout=300, input=None,  # pylint: disable=redefined-builtin
            overrides=()):
        """Run a command in the VM; returns a text CompletedProcess."""
        if not self.port:
            raise LabError("the VM in %s is not up" % self.run_dir)
        return subprocess.run(self.ssh_argv(command, overrides), input=input, capture_output=True,
                              text=True, timeout=timeout, check=check)

    def _start_ssh_master(self):
        """One persistent connection that later ssh calls reuse (saves a TCG handshake each)."""
        argv = (["ssh", "-o", "ControlMaster=yes", "-o", "ControlPersist=yes", "-N", "-f"]
                + self.ssh_options() + ["root@" + self.host])
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, check=False)

    def _stop_ssh_master(self):
        if self.port and os.path.exists(self._path("ssh.sock")):
            subprocess.run(["ssh"] + self.ssh_options() + ["-O", "exit", "root@" + self.host],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, check=False)

    # -- lifecycle --------------------------------------------------------------------
    def up(self, netdev_opts=(), memory="1024", cpus="2", provision=True,  # pylint: disable=too-many-arguments
           wait_seconds=SSH_WAIT_SECONDS, progress=sys.stderr, name=None, nics=(), flavour="legacy"):
        """Build (if needed) and boot the VM, wait for SSH, provision the emulator.

        ``name`` renames the host (hostname, inventory name); each of ``nics`` is a qemu
        ``-netdev`` spec without ``id`` (e.g. ``socket,udp=...,localaddr=...``) that becomes
        eth1, eth2, ... in the guest.
        """
        if name is not None and not re.match(r"^[a-z][a-z0-9-]{0,30}$", name):
            raise LabError("invalid VM name %r: lower-case letters, digits and '-'" % name)
        running_pid = self.qemu_pid()
        if running_pid:
            raise LabError("a VM is already running from %s (pid %s); run down first"
                           % (self.run_dir, running_pid))
        image = vmimage.build(self.cache_dir, progress=progress)
        os.makedirs(self.run_dir, exist_ok=True)
        self.down()
        created = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                                  "-b", os.path.join(image, "base.qcow2"), self.overlay],
                                 capture_output=True, text=True, check=False)
        if created.returncode != 0:
            raise LabError("creating the overlay %s failed: %s" % (self.overlay, created.stderr.strip()))
        started = time.monotonic()
        try:
            self._start_qemu(image, list(netdev_opts), memory, cpus, name, list(nics))
            self._wait_for_ssh(wait_seconds)
            self.state["boot_to_ssh_seconds"] = round(time.monotonic() - started, 1)
            self._start_ssh_master()
            if self.name != vmimage.VM_HOSTNAME:
                self._rename_host()
            if provision:
                self.provision_emulator(flavour)
        except BaseException:
            self.down()
            raise
        self.state["up_seconds"] = round(time.monotonic() - started, 1)
        self._save_state()
        progress.write("vmlab: %s up on %s:%d, SSH after %.1f s, ready after %.1f s\n"
                       % (self.name, self.host, self.port, self.state["boot_to_ssh_seconds"],
                          self.state["up_seconds"]))
        return self

    def _rename_host(self):
        # A clone gets its own machine id too, as cloning a host requires.
        script = ('set -e; hostname "$1"; echo "$1" > /etc/hostname; '
                  'tr -d - < /proc/sys/kernel/random/uuid > /etc/machine-id; '
                  'sed -i "s/\\<%s\\>/$1/g" /etc/hosts' % vmimage.VM_HOSTNAME)
        result = self.ssh(["sh", "-c", script, "sh", self.name], timeout=60)
        if result.returncode != 0:
            raise LabError("renaming the VM to %s failed: %s%s" % (self.name, result.stdout, result.stderr))

    def _nic_argv(self, nics):
        argv = []
        for index, spec in enumerate(nics, 1):
            mac_bytes = hashlib.sha256(("%s/%d" % (self.name, index)).encode()).digest()[:3]
            mac = "52:54:00:" + ":".join("%02x" % byte for byte in mac_bytes)
            argv += ["-netdev", "%s,id=net%d" % (spec, index),
                     "-device", "virtio-net-pci,netdev=net%d,mac=%s" % (index, mac)]
        return argv

    def _qemu_argv(self, image, port, netdev_opts, memory, cpus, nics):
        netdev = ",".join(["user", "id=net0", "restrict=on",
                           "hostfwd=tcp:%s:%d-:22" % (self.host, port)] + netdev_opts)
        return [
            "qemu-system-x86_64",
            "-name", self.name,
            "-nodefaults",  # no VGA, floppy, parallel port or CD-ROM to probe at boot
            "-accel", "tcg",
            "-m", memory,
            "-smp", cpus,
            "-kernel", os.path.join(image, "vmlinuz"),
            "-initrd", os.path.join(image, "initrd.img"),
            "-append", KERNEL_CMDLINE,
            "-drive", "file=%s,format=qcow2,if=virtio,cache=unsafe" % self.overlay,
            "-netdev", netdev,
            "-device", "virtio-net-pci,netdev=net0",
        ] + self._nic_argv(nics) + [
            "-device", "virtio-rng-pci",
            "-display", "none",
            "-monitor", "none",
            "-serial", "file:" + self.serial_log,
            "-no-reboot",
            "-daemonize",
            "-pidfile", self.pidfile,
        ]

    def _start_qemu(self, image, netdev_opts, memory, cpus, name, nics):  # pylint: disable=too-many-arguments
        # A free port can be taken between the probe and qemu's bind: retry a few times.
        for _attempt in range(3):
            port = _free_loopback_port()
            self.state = {"name": name} if name else {}
            argv = self._qemu_argv(image, port, netdev_opts, memory, cpus, nics)
            result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                    text=True, check=False)
            if result.returncode == 0:
                self.state.update({
                    "port": port,
                    "host": self.host,
                    "key": os.path.join(image, "id_ed25519"),
                    "known_hosts": os.path.join(image, "known_hosts"),
                    "image": image,
                    "qemu_argv": argv,
                })
                self._save_state()
                self._write_inventory()
                return
            if "hostfwd" not in result.stderr:
                break
        raise LabError("qemu failed to start (rc=%d): %s\ncommand: %s"
                       % (result.returncode, result.stderr.strip(), shlex.join(argv)))

    def _write_inventory(self):
        ssh_args = " ".join(shlex.quote(opt) for opt in [
            "-o", "UserKnownHostsFile=" + self.state["known_hosts"],
            "-o", "HostKeyAlias=" + vmimage.VM_HOSTNAME,  # the image's pinned host key
            "-o", "StrictHostKeyChecking=yes",
            "-o", "IdentitiesOnly=yes",
        ])
        self._write("inventory.ini", (
            "[vmhosts]\n"
            "{name} ansible_host={host} ansible_port={port} ansible_user=root "
            "ansible_ssh_private_key_file={key} ansible_python_interpreter=/usr/bin/python3 "
            "ansible_pipelining=true ansible_ssh_common_args=\"{ssh_args}\"\n"
        ).format(name=self.name, host=self.host, port=self.port, key=self.key, ssh_args=ssh_args))

    def _wait_for_ssh(self, wait_seconds):
        deadline = time.monotonic() + wait_seconds
        last_error = ""
        while time.monotonic() < deadline:
            if not self.qemu_pid():
                raise LabError("qemu exited before SSH came up; serial log tail:\n%s"
                               % _tail(self.serial_log))
            try:
                # Before the guest's sshd listens, qemu accepts the connection and then
                # stays silent: a short banner timeout keeps the polling fine-grained.
                result = self.ssh(["true"], timeout=30, overrides=["-o", "ConnectTimeout=4"])
                if result.returncode == 0:
                    return
                last_error = result.stderr.strip()
            except subprocess.TimeoutExpired:
                last_error = "ssh timed out"
            time.sleep(1)
        raise LabError("no SSH on %s:%s after %d s (last ssh error: %s); serial log tail:\n%s"
                       % (self.host, self.port, wait_seconds, last_error or "-",
                          _tail(self.serial_log)))

    def provision_emulator(self, flavour="legacy"):
        """Copy tests/emulator into the VM and wire its commands; skipped parts absent.
        flavour vz7: an OpenVZ 7 host (prlctl & co.) with the Bridged network's bridge br0."""
        if flavour not in FLAVOURS:
            raise LabError("unknown emulator flavour %r (known: %s)" % (flavour, ", ".join(FLAVOURS)))
        if not os.path.isdir(EMULATOR_SRC):
            return
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w:gz") as tar:
            tar.add(EMULATOR_SRC, arcname=".",
                    filter=lambda info: None if os.path.basename(info.name) in EMULATOR_SKIP else info)
        result = subprocess.run(
            self.ssh_argv(["sh", "-c", 'rm -rf "$0" && mkdir -p "$0" && tar -xzf - -C "$0"',
                           EMULATOR_DEST]),
            input=archive.getvalue(), capture_output=True, timeout=120, check=False)
        if result.returncode != 0:
            raise LabError("copying tests/emulator into the VM failed: %s"
                           % result.stderr.decode("utf-8", "replace").strip())
        bin_dir = os.path.join(EMULATOR_SRC, "bin")
        links = [name for name in EMULATOR_COMMANDS[flavour]
                 if os.path.isfile(os.path.join(bin_dir, name))]
        # a reused VM may carry another flavour's links
        script = 'for cmd in prlctl prlsrvctl vzpkg; do rm -f "/usr/sbin/$cmd"; done; '
        script += 'set -e; dest=$1; shift; for cmd in "$@"; do ln -sfn "$dest/bin/$cmd" "/usr/sbin/$cmd"; done'
        if os.path.isfile(os.path.join(bin_dir, "openvz-emulator-setup")):
            # another line's vz.conf defaults (layout, sample) go with its flavour
            script += ('; was=$(sed -n "s/^FLAVOUR=//p" /var/lib/openvz-emulator/emulator.conf 2>/dev/null || true);'
                       ' if [ -n "$was" ] && [ "$was" != %s ]; then rm -f /etc/vz/vz.conf; fi' % flavour)
            script += '; "$dest/bin/openvz-emulator-setup" --root / --runtime netns --flavour ' + flavour
            if flavour == "vz7":
                script += ("; ip link show {0} >/dev/null 2>&1 || ip link add name {0} type bridge;"
                           " ip link set dev {0} up").format(VZ7_BRIDGE)
        result = self.ssh(["sh", "-c", script, "sh", EMULATOR_DEST] + links, timeout=120)
        if result.returncode != 0:
            raise LabError("setting up the emulator in the VM failed (rc=%d): %s%s"
                           % (result.returncode, result.stdout, result.stderr))
        if flavour == "vz7":
            self._provision_ez_template()

    def _provision_ez_template(self):
        """The busybox tree as an EZ template with its cache, as on a netns vz7 lab host."""
        if not os.path.isfile(TEMPLATE_BUILDER):
            return
        build_dir = self._path("templates")
        subprocess.run([sys.executable, TEMPLATE_BUILDER, build_dir, "--name", TEMPLATE_NAME],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(build_dir, TEMPLATE_NAME + ".tar.gz"), "rb") as handle:
            tree = handle.read()
        script = ('set -e; vzpkg install template "$1" >/dev/null; mkdir -p "$2"; '
                  'cat > "$2/emulator-rootfs.tar.gz"; vzpkg create cache "$1" >/dev/null')
        result = subprocess.run(self.ssh_argv(["sh", "-c", script, "sh", TEMPLATE_NAME,
                                               VZ7_TEMPLATE_DIR]),
                                input=tree, capture_output=True, timeout=300, check=False)
        if result.returncode != 0:
            raise LabError("caching the EZ template in the VM failed: %s"
                           % result.stderr.decode("utf-8", "replace").strip())

    def down(self):
        """Stop qemu and delete the overlay; fine to call on a partial or stopped run."""
        self._stop_ssh_master()
        pid = self.qemu_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _pid_is_our_qemu(pid, self.pidfile) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _pid_is_our_qemu(pid, self.pidfile):
                os.kill(pid, signal.SIGKILL)
        for name in ("overlay.qcow2", "qemu.pid", "ssh.sock", STATE_FILE, "inventory.ini"):
            try:
                os.unlink(self._path(name))
            except FileNotFoundError:
                pass
        self.state = {}

    def status(self):
        return dict(self.state, run_dir=self.run_dir, running=bool(self.qemu_pid()),
                    pid=self.qemu_pid(), inventory=self.inventory if self.state else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--cache", help="image cache (default: %s)" % vmimage.default_cache_dir())
    sub = parser.add_subparsers(dest="action", required=True)
    build = sub.add_parser("build", help="build the base image unless it is cached")
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.add_argument("--prune", action="store_true",
                       help="then delete cached images of other (older) recipes")
    for name in ("up", "down", "ssh", "status", "provision"):
        action = sub.add_parser(name)
        action.add_argument("--dir", required=True, help="run directory (overlay, pid, logs)")
        if name == "provision":
            action.add_argument("--flavour", choices=FLAVOURS, required=True,
                                help="re-provision the running VM as a host of this line")
        if name == "up":
            action.add_argument("--netdev-opt", action="append", default=[],
                                help="extra -netdev user option, e.g. guestfwd=...")
            action.add_argument("--memory", default="1024")
            action.add_argument("--cpus", default="2")
            action.add_argument("--wait", type=int, default=SSH_WAIT_SECONDS,
                                help="seconds to wait for SSH")
            action.add_argument("--no-provision", action="store_true",
                                help="do not copy tests/emulator into the VM")
            action.add_argument("--name", help="host and inventory name (default: %s)" % vmimage.VM_HOSTNAME)
            action.add_argument("--flavour", choices=FLAVOURS, default="legacy",
                                help="emulator flavour to provision (default: legacy)")
            action.add_argument("--nic", action="append", default=[],
                                help="extra NIC (eth1, ...): a -netdev spec without id, "
                                     "e.g. socket,udp=127.0.0.1:PORT,localaddr=127.0.0.1:PORT")
        if name == "ssh":
            action.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    try:
        if args.action == "build":
            print(vmimage.build(args.cache, force=args.force))
            if args.prune:
                for path in vmimage.prune_other_images(args.cache):
                    print("vmlab: removed %s" % path, file=sys.stderr)
            return 0
        lab = LabVM(args.dir, cache_dir=args.cache)
        if args.action == "up":
            lab.up(args.netdev_opt, memory=args.memory, cpus=args.cpus,
                   provision=not args.no_provision, wait_seconds=args.wait,
                   name=args.name, nics=args.nic, flavour=args.flavour)
            print(lab.inventory)
        elif args.action == "down":
            lab.down()
        elif args.action == "provision":
            lab.provision_emulator(args.flavour)
        elif args.action == "status":
            print(json.dumps(lab.status(), indent=2, sort_keys=True))
        elif args.action == "ssh":
            if not lab.port:
                raise LabError("the VM in %s is not up" % lab.run_dir)
            words = args.command[1:] if args.command[:1] == ["--"] else args.command
            # Like ssh itself: the words form one remote shell line.
            return subprocess.call(lab.ssh_argv(" ".join(words) if words else None))
    except (LabError, vmimage.ImageError) as error:
        print("vmlab: error: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
