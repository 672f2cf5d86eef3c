"""openvz-cli.md 1.2 and 4.4: set pre-checks, messages and the bytes --save writes."""

import os

import pytest

BASE = '# my comment\nHOSTNAME="old"\nPHYSPAGES="0:1"\nSWAPPAGES="0:1"\nHOSTNAME="dup"\n'


@pytest.fixture
def ct(emu):
    emu.create(101)
    emu.write("/etc/vz/conf/101.conf", BASE + 'VE_LAYOUT="simfs"\n')
    return emu


@pytest.mark.parametrize("args,line", [
    (("--ram", "512M"), 'PHYSPAGES="0:131072"'),
    (("--ram", "1G"), 'PHYSPAGES="0:262144"'),
    (("--ram", "1000"), 'PHYSPAGES="0:1"'),
    (("--swap", "1G"), 'SWAPPAGES="0:262144"'),
    (("--physpages", "1000"), 'PHYSPAGES="1000"'),
    (("--privvmpages", "1G:unlimited"), 'PRIVVMPAGES="262144:unlimited"'),
    (("--kmemsize", "1M:2M"), 'KMEMSIZE="1048576:2097152"'),
    (("--numproc", "100:120"), 'NUMPROC="100:120"'),
    (("--diskspace", "10G"), 'DISKSPACE="10485760:10485760"'),
    (("--diskspace", "2G:3G"), 'DISKSPACE="2097152:3145728"'),
    (("--diskinodes", "200000"), 'DISKINODES="200000:200000"'),
    (("--cpus", "2"), 'CPUS="2"'),
    (("--cpuunits", "1000"), 'CPUUNITS="1000"'),
    (("--cpulimit", "50"), 'CPULIMIT="50"'),
    (("--onboot", "yes"), 'ONBOOT="yes"'),
    (("--description", "a b"), 'DESCRIPTION="a b"'),
    (("--ipadd", "192.0.2.1", "--ipadd", "192.0.2.2/24"), 'IP_ADDRESS="192.0.2.1 192.0.2.2/24"'),
    (("--ipadd", "0.0.0.0", "--ipadd", "2001:DB8::1"), 'IP_ADDRESS="2001:db8::1"'),
    (("--nameserver", "192.0.2.53", "--nameserver", "192.0.2.54"), 'NAMESERVER="192.0.2.53 192.0.2.54"'),
    (("--capability", "sys_time:on,NET_admin:off"), 'CAPABILITY="NET_ADMIN:off SYS_TIME:on"'),
    (("--features", "ppp:on,nfs:off"), 'FEATURES="nfs:off ppp:on"'),
    (("--netif_add", "eth0,00:11:22:33:44:55,vethx,,br1"),
     'NETIF="ifname=eth0,bridge=br1,mac=00:11:22:33:44:55,host_ifname=vethx,host_mac=00:11:22:33:44:55"'),
])
def test_save_writes(ct, args, line):
    result = ct.vzctl("set", 101, *(args + ("--save",)))
    assert (result.rc, result.err) == (0, ""), result
    assert result.out_lines[-1] == "CT configuration saved to /etc/vz/conf/101.conf"
    assert line in ct.read("/etc/vz/conf/101.conf").splitlines()


def test_in_place_replace_and_comments(ct):
    assert ct.vzctl("set", 101, "--hostname", "new", "--save").rc == 0
    assert ct.read("/etc/vz/conf/101.conf") == (
        '# my comment\nHOSTNAME="new"\nPHYSPAGES="0:1"\nSWAPPAGES="0:1"\nHOSTNAME="dup"\nVE_LAYOUT="simfs"\n')


def test_identical_value_still_saved(ct):
    ct.vzctl("set", 101, "--onboot", "yes", "--save")
    result = ct.vzctl("set", 101, "--onboot", "yes", "--save")
    assert result.out == "CT configuration saved to /etc/vz/conf/101.conf\n"
    result = ct.vzctl("set", 101, "--save")
    assert result.out == "No changes in CT configuration, not saving\n"


