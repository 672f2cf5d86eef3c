"""openvz-cli.md section 10: the OpenVZ 7 flavour (vzctl 7, vzlist 7, prlctl, prlsrvctl, vzpkg)."""

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN, Emulator, build_template

TEMPLATE = "mini-1.0-x86_64"
UUID = "6a0d4f9e-1b2c-4d3e-8f40-5a6b7c8d9e0f"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Vz7(Emulator):
    def prlctl(self, *args):
        return self.run("prlctl", *args)

    def prlsrvctl(self, *args):
        return self.run("prlsrvctl", *args)

    def vzpkg(self, *args):
        return self.run("vzpkg", *args)

    def conf_of(self, name):
        target = os.readlink(self.path("/etc/vz/names/" + name))
        return self.read(target)

    def ctid_of(self, name):
        return os.path.basename(os.readlink(self.path("/etc/vz/names/" + name)))[:-5]


@pytest.fixture
def vz7(tmp_path):
    root = str(tmp_path / "root")
    subprocess.check_call([os.path.join(BIN, "openvz-emulator-setup"), "--root", root, "--flavour", "vz7",
                           "--host-mac", "52:54:00:12:34:56"])
    emu = Vz7(root)
    assert emu.vzpkg("install", "template", TEMPLATE).rc == 0
    build_template(os.path.join(root, "vz/template/mini/1.0/x86_64/config/os/default/emulator-rootfs.tar.gz"))
    assert emu.vzpkg("create", "cache", TEMPLATE).rc == 0
    return emu


def test_setup_lays_out_a_vz7_host(vz7):
    conf = vz7.read("/etc/vz/vz.conf")
    for line in ('VEFSTYPE="ext4"', 'VEIMAGEFORMAT="ploop"', 'CONFIGFILE="basic"', "VE_STOP_MODE=stop"):
        assert line in conf.splitlines()
    sample = vz7.read("/etc/vz/conf/ve-basic.conf-sample")
    assert 'VERSION="2"' in sample and 'DISKSPACE="10485760:10485760"' in sample
    assert "FLAVOUR=vz7" in vz7.read("/var/lib/openvz-emulator/emulator.conf")
    for tool in ("vzctl", "vzlist", "prlctl", "prlsrvctl", "vzpkg"):
        assert os.path.islink(vz7.path("/usr/sbin/" + tool))
    assert os.path.isfile(vz7.path("/vz/template/cache/%s.plain.ploopv2.tar.lz4" % TEMPLATE))


def test_vzctl7_invocation(vz7):
    assert vz7.vzctl("--version").out == "vzctl v.7.0.254\n"
    result = vz7.vzctl("start")
    assert (result.rc, result.err) == (21, "ctid is not given\n")
    result = vz7.vzctl("start", "not/an-id")
    assert (result.rc, result.err) == (21, "Invalid ctid is specified: not/an-id\n")
    result = vz7.vzctl("quotaon", "101")
    assert (result.rc, result.err) == (0, "Warning: The 'quotaon' action is deprecated\n")
    result = vz7.vzctl("status", "4242")
    assert (result.rc, result.out) == (0, "VEID 4242 deleted unmounted down\n")


def test_vzctl7_create_numeric_and_uuid(vz7):
    result = vz7.vzctl("create", "101", "--ostemplate", TEMPLATE)
    assert result.rc == 0, result
    assert result.out_lines == [
        "Name 101 assigned",
        "Creating Container private area (%s) with applications from config (ve-basic.conf-sample)" % TEMPLATE,
        "Creating image: /vz/private/101.tmp/root.hdd/root.hdd size=10485760K",
        "Container private area /vz/private/101 created"]
    conf = vz7.read("/etc/vz/conf/101.conf").splitlines()
    assert 'OSTEMPLATE=".%s"' % TEMPLATE in conf and 'VE_LAYOUT="ploop"' in conf and 'NAME="101"' in conf
    assert any(UUID_RE.match(line[6:-1]) for line in conf if line.startswith("UUID="))
    assert os.path.isfile(vz7.path("/vz/private/101/root.hdd/DiskDescriptor.xml"))
    result = vz7.vzctl("create", "{%s}" % UUID.upper(), "--ostemplate", TEMPLATE, "--name", "web")
    assert result.rc == 0, result
    assert 'UUID="%s"' % UUID in vz7.read("/etc/vz/conf/%s.conf" % UUID).splitlines()
    assert vz7.vzctl("status", "web").out == "VEID %s exist unmounted down\n" % UUID
    assert vz7.vzctl("status", UUID).rc == 0
    result = vz7.vzctl("create", "101", "--ostemplate", TEMPLATE)
    assert (result.rc, result.err_lines[0]) == (44, "Container 101 already exists")
    result = vz7.vzctl("set", "101", "--name", "web", "--save")
    assert result.rc == 137 and "Conflict: name web already used by container %s" % UUID in result.err


