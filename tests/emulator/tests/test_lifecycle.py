"""openvz-cli.md 1.1, 1.3, 1.4, 1.6, 1.7: lines, streams and exit codes."""

import os


def test_create_output_and_keys(emu):
    result = emu.vzctl("create", 101, "--ostemplate", "mini-1.0-x86_64", "--layout", "simfs",
                       "--name", "web1", "--hostname", "h.example", "--ipadd", "192.0.2.5")
    assert result.rc == 0, result
    assert result.out_lines == [
        "Name web1 assigned",
        "Creating container private area (mini-1.0-x86_64)",
        "Performing postcreate actions",
        "CT configuration saved to /etc/vz/conf/101.conf",
        "Container private area was created",
    ]
    conf = emu.read("/etc/vz/conf/101.conf")
    sample = emu.read("/etc/vz/conf/ve-vswap-256m.conf-sample")
    for line in ('VE_LAYOUT="simfs"', 'OSTEMPLATE="mini-1.0-x86_64"', 'ORIGIN_SAMPLE="vswap-256m"',
                 'IP_ADDRESS="192.0.2.5"', 'HOSTNAME="h.example"', 'NAME="web1"',
                 'VE_PRIVATE="/vz/private/$VEID"'):
        assert line in conf.splitlines()
    assert 'PHYSPAGES="0:256M"' in conf and sample.startswith("# This config")
    assert os.path.isfile(emu.path("/vz/private/101/etc/os-release"))
    assert os.path.islink(emu.path("/vz/private/101/bin/sh"))
    assert not os.path.exists(emu.path("/vz/private/101.tmp"))
    assert os.readlink(emu.path("/etc/vz/names/web1")) == "/etc/vz/conf/101.conf"


def test_create_ploop(emu):
    result = emu.vzctl("create", 102, "--ostemplate", "mini-1.0-x86_64", "--diskspace", "1G")
    assert result.rc == 0, result
    assert "Creating image: /vz/private/102.tmp/root.hdd/root.hdd size=1048576K" in result.out_lines
    assert os.path.isfile(emu.path("/vz/private/102/root.hdd/DiskDescriptor.xml"))
    assert os.path.isfile(emu.path("/vz/private/102/root.hdd/root.hdd"))


def test_create_failures_clean_up(emu):
    result = emu.vzctl("create", 101, "--ostemplate", "nosuch", "--layout", "simfs")
    assert result.rc == 91
    assert result.err_lines == [
        "Cached OS template /vz/template/cache/nosuch.tar[.gz|.bz2|.xz] not found",
        "Creation of container private area failed"]
    assert not os.path.exists(emu.path("/etc/vz/conf/101.conf"))
    assert not os.path.exists(emu.path("/vz/private/101"))
    result = emu.vzctl("create", 101, "--ostemplate", "mini-1.0-x86_64", "--config", "nosuch")
    assert result.rc == 82
    assert result.err_lines == ["Sample config /etc/vz/conf/ve-nosuch.conf-sample not found",
                                "Creation of container private area failed"]


def test_create_private_exists(emu):
    os.makedirs(emu.path("/vz/private/101/x"))
    result = emu.vzctl("create", 101, "--ostemplate", "mini-1.0-x86_64", "--layout", "simfs")
    assert result.rc == 44
    assert result.err_lines == ["Private area already exists in /vz/private/101",
                                "Creation of container private area failed"]


def test_create_unsafe_tarball(emu, tmp_path):
    import io
    import tarfile
    with tarfile.open(emu.path("/vz/template/cache/evil.tar"), "w") as archive:
        info = tarfile.TarInfo("../escape")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    result = emu.vzctl("create", 101, "--ostemplate", "evil", "--layout", "simfs")
    assert result.rc != 0
    assert result.err_lines[-1] == "Creation of container private area failed"
    assert not os.path.exists(emu.path("/vz/private/escape"))
    assert not os.path.exists(emu.path("/vz/private/101"))


def test_start_stop_cycle(emu):
    emu.create(101, "--ipadd", "192.0.2.5")
    result = emu.vzctl("start", 101)
    assert (result.rc, result.err) == (0, "")
    assert result.out_lines == ["Starting container...", "Container is mounted",
                                "Adding IP address(es): 192.0.2.5", "Setting CPU units: 1000",
                                # vz.conf's NAMESERVER=inherit
                                "File resolv.conf was modified", "Container start in progress..."]
    result = emu.vzctl("start", 101)
    assert (result.rc, result.out, result.err) == (32, "", "Container is already running\n")
    result = emu.vzctl("stop", 101)
    assert result.out_lines == ["Stopping container ...", "Container was stopped", "Container is unmounted"]
    result = emu.vzctl("stop", 101)
    assert (result.rc, result.out, result.err) == (0, "", "Unable to stop: container is not running\n")


def test_start_wait_and_fast_stop(emu):
    emu.create(101)
    assert emu.vzctl("start", 101, "--wait").out_lines[-2:] == [
        "Container start in progress, waiting ...", "Container started successfully"]
    assert emu.vzctl("stop", 101, "--fast").out_lines[0] == "Killing container ..."
    result = emu.vzctl("stop", 101, "--wait")
    assert (result.rc, result.err) == (20, "Option --wait is not applicable to stop command\n")


