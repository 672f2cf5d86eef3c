"""Lab of emulated OpenVZ hypervisor hosts on this machine (stdlib only).

Host ovz<i> is a network namespace ovzlab-h<i> (eth0 198.18.0.<10+i>/24 on the
root-namespace bridge ovzlab0, 198.18.0.1/24, no route anywhere else) plus a
private mount and UTS namespace kept alive by the host's own sshd. Inside it
/etc, /usr/sbin, /var/lib and /var/log are overlays with per-host upper dirs,
/vz is a per-host directory and /run/netns a private tmpfs, so every host has
its own OpenVZ emulator state and containers.

    labctl.py up --hosts N --dir DIR [--wait SECONDS] [--flavours legacy,vz7]
                                          (tears down DIR's lab first)
    labctl.py down --dir DIR
    labctl.py status --dir DIR
    labctl.py exec --dir DIR HOST -- ARGV...

The names are machine-wide, so one lab exists at a time: `up` refuses (or waits, with
--wait) while another DIR's lab is in use, and `down` leaves another DIR's lab alone.
Every process of a host (sshd, SSH sessions, container inits) lives in the cgroup
ovzlab/h<i> (v1 pids hierarchy, else cgroup v2), which is how `down` finds and kills
all of them.
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
EMULATOR_BIN = os.path.join(REPO_ROOT, "tests", "emulator", "bin")
EMULATOR_TOOLS = ("vzctl", "vzlist", "vznetcfg", "vznetaddbr")
FLAVOURS = ("legacy", "vz7")
# OpenVZ 7 hosts (openvz-emulator-setup also links prlctl, prlsrvctl, vzpkg): the EZ template of the busybox tree and the Bridged network's bridge
VZ7_TEMPLATE_DIR = "/vz/template/busybox/1.35/x86_64/config/os/default"
VZ7_BRIDGE = "br0"
EMULATOR_SETUP = os.path.join(EMULATOR_BIN, "openvz-emulator-setup")
TEMPLATE_BUILDER = os.path.join(REPO_ROOT, "tests", "emulator", "templates",
                                "build_busybox_template.py")
TEMPLATE_NAME = "busybox-1.35-x86_64"

LAB_BRIDGE = "ovzlab0"
BRIDGE_ADDRESS = "198.18.0.1"
PREFIX_LEN = 24
NETNS_PREFIX = "ovzlab-h"
HOST_BRIDGE = "vmbr0"
# Hierarchies that can hold the per-host cgroups, first usable wins (v1 pids, then v2).
CGROUP_HIERARCHIES = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")
MAX_HOSTS = 200
# Machine directories each host sees through an overlay with its own upper dir.
OVERLAID_DIRS = ("/etc", "/usr/sbin", "/var/lib", "/var/log")
MARKER = ".ovzlab"
# The lab's names (bridge, netns, addresses) are machine-wide: one lab at a time.
# OWNER_FILE says which DIR holds them (and the pid of an `up` in progress).
OWNER_FILE = "/run/ovzlab/owner.json"
OWNER_LOCK = "/run/lock/ovzlab-owner.lock"
STATE_FILE = "lab.json"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SSHD = "/usr/sbin/sshd"
SSHD_TIMEOUT = 15.0
KILL_TIMEOUT = 10.0


class LabError(Exception):
    """A lab operation failed; the message says what and why."""


# -- small helpers ----------------------------------------------------------
def run(argv, what, check=True, env=None):
    """Run argv quietly; return CompletedProcess, raise LabError(what + stderr) on failure."""
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, env=env, check=False)
    if check and proc.returncode != 0:
        raise LabError("%s: %s exited %d: %s"
                       % (what, " ".join(argv), proc.returncode, (proc.stderr or proc.stdout).strip()))
    return proc


def write_file(path, text, mode=0o644):
    """Write text to path atomically (temp file + rename)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, tmp_path = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


def host_name(index):
    return "ovz%d" % index


