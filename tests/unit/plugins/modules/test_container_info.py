"""container_info: one vzlist call, filters, statistics in bytes."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.modules import container_info

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from cmd_harness import Expect, run_legacy  # noqa: E402  pylint: disable=wrong-import-position
from vz_host import make_host, vzlist_all  # noqa: E402  pylint: disable=wrong-import-position


def run_info(monkeypatch, capsys, args, response):
    expect = Expect([(['/usr/sbin/vzlist', '-j', '-a'], response)])
    result = run_legacy(monkeypatch, capsys, container_info, args, expect)
    expect.assert_done()
    return result, expect.calls


@pytest.fixture
def host(tmp_path):
    return make_host(tmp_path)


@pytest.mark.parametrize('filters, ctids', [
    ({}, [2001, 2002]), ({'ctid': [2002]}, [2002]), ({'name': ['web*']}, [2001]),
    ({'status': ['stopped']}, [2002]), ({'status': ['running'], 'ctid': [2002]}, []),
    ({'name': ['nomatch']}, []),
])
def test_filters_with_one_call(monkeypatch, capsys, host, filters, ctids):
    result, calls = run_info(monkeypatch, capsys, dict(host, **filters), (0, vzlist_all(), ''))
    assert calls == [['/usr/sbin/vzlist', '-j', '-a']]
    assert [item['ctid'] for item in result['containers']] == ctids
    assert [item['ctid'] for item in result['volumes']] == ctids
    assert result['changed'] is False


def test_statistics_in_bytes(monkeypatch, capsys, host):
    result, _calls = run_info(monkeypatch, capsys, dict(host, ctid=[2001]), (0, vzlist_all(), ''))
    web = result['containers'][0]
    assert web['ram_bytes'] == 1024 ** 3 and web['swap_bytes'] == 512 * 1024 ** 2
    assert web['usage']['ram_used_bytes'] == 12288 * 4096 and web['usage']['numproc'] == 17
    assert web['usage']['disk_used_bytes'] == 524288 * 1024 and web['usage']['uptime_seconds'] == 3600.25
    assert [nic['bridge'] for nic in web['netifs']] == ['vmbr0', 'breth1-100']
    assert result['volumes'][0]['size_limit_bytes'] == 10 * 1024 ** 3


@pytest.mark.parametrize('output', ['[]\n', '[\n]\n', ''])
def test_no_containers(monkeypatch, capsys, host, output):
    result, _calls = run_info(monkeypatch, capsys, host, (0, output, ''))
    assert result['containers'] == [] and result['volumes'] == []


def test_vzlist_error(monkeypatch, capsys, host):
    result, _calls = run_info(monkeypatch, capsys, host, (1, '', 'This program can only be run under root.\n'))
    assert result['failed'] and result['msg'] == 'vzlist -j -a failed with rc 1: This program can only be run under root.'
    assert result['rc'] == 1


def test_many_containers_one_call(monkeypatch, capsys, host):
    template = json.loads(vzlist_all())[1]
    records = [dict(template, ctid=ctid, veid=ctid, vpsid=ctid) for ctid in range(5000, 6000)]
    result, calls = run_info(monkeypatch, capsys, dict(host, netifs=False), (0, json.dumps(records), ''))
    assert len(calls) == 1 and len(result['containers']) == 1000


def test_stopped_simfs_usage_is_unknown_not_zero(monkeypatch, capsys, host):
    result, _calls = run_info(monkeypatch, capsys, dict(host, ctid=[2002]), (0, vzlist_all(), ''))
    stopped = result['containers'][0]
    assert stopped['status'] == 'stopped' and stopped['layout'] == 'simfs'
    assert stopped['usage']['disk_used_bytes'] is None and stopped['usage']['inodes_used'] is None
    assert result['volumes'][0]['bytes_used'] is None


def test_stopped_ploop_usage_comes_from_the_image(monkeypatch, capsys, host):
    records = [dict(json.loads(vzlist_all())[0], status='stopped')]
    result, _calls = run_info(monkeypatch, capsys, dict(host, ctid=[2001]),
                              (0, json.dumps(records), ''))
    assert result['volumes'][0]['bytes_used'] == 524288 * 1024
