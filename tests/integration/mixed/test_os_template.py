"""The lab's real OS template (Debian 12 minbase, python3): installed on ovz1 (legacy) and
ovz2 (vz7), a container made of it on each, Python 3.11 and a shell running inside."""

import json
import os
import shlex
import sys

import pytest

from .conftest import REPO_ROOT, ssh, ssh_ok

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "lab"))

import ostemplate  # noqa: E402  pylint: disable=wrong-import-position

LEGACY_CTID = "171"
VZ7_NAME = "osdeb1"
PROBE = "import json, sys; print(json.dumps({'version': sys.version.split()[0], 'prefix': sys.prefix}))"
# What a module run needs besides python: a POSIX shell, su and sudo (become), a temp dir.
SHELL_PROBE = ("set -e; . /etc/os-release; echo \"$ID $VERSION_ID\"; command -v su; command -v sudo; "
               "d=$(mktemp -d); echo ok > \"$d/f\"; cat \"$d/f\"; rm -r \"$d\"; id -u")
# The module Ansible's ping runs, fed to the container's python3 on stdin the way a
# pipelined module is (AnsiballZ wraps this; the JSON protocol is the same).
PING_MODULE = ("import json, sys; args = json.loads(sys.stdin.read() or '{}'); "
               "print(json.dumps({'ping': args.get('data', 'pong'), 'changed': False}))")


@pytest.fixture(scope="module")
def template():
    if os.geteuid() != 0:
        pytest.skip("building the OS template needs root")
    return ostemplate.build()


def _cache_listing(lab_dir, host):
    return ssh_ok(lab_dir, host, "ls", "-1", ostemplate.REMOTE_CACHE_DIR).split()


def _remove_installed(lab_dir):
    ssh(lab_dir, "ovz1", "rm", "-f", os.path.join(ostemplate.REMOTE_CACHE_DIR, ostemplate.LEGACY_CACHE))
    ssh(lab_dir, "ovz2", "rm", "-rf", os.path.join(ostemplate.REMOTE_CACHE_DIR, ostemplate.EZ_CACHE),
        ostemplate.ez_metadata_dir())


@pytest.fixture(scope="module")
def installed(mixed_lab, template):
    """The template installed on both hosts (twice: the second time changes nothing)."""
    _remove_installed(mixed_lab)
    first = [ostemplate.install(mixed_lab, host, template) for host in ("ovz1", "ovz2")]
    second = [ostemplate.install(mixed_lab, host, template) for host in ("ovz1", "ovz2")]
    yield first, second
    _remove_installed(mixed_lab)


def test_build_is_cached_and_complete(template):
    info = template["info"]
    assert info["recipe_hash"] == ostemplate.recipe_hash()
    assert info["python"].startswith("3.11.")
    for key, name in (("legacy", ostemplate.LEGACY_CACHE), ("ez", ostemplate.EZ_CACHE)):
        assert os.path.basename(template[key]) == name
        assert ostemplate.sha256_file(template[key]) == info["files"][name]["sha256"]
    again = ostemplate.build()  # warm: the same files, nothing rebuilt
    assert again == template
    assert os.path.getmtime(again["legacy"]) == os.path.getmtime(template["legacy"])


def test_install_puts_the_right_cache_on_each_host(mixed_lab, template, installed):
    first, second = installed
    assert [(r["host"], r["flavour"], r["changed"]) for r in first] == [
        ("ovz1", "legacy", True), ("ovz2", "vz7", True)]
    assert [r["changed"] for r in second] == [False, False]
    assert ostemplate.LEGACY_CACHE in _cache_listing(mixed_lab, "ovz1")
    assert ostemplate.EZ_CACHE not in _cache_listing(mixed_lab, "ovz1")
    assert ostemplate.EZ_CACHE in _cache_listing(mixed_lab, "ovz2")
    assert ostemplate.LEGACY_CACHE not in _cache_listing(mixed_lab, "ovz2")
    for result, key in zip(first, ("legacy", "ez")):
        remote = ssh_ok(mixed_lab, result["host"], "sha256sum", result["path"]).split()[0]
        assert remote == ostemplate.sha256_file(template[key]) == result["sha256"]
    listed = ssh_ok(mixed_lab, "ovz2", "vzpkg", "list", "-O", "--cached").splitlines()
    assert [line for line in listed if line.split()[0] == ostemplate.NAME]
    # no temporary upload left behind
    assert not [name for name in _cache_listing(mixed_lab, "ovz2") if ".tmp-" in name]


