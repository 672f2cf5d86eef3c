"""openvz-cli.md 1.0, 1.5, 2: invocation errors, IDs, status line, streams."""

import pytest


def test_version(emu):
    result = emu.vzctl("--version")
    assert (result.rc, result.out) == (0, "vzctl version 4.11.1\n")


@pytest.mark.parametrize("args,rc,err", [
    ((), 20, None),
    (("frobnicate", "101"), 20, "Bad command: frobnicate"),
    (("start",), 21, "CT ID missing"),
    (("start", "-5"), 21, "Bad CT ID -5"),
    (("start", "2147483645"), 21, "Bad CT ID 2147483645"),
    (("start", "nosuchname"), 21, "Bad CT ID nosuchname"),
    (("start", "4242"), 14, "Container config file does not exist"),
    (("destroy", "4242"), 14, "Container config file does not exist"),
    (("start", "0"), 21, "Only set actions are allowed for CT0"),
    (("status", "0"), 21, "Only set actions are allowed for CT0"),
])
def test_id_and_command_errors(emu, args, rc, err):
    result = emu.vzctl(*args)
    assert result.rc == rc
    assert result.out == ""
    if err:
        assert result.err_lines[-1] == err


def test_name_differing_from_config(emu):
    emu.create(101, "--name", "web1")
    conf = emu.read("/etc/vz/conf/101.conf").replace('NAME="web1"', 'NAME="other"')
    emu.write("/etc/vz/conf/101.conf", conf)
    result = emu.vzctl("start", "web1")
    assert (result.rc, result.err) == (21, "Unable to find container by name web1\n")


def test_extra_arguments(emu):
    emu.create(101)
    result = emu.vzctl("mount", "101", "junk", "more")
    assert (result.rc, result.err) == (20, "Invalid extra arguments: junk more \n")


@pytest.mark.parametrize("command,rc", [("start", 20), ("stop", 20), ("restart", 20), ("set", 21), ("create", 21)])
def test_unknown_option(emu, command, rc):
    emu.create(101)
    result = emu.vzctl(command, "101", "--bogus")
    assert result.rc == rc
    assert "unrecognized option '--bogus'" in result.err


def test_status_never_created(emu):
    result = emu.vzctl("status", "4242")
    assert (result.rc, result.out, result.err) == (0, "CTID 4242 deleted unmounted down\n", "")


def test_status_in_every_state(emu):
    emu.create(101)
    assert emu.vzctl("status", 101).out == "CTID 101 exist unmounted down\n"
    emu.vzctl("mount", 101)
    assert emu.vzctl("status", 101).out == "CTID 101 exist mounted down\n"
    emu.vzctl("start", 101)
    assert emu.vzctl("status", 101).out == "CTID 101 exist mounted running\n"
    assert emu.vzctl("suspend", 101).rc == 0
    assert emu.vzctl("status", 101).out == "CTID 101 exist unmounted down suspended\n"
    assert emu.vzctl("resume", 101).rc == 0
    assert emu.vzctl("status", 101).out == "CTID 101 exist mounted running\n"
    emu.vzctl("stop", 101)
    emu.vzctl("destroy", 101)
    assert emu.vzctl("status", 101).out == "CTID 101 deleted unmounted down\n"


def test_quiet_silences_messages(emu):
    emu.create(101)
    result = emu.vzctl("--quiet", "start", 101)
    assert (result.rc, result.out, result.err) == (0, "", "")
    result = emu.vzctl("--quiet", "start", 101)
    assert (result.rc, result.out, result.err) == (32, "", "")


def test_name_resolution(emu):
    emu.create(101, "--name", "web1")
    assert emu.vzctl("status", "web1").out == "CTID 101 exist unmounted down\n"
