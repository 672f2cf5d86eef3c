"""template_info's library: cache names, layouts per OpenVZ line, the vzpkg listing."""

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._templates import info


@pytest.mark.parametrize('filename, expected', [
    # legacy precreated caches (openvz-cli.md section 5)
    ('centos-7-x86_64-minimal.tar.gz', ('precreated', 'centos-7-x86_64-minimal', None, None, '.tar.gz')),
    ('debian-7.0-x86_64-minimal.tar', ('precreated', 'debian-7.0-x86_64-minimal', None, None, '.tar')),
    ('ubuntu-14.04-x86_64.tar.bz2', ('precreated', 'ubuntu-14.04-x86_64', None, None, '.tar.bz2')),
    ('g++-toolbox_1.0-x86.tar.xz', ('precreated', 'g++-toolbox_1.0-x86', None, None, '.tar.xz')),
    # EZ caches of OpenVZ 7 (vztt tmpl_get_cache_tar_name: <os>.plain[.ploopv2|.ploop].tar.<archiver>)
    ('centos-7-x86_64.plain.ploopv2.tar.lz4', ('ez', 'centos-7-x86_64', 'plain', 'ploopv2', '.tar.lz4')),
    ('centos-7-x86_64.plain.ploop.tar.lzrw', ('ez', 'centos-7-x86_64', 'plain', 'ploop', '.tar.lzrw')),
    ('centos-7-x86_64.plain.ploopv2.tar.gz', ('ez', 'centos-7-x86_64', 'plain', 'ploopv2', '.tar.gz')),
    ('centos-7-x86_64.plain.tar.lz4', ('ez', 'centos-7-x86_64', 'plain', None, '.tar.lz4')),
    # OpenVZ 9: the file system instead of plain, qcow2 images
    ('almalinux-9-x86_64.xfs.ploopv2.tar.lz4', ('ez', 'almalinux-9-x86_64', 'xfs', 'ploopv2', '.tar.lz4')),
    ('almalinux-9-x86_64.ext4.qcow2.tar.lz4', ('ez', 'almalinux-9-x86_64', 'ext4', 'qcow2', '.tar.lz4')),
    # a marker only counts before a vztt archiver and at the end of the stem
    ('centos-7-x86_64.plain.ploopv2.tar.xz', ('precreated', 'centos-7-x86_64.plain.ploopv2', None, None, '.tar.xz')),
    ('my.plain.tpl.tar.gz', ('precreated', 'my.plain.tpl', None, None, '.tar.gz')),
    ('plain.tar.lz4', ('precreated', 'plain', None, None, '.tar.lz4')),
    ('.tar.gz', None),
    # not caches: partial copies, vzpkg's -old copies, other files
    ('.openvz-cloud.centos-7.4242.abcd.part', None),
    ('.cache-x1y2', None),
    ('centos-7-x86_64.plain.ploopv2.tar.lz4-old', None),
    ('README', None),
    ('centos-7-x86_64.zip', None),
])
def test_split_cache_name(filename, expected):
    assert info.split_cache_name(filename) == expected


def test_parse_vzpkg_os_list():
    # vztt print_os_tmpl_record: name padded to column 34, a space, the cache time; a longer
    # name gets the space only; -O without --cached shows uncached templates with no time.
    stdout = ('centos-7-x86_64                    2024-05-01 12:00:00\n'
              'a-very-long-template-name-1.0-x86_64 2023-01-02 03:04:05\n'
              'other-2-x86_64                     \n'
              '\n')
    assert info.parse_vzpkg_os_list(stdout) == [
        {'name': 'centos-7-x86_64', 'cache_time': '2024-05-01 12:00:00'},
        {'name': 'a-very-long-template-name-1.0-x86_64', 'cache_time': '2023-01-02 03:04:05'},
        {'name': 'other-2-x86_64', 'cache_time': None},
    ]
    assert info.parse_vzpkg_os_list('') == []


def _entry(filename):
    kind, name, fstype, image, suffix = info.split_cache_name(filename)
    return {'kind': kind, 'name': name, 'fstype': fstype, 'image': image, 'file': filename,
            'format_suffix': suffix}


@pytest.mark.parametrize('filename, legacy, vz7', [
    ('centos-6-x86.tar.gz', ['ploop', 'simfs'], ['simfs']),
    ('centos-6-x86.tar', ['ploop', 'simfs'], []),
    ('centos-6-x86.tar.bz2', ['ploop', 'simfs'], []),
    ('centos-6-x86.tar.xz', ['ploop', 'simfs'], []),
    ('centos-6-x86.tar.lz4', [], ['simfs']),
    ('centos-7-x86_64.plain.ploopv2.tar.lz4', [], ['ploop']),
    ('centos-7-x86_64.plain.ploopv2.tar.gz', [], ['ploop']),
    ('centos-7-x86_64.plain.tar.lz4', [], ['simfs']),
    ('centos-7-x86_64.plain.tar.gz', ['ploop', 'simfs'], ['simfs']),
    ('almalinux-9-x86_64.ext4.qcow2.tar.lz4', [], ['ploop']),
    # libvzctl is_ploop_cache reads the name only: this root tree would land in a ploop image
    ('my.ploop-test.tar.gz', [], []),
])
def test_layouts_per_line(filename, legacy, vz7):
    assert info.legacy_lookup(_entry(filename))[0] == legacy
    assert info.vz7_lookup(_entry(filename))[0] == vz7


def test_shadowing_follows_each_lookup_order():
    names = ['t.tar.xz', 't.tar.gz', 't.tar', 'u.tar.bz2',
             't.plain.ploop.tar.lz4', 't.plain.ploopv2.tar.gz', 't.plain.ploopv2.tar.lzrw',
             't.plain.tar.gz', 't.plain.tar.lz4']
    legacy = [_entry(name) for name in names]
    info._mark_shadowed(legacy, info.legacy_lookup)
    shadowed = dict((entry['file'], entry['shadowed_by']) for entry in legacy)
    assert shadowed['t.tar.xz'] == 't.tar' and shadowed['t.tar.gz'] == 't.tar' and shadowed['t.tar'] is None
    assert shadowed['u.tar.bz2'] is None and shadowed['t.plain.tar.gz'] is None
    vz7 = [_entry(name) for name in names]
    info._mark_shadowed(vz7, info.vz7_lookup)
    shadowed = dict((entry['file'], entry['shadowed_by']) for entry in vz7)
    # ploopv2 before ploop, lz4 before lzrw before gz; simfs caches apart; precreated never
    assert shadowed == {
        't.tar.xz': None, 't.tar.gz': None, 't.tar': None, 'u.tar.bz2': None,
        't.plain.ploop.tar.lz4': 't.plain.ploopv2.tar.lzrw',
        't.plain.ploopv2.tar.gz': 't.plain.ploopv2.tar.lzrw',
        't.plain.ploopv2.tar.lzrw': None,
        't.plain.tar.gz': 't.plain.tar.lz4', 't.plain.tar.lz4': None}
    assert [entry['layouts'] for entry in vz7 if entry['shadowed_by']] == [[], [], []]