def test_merges(ct):
    ct.vzctl("set", 101, "--ipadd", "192.0.2.1", "--ipadd", "192.0.2.2", "--save")
    ct.vzctl("set", 101, "--ipdel", "192.0.2.1", "--save")
    assert 'IP_ADDRESS="192.0.2.2"' in ct.read("/etc/vz/conf/101.conf")
    ct.vzctl("set", 101, "--ipdel", "all", "--save")
    assert 'IP_ADDRESS=""' in ct.read("/etc/vz/conf/101.conf")
    ct.vzctl("set", 101, "--capability", "sys_time:on", "--save")
    ct.vzctl("set", 101, "--capability", "chown:off", "--save")
    assert 'CAPABILITY="CHOWN:off SYS_TIME:on"' in ct.read("/etc/vz/conf/101.conf")


def test_netif_generation_is_deterministic(ct):
    ct.vzctl("set", 101, "--netif_add", "eth12", "--save")
    netif = [line for line in ct.read("/etc/vz/conf/101.conf").splitlines() if line.startswith("NETIF=")][0]
    assert "host_ifname=veth101.12" in netif
    fields = dict(item.split("=") for item in netif[len('NETIF="'):-1].split(","))
    assert fields["mac"].startswith("00:18:51:") and fields["mac"] == fields["mac"].upper()
    assert fields["host_mac"].startswith("00:18:51:") and fields["host_mac"] != fields["mac"]
    assert list(fields) == ["ifname", "mac", "host_ifname", "host_mac"]
    ct.vzctl("set", 101, "--netif_del", "eth12", "--save")
    ct.vzctl("set", 101, "--netif_add", "eth12", "--save")
    again = [line for line in ct.read("/etc/vz/conf/101.conf").splitlines() if line.startswith("NETIF=")][0]
    assert again == netif
    ct.vzctl("set", 101, "--netif_del", "all", "--save")
    assert 'NETIF=""' in ct.read("/etc/vz/conf/101.conf")


@pytest.mark.parametrize("args,rc,err", [
    (("--reset_ub", "--onboot", "yes"), 20, "Error: option --reset_ub is exclusive"),
    (("--name", "x"), 131, "Error: unable to use --name option without --save"),
    (("--ostemplate", "x"), 20, "Error: unable to use --ostemplate option without --save"),
    (("--force", "--onboot", "yes"), 20, "Error: --force is useless without --save"),
    (("--setmode", "restart", "--onboot", "yes"), 20, "Error: --setmode restart doesn't make sense without --save flag"),
    (("--offline-resize", "--save"), 20, "Error: option --offline-resize can only be used with --diskspace"),
    (("--name", "bad/name", "--save"), 131, "Error: invalid name bad/name"),
    (("--capability", "bogus:on", "--save"), 21, "Capability bogus is unknown"),
    (("--capability", "chown", "--save"), 21, "Can't parse capability chown (expecting capname:on|off)"),
    (("--cpuunits", "7", "--save"), 21, "Bad parameter for --cpuunits: 7"),
    (("--onboot", "maybe", "--save"), 21, "Bad parameter for --onboot: maybe"),
    (("--netif_add", "eth0,00:11", "--save"), 21, "Invalid container MAC address length"),
])
def test_prechecks(ct, args, rc, err):
    before = ct.read("/etc/vz/conf/101.conf")
    result = ct.vzctl("set", 101, *args)
    assert result.rc == rc, result
    assert result.err_lines[-1] == err
    assert ct.read("/etc/vz/conf/101.conf") == before


def test_unknown_feature(ct):
    result = ct.vzctl("set", 101, "--features", "warp:on", "--save")
    assert result.rc == 21
    assert result.out == "Warning: Unknown feature: warp:on\n"
    assert result.err == "Bad parameter for --features: warp:on\n"


