"""local_storage: pool path from vz.conf, mountinfo, deterministic uuid, capacity and usage."""

import os
import shutil
import uuid

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._host import storage as ls
from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import HostRoot

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'host')


@pytest.mark.parametrize('config, path', [
    ({}, '/vz'),
    ({'VE_PRIVATE': '/vz/private/$VEID'}, '/vz'),
    ({'VE_PRIVATE': '/srv/vz/private/${VEID}'}, '/srv/vz'),
    ({'VE_PRIVATE': '/vz/private/$VEID/'}, '/vz'),
    ({'VE_PRIVATE': '/var/lib/vz/private/$VEID'}, '/var/lib/vz'),
    ({'VE_PRIVATE': '/private/$VEID'}, '/'),
])
def test_storage_path(config, path):
    assert ls.storage_path(config) == path


MOUNTINFO = (
    '22 27 0:21 / /proc rw,relatime - proc proc rw\n'
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n'
    '40 27 8:17 / /vz rw,relatime shared:7 - ext4 /dev/sdb1 rw,data=ordered\n'
    '41 27 8:18 / /mnt/with\\040space rw - xfs /dev/sdb2 rw\n'
    '42 40 8:17 /private /vz/bind rw - ext4 /dev/sdb1 rw\n'
)


def test_parse_mountinfo():
    entries = ls.parse_mountinfo(MOUNTINFO)
    assert entries[2] == {'mount_point': '/vz', 'root': '/', 'major': 8, 'minor': 17,
                          'options': 'rw,relatime', 'fstype': 'ext4', 'source': '/dev/sdb1'}
    assert entries[3]['mount_point'] == '/mnt/with space'


@pytest.mark.parametrize('path, device, mount_point', [
    ('/vz', (8, 17), '/vz'),
    ('/vz/private/101', (8, 17), '/vz'),
    ('/vzz', (254, 0), '/'),
    ('/vz/bind/x', (8, 17), '/vz/bind'),
    ('/mnt/with space/t', None, '/mnt/with space'),
    ('/vz', (1, 1), None),
])
def test_find_mount(path, device, mount_point):
    found = ls.find_mount(ls.parse_mountinfo(MOUNTINFO), path, device)
    assert (found['mount_point'] if found else None) == mount_point


def test_pool_uuid_is_deterministic_and_path_specific():
    first = ls.pool_uuid('0a1b2c3d-0000-4000-8000-000000000001', '/vz')
    assert first == ls.pool_uuid('0a1b2c3d-0000-4000-8000-000000000001', '/vz')
    assert first != ls.pool_uuid('0a1b2c3d-0000-4000-8000-000000000001', '/srv/vz')
    assert first != ls.pool_uuid('0a1b2c3d-0000-4000-8000-000000000002', '/vz')
    assert uuid.UUID(first).version == 5
    assert first == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_DNS, 'local-storage.openvz.cloud'),
                                   '0a1b2c3d-0000-4000-8000-000000000001:/vz'))


class FakeStatvfs(object):
    def __init__(self, fsid=0):
        self.f_bsize = 4096
        self.f_frsize = 4096
        self.f_blocks = 1000
        self.f_bfree = 400
        self.f_bavail = 350
        self.f_files = 500
        self.f_ffree = 200
        self.f_favail = 190
        self.f_fsid = fsid


def test_capacity_report():
    assert ls.capacity_report(FakeStatvfs()) == {
        'capacity_bytes': 4096000, 'used_bytes': 2457600, 'available_bytes': 1433600, 'free_bytes': 1638400,
        'inodes': {'total': 500, 'used': 300, 'free': 200, 'available': 190}}


@pytest.mark.parametrize('fsid, mount, fs_uuid, expected', [
    (7, None, 'ABCD-1234', ('abcd-1234', 'filesystem-uuid')),
    (0x1234abcd, None, None, ('fsid-000000001234abcd', 'filesystem-id')),
    (0, {'fstype': 'tmpfs', 'source': 'tmpfs'}, None, ('mount-tmpfs-tmpfs', 'mount-source')),
    (0, None, None, ('unknown', 'none')),
])
def test_filesystem_identity(fsid, mount, fs_uuid, expected):
    assert ls.filesystem_identity(FakeStatvfs(fsid), mount, fs_uuid) == expected