def test_vzctl7_lifecycle_and_exit_codes(vz7):
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    result = vz7.vzctl("start", "101")
    assert result.rc == 0, result
    assert result.out_lines == ["Starting Container ...", "Mount image: /vz/private/101/root.hdd ",
                                "Container is mounted", "Setting CPU units: 1000",
                                "Container start in progress..."]
    assert vz7.vzctl("status", "101").out == "VEID 101 exist mounted running\n"
    assert vz7.vzctl("start", "101").rc == 32
    assert vz7.vzctl("exec2", "101", "exit 3").rc == 3
    assert vz7.vzctl("suspend", "101").rc == 0
    assert vz7.vzctl("status", "101").out == "VEID 101 exist unmounted suspended\n"
    result = vz7.vzctl("resume", "101")
    assert result.rc == 0 and result.out_lines[-1] == "Container was restored successfully", result
    result = vz7.vzctl("stop", "101")
    assert result.out_lines[0] == "Stopping the Container ..." and result.rc == 0
    assert vz7.vzctl("stop", "101").rc == 0
    assert vz7.vzctl("exec", "101", "true").rc == 8
    uuid = "{11111111-2222-3333-4444-555555555555}"
    assert vz7.vzctl("snapshot", "101", "--id", uuid).out_lines[-1] == \
        "Snapshot %s has been successfully created" % uuid
    assert vz7.vzctl("snapshot-delete", "101", "--id", uuid).rc == 0
    result = vz7.vzctl("destroy", "101")
    assert result.out_lines == ["Destroying Container private area: /vz/private/101",
                                "Container private area was destroyed"]
    assert vz7.vzctl("status", "101").out == "VEID 101 deleted unmounted down\n"


def test_vzctl7_set_netif_network(vz7):
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    result = vz7.vzctl("set", "101", "--netif_add", "eth0", "--save")
    assert (result.rc, result.out_lines) == (0, ["Saved parameters for Container 101"]), result
    result = vz7.vzctl("set", "101", "--cpus", "1")
    assert result.out_lines[-1].startswith("WARNING: Changes are not saved and will be dropped on the next start.")
    result = vz7.vzctl("set", "101", "--diskspace", "3G")
    assert (result.rc, result.err) == (20, "It is not allowed to use the --diskspace option without --save\n")
    result = vz7.vzctl("set", "101", "--name", "x")
    assert (result.rc, result.err) == (137, "Unable to use the --name option without --save\n")
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--network", "Bridged", "--ipadd", "198.18.7.2/24",
                       "--gw", "198.18.7.1", "--save")
    assert result.rc == 0, result
    netif = [line for line in vz7.read("/etc/vz/conf/101.conf").splitlines() if line.startswith("NETIF=")]
    match = re.match(r'^NETIF="ifname=eth0,mac=00:18:51:(..):(..):(..),host_mac=00:18:51:..:..:..,'
                     r'host_ifname=veth51(......),network=Bridged,gw=198.18.7.1,ip=198.18.7.2/24"$', netif[0])
    assert match and "".join(match.groups()[:3]).lower() == match.group(4), netif
    result = vz7.vzctl("set", "101", "--netif_add", "eth1,,,,br0", "--save")
    assert result.rc == 21
    for args in (("--cpus", "2"), ("--ram", "1G"), ("--swap", "512M"), ("--diskspace", "20G")):
        assert vz7.vzctl("set", "101", *(args + ("--save",))).rc == 0, args
    conf = vz7.read("/etc/vz/conf/101.conf").splitlines()
    for line in ('CPUS="2"', 'PHYSPAGES="0:262144"', 'SWAPPAGES="0:131072"', 'DISKSPACE="20971520:20971520"'):
        assert line in conf
    data = json.loads(vz7.vzlist("-j", "-o", "ctid,diskspace,network,configured_ip", "101").out)[0]
    assert data["diskspace"]["hardlimit"] < 20971520 and data["network"] == ["Bridged"]


