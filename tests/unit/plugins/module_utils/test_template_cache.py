"""_templates: names, archive detection, checksums and the safe install flow."""

import bz2
import errno
import gzip
import hashlib
import io
import json
import lzma
import os
import tarfile

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._templates import archive, cache as tcache, copy


def make_tar(files=None):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        for name, data in (files or {'etc/os-release': b'NAME="Test"\n', 'bin/sh': b'\x7fELF' + b'x' * 3000}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def v7_tar(data):
    """The same archive with the ustar magic removed and the header checksum recomputed."""
    header = bytearray(data[:512])
    header[257:265] = b'\x00' * 8
    header[148:156] = b' ' * 8
    header[148:156] = ('%06o\x00 ' % sum(header)).encode('ascii')
    return bytes(header) + data[512:]


TAR = make_tar()
COMPRESSED = {
    '.tar': TAR,
    '.tar.gz': gzip.compress(TAR),
    '.tar.bz2': bz2.compress(TAR),
    '.tar.xz': lzma.compress(TAR),
}


def sha256(data):
    return 'sha256:' + hashlib.sha256(data).hexdigest()


@pytest.fixture
def cache(tmp_path):
    (tmp_path / 'template' / 'cache').mkdir(parents=True)
    return tcache.TemplateCache(str(tmp_path / 'template' / 'cache'))


def write_src(tmp_path, data, name='src.bin'):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# ---- names, archive types, checksums -----------------------------------------

@pytest.mark.parametrize('name', ['centos-7-x86_64', 'debian-12.0-x86_64-minimal', 'a', 'A_b.c-1'])
def test_valid_names(name):
    archive.validate_name(name)


@pytest.mark.parametrize('name, fragment', [
    ('', 'use a template name'), ('a/b', "without '/'"), ('../etc', "without '/' or '..'"),
    ('a b', 'use a template name'), ('a..b', "or '..'"), ('.hidden', "not starting with '.'"),
    ('-rf', "not starting with '.' or '-'"), (u'caf\u00e9', 'use a template name'),
    ('centos-7.tar.gz', 'without .tar.gz'), ('centos-7.tar', 'without .tar'),
    ('centos-7.tar.lz4', 'without .tar.lz4'),
])
def test_invalid_names(name, fragment):
    with pytest.raises(archive.TemplateError) as error:
        archive.validate_name(name)
    assert fragment in str(error.value)


@pytest.mark.parametrize('suffix', sorted(COMPRESSED))
def test_archive_suffix_by_magic(suffix):
    assert archive.archive_suffix(COMPRESSED[suffix][:512]) == suffix


def test_archive_suffix_v7_tar_without_magic():
    assert archive.archive_suffix(v7_tar(TAR)[:512]) == '.tar'


@pytest.mark.parametrize('head, fragment', [
    (b'\x28\xb5\x2f\xfd' + b'\x00' * 600, 'zstd'),
    (b'PK\x03\x04' + b'\x00' * 600, 'zip'),
    (b'hello world' * 100, 'not a tar archive'),
    (b'', 'not a tar archive'),
    (b'\x00' * 512, 'not a tar archive'),
])
def test_archive_suffix_refuses_other_content(head, fragment):
    with pytest.raises(archive.TemplateError) as error:
        archive.archive_suffix(head)
    assert fragment in str(error.value)


MD5 = 'd41d8cd98f00b204e9800998ecf8427e'
SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


@pytest.mark.parametrize('text, expected', [
    ('sha256:' + SHA256, ('sha256', SHA256)),
    ('SHA256:' + SHA256.upper(), ('sha256', SHA256)),
    ('{SHA-256}' + SHA256, ('sha256', SHA256)),
    ('md5:' + MD5, ('md5', MD5)),
    ('{MD5}' + MD5, ('md5', MD5)),
    (MD5, ('md5', MD5)),
    ('  ' + MD5 + '\n', ('md5', MD5)),
    ('{SHA-1}da39a3ee5e6b4b0d3255bfef95601890afd80709', ('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')),
])
def test_parse_checksum(text, expected):
    assert archive.parse_checksum(text) == expected


@pytest.mark.parametrize('text, fragment', [
    ('crc32:1234', 'Unsupported checksum algorithm'),
    ('sha256:' + MD5, '64-digit hex sha256'),
    (SHA256, '32-digit hex md5'),
    ('md5:zz' + MD5[2:], '32-digit hex md5'),
])
def test_parse_checksum_refuses(text, fragment):
    with pytest.raises(archive.TemplateError) as error:
        archive.parse_checksum(text)
    assert fragment in str(error.value)


# ---- install ---------------------------------------------------------------------

def present(cache, name, src=None, checksum=None, force=False, check_mode=False, opener=None):
    source = copy.Source(src, opener=opener) if src else None
    return tcache.ensure_present(cache, tcache.TemplateRequest(name, src, checksum, force), source, check_mode)


def cache_entries(cache):
    return sorted(os.listdir(cache.cache_dir))


@pytest.mark.parametrize('suffix', sorted(COMPRESSED))
def test_install_lands_byte_for_byte_under_content_suffix(cache, tmp_path, suffix):
    data = COMPRESSED[suffix]
    src = write_src(tmp_path, data, 'upload.tar.gz')  # the source name does not decide the suffix
    result = present(cache, 'centos-7-x86_64', src, sha256(data))
    assert result['changed']
    assert cache_entries(cache) == ['centos-7-x86_64' + suffix]
    with open(os.path.join(cache.cache_dir, 'centos-7-x86_64' + suffix), 'rb') as handle:
        assert handle.read() == data
    assert result['template']['checksum'] == sha256(data)
    assert result['template']['format'] == suffix[1:]
    record = json.loads((tmp_path / 'template' / '.openvz-cloud' / 'centos-7-x86_64.json').read_text())
    assert record['size'] == len(data) and record['checksum'] == sha256(data) and record['src'] == src
    assert oct(os.stat(result['template']['path']).st_mode & 0o777) == '0o644'


# An lz4 frame's magic ahead of other bytes: the module sniffs, it never unpacks.
LZ4_FRAME = b'\x04\x22\x4d\x18' + b'\x64\x40\xa7' + TAR


@pytest.mark.parametrize('name, data, suffix', [
    ('centos-7-x86_64.plain.ploopv2', LZ4_FRAME, '.tar.lz4'),
    ('centos-7-x86_64.plain', LZ4_FRAME, '.tar.lz4'),
    ('centos-7-x86_64.ext4.ploop', COMPRESSED['.tar.gz'], '.tar.gz'),
])
def test_ez_cache_lands_under_its_real_name(cache, tmp_path, name, data, suffix):
    result = present(cache, name, write_src(tmp_path, data), sha256(data))
    assert result['changed'] and cache_entries(cache) == [name + suffix]
    with open(os.path.join(cache.cache_dir, name + suffix), 'rb') as handle:
        assert handle.read() == data
    assert result['diff']['after']['file'] == name + suffix
    assert present(cache, name, write_src(tmp_path, data), sha256(data))['changed'] is False


@pytest.mark.parametrize('name, data, fragment', [
    ('centos-7-x86_64', LZ4_FRAME, 'name it as the cache it is'),
    ('centos-7-x86_64.plain.ploopv2', COMPRESSED['.tar.xz'], 'not a lz4 or gzip compressed tar'),
    ('centos-7-x86_64.plain', TAR, 'OpenVZ 7/9 unpacks EZ caches of those two only'),
])
def test_archive_that_the_line_cannot_unpack_is_refused(cache, tmp_path, name, data, fragment):
    with pytest.raises(archive.TemplateError) as error:
        present(cache, name, write_src(tmp_path, data), sha256(data))
    assert fragment in str(error.value)
    assert cache_entries(cache) == []


def test_second_run_reads_no_template_bytes(cache, tmp_path, monkeypatch):
    src = write_src(tmp_path, COMPRESSED['.tar.gz'])
    present(cache, 'tpl', src, sha256(COMPRESSED['.tar.gz']))

    def no_reads(*args, **kwargs):
        raise AssertionError('template bytes were read')
    monkeypatch.setattr(tcache, 'file_digest', no_reads)
    monkeypatch.setattr(copy.Source, 'open', no_reads)
    for checksum in (sha256(COMPRESSED['.tar.gz']), None):
        result = present(cache, 'tpl', src, checksum)
        assert not result['changed'] and result['actions'] == []
        assert result['diff']['before'] == result['diff']['after']


def test_checksum_mismatch_installs_nothing(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src, 'sha256:' + SHA256)
    assert 'Checksum mismatch' in str(error.value) and 'nothing was installed' in str(error.value)
    assert cache_entries(cache) == []


def test_checksum_mismatch_keeps_the_old_template(cache, tmp_path):
    old = COMPRESSED['.tar.xz']
    present(cache, 'tpl', write_src(tmp_path, old, 'old'), sha256(old))
    with pytest.raises(archive.TemplateError):
        present(cache, 'tpl', write_src(tmp_path, TAR, 'new'), 'md5:' + MD5)
    assert cache_entries(cache) == ['tpl.tar.xz']
    assert (tmp_path / 'template' / 'cache' / 'tpl.tar.xz').read_bytes() == old


class FullDisk(object):
    """A file object that accepts ``room`` bytes, then fails as a full disk does."""

    def __init__(self, real, room):
        self.real = real
        self.room = room

    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def test_full_disk_during_download_leaves_nothing(cache, monkeypatch):
    data = gzip.compress(TAR) + os.urandom(3 * archive.CHUNK_SIZE)
    real_fdopen = os.fdopen
    monkeypatch.setattr(copy.os, 'fdopen', lambda fd, mode: FullDisk(real_fdopen(fd, mode), archive.CHUNK_SIZE))
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', 'http://templates.example.org/t.tar.gz', opener=lambda url, **kw: FakeResponse(data))
    assert 'No space left on device' in str(error.value)
    assert cache_entries(cache) == []


def test_full_disk_during_local_copy_leaves_nothing(cache, tmp_path, monkeypatch):
    src = write_src(tmp_path, gzip.compress(TAR) + os.urandom(3 * archive.CHUNK_SIZE))
    real_sendfile = os.sendfile
    calls = []

    def sendfile_until_full(out_fd, in_fd, offset, count):
        calls.append(offset)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_sendfile(out_fd, in_fd, offset, count)
    monkeypatch.setattr(copy.os, 'sendfile', sendfile_until_full)
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src)
    assert 'No space left on device' in str(error.value) and 'nothing was installed' in str(error.value)
    assert cache_entries(cache) == [] and len(calls) == 2


