"""openvz-cli.md 3: vzlist text, JSON and the nothing-found matrix."""

import json
import os
import shutil

import pytest

HEADER = "      CTID      NPROC STATUS    IP_ADDR         HOSTNAME"
JSON_KEYS = ("ctid veid vpsid private root mount_opts origin_sample hostname name smart_name "
             "description ostemplate ip nameserver searchdomain status kmemsize lockedpages "
             "privvmpages shmpages numproc physpages vmguarpages oomguarpages numtcpsock numflock "
             "numpty numsiginfo tcpsndbuf tcprcvbuf othersockbuf dgramrcvbuf numothersock dcachesize "
             "numfile numiptent swappages diskspace diskinodes laverage uptime cpulimit cpuunits cpus "
             "ioprio iolimit iopslimit onboot bootorder layout features vswap disabled vm_overcommit "
             "netfilter capability").split()


@pytest.fixture
def two(emu):
    emu.create(2001, "--hostname", "web.example.org", "--ipadd", "10.9.8.7")
    emu.create(2002, "--name", "db")
    emu.vzctl("start", 2001)
    return emu


def test_default_and_all(two):
    assert two.vzlist().out == HEADER + "\n      2001          5 running   10.9.8.7        web.example.org\n"
    assert two.vzlist("-a").out_lines[2] == "      2002          - stopped   -               -"
    assert two.vzlist("-S", "-H").out == "      2002          - stopped   -               -\n"
    assert two.vzlist("-1", "-a").out == "      2001\n      2002\n"
    assert two.vzlist("-a", "-n", "-H").out_lines[1].startswith("        db          - stopped")


def test_sort_and_reverse(two):
    assert two.vzlist("-a", "-1", "-s", "-ctid").out == "      2002\n      2001\n"
    result = two.vzlist("-s", "bogus")
    assert (result.rc, result.err) == (1, "Invalid sort field name: bogus\n")


def test_trimming_and_no_trim(two):
    two.vzctl("set", 2002, "--ipadd", "192.0.2.1", "--ipadd", "192.0.2.2", "--hostname", "h" * 40, "--save")
    line = two.vzlist("-H", "-o", "hostname,ip", "2002").out
    assert line == "h" * 32 + " 192.0.2.1 192.0.2.2\n"
    line = two.vzlist("-H", "-o", "ip,hostname", "2002").out
    assert line == "192.0.2.1       " + "h" * 40 + "\n"
    assert two.vzlist("-H", "-t", "-o", "ip,hostname", "2002").out == "192.0.2.1 192.0.2.2 " + "h" * 40 + "\n"


def test_errors(two):
    assert (two.vzlist("-o", "nosuch").rc, two.vzlist("-o", "nosuch").err) == (1, "Unknown field: nosuch\n")
    result = two.vzlist("-j", "-o", "kmemsize.b")
    assert (result.rc, result.err) == (1, "Field `kmemsize.b' is not available in JSON output\n")
    result = two.vzlist("nosuchname")
    assert (result.rc, result.err) == (1, "CT ID nosuchname is invalid.\n")
    assert two.vzlist("-L").out_lines[0] == "ctid            CTID           "
    assert len(two.vzlist("-L").out_lines) == 144


def test_nothing_found_matrix(emu):
    result = emu.vzlist()
    assert (result.rc, result.out, result.err) == (0, "", "Container(s) not found\n")
    result = emu.vzlist("-j")
    assert (result.rc, result.out, result.err) == (0, "[]\n", "")
    result = emu.vzlist("4242")
    assert (result.rc, result.out, result.err) == (1, "", "Container(s) not found\n")
    result = emu.vzlist("-j", "4242")
    assert (result.rc, result.out) == (1, "[]\n")
    # only 0.conf: matched but hidden -> header only
    assert emu.vzlist("-a").out == HEADER + "\n"
    assert emu.vzlist("-a", "-j").out == "[\n]\n"


def test_hidden_without_private(two):
    shutil.rmtree(two.path("/vz/private/2002"))
    assert two.vzlist("-a", "-H", "-1").out == "      2001\n"


def test_json_layout(two):
    text = two.vzlist("-j", "-o", "ctid,status,physpages,ip", "2002").out
    assert text == ('[\n  {\n    "ctid": 2002,\n    "status": "stopped",\n    "physpages": {\n'
                    '      "held": 0,\n      "maxheld": 0,\n      "barrier": 0,\n      "limit": 65536,\n'
                    '      "failcnt": 0\n    },\n    "ip": []\n  }\n]\n')
    data = json.loads(two.vzlist("-a", "-j").out)
    assert [list(item) for item in data] == [JSON_KEYS, JSON_KEYS]
    running, stopped = data
    assert running["smart_name"] == 2001 and stopped["smart_name"] == "db"
    assert running["ip"] == ["10.9.8.7"] and running["laverage"] == [0.0, 0.0, 0.0]
    assert stopped["laverage"] is None and stopped["onboot"] is None
    assert running["kmemsize"]["limit"] == 9223372036854775807
    assert running["numproc"]["held"] <= running["numproc"]["limit"]
    assert stopped["diskspace"] == {"usage": None, "softlimit": 2097152, "hardlimit": 2306867}
    assert stopped["layout"] == "simfs" and stopped["vswap"] is True
    assert stopped["features"] is None and stopped["cpuunits"] == 1000


def test_name_only_via_link(two):
    os.unlink(two.path("/etc/vz/names/db"))
    data = json.loads(two.vzlist("-j", "-o", "name,smart_name", "2002").out)
    assert data == [{"name": None, "smart_name": 2002}]


def test_suspended_and_mounted_status(two):
    two.vzctl("suspend", 2001)
    assert two.vzlist("-H", "-o", "status", "2001").out == "suspended\n"
    two.vzctl("mount", 2002)
    assert two.vzlist("-H", "-o", "status", "2002").out == "mounted\n"