def host_address(index):
    return "198.18.0.%d" % (10 + index)


def host_netns(index):
    return "%s%d" % (NETNS_PREFIX, index)


def host_mac(index):
    """Deterministic locally administered MAC of a host's eth0."""
    return "02:18:18:00:%02x:%02x" % (index // 256, index % 256)


def host_dir(lab_dir, index):
    return os.path.join(lab_dir, "hosts", host_name(index))


def sshd_pid_file(lab_dir, index):
    return os.path.join(host_dir(lab_dir, index), "ssh", "sshd.pid")


def cgroup_root():
    for hierarchy in CGROUP_HIERARCHIES:
        if os.path.exists(os.path.join(hierarchy, "cgroup.procs")):
            return os.path.join(hierarchy, "ovzlab")
    raise LabError("No cgroup hierarchy found (looked for cgroup.procs in %s)"
                   % ", ".join(CGROUP_HIERARCHIES))


def cgroup_dir(index):
    return os.path.join(cgroup_root(), "h%d" % index)


def overlay_name(directory):
    return directory.strip("/").replace("/", "-")


def link_exists(name, netns=None):
    argv = ["ip"] + (["-n", netns] if netns else []) + ["link", "show", "dev", name]
    return run(argv, "ip link show", check=False).returncode == 0


def list_lab_netns():
    """Indexes of every ovzlab-h<i> network namespace on the machine."""
    output = run(["ip", "netns", "list"], "Listing network namespaces").stdout
    pattern = re.compile(r"^%s(\d+)\b" % re.escape(NETNS_PREFIX))
    found = set()
    for line in output.splitlines():
        match = pattern.match(line)
        if match:
            found.add(int(match.group(1)))
    return found


def read_pid(path):
    try:
        with open(path) as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def load_state(lab_dir):
    try:
        with open(os.path.join(lab_dir, STATE_FILE)) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def check_lab_dir(lab_dir):
    """Refuse a non-empty DIR that is not a lab dir (we delete its contents)."""
    lab_dir = os.path.abspath(lab_dir)
    if lab_dir in ("/", "/root", "/tmp", "/work", REPO_ROOT):
        raise LabError("Refusing to use %s as the lab directory" % lab_dir)
    if os.path.isdir(lab_dir) and os.listdir(lab_dir) and \
            not os.path.exists(os.path.join(lab_dir, MARKER)):
        raise LabError("%s is not empty and is not a lab directory (no %s file)"
                       % (lab_dir, MARKER))
    return lab_dir


# -- machine-wide ownership -----------------------------------------------
class OwnerLock(object):
    """flock held around reading and changing OWNER_FILE."""

    def __enter__(self):
        os.makedirs(os.path.dirname(OWNER_LOCK), exist_ok=True)
        self.handle = open(OWNER_LOCK, "a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        self.handle.close()


def read_owner():
    try:
        with open(OWNER_FILE) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as handle:
        return handle.read().strip()


def owner_in_use(owner):
    """True while the owner's `up` runs, its holder process lives, or (no holder) a host runs.

    A claim written before this boot is stale whatever its pids say (they are reused), and a
    holder-less lab (molecule's) is only alive while some host netns still has a process:
    a session cut mid-run leaves the namespaces with nothing in them.
    """
    if owner is None:
        return False
    if owner.get("boot_id") not in (None, boot_id()):
        return False
    if owner.get("pid") and pid_alive(owner["pid"]):
        return True
    if owner.get("holder"):
        return pid_alive(owner["holder"])
    return any(netns_pids(index) for index in list_lab_netns())


def claim_lab(lab_dir, wait_seconds, holder):
    """Make lab_dir the owner of the lab names, waiting while another DIR's lab is in use.

    holder: pid of the process using the lab (a test session); once it is gone the lab
    is stale and the next `up` takes it over.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        with OwnerLock():
            owner = read_owner()
            if owner is None or owner.get("dir") == lab_dir or not owner_in_use(owner):
                write_owner(lab_dir, os.getpid(), holder)
                return
        if time.monotonic() >= deadline:
            raise LabError("The lab names are in use by the lab in %s (up pid %s, holder pid "
                           "%s); run `labctl.py down --dir %s` or pass --wait SECONDS"
                           % (owner.get("dir"), owner.get("pid"), owner.get("holder"),
                              owner.get("dir")))
        time.sleep(1)


def write_owner(lab_dir, pid, holder):
    write_file(OWNER_FILE, json.dumps({"dir": lab_dir, "pid": pid, "holder": holder,
                                       "boot_id": boot_id()}) + "\n")


def release_claim_pid(lab_dir):
    """The `up` is over: keep the ownership (and holder), drop the pid."""
    with OwnerLock():
        owner = read_owner() or {}
        if owner.get("dir") == lab_dir:
            write_owner(lab_dir, None, owner.get("holder"))


# -- teardown ---------------------------------------------------------------
def cgroup_pids(index):
    try:
        with open(os.path.join(cgroup_dir(index), "cgroup.procs")) as handle:
            return {int(line) for line in handle if line.strip()}
    except OSError:
        return set()


def netns_pids(index):
    proc = run(["ip", "netns", "pids", host_netns(index)], "ip netns pids", check=False)
    return {int(word) for word in proc.stdout.split() if word.isdigit()}


def kill_host_processes(index):
    """SIGKILL every process of host index (its cgroup and its netns) until none is left."""
    deadline = time.monotonic() + KILL_TIMEOUT
    while True:
        victims = {pid for pid in cgroup_pids(index) | netns_pids(index) if pid_alive(pid)}
        if not victims:
            return
        if time.monotonic() > deadline:
            raise LabError("Processes of %s survive SIGKILL: %s"
                           % (host_name(index), sorted(victims)))
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def mounts_under(lab_dir):
    """Mount points (root mount namespace) at or below lab_dir, deepest first."""
    found = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            mount_point = line.split()[4].replace("\\040", " ")
            if mount_point == lab_dir or mount_point.startswith(lab_dir + "/"):
                found.append(mount_point)
    return sorted(found, key=len, reverse=True)


def down(lab_dir):
    """Remove the lab (idempotent, tolerates any partial state).

    Another DIR's live lab is left alone; only lab_dir's contents are removed then.
    Returns False in that case, True when the lab names were torn down.
    """
    lab_dir = check_lab_dir(lab_dir)
    with OwnerLock():
        owner = read_owner()
        owned_elsewhere = owner is not None and owner.get("dir") != lab_dir \
            and owner_in_use(owner) and owner.get("pid") != os.getpid()
        if not owned_elsewhere:
            teardown_names(lab_dir)
            if os.path.exists(OWNER_FILE) and (owner or {}).get("pid") != os.getpid():
                os.unlink(OWNER_FILE)
    for mount_point in mounts_under(lab_dir):
        run(["umount", "-l", mount_point], "Unmounting a leftover mount")
    if os.path.isdir(lab_dir):
        for entry in os.listdir(lab_dir):
            path = os.path.join(lab_dir, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
    return not owned_elsewhere


def teardown_names(lab_dir):
    """Kill every lab host's processes; delete the netns, veths, cgroups and bridge."""
    state = load_state(lab_dir) or {}
    indexes = set(range(1, int(state.get("hosts", 0)) + 1)) | list_lab_netns()
    if os.path.isdir(cgroup_root()):
        indexes |= {int(name[1:]) for name in os.listdir(cgroup_root())
                    if re.match(r"^h\d+$", name)}
    for index in sorted(indexes):
        kill_host_processes(index)
        if os.path.exists(os.path.join("/run/netns", host_netns(index))):
            run(["ip", "netns", "delete", host_netns(index)], "Deleting netns")
        if link_exists(host_netns(index)):
            run(["ip", "link", "delete", "dev", host_netns(index)], "Deleting veth", check=False)
        if os.path.isdir(cgroup_dir(index)):
            os.rmdir(cgroup_dir(index))
    if os.path.isdir(cgroup_root()):
        os.rmdir(cgroup_root())
    if link_exists(LAB_BRIDGE):
        run(["ip", "link", "delete", "dev", LAB_BRIDGE], "Deleting the lab bridge")


# -- bring-up ---------------------------------------------------------------
def overlay_supported(lab_dir):
    """Probe an overlay mount under lab_dir (root mount namespace, undone at once)."""
    probe = os.path.join(lab_dir, "overlay-probe")
    parts = {name: os.path.join(probe, name) for name in ("lower", "upper", "work", "merged")}
    for path in parts.values():
        os.makedirs(path, exist_ok=True)
    options = "lowerdir=%(lower)s,upperdir=%(upper)s,workdir=%(work)s" % parts
    ok = run(["mount", "-t", "overlay", "overlay", "-o", options, parts["merged"]],
             "overlay probe", check=False).returncode == 0
    if ok:
        run(["umount", parts["merged"]], "Unmounting the overlay probe")
    shutil.rmtree(probe)
    return ok


def make_template(lab_dir):
    """Build the busybox template once per lab; None while the builder is absent."""
    if not os.path.exists(TEMPLATE_BUILDER):
        return None
    out_dir = os.path.join(lab_dir, "templates")
    run([sys.executable, TEMPLATE_BUILDER, out_dir, "--name", TEMPLATE_NAME],
        "Building the busybox template")
    return os.path.join(out_dir, TEMPLATE_NAME + ".tar.gz")


def host_flavour(flavours, index):
    """Host index's emulator flavour: the list is used round robin (ovz1 gets the first)."""
    return flavours[(index - 1) % len(flavours)]


def parse_flavours(text):
    flavours = [item.strip() for item in (text or "legacy").split(",") if item.strip()]
    unknown = [item for item in flavours if item not in FLAVOURS]
    if unknown or not flavours:
        raise LabError("unknown flavour %s (known: %s)" % (",".join(unknown) or "''", ", ".join(FLAVOURS)))
    return flavours


def prepare_host_dir(lab_dir, index, template):
    base = host_dir(lab_dir, index)
    for directory in OVERLAID_DIRS:
        for part in ("upper", "work"):
            os.makedirs(os.path.join(base, "overlay", overlay_name(directory), part))
    cache = os.path.join(base, "vz", "template", "cache")
    os.makedirs(cache)
    if template:
        shutil.copyfile(template, os.path.join(cache, os.path.basename(template)))
    sbin_upper = os.path.join(base, "overlay", overlay_name("/usr/sbin"), "upper")
    for tool in EMULATOR_TOOLS:  # a vz7 host gets prlctl, prlsrvctl, vzpkg from the setup
        os.symlink(os.path.join(EMULATOR_BIN, tool), os.path.join(sbin_upper, tool))
    ssh_dir = os.path.join(base, "ssh")
    os.makedirs(ssh_dir, mode=0o700)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", host_name(index),
         "-f", os.path.join(ssh_dir, "ssh_host_ed25519_key")], "Generating a host key")
    write_file(os.path.join(ssh_dir, "sshd_config"), sshd_config(lab_dir, index))


