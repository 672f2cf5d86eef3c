"""Real effects of the netns runtime, vznetcfg and vznetaddbr.

Each netns test re-runs this file as a script ("scenario NAME WORKDIR") inside
its own throw-away network, mount and PID namespaces (unshare): /run and /sys
are private there, and every process a scenario leaves behind dies with the
sandbox's PID 1, so nothing reaches the machine's root namespaces.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.dirname(HERE)
BIN = os.path.join(EMULATOR, "bin")
BUILDER = os.path.join(EMULATOR, "templates", "build_busybox_template.py")
sys.path.insert(0, EMULATOR)

from openvz_emulator import runtime as runtime_module  # noqa: E402

IS_ROOT = os.geteuid() == 0
# busybox ping: one probe, give up after a second (its default reply wait is 10 s)
PING_ONCE = ["ping", "-c", "1", "-W", "1", "-w", "1"]


# -- sandbox plumbing ----------------------------------------------------------
def run_in_sandbox(scenario, workdir):
    """Run scenario_<scenario> in fresh net/mount/pid namespaces; assert it passed."""
    argv = ["unshare", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc",
            "--propagation", "private", "--",
            sys.executable, os.path.abspath(__file__), "scenario", scenario, str(workdir)]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180, check=False)
    output = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, "scenario %s failed (rc %d):\n%s" % (
        scenario, proc.returncode, output)
    return output


def prepare_sandbox():
    """Inside the sandbox: private /run (for /run/netns) and /sys, lo up."""
    sh(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", "/run"])
    sh(["mount", "-t", "sysfs", "sysfs", "/sys"])
    sh(["ip", "link", "set", "dev", "lo", "up"])


def sh(argv, env=None, check=True):
    """Run argv, return (rc, combined output)."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)
    output = proc.stdout.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise AssertionError("%s failed (rc %d): %s" % (argv, proc.returncode, output))
    return proc.returncode, output


def link_json(name, netns=None):
    """`ip -j link show dev NAME` as a dict, or None when it does not exist."""
    argv = ["ip"] + (["-n", netns] if netns else []) + ["-j", "link", "show", "dev", name]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout.decode())[0]


def bridge_members(bridge):
    rc, out = sh(["ip", "-j", "link", "show", "master", bridge])
    return sorted(link["ifname"] for link in json.loads(out or "[]"))


def netns_list():
    return sorted(os.listdir("/run/netns")) if os.path.isdir("/run/netns") else []


def capture_exec(rt, ctid, root, argv, stdin=None):
    """rt.exec with the inherited stdout/stderr captured: (rc, output)."""
    with tempfile.TemporaryFile() as sink:
        sys.stdout.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            rc = rt.exec(ctid, root, argv, stdin=stdin)
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        sink.seek(0)
        return rc, sink.read().decode("utf-8", "replace")