def test_legacy_cache_only_with_simfs(vz7):
    build_template(vz7.path("/vz/template/cache/old-1.0-x86_64.tar.gz"))
    result = vz7.vzctl("create", "101", "--ostemplate", "old-1.0-x86_64")
    assert result.rc == 21
    assert result.err_lines == [
        "The cached package set '/vz/template/cache/old-1.0-x86_64.tar.gz' is not compatible with "
        "layout 5. Update the cache", "Creation of Container private area failed"]
    assert not os.path.exists(vz7.path("/vz/private/101"))
    result = vz7.vzctl("create", "101", "--ostemplate", "old-1.0-x86_64", "--layout", "simfs")
    assert result.rc == 0, result
    assert os.path.isfile(vz7.path("/vz/private/101/etc/os-release"))
    result = vz7.vzctl("create", "102", "--ostemplate", TEMPLATE, "--layout", "simfs")
    assert result.rc == 21 and "not compatible with layout 4" in result.err
    result = vz7.vzctl("create", "103", "--ostemplate", "nosuch-1-x86_64")
    assert (result.rc, result.err_lines[0]) == (91, "Error: Unable to find ostemplate: nosuch-1-x86_64")


def test_uncached_template_gets_its_cache(vz7):
    os.unlink(vz7.path("/vz/template/cache/%s.plain.ploopv2.tar.lz4" % TEMPLATE))
    result = vz7.vzctl("create", "101", "--ostemplate", "." + TEMPLATE)
    assert result.rc == 0, result
    assert "Cached package set '%s' is not found, run create cache utility..." % TEMPLATE in result.out_lines
    assert os.path.isfile(vz7.path("/vz/private/101/root.hdd/fs/etc/os-release"))


def test_vzlist7(vz7):
    result = vz7.vzlist("-a")
    assert (result.rc, result.out) == (0, "%36s      NPROC STATUS    IP_ADDR         HOSTNAME\n" % "CTID")
    assert vz7.vzlist("-a", "-j").out == "[\n]\n"
    result = vz7.vzlist("-j", "4242")
    assert (result.rc, result.out, result.err) == (1, "", "Container is not found\n")
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE, "--hostname", "h.example").rc == 0
    assert vz7.vzctl("create", UUID, "--ostemplate", TEMPLATE).rc == 0
    vz7.vzctl("start", "101")
    data = json.loads(vz7.vzlist("-a", "-j").out)
    assert [item["ctid"] for item in data] == ["101", UUID]
    assert list(data[0])[:9] == ["ctid", "private", "root", "hostname", "name", "smart_name", "description",
                                 "ostemplate", "distribution"]
    assert data[0]["ostemplate"] == "." + TEMPLATE and data[0]["status"] == "running"
    assert data[1]["status"] == "stopped" and data[1]["ip"] == []
    assert vz7.vzlist("-1").out == "%36s\n" % "101"
    assert vz7.vzlist("-H", "-o", "ctid,status", "-a").out.split() == ["101", "running", UUID, "stopped"]
    assert vz7.vzlist("-j", "-o", "uuid", UUID).out == '[\n  {\n    "uuid": "%s"\n  }\n]\n' % UUID
    assert vz7.vzlist("-a", "-H", "-o", "ctid", "-h", "h.*").out.split() == ["101"]
    assert vz7.vzlist("-a", "-H", "-o", "ctid", "-N", "nosuch").out == ""