def test_vswap_without_swap(emu):
    emu.create(101, "--config", "basic")
    result = emu.vzctl("set", 101, "--ram", "512M", "--save")
    assert (result.rc, result.err) == (28, "Error: required UB parameter (swap) not set\n")
    assert emu.vzctl("set", 101, "--ram", "512M", "--swap", "1G", "--save").rc == 0


def test_name_conflict_and_rename(emu):
    emu.create(101)
    emu.create(102)
    assert emu.vzctl("set", 101, "--name", "web1", "--save").out_lines == [
        "Name web1 assigned", "CT configuration saved to /etc/vz/conf/101.conf"]
    result = emu.vzctl("set", 102, "--name", "web1", "--save")
    assert (result.rc, result.err) == (131, "Conflict: name web1 already used by container 101\n")
    emu.vzctl("set", 101, "--name", "web2", "--save")
    assert not os.path.lexists(emu.path("/etc/vz/names/web1"))
    assert os.readlink(emu.path("/etc/vz/names/web2")) == "/etc/vz/conf/101.conf"


def test_stopped_without_save(ct):
    result = ct.vzctl("set", 101, "--ram", "1G", "--swap", "1G")
    assert result.rc == 31
    assert result.err == "Unable to apply UBC parameters: container is not running\n"
    result = ct.vzctl("set", 101, "--onboot", "yes")
    assert (result.rc, result.out) == (0, "WARNING: Settings were not saved to config (use --save flag)\n")


def test_running_apply(ct):
    ct.vzctl("start", 101)
    result = ct.vzctl("set", 101, "--ram", "1G", "--cpuunits", "2000", "--ipadd", "192.0.2.9", "--save")
    assert result.rc == 0, result
    assert result.out_lines == ["UB limits were set successfully", "Adding IP address(es): 192.0.2.9",
                                "Setting CPU units: 2000", "CT configuration saved to /etc/vz/conf/101.conf"]
    result = ct.vzctl("set", 101, "--cpulimit", "10")
    assert result.out_lines == ["Setting CPU limit: 10",
                                "WARNING: Settings were not saved to config and will be lost after CT restart (use --save flag)"]
    result = ct.vzctl("set", 101, "--capability", "sys_time:on", "--save")
    assert result.rc == 0
    assert result.err_lines == ["Unable to set capability on a running container",
                                "WARNING: Some of the parameters could not be applied to a running container.",
                                "\tPlease consider using --setmode option"]
    result = ct.vzctl("set", 101, "--capability", "sys_time:on", "--setmode", "ignore", "--save")
    assert result.rc == 32
    result = ct.vzctl("set", 101, "--private", "/vz/private/x", "--save")
    assert (result.rc, result.err_lines[0]) == (32, "Unable to change VE_PRIVATE on a running container")


def test_running_netif_add_runs_vznetcfg(ct):
    script = ct.path("/usr/sbin/vznetcfg")
    with open(script, "w") as handle:
        handle.write('#!/bin/sh\necho "vznetcfg $* VEID=$VEID" >> "$(dirname "$0")/calls"\n')
    os.chmod(script, 0o755)
    ct.vzctl("start", 101)
    result = ct.vzctl("set", 101, "--netif_add", "eth0,,,,br0", "--save")
    assert result.rc == 0, result
    assert result.out_lines[0] == "Configure veth devices: veth101.0 "
    assert ct.read("/usr/sbin/calls") == "vznetcfg init veth veth101.0 VEID=101\n"
    with open(script, "w") as handle:
        handle.write("#!/bin/sh\nexit 1\n")
    ct.vzctl("stop", 101)
    result = ct.vzctl("start", 101)
    assert result.rc == 130
    assert "/usr/sbin/vznetcfg exited with error" in result.err_lines
    assert ct.vzctl("status", 101).out == "CTID 101 exist unmounted down\n"
