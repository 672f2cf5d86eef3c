"""The pure parts of the lab's OS template recipe (tests/lab/ostemplate.py, rootfs_cache.py):
recipe hash, apt mirror lookup, names, trimming, the locked build cache. Nothing is built."""

import json
import os
import sys

import pytest

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lab")
sys.path.insert(0, LAB_DIR)

import ostemplate  # noqa: E402  pylint: disable=wrong-import-position
import rootfs_cache  # noqa: E402  pylint: disable=wrong-import-position

DEB822 = """Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: trixie
Components: main

Types: deb
URIs: http://off.example/debian
Suites: trixie
Enabled: no
"""


def apt_tree(tmp_path, sources=None, one_line=None):
    (tmp_path / "sources.list.d").mkdir()
    if sources is not None:
        (tmp_path / "sources.list.d" / "debian.sources").write_text(sources)
    if one_line is not None:
        (tmp_path / "sources.list").write_text(one_line)
    return str(tmp_path)


@pytest.fixture(autouse=True)
def no_overrides(monkeypatch):
    for name in ostemplate.MIRROR_VARS:
        monkeypatch.delenv(name, raising=False)


def test_mirror_from_deb822_sources(tmp_path):
    apt_dir = apt_tree(tmp_path, sources=DEB822)
    assert rootfs_cache.apt_mirror("bookworm", apt_dir=apt_dir) == "http://mirror.example/debian"
    with pytest.raises(rootfs_cache.BuildError, match="no 'deb' source for suite 'trixie'"):
        rootfs_cache.apt_mirror("trixie", apt_dir=apt_dir)  # deb-src and disabled stanzas only


def test_mirror_from_one_line_sources(tmp_path):
    apt_dir = apt_tree(tmp_path, one_line=(
        "# deb http://commented.example/debian bookworm main\n"
        "deb-src http://src.example/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://opts.example/debian bookworm main # tail\n"))
    assert rootfs_cache.apt_mirror("bookworm", apt_dir=apt_dir) == "http://opts.example/debian"


def test_mirror_override_and_error_hint(tmp_path, monkeypatch):
    apt_dir = apt_tree(tmp_path)
    with pytest.raises(rootfs_cache.BuildError) as error:
        rootfs_cache.apt_mirror("bookworm", ostemplate.MIRROR_VARS, apt_dir=apt_dir)
    assert "set OPENVZ_CLOUD_OSTEMPLATE_MIRROR or OPENVZ_CLOUD_VM_MIRROR" in str(error.value)
    monkeypatch.setenv("OPENVZ_CLOUD_VM_MIRROR", "http://vm.example/debian")
    assert rootfs_cache.apt_mirror("bookworm", ostemplate.MIRROR_VARS, apt_dir=apt_dir) == \
        "http://vm.example/debian"
    monkeypatch.setenv("OPENVZ_CLOUD_OSTEMPLATE_MIRROR", "http://ost.example/debian")
    assert rootfs_cache.apt_mirror("bookworm", ostemplate.MIRROR_VARS, apt_dir=apt_dir) == \
        "http://ost.example/debian"


def test_recipe_hash_covers_recipe_and_files(tmp_path, monkeypatch):
    first = ostemplate.recipe_hash()
    assert first == ostemplate.recipe_hash() and len(first) == 16
    monkeypatch.setattr(ostemplate, "PACKAGES", ostemplate.PACKAGES + ("curl",))
    assert ostemplate.recipe_hash() != first
    script = tmp_path / "recipe.py"
    script.write_text("one")
    digest = rootfs_cache.recipe_digest({"a": 1}, [("recipe.py", str(script))])
    script.write_text("two")
    assert rootfs_cache.recipe_digest({"a": 1}, [("recipe.py", str(script))]) != digest