def test_prlctl_lifecycle(vz7):
    result = vz7.prlctl("create", "ct1", "--vmtype", "ct", "--ostemplate", TEMPLATE)
    assert (result.rc, result.out_lines) == (0, ["Creating the Container...",
                                                 "The Container has been successfully created."]), result
    ctid = vz7.ctid_of("ct1")
    assert UUID_RE.match(ctid)
    assert vz7.prlctl("status", "ct1").out == "CT ct1 exist stopped\n"
    result = vz7.prlctl("set", "ct1", "--device-add", "net", "--network", "Bridged")
    assert result.rc == 0, result
    assert re.match(r"^Created net0 dev='veth42[0-9a-f]{6}' \(\+\) ifname='eth0' network='Bridged' "
                    r"mac=001C42[0-9A-F]{6} state=disconnected$", result.out_lines[0]), result.out
    assert result.out_lines[1:] == ["", "The CT has been successfully configured."]
    assert "host_mac=FE:1C:42:" in vz7.conf_of("ct1")
    result = vz7.prlctl("start", "ct1")
    assert result.out_lines == ["Starting the CT...", "The CT has been successfully started."]
    assert vz7.prlctl("status", ctid).out == "CT %s exist running\n" % ctid
    assert vz7.prlctl("exec", "ct1", "exit 4").rc == 4
    assert vz7.vzctl("status", "ct1").out == "VEID %s exist mounted running\n" % ctid
    listing = vz7.prlctl("list", "-a", "-j").out
    assert listing == ('[\n\t{\n\t\t"uuid": "%s",\n\t\t"status": "running",\n\t\t"ip_configured": "-",\n'
                       '\t\t"type": "CT",\n\t\t"name": "ct1"\n\t}\n]\n' % ctid)
    text = vz7.prlctl("list").out.splitlines()
    assert text[0] == "UUID                                    STATUS       IP_ADDR         T  NAME"
    assert text[1] == "{%s}  running      -               CT ct1" % ctid
    info = json.loads(vz7.prlctl("list", "-i", "-j", "ct1").out)[0]
    assert info["ID"] == ctid and info["State"] == "running" and info["Home"] == "/vz/private/%s/" % ctid
    assert info["Hardware"]["net0"]["network"] == "Bridged" and info["Hardware"]["memory"]["size"] == "256Mb"
    result = vz7.prlctl("delete", "ct1")
    assert result.rc != 0 and "Failed to remove the CT: " in result.err
    result = vz7.prlctl("stop", "ct1", "--kill")
    assert result.out_lines == ["Stopping the CT...", "The CT has been forcibly stopped"]
    result = vz7.prlctl("delete", "ct1")
    assert result.out_lines == ["Removing the CT...", "The CT has been successfully removed."]
    assert vz7.prlctl("status", "ct1").out == "VM ct1 deleted\n"
    assert not os.path.exists(vz7.path("/vz/private/" + ctid))
    assert not os.path.lexists(vz7.path("/etc/vz/names/ct1"))
    assert vz7.prlctl("start", "ct1").rc == 1
    assert vz7.prlctl("exec", "101", "true").rc == 1


def test_prlctl_and_vzctl_share_containers(vz7):
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    listing = json.loads(vz7.prlctl("list", "-a", "-j", "-o", "uuid,envid,name,status").out)
    assert listing[0]["envid"] == "101" and listing[0]["name"] == "101"
    assert vz7.prlctl("start", "101").rc == 0
    assert vz7.vzctl("status", "101").out == "VEID 101 exist mounted running\n"
    assert vz7.prlctl("set", "101", "--cpus", "2", "--memsize", "1024", "--device-set", "hdd0",
                      "--size", "5G", "--hostname", "h1.example").rc == 0
    conf = vz7.read("/etc/vz/conf/101.conf").splitlines()
    for line in ('CPUS="2"', 'PHYSPAGES="0:262144"', 'DISKSPACE="5242880:5242880"', 'HOSTNAME="h1.example"'):
        assert line in conf


