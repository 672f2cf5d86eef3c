"""Unpack an OS template tarball without letting members escape the target."""

import os
import posixpath
import tarfile


class UnsafeTarball(Exception):
    pass


def _check_relative(name, what):
    normalized = posixpath.normpath(name)
    if name.startswith("/") or normalized == ".." or normalized.startswith("../") \
            or ".." in name.split("/"):
        raise UnsafeTarball("unsafe %s in template: %s" % (what, name))
    return normalized


def check_members(members, allow_devices):
    """Refuse absolute/'..' names and hard links, writes through symlinks,
    and device nodes unless allowed."""
    symlinks = set()
    for member in members:
        name = _check_relative(member.name, "member")
        parts = name.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in symlinks:
                raise UnsafeTarball("template member %s goes through a symlink" % member.name)
        if member.islnk():
            _check_relative(member.linkname, "hard link target")
        if member.issym():
            symlinks.add(name)
        if (member.ischr() or member.isblk()) and not allow_devices:
            raise UnsafeTarball("device node %s in template (not running as root)" % member.name)


def unpack(tarball_path, target_dir):
    """Extract tarball_path into the existing empty target_dir."""
    allow_devices = os.geteuid() == 0
    with tarfile.open(tarball_path) as archive:
        members = archive.getmembers()
        check_members(members, allow_devices)
        kwargs = {"numeric_owner": True}
        if hasattr(tarfile, "fully_trusted_filter"):
            # members were checked above; keep owners, modes and links as-is
            kwargs["filter"] = "fully_trusted"
        archive.extractall(target_dir, members=members, **kwargs)
