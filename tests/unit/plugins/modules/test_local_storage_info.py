"""local_storage_info module: report on a fixture tree; blkid command when no by-uuid link."""

import os
import shutil
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._host.storage import pool_uuid
from ansible_collections.openvz.cloud.plugins.modules import local_storage_info

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, run_module as harness_run  # noqa: E402  pylint: disable=wrong-import-position

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'host')


def run_module(monkeypatch, capsys, args, expect, **kwargs):
    return harness_run(monkeypatch, capsys, local_storage_info, args, expect, vz_options=False, **kwargs)


@pytest.fixture
def root(tmp_path):
    tree = tmp_path / 'root'
    shutil.copytree(os.path.join(FIXTURES, 'legacy-centos6'), str(tree))
    (tree / 'vz' / 'template' / 'cache').mkdir(parents=True)
    (tree / 'vz' / 'template' / 'cache' / 'centos-6-x86_64.tar.gz').write_bytes(b'x' * 1234)
    (tree / 'vz' / 'private' / '101').mkdir(parents=True)
    number = os.stat(str(tree)).st_dev
    (tree / 'proc' / 'self' / 'mountinfo').write_text(
        u'40 1 %d:%d / / rw - ext4 /dev/sdb1 rw\n' % (os.major(number), os.minor(number)))
    return str(tree)


def test_report_with_blkid(monkeypatch, capsys, root):
    fs_uuid = '5c2d6a9e-0f7b-4c3e-9a51-3e2f1b0c7d88'
    expect = Expect([(['/usr/sbin/blkid', '-o', 'value', '-s', 'UUID', '/dev/sdb1'], (0, fs_uuid + '\n', ''))])
    result = run_module(monkeypatch, capsys, {'root': root}, expect)
    expect.assert_done()
    storage = result['storage']
    assert result['changed'] is False
    assert storage['uuid'] == pool_uuid(fs_uuid, '/vz') and storage['uuid_source'] == 'filesystem-uuid'
    assert storage['path'] == '/vz' and storage['type'] == 'Filesystem' and storage['filesystem_type'] == 'ext4'
    assert storage['template_cache_bytes'] == 1234 and storage['container_count'] == 2
    assert storage['layout'] == 'ploop'
    assert storage['capacity_bytes'] >= storage['available_bytes'] >= 0


def test_report_is_stable_and_writes_nothing(monkeypatch, capsys, root):
    before = sorted(os.walk(root))
    args = {'root': root, 'container_usage': False}
    first = run_module(monkeypatch, capsys, args, Expect([]), missing_bins=('blkid',))
    second = run_module(monkeypatch, capsys, args, Expect([]), missing_bins=('blkid',))
    assert first['storage']['uuid'] == second['storage']['uuid']
    assert first['storage']['containers_bytes'] is None
    assert sorted(os.walk(root)) == before


def test_missing_path_fails_clearly(monkeypatch, capsys, root):
    result = run_module(monkeypatch, capsys, {'root': root, 'path': '/nowhere'}, Expect([]))
    assert result['failed'] is True
    assert result['msg'].startswith('Cannot read local storage at ') and 'No such file or directory' in result['msg']