def test_install_replaces_a_corrupt_cache(mixed_lab, template, installed):
    path = os.path.join(ostemplate.REMOTE_CACHE_DIR, ostemplate.LEGACY_CACHE)
    ssh_ok(mixed_lab, "ovz1", "sh", "-c", shlex.quote("echo garbage > %s" % path))
    result = ostemplate.install(mixed_lab, "ovz1", template)
    assert result["changed"] is True
    assert ssh_ok(mixed_lab, "ovz1", "sha256sum", path).split()[0] == result["sha256"]


def test_install_refuses_an_unknown_host(mixed_lab, template):
    with pytest.raises(ostemplate.TemplateBuildError, match="no host ovz9"):
        ostemplate.install(mixed_lab, "ovz9", template)


def _check_inside(run_inside):
    """Python 3.11, a shell with su/sudo, and a module-style JSON round trip inside.

    run_inside(command): the output of one command line as the container's shell reads it
    (vzctl exec2 and prlctl exec hand their words to bash -c in the container).
    """
    probe = json.loads(run_inside("python3 -c %s" % shlex.quote(PROBE)))
    assert probe["version"].startswith("3.11.") and probe["prefix"] == "/usr"
    lines = run_inside("/bin/sh -c %s" % shlex.quote(SHELL_PROBE)).splitlines()
    assert [lines[0]] + [os.path.basename(path) for path in lines[1:3]] + lines[3:] == [
        "debian 12", "su", "sudo", "ok", "0"]
    ping = run_inside("echo '{\"data\": \"hi\"}' | python3 -c %s" % shlex.quote(PING_MODULE))
    assert json.loads(ping) == {"ping": "hi", "changed": False}


def test_legacy_container_runs_python(mixed_lab, installed):
    ssh_ok(mixed_lab, "ovz1", "vzctl", "create", LEGACY_CTID, "--ostemplate", ostemplate.NAME,
           "--layout", "simfs")
    try:
        ssh_ok(mixed_lab, "ovz1", "vzctl", "start", LEGACY_CTID)
        _check_inside(lambda line: ssh_ok(mixed_lab, "ovz1", "vzctl", "exec2", LEGACY_CTID, shlex.quote(line)))
        os_release = ssh_ok(mixed_lab, "ovz1", "cat", "/vz/private/%s/etc/os-release" % LEGACY_CTID)
        assert 'VERSION_ID="12"' in os_release
        ssh_ok(mixed_lab, "ovz1", "vzctl", "stop", LEGACY_CTID)
    finally:
        ssh(mixed_lab, "ovz1", "vzctl", "stop", LEGACY_CTID, "--fast")
        ssh(mixed_lab, "ovz1", "vzctl", "destroy", LEGACY_CTID)
    assert ssh(mixed_lab, "ovz1", "vzlist", LEGACY_CTID).returncode != 0


def test_vz7_container_runs_python(mixed_lab, installed):
    out = ssh_ok(mixed_lab, "ovz2", "prlctl", "create", VZ7_NAME, "--vmtype", "ct",
                 "--ostemplate", ostemplate.NAME)
    assert out.splitlines()[-1] == "The Container has been successfully created."
    # the EZ cache was used as it is, not rebuilt from the metadata
    assert "Creating cache" not in out
    try:
        ssh_ok(mixed_lab, "ovz2", "prlctl", "start", VZ7_NAME)
        _check_inside(lambda line: ssh_ok(mixed_lab, "ovz2", "prlctl", "exec", VZ7_NAME, shlex.quote(line)))
        listed = ssh_ok(mixed_lab, "ovz2", "prlctl", "list", "-a", "-o", "name,ostemplate")
        assert ostemplate.NAME in listed
        ssh_ok(mixed_lab, "ovz2", "prlctl", "stop", VZ7_NAME)
    finally:
        ssh(mixed_lab, "ovz2", "prlctl", "stop", VZ7_NAME, "--kill")
        ssh(mixed_lab, "ovz2", "prlctl", "delete", VZ7_NAME)
    assert VZ7_NAME not in ssh_ok(mixed_lab, "ovz2", "prlctl", "list", "-a")