def sshd_config(lab_dir, index):
    ssh_dir = os.path.join(host_dir(lab_dir, index), "ssh")
    return "\n".join([
        "# sshd of lab host %s (written by tests/lab/labctl.py)" % host_name(index),
        "ListenAddress %s:22" % host_address(index),
        "HostKey %s" % os.path.join(ssh_dir, "ssh_host_ed25519_key"),
        "PidFile %s" % os.path.join(ssh_dir, "sshd.pid"),
        "AuthorizedKeysFile %s" % os.path.join(lab_dir, "authorized_keys"),
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "UseDNS no",
        "StrictModes no",
        "PrintMotd no",
        "MaxStartups 100:30:200",
        "MaxSessions 100",
        "Subsystem sftp internal-sftp",
        "",
    ])


def create_network(indexes):
    run(["ip", "link", "add", "name", LAB_BRIDGE, "type", "bridge"], "Creating the lab bridge")
    run(["ip", "addr", "add", "%s/%d" % (BRIDGE_ADDRESS, PREFIX_LEN), "dev", LAB_BRIDGE],
        "Addressing the lab bridge")
    run(["ip", "link", "set", "dev", LAB_BRIDGE, "up"], "Setting the lab bridge up")
    for index in indexes:
        netns = host_netns(index)
        run(["ip", "netns", "add", netns], "Creating netns %s" % netns)
        run(["ip", "link", "add", "name", netns, "type", "veth", "peer", "name", "eth0",
             "address", host_mac(index), "netns", netns], "Creating the veth of %s" % netns)
        run(["ip", "link", "set", "dev", netns, "master", LAB_BRIDGE, "up"],
            "Bridging the veth of %s" % netns)
        run(["ip", "-n", netns, "link", "set", "dev", "lo", "up"], "lo up in %s" % netns)
        run(["ip", "-n", netns, "addr", "add", "%s/%d" % (host_address(index), PREFIX_LEN),
             "dev", "eth0"], "Addressing eth0 in %s" % netns)
        run(["ip", "-n", netns, "link", "set", "dev", "eth0", "up"], "eth0 up in %s" % netns)


