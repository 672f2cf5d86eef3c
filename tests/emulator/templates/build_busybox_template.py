"""Build a tiny, byte-reproducible OpenVZ OS template from Debian's static busybox.

Usage: python3 build_busybox_template.py OUT_DIR [--name busybox-1.35-x86_64] [--busybox /bin/busybox]

Writes OUT_DIR/<name>.tar.gz: /bin/busybox, its applet symlinks, a /bin/bash
wrapper running busybox sh, /etc/os-release, a minimal /sbin/init and the usual
empty directories. Fixed owners, modes and mtimes, sorted entries and gzip
mtime 0 keep the sha256 stable.
"""

import argparse
import gzip
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile

FIXED_MTIME = 946684800  # 2000-01-01T00:00:00Z
DEFAULT_NAME = "busybox-1.35-x86_64"

DIRECTORIES = {
    "bin": 0o755, "dev": 0o755, "etc": 0o755, "proc": 0o555, "root": 0o700,
    "run": 0o755, "sbin": 0o755, "sys": 0o555, "tmp": 0o1777, "usr": 0o755,
    "usr/bin": 0o755, "usr/sbin": 0o755, "var": 0o755, "var/log": 0o755,
}

# PID 1 of the container: exits on TERM/INT, otherwise sleeps; the pid
# namespace's init reaps orphans through the shell's wait.
INIT_SCRIPT = """#!/bin/sh
# Minimal init of the openvz.cloud emulator's busybox template.
trap 'exit 0' TERM INT
[ -x /etc/rc.local ] && /etc/rc.local
while :; do
    sleep 3600 &
    wait $!
done
"""

# Debian's busybox has no "bash" applet: vzctl's "bash -c" runs busybox sh.
BASH_WRAPPER = """#!/bin/sh
exec /bin/busybox sh "$@"
"""


def busybox_version(busybox):
    """Return the version (e.g. '1.35.0') from the busybox banner."""
    banner = subprocess.run([busybox], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            check=False).stdout.decode("utf-8", "replace")
    match = re.search(r"BusyBox v(\d+(?:\.\d+)+)", banner)
    if match is None:
        raise SystemExit("Unable to read the BusyBox version from %s" % busybox)
    return match.group(1)


def applet_paths(busybox):
    """Return applet paths relative to / (e.g. 'bin/sh'), without sbin/init."""
    listing = subprocess.run([busybox, "--list-full"], stdout=subprocess.PIPE,
                             check=True).stdout.decode("ascii")
    paths = set(line.strip() for line in listing.splitlines() if "/" in line)
    paths.discard("sbin/init")
    return paths


def text_files(version):
    """Return {path: (mode, text)} of the template's configuration files."""
    os_release = (
        'NAME="BusyBox"\n'
        "ID=busybox\n"
        'VERSION_ID="%s"\n'
        'PRETTY_NAME="BusyBox %s (openvz.cloud emulator template)"\n' % (version, version)
    )
    return {
        "etc/os-release": (0o644, os_release),
        "etc/hostname": (0o644, "localhost\n"),
        "etc/hosts": (0o644, "127.0.0.1\tlocalhost\n"),
        "etc/passwd": (0o644, "root:x:0:0:root:/root:/bin/sh\n"),
        "etc/group": (0o644, "root:x:0:\n"),
        "sbin/init": (0o755, INIT_SCRIPT),
        "bin/bash": (0o755, BASH_WRAPPER),
    }


def tar_info(path, kind, mode, size=0, linkname=""):
    info = tarfile.TarInfo("./" + path if path else ".")
    info.type = kind
    info.mode = mode
    info.size = size
    info.linkname = linkname
    info.mtime = FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def build_archive(busybox):
    """Return the uncompressed tar bytes of the template."""
    version = busybox_version(busybox)
    with open(busybox, "rb") as handle:
        busybox_bytes = handle.read()
    entries = {"": (tarfile.DIRTYPE, 0o755, None, "")}
    for path, mode in DIRECTORIES.items():
        entries[path] = (tarfile.DIRTYPE, mode, None, "")
    for path in applet_paths(busybox):
        entries.setdefault(os.path.dirname(path), (tarfile.DIRTYPE, 0o755, None, ""))
        entries[path] = (tarfile.SYMTYPE, 0o777, None, "/bin/busybox")
    entries["bin/busybox"] = (tarfile.REGTYPE, 0o755, busybox_bytes, "")
    for path, (mode, text) in text_files(version).items():
        entries[path] = (tarfile.REGTYPE, mode, text.encode("utf-8"), "")

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for path in sorted(entries):
            kind, mode, data, linkname = entries[path]
            info = tar_info(path, kind, mode, len(data or b""), linkname)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue(), version


def write_gzip_atomically(out_path, payload):
    """gzip payload (header mtime 0, no file name) into out_path via a temp file."""
    directory = os.path.dirname(os.path.abspath(out_path))
    handle, temp_path = tempfile.mkstemp(prefix=".template-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw,
                               mtime=0) as compressed:
                compressed.write(payload)
        os.chmod(temp_path, 0o644)
        os.rename(temp_path, out_path)
    except BaseException:
        os.unlink(temp_path)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="directory receiving <name>.tar.gz")
    parser.add_argument("--name", default=DEFAULT_NAME, help="template name (default %(default)s)")
    parser.add_argument("--busybox", default="/bin/busybox",
                        help="static busybox binary (Debian busybox-static)")
    args = parser.parse_args(argv)
    if not os.access(args.busybox, os.X_OK):
        parser.error("%s is not executable (install Debian's busybox-static)" % args.busybox)
    os.makedirs(args.out_dir, exist_ok=True)
    payload, version = build_archive(args.busybox)
    out_path = os.path.join(args.out_dir, args.name + ".tar.gz")
    write_gzip_atomically(out_path, payload)
    print("%s (BusyBox %s)" % (out_path, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
