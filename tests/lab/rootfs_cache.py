"""What the lab's debootstrap recipes share: the machine's own apt mirror, the build cache.

A recipe's result lives in ``<cache>/<recipe-hash>/``; a build runs under a lock in a
temporary sibling directory that is renamed into place at the end, so an interrupted
build never leaves a result that looks valid and a second run costs nothing.
Used by ``vm/vmimage.py`` (the lab VM image) and ``ostemplate.py`` (the containers' OS
template).
"""

import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile


class BuildError(Exception):
    """A build step failed or a build cache is unusable."""


def cache_base():
    """``${XDG_CACHE_HOME:-~/.cache}/openvz-cloud``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "openvz-cloud")


def recipe_digest(recipe, files):
    """Short sha256 over a JSON-able recipe and the (name, path) files that build it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(recipe, sort_keys=True).encode())
    for relpath, path in files:
        digest.update(relpath.encode() + b"\0")
        with open(path, "rb") as handle:
            digest.update(handle.read())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _parse_deb822_sources(text):
    """(uris, suites) pairs of the ``Types: deb`` stanzas of a .sources file."""
    stanzas = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, _sep, value = line.partition(":")
            fields[key.strip().lower()] = value.split()
        if "deb" in fields.get("types", []) and fields.get("enabled", ["yes"]) != ["no"]:
            stanzas.append((fields.get("uris", []), fields.get("suites", [])))
    return stanzas


def _parse_one_line_sources(text):
    """(uris, suites) pairs of the ``deb URI SUITE COMPONENTS`` lines of a sources.list."""
    stanzas = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        words = words[1:]
        if words and words[0].startswith("["):
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if len(words) >= 2:
            stanzas.append(([words[0]], [words[1]]))
    return stanzas


def apt_mirror(suite, override_vars=(), apt_dir="/etc/apt"):
    """The Debian mirror this machine's own apt uses for ``suite``.

    The first set environment variable of ``override_vars`` wins; the project never
    names a mirror itself.
    """
    for name in override_vars:
        if os.environ.get(name):
            return os.environ[name]
    stanzas = []
    for path in sorted(glob.glob(os.path.join(apt_dir, "sources.list.d", "*.sources"))):
        with open(path) as handle:
            stanzas.extend(_parse_deb822_sources(handle.read()))
    one_line = [os.path.join(apt_dir, "sources.list")]
    one_line += sorted(glob.glob(os.path.join(apt_dir, "sources.list.d", "*.list")))
    for path in one_line:
        if os.path.isfile(path):
            with open(path) as handle:
                stanzas.extend(_parse_one_line_sources(handle.read()))
    for uris, suites in stanzas:
        if suite in suites and uris:
            return uris[0]
    hint = "; set %s" % " or ".join(override_vars) if override_vars else ""
    raise BuildError("no 'deb' source for suite %r in this machine's apt configuration "
                     "(%s/sources.list.d/*.sources, %s/sources.list)%s"
                     % (suite, apt_dir, apt_dir, hint))


def check_tools(tools, install_hint, what):
    """Raise unless every tool is on PATH and this runs as root (what: what needs it)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise BuildError("missing build tools: %s (%s)" % (", ".join(missing), install_hint))
    if os.geteuid() != 0:
        raise BuildError("building %s needs root" % what)


def locked_build(cache_dir, target, is_built, build_into, force=False):
    """Return target, first building it (build_into(work_dir)) unless is_built(target).

    One build at a time per cache_dir (flock); a waiting caller reuses the result.
    """
    if is_built(target) and not force:
        return target
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(cache_dir, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_built(target) and not force:
            return target
        for stale in glob.glob(os.path.join(cache_dir, ".build-*")):
            shutil.rmtree(stale, ignore_errors=True)
        work = tempfile.mkdtemp(prefix=".build-%s-" % os.path.basename(target), dir=cache_dir)
        try:
            build_into(work)
            if os.path.isdir(target):
                shutil.rmtree(target)
            os.rename(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def prune_other_builds(cache_dir, current):
    """Delete the cached results of other recipes in cache_dir; returns their paths."""
    removed = []
    for path in sorted(glob.glob(os.path.join(cache_dir, "[0-9a-f]" * 16))):
        if os.path.basename(path) != current:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def run_logged(argv, log, **kwargs):
    """Run one build command, its output appended to the open build log."""
    log.write("$ %s\n" % " ".join(argv))
    log.flush()
    result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False, **kwargs)
    if result.returncode != 0:
        raise BuildError("build step failed (rc=%d): %s; see %s"
                         % (result.returncode, " ".join(argv), log.name))