def start_host(lab_dir, index, use_overlay, flavour="legacy"):
    """Start host index's namespaces (host-init, then sshd) inside the host's cgroup."""
    os.makedirs(cgroup_dir(index), exist_ok=True)
    procs_file = os.path.join(cgroup_dir(index), "cgroup.procs")

    def join_cgroup():
        with open(procs_file, "w") as handle:
            handle.write(str(os.getpid()))

    argv = ["nsenter", "--net=/run/netns/" + host_netns(index), "--",
            "unshare", "--mount", "--uts", "--propagation", "private", "--",
            "/usr/bin/python3", "-I", os.path.realpath(__file__), "host-init",
            "--dir", lab_dir, "--index", str(index), "--flavour", flavour]
    if not use_overlay:
        argv.append("--no-overlay")
    env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"}
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, env=env,
                          preexec_fn=join_cgroup, cwd="/", check=False)
    if proc.returncode != 0:
        raise LabError("Setting up %s failed (rc %d):\n%s"
                       % (host_name(index), proc.returncode, proc.stdout.strip()))


def wait_for_sshd(lab_dir, index):
    """Wait until the host's sshd sends its banner."""
    deadline = time.monotonic() + SSHD_TIMEOUT
    last_error = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host_address(index), 22), timeout=2) as sock:
                if sock.recv(64).startswith(b"SSH-"):
                    return
        except OSError as error:
            last_error = error
        time.sleep(0.05)
    try:
        with open(os.path.join(host_dir(lab_dir, index), "ssh", "sshd.log")) as log:
            log_tail = log.read()[-2000:]
    except OSError:
        log_tail = "(no sshd.log)"
    raise LabError("sshd of %s did not answer on %s:22 (%s); sshd.log:\n%s"
                   % (host_name(index), host_address(index), last_error, log_tail))


