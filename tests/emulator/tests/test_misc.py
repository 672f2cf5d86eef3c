"""openvz-cli.md 1.2 (--applyconfig, --setmode), 1.4 (mount scripts), 1.0 (logging), 8 (kernel)."""

import os


def test_applyconfig(emu):
    emu.create(101, "--hostname", "keep.example")
    result = emu.vzctl("set", 101, "--applyconfig", "basic", "--save")
    assert result.rc == 0, result
    conf = emu.read("/etc/vz/conf/101.conf").splitlines()
    assert 'NUMPROC="240"' in conf and 'ORIGIN_SAMPLE="basic"' in conf
    assert 'PRIVVMPAGES="65536:69632"' in conf and 'HOSTNAME="keep.example"' in conf
    result = emu.vzctl("set", 101, "--applyconfig", "nosuch", "--save")
    assert result.rc == 109
    assert result.err_lines == ["Sample config file not found: /etc/vz/conf/ve-nosuch.conf-sample",
                                "Error: failed to apply some parameters, not saving configuration file!"]


def test_setmode_restart(emu):
    emu.create(101)
    emu.vzctl("start", 101)
    result = emu.vzctl("set", 101, "--features", "nfs:on", "--setmode", "restart", "--save")
    assert result.rc == 0, result
    assert result.err_lines == ["Unable to set features on a running container"]
    assert "Restarting container" in result.out_lines
    assert result.out_lines[-1] == "CT configuration saved to /etc/vz/conf/101.conf"
    assert 'FEATURES="nfs:on"' in emu.read("/etc/vz/conf/101.conf")
    assert emu.vzctl("status", 101).out == "CTID 101 exist mounted running\n"


def test_mount_scripts(emu):
    emu.create(101)
    emu.write("/etc/vz/conf/vps.mount", 'echo "mount $VEID $VE_CONFFILE"\n')
    result = emu.vzctl("mount", 101)
    assert result.out_lines == ["mount 101 /etc/vz/conf/101.conf", "Container is mounted"]
    emu.vzctl("umount", 101)
    emu.write("/etc/vz/conf/101.premount", "exit 1\n")
    result = emu.vzctl("mount", 101)
    assert (result.rc, result.err) == (79, "Error executing mount script /etc/vz/conf/101.premount\n")


def test_logging(emu):
    emu.create(101)
    log = emu.read("/var/log/vzctl.log")
    assert "vzctl : CT 101 : Container private area was created" in log


def test_setup_is_idempotent(emu):
    import subprocess
    from conftest import BIN
    emu.write("/etc/vz/vz.conf", "CUSTOM=1\n")
    subprocess.check_call([os.path.join(BIN, "openvz-emulator-setup"), "--root", emu.root])
    assert emu.read("/etc/vz/vz.conf") == "CUSTOM=1\n"


def test_vzlist_performance(emu):
    import time
    conf = emu.read("/etc/vz/conf/ve-vswap-256m.conf-sample")
    for ctid in range(1000, 2000):
        emu.write("/etc/vz/conf/%d.conf" % ctid, conf + 'VE_LAYOUT="simfs"\nHOSTNAME="h%d"\n' % ctid)
        os.makedirs(emu.path("/vz/private/%d" % ctid))
    started = time.time()
    result = emu.vzlist("-a", "-j")
    assert result.rc == 0
    assert time.time() - started < 2.0
    assert result.out.count('"ctid"') == 1000


def test_hostname_and_resolver_written_into_ct(emu):
    emu.create(101, "--hostname", "first.example")
    emu.vzctl("set", 101, "--nameserver", "192.0.2.53", "--searchdomain", "example.org", "--save")
    emu.vzctl("start", 101)
    assert emu.read("/vz/private/101/etc/hostname") == "first.example\n"
    assert emu.read("/vz/private/101/etc/resolv.conf") == "search example.org\nnameserver 192.0.2.53\n"
    emu.vzctl("set", 101, "--hostname", "second.example", "--nameserver", "192.0.2.54", "--save")
    assert emu.read("/vz/private/101/etc/hostname") == "second.example\n"
    assert emu.read("/vz/private/101/etc/resolv.conf") == "search example.org\nnameserver 192.0.2.54\n"
