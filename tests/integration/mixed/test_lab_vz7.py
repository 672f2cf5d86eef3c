"""Acceptance test of an OpenVZ 7 lab: a mixed lab (ovz1 legacy, ovz2 vz7) over real SSH."""

import json
import os
import subprocess
import sys

from lablib import Lab  # noqa: E402  pylint: disable=wrong-import-position

from .conftest import LABCTL, REPO_ROOT, TEMPLATE, labctl, ssh, ssh_ok


def host_links(lab_dir, host):
    argv = [sys.executable, LABCTL, "exec", "--dir", lab_dir, host, "--", "ip", "-j", "link"]
    return json.loads(subprocess.check_output(argv, universal_newlines=True))


def test_flavours_per_host(mixed_lab):
    status = json.loads(labctl("status", "--dir", mixed_lab).stdout)
    assert [host["flavour"] for host in status["hosts"]] == ["legacy", "vz7"]
    assert ssh_ok(mixed_lab, "ovz1", "vzctl", "--version") == "vzctl version 4.11.1\n"
    assert ssh_ok(mixed_lab, "ovz2", "vzctl", "--version") == "vzctl v.7.0.254\n"
    listing = ssh_ok(mixed_lab, "ovz2", "vzpkg", "list", "-O", "--cached")
    assert listing.startswith(TEMPLATE.ljust(34) + " ")
    with open(os.path.join(mixed_lab, "inventory.ini")) as handle:
        assert "lab_flavour=vz7" in handle.read()


TEMPLATE_INFO_TARGET = os.path.join(REPO_ROOT, "tests", "integration", "targets", "template_info", "main.yml")
# "<file> <size> <sha256>" of every non-hidden regular file of the cache directory
CACHE_FILES_SCRIPT = ("cd /vz/template/cache && for f in *; do [ -f \"$f\" ] && printf '%s %s %s\\n' \"$f\" "
                      "\"$(stat -c %s -- \"$f\")\" \"$(sha256sum < \"$f\" | cut -d' ' -f1)\"; done; true")
CACHE_SUFFIXES = (".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.lz4", ".tar.lzrw")


def test_template_info_on_both_lines(mixed_lab):
    """openvz.cloud.template_info on ovz1 (legacy) and ovz2 (vz7), held against the files
    and vzpkg's listing read over SSH (read-only, no clean-up)."""
    result = Lab(mixed_lab).run_playbook(TEMPLATE_INFO_TARGET)
    assert result.rc == 0, str(result)
    reports = result.task_results("List the templates with their checksums")
    for host, flavour in (("ovz1", "legacy"), ("ovz2", "vz7")):
        report = reports[host]
        assert report["backend"] == flavour and report["cache_dir"] == "/vz/template/cache"
        on_disk = dict((fields[0], (int(fields[1]), "sha256:" + fields[2])) for fields in
                       (line.split() for line in ssh_ok(mixed_lab, host, CACHE_FILES_SCRIPT).splitlines())
                       if fields[0].endswith(CACHE_SUFFIXES))
        reported = dict((entry["file"], (entry["size"], entry["checksum"])) for entry in report["templates"])
        assert reported == on_disk
        layouts = dict((entry["file"], entry["layouts"]) for entry in report["templates"])
        assert layouts[TEMPLATE + ".tar.gz"] == (["ploop", "simfs"] if flavour == "legacy" else ["simfs"])
    cached = [line.split()[0] for line in ssh_ok(mixed_lab, "ovz2", "vzpkg", "list", "-O", "--cached").splitlines()]
    assert [entry["name"] for entry in reports["ovz2"]["os_templates"]] == cached
    ez = [entry for entry in reports["ovz2"]["templates"] if entry["file"] == TEMPLATE + ".plain.ploopv2.tar.lz4"]
    assert [(entry["layouts"], entry["os_template"], entry["vzpkg_cached"]) for entry in ez] == [
        (["ploop"], TEMPLATE, True)]


def test_vz7_container_on_the_bridged_network(mixed_lab):
    out = ssh_ok(mixed_lab, "ovz2", "prlctl", "create", "ct1", "--vmtype", "ct", "--ostemplate", TEMPLATE)
    assert out.splitlines()[-1] == "The Container has been successfully created."
    try:
        out = ssh_ok(mixed_lab, "ovz2", "prlctl", "set", "ct1", "--device-add", "net", "--network", "Bridged")
        host_ifname = out.split("dev='")[1].split("'")[0]
        ssh_ok(mixed_lab, "ovz2", "prlctl", "start", "ct1")
        assert "eth0" in ssh_ok(mixed_lab, "ovz2", "prlctl", "exec", "ct1", "ip", "link")
        links = dict((link["ifname"], link) for link in host_links(mixed_lab, "ovz2"))
        assert links[host_ifname].get("master") == "br0"
        vzlist = json.loads(ssh_ok(mixed_lab, "ovz2", "vzlist", "-a", "-j"))
        prl = json.loads(ssh_ok(mixed_lab, "ovz2", "prlctl", "list", "-a", "-j"))
        assert isinstance(vzlist[0]["ctid"], str) and vzlist[0]["ctid"] == prl[0]["uuid"]
        assert prl[0]["name"] == "ct1" and prl[0]["status"] == "running"
        ssh_ok(mixed_lab, "ovz2", "prlctl", "stop", "ct1")
    finally:
        ssh(mixed_lab, "ovz2", "prlctl", "stop", "ct1", "--kill")
        ssh_ok(mixed_lab, "ovz2", "prlctl", "delete", "ct1")
    assert ssh_ok(mixed_lab, "ovz2", "prlctl", "list", "-a", "-j") == "[\n\n]\n"
    assert host_ifname not in [link["ifname"] for link in host_links(mixed_lab, "ovz2")]


def test_legacy_host_beside_it(mixed_lab):
    ssh_ok(mixed_lab, "ovz1", "vzctl", "create", "150", "--ostemplate", TEMPLATE, "--layout", "simfs")
    try:
        assert ssh_ok(mixed_lab, "ovz1", "vzlist", "-a", "-H", "-o", "ctid").split() == ["150"]
        assert ssh(mixed_lab, "ovz1", "prlctl", "list").returncode != 0  # no prlctl on a legacy host
    finally:
        ssh_ok(mixed_lab, "ovz1", "vzctl", "destroy", "150")