def test_prlctl_snapshots_and_clone(vz7):
    assert vz7.prlctl("create", "ct1", "--ostemplate", TEMPLATE).rc == 0
    result = vz7.prlctl("snapshot", "ct1", "--name", "first")
    assert result.out_lines[0] == "Creating the snapshot..."
    guid = re.match(r"^The snapshot with id (\{.*\}) has been successfully created\.$", result.out_lines[1]).group(1)
    listing = vz7.prlctl("snapshot-list", "ct1").out.splitlines()
    assert listing == ["PARENT_SNAPSHOT_ID                      SNAPSHOT_ID", "%38s *%38s" % ("", guid)]
    result = vz7.prlctl("snapshot-switch", "ct1", "--id", guid)
    assert result.out_lines == ["Switch to the snapshot %s" % guid, "The CT has been successfully switched."]
    result = vz7.prlctl("snapshot-delete", "ct1", "--id", guid)
    assert result.out_lines == ["Delete the snapshot...", "The snapshot has been successfully deleted."]
    result = vz7.prlctl("clone", "ct1", "--name", "ct2")
    assert result.rc == 0 and result.out_lines[-1] == "The CT has been successfully cloned.", result
    assert vz7.ctid_of("ct2") != vz7.ctid_of("ct1")
    assert vz7.prlctl("status", "ct2").out == "CT ct2 exist stopped\n"


def test_prlsrvctl_networks(vz7):
    result = vz7.prlsrvctl("net", "list")
    assert result.out_lines == [
        "Network ID        Type      Bound To       Bridge         Slave interfaces",
        "Bridged           bridged   eth0           br0            ",
        "Host-Only         host-only virbr1         virbr1         "]
    assert vz7.prlsrvctl("net", "add", "vlan100", "-i", "eth0.100", "-t", "bridged").rc == 0
    assert vz7.prlsrvctl("net", "add", "vlan100", "-i", "eth1").rc == 1
    assert vz7.prlsrvctl("net", "set", "vlan100", "-i", "eth1").rc == 0
    data = json.loads(vz7.prlsrvctl("net", "list", "-j").out)
    assert {"Network ID": "vlan100", "Type": "bridged", "Bound To": "eth1", "Bridge": "br1"} in data
    assert vz7.prlsrvctl("net", "del", "vlan100").rc == 0
    assert vz7.prlsrvctl("net", "del", "vlan100").rc == 1
    assert [item["Network ID"] for item in json.loads(vz7.prlsrvctl("net", "list", "-j").out)] == \
        ["Bridged", "Host-Only"]


def test_vzpkg(vz7):
    result = vz7.vzpkg("list", "-O")
    assert re.match(r"^%s \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$" % TEMPLATE.ljust(34), result.out_lines[0]), result.out
    assert vz7.vzpkg("install", "template", "other-2-x86_64").rc == 0
    assert vz7.vzpkg("list").out_lines[1] == "other-2-x86_64".ljust(34) + " "
    assert vz7.vzpkg("list", "--cached").out_lines == result.out_lines
    assert vz7.vzpkg("update", "cache", TEMPLATE).rc == 0
    cache = vz7.path("/vz/template/cache/%s.plain.ploopv2.tar.lz4" % TEMPLATE)
    assert os.path.isfile(cache) and os.path.isfile(cache + "-old")
    result = vz7.vzpkg("create", "cache", "nosuch-1-x86_64")
    assert (result.rc, result.err) == (1, "Error: Unable to find ostemplate: nosuch-1-x86_64\n")
    assert shutil.which("lz4")


def test_prlctl_state_commands(vz7):
    assert vz7.prlctl("create", "ct1", "--ostemplate", TEMPLATE).rc == 0
    for command, lines, state in (
            ("mount", ["Mounting the CT...", "The CT has been successfully mounted."], "mounted"),
            ("umount", ["Unmounting the CT...", "The CT has been successfully unmounted."], "stopped"),
            ("start", ["Starting the CT...", "The CT has been successfully started."], "running"),
            ("restart", ["Restarting the CT...", "The CT has been successfully restarted."], "running"),
            ("suspend", ["Suspending the CT...", "The CT has been successfully suspended."], "suspended"),
            ("resume", ["Resuming the CT...", "The CT has been successfully resumed."], "running"),
            ("stop", ["Stopping the CT...", "The CT has been successfully stopped."], "stopped")):
        result = vz7.prlctl(command, "ct1")
        assert (result.rc, result.out_lines) == (0, lines), (command, result)
        assert vz7.prlctl("status", "ct1").out == "CT ct1 exist %s\n" % state, command
    result = vz7.prlctl("stop", "ct1")
    assert (result.rc, result.err) == (1, "Failed to stop the CT: The CT is not running\n")
    result = vz7.prlctl("exec", "ct1", "true")
    assert result.rc == 255 and "not running" in result.err
    result = vz7.prlctl("list", "-o", "name,nosuch")
    assert (result.rc, result.err) == (1, "Unknown field: nosuch\n")
    result = vz7.prlctl("create", "ct1", "--ostemplate", TEMPLATE)
    assert result.rc == 1 and result.err.startswith("Failed to create the Container: ")


