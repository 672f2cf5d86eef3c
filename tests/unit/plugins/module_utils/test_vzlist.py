"""vzlist JSON records as container states; only JSON is read (text rows cannot be split)."""

import json
import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import vzlist
from ansible_collections.openvz.cloud.plugins.module_utils._backends.legacy import LegacyBackend
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils._container.ids import ContainerId
from ansible_collections.openvz.cloud.plugins.module_utils.units import UNLIMITED

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, fake_runner  # noqa: E402  pylint: disable=wrong-import-position

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'vz', 'vzlist')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def test_normalise_running_record():
    containers = vzlist.index_records(json.loads(fixture('all.json')))
    web = containers[2001]
    assert web['name'] == 'web1' and web['status'] == 'running' and web['layout'] == 'ploop'
    assert web['ram_bytes'] == 1024 ** 3 and web['swap_bytes'] == 512 * 1024 ** 2
    assert web['diskspace_kb'] == [10485760, 10485760] and web['diskinodes'] == [131072, 144179]
    assert web['cpus'] == 2 and web['cpuunits'] == 1000 and web['onboot'] is True
    assert web['features'] == {'nfs': True} and web['capabilities'] == {'sys_time': True}
    assert web['ip'] == ['192.0.2.10', '2001:db8::10']
    usage = web['usage']
    assert usage['numproc'] == 17 and usage['ram_used_bytes'] == 12288 * 4096
    assert usage['disk_used_bytes'] == 524288 * 1024 and usage['disk_limit_bytes'] == 10485760 * 1024
    assert usage['uptime_seconds'] == 3600.25 and usage['load_average'] == [0.05, 0.10, 0.02]


def test_normalise_stopped_record():
    stopped = vzlist.index_records(json.loads(fixture('all.json')))[2002]
    assert stopped['name'] is None and stopped['cpus'] is None and stopped['cpuunits'] is None
    assert stopped['swap_bytes'] is None and stopped['ram_bytes'] == 512 * 1024 ** 2
    assert stopped['usage']['numproc'] is None and stopped['usage']['uptime_seconds'] is None
    assert stopped['features'] == {} and stopped['capabilities'] == {}


def test_unlimited_and_minimal_record():
    record = {'ctid': 7000, 'status': 'stopped',
              'physpages': {'held': 0, 'maxheld': 0, 'barrier': 0, 'limit': UNLIMITED, 'failcnt': 0}}
    view = vzlist.normalise_record(record)
    assert view['ram_bytes'] == UNLIMITED and view['diskspace_kb'] is None and view['ip'] == []


@pytest.mark.parametrize('output', [fixture('empty.json'), fixture('empty-skipped.json'), ''])
def test_no_containers(output):
    backend = LegacyBackend(fake_runner(Expect([(['/usr/sbin/vzlist', '-j', '-a'],
                                                 (0, output, ''))]), files={}))
    assert backend.read_containers() == {}


def test_json_not_a_list():
    backend = LegacyBackend(fake_runner(Expect([(['/usr/sbin/vzlist', '-j', '-a'],
                                                 (0, '{"ctid": 1}', ''))]), files={}))
    with pytest.raises(CommandError, match='not a JSON array'):
        backend.read_containers()


def test_ids_are_container_ids():
    containers = vzlist.index_records(json.loads(fixture('all.json')))
    assert sorted(containers) == [2001, 2002] and 2001 in containers
    assert ContainerId('2001') in containers
