import os
import stat

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import files


def test_read_text_absent_and_directory(tmp_path):
    assert files.read_text(str(tmp_path / "missing")) is None
    assert files.read_text(str(tmp_path)) is None


@pytest.mark.parametrize("data", ["text é\n", b"\x00\x01bytes"])
def test_write_atomic_creates_with_mode(tmp_path, data):
    path = str(tmp_path / "agent.properties")
    files.write_atomic(path, data, 0o600)
    with open(path, "rb") as handle:
        assert handle.read() == (data if isinstance(data, bytes) else data.encode("utf-8"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(str(tmp_path)) == ["agent.properties"]


def test_write_atomic_keeps_owner_and_replaces(tmp_path):
    path = tmp_path / "ifcfg-cloudbr0"
    path.write_text("old\n")
    os.chown(str(path), 4242, 4343)
    files.write_atomic(str(path), "new\n")
    assert path.read_text() == "new\n"
    info = os.stat(str(path))
    assert (info.st_uid, info.st_gid) == (4242, 4343)


def test_write_atomic_failure_leaves_original_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    path.write_text("original\n")

    def full_disk(handle, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "write", full_disk)
    with pytest.raises(OSError):
        files.write_atomic(str(path), "replacement\n")
    assert path.read_text() == "original\n"
    assert os.listdir(str(tmp_path)) == ["record.json"]


def test_write_atomic_through_a_mover_keeps_mode_of_a_new_file(tmp_path):
    path = str(tmp_path / "agent.properties")
    seen = []

    def mover(src, dest):
        # What AnsibleModule.atomic_move does with an existing dest: it copies dest's mode.
        seen.append(stat.S_IMODE(os.stat(dest).st_mode))
        os.chmod(src, stat.S_IMODE(os.stat(dest).st_mode))
        os.rename(src, dest)

    files.write_atomic(path, "secret=1\n", 0o600, mover=mover)
    assert seen == [0o600] and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert open(path).read() == "secret=1\n" and os.listdir(str(tmp_path)) == ["agent.properties"]


def test_write_atomic_mover_failure_removes_the_new_file(tmp_path):
    def mover(src, dest):
        raise OSError(13, "Permission denied")

    with pytest.raises(OSError):
        files.write_atomic(str(tmp_path / "vz.conf"), "A=1\n", mover=mover)
    assert os.listdir(str(tmp_path)) == []
