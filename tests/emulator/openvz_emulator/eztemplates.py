"""OpenVZ 7 EZ templates: metadata, cache names and lookup (openvz-cli.md 10.3, 10.5).

Metadata of an OS template lives in <TEMPLATE>/<os>/<ver>/<arch>/config/os/<variant>/
(variant "default" gives the name <os>-<ver>-<arch>, any other <os>-<ver>-<arch>-<variant>).
The emulator takes the files a cache is built from out of that directory: the file tree
in `emulator-rootfs.tar` (or .tar.gz), else a minimal tree.

Caches: <TEMPLATE>/cache/<name>.plain.ploopv2.tar.<lz4|lzrw|gz> (then .plain.ploop.) for
ploop, <name>.plain.tar.<...> for simfs, looked up lz4, lzrw, gz (lzrw is read as lz4) (vztt include/vzcommon.h,
src/misc.c); a legacy precreated <name>.tar[.gz|.bz2|.xz] fits simfs only (libvzctl
lib/create.c check_cache_layout: a name with ".ploop"/".qcow2" is a ploop cache).
"""

import gzip
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import time

from . import tarball

ARCHIVERS = ("lz4", "lzrw", "gz")
PLOOP_FORMATS = ("ploopv2", "ploop")
LEGACY_SUFFIXES = (".tar", ".tar.gz", ".tar.bz2", ".tar.xz")
ROOTFS_SOURCES = ("emulator-rootfs.tar", "emulator-rootfs.tar.gz")
LAYOUT_NUMBER = {"simfs": 4, "ploop": 5}


class TemplateError(Exception):
    """message: vzctl/vzpkg's line."""

    def __init__(self, key, *args):
        Exception.__init__(self, key)
        self.key = key
        self.args_ = args


def template_root(host):
    return host.path(host.global_value("TEMPLATE") or "/vz/template")


def cache_dir(host):
    return os.path.join(template_root(host), "cache")


def os_templates(host):
    """{name: metadata dir} of every installed OS template."""
    found = {}
    root = template_root(host)
    for os_name in _listdir(root):
        if os_name == "cache":
            continue
        for version in _listdir(os.path.join(root, os_name)):
            for arch in _listdir(os.path.join(root, os_name, version)):
                config = os.path.join(root, os_name, version, arch, "config", "os")
                for variant in _listdir(config):
                    name = "%s-%s-%s" % (os_name, version, arch)
                    if variant != "default":
                        name += "-" + variant
                    found[name] = os.path.join(config, variant)
    return found


def split_name(name):
    """centos-7-x86_64[-variant] -> (os, ver, arch, variant)."""
    parts = name.split("-")
    for index in range(2, len(parts)):
        if parts[index] in ("x86_64", "x86", "i386", "aarch64"):
            return "-".join(parts[:index - 1]), parts[index - 1], parts[index], "-".join(parts[index + 1:]) or "default"
    raise TemplateError("bad_template_name", name)


def ploop_cache_names(name):
    return ["%s.plain.%s.tar.%s" % (name, fmt, arch) for fmt in PLOOP_FORMATS for arch in ARCHIVERS]


def simfs_cache_names(name):
    return ["%s.plain.tar.%s" % (name, arch) for arch in ARCHIVERS]


def is_ploop_cache(filename):
    return ".ploop" in filename or ".qcow2" in filename


def existing(host, names):
    for name in names:
        path = os.path.join(cache_dir(host), name)
        if os.path.isfile(path):
            return path
    return None


def find_cache(host, name, layout):
    """Path of the cache create unpacks for layout; TemplateError when there is none
    or only an incompatible one (the message names the cache that was found)."""
    name = name.lstrip(".")
    wanted = ploop_cache_names(name) if layout == "ploop" else simfs_cache_names(name)
    legacy = [name + suffix for suffix in LEGACY_SUFFIXES]
    path = existing(host, wanted + ([] if layout == "ploop" else legacy))
    if path:
        return path
    other = existing(host, (simfs_cache_names(name) + legacy) if layout == "ploop" else ploop_cache_names(name))
    if other:
        raise TemplateError("cache_layout", other, LAYOUT_NUMBER[layout])
    if name not in os_templates(host):
        raise TemplateError("template_unknown", name)
    return None  # installed, not cached: the caller creates the cache


