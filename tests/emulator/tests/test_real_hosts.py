"""openvz-cli.md section 11: what real hosts do that a naive reading misses."""

import json
import os
import subprocess

from conftest import BIN, TEMPLATE

NO_PROC_VZ = "Directory /proc/vz not found, assuming non-OpenVZ kernel"


def vzlist_json(emu, *args):
    result = emu.vzlist("-j", *args)
    assert result.rc == 0, result
    return json.loads(result.out)


def create_ploop(emu, ctid, *extra):
    result = emu.vzctl("create", ctid, "--ostemplate", TEMPLATE, *extra)
    assert result.rc == 0, result
    return result


def test_ploop_diskspace_is_the_filesystem_size(emu):
    """11.1: the vswap-256m sample's 2G:2.2G, as a real host showed it."""
    create_ploop(emu, 101)
    assert 'DISKSPACE="2G:2.2G"' in emu.read("/etc/vz/conf/101.conf")
    stopped = vzlist_json(emu, "-o", "diskspace", "101")[0]["diskspace"]
    assert (stopped["softlimit"], stopped["hardlimit"]) == (2268760, 2268760)
    assert stopped["usage"] > 0  # read from the image
    text = emu.vzlist("-H", "-o", "diskspace.s,diskspace.h", "101").out
    assert text.split() == ["2268760", "2268760"]
    assert emu.vzctl("start", 101).rc == 0
    running = vzlist_json(emu, "-o", "diskspace", "101")[0]["diskspace"]
    assert (running["softlimit"], running["hardlimit"]) == (2062160, 2062160)
    assert emu.vzctl("stop", 101).rc == 0
    # a resize keeps the configured value in the config, vzlist shows the filesystem
    assert emu.vzctl("set", 101, "--diskspace", "10G", "--save").rc == 0
    assert 'DISKSPACE="10485760:10485760"' in emu.read("/etc/vz/conf/101.conf")
    size = vzlist_json(emu, "-o", "diskspace", "101")[0]["diskspace"]["hardlimit"]
    assert size < 10485760 and size % 4 == 0


def test_simfs_reports_configured_limits(emu):
    emu.create(101)
    data = vzlist_json(emu, "-o", "diskspace,diskinodes", "101")[0]
    assert data["diskspace"] == {"usage": None, "softlimit": 2097152, "hardlimit": 2306867}
    assert data["diskinodes"] == {"usage": None, "softlimit": 131072, "hardlimit": 144179}


def test_decimal_sizes_truncate(emu):
    """11.2: 2.2G is 2306867 KB (2306867.2 truncated); --ram rounds bytes up to pages."""
    emu.create(101)
    for args, line in ((("--diskspace", "2G:2.2G"), 'DISKSPACE="2097152:2306867"'),
                       (("--diskspace", "1.5M"), 'DISKSPACE="1536:1536"'),
                       (("--diskspace", "0.0001G"), 'DISKSPACE="104:104"'),
                       (("--privvmpages", "1.1M"), 'PRIVVMPAGES="281"'),
                       (("--kmemsize", "1.5K"), 'KMEMSIZE="1536"'),
                       (("--ram", "1000"), 'PHYSPAGES="0:1"'),
                       (("--ram", "1.5G"), 'PHYSPAGES="0:393216"')):
        result = emu.vzctl("set", 101, *(args + ("--save",)))
        assert result.rc == 0, result
        assert line in emu.read("/etc/vz/conf/101.conf").splitlines(), args


def test_usage_unknown_while_stopped(emu):
    """11.3: stopped simfs '-' / null; mounted simfs and stopped ploop: real usage."""
    emu.create(101)
    assert emu.vzlist("-H", "-o", "diskspace,diskinodes", "101").out.split() == ["-", "-"]
    assert vzlist_json(emu, "-o", "diskinodes", "101")[0]["diskinodes"]["usage"] is None
    assert emu.vzctl("mount", 101).rc == 0
    mounted = vzlist_json(emu, "-o", "diskspace,diskinodes", "101")[0]
    assert mounted["diskinodes"]["usage"] >= 4 and mounted["diskspace"]["usage"] >= 0
    assert emu.vzlist("-H", "-o", "diskinodes", "101").out.split() != ["-"]
    create_ploop(emu, 102)
    ploop = vzlist_json(emu, "-o", "diskinodes,status", "102")[0]
    assert ploop["status"] == "stopped" and ploop["diskinodes"]["usage"] >= 4


def upstream_host(tmp_path):
    from conftest import Emulator, build_template
    root = str(tmp_path / "upstream")
    subprocess.check_call([os.path.join(BIN, "openvz-emulator-setup"), "--root", root, "--kernel", "upstream"])
    build_template(os.path.join(root, "vz/template/cache", TEMPLATE + ".tar.gz"))
    return Emulator(root)


