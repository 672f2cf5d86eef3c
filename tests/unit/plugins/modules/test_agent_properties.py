"""agent_properties module: managed keys set, others kept, Java escaping, mode, check mode, diff."""

import json
import os
import stat
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import loads
from ansible_collections.openvz.cloud.plugins.modules import agent_properties

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import commandless_module  # noqa: E402  pylint: disable=wrong-import-position

# As the package ships it, after keystore-setup added its passphrase (with escapes).
SHIPPED = (
    b'# Sample agent.properties\n'
    b'guid=\n'
    b'resource=com.cloud.hypervisor.kvm.resource.LibvirtComputingResource\n'
    b'workers=5\n'
    b'host=localhost\n'
    b'port=8250\n'
    b'zone=default\n'
    b'keystore.passphrase=p\\=ss\\:w\\#rd \\\n'
    b'    tail\n'
)
MANAGED = {
    'host': '192.0.2.10,192.0.2.11',
    'port': 8250,
    'zone': 1,
    'pod': 2,
    'cluster': 3,
    'guid': 'a3f7f538-daf4-3615-84d9-5a8ec0f09091',
    'local.storage.path': '/vz',
    'iscsi.session.cleanup.enabled': False,
}


@pytest.fixture
def run(monkeypatch, capsys):
    return commandless_module(monkeypatch, capsys, agent_properties)


@pytest.fixture
def props_file(tmp_path):
    path = tmp_path / 'agent.properties'
    path.write_bytes(SHIPPED)
    os.chmod(str(path), 0o644)
    return path


def test_sets_managed_keys_and_keeps_the_others(run, props_file):
    result = run({'path': str(props_file), 'properties': MANAGED})
    assert result['changed'] is True
    assert result['actions'] == ['rewrite', 'mode']
    assert result['changed_keys'] == ['cluster', 'guid', 'host', 'iscsi.session.cleanup.enabled',
                                      'local.storage.path', 'pod', 'zone']
    written = loads(props_file.read_bytes())
    assert written['keystore.passphrase'] == 'p=ss:w#rd tail'
    assert written['workers'] == '5'
    assert written['zone'] == '1' and written['port'] == '8250'
    assert written['iscsi.session.cleanup.enabled'] == 'false'
    assert stat.S_IMODE(os.stat(str(props_file)).st_mode) == 0o600
    lines = props_file.read_bytes().decode('iso-8859-1').splitlines()
    assert lines[0] == '#' and lines[1].startswith('#')
    # File order kept, new keys appended; escapes as Properties.store() writes them.
    assert lines[2:5] == ['guid=a3f7f538-daf4-3615-84d9-5a8ec0f09091',
                          'resource=com.cloud.hypervisor.kvm.resource.LibvirtComputingResource',
                          'workers=5']
    assert 'keystore.passphrase=p\\=ss\\:w\\#rd tail' in lines
    assert lines[-1] == 'iscsi.session.cleanup.enabled=false'


def test_second_run_changes_nothing(run, props_file):
    run({'path': str(props_file), 'properties': MANAGED})
    before = props_file.read_bytes()
    result = run({'path': str(props_file), 'properties': MANAGED})
    assert result['changed'] is False and result['actions'] == []
    assert props_file.read_bytes() == before


@pytest.mark.parametrize('contents, expected_actions', [
    (None, ['create']),
    (SHIPPED, ['rewrite', 'mode']),
])
def test_check_mode_reports_without_writing(run, tmp_path, contents, expected_actions):
    path = tmp_path / 'agent.properties'
    if contents is not None:
        path.write_bytes(contents)
        os.chmod(str(path), 0o644)
    result = run({'path': str(path), 'properties': MANAGED}, check_mode=True)
    assert result['changed'] is True and result['actions'] == expected_actions
    if contents is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == contents
        assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644


def test_creates_a_private_file(run, tmp_path):
    path = tmp_path / 'agent.properties'
    result = run({'path': str(path), 'properties': {'host': 'mgmt.example', 'port': 8250}})
    assert result['actions'] == ['create']
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert loads(path.read_bytes()) == {'host': 'mgmt.example', 'port': '8250'}
    assert os.listdir(str(tmp_path)) == ['agent.properties']


def test_null_removes_a_key(run, props_file):
    result = run({'path': str(props_file), 'properties': {'workers': None, 'port': 8250}})
    assert result['removed_keys'] == ['workers'] and result['changed_keys'] == []
    assert 'workers' not in loads(props_file.read_bytes())
    assert result['properties'] == {'port': '8250'}


def test_diff_shows_managed_keys_only(run, props_file):
    result = run({'path': str(props_file), 'properties': {'host': '192.0.2.10'}}, diff=True)
    assert result['diff']['before'] == 'host=localhost\n'
    assert result['diff']['after'] == 'host=192.0.2.10\n'
    assert 'passphrase' not in json.dumps(result)


@pytest.mark.parametrize('args, message', [
    ({'mode': '644x'}, 'mode must be octal'),
    ({'path': '/nonexistent-dir-openvz-cloud/agent.properties'}, 'install the agent package first'),
])
def test_clear_failures(run, args, message):
    result = run(dict({'properties': {'host': 'a'}}, **args))
    assert result['failed'] is True and message in result['msg']


def test_bad_unicode_escape_fails(run, tmp_path):
    path = tmp_path / 'agent.properties'
    path.write_bytes(b'host=\\u12\n')
    result = run({'path': str(path), 'properties': {'host': 'a'}})
    assert result['failed'] is True and 'not a valid Java properties file' in result['msg']