def cache_path_for(host, name, layout="ploop"):
    """Where create/update cache writes name's cache: lz4 (vztt's default archiver), gz
    where the lz4 tool is missing (vztt.conf's archiver=gz)."""
    names = ploop_cache_names(name) if layout == "ploop" else simfs_cache_names(name)
    if shutil.which("lz4") is None:
        return os.path.join(cache_dir(host), names[ARCHIVERS.index("gz")])
    return os.path.join(cache_dir(host), names[0])


def create_cache(host, name, layout="ploop"):
    """Build the cache of an installed template from its metadata directory."""
    metadata = os_templates(host).get(name)
    if metadata is None:
        raise TemplateError("template_unknown", name)
    target = cache_path_for(host, name, layout)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".cache-", dir=os.path.dirname(target))
    try:
        tree = os.path.join(work, "tree")
        os.mkdir(tree)
        for source in ROOTFS_SOURCES:
            if os.path.isfile(os.path.join(metadata, source)):
                tarball.unpack(os.path.join(metadata, source), tree)
                break
        else:
            os.makedirs(os.path.join(tree, "etc"))
            with open(os.path.join(tree, "etc", "os-release"), "w") as handle:
                handle.write('NAME="%s"\n' % name)
        plain = os.path.join(work, "cache.tar")
        with tarfile.open(plain, "w") as archive:
            for entry in sorted(os.listdir(tree)):
                archive.add(os.path.join(tree, entry), arcname=entry)
        if target.endswith(".gz"):
            with open(plain, "rb") as src, gzip.open(target + ".tmp", "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            compress_lz4(plain, target + ".tmp")
        os.rename(target + ".tmp", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def compress_lz4(source, target):
    with open(source, "rb") as src, open(target, "wb") as dst:
        subprocess.run([_lz4(), "-q", "-c"], stdin=src, stdout=dst, check=True)


def _lz4():
    path = shutil.which("lz4")
    if path is None:
        raise TemplateError("runtime_error", "lz4 is not installed (Debian package lz4)")
    return path


def unpack_cache(path, target_dir):
    """Unpack a cache (lz4, lzrw = lz4 here, gz, legacy tarballs) into target_dir."""
    if path.endswith(".lz4") or path.endswith(".lzrw"):
        with tempfile.NamedTemporaryFile(suffix=".tar") as plain:
            with open(path, "rb") as src:
                subprocess.run([_lz4(), "-q", "-d", "-c"], stdin=src, stdout=plain, check=True)
            plain.flush()
            tarball.unpack(plain.name, target_dir)
        return
    tarball.unpack(path, target_dir)


def install_template(host, name):
    """Lay out the metadata of name (what installing the template's package does)."""
    os_name, version, arch, variant = split_name(name)
    config = os.path.join(template_root(host), os_name, version, arch, "config", "os", variant)
    os.makedirs(config, exist_ok=True)
    for filename, text in (("description", "%s EZ OS template\n" % name),
                           ("packages", ""), ("repositories", "")):
        path = os.path.join(config, filename)
        if not os.path.exists(path):
            with io.open(path, "w") as handle:
                handle.write(text)
    return config


def cache_time(host, name):
    """YYYY-MM-DD HH:MM:SS of name's newest cache, None if not cached."""
    stamps = []
    for filename in ploop_cache_names(name) + simfs_cache_names(name):
        path = os.path.join(cache_dir(host), filename)
        if os.path.isfile(path):
            stamps.append(os.path.getmtime(path))
    if not stamps:
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(max(stamps)))


def _listdir(path):
    try:
        return sorted(entry for entry in os.listdir(path) if os.path.isdir(os.path.join(path, entry)))
    except OSError:
        return []
