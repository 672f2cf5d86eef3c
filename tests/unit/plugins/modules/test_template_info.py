"""template_info module: the cache as each OpenVZ line sees it, exact commands, failures."""

import errno
import hashlib
import json
import os
import sys

import pytest
import yaml

from ansible_collections.openvz.cloud.plugins.module_utils._templates import info
from ansible_collections.openvz.cloud.plugins.modules import template_info

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, run_legacy, run_module  # noqa: E402  pylint: disable=wrong-import-position

VZPKG_LIST = ['/usr/sbin/vzpkg', 'list', '-O', '--cached']
# A 7/9 host: prlctl and vzpkg installed (the harness finds every binary in /usr/sbin).
VZ7_HOST_MISSING = ()


@pytest.fixture
def vz(tmp_path):
    """A host whose vz.conf puts TEMPLATE in a temporary directory; returns (vz.conf, cache)."""
    template = tmp_path / 'vz' / 'template'
    (template / 'cache').mkdir(parents=True)
    conf = tmp_path / 'vz.conf'
    conf.write_text(u'TEMPLATE="%s"\n' % template)
    return str(conf), template / 'cache'


def put(cache, files):
    """Cache files name -> size in bytes (content: the name repeated)."""
    for name, size in files.items():
        data = (name.encode('utf-8') * (size // len(name) + 1))[:size]
        (cache / name).write_bytes(data)
        os.utime(str(cache / name), (1700000000, 1700000000))


def by_file(result):
    return dict((entry['file'], entry) for entry in result['templates'])


def summary(result, *keys):
    return dict((entry['file'], tuple(entry[key] for key in keys)) for entry in result['templates'])


def test_legacy_host_reads_the_directory_only(monkeypatch, capsys, vz):
    conf, cache = vz
    put(cache, {'centos-7-x86_64.tar.gz': 1000, 'centos-7-x86_64.tar.xz': 900, 'debian-7.0-x86_64-minimal.tar': 700,
                'c++dev-1.0-x86.tar.bz2': 50, 'centos-7-x86_64.plain.ploopv2.tar.lz4': 1200,
                '.openvz-cloud.centos-7-x86_64.4242.x.part': 10, 'old.plain.ploopv2.tar.lz4-old': 10, 'README': 3})
    (cache / 'not-a-file.tar.gz').mkdir()
    expect = Expect([])
    result = run_legacy(monkeypatch, capsys, template_info, {'vz_conf': conf}, expect)
    expect.assert_done()
    assert result['changed'] is False and result['backend'] == 'legacy'
    assert result['cache_dir'] == str(cache) and result['os_templates'] == []
    assert [entry['file'] for entry in result['templates']] == [
        'c++dev-1.0-x86.tar.bz2', 'centos-7-x86_64.plain.ploopv2.tar.lz4', 'centos-7-x86_64.tar.gz',
        'centos-7-x86_64.tar.xz', 'debian-7.0-x86_64-minimal.tar']
    assert summary(result, 'name', 'layouts', 'shadowed_by') == {
        'c++dev-1.0-x86.tar.bz2': ('c++dev-1.0-x86', ['ploop', 'simfs'], None),
        'centos-7-x86_64.plain.ploopv2.tar.lz4': ('centos-7-x86_64.plain.ploopv2', [], None),
        'centos-7-x86_64.tar.gz': ('centos-7-x86_64', ['ploop', 'simfs'], None),
        'centos-7-x86_64.tar.xz': ('centos-7-x86_64', [], 'centos-7-x86_64.tar.gz'),
        'debian-7.0-x86_64-minimal.tar': ('debian-7.0-x86_64-minimal', ['ploop', 'simfs'], None)}
    assert by_file(result)['centos-7-x86_64.tar.gz'] == {
        'name': 'centos-7-x86_64', 'file': 'centos-7-x86_64.tar.gz',
        'path': str(cache / 'centos-7-x86_64.tar.gz'), 'format': 'tar.gz', 'compression': 'gzip',
        'kind': 'precreated', 'fstype': None, 'image': None, 'layouts': ['ploop', 'simfs'],
        'shadowed_by': None, 'size': 1000, 'mtime': 1700000000.0, 'os_template': None,
        'vzpkg_cached': False, 'checksum': None, 'checksum_source': None}
    # what a template carries is what RETURN documents, and the other way round
    documented = yaml.safe_load(template_info.RETURN)
    # (warnings: other tests' warnings stay in ansible's module-global list)
    assert set(documented) == set(result) - {'changed', 'invocation', 'warnings', 'deprecations'}
    assert set(documented['templates']['contains']) == set(result['templates'][0])


VZ7_FILES = {
    'centos-7-x86_64.plain.ploopv2.tar.lz4': 4000, 'centos-7-x86_64.plain.ploopv2.tar.gz': 5000,
    'centos-7-x86_64.plain.ploop.tar.lz4': 4100, 'centos-7-x86_64.plain.tar.lz4': 3000,
    'centos-7-x86_64.tar.gz': 2000, 'centos-7-x86_64.tar.xz': 1900,
    'almalinux-9-x86_64.xfs.ploopv2.tar.lz4': 6000, 'orphan-1-x86_64.plain.ploopv2.tar.lz4': 100,
    'a-very-long-template-name-1.0-x86_64.plain.ploopv2.tar.lz4': 70,
}
VZPKG_OUT = ('almalinux-9-x86_64                 2024-05-02 10:00:00\n'
             'a-very-long-template-name-1.0-x86_64 2024-05-03 10:00:00\n'
             'centos-7-x86_64                    2024-05-01 12:00:00\n')


def test_vz7_host_one_vzpkg_call(monkeypatch, capsys, vz):
    conf, cache = vz
    put(cache, VZ7_FILES)
    expect = Expect([(VZPKG_LIST, (0, VZPKG_OUT, ''))])
    result = run_module(monkeypatch, capsys, template_info, {'vz_conf': conf}, expect, missing_bins=VZ7_HOST_MISSING)
    expect.assert_done()
    assert result['changed'] is False and result['backend'] == 'vz7'
    assert summary(result, 'name', 'kind', 'layouts', 'shadowed_by', 'os_template', 'vzpkg_cached') == {
        'a-very-long-template-name-1.0-x86_64.plain.ploopv2.tar.lz4': (
            'a-very-long-template-name-1.0-x86_64', 'ez', ['ploop'], None, 'a-very-long-template-name-1.0-x86_64', True),
        'almalinux-9-x86_64.xfs.ploopv2.tar.lz4': ('almalinux-9-x86_64', 'ez', ['ploop'], None, 'almalinux-9-x86_64', True),
        'centos-7-x86_64.plain.ploop.tar.lz4': (
            'centos-7-x86_64', 'ez', [], 'centos-7-x86_64.plain.ploopv2.tar.lz4', 'centos-7-x86_64', True),
        'centos-7-x86_64.plain.ploopv2.tar.gz': (
            'centos-7-x86_64', 'ez', [], 'centos-7-x86_64.plain.ploopv2.tar.lz4', 'centos-7-x86_64', True),
        'centos-7-x86_64.plain.ploopv2.tar.lz4': ('centos-7-x86_64', 'ez', ['ploop'], None, 'centos-7-x86_64', True),
        'centos-7-x86_64.plain.tar.lz4': ('centos-7-x86_64', 'ez', ['simfs'], None, 'centos-7-x86_64', True),
        # a precreated cache of the same name is not vztt's cache; vzctl 7 unpacks gz, not xz
        'centos-7-x86_64.tar.gz': ('centos-7-x86_64', 'precreated', ['simfs'], None, None, False),
        'centos-7-x86_64.tar.xz': ('centos-7-x86_64', 'precreated', [], None, None, False),
        # a cache whose OS template vzpkg does not list
        'orphan-1-x86_64.plain.ploopv2.tar.lz4': ('orphan-1-x86_64', 'ez', ['ploop'], None, None, False),
    }
    ez = by_file(result)['almalinux-9-x86_64.xfs.ploopv2.tar.lz4']
    assert (ez['format'], ez['compression'], ez['fstype'], ez['image'], ez['size']) == ('tar.lz4', 'lz4', 'xfs', 'ploopv2', 6000)
    assert result['os_templates'] == [
        {'name': 'almalinux-9-x86_64', 'cache_time': '2024-05-02 10:00:00',
         'files': ['almalinux-9-x86_64.xfs.ploopv2.tar.lz4']},
        {'name': 'a-very-long-template-name-1.0-x86_64', 'cache_time': '2024-05-03 10:00:00',
         'files': ['a-very-long-template-name-1.0-x86_64.plain.ploopv2.tar.lz4']},
        {'name': 'centos-7-x86_64', 'cache_time': '2024-05-01 12:00:00',
         'files': ['centos-7-x86_64.plain.ploop.tar.lz4', 'centos-7-x86_64.plain.ploopv2.tar.gz',
                   'centos-7-x86_64.plain.ploopv2.tar.lz4', 'centos-7-x86_64.plain.tar.lz4']}]
    documented = yaml.safe_load(template_info.RETURN)['os_templates']['contains']
    assert set(documented) == set(result['os_templates'][0])


def test_name_patterns_filter_templates_and_os_templates(monkeypatch, capsys, vz):
    conf, cache = vz
    put(cache, VZ7_FILES)
    expect = Expect([(VZPKG_LIST, (0, VZPKG_OUT, ''))])
    result = run_module(monkeypatch, capsys, template_info, {'vz_conf': conf, 'name': ['alma*', '*.tar.xz']},
                        expect, missing_bins=VZ7_HOST_MISSING, check_mode=True)
    expect.assert_done()
    assert result['changed'] is False
    assert sorted(by_file(result)) == ['almalinux-9-x86_64.xfs.ploopv2.tar.lz4', 'centos-7-x86_64.tar.xz']
    assert [entry['name'] for entry in result['os_templates']] == ['almalinux-9-x86_64']


def test_vzpkg_failure_fails_with_the_command(monkeypatch, capsys, vz):
    conf, cache = vz
    put(cache, {'centos-7-x86_64.plain.ploopv2.tar.lz4': 10})
    err = 'Error: Unable to read metadata of centos-7-x86_64\n'
    expect = Expect([(VZPKG_LIST, (1, '', err))])
    result = run_module(monkeypatch, capsys, template_info, {'vz_conf': conf}, expect, missing_bins=VZ7_HOST_MISSING)
    expect.assert_done()
    assert result['failed'] is True and 'exception' not in result
    assert result['msg'] == 'vzpkg list -O failed with rc 1: Error: Unable to read metadata of centos-7-x86_64'
    assert (result['cmd'], result['rc'], result['stdout'], result['stderr']) == (VZPKG_LIST, 1, '', err)


def test_vz7_forced_without_vzpkg(monkeypatch, capsys, vz):
    conf, _cache = vz
    result = run_legacy(monkeypatch, capsys, template_info, {'vz_conf': conf, 'backend': 'vz7'}, Expect([]),
                        missing_bins=('prlctl', 'vzpkg'))
    assert result['failed'] is True and result['msg'].startswith('vzpkg was not found on the host')


@pytest.mark.parametrize('missing_bins, expect, backend', [
    (('prlctl',), [], 'legacy'),
    (VZ7_HOST_MISSING, [(VZPKG_LIST, (0, '', ''))], 'vz7'),
])
def test_empty_cache(monkeypatch, capsys, vz, missing_bins, expect, backend):
    conf, _cache = vz
    expect = Expect(expect)
    result = run_module(monkeypatch, capsys, template_info, {'vz_conf': conf}, expect, missing_bins=missing_bins)
    expect.assert_done()
    assert (result['backend'], result['templates'], result['os_templates']) == (backend, [], [])


@pytest.mark.skipif(os.path.exists('/vz/template/cache'), reason='this machine has a /vz/template/cache')
def test_default_cache_dir_from_a_missing_vz_conf(monkeypatch, capsys, tmp_path):
    result = run_legacy(monkeypatch, capsys, template_info, {'vz_conf': str(tmp_path / 'none.conf')}, Expect([]))
    assert result['failed'] is True
    assert result['msg'] == ('Cannot read the template cache directory /vz/template/cache: No such file or '
                             'directory (set TEMPLATE in vz.conf or give cache_dir)')


def test_unreadable_cache_dir_fails_clearly(monkeypatch, capsys, vz):
    _conf, cache = vz
    real_listdir = os.listdir

    def listdir(path):
        if path == str(cache):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_listdir(path)
    monkeypatch.setattr(info.os, 'listdir', listdir)
    result = run_legacy(monkeypatch, capsys, template_info, {'cache_dir': str(cache)}, Expect([]))
    assert result['failed'] is True and 'exception' not in result
    assert result['msg'] == 'Cannot read the template cache directory %s: Permission denied' % cache


def test_cache_dir_that_is_a_file(monkeypatch, capsys, tmp_path):
    (tmp_path / 'cache').write_text(u'')
    result = run_legacy(monkeypatch, capsys, template_info, {'cache_dir': str(tmp_path / 'cache')}, Expect([]))
    assert result['msg'] == 'Cannot read the template cache directory %s: Not a directory' % (tmp_path / 'cache')


def test_checksums_read_or_recorded(monkeypatch, capsys, vz):
    conf, cache = vz
    put(cache, {'centos-7-x86_64.tar.gz': 3000, 'debian-12-x86_64.tar.xz': 100})
    record_dir = cache.parent / '.openvz-cloud'
    record_dir.mkdir()
    stat = os.stat(str(cache / 'centos-7-x86_64.tar.gz'))
    record = {'name': 'centos-7-x86_64', 'file': 'centos-7-x86_64.tar.gz', 'size': 3000,
              'mtime_ns': stat.st_mtime_ns, 'checksum': 'sha256:' + 'a' * 64}
    (record_dir / 'centos-7-x86_64.json').write_text(json.dumps(record))
    # a record of another size is not this file's
    (record_dir / 'debian-12-x86_64.json').write_text(json.dumps(dict(
        record, name='debian-12-x86_64', file='debian-12-x86_64.tar.xz', size=99)))
    result = run_legacy(monkeypatch, capsys, template_info, {'vz_conf': conf}, Expect([]))
    assert summary(result, 'checksum', 'checksum_source') == {
        'centos-7-x86_64.tar.gz': ('sha256:' + 'a' * 64, 'record'), 'debian-12-x86_64.tar.xz': (None, None)}
    result = run_legacy(monkeypatch, capsys, template_info,
                        {'vz_conf': conf, 'get_checksum': True, 'checksum_algorithm': 'md5'}, Expect([]))
    digest = hashlib.md5((cache / 'centos-7-x86_64.tar.gz').read_bytes()).hexdigest()
    assert by_file(result)['centos-7-x86_64.tar.gz']['checksum'] == 'md5:' + digest
    assert set(entry['checksum_source'] for entry in result['templates']) == {'read'}
