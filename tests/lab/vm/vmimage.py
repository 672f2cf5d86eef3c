"""Builds and caches the lab VM's base image (Debian bookworm, full kernel, systemd).

The image lives in ``<cache>/<recipe-hash>/`` with everything a run needs:
``base.qcow2``, ``vmlinuz``, ``initrd.img``, the root SSH key pair ``id_ed25519``,
``known_hosts`` (the image's pinned host key) and ``build-info.json``.
The hash covers the package list, the files under ``rootfs/`` and this file, so
any change to the recipe gives a new image; an unchanged recipe is never rebuilt.
A build happens in a temporary sibling directory that is renamed into place at
the end, so an interrupted build never leaves an image that looks valid.
"""

import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOTFS_OVERLAY = os.path.join(HERE, "rootfs")

SUITE = "bookworm"
VM_HOSTNAME = "ovzvm1"
DISK_SIZE = "4G"
PACKAGES = (
    "systemd-sysv",
    "udev",
    "kmod",
    "ifupdown",
    "iproute2",
    "iputils-ping",
    "bridge-utils",
    "openssh-server",
    "openssh-sftp-server",
    "python3",
    "python3-apt",
    "linux-image-amd64",
    "nfs-common",
    "nfs-kernel-server",
    "sudo",
    "busybox-static",
    "rsync",
    "procps",
)
# Timers and services that only cost boot time in a throw-away lab VM. nfs-server is
# installed but started on demand (`systemctl start nfs-server`); rpcbind stays
# socket-activated.
UNITS_TO_DISABLE = (
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
    "e2scrub_all.timer",
    "e2scrub_reap.service",
    "fstrim.timer",
    "nfs-server.service",
    "rpcbind.service",
)
BUILD_TOOLS = ("debootstrap", "mkfs.ext4", "qemu-img", "ssh-keygen", "chroot", "unshare")
IMAGE_FILES = ("base.qcow2", "vmlinuz", "initrd.img", "id_ed25519", "id_ed25519.pub",
               "known_hosts", "build-info.json")


class ImageError(Exception):
    """A build step failed or the image cache is unusable."""


def default_cache_dir():
    """``$OPENVZ_CLOUD_VM_CACHE`` or ``${XDG_CACHE_HOME:-~/.cache}/openvz-cloud/vm``."""
    if os.environ.get("OPENVZ_CLOUD_VM_CACHE"):
        return os.environ["OPENVZ_CLOUD_VM_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "openvz-cloud", "vm")


def _overlay_files():
    """Sorted (relative path, absolute path) of every file in the rootfs overlay."""
    found = []
    for dirpath, _dirnames, filenames in os.walk(ROOTFS_OVERLAY):
        for name in filenames:
            path = os.path.join(dirpath, name)
            found.append((os.path.relpath(path, ROOTFS_OVERLAY), path))
    return sorted(found)


def recipe_hash():
    """Short sha256 over everything that decides the image's content."""
    digest = hashlib.sha256()
    recipe = {"suite": SUITE, "packages": PACKAGES, "disable": UNITS_TO_DISABLE,
              "hostname": VM_HOSTNAME, "disk": DISK_SIZE}
    digest.update(json.dumps(recipe, sort_keys=True).encode())
    for relpath, path in [("vmimage.py", os.path.abspath(__file__))] + _overlay_files():
        digest.update(relpath.encode() + b"\0")
        with open(path, "rb") as handle:
            digest.update(handle.read())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def image_dir(cache_dir=None):
    return os.path.join(cache_dir or default_cache_dir(), recipe_hash())


def is_built(path):
    return all(os.path.isfile(os.path.join(path, name)) for name in IMAGE_FILES)


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


def apt_mirror(suite=SUITE):
    """The Debian mirror this machine's own apt uses for ``suite``.

    ``$OPENVZ_CLOUD_VM_MIRROR`` overrides it; the project never names a mirror itself.
    """
    if os.environ.get("OPENVZ_CLOUD_VM_MIRROR"):
        return os.environ["OPENVZ_CLOUD_VM_MIRROR"]
    stanzas = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as handle:
            stanzas.extend(_parse_deb822_sources(handle.read()))
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if os.path.isfile(path):
            with open(path) as handle:
                stanzas.extend(_parse_one_line_sources(handle.read()))
    for uris, suites in stanzas:
        if suite in suites and uris:
            return uris[0]
    raise ImageError("no 'deb' source for suite %r in this machine's apt configuration "
                     "(/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list); "
                     "set OPENVZ_CLOUD_VM_MIRROR" % suite)


def _run(argv, log, **kwargs):
    """Run one build command, its output appended to the build log."""
    log.write("$ %s\n" % " ".join(argv))
    log.flush()
    result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False, **kwargs)
    if result.returncode != 0:
        raise ImageError("build step failed (rc=%d): %s; see %s"
                         % (result.returncode, " ".join(argv), log.name))