def write_client_files(lab_dir, indexes):
    key = os.path.join(lab_dir, "id_ed25519")
    ssh_options = ("-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                   "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR")
    flavours = (load_state(lab_dir) or {}).get("flavours") or ["legacy"]
    lines = ["[hypervisors]"]
    for index in indexes:
        lines.append("%s ansible_host=%s ansible_user=root ansible_ssh_private_key_file=%s "
                     "ansible_python_interpreter=/usr/bin/python3 lab_flavour=%s"
                     % (host_name(index), host_address(index), key, host_flavour(flavours, index)))
    lines += ["", "[hypervisors:vars]", "ansible_ssh_common_args='%s'" % ssh_options, ""]
    write_file(os.path.join(lab_dir, "inventory.ini"), "\n".join(lines))
    config = []
    for index in indexes:
        config += ["Host %s %s" % (host_name(index), host_address(index)),
                   "    HostName %s" % host_address(index),
                   "    User root",
                   "    IdentityFile %s" % key,
                   "    IdentitiesOnly yes",
                   "    StrictHostKeyChecking no",
                   "    UserKnownHostsFile /dev/null",
                   "    GlobalKnownHostsFile /dev/null",
                   "    LogLevel ERROR",
                   ""]
    write_file(os.path.join(lab_dir, "ssh_config"), "\n".join(config))


def up(lab_dir, count, wait_seconds=0, holder=None, allow_overlay=True, flavours=("legacy",)):
    if not 1 <= count <= MAX_HOSTS:
        raise LabError("--hosts must be between 1 and %d" % MAX_HOSTS)
    flavours = parse_flavours(",".join(flavours))
    lab_dir = check_lab_dir(lab_dir)
    claim_lab(lab_dir, wait_seconds, holder)
    try:
        down(lab_dir)
        build(lab_dir, count, allow_overlay, flavours)
    except BaseException:
        down(lab_dir)
        raise
    finally:
        release_claim_pid(lab_dir)


def build(lab_dir, count, allow_overlay, flavours=("legacy",)):
    os.makedirs(lab_dir, exist_ok=True)
    write_file(os.path.join(lab_dir, MARKER), "lab directory of tests/lab/labctl.py\n")
    indexes = list(range(1, count + 1))
    use_overlay = allow_overlay and overlay_supported(lab_dir)
    if not use_overlay:
        print("overlayfs %s: hosts get bind-mounted copies of %s"
              % ("not used" if not allow_overlay else "unavailable", ", ".join(OVERLAID_DIRS)),
              file=sys.stderr)
    for path in ("/vz", "/run/sshd", "/run/netns"):
        os.makedirs(path, exist_ok=True)
    key = os.path.join(lab_dir, "id_ed25519")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ovzlab", "-f", key],
        "Generating the lab key")
    shutil.copyfile(key + ".pub", os.path.join(lab_dir, "authorized_keys"))
    template = make_template(lab_dir)
    for index in indexes:
        prepare_host_dir(lab_dir, index, template)
    write_file(os.path.join(lab_dir, STATE_FILE), json.dumps({
        "hosts": count, "overlay": use_overlay, "flavours": list(flavours),
        "host_list": [{"name": host_name(i), "address": host_address(i),
                       "netns": host_netns(i), "index": i,
                       "flavour": host_flavour(flavours, i)} for i in indexes],
    }, indent=2) + "\n")
    create_network(indexes)
    for index in indexes:
        start_host(lab_dir, index, use_overlay, host_flavour(flavours, index))
    for index in indexes:
        wait_for_sshd(lab_dir, index)
    write_client_files(lab_dir, indexes)