class Host(object):
    """An emulated host under WORKDIR: template-based CT roots and a netns runtime."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.root = os.path.join(workdir, "host")
        self.state_dir = os.path.join(self.root, "var/lib/openvz-emulator")
        os.makedirs(self.state_dir, exist_ok=True)
        self.rt = runtime_module.get_runtime("netns", self.state_dir)
        self.started = []

    def private(self, ctid):
        return os.path.join(self.root, "vz/private/%d" % ctid)

    def ve_root(self, ctid):
        return os.path.join(self.root, "vz/root/%d" % ctid)

    def create(self, ctid, template=True):
        private = self.private(ctid)
        os.makedirs(private)
        if template:
            sh(["tar", "-xzf", os.path.join(self.workdir, "busybox-1.35-x86_64.tar.gz"),
                "-C", private])
        return private

    def start(self, ctid, hostname):
        self.rt.mount(ctid, self.private(ctid), self.ve_root(ctid))
        self.started.append(ctid)
        self.rt.start(ctid, self.ve_root(ctid), hostname)

    def cleanup(self):
        for ctid in self.started:
            try:
                self.rt.stop(ctid)
                self.rt.umount(ctid, self.ve_root(ctid))
            except runtime_module.RuntimeEffectError as exc:
                print("cleanup of CT%d: %s" % (ctid, exc))

    def write(self, logical, text):
        path = os.path.join(self.root, logical.lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)

    def vznetcfg(self, ctid, host_ifname):
        env = dict(os.environ, VEID=str(ctid), OPENVZ_EMULATOR_ROOT=self.root)
        return sh([os.path.join(BIN, "vznetcfg"), "init", "veth", host_ifname], env=env,
                  check=False)

    def pid_file(self, ctid):
        return os.path.join(self.state_dir, "netns", "%d.pid" % ctid)


def netif(ctid, index=0, bridge=None):
    return {"ifname": "eth%d" % index, "mac": "00:18:51:aa:%02x:%02x" % (ctid % 256, 2 * index + 1),
            "host_ifname": "veth%d.%d" % (ctid, index),
            "host_mac": "00:18:51:bb:%02x:%02x" % (ctid % 256, 2 * index + 2), "bridge": bridge}


def netif_line(devices):
    entries = []
    for dev in devices:
        keys = ["ifname=" + dev["ifname"]]
        if dev["bridge"]:
            keys.append("bridge=" + dev["bridge"])
        keys += ["mac=" + dev["mac"].upper(), "host_ifname=" + dev["host_ifname"],
                 "host_mac=" + dev["host_mac"].upper()]
        entries.append(",".join(keys))
    return 'NETIF="%s"\n' % ";".join(entries)


# -- scenarios (run inside the sandbox) -----------------------------------------
def scenario_lifecycle(host):
    host.create(101)
    host.start(101, "ct101.test")
    assert netns_list() == ["vz101"], netns_list()
    with open(host.pid_file(101)) as handle:
        init_pid = int(handle.read().split()[0])
    os.kill(init_pid, 0)
    assert host.rt.numproc(101) >= 1

    rc, out = capture_exec(host.rt, 101, host.ve_root(101), ["cat", "/etc/os-release"])
    assert rc == 0 and 'PRETTY_NAME="BusyBox 1.35.0' in out, out
    assert capture_exec(host.rt, 101, "/", ["hostname"]) == (0, "ct101.test\n")
    assert capture_exec(host.rt, 101, "/", ["bash", "-c", "echo hi; exit 7"]) == (7, "hi\n")
    assert capture_exec(host.rt, 101, "/", ["cat"], stdin=b"from stdin\n") == (0, "from stdin\n")
    rc, out = capture_exec(host.rt, 101, "/", ["no-such-command"])
    assert rc == 127, (rc, out)
    # Its own PID namespace: init is PID 1 and the host's processes are invisible.
    rc, out = capture_exec(host.rt, 101, "/", ["cat", "/proc/1/cmdline"])
    assert rc == 0 and "/sbin/init" in out, out
    rc, out = capture_exec(host.rt, 101, "/", ["sh", "-c", "ls /proc | grep -c '^[0-9]'"])
    assert rc == 0 and int(out) <= 6, out
    # Writes land in the private area through the bind mount.
    assert capture_exec(host.rt, 101, "/", ["touch", "/root/marker"])[0] == 0
    assert os.path.exists(os.path.join(host.private(101), "root/marker"))

    try:
        host.rt.start(101, host.ve_root(101), "again")
        raise AssertionError("second start did not fail")
    except runtime_module.RuntimeEffectError as exc:
        assert "already running" in str(exc)

    host.rt.stop(101)
    assert netns_list() == []
    assert not os.path.exists("/proc/%d" % init_pid) or open(
        "/proc/%d/stat" % init_pid).read().split(") ")[1][0] in "ZX"
    assert not os.path.exists(host.pid_file(101))
    assert host.rt.numproc(101) is None
    host.rt.stop(101)  # idempotent
    try:
        host.rt.exec(101, "/", ["true"])
        raise AssertionError("exec in a stopped container did not fail")
    except runtime_module.RuntimeEffectError as exc:
        assert "not running" in str(exc)
    host.rt.umount(101, host.ve_root(101))
    assert os.listdir(host.ve_root(101)) == []
    host.rt.umount(101, host.ve_root(101))  # idempotent


def scenario_veth(host):
    host.create(101)
    host.start(101, "ct101")
    dev = netif(101)
    host.rt.add_veth(101, dev)
    host_end = link_json("veth101.0")
    assert host_end["address"] == dev["host_mac"], host_end
    assert "UP" in host_end["flags"], host_end
    ct_end = link_json("eth0", netns="vz101")
    assert ct_end["address"] == dev["mac"], ct_end
    assert "UP" in ct_end["flags"], ct_end
    assert link_json("eth0") is None  # the peer lives only in the CT
    rc, out = capture_exec(host.rt, 101, "/", ["cat", "/sys/class/net/eth0/address"])
    assert (rc, out) == (0, dev["mac"] + "\n"), (rc, out)

    try:
        host.rt.add_veth(101, dev)
        raise AssertionError("duplicate veth did not fail")
    except runtime_module.RuntimeEffectError as exc:
        assert "veth101.0" in str(exc)
    for bad in ({"ifname": "eth1", "host_ifname": "bad name"},
                {"ifname": "eth1", "host_ifname": "veth101.1", "mac": "zz"}):
        try:
            host.rt.add_veth(101, bad)
            raise AssertionError("bad netif %r accepted" % bad)
        except runtime_module.RuntimeEffectError:
            pass

    host.rt.del_veth(101, "veth101.0")
    assert link_json("veth101.0") is None and link_json("eth0", netns="vz101") is None
    host.rt.del_veth(101, "veth101.0")  # idempotent
    host.rt.add_veth(101, dev)
    host.rt.add_veth(101, netif(101, 1))
    host.rt.stop(101)
    assert link_json("veth101.0") is None and link_json("veth101.1") is None
    assert netns_list() == []
    try:
        host.rt.add_veth(101, dev)
        raise AssertionError("add_veth on a stopped CT did not fail")
    except runtime_module.RuntimeEffectError as exc:
        assert "vz101" in str(exc)


def scenario_vznet_bridge(host):
    sh(["ip", "link", "add", "name", "br198", "type", "bridge"])
    sh(["ip", "link", "add", "name", "vmbr0", "type", "bridge"])
    host.write("/etc/vz/vznet.conf", 'EXTERNAL_SCRIPT="%s"\n' % os.path.join(BIN, "vznetaddbr"))
    devices = [netif(101, 0, "br198"), netif(101, 1)]
    host.write("/etc/vz/conf/101.conf", "HOSTNAME=\"ct101\"\n" + netif_line(devices))
    host.create(101)
    host.start(101, "ct101")
    for dev in devices:
        host.rt.add_veth(101, dev)
        sh(["ip", "link", "set", "dev", dev["host_ifname"], "down"])
    rc, out = host.vznetcfg(101, "veth101.0")
    assert (rc, out) == (0, "Adding interface veth101.0 to bridge br198 on CT0 for CT101\n"), out
    rc, out = host.vznetcfg(101, "veth101.1")
    assert (rc, out) == (0, "Adding interface veth101.1 to bridge vmbr0 on CT0 for CT101\n"), out
    assert bridge_members("br198") == ["veth101.0"]
    assert bridge_members("vmbr0") == ["veth101.1"]
    assert os.listdir("/sys/class/net/br198/brif") == ["veth101.0"]
    for dev in devices:
        assert "UP" in link_json(dev["host_ifname"])["flags"]
        with open("/proc/sys/net/ipv4/conf/%s/proxy_arp" % dev["host_ifname"]) as handle:
            assert handle.read().strip() == "1"
    # No matching entry: nothing to do, exit 0.
    assert host.vznetcfg(101, "veth999.0") == (0, "")
    host.rt.stop(101)
    assert bridge_members("br198") == [] and bridge_members("vmbr0") == []


def scenario_vznetcfg_plain(host):
    """Without vznet.conf vznetcfg only sets the device up."""
    sh(["ip", "link", "add", "name", "br198", "type", "bridge"])
    host.create(101)
    host.start(101, "ct101")
    host.rt.add_veth(101, netif(101, 0, "br198"))
    sh(["ip", "link", "set", "dev", "veth101.0", "down"])
    assert host.vznetcfg(101, "veth101.0") == (0, "")
    assert "UP" in link_json("veth101.0")["flags"]
    assert bridge_members("br198") == []
    rc, out = host.vznetcfg(101, "veth404.0")
    assert rc != 0, out  # vzctl turns this into "vznetcfg exited with error"


def scenario_vznetaddbr_without_brctl(host):
    """Without brctl, vznetaddbr joins the bridge with `ip link set ... master`."""
    brctl = shutil.which("brctl", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if brctl:
        sh(["mount", "--bind", "/dev/null", os.path.realpath(brctl)])  # sandbox only
    assert sh(["sh", "-c", "command -v brctl"], check=False)[0] != 0
    sh(["ip", "link", "add", "name", "br198", "type", "bridge"])
    host.write("/etc/vz/vznet.conf", 'EXTERNAL_SCRIPT="%s"\n' % os.path.join(BIN, "vznetaddbr"))
    dev = netif(101, 0, "br198")
    host.write("/etc/vz/conf/101.conf", netif_line([dev]))
    host.create(101)
    host.start(101, "ct101")
    host.rt.add_veth(101, dev)
    assert host.vznetcfg(101, "veth101.0")[0] == 0
    assert bridge_members("br198") == ["veth101.0"]


def scenario_ping(host):
    sh(["ip", "link", "add", "name", "br198", "type", "bridge"])
    sh(["ip", "link", "set", "dev", "br198", "up"])
    host.write("/etc/vz/vznet.conf", 'EXTERNAL_SCRIPT="%s"\n' % os.path.join(BIN, "vznetaddbr"))
    for ctid, address in ((101, "198.18.0.1/24"), (102, "198.18.0.2/24")):
        dev = netif(ctid, 0, "br198")
        host.write("/etc/vz/conf/%d.conf" % ctid, netif_line([dev]))
        host.create(ctid)
        host.start(ctid, "ct%d" % ctid)
        host.rt.add_veth(ctid, dev)
        assert host.vznetcfg(ctid, dev["host_ifname"])[0] == 0
        add_address = ["ip", "addr", "add", address, "dev", "eth0"]
        assert capture_exec(host.rt, ctid, "/", add_address) == (0, "")
    assert bridge_members("br198") == ["veth101.0", "veth102.0"]
    rc, out = capture_exec(host.rt, 101, "/", ["ping", "-c", "2", "-w", "10", "198.18.0.2"])
    assert rc == 0, out
    rc, out = capture_exec(host.rt, 102, "/", ["ping", "-c", "1", "-w", "10", "198.18.0.1"])
    assert rc == 0, out
    assert link_json("eth0") is None  # nothing leaked to the (sandbox) host namespace
    rc, out = capture_exec(host.rt, 101, "/", PING_ONCE + ["198.18.0.3"])
    assert rc != 0, out
    host.rt.stop(101)
    rc, out = capture_exec(host.rt, 102, "/", PING_ONCE + ["198.18.0.1"])
    assert rc != 0, out


def scenario_half_started(host):
    # A leftover namespace with no init: stop removes it, start replaces it.
    sh(["ip", "netns", "add", "vz103"])
    host.rt.stop(103)
    assert netns_list() == []
    sh(["ip", "netns", "add", "vz103"])
    host.create(103)
    host.start(103, "ct103")
    assert netns_list() == ["vz103"] and host.rt.numproc(103) >= 1
    host.rt.stop(103)
    # A stale pid file (dead pid) counts as stopped.
    host.write("/var/lib/openvz-emulator/netns/104.pid", "999999 1\n")
    assert host.rt.numproc(104) is None
    host.rt.stop(104)
    # A missing root fails cleanly and leaves nothing behind.
    try:
        host.rt.start(105, os.path.join(host.root, "vz/root/105"), "ct105")
        raise AssertionError("start without a root did not fail")
    except runtime_module.RuntimeEffectError as exc:
        assert "does not exist" in str(exc)
    assert netns_list() == []


def scenario_root_without_init(host):
    """A root without /sbin/init (like a file-only template) still starts."""
    private = host.create(106, template=False)
    os.makedirs(os.path.join(private, "etc"))
    host.start(106, "bare")
    assert host.rt.numproc(106) == 1
    assert capture_exec(host.rt, 106, "/", ["sh"])[0] == 127  # no shell in there
    host.rt.stop(106)
    assert netns_list() == []


def emulated_netns_host(host, *setup_args):
    """openvz-emulator-setup with the netns runtime, vznetaddbr and the busybox cache
    under host.root; returns a function running one of bin/ with that root."""
    env = dict(os.environ, OPENVZ_EMULATOR_ROOT=host.root)

    def tool(name, *args):
        return sh([os.path.join(BIN, name)] + list(args), env=env, check=False)

    sh([os.path.join(BIN, "openvz-emulator-setup"), "--root", host.root, "--runtime", "netns"]
       + list(setup_args))
    os.symlink(os.path.join(host.workdir, "busybox-1.35-x86_64.tar.gz"),
               os.path.join(host.root, "vz/template/cache/busybox-1.35-x86_64.tar.gz"))
    host.write("/etc/vz/vznet.conf", 'EXTERNAL_SCRIPT="/usr/sbin/vznetaddbr"\n')
    return tool


def scenario_vzctl(host):
    """bin/vzctl on an emulated host with RUNTIME=netns drives all of the above."""
    tool = emulated_netns_host(host)

    def vzctl(*args):
        return tool("vzctl", *args)

    sh(["ip", "link", "add", "name", "br198", "type", "bridge"])
    assert vzctl("create", "101", "--ostemplate", "busybox-1.35-x86_64", "--layout", "simfs",
                 "--hostname", "ct101.test")[0] == 0
    assert vzctl("set", "101", "--netif_add", "eth0,,,,br198", "--save")[0] == 0
    rc, out = vzctl("start", "101")
    assert rc == 0, out
    assert "Adding interface veth101.0 to bridge br198 on CT0 for CT101" in out, out
    assert bridge_members("br198") == ["veth101.0"]
    assert netns_list() == ["vz101"]
    assert vzctl("exec2", "101", "hostname") == (0, "ct101.test\n")
    assert vzctl("exec2", "101", "exit 3")[0] == 3
    rc, out = vzctl("stop", "101")
    assert rc == 0, out
    assert netns_list() == [] and link_json("veth101.0") is None


def scenario_missing_bridge(host):
    """Section 11.4: a NETIF bridge that does not exist cuts the NIC off, the start goes on."""
    tool = emulated_netns_host(host)

    def vzctl(*args):
        return tool("vzctl", *args)

    assert vzctl("create", "101", "--ostemplate", "busybox-1.35-x86_64", "--layout", "simfs")[0] == 0
    assert vzctl("set", "101", "--netif_add", "eth0,,,,br404", "--save")[0] == 0
    rc, out = vzctl("start", "101")
    assert rc == 0, out
    assert "bridge br404 does not exist!" in out.splitlines(), out
    assert "Adding interface" not in out, out
    link = link_json("veth101.0")
    assert link is not None and "master" not in link, link
    assert vzctl("status", "101") == (0, "CTID 101 exist mounted running\n")
    assert vzctl("stop", "101")[0] == 0


def scenario_vz7_prlctl(host):
    """OpenVZ 7 flavour: a prlctl NIC on the Bridged network is in its bridge for real."""
    tool = emulated_netns_host(host, "--flavour", "vz7")
    name = "busybox-1.35-x86_64"
    assert tool("vzpkg", "install", "template", name)[0] == 0
    shutil.copyfile(os.path.join(host.workdir, name + ".tar.gz"),
                    os.path.join(host.root, "vz/template/busybox/1.35/x86_64/config/os/default",
                                 "emulator-rootfs.tar.gz"))
    assert tool("vzpkg", "create", "cache", name)[0] == 0
    sh(["ip", "link", "add", "name", "br0", "type", "bridge"])
    rc, out = tool("prlctl", "create", "ct1", "--vmtype", "ct", "--ostemplate", name)
    assert rc == 0, out
    rc, out = tool("prlctl", "set", "ct1", "--device-add", "net", "--network", "Bridged")
    assert rc == 0, out
    host_ifname = re.search(r"dev='(veth[0-9a-f]+)'", out).group(1)
    rc, out = tool("prlctl", "start", "ct1")
    assert rc == 0, out
    rc, out = tool("prlctl", "exec", "ct1", "ip", "link")
    assert rc == 0 and "eth0" in out, out
    assert bridge_members("br0") == [host_ifname]
    listing = json.loads(tool("vzlist", "-a", "-j")[1])
    assert isinstance(listing[0]["ctid"], str)
    ct_uuid = json.loads(tool("prlctl", "list", "-a", "-j")[1])[0]["uuid"]
    assert listing[0]["ctid"] == ct_uuid
    assert tool("prlctl", "stop", "ct1")[0] == 0
    rc, out = tool("prlctl", "delete", "ct1")
    assert rc == 0, out
    assert netns_list() == [] and link_json(host_ifname) is None
    assert not os.listdir(os.path.join(host.root, "vz/private"))


def scenario_main(name, workdir):
    """Entry point inside the sandbox."""
    prepare_sandbox()
    host = Host(workdir)
    try:
        globals()["scenario_" + name](host)
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        host.cleanup()
    print("scenario %s passed" % name)
    return 0


# -- pytest ---------------------------------------------------------------------
needs_root = pytest.mark.skipif(not IS_ROOT, reason="the netns runtime needs root")


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("template")
    subprocess.run([sys.executable, BUILDER, str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


@pytest.fixture
def workdir(template_dir, tmp_path):
    os.symlink(str(template_dir / "busybox-1.35-x86_64.tar.gz"),
               str(tmp_path / "busybox-1.35-x86_64.tar.gz"))
    return tmp_path


@needs_root
@pytest.mark.parametrize("scenario", ["lifecycle", "veth", "vznet_bridge", "vznetcfg_plain",
                                      "ping", "half_started", "root_without_init",
                                      "vznetaddbr_without_brctl", "vzctl", "missing_bridge",
                                      "vz7_prlctl"])
def test_netns_runtime(scenario, workdir):
    run_in_sandbox(scenario, workdir)


def test_null_runtime_exec_runs_on_host(tmp_path):
    rt = runtime_module.get_runtime("none", str(tmp_path))
    assert rt.exec(101, str(tmp_path), ["sh", "-c", 'test "$(pwd)" = "$1" && exit 5', "sh",
                                        str(tmp_path)]) == 5
    assert rt.numproc(101) is None
    for call in (lambda: rt.mount(101, "/nonexistent", "/nonexistent"),
                 lambda: rt.start(101, "/nonexistent", "x"), lambda: rt.stop(101),
                 lambda: rt.add_veth(101, netif(101)), lambda: rt.del_veth(101, "veth101.0"),
                 lambda: rt.umount(101, "/nonexistent")):
        call()


def test_unknown_runtime():
    with pytest.raises(runtime_module.RuntimeEffectError, match="Unknown runtime 'vm'"):
        runtime_module.get_runtime("vm", "/tmp")
    assert runtime_module.get_runtime(None, "/tmp").name == "none"


def test_vznetaddbr_without_netif(tmp_path):
    conf = tmp_path / "etc/vz/conf"
    conf.mkdir(parents=True)
    (conf / "101.conf").write_text('HOSTNAME="x"\nNETIF=""\n')
    env = dict(os.environ, VEID="101", OPENVZ_EMULATOR_ROOT=str(tmp_path))
    proc = subprocess.run([os.path.join(BIN, "vznetaddbr"), "init", "veth", "veth101.0"],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert proc.stderr.decode() == ("According to /etc/vz/conf/101.conf, CT101 has no veth "
                                    "interface configured.\n")


def test_vznetcfg_usage():
    proc = subprocess.run([os.path.join(BIN, "vznetcfg")], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    assert proc.returncode == 1 and b"Usage" in proc.stderr


if __name__ == "__main__" and sys.argv[1:2] == ["scenario"]:
    sys.exit(scenario_main(sys.argv[2], sys.argv[3]))
