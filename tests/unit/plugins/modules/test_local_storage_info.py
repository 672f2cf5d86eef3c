"""local_storage_info module: report on a fixture tree; blkid command when no by-uuid link."""

import json
import os
import shutil

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.openvz.cloud.plugins.module_utils._host.storage import pool_uuid
from ansible_collections.openvz.cloud.plugins.modules import local_storage_info

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'host')


def run_module(monkeypatch, capsys, args, commands, bins):
    calls = []

    def run_command(self, argv, **kwargs):
        calls.append(list(argv))
        return commands[tuple(argv)]
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, opt_dirs=None: bins.get(name))
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            local_storage_info.main()
    return json.loads(capsys.readouterr().out), calls


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
    commands = {('/sbin/blkid', '-o', 'value', '-s', 'UUID', '/dev/sdb1'): (0, fs_uuid + '\n', '')}
    result, calls = run_module(monkeypatch, capsys, {'root': root}, commands, {'blkid': '/sbin/blkid'})
    assert calls == [['/sbin/blkid', '-o', 'value', '-s', 'UUID', '/dev/sdb1']]
    storage = result['storage']
    assert result['changed'] is False
    assert storage['uuid'] == pool_uuid(fs_uuid, '/vz') and storage['uuid_source'] == 'filesystem-uuid'
    assert storage['path'] == '/vz' and storage['type'] == 'Filesystem' and storage['filesystem_type'] == 'ext4'
    assert storage['template_cache_bytes'] == 1234 and storage['container_count'] == 2
    assert storage['layout'] == 'ploop'
    assert storage['capacity_bytes'] >= storage['available_bytes'] >= 0


def test_report_is_stable_and_writes_nothing(monkeypatch, capsys, root):
    before = sorted(os.walk(root))
    first, _calls = run_module(monkeypatch, capsys, {'root': root, 'container_usage': False}, {}, {})
    second, _calls = run_module(monkeypatch, capsys, {'root': root, 'container_usage': False}, {}, {})
    assert first['storage']['uuid'] == second['storage']['uuid']
    assert first['storage']['containers_bytes'] is None
    assert sorted(os.walk(root)) == before


def test_missing_path_fails_clearly(monkeypatch, capsys, root):
    result, _calls = run_module(monkeypatch, capsys, {'root': root, 'path': '/nowhere'}, {}, {})
    assert result['failed'] is True
    assert result['msg'].startswith('Cannot read local storage at ') and 'No such file or directory' in result['msg']