# -- inside a host's namespaces ---------------------------------------------
def host_init(lab_dir, index, use_overlay, flavour="legacy"):
    """Runs in the host's fresh mount+UTS namespaces (in its netns); ends by starting sshd."""
    base = host_dir(lab_dir, index)
    name = host_name(index)
    run(["hostname", name], "Setting the hostname")
    mount_sysfs(base)
    for directory in OVERLAID_DIRS:
        layer = os.path.join(base, "overlay", overlay_name(directory))
        upper, work = os.path.join(layer, "upper"), os.path.join(layer, "work")
        if use_overlay:
            options = "lowerdir=%s,upperdir=%s,workdir=%s" % (directory, upper, work)
            run(["mount", "-t", "overlay", "overlay", "-o", options, directory],
                "Overlay on %s" % directory)
        else:
            run(["cp", "-a", "--no-target-directory", directory, os.path.join(layer, "copy")],
                "Copying %s" % directory)
            run(["cp", "-a", upper + "/.", os.path.join(layer, "copy")],
                "Adding the host's files to %s" % directory)
            run(["mount", "--bind", os.path.join(layer, "copy"), directory],
                "Bind mount on %s" % directory)
    run(["mount", "--bind", os.path.join(base, "vz"), "/vz"], "Bind mount on /vz")
    # Drop the copies of the machine's netns mounts (they would pin the other hosts).
    if run(["mountpoint", "-q", "/run/netns"], "mountpoint", check=False).returncode == 0:
        run(["umount", "-l", "/run/netns"], "Detaching the machine's /run/netns")
    run(["mount", "-t", "tmpfs", "-o", "mode=755,size=1m", "tmpfs", "/run/netns"],
        "tmpfs on /run/netns")
    write_file("/etc/hostname", name + "\n")
    write_file("/etc/hosts", "127.0.0.1\tlocalhost\n%s\t%s\n::1\tlocalhost ip6-localhost "
               "ip6-loopback\n" % (host_address(index), name))
    if os.path.exists(EMULATOR_SETUP):
        run([EMULATOR_SETUP, "--root", "/", "--runtime", "netns", "--host-mac",
             host_mac(index).upper(), "--flavour", flavour], "openvz-emulator-setup")
    if flavour == "legacy":  # vzctl 4 needs it; libvzctl's own vznetcfg joins bridges on 7/9
        write_file("/etc/vz/vznet.conf", 'EXTERNAL_SCRIPT="/usr/sbin/vznetaddbr"\n')
    bridges = (HOST_BRIDGE, VZ7_BRIDGE) if flavour == "vz7" else (HOST_BRIDGE,)
    for bridge in bridges:
        run(["ip", "link", "add", "name", bridge, "type", "bridge"], "Creating %s" % bridge)
        run(["ip", "link", "set", "dev", bridge, "up"], "Setting %s up" % bridge)
    if flavour == "vz7":
        provision_vz7_template()
    ssh_dir = os.path.join(base, "ssh")
    run([SSHD, "-f", os.path.join(ssh_dir, "sshd_config"), "-E",
         os.path.join(ssh_dir, "sshd.log")], "Starting sshd")