def test_start_disabled_and_no_private(emu):
    emu.create(101)
    emu.vzctl("set", 101, "--disabled", "yes", "--save")
    result = emu.vzctl("start", 101)
    assert (result.rc, result.err) == (105, "Container start disabled\n")
    assert emu.vzctl("start", 101, "--force").rc == 0
    emu.vzctl("stop", 101)
    import shutil
    shutil.rmtree(emu.path("/vz/private/101"))
    result = emu.vzctl("start", 101, "--force")
    assert (result.rc, result.err) == (43, "Container private area /vz/private/101 does not exist\n")


def test_restart(emu):
    emu.create(101)
    emu.vzctl("start", 101)
    result = emu.vzctl("restart", 101)
    assert result.rc == 0
    assert result.out_lines[:2] == ["Restarting container", "Stopping container ..."]
    assert result.out_lines[-1] == "Container start in progress..."


def test_destroy_mount_umount(emu):
    emu.create(101, "--name", "web1")
    emu.vzctl("start", 101)
    result = emu.vzctl("destroy", 101)
    assert (result.rc, result.out, result.err) == (32, "Container is currently running. Stop it first.\n", "")
    result = emu.vzctl("umount", 101)
    assert (result.rc, result.err) == (32, "Container is running -- stop it first\n")
    emu.vzctl("stop", 101, "--skip-umount")
    result = emu.vzctl("mount", 101)
    assert (result.rc, result.out, result.err) == (0, "", "Container is already mounted\n")
    result = emu.vzctl("delete", 101)
    assert (result.rc, result.out, result.err) == (41, "Container is currently mounted (umount first)\n", "")
    assert emu.vzctl("umount", 101).out == "Container is unmounted\n"
    result = emu.vzctl("umount", 101)
    assert (result.rc, result.err) == (40, "CT is not mounted\n")
    assert emu.vzctl("mount", 101).out == "Container is mounted\n"
    emu.vzctl("umount", 101)
    result = emu.vzctl("destroy", 101)
    assert (result.rc, result.err) == (0, "")
    assert result.out_lines == ["Destroying container private area: /vz/private/101",
                                "Container private area was destroyed"]
    assert os.path.exists(emu.path("/etc/vz/conf/101.conf.destroyed"))
    assert not os.path.exists(emu.path("/etc/vz/conf/101.conf"))
    assert not os.path.lexists(emu.path("/etc/vz/names/web1"))
    assert not os.path.exists(emu.path("/vz/private/101"))


def test_exec_family(emu):
    emu.create(101)
    result = emu.vzctl("exec", 101, "true")
    assert (result.rc, result.err) == (8, "Container is not running\n")
    result = emu.vzctl("exec2", 101, "true")
    assert (result.rc, result.err) == (31, "Container is not running\n")
    result = emu.vzctl("exec", 101)
    assert (result.rc, result.err) == (20, "No command line given for exec\n")
    emu.vzctl("start", 101)
    result = emu.vzctl("exec", 101, "echo", "hello", "")
    assert (result.rc, result.out) == (0, "hello \n")
    assert emu.vzctl("exec", 101, "exit 3").rc == 8
    assert emu.vzctl("exec2", 101, "exit 3").rc == 3
    assert emu.vzctl("exec3", 101, "false").rc == 1
    assert emu.vzctl("exec", 101, "-", input=b"echo from-stdin\n").out == "from-stdin\n"


def test_suspend_resume(emu):
    emu.create(101)
    emu.vzctl("start", 101)
    result = emu.vzctl("chkpnt", 101)
    assert result.rc == 0
    assert result.out_lines == ["Setting up checkpoint...", "\tsuspend...", "\tdump...", "\tkill...",
                                "Checkpointing completed successfully", "Container is unmounted"]
    assert os.path.exists(emu.path("/vz/dump/Dump.101"))
    result = emu.vzctl("start", 101)
    assert result.out_lines[0] == "Dump file /vz/dump/Dump.101 exists, trying to restore from it"
    assert result.out_lines[-1] == "Restoring completed successfully"
    assert not os.path.exists(emu.path("/vz/dump/Dump.101"))
    emu.vzctl("stop", 101)
    result = emu.vzctl("suspend", 101)
    assert (result.rc, result.err) == (31, "Container is not running\n")


def test_snapshots_ploop_only(emu):
    emu.create(101)
    result = emu.vzctl("snapshot", 101)
    assert (result.rc, result.err) == (156, "Snapshot feature is only available for ploop-based CTs\n")


def test_snapshots(emu):
    assert emu.vzctl("create", 102, "--ostemplate", "mini-1.0-x86_64", "--diskspace", "1G").rc == 0
    uuid = "{11111111-2222-3333-4444-555555555555}"
    result = emu.vzctl("snapshot", 102, "--id", uuid, "--name", "first")
    assert result.out_lines == ["Creating snapshot %s" % uuid, "Snapshot %s has been successfully created" % uuid]
    assert os.path.exists(emu.path("/vz/private/102/Snapshots.xml"))
    listing = emu.vzctl("snapshot-list", 102, "-H", "-o", "uuid,name")
    assert listing.out == "%s first\n" % uuid
    result = emu.vzctl("snapshot-switch", 102, "--id", uuid)
    assert result.out_lines[-1] == "Container has been successfully switched to another snapshot"
    result = emu.vzctl("snapshot-delete", 102, "--id", "{00000000-0000-0000-0000-000000000000}")
    assert result.rc == 158
    result = emu.vzctl("snapshot-delete", 102, "--id", uuid)
    assert result.out_lines == ["Deleting snapshot %s" % uuid, "Snapshot %s has been successfully deleted" % uuid]
