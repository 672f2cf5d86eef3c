"""A real OS template for lab containers: Debian 12 minbase with python3 (root only).

    ostemplate.py build [--cache-dir DIR] [--force]      prints the two cache paths
    ostemplate.py install --dir LAB_DIR HOST...          one line per host

``build`` debootstraps bookworm (``--variant=minbase``, plus python3 and sudo for
Ansible's modules and become) from this machine's own apt mirror and packs the tree
twice: the legacy precreated cache ``debian-12-x86_64-minimal.tar.gz`` and the
OpenVZ 7 EZ cache ``debian-12-x86_64-minimal.plain.ploopv2.tar.lz4``. The result is
cached in ``$OPENVZ_CLOUD_OSTEMPLATE_CACHE`` (default ``~/.cache/openvz-cloud/ostemplate``)
under its recipe hash, so only the first run builds.

``install`` copies the right cache to each host of a running lab over the lab's SSH
config: a legacy host gets the tar.gz in /vz/template/cache, a vz7 host the EZ template
(``vzpkg install template``) and its cache, so ``vzpkg list -O --cached`` shows it. A
cache already there with the right sha256 is left alone; a new one is written to a
temporary name, checked and renamed.
"""

import argparse
import glob
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import labctl  # noqa: E402  pylint: disable=wrong-import-position
import rootfs_cache  # noqa: E402  pylint: disable=wrong-import-position

NAME = "debian-12-x86_64-minimal"
SUITE = "bookworm"
PYTHON_VERSION = "3.11"
# python3 runs the modules; sudo is become's default method. su comes with util-linux.
PACKAGES = ("python3", "sudo")
LEGACY_CACHE = NAME + ".tar.gz"
EZ_CACHE = NAME + ".plain.ploopv2.tar.lz4"
CACHE_FILES = (LEGACY_CACHE, EZ_CACHE)
INFO_FILE = "build-info.json"
BUILD_TOOLS = ("debootstrap", "tar", "gzip", "lz4", "chroot")
MIRROR_VARS = ("OPENVZ_CLOUD_OSTEMPLATE_MIRROR", "OPENVZ_CLOUD_VM_MIRROR")
REMOTE_CACHE_DIR = "/vz/template/cache"
# Left behind by debootstrap, or the build machine's own (hostname, resolvers).
SCRUB = ("var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*_*",
         "var/log/bootstrap.log")
SSH_TIMEOUT = 300


class TemplateBuildError(rootfs_cache.BuildError):
    """Building or installing the OS template failed."""


def default_cache_dir():
    """``$OPENVZ_CLOUD_OSTEMPLATE_CACHE`` or ``<cache base>/ostemplate``."""
    return os.environ.get("OPENVZ_CLOUD_OSTEMPLATE_CACHE") or \
        os.path.join(rootfs_cache.cache_base(), "ostemplate")


def recipe():
    return {"name": NAME, "suite": SUITE, "variant": "minbase", "packages": list(PACKAGES),
            "scrub": list(SCRUB)}


def recipe_hash():
    files = [("ostemplate.py", os.path.abspath(__file__)),
             ("rootfs_cache.py", os.path.abspath(rootfs_cache.__file__))]
    return rootfs_cache.recipe_digest(recipe(), files)


def template_dir(cache_dir=None):
    return os.path.join(cache_dir or default_cache_dir(), recipe_hash())


def is_built(path):
    return all(os.path.isfile(os.path.join(path, name)) for name in CACHE_FILES + (INFO_FILE,))


def ez_metadata_dir(name=NAME):
    """Where an EZ OS template's metadata lives: /vz/template/<os>/<ver>/<arch>/config/os/<variant>."""
    parts = name.split("-")
    if len(parts) < 3:
        raise TemplateBuildError("not an OS template name <os>-<version>-<arch>[-<variant>]: %r" % name)
    variant = "-".join(parts[3:]) or "default"
    return "/vz/template/%s/%s/%s/config/os/%s" % (parts[0], parts[1], parts[2], variant)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _scrub(root):
    for pattern in SCRUB:
        for path in glob.glob(os.path.join(root, pattern)):
            os.unlink(path)
    for relpath, text in (("etc/hostname", "localhost\n"), ("etc/resolv.conf", "")):
        path = os.path.join(root, relpath)
        if os.path.lexists(path):
            os.unlink(path)
        with open(path, "w") as handle:
            handle.write(text)
        os.chmod(path, 0o644)