def provision_vz7_template():
    """The busybox tree as an EZ OS template with its ploop cache (vzpkg create cache)."""
    legacy = os.path.join("/vz/template/cache", TEMPLATE_NAME + ".tar.gz")
    if not os.path.exists(legacy):
        return
    run(["/usr/sbin/vzpkg", "install", "template", TEMPLATE_NAME], "vzpkg install template")
    shutil.copyfile(legacy, os.path.join(VZ7_TEMPLATE_DIR, "emulator-rootfs.tar.gz"))
    run(["/usr/sbin/vzpkg", "create", "cache", TEMPLATE_NAME], "vzpkg create cache")


def mount_sysfs(base):
    """Mount this netns's sysfs on /sys, keeping the machine's cgroup mounts under it."""
    stash = os.path.join(base, "cgroup-stash")
    os.makedirs(stash, exist_ok=True)
    run(["mount", "--rbind", "/sys/fs/cgroup", stash], "Stashing /sys/fs/cgroup")
    run(["mount", "-t", "sysfs", "sysfs", "/sys"], "Mounting sysfs")
    run(["mount", "--move", stash, "/sys/fs/cgroup"], "Restoring /sys/fs/cgroup")


# -- status / exec ----------------------------------------------------------
def status(lab_dir):
    lab_dir = os.path.abspath(lab_dir)
    state = load_state(lab_dir)
    if state is None:
        return {"dir": lab_dir, "up": False, "hosts": [], "owner": read_owner()}
    hosts = []
    for index in range(1, state["hosts"] + 1):
        pid = read_pid(sshd_pid_file(lab_dir, index))
        hosts.append({
            "name": host_name(index), "address": host_address(index),
            "netns": host_netns(index),
            "flavour": host_flavour(state.get("flavours") or ["legacy"], index),
            "netns_exists": os.path.exists(os.path.join("/run/netns", host_netns(index))),
            "sshd_pid": pid if pid and pid_alive(pid) else None,
            "processes": len(cgroup_pids(index)),
        })
    all_up = bool(hosts) and all(h["netns_exists"] and h["sshd_pid"] for h in hosts)
    return {"dir": lab_dir, "up": all_up, "overlay": state.get("overlay"), "hosts": hosts,
            "owner": read_owner(),
            "inventory": os.path.join(lab_dir, "inventory.ini")}