def test_cache_names_and_locations(monkeypatch, tmp_path):
    assert ostemplate.LEGACY_CACHE == "debian-12-x86_64-minimal.tar.gz"
    assert ostemplate.EZ_CACHE == "debian-12-x86_64-minimal.plain.ploopv2.tar.lz4"
    assert ostemplate.ez_metadata_dir() == "/vz/template/debian/12/x86_64/config/os/minimal"
    assert ostemplate.ez_metadata_dir("centos-7-x86_64") == "/vz/template/centos/7/x86_64/config/os/default"
    with pytest.raises(ostemplate.TemplateBuildError, match="not an OS template name"):
        ostemplate.ez_metadata_dir("debian")
    monkeypatch.delenv("OPENVZ_CLOUD_OSTEMPLATE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ostemplate.default_cache_dir() == str(tmp_path / "openvz-cloud" / "ostemplate")
    assert ostemplate.template_dir() == str(tmp_path / "openvz-cloud" / "ostemplate" / ostemplate.recipe_hash())
    monkeypatch.setenv("OPENVZ_CLOUD_OSTEMPLATE_CACHE", "/elsewhere")
    assert ostemplate.default_cache_dir() == "/elsewhere"


def test_the_emulator_finds_both_caches():
    """The names are the ones the emulator's vzctl 4 and vzctl 7 look up for the template."""
    sys.path.insert(0, os.path.join(os.path.dirname(LAB_DIR), "emulator"))
    from openvz_emulator import eztemplates  # pylint: disable=import-outside-toplevel
    assert ostemplate.LEGACY_CACHE in [ostemplate.NAME + s for s in eztemplates.LEGACY_SUFFIXES]
    assert eztemplates.ploop_cache_names(ostemplate.NAME)[0] == ostemplate.EZ_CACHE
    os_name, version, arch, variant = eztemplates.split_name(ostemplate.NAME)
    assert ostemplate.ez_metadata_dir() == "/vz/template/%s/%s/%s/config/os/%s" % (os_name, version, arch, variant)


@pytest.mark.parametrize("path, gone", [
    ("usr/share/doc/bash/README.gz", True), ("usr/share/doc/bash/copyright", False),
    ("usr/share/man/man1/ls.1.gz", True), ("usr/share/locale/de/LC_MESSAGES/a.mo", True),
    ("usr/share/locale/locale.alias", False), ("usr/share/info/dir", True),
    ("usr/lib/python3.11/json/__init__.py", False), ("usr/share/zoneinfo/UTC", False),
])
def test_excluded(path, gone):
    assert ostemplate.excluded(path) is gone


def test_trim_keeps_copyrights_and_writes_dpkg_excludes(tmp_path):
    for relpath in ("usr/share/doc/bash/README.gz", "usr/share/doc/bash/copyright",
                    "usr/share/man/man1/ls.1.gz", "usr/share/zoneinfo/UTC", "etc/dpkg/dpkg.cfg.d/.keep"):
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text("x")
    ostemplate._trim(str(tmp_path))  # pylint: disable=protected-access
    left = sorted(os.path.relpath(os.path.join(d, f), str(tmp_path))
                  for d, _dirs, files in os.walk(str(tmp_path)) for f in files)
    assert left == ["etc/dpkg/dpkg.cfg.d/.keep", "etc/dpkg/dpkg.cfg.d/excludes",
                    "usr/share/doc/bash/copyright", "usr/share/zoneinfo/UTC"]
    assert os.path.isdir(str(tmp_path / "usr/share/man")) and not os.listdir(str(tmp_path / "usr/share/man"))
    config = (tmp_path / "etc/dpkg/dpkg.cfg.d/excludes").read_text().splitlines()
    assert "path-exclude=/usr/share/doc/*" in config and "path-include=/usr/share/doc/*/copyright" in config


def test_locked_build_builds_once_and_never_leaves_a_half_build(tmp_path):
    cache = str(tmp_path / "cache")
    target = os.path.join(cache, "0123456789abcdef")
    calls = []

    def is_built(path):
        return os.path.isfile(os.path.join(path, "done"))

    def failing(work):
        calls.append(work)
        with open(os.path.join(work, "partial"), "w") as handle:
            handle.write("half")
        raise rootfs_cache.BuildError("step failed")

    with pytest.raises(rootfs_cache.BuildError, match="step failed"):
        rootfs_cache.locked_build(cache, target, is_built, failing)
    assert not os.path.exists(target) and sorted(os.listdir(cache)) == [".build.lock"]

    def good(work):
        calls.append(work)
        with open(os.path.join(work, "done"), "w") as handle:
            handle.write("ok")

    assert rootfs_cache.locked_build(cache, target, is_built, good) == target
    assert rootfs_cache.locked_build(cache, target, is_built, good) == target
    assert len(calls) == 2 and is_built(target)
    assert rootfs_cache.locked_build(cache, target, is_built, good, force=True) == target
    assert len(calls) == 3
    other = os.path.join(cache, "fedcba9876543210")
    os.mkdir(other)
    assert rootfs_cache.prune_other_builds(cache, os.path.basename(target)) == [other]
    assert os.path.isdir(target)


def test_check_tools(monkeypatch):
    with pytest.raises(rootfs_cache.BuildError, match=r"missing build tools: no-such-tool-x \(hint\)"):
        rootfs_cache.check_tools(("sh", "no-such-tool-x"), "hint", "it")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(rootfs_cache.BuildError, match="building it needs root"):
        rootfs_cache.check_tools(("sh",), "hint", "it")


def test_host_flavour_from_the_lab_state(tmp_path):
    with pytest.raises(ostemplate.TemplateBuildError, match="no lab in"):
        ostemplate.host_flavour(str(tmp_path), "ovz1")
    (tmp_path / "lab.json").write_text(json.dumps({"hosts": 2, "host_list": [
        {"name": "ovz1", "flavour": "legacy"}, {"name": "ovz2", "flavour": "vz7"}]}))
    assert ostemplate.host_flavour(str(tmp_path), "ovz1") == "legacy"
    assert ostemplate.host_flavour(str(tmp_path), "ovz2") == "vz7"
    with pytest.raises(ostemplate.TemplateBuildError, match="no host ovz3"):
        ostemplate.host_flavour(str(tmp_path), "ovz3")


def test_install_refuses_a_corrupt_local_cache(tmp_path):
    (tmp_path / "lab.json").write_text(json.dumps({"host_list": [{"name": "ovz1", "flavour": "legacy"}]}))
    cached = tmp_path / ostemplate.LEGACY_CACHE
    cached.write_bytes(b"not the built file")
    template = {"legacy": str(cached), "ez": str(tmp_path / ostemplate.EZ_CACHE),
                "info": {"files": {ostemplate.LEGACY_CACHE: {"sha256": "0" * 64}}}}
    with pytest.raises(ostemplate.TemplateBuildError, match="does not match its build-info checksum"):
        ostemplate.install(str(tmp_path), "ovz1", template)
