"""CTID allocation: lowest free ID in a range, under a host-wide lock."""

import multiprocessing
import os
import time

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import id_allocation


@pytest.mark.parametrize('first, last, used, expected', [
    (101, 200, set(), 101), (101, 200, {101, 102, 104}, 103), (101, 103, {101, 102, 103}, None),
    (101, 200, {1, 50, 5000}, 101), (500, 600, {101, 500}, 501), (101, 101, set(), 101),
])
def test_lowest_free(first, last, used, expected):
    assert id_allocation.lowest_free(first, last, used) == expected


def test_allocator_hands_out_distinct_ids():
    allocator = id_allocation.CtidAllocator(101, 104, {102})
    assert [allocator.allocate(), allocator.allocate(), allocator.allocate()] == [101, 103, 104]
    with pytest.raises(ValueError) as info:
        allocator.allocate()
    assert '101..104' in str(info.value)


def test_ids_in_use_reads_conf_dir(tmp_path):
    for name in ('101.conf', '103.conf.destroyed', 've-basic.conf-sample', '0.conf', 'abc.conf', '205.conf'):
        (tmp_path / name).write_text(u'')
    assert id_allocation.ids_in_use(str(tmp_path), [300]) == {0, 101, 205, 300}
    assert id_allocation.ids_in_use(str(tmp_path / 'missing')) == set()


def test_ctid_by_name(tmp_path):
    (tmp_path / 'web1').symlink_to('/etc/vz/conf/2001.conf')
    (tmp_path / 'odd').symlink_to('/etc/vz/conf/x.conf')
    assert id_allocation.ctid_by_name('web1', str(tmp_path)) == 2001
    assert id_allocation.ctid_by_name('odd', str(tmp_path)) is None
    assert id_allocation.ctid_by_name('nobody', str(tmp_path)) is None


def test_default_lock_path():
    assert id_allocation.default_lock_path({}) == '/vz/lock/openvz.cloud-ctid.lck'
    assert id_allocation.default_lock_path({'LOCKDIR': '/run/vzlock'}) == '/run/vzlock/openvz.cloud-ctid.lck'


def _allocate_and_create(lock_path, conf_dir, queue):
    with id_allocation.CtidLock(lock_path):
        allocator = id_allocation.CtidAllocator(101, 200, id_allocation.ids_in_use(conf_dir))
        ctid = allocator.allocate()
        time.sleep(0.05)
        with open(os.path.join(conf_dir, '%d.conf' % ctid), 'w') as handle:
            handle.write('')
    queue.put(ctid)


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