def exec_argv(lab_dir, name, argv):
    """nsenter argv running argv in host name's net, mount and UTS namespaces."""
    match = re.match(r"^ovz(\d+)$", name)
    state = load_state(os.path.abspath(lab_dir))
    if not match or state is None or not 1 <= int(match.group(1)) <= state["hosts"]:
        raise LabError("No lab host %s in %s" % (name, lab_dir))
    pid = read_pid(sshd_pid_file(os.path.abspath(lab_dir), int(match.group(1))))
    if pid is None or not pid_alive(pid):
        raise LabError("Lab host %s is not running (no live sshd)" % name)
    return ["nsenter", "-t", str(pid), "-n", "-m", "-u", "--wd=/", "--"] + list(argv)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Lab of emulated OpenVZ hosts.")
    commands = parser.add_subparsers(dest="command", required=True)
    up_parser = commands.add_parser("up", help="(re)create the lab")
    up_parser.add_argument("--hosts", type=int, default=2)
    up_parser.add_argument("--dir", required=True)
    up_parser.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                           help="wait this long while another DIR's lab is in use")
    up_parser.add_argument("--no-overlay", action="store_true",
                           help="copy + bind mount instead of overlayfs (the fallback)")
    up_parser.add_argument("--holder-pid", type=int, metavar="PID",
                           help="the lab counts as in use only while PID lives")
    up_parser.add_argument("--flavours", "--flavour", default="legacy", metavar="LIST",
                           help="emulator flavour per host, round robin: legacy, vz7 "
                                "or a list such as legacy,vz7")
    for command in ("down", "status"):
        commands.add_parser(command).add_argument("--dir", required=True)
    exec_parser = commands.add_parser("exec", help="run a command inside a host")
    exec_parser.add_argument("--dir", required=True)
    exec_parser.add_argument("host")
    exec_parser.add_argument("argv", nargs=argparse.REMAINDER)
    init_parser = commands.add_parser("host-init", help=argparse.SUPPRESS)
    init_parser.add_argument("--dir", required=True)
    init_parser.add_argument("--index", type=int, required=True)
    init_parser.add_argument("--no-overlay", action="store_true")
    init_parser.add_argument("--flavour", choices=FLAVOURS, default="legacy")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.exit(1, "labctl.py must run as root\n")
    try:
        if args.command == "up":
            started = time.monotonic()
            up(args.dir, args.hosts, args.wait, args.holder_pid, not args.no_overlay,
               args.flavours.split(","))
            print("lab up: %d hosts in %.1f s, inventory %s"
                  % (args.hosts, time.monotonic() - started,
                     os.path.join(os.path.abspath(args.dir), "inventory.ini")))
        elif args.command == "down":
            started = time.monotonic()
            if down(args.dir):
                print("lab down in %.1f s" % (time.monotonic() - started))
            else:
                print("another directory's lab holds the lab names (see %s): left it alone, "
                      "removed the contents of %s" % (OWNER_FILE, args.dir))
        elif args.command == "status":
            report = status(args.dir)
            print(json.dumps(report, indent=2))
            return 0 if report["up"] else 3
        elif args.command == "exec":
            command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
            if not command:
                parser.error("exec needs a command after --")
            os.execvp("nsenter", exec_argv(args.dir, args.host, command))
        else:
            host_init(os.path.abspath(args.dir), args.index, not args.no_overlay, args.flavour)
    except LabError as error:
        print("labctl: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
