"""One container: its effective config (CT config over vz.conf) and paths."""

import os
from fractions import Fraction

from .config import ConfigFile, write_file_atomic
from .paths import subst_veid

PLOOP_FS_DIR = "root.hdd/fs"  # where the emulator keeps a ploop CT's file tree
# vzlist reports the size of the ext4 filesystem inside a ploop image, not DISKSPACE
# (openvz-cli.md 11.1). The image is as big as the DISKSPACE hard limit; these fractions
# reproduce a real host's numbers for DISKSPACE="2G:2.2G" (image 2306867 KB): 2268760 KB
# read from the stopped image, 2062160 KB from the mounted filesystem.
PLOOP_FS_FRACTION_STOPPED = Fraction(2268760, 2306867)
PLOOP_FS_FRACTION_MOUNTED = Fraction(2062160, 2306867)


def ploop_fs_kb(image_kb, mounted):
    """Size in KB (whole 4 KB blocks) of the filesystem in a ploop image of image_kb."""
    fraction = PLOOP_FS_FRACTION_MOUNTED if mounted else PLOOP_FS_FRACTION_STOPPED
    return int(image_kb * fraction) // 4 * 4


class Container(object):
    def __init__(self, host, ctid):
        self.host = host
        self.ctid = ctid
        self.conf_logical = host.conf_logical(ctid)
        self.conf_path = host.path(self.conf_logical)
        self.reload()

    def reload(self):
        self.config = ConfigFile.load(self.conf_path)

    @property
    def exists_config(self):
        return self.config is not None

    def value(self, key, default=None):
        """CT config value, else the vz.conf value (as vzctl merges them)."""
        if self.config is not None and self.config.has(key):
            return self.config.get(key)
        return self.host.global_value(key, default)

    def ct_value(self, key, default=None):
        if self.config is None:
            return default
        return self.config.get(key, default)

    @property
    def private_logical(self):
        return subst_veid(self.value("VE_PRIVATE"), self.ctid)

    @property
    def root_logical(self):
        return subst_veid(self.value("VE_ROOT"), self.ctid)

    @property
    def private_path(self):
        logical = self.private_logical
        return self.host.path(logical) if logical else None

    @property
    def root_path(self):
        logical = self.root_logical
        return self.host.path(logical) if logical else None

    def private_exists(self):
        path = self.private_path
        return bool(path) and os.path.exists(path)

    @property
    def layout(self):
        """ploop when the private area holds root.hdd, else simfs."""
        path = self.private_path
        if path and os.path.isdir(os.path.join(path, "root.hdd")):
            return "ploop"
        if path and os.path.exists(path):
            return "simfs"
        configured = (self.value("VE_LAYOUT") or "").split(":")[0]
        return configured if configured in ("simfs", "ploop") else "simfs"

    def is_ploop(self):
        """vzctl's ve_private_is_ploop(): the private area holds root.hdd."""
        path = self.private_path
        return bool(path) and os.path.isdir(os.path.join(path, "root.hdd"))

    @property
    def fs_source(self):
        """The unpacked file tree that mounting exposes at VE_ROOT."""
        if self.layout == "ploop":
            return os.path.join(self.private_path, PLOOP_FS_DIR)
        return self.private_path

    @property
    def dump_logical(self):
        return "%s/Dump.%s" % (self.host.dumpdir_logical, self.ctid)

    @property
    def dump_path(self):
        return self.host.path(self.dump_logical)


def write_ploop_placeholders(hdd_dir, size_kb):
    with open(os.path.join(hdd_dir, "root.hdd"), "wb") as handle:
        handle.write(b"OpenVZ emulator ploop image placeholder\n")
    descriptor = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Parallels_disk_image>\n'
        '  <Disk_Parameters>\n    <Disk_size>%d</Disk_size>\n  </Disk_Parameters>\n'
        '  <StorageData>\n    <Storage>\n      <Start>0</Start>\n      <End>%d</End>\n'
        '      <Image>\n        <GUID>{5fbaabe3-6958-40ff-92a7-860e329aab41}</GUID>\n'
        '        <Type>Compressed</Type>\n        <File>root.hdd</File>\n      </Image>\n'
        '    </Storage>\n  </StorageData>\n  <Snapshots>\n'
        '    <TopGUID>{5fbaabe3-6958-40ff-92a7-860e329aab41}</TopGUID>\n'
        '    <Shot>\n      <GUID>{5fbaabe3-6958-40ff-92a7-860e329aab41}</GUID>\n'
        '      <ParentGUID>{00000000-0000-0000-0000-000000000000}</ParentGUID>\n    </Shot>\n'
        '  </Snapshots>\n</Parallels_disk_image>\n') % (size_kb * 2, size_kb * 2)
    with open(os.path.join(hdd_dir, "DiskDescriptor.xml"), "w") as handle:
        handle.write(descriptor)


def _guest_etc_file(tree, name):
    """<tree>/etc/<name> if writing it cannot leave the tree, else None."""
    if not tree:
        return None
    etc = os.path.join(tree, "etc")
    real_tree = os.path.realpath(tree)
    if os.path.islink(etc) or not os.path.isdir(etc) or os.path.realpath(etc) != os.path.join(real_tree, "etc"):
        return None
    path = os.path.join(etc, name)
    if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
        return None
    return path


def write_guest_hostname(tree, hostname):
    """What the distribution script does: /etc/hostname inside the CT."""
    path = _guest_etc_file(tree, "hostname")
    if path and hostname:
        write_file_atomic(path, (hostname + "\n").encode("utf-8"))
        return True
    return False


def write_guest_resolver(tree, nameservers, searchdomains, host_resolv_conf):
    """Rewrite the CT's /etc/resolv.conf nameserver/search lines; 'inherit'
    copies them from the host's resolv.conf. True when the file was written."""
    path = _guest_etc_file(tree, "resolv.conf")
    if not path or (nameservers is None and searchdomains is None):
        return False
    host_lines = []
    if "inherit" in (nameservers or []) + (searchdomains or []):
        try:
            with open(host_resolv_conf) as handle:
                host_lines = handle.read().splitlines()
        except (IOError, OSError):
            host_lines = []

    def resolve(values, keyword):
        if values is None:
            return None
        if "inherit" in values:
            return [item for line in host_lines if line.split()[:1] == [keyword]
                    for item in line.split()[1:]]
        return values
    nameservers = resolve(nameservers, "nameserver")
    searchdomains = resolve(searchdomains, "search")
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError):
        lines = []
    if searchdomains is not None:
        lines = [line for line in lines if line.split()[:1] != ["search"]]
        if searchdomains:
            lines.insert(0, "search " + " ".join(searchdomains))
    if nameservers is not None:
        lines = [line for line in lines if line.split()[:1] != ["nameserver"]]
        lines += ["nameserver " + server for server in nameservers]
    write_file_atomic(path, "".join(line + "\n" for line in lines).encode("utf-8"))
    return True