def _write_file(path, content, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        handle.write(content)
    os.chmod(tmp, mode)
    os.rename(tmp, path)


def _check_tools():
    missing = [tool for tool in BUILD_TOOLS if shutil.which(tool) is None]
    if missing:
        raise ImageError("missing build tools: %s (run scripts/install-vm-deps.sh)"
                         % ", ".join(missing))
    if os.geteuid() != 0:
        raise ImageError("building the VM image needs root (debootstrap, chroot)")


def _assert_nothing_mounted_under(root):
    with open("/proc/mounts") as handle:
        leftovers = [line.split()[1] for line in handle
                     if line.split()[1].startswith(root + "/")]
    if leftovers:
        raise ImageError("filesystems still mounted under the build root: %s" % leftovers)


def _customize(root, work, log):
    """Lay the rootfs overlay, SSH keys and unit settings over the debootstrapped tree."""
    for relpath, path in _overlay_files():
        target = os.path.join(root, relpath)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(target) or os.path.exists(target):
            os.unlink(target)
        shutil.copyfile(path, target)
        os.chmod(target, 0o644)

    # Root logs in with a key made for this image; the host key is pinned in known_hosts.
    key = os.path.join(work, "id_ed25519")
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "openvz-cloud-vmlab", "-f", key], log)
    ssh_dir = os.path.join(root, "root", ".ssh")
    os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
    shutil.copyfile(key + ".pub", os.path.join(ssh_dir, "authorized_keys"))
    os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
    for old_key in glob.glob(os.path.join(root, "etc", "ssh", "ssh_host_*")):
        os.unlink(old_key)
    host_key = os.path.join(root, "etc", "ssh", "ssh_host_ed25519_key")
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + VM_HOSTNAME, "-f", host_key], log)
    with open(host_key + ".pub") as handle:
        key_type, key_blob = handle.read().split()[:2]
    _write_file(os.path.join(work, "known_hosts"), "%s %s %s\n" % (VM_HOSTNAME, key_type, key_blob))

    # Chroot steps run in a private mount namespace so no /proc mount can leak.
    chroot_script = (
        'set -e; root=$1; shift; mount -t proc proc "$root/proc"; '
        'chroot "$root" systemctl disable --quiet "$@"; '
        'chroot "$root" passwd --lock --quiet root; '
        'chroot "$root" update-initramfs -u -k all; '
        'chroot "$root" apt-get clean'
    )
    _run(["unshare", "--mount", "--propagation", "private", "sh", "-c", chroot_script,
          "sh", root] + list(UNITS_TO_DISABLE), log)
    shutil.rmtree(os.path.join(root, "var", "lib", "apt", "lists"), ignore_errors=True)
    os.makedirs(os.path.join(root, "var", "lib", "apt", "lists", "partial"), exist_ok=True)


def _copy_boot_files(root, work):
    kernels = sorted(glob.glob(os.path.join(root, "boot", "vmlinuz-*")))
    initrds = sorted(glob.glob(os.path.join(root, "boot", "initrd.img-*")))
    if len(kernels) != 1 or len(initrds) != 1:
        raise ImageError("expected one kernel and one initrd in /boot, found %s and %s"
                         % (kernels, initrds))
    shutil.copyfile(kernels[0], os.path.join(work, "vmlinuz"))
    shutil.copyfile(initrds[0], os.path.join(work, "initrd.img"))
    return os.path.basename(kernels[0])[len("vmlinuz-"):]


def build(cache_dir=None, force=False, progress=sys.stderr):
    """Return the image directory, building it first unless it is already cached."""
    cache_dir = cache_dir or default_cache_dir()
    target = image_dir(cache_dir)
    if is_built(target) and not force:
        return target
    _check_tools()
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(cache_dir, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; the others reuse its result
        if is_built(target) and not force:
            return target
        for stale in glob.glob(os.path.join(cache_dir, ".build-*")):
            shutil.rmtree(stale, ignore_errors=True)
        work = tempfile.mkdtemp(prefix=".build-%s-" % os.path.basename(target), dir=cache_dir)
        try:
            _build_into(work, cache_dir, progress)
            if os.path.isdir(target):
                shutil.rmtree(target)
            os.rename(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def prune_other_images(cache_dir=None):
    """Delete cached images of other recipes; returns their paths."""
    cache_dir = cache_dir or default_cache_dir()
    current = os.path.basename(image_dir(cache_dir))
    removed = []
    for path in sorted(glob.glob(os.path.join(cache_dir, "[0-9a-f]" * 16))):
        if os.path.basename(path) != current:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def _build_into(work, cache_dir, progress):
    mirror = apt_mirror()
    root = os.path.join(work, "root")
    timings = {}
    started = time.monotonic()
    with open(os.path.join(cache_dir, "build.log"), "w") as log:
        progress.write("vmlab: building image %s from %s (log: %s)\n"
                       % (os.path.basename(work), mirror, log.name))
        deb_cache = os.path.join(cache_dir, "debs")
        os.makedirs(deb_cache, exist_ok=True)
        step = time.monotonic()
        _run(["debootstrap", "--variant=minbase", "--cache-dir=" + deb_cache,
              "--include=" + ",".join(PACKAGES), SUITE, root, mirror], log)
        timings["debootstrap"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        _customize(root, work, log)
        kernel_version = _copy_boot_files(root, work)
        _assert_nothing_mounted_under(root)
        timings["customize"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        raw = os.path.join(work, "disk.raw")
        _run(["mkfs.ext4", "-q", "-F", "-L", "vmroot", "-d", root, raw, DISK_SIZE], log)
        shutil.rmtree(root)
        _run(["qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", raw,
              os.path.join(work, "base.qcow2")], log)
        os.unlink(raw)
        timings["disk"] = round(time.monotonic() - step, 1)

    timings["total"] = round(time.monotonic() - started, 1)
    info = {"recipe_hash": recipe_hash(), "suite": SUITE, "kernel": kernel_version,
            "packages": list(PACKAGES), "build_seconds": timings,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    _write_file(os.path.join(work, "build-info.json"), json.dumps(info, indent=2) + "\n")
    progress.write("vmlab: image built in %.0f s %s\n" % (timings["total"], timings))