def test_vzctl7_nic_on_a_running_ct(vz7):
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    assert vz7.vzctl("start", "101").rc == 0
    result = vz7.vzctl("set", "101", "--netif_add", "eth0", "--save")
    assert result.rc == 0, result
    assert "Configure veth device: eth0" in result.out_lines
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--dhcp", "yes", "--configure", "all", "--save")
    assert result.rc == 0, result
    assert ",configure=all,dhcp=yes" in vz7.read("/etc/vz/conf/101.conf")
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--dhcp", "maybe", "--save")
    assert (result.rc, result.err) == (21, "Bad parameter for --dhcp: maybe\n")
    assert vz7.vzctl("restart", "101").rc == 0
    assert vz7.vzctl("exec", "101", "true").rc == 0


def test_exec_of_a_missing_program(vz7):
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    assert vz7.vzctl("start", "101").rc == 0
    result = vz7.vzctl("exec3", "101", "/nonexistent/program")
    assert result.rc == 3 and "Unable to execute /nonexistent/program" in result.err, result


def test_vzctl7_nettype_bridge_and_no_bridge_option(vz7):
    """vzctl 7 has no --bridge; --nettype bridge|routed is NETIF's type= (OpenVZ/vzctl
    src/vzctl.c set_options, libvzctl lib/veth.c get_nettype / run_vznetcfg)."""
    assert vz7.vzctl("create", "101", "--ostemplate", TEMPLATE).rc == 0
    assert vz7.vzctl("set", "101", "--netif_add", "eth0", "--save").rc == 0
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--bridge", "br0", "--save")
    # set_options' getopt failure is VZ_INVALID_PARAMETER_VALUE (src/vzctl.c)
    assert (result.rc, result.err_lines[0]) == (21, "vzctl: unrecognized option '--bridge'"), result
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--nettype", "bridge", "--network", "vmbr0",
                       "--save")
    assert result.rc == 0, result
    netif = [line for line in vz7.read("/etc/vz/conf/101.conf").splitlines() if line.startswith("NETIF=")][0]
    assert ",type=bridge,network=vmbr0" in netif and "bridge=" not in netif.replace("type=bridge", "")
    data = json.loads(vz7.vzlist("-j", "-o", "ctid,network,type", "101").out)[0]
    assert data["network"] == ["vmbr0"] and data["type"] == ["bridge"]
    result = vz7.vzctl("set", "101", "--ifname", "eth0", "--nettype", "nat", "--save")
    assert (result.rc, result.err) == (21, "Bad parameter for --nettype: nat\n")
    assert vz7.vzctl("start", "101").rc == 0


def test_stopped_dispatcher_refuses_prlctl_and_prlsrvctl(vz7):
    """PrlSrv::login: 'Login failed: ...', rc 253 (prlerr2exitcode, CANT_CONNECT_TO_DISPATCHER)."""
    assert vz7.prlctl("list", "-a", "-j").rc == 0
    with open(vz7.path("/var/lib/openvz-emulator/emulator.conf"), "a") as handle:
        handle.write("DISPATCHER=stopped\n")
    for result in (vz7.prlctl("list", "-a", "-j"), vz7.prlsrvctl("net", "list")):
        assert result.rc == 253 and result.out == ""
        assert result.err.startswith("Login failed: Unable to connect to Virtuozzo.")
    assert vz7.vzctl("status", "101").rc == 0  # vzctl 7 works without it (libvzctl; unverified)
