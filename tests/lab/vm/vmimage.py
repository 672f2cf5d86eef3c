"""Builds and caches the lab VM's base image (Debian bookworm, full kernel, systemd).

The image lives in ``<cache>/<recipe-hash>/`` with everything a run needs:
``base.qcow2``, ``vmlinuz``, ``initrd.img``, the root SSH key pair ``id_ed25519``,
``known_hosts`` (the image's pinned host key) and ``build-info.json``.
The hash covers the package list, the files under ``rootfs/`` and this file, so
any change to the recipe gives a new image; an unchanged recipe is never rebuilt.
A build happens in a temporary sibling directory that is renamed into place at
the end, so an interrupted build never leaves an image that looks valid.
"""

import glob
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import rootfs_cache  # noqa: E402  pylint: disable=wrong-import-position

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


# A build step failed or the image cache is unusable.
ImageError = rootfs_cache.BuildError


def default_cache_dir():
    """``$OPENVZ_CLOUD_VM_CACHE`` or ``${XDG_CACHE_HOME:-~/.cache}/openvz-cloud/vm``."""
    if os.environ.get("OPENVZ_CLOUD_VM_CACHE"):
        return os.environ["OPENVZ_CLOUD_VM_CACHE"]
    return os.path.join(rootfs_cache.cache_base(), "vm")


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
    recipe = {"suite": SUITE, "packages": PACKAGES, "disable": UNITS_TO_DISABLE,
              "hostname": VM_HOSTNAME, "disk": DISK_SIZE}
    files = [("vmimage.py", os.path.abspath(__file__)),
             ("rootfs_cache.py", os.path.abspath(rootfs_cache.__file__))] + _overlay_files()
    return rootfs_cache.recipe_digest(recipe, files)


def image_dir(cache_dir=None):
    return os.path.join(cache_dir or default_cache_dir(), recipe_hash())


def is_built(path):
    return all(os.path.isfile(os.path.join(path, name)) for name in IMAGE_FILES)


def apt_mirror(suite=SUITE):
    """The Debian mirror this machine's own apt uses for ``suite``.

    ``$OPENVZ_CLOUD_VM_MIRROR`` overrides it; the project never names a mirror itself.
    """
    return rootfs_cache.apt_mirror(suite, ("OPENVZ_CLOUD_VM_MIRROR",))


_run = rootfs_cache.run_logged


def _write_file(path, content, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        handle.write(content)
    os.chmod(tmp, mode)
    os.rename(tmp, path)


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
    return rootfs_cache.locked_build(cache_dir, target, is_built,
                                     lambda work: _build_into(work, cache_dir, progress), force)


def prune_other_images(cache_dir=None):
    """Delete cached images of other recipes; returns their paths."""
    cache_dir = cache_dir or default_cache_dir()
    return rootfs_cache.prune_other_builds(cache_dir, os.path.basename(image_dir(cache_dir)))


def _build_into(work, cache_dir, progress):
    rootfs_cache.check_tools(BUILD_TOOLS, "run scripts/install-vm-deps.sh",
                             "the VM image (debootstrap, chroot)")
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
