"""testinfra checks of the host role on the lab hosts ovz1 and ovz2 (run by ``molecule verify``).

Commands run inside each lab host through its sshd; the discovery reports are read on this
machine, where the role wrote them (molecule.yml: host_report_dir).
"""

import hashlib
import json
import os
import uuid

import pytest

USER = "ovzmgmt"
HOME = "/var/lib/openvz-cloud-it/home/" + USER
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIuT1WbXmXxqk4Jt5Yl2vQ0xq3m3r2J0a9u6y3pQnZ8x "
              "cloudstack@mgmt.example.test")
SUDOERS = "/etc/sudoers.d/openvz-cloud"
SYSCTL_FILE = "/etc/sysctl.d/60-openvz-cloud.conf"
VZ_CONF = "/etc/vz/vz.conf"
# The emulator's vz.conf as prepare.yml found it.
VZ_CONF_ORIGINAL = "/var/lib/molecule-host/vz.conf"
# ovz1 is a legacy host (VE_LAYOUT managed), ovz2 an OpenVZ 7 one (ploop only: left alone).
MANAGED_VZ_KEYS = {"ovz1": {"VE_LAYOUT": '"simfs"', "CONFIGFILE": '"basic"', "VE_STOP_MODE": '"stop"'},
                   # vz7's vz.conf already has VE_STOP_MODE=stop: the line is kept, unquoted
                   # and no NEIGHBOUR_DEVS, which the role adds (quoted)
                   "ovz2": {"CONFIGFILE": '"basic"', "VE_STOP_MODE": "stop", "NEIGHBOUR_DEVS": '"detect"'}}
LINES = {"ovz1": ("legacy", "cluster_legacy"), "ovz2": ("openvz7", "cluster_vz7")}
REPORT_DIR = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", ""), "discovery")

testinfra_hosts = ["hypervisors"]  # pylint: disable=invalid-name


def cloudstack_guid(text):
    return str(uuid.UUID(bytes=hashlib.md5(text.encode("ascii")).digest(), version=3))


def shell_values(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.lstrip().startswith("#"))


@pytest.fixture(scope="module")
def hostname(host):
    return host.check_output("hostname")


def test_forwarding_in_effect(host):
    # Each lab host is its own network namespace, which starts with forwarding off.
    assert host.check_output("sysctl -n net.ipv4.ip_forward") == "1"


def test_sysctl_file(host):
    sysctl = host.file(SYSCTL_FILE)
    assert sysctl.is_file
    assert (sysctl.user, sysctl.group, sysctl.mode) == ("root", "root", 0o644)
    assert "net.ipv4.ip_forward = 1" in sysctl.content_string.splitlines()


def test_sudoers_entry(host):
    sudoers = host.file(SUDOERS)
    assert (sudoers.user, sudoers.group, sudoers.mode) == ("root", "root", 0o440)
    lines = sudoers.content_string.splitlines()
    assert "Defaults:%s !requiretty" % USER in lines
    assert "%s ALL=(root) NOPASSWD: /usr/sbin/vzctl, /usr/sbin/vzlist, /usr/bin/systemctl restart cloudstack-agent" % USER in lines
    check = host.run("visudo -cf %s", SUDOERS)
    assert check.rc == 0, check.stdout + check.stderr


def test_management_user_key(host):
    user = host.user(USER)
    assert user.exists
    assert user.home == HOME
    ssh_dir = host.file(HOME + "/.ssh")
    assert (ssh_dir.user, ssh_dir.mode) == (USER, 0o700)
    keys = host.file(HOME + "/.ssh/authorized_keys")
    assert (keys.user, keys.mode) == (USER, 0o600)
    assert keys.content_string == PUBLIC_KEY + "\n"


def test_traffic_label_bridges(host):
    links = {link["ifname"]: link for link in json.loads(host.check_output("ip -j -d link show"))}
    for name in ("cloudbr0", "cloudbr1"):
        assert name in links, sorted(links)
        assert links[name]["linkinfo"]["info_kind"] == "bridge"
    bridge = links["cloudbr1"]["linkinfo"]["info_data"]
    assert (bridge["stp_state"], bridge["forward_delay"]) == (0, 0)


def test_vz_conf_managed_keys_only(host, hostname):
    managed = MANAGED_VZ_KEYS[hostname]
    original = host.file(VZ_CONF_ORIGINAL).content_string.splitlines()
    current = host.file(VZ_CONF).content_string.splitlines()
    values = shell_values("\n".join(current))
    assert {key: values.get(key) for key in managed} == managed
    # A key already at the wanted value keeps its line (and quoting); every other line stays.
    if hostname == "ovz1":
        assert values["NEIGHBOUR_DEVS"] == "detect"
    rewritten = tuple(key + "=" for key in managed)
    assert [line for line in current if not line.startswith(rewritten)] == \
        [line for line in original if not line.startswith(rewritten)]


def test_discovery_report(host, hostname):
    with open(os.path.join(REPORT_DIR, hostname + ".json")) as handle:
        report = json.load(handle)
    address = host.interface("eth0").addresses[0]
    assert report["inventory_hostname"] == hostname
    assert report["fqdn"] == hostname
    flavour, cluster = LINES[hostname]
    assert report["cluster_group"] == cluster
    assert report["host"]["hypervisor"]["flavour"] == flavour
    assert (report["host"]["hypervisor"]["dispatcher"] or {}).get("running") is (True if flavour == "openvz7" else None)
    assert report["host"]["guid"] == cloudstack_guid(address)
    assert report["host"]["details"]["Host.OS"]
    assert report["local_storage"]["path"] == "/vz"
    assert report["local_storage"]["type"] == "Filesystem"
    assert report["local_storage"]["capacity_bytes"] > 0
    assert {"cloudbr0", "cloudbr1"} <= {bridge["name"] for bridge in report["bridges"]}
    assert report["traffic_label_bridges"] == ["cloudbr0", "cloudbr1"]


def test_bridge_script_only_on_the_legacy_host(host, hostname):
    """vzctl 4 needs EXTERNAL_SCRIPT in vznet.conf; libvzctl's own vznetcfg joins bridges on 7."""
    vznet = host.file("/etc/vz/vznet.conf")
    if hostname == "ovz1":
        assert 'EXTERNAL_SCRIPT="/usr/sbin/vznetaddbr"' in vznet.content_string.splitlines()
    else:
        assert not vznet.exists or "EXTERNAL_SCRIPT" not in vznet.content_string


def test_one_report_per_host():
    assert sorted(os.listdir(REPORT_DIR)) == ["ovz1.json", "ovz2.json"]
