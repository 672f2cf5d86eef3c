# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading files that may be absent, and writing files so no reader sees half of them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import tempfile


def read_text(path):
    """The file's text, or None when it cannot be read (absent, a directory, no permission)."""
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_atomic(path, data, mode=0o644, mover=None):
    """Write ``data`` (bytes or text) beside ``path`` in a temporary file, flush it to disk,
    then rename it over ``path``. An existing file's owner and group are kept. On failure the
    temporary file is removed, ``path`` is untouched and the IOError/OSError propagates.

    ``mover(temp, path)`` replaces the rename: inside a module pass ``module.atomic_move``,
    which also gives the file the SELinux context of the file it replaces. A new ``path`` is
    first created empty with ``mode``, so the mover never exposes it with wider permissions
    and it gets the default context of its directory; ``mode`` is applied afterwards.
    """
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    directory = os.path.dirname(path) or '.'
    existing = os.stat(path) if os.path.exists(path) else None
    placeholder = False
    if mover is not None and existing is None:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        os.chmod(path, mode)
        placeholder = True
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path))
    try:
        os.fchmod(handle, mode)
        if existing is not None:
            os.fchown(handle, existing.st_uid, existing.st_gid)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.fsync(handle)
        os.close(handle)
        handle = None
        if mover is None:
            os.rename(temp_path, path)
        else:
            mover(temp_path, path)
            os.chmod(path, mode)
    except Exception:
        if handle is not None:
            os.close(handle)
        remove_if_exists(temp_path)
        if placeholder:
            remove_if_exists(path)
        raise


def makedirs(path, mode=0o755):
    """``os.makedirs`` that accepts an existing directory."""
    try:
        os.makedirs(path, mode)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise


def remove_if_exists(path):
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise


def fsync_dir(path):
    """Flush a directory entry change (a rename, an unlink) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
