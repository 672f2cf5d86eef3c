"""Container IDs: equality across int/str/UUID forms; allocation under a host-wide lock."""

import multiprocessing
import os
import time

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._runner import FileLock


@pytest.mark.parametrize('first, last, used, expected', [
    (101, 200, set(), 101), (101, 200, {101, 102, 104}, 103), (101, 103, {101, 102, 103}, None),
    (101, 200, {1, 50, 5000}, 101), (500, 600, {101, 500}, 501), (101, 101, set(), 101),
])
def test_lowest_free(first, last, used, expected):
    assert ids.lowest_free(first, last, used) == expected


def test_allocator_hands_out_distinct_ids():
    allocator = ids.Allocator(101, 104, {ids.ContainerId(102), 'a-named-ct'})
    assert [allocator.allocate(), allocator.allocate(), allocator.allocate()] == [101, 103, 104]
    with pytest.raises(ValueError) as info:
        allocator.allocate()
    assert '101..104' in str(info.value)


def test_container_ids_compare_by_canonical_value():
    uuid = '0F5C7A1E-1D2B-4C3D-8E9F-0A1B2C3D4E5F'
    assert ids.ContainerId(101) == ids.ContainerId('101') == 101
    assert ids.ContainerId('{%s}' % uuid) == ids.ContainerId(uuid.lower())
    assert ids.ContainerId(uuid).is_uuid and not ids.ContainerId(101).is_uuid
    assert ids.ContainerId('web1') != ids.ContainerId('web2')
    assert len({ids.ContainerId(101), ids.ContainerId('101')}) == 1
    assert sorted([ids.ContainerId('b'), ids.ContainerId(102), ids.ContainerId(101)]) == [
        101, 102, 'b']
    with pytest.raises(ValueError):
        ids.ContainerId('')


def test_ids_in_use_reads_conf_dir(tmp_path):
    from ansible_collections.openvz.cloud.plugins.module_utils._backends.legacy import (
        LegacyBackend)
    from ansible_collections.openvz.cloud.plugins.module_utils._runner import SubprocessRunner
    for name in ('101.conf', '103.conf.destroyed', 've-basic.conf-sample', '0.conf', 'abc.conf',
                 '205.conf'):
        (tmp_path / name).write_text(u'')
    backend = LegacyBackend(SubprocessRunner(), conf_dir=str(tmp_path), vz_conf='/nonexistent',
                            vzctl_path='/bin/true', vzlist_path='/bin/true')
    assert backend.ids_in_use({ids.ContainerId(300): {}}) == {0, 101, 205, 300}
    assert backend.allocation_lock_path() == '/vz/lock/openvz.cloud-ctid.lck'


def _allocate_and_create(lock_path, conf_dir, queue):
    with FileLock(lock_path):
        used = [int(name.split('.')[0]) for name in os.listdir(conf_dir)]
        ctid = ids.Allocator(101, 200, used).allocate()
        time.sleep(0.05)
        with open(os.path.join(conf_dir, '%s.conf' % ctid), 'w') as handle:
            handle.write('')
    queue.put(ctid.value)


def test_concurrent_allocations_never_collide(tmp_path):
    lock_path = str(tmp_path / 'lock' / 'openvz.cloud-ctid.lck')
    conf_dir = str(tmp_path / 'conf')
    os.mkdir(conf_dir)
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_allocate_and_create, args=(lock_path, conf_dir, queue))
               for _index in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert sorted(queue.get(timeout=1) for _worker in workers) == [101, 102, 103, 104, 105, 106]