def test_upstream_kernel_works(tmp_path):
    """11.5: every vzctl command says so first, then works."""
    emu = upstream_host(tmp_path)
    assert "KERNEL=upstream" in emu.read("/var/lib/openvz-emulator/emulator.conf")
    result = emu.vzctl("create", 101, "--ostemplate", TEMPLATE, "--layout", "simfs")
    assert result.rc == 0, result
    assert result.out_lines[0] == NO_PROC_VZ
    assert result.out_lines[-1] == "Container private area was created"
    assert result.err_lines == ["File /usr/sbin/vzquota not found"]
    result = emu.vzctl("start", 101)
    assert result.rc == 0 and result.out_lines[0] == NO_PROC_VZ, result
    assert result.out_lines[-1] == "Container start in progress..."
    result = emu.vzctl("status", 101)
    assert (result.rc, result.out_lines) == (0, [NO_PROC_VZ, "CTID 101 exist mounted running"])
    result = emu.vzlist("-a", "-H", "-o", "ctid,status")
    assert result.rc == 0
    assert result.err == "Unable to open /proc/vz/veinfo: No such file or directory\n"
    assert result.out.split() == ["101", "running"]
    result = emu.vzctl("stop", 101, "--fast")
    assert result.rc == 0, result
    assert result.out_lines[:2] == [NO_PROC_VZ, "Killing container ..."]
    result = emu.vzctl("set", 101, "--onboot", "yes", "--save")
    assert result.rc == 0 and result.out_lines[0] == NO_PROC_VZ
    result = emu.vzctl("status", 4242)
    assert result.out_lines == [NO_PROC_VZ, "CTID 4242 deleted unmounted down"]


def test_ploop_start_lines(emu):
    """11.6: the ploop library's lines between 'Starting' and 'mounted'."""
    create_ploop(emu, 101, "--hostname", "ct101.example")
    create_ploop(emu, 102)
    assert emu.vzctl("mount", 102).rc == 0  # holds /dev/ploop0
    result = emu.vzctl("start", 101)
    assert result.rc == 0, result
    assert result.out_lines == [
        "Starting container...",
        "Opening delta /vz/private/101/root.hdd/root.hdd",
        "Adding delta dev=/dev/ploop1 img=/vz/private/101/root.hdd/root.hdd (rw)",
        "Mounting /dev/ploop1p1 at /vz/root/101 fstype=ext4 data='balloon_ino=12,'",
        "Container is mounted",
        "Setting CPU units: 1000",
        "Set hostname: ct101.example",
        "File resolv.conf was modified",
        "Container start in progress..."]
    assert emu.read("/vz/private/101/root.hdd/fs/etc/hostname") == "ct101.example\n"


def test_failed_create_destroys_private_area(emu):
    emu.write("/vz/template/cache/broken.tar.gz", "not a tarball")
    result = emu.vzctl("create", 101, "--ostemplate", "broken", "--layout", "simfs")
    assert result.rc == 48
    assert result.out_lines[-1] == "Destroying container private area: /vz/private/101"
    assert result.err_lines[-1] == "Creation of container private area failed"
    assert not os.path.exists(emu.path("/vz/private/101.tmp"))
    # a failure before the private area was begun does not say so
    result = emu.vzctl("create", 102, "--ostemplate", "nosuch", "--layout", "simfs")
    assert result.rc == 91 and "Destroying" not in result.out


def test_resume_lines(emu):
    emu.create(101, "--ipadd", "192.0.2.5")
    emu.vzctl("start", 101)
    assert emu.vzctl("suspend", 101).rc == 0
    result = emu.vzctl("resume", 101)
    assert result.rc == 0, result
    assert result.out_lines == [
        "Restoring container ...", "Starting container ...", "Container is mounted", "\tundump...",
        "Adding IP address(es): 192.0.2.5", "Setting CPU units: 1000",
        "File resolv.conf was modified", "\tresume...", "Restoring completed successfully"]


def test_snapshot_switch_of_running_ct(emu):
    create_ploop(emu, 101)
    emu.vzctl("start", 101)
    uuid = "{11111111-2222-3333-4444-555555555555}"
    assert emu.vzctl("snapshot", 101, "--id", uuid).rc == 0
    result = emu.vzctl("snapshot-switch", 101, "--id", uuid)
    assert result.rc == 0, result
    assert result.out_lines[0] == "Switching to snapshot %s" % uuid
    assert "Container has been successfully switched to another snapshot" in result.out_lines
    assert result.out_lines[-1] == "Restoring completed successfully"
    assert emu.vzctl("status", 101).out == "CTID 101 exist mounted running\n"
