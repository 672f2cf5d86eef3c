"""containers module: one vzlist read, only differing containers touched, allocation, exclusive."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.modules import containers

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'module_utils'))
from cmd_harness import Expect, run_legacy  # noqa: E402  pylint: disable=wrong-import-position
from vz_host import make_host, vzlist_all  # noqa: E402  pylint: disable=wrong-import-position

VZCTL = '/usr/sbin/vzctl'
LIST_ALL = ('/usr/sbin/vzlist', '-j', '-a')
OK = (0, '', '')


def run_many(monkeypatch, capsys, args, commands, check_mode=False, diff=False):
    """``commands`` maps argv tuples to replies; any order, each as often as it runs."""
    calls = []

    def reply(argv, data=None):
        calls.append(list(argv))
        assert tuple(argv) in commands, 'unexpected command %r' % (argv,)
        return commands[tuple(argv)]
    expect = Expect([(lambda argv: True, lambda argv, data: reply(argv))] * 2000)
    result = run_legacy(monkeypatch, capsys, containers, dict(args, command_timeout=0), expect,
                        check_mode=check_mode, diff=diff)
    return result, calls


@pytest.fixture
def host(tmp_path):
    return make_host(tmp_path)


def fleet(start, count, host=None):
    """vzlist records of running containers ci-<ctid> (and their configs when host is given)."""
    for ctid in range(start, start + count) if host else ():
        with open(os.path.join(host['conf_dir'], '%d.conf' % ctid), 'w') as handle:
            handle.write('PHYSPAGES="0:512M"\nSWAPPAGES="0:0"\n')
    template = json.loads(vzlist_all())[1]
    return [dict(template, ctid=ctid, veid=ctid, vpsid=ctid, name='ci-%d' % ctid, status='running',
                 hostname='ci-%d.example.org' % ctid)
            for ctid in range(start, start + count)]


def specs(start, count, **extra):
    return [dict(ctid=ctid, name='ci-%d' % ctid, hostname='ci-%d.example.org' % ctid, ram='512M', swap='0',
                 state='started', **extra) for ctid in range(start, start + count)]


def test_idempotent_converge_is_one_vzlist_call(monkeypatch, capsys, host):
    records = fleet(5000, 300, host)
    result, calls = run_many(monkeypatch, capsys, dict(host, containers=specs(5000, 300)),
                             {LIST_ALL: (0, json.dumps(records), '')})
    assert calls == [list(LIST_ALL)]
    assert result['changed'] is False and result['actions'] == {}
    assert len(result['containers']) == 300


def test_only_differing_containers_touched(monkeypatch, capsys, host):
    records = fleet(5000, 3, host)
    wanted = specs(5000, 3)
    wanted[1]['ram'] = '1G'
    set_cmd = (VZCTL, 'set', '5001', '--ram', '1G', '--save')
    commands = {LIST_ALL: (0, json.dumps(records), ''), set_cmd: OK}
    checked, check_calls = run_many(monkeypatch, capsys, dict(host, containers=wanted), commands,
                                    check_mode=True, diff=True)
    assert 'msg' not in checked, checked.get('msg')
    assert check_calls == [list(LIST_ALL)] and checked['actions'] == {'5001': ['set']}
    assert checked['diff']['after']['5001']['ram'] == '1G'
    result, calls = run_many(monkeypatch, capsys, dict(host, containers=wanted), commands)
    assert calls == [list(LIST_ALL), list(set_cmd), list(LIST_ALL)]
    assert [item['changed'] for item in result['containers']] == [False, True, False]


def test_allocation_and_exclusive(monkeypatch, capsys, host):
    records = fleet(5000, 3)
    wanted = [dict(name='ci-5000'), dict(name='new-a', ostemplate='busybox-1.35-x86_64', layout='simfs'),
              dict(name='new-b', ostemplate='busybox-1.35-x86_64', layout='simfs')]
    commands = {LIST_ALL: (0, json.dumps(records), ''),
                (VZCTL, 'create', '5001', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs',
                 '--name', 'new-a'): OK,
                (VZCTL, 'create', '5003', '--ostemplate', 'busybox-1.35-x86_64', '--layout', 'simfs',
                 '--name', 'new-b'): OK,
                (VZCTL, 'stop', '5001', '--fast'): OK, (VZCTL, 'destroy', '5001'): OK,
                (VZCTL, 'stop', '5002', '--fast'): OK, (VZCTL, 'destroy', '5002'): OK}
    args = dict(host, containers=wanted, ctid_range=[5000, 5999], exclusive=True, exclusive_name_pattern='ci-*')
    result, _calls = run_many(monkeypatch, capsys, args, commands, check_mode=True)
    # 5001 and 5002 exist (ci-5001, ci-5002): new ones get 5003 and 5004, the unlisted ci-* are removed
    assert result['actions'] == {'5003': ['create'], '5004': ['create'], '5001': ['stop', 'destroy'],
                                 '5002': ['stop', 'destroy']}


@pytest.mark.parametrize('wanted, message', [
    ([dict(ctid=5000), dict(ctid=5000)], 'listed twice'),
    ([dict(ctid=5000), dict(ctid=99)], 'Invalid ctid 99'),
    ([dict(ctid=5000, ram='5X')], "unknown suffix 'X'"),
    ([dict(ctid=5000, netifs=[{'ifname': 'eth0'}, {'ifname': 'eth0'}])], 'Duplicate ifname'),
    ([dict(ctid=6000, ostemplate='missing')], "OS template 'missing' not found"),
])
def test_one_bad_spec_changes_nothing(monkeypatch, capsys, host, wanted, message):
    wanted = [dict(ctid=5001, cpus=3)] + wanted
    result, calls = run_many(monkeypatch, capsys, dict(host, containers=wanted),
                             {LIST_ALL: (0, json.dumps(fleet(5000, 3)), '')})
    assert result['failed'] and message in result['msg']
    assert all(call[0] != VZCTL for call in calls)


def test_exclusive_needs_a_scope(monkeypatch, capsys, host):
    result, calls = run_many(monkeypatch, capsys, dict(host, containers=[], exclusive=True), {})
    assert result['failed'] and 'exclusive' in result['msg'] and calls == []


def test_failure_reports_partial_results(monkeypatch, capsys, host):
    wanted = [dict(ctid=5000, cpus=2), dict(ctid=5001, cpus=3)]
    commands = {LIST_ALL: (0, json.dumps(fleet(5000, 2)), ''),
                (VZCTL, 'set', '5000', '--cpus', '2', '--save'): OK,
                (VZCTL, 'set', '5001', '--cpus', '3', '--save'): (9, '', 'Container already locked\n')}
    result, _calls = run_many(monkeypatch, capsys, dict(host, containers=wanted), commands)
    assert result['failed'] and result['rc'] == 9 and 'locked by another vzctl command' in result['msg']
    assert result['changed'] is True and result['results'][0]['actions'] == ['set']


def test_plans_run_concurrently_and_results_stay_in_order(monkeypatch, capsys, host):
    import threading
    wanted = [dict(ctid=5000 + index, cpus=4) for index in range(4)]
    barrier = threading.Barrier(4, timeout=10)

    def slow_set(argv):
        barrier.wait()  # only returns when all four sets run at the same time
        return (9, '', 'Container already locked\n') if argv[2] == '5002' else OK
    commands = {LIST_ALL: (0, json.dumps(fleet(5000, 4, host)), '')}
    expect_calls = []

    def reply(argv, data=None):
        expect_calls.append(argv)
        if argv[1] == 'set':
            return slow_set(argv)
        return commands[tuple(argv)]
    expect = Expect([(lambda argv: True, lambda argv, data: reply(argv))] * 10)
    result = run_legacy(monkeypatch, capsys, containers,
                        dict(host, containers=wanted, parallel=4, command_timeout=0), expect)
    assert result['failed'] and result['rc'] == 9
    assert [item['ctid'] for item in result['results']] == [5000, 5001, 5002, 5003]
    assert [item.get('error') is not None for item in result['results']] == [
        False, False, True, False]
    assert all(item['actions'] == ['set'] for item in result['results'])