@pytest.mark.parametrize('value, expected', [
    (None, {'layout': None, 'layout_mode': None}),
    ('simfs', {'layout': 'simfs', 'layout_mode': None}),
    ('ploop:expanded', {'layout': 'ploop', 'layout_mode': 'expanded'}),
])
def test_layout_report(value, expected):
    assert ls.layout_report({'VE_LAYOUT': value} if value else {}) == expected


def _device_of(path):
    number = os.stat(path).st_dev
    return os.major(number), os.minor(number)


@pytest.fixture
def host_tree(tmp_path):
    """legacy-centos6 fixture copied under tmp, with /vz content and a mountinfo for tmp's device."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(FIXTURES, 'legacy-centos6'), str(root))
    cache = root / 'vz' / 'template' / 'cache'
    cache.mkdir(parents=True)
    (cache / 'centos-6-x86_64.tar.gz').write_bytes(b'x' * 10000)
    (cache / 'debian-7.0-x86_64.tar').write_bytes(b'y' * 5000)
    (cache / '.openvz-cloud.tpl.1.a.part').write_bytes(b'z' * 100)
    private = root / 'vz' / 'private'
    (private / '101' / 'etc').mkdir(parents=True)
    (private / '101' / 'etc' / 'hostname').write_bytes(b'a' * 8192)
    os.link(str(private / '101' / 'etc' / 'hostname'), str(private / '101' / 'etc' / 'hardlink'))
    (private / '102' / 'root.hdd').mkdir(parents=True)
    (private / '102' / 'root.hdd' / 'root.hdd').write_bytes(b'b' * 40960)
    major, minor = _device_of(str(root))
    (root / 'proc' / 'self' / 'mountinfo').write_text(
        u'27 1 %d:%d / / rw,relatime - ext4 /dev/vdz rw\n' % (major, minor))
    return root


def test_collect_on_fixture_tree(host_tree):
    host = HostRoot(str(host_tree))
    report = ls.collect(host)
    assert report['path'] == '/vz' and report['path_source'] == 'vz.conf VE_PRIVATE'
    assert report['type'] == 'Filesystem'
    assert report['filesystem_type'] == 'ext4' and report['mount_point'] == '/' and report['device'] == '/dev/vdz'
    assert report['layout'] == 'ploop' and report['layout_mode'] is None
    assert report['private_dir'] == '/vz/private'
    assert report['template_cache_dir'] == '/vz/template/cache'
    assert (report['template_cache_bytes'], report['template_count']) == (15000, 2)
    assert report['container_count'] == 2
    expected_usage = sum(os.lstat(str(path)).st_blocks * 512 for path in [
        host_tree / 'vz/private/101', host_tree / 'vz/private/101/etc', host_tree / 'vz/private/101/etc/hostname',
        host_tree / 'vz/private/102', host_tree / 'vz/private/102/root.hdd',
        host_tree / 'vz/private/102/root.hdd/root.hdd'])
    assert report['containers_bytes'] == expected_usage
    statvfs = os.statvfs(str(host_tree / 'vz'))
    assert report['capacity_bytes'] == statvfs.f_blocks * statvfs.f_frsize
    assert ls.collect(host)['uuid'] == report['uuid']


def test_collect_falls_back_to_blkid(host_tree):
    host = HostRoot(str(host_tree))
    calls = []

    def blkid(device):
        calls.append(device)
        return '11111111-2222-3333-4444-555555555555'
    report = ls.collect(host, blkid=blkid)
    assert calls == ['/dev/vdz'] and report['uuid_source'] == 'filesystem-uuid'
    assert report['uuid'] == ls.pool_uuid('11111111-2222-3333-4444-555555555555', '/vz')


def test_machine_id_separates_clones_of_one_image(host_tree):
    fs_uuid = '11111111-2222-3333-4444-555555555555'
    (host_tree / 'etc').mkdir(exist_ok=True)
    (host_tree / 'etc' / 'machine-id').write_text(u'042FEAA2D4194A05A0588D65CA40EC30\n')
    first = ls.collect(HostRoot(str(host_tree)), blkid=lambda device: fs_uuid)
    assert first['machine_id'] == '042feaa2d4194a05a0588d65ca40ec30'
    assert first['uuid'] == ls.pool_uuid(fs_uuid, '/vz', '042feaa2d4194a05a0588d65ca40ec30')
    assert first['uuid'] != ls.pool_uuid(fs_uuid, '/vz')
    (host_tree / 'etc' / 'machine-id').write_text(u'9f1c2b3a4d5e6f708192a3b4c5d6e7f8\n')
    clone = ls.collect(HostRoot(str(host_tree)), blkid=lambda device: fs_uuid)
    assert clone['uuid'] != first['uuid'] and clone['filesystem_uuid'] == first['filesystem_uuid']


@pytest.mark.parametrize('content', [u'', u'uninitialized\n', u'not-a-machine-id'])
def test_unusable_machine_id_is_left_out(host_tree, content):
    (host_tree / 'etc').mkdir(exist_ok=True)
    (host_tree / 'etc' / 'machine-id').write_text(content)
    report = ls.collect(HostRoot(str(host_tree)), blkid=lambda device: '11111111-2222-3333-4444-555555555555')
    assert report['machine_id'] is None
    assert report['uuid'] == ls.pool_uuid('11111111-2222-3333-4444-555555555555', '/vz')


def test_filesystem_uuid_from_links(tmp_path, monkeypatch):
    links = tmp_path / 'by-uuid'
    links.mkdir()
    (links / 'C0FFEE00-1111').write_text(u'')
    (links / 'DEAD-BEEF').write_text(u'')

    class Node(object):
        def __init__(self, rdev):
            self.st_rdev = rdev
    devices = {'C0FFEE00-1111': os.makedev(8, 1), 'DEAD-BEEF': os.makedev(8, 17)}
    monkeypatch.setattr(ls.os, 'stat', lambda path: Node(devices[os.path.basename(path)]))
    assert ls.filesystem_uuid_from_links(str(links), 8, 17) == 'DEAD-BEEF'
    assert ls.filesystem_uuid_from_links(str(links), 8, 2) is None
    assert ls.filesystem_uuid_from_links(str(tmp_path / 'missing'), 8, 17) is None


def test_collect_with_path_option_and_custom_vz_conf(host_tree):
    shutil.copy(os.path.join(FIXTURES, 'custom', 'vz.conf'), str(host_tree / 'etc' / 'vz' / 'custom.conf'))
    (host_tree / 'srv' / 'vz' / 'template' / 'cache').mkdir(parents=True)
    report = ls.collect(HostRoot(str(host_tree)), vz_conf='/etc/vz/custom.conf', include_usage=False)
    assert report['path'] == '/srv/vz' and report['layout'] == 'ploop' and report['layout_mode'] == 'expanded'
    assert report['template_cache_dir'] == '/srv/vz/template/cache' and report['template_cache_bytes'] == 0
    assert report['containers_bytes'] is None
    report = ls.collect(HostRoot(str(host_tree)), path='/vz/template')
    assert report['path'] == '/vz/template' and report['path_source'] == 'option'


def test_collect_without_vz_conf_defaults_to_vz(tmp_path):
    (tmp_path / 'vz').mkdir()
    report = ls.collect(HostRoot(str(tmp_path)))
    assert report['path'] == '/vz' and report['path_source'] == 'default' and report['container_count'] == 0


def test_collect_missing_path_raises(tmp_path):
    with pytest.raises(OSError):
        ls.collect(HostRoot(str(tmp_path)))


def test_container_private_areas_honour_per_container_private(host_tree):
    (host_tree / 'etc' / 'vz' / 'conf' / '103.conf').write_text(u'VE_PRIVATE="/data/ct/$VEID"\n')
    areas = ls.container_private_areas(HostRoot(str(host_tree)), {'VE_PRIVATE': '/vz/private/$VEID'})
    assert areas == {'101': '/vz/private/101', '102': '/vz/private/102', '103': '/data/ct/103'}


def test_disk_usage_missing_path(tmp_path):
    assert ls.disk_usage(str(tmp_path / 'missing')) == 0
