"""vz_conf module: managed keys only, quoting kept, check mode, diff, mode kept, refusals."""

import os
import stat
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.modules import vz_conf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import commandless_module  # noqa: E402  pylint: disable=wrong-import-position

SHIPPED = ('## Global parameters\nVIRTUOZZO=yes\nLOCKDIR=/vz/lock\n\n## Defaults\nVE_LAYOUT=ploop\n'
           'TEMPLATE=/vz/template\nCONFIGFILE="vswap-256m"\nVE_PRIVATE=/vz/private/$VEID\n')


@pytest.fixture
def conf(tmp_path):
    path = tmp_path / 'vz.conf'
    path.write_text(SHIPPED)
    os.chmod(str(path), 0o640)
    return path


@pytest.fixture
def run(monkeypatch, capsys):
    return commandless_module(monkeypatch, capsys, vz_conf)


def test_sets_managed_keys_and_keeps_everything_else(run, conf):
    args = {'path': str(conf), 'settings': {'VE_LAYOUT': 'simfs', 'TEMPLATE': '/vz/template',
                                            'VE_STOP_MODE': 'stop'}}
    checked = run(args, check_mode=True, diff=True)
    assert checked['changed'] is True and conf.read_text() == SHIPPED
    assert checked['changed_keys'] == ['VE_LAYOUT', 'VE_STOP_MODE']
    assert checked['diff']['before'] == SHIPPED and 'VE_LAYOUT="simfs"\n' in checked['diff']['after']
    result = run(args)
    assert result['changed'] is True
    assert conf.read_text() == SHIPPED.replace('VE_LAYOUT=ploop', 'VE_LAYOUT="simfs"') + 'VE_STOP_MODE="stop"\n'
    assert result['settings'] == {'VE_LAYOUT': 'simfs', 'TEMPLATE': '/vz/template', 'VE_STOP_MODE': 'stop'}
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o640
    assert sorted(os.listdir(str(conf.parent))) == ['vz.conf']
    again = run(args)
    assert again['changed'] is False and again['changed_keys'] == []


def test_removes_a_key_set_to_null(run, conf):
    result = run({'path': str(conf), 'settings': {'VIRTUOZZO': None, 'NOT_THERE': None}})
    assert result['changed'] is True and result['removed_keys'] == ['VIRTUOZZO']
    assert conf.read_text() == SHIPPED.replace('VIRTUOZZO=yes\n', '')


@pytest.mark.parametrize('settings, message', [
    ({'ve_layout': 'simfs'}, "Invalid vz.conf key 've_layout'"),
    ({'DESCRIPTION': 'a "quoted" word'}, 'must not contain'),
])
def test_refuses_bad_settings_and_changes_nothing(run, conf, settings, message):
    result = run({'path': str(conf), 'settings': settings})
    assert result['failed'] is True and message in result['msg'] and conf.read_text() == SHIPPED


def test_missing_file_fails(run, tmp_path):
    result = run({'path': str(tmp_path / 'vz.conf'), 'settings': {'VE_LAYOUT': 'simfs'}})
    assert result['failed'] is True and 'install vzctl' in result['msg']
    assert not (tmp_path / 'vz.conf').exists()