def _python_version(root):
    proc = subprocess.run(["chroot", root, "/usr/bin/python3", "-c",
                           "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    version = proc.stdout.strip()
    if proc.returncode != 0 or not version.startswith(PYTHON_VERSION + "."):
        raise TemplateBuildError("python3 in the built tree does not run as Python %s: %s"
                                 % (PYTHON_VERSION, version))
    return version


def _pack(root, work, log):
    """The tree as one plain tar (owners as numbers, modes, links, device nodes), then
    gzip (legacy) and lz4 (EZ) copies of it."""
    plain = os.path.join(work, NAME + ".tar")
    rootfs_cache.run_logged(["tar", "--numeric-owner", "--sort=name", "-C", root,
                             "-cf", plain, "."], log)
    for target, argv in ((LEGACY_CACHE, ["gzip", "-n", "-6", "-c"]),
                         (EZ_CACHE, ["lz4", "-q", "-c"])):
        with open(plain, "rb") as src, open(os.path.join(work, target), "wb") as dst:
            proc = subprocess.run(argv, stdin=src, stdout=dst, stderr=log, check=False)
        if proc.returncode != 0:
            raise TemplateBuildError("%s failed (rc=%d); see %s" % (argv[0], proc.returncode, log.name))
    os.unlink(plain)


def _build_into(work, cache_dir, progress):
    rootfs_cache.check_tools(BUILD_TOOLS, "Debian packages debootstrap, lz4",
                             "the OS template (debootstrap, root-owned files, device nodes)")
    mirror = rootfs_cache.apt_mirror(SUITE, MIRROR_VARS)
    root = os.path.join(work, "root")
    timings = {}
    started = time.monotonic()
    with open(os.path.join(cache_dir, "build.log"), "w") as log:
        progress.write("ostemplate: building %s (%s) from %s (log: %s)\n"
                       % (NAME, recipe_hash(), mirror, log.name))
        deb_cache = os.path.join(cache_dir, "debs")
        os.makedirs(deb_cache, exist_ok=True)
        step = time.monotonic()
        rootfs_cache.run_logged(["debootstrap", "--variant=minbase", "--cache-dir=" + deb_cache,
                                 "--include=" + ",".join(PACKAGES), SUITE, root, mirror], log)
        timings["debootstrap"] = round(time.monotonic() - step, 1)
        _scrub(root)
        python = _python_version(root)
        step = time.monotonic()
        _pack(root, work, log)
        timings["pack"] = round(time.monotonic() - step, 1)
        shutil.rmtree(root)
    timings["total"] = round(time.monotonic() - started, 1)
    files = {}
    for name in CACHE_FILES:
        path = os.path.join(work, name)
        files[name] = {"size": os.path.getsize(path), "sha256": sha256_file(path)}
    info = {"recipe_hash": recipe_hash(), "name": NAME, "suite": SUITE, "python": python,
            "packages": list(PACKAGES), "files": files, "build_seconds": timings,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(os.path.join(work, INFO_FILE), "w") as handle:
        handle.write(json.dumps(info, indent=2, sort_keys=True) + "\n")
    progress.write("ostemplate: built in %.0f s %s\n" % (timings["total"], timings))


def build(cache_dir=None, force=False, progress=sys.stderr):
    """Return {"dir", "legacy", "ez", "info"}: the cached template, built first if need be."""
    cache_dir = cache_dir or default_cache_dir()
    target = template_dir(cache_dir)
    rootfs_cache.locked_build(cache_dir, target, is_built,
                              lambda work: _build_into(work, cache_dir, progress), force)
    with open(os.path.join(target, INFO_FILE)) as handle:
        info = json.load(handle)
    return {"dir": target, "legacy": os.path.join(target, LEGACY_CACHE),
            "ez": os.path.join(target, EZ_CACHE), "info": info}


# -- install ------------------------------------------------------------------
def host_flavour(lab_dir, host):
    """legacy or vz7, as the lab's state file says."""
    state = labctl.load_state(os.path.abspath(lab_dir))
    if state is None:
        raise TemplateBuildError("no lab in %s (no %s)" % (lab_dir, labctl.STATE_FILE))
    for entry in state.get("host_list", []):
        if entry["name"] == host:
            return entry.get("flavour", "legacy")
    raise TemplateBuildError("no host %s in the lab in %s" % (host, lab_dir))


def _ssh(lab_dir, host, script, stdin=None):
    """Run a POSIX shell script on host as root; CompletedProcess (bytes)."""
    argv = ["ssh", "-F", os.path.join(lab_dir, "ssh_config"), "-o", "BatchMode=yes", host,
            "sh -c %s" % shlex.quote(script)]
    try:
        return subprocess.run(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=SSH_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise TemplateBuildError("%s: ssh timed out after %d s" % (host, SSH_TIMEOUT))


def _ssh_ok(lab_dir, host, script, what, stdin=None):
    proc = _ssh(lab_dir, host, script, stdin)
    if proc.returncode != 0:
        raise TemplateBuildError("%s on %s failed (rc %d): %s" % (
            what, host, proc.returncode, (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()))
    return proc.stdout.decode("utf-8", "replace")


def remote_sha256(lab_dir, host, path):
    """sha256 of path on host, None when there is no such file."""
    out = _ssh_ok(lab_dir, host, "if [ -f %s ]; then sha256sum < %s; fi"
                  % (shlex.quote(path), shlex.quote(path)), "Reading the checksum of " + path)
    return out.split()[0] if out.strip() else None


def upload(lab_dir, host, source, target, sha256):
    """Stream source to target on host via a temporary name, checked, then renamed."""
    tmp = "%s/.%s.tmp-%d" % (os.path.dirname(target), os.path.basename(target), os.getpid())
    script = ("set -e; mkdir -p {dir}; trap 'rm -f {tmp}' EXIT; cat > {tmp}; "
              "[ \"$(sha256sum < {tmp} | cut -d' ' -f1)\" = {sha} ] || "
              "{{ echo 'checksum mismatch after upload' >&2; exit 3; }}; "
              "chmod 644 {tmp}; mv -f {tmp} {target}; trap - EXIT").format(
                  dir=shlex.quote(os.path.dirname(target)), tmp=shlex.quote(tmp),
                  sha=shlex.quote(sha256), target=shlex.quote(target))
    with open(source, "rb") as handle:
        _ssh_ok(lab_dir, host, script, "Uploading " + os.path.basename(target), stdin=handle)


def install(lab_dir, host, template=None):
    """Install the template on one lab host; returns what was done.

    {"host", "flavour", "path", "sha256", "changed", "seconds"}.
    """
    started = time.monotonic()
    template = template or build()
    flavour = host_flavour(lab_dir, host)
    key = "ez" if flavour == "vz7" else "legacy"
    source = template[key]
    expected = template["info"]["files"][os.path.basename(source)]["sha256"]
    if sha256_file(source) != expected:
        raise TemplateBuildError("the cached %s does not match its build-info checksum; rebuild "
                                 "with `ostemplate.py build --force`" % source)
    target = os.path.join(REMOTE_CACHE_DIR, os.path.basename(source))
    if flavour == "vz7":
        _ssh_ok(lab_dir, host, "[ -d %s ] || vzpkg install template %s"
                % (shlex.quote(ez_metadata_dir()), shlex.quote(NAME)), "vzpkg install template")
    changed = remote_sha256(lab_dir, host, target) != expected
    if changed:
        upload(lab_dir, host, source, target, expected)
    if flavour == "vz7":
        listed = _ssh_ok(lab_dir, host, "vzpkg list -O --cached", "vzpkg list")
        if NAME not in [line.split()[0] for line in listed.splitlines() if line.strip()]:
            raise TemplateBuildError("%s: vzpkg list -O --cached does not show %s:\n%s"
                                     % (host, NAME, listed))
    return {"host": host, "flavour": flavour, "path": target, "sha256": expected,
            "changed": changed, "seconds": round(time.monotonic() - started, 2)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="The lab's Debian 12 OS template.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build (or reuse) the template caches")
    build_parser.add_argument("--cache-dir", help="default: %s" % default_cache_dir())
    build_parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    install_parser = commands.add_parser("install", help="install it on lab hosts")
    install_parser.add_argument("--dir", required=True, help="the lab directory")
    install_parser.add_argument("--cache-dir", help="default: %s" % default_cache_dir())
    install_parser.add_argument("hosts", nargs="+", metavar="HOST")
    args = parser.parse_args(argv)
    try:
        template = build(args.cache_dir, force=getattr(args, "force", False))
        if args.command == "build":
            print(template["legacy"])
            print(template["ez"])
            return 0
        for host in args.hosts:
            result = install(args.dir, host, template)
            print("%s: %s %s (%s, %.1f s)" % (host, "installed" if result["changed"] else "unchanged",
                                              result["path"], result["flavour"], result["seconds"]))
    except rootfs_cache.BuildError as error:
        print("ostemplate: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