def test_kernel_without_file_sendfile_falls_back_to_read_write(cache, tmp_path, monkeypatch):
    data = gzip.compress(TAR) + os.urandom(2 * archive.CHUNK_SIZE + 17)
    src = write_src(tmp_path, data)

    def no_file_sendfile(out_fd, in_fd, offset, count):
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    monkeypatch.setattr(copy.os, 'sendfile', no_file_sendfile)
    result = present(cache, 'tpl', src, sha256(data))
    assert result['changed'] and (tmp_path / 'template' / 'cache' / 'tpl.tar.gz').read_bytes() == data


def test_source_shrinking_during_copy_is_refused(cache, tmp_path, monkeypatch):
    data = TAR + os.urandom(archive.CHUNK_SIZE)
    src = write_src(tmp_path, data)
    real_open = copy.Source.open

    def open_then_truncate(self):
        stream, size = real_open(self)
        with open(src, 'r+b') as handle:
            handle.truncate(len(TAR))
        return stream, size
    monkeypatch.setattr(copy.Source, 'open', open_then_truncate)
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src)
    assert 'incomplete' in str(error.value)
    assert cache_entries(cache) == []


def test_not_enough_space_is_refused_before_copying(cache, tmp_path, monkeypatch):
    src = write_src(tmp_path, TAR)

    class Tiny(object):
        f_bavail = 1
        f_frsize = 512
    monkeypatch.setattr(copy.os, 'statvfs', lambda path: Tiny())
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src)
    assert 'Not enough space' in str(error.value)
    assert cache_entries(cache) == []


class Interrupting(object):
    """A source stream that dies after the first chunk (a killed download or copy)."""

    def __init__(self, data):
        self.stream = io.BytesIO(data)
        self.reads = 0

    def read(self, size):
        self.reads += 1
        if self.reads > 2:
            raise KeyboardInterrupt()
        return self.stream.read(size)

    def close(self):
        pass


def test_interrupted_download_leaves_no_partial_file(cache):
    data = gzip.compress(TAR) + os.urandom(3 * archive.CHUNK_SIZE)
    with pytest.raises(KeyboardInterrupt):
        present(cache, 'tpl', 'http://templates.example.org/t.tar.gz', opener=lambda url, **kw: Interrupting(data))
    assert cache_entries(cache) == []


def test_interrupted_local_copy_leaves_no_partial_file(cache, tmp_path, monkeypatch):
    src = write_src(tmp_path, gzip.compress(TAR) + os.urandom(3 * archive.CHUNK_SIZE))
    real_sendfile = os.sendfile
    calls = []

    def sendfile_then_interrupt(out_fd, in_fd, offset, count):
        calls.append(offset)
        if len(calls) > 1:
            raise KeyboardInterrupt()
        return real_sendfile(out_fd, in_fd, offset, count)
    monkeypatch.setattr(copy.os, 'sendfile', sendfile_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        present(cache, 'tpl', src)
    assert cache_entries(cache) == []


def test_stale_partial_file_of_a_dead_process_is_removed(cache, tmp_path):
    dead_pid = 4194304 + 7  # above the kernel's pid_max limit: never a live process
    stale = os.path.join(cache.cache_dir, '.openvz-cloud.tpl.%d.abc.part' % dead_pid)
    live = os.path.join(cache.cache_dir, '.openvz-cloud.tpl.%d.abc.part' % os.getpid())
    other = os.path.join(cache.cache_dir, '.openvz-cloud.other.%d.abc.part' % dead_pid)
    for path in (stale, live, other):
        open(path, 'wb').close()
    result = present(cache, 'tpl', write_src(tmp_path, TAR))
    assert not os.path.exists(stale) and os.path.exists(live) and os.path.exists(other)
    assert any('partial file' in action for action in result['actions'])


def test_new_content_type_replaces_other_suffixes(cache, tmp_path):
    present(cache, 'tpl', write_src(tmp_path, TAR, 'a'))
    result = present(cache, 'tpl', write_src(tmp_path, COMPRESSED['.tar.xz'], 'b'),
                     sha256(COMPRESSED['.tar.xz']))
    assert result['changed'] and cache_entries(cache) == ['tpl.tar.xz']
    assert result['diff'] == {
        'before': {'state': 'present', 'file': 'tpl.tar', 'size': len(TAR), 'checksum': sha256(TAR)},
        'after': {'state': 'present', 'file': 'tpl.tar.xz', 'size': len(COMPRESSED['.tar.xz']),
                  'checksum': sha256(COMPRESSED['.tar.xz'])}}


def test_check_mode_writes_nothing(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    result = present(cache, 'tpl', src, sha256(TAR), check_mode=True)
    assert result['changed']
    assert result['diff'] == {'before': {'state': 'absent'}, 'after': {'state': 'present', 'checksum': sha256(TAR)}}
    assert cache_entries(cache) == []
    assert not (tmp_path / 'template' / '.openvz-cloud').exists()


def test_changed_local_source_without_checksum_is_reinstalled(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    present(cache, 'tpl', src)
    new = make_tar({'etc/issue': b'changed\n'})
    with open(src, 'wb') as handle:
        handle.write(new)
    os.utime(src, (1, 1))
    result = present(cache, 'tpl', src)
    assert result['changed'] and (tmp_path / 'template' / 'cache' / 'tpl.tar').read_bytes() == new
    assert not present(cache, 'tpl', src)['changed']


def test_touched_source_with_same_bytes_is_not_copied(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    present(cache, 'tpl', src)
    os.utime(src, (2, 2))
    result = present(cache, 'tpl', src)
    assert not result['changed']
    assert (tmp_path / 'template' / '.openvz-cloud' / 'tpl.json').read_text().count('"src_mtime_ns": 2000000000')


def test_existing_file_without_record_is_verified_once(cache, tmp_path):
    path = tmp_path / 'template' / 'cache' / 'tpl.tar.gz'
    path.write_bytes(COMPRESSED['.tar.gz'])
    result = present(cache, 'tpl', checksum=sha256(COMPRESSED['.tar.gz']))
    assert not result['changed'] and result['actions'] == ['recorded checksum of tpl.tar.gz']
    assert result['template']['checksum'] == sha256(COMPRESSED['.tar.gz'])


def test_tampered_cache_file_is_replaced(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    present(cache, 'tpl', src, sha256(TAR))
    target = tmp_path / 'template' / 'cache' / 'tpl.tar'
    target.write_bytes(TAR[:-1] + b'\x01')
    result = present(cache, 'tpl', src, sha256(TAR))
    assert result['changed'] and target.read_bytes() == TAR


def test_force_copies_again(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    present(cache, 'tpl', src)
    result = present(cache, 'tpl', src, force=True)
    assert result['changed'] and 'force' in result['actions'][0]


def test_absent_template_without_src_fails_clearly(cache):
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl')
    assert 'no src was given' in str(error.value)


def test_missing_cache_dir(tmp_path):
    with pytest.raises(archive.TemplateError) as error:
        present(tcache.TemplateCache(str(tmp_path / 'nope')), 'tpl', write_src(tmp_path, TAR))
    assert 'does not exist' in str(error.value)


@pytest.mark.parametrize('src, fragment', [
    ('relative/path.tar', 'absolute path'),
    ('ftp://example.invalid/a.tar', 'Unsupported src'),
    ('/nonexistent/a.tar', 'Cannot read src'),
])
def test_bad_sources(cache, src, fragment):
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src)
    assert fragment in str(error.value)


def test_directory_source(cache, tmp_path):
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', str(tmp_path))
    assert 'not a regular file' in str(error.value)


class FakeResponse(io.BytesIO):
    def __init__(self, data, length=True):
        io.BytesIO.__init__(self, data)
        self.headers = {'Content-Length': str(len(data))} if length else {}


def test_url_source_is_streamed_without_decompression(cache):
    calls = []

    def opener(url, **kwargs):
        calls.append((url, kwargs))
        return FakeResponse(COMPRESSED['.tar.gz'])
    url = 'https://templates.example.org/t.tar.gz'
    result = present(cache, 'tpl', url, sha256(COMPRESSED['.tar.gz']), opener=opener)
    assert result['changed'] and cache_entries(cache) == ['tpl.tar.gz']
    assert calls == [(url, {'timeout': 60, 'validate_certs': True, 'decompress': False})]
    # Present with the same checksum: no download.
    assert not present(cache, 'tpl', url, sha256(COMPRESSED['.tar.gz']), opener=opener)['changed']
    assert len(calls) == 1


def test_url_short_read_is_an_incomplete_copy(cache):
    def opener(url, **kwargs):
        response = FakeResponse(TAR)
        response.headers = {'Content-Length': str(len(TAR) + 100)}
        return response
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', 'http://templates.example.org/t.tar', opener=opener)
    assert 'incomplete' in str(error.value)
    assert cache_entries(cache) == []


def test_url_failure(cache):
    def opener(url, **kwargs):
        raise IOError('connection refused')
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', 'http://templates.example.org/t.tar', opener=opener)
    assert 'Cannot download' in str(error.value)


def test_url_without_checksum_keeps_present_template(cache, tmp_path):
    present(cache, 'tpl', write_src(tmp_path, TAR))

    def opener(url, **kwargs):
        raise AssertionError('must not download')
    assert not present(cache, 'tpl', 'http://templates.example.org/t.tar', opener=opener)['changed']


def test_absent(cache, tmp_path):
    present(cache, 'tpl', write_src(tmp_path, TAR))
    (tmp_path / 'template' / 'cache' / 'tpl.tar.gz').write_bytes(COMPRESSED['.tar.gz'])
    checked = tcache.ensure_absent(cache, 'tpl', check_mode=True)
    assert checked['changed'] and len(cache_entries(cache)) == 2
    result = tcache.ensure_absent(cache, 'tpl', check_mode=False)
    assert result['changed'] and result['actions'] == ['removed tpl.tar', 'removed tpl.tar.gz']
    assert result['diff']['before']['file'] == 'tpl.tar' and result['diff']['after'] == {'state': 'absent'}
    assert cache_entries(cache) == []
    assert not (tmp_path / 'template' / '.openvz-cloud' / 'tpl.json').exists()
    assert not tcache.ensure_absent(cache, 'tpl', check_mode=False)['changed']


def test_describe_reports_shadowed_files(cache, tmp_path):
    (tmp_path / 'template' / 'cache' / 'tpl.tar').write_bytes(TAR)
    (tmp_path / 'template' / 'cache' / 'tpl.tar.xz').write_bytes(COMPRESSED['.tar.xz'])
    state = cache.describe('tpl')
    assert state['file'] == 'tpl.tar' and state['shadowed'] == ['tpl.tar.xz'] and 'checksum' not in state


# ---- CloudStack template.properties ----------------------------------------------

CLOUDSTACK_FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cloudstack')


def test_read_cloudstack_template():
    path = os.path.join(CLOUDSTACK_FIXTURES, 'template.properties')
    assert archive.read_cloudstack_template(path) == {
        'path': os.path.join(CLOUDSTACK_FIXTURES, '6f1c0a3e-52b4-4e58-9d61-5f8d0b6f3b4e.tar'),
        'filename': '6f1c0a3e-52b4-4e58-9d61-5f8d0b6f3b4e.tar', 'size': 104857600, 'id': '201',
        'uniquename': '201-2-0f8b4a3c-7d51-3f56-9e6d-2f4c9a1b8d70'}


@pytest.mark.parametrize('fixture, fragment', [
    ('qcow2-template.properties', 'describes a QCOW2 template, not a TAR template'),
    ('incomplete-template.properties', 'is incomplete (no uniquename, virtualsize)'),
    ('corrupted-template.properties', "marks the template as corrupted (size '0')"),
    ('missing.properties', 'Cannot read'),
])
def test_read_cloudstack_template_refusals(fixture, fragment):
    with pytest.raises(archive.TemplateError) as error:
        archive.read_cloudstack_template(os.path.join(CLOUDSTACK_FIXTURES, fixture))
    assert fragment in str(error.value)


def test_read_cloudstack_template_bad_filename(tmp_path):
    path = tmp_path / 'template.properties'
    path.write_text(u'uniquename=u\nvirtualsize=1\ntar=true\ntar.filename=../../etc/passwd\ntar.size=1\n')
    with pytest.raises(archive.TemplateError) as error:
        archive.read_cloudstack_template(str(path))
    assert 'invalid file' in str(error.value)


def test_source_size_must_match_properties(cache, tmp_path):
    src = write_src(tmp_path, TAR)
    source = copy.Source(src, expected_size=len(TAR) + 1)
    with pytest.raises(archive.TemplateError) as error:
        tcache.ensure_present(cache, tcache.TemplateRequest('tpl', src), source, False)
    assert 'its template.properties says %d' % (len(TAR) + 1) in str(error.value)


def test_hashing_failure_installs_nothing(cache, tmp_path, monkeypatch):
    src = write_src(tmp_path, gzip.compress(TAR) + os.urandom(2 * archive.CHUNK_SIZE))
    real_new = hashlib.new

    class FailingDigest(object):
        def __init__(self, name):
            self.real = real_new(name)
            self.calls = 0

        def update(self, data):
            self.calls += 1
            if self.calls > 1:
                raise IOError(errno.EIO, 'Input/output error')
            self.real.update(data)
    monkeypatch.setattr(copy.hashlib, 'new', FailingDigest)
    with pytest.raises(archive.TemplateError) as error:
        present(cache, 'tpl', src)
    assert 'Input/output error' in str(error.value) and 'nothing was installed' in str(error.value)
    assert cache_entries(cache) == []
