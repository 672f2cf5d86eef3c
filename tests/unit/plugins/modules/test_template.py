"""template module: arguments, check mode, diff, idempotence and failures through main()."""

import gzip
import hashlib
import io
import os
import sys
import tarfile

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._templates.cache import default_cache_dir
from ansible_collections.openvz.cloud.plugins.modules import template

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import commandless_module  # noqa: E402  pylint: disable=wrong-import-position


def make_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo('etc/os-release')
        data = b'NAME="Test"\n'
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


TGZ = gzip.compress(make_tar())
SHA256 = 'sha256:' + hashlib.sha256(TGZ).hexdigest()


@pytest.fixture
def run(monkeypatch, capsys):
    return commandless_module(monkeypatch, capsys, template)


@pytest.fixture
def vz(tmp_path):
    (tmp_path / 'vz' / 'template' / 'cache').mkdir(parents=True)
    (tmp_path / 'etc').mkdir()
    (tmp_path / 'etc' / 'vz.conf').write_text(u'TEMPLATE=%s\n' % (tmp_path / 'vz' / 'template'))
    (tmp_path / 'src.tar.gz').write_bytes(TGZ)
    return tmp_path


def args_for(vz, **extra):
    args = {'name': 'centos-7-x86_64', 'src': str(vz / 'src.tar.gz'), 'checksum': SHA256,
            'vz_conf': str(vz / 'etc' / 'vz.conf')}
    args.update(extra)
    return args


def test_check_then_apply_then_idempotent(run, vz):
    cache = vz / 'vz' / 'template' / 'cache'
    checked = run(args_for(vz), check_mode=True, diff=True)
    assert checked['changed'] is True and os.listdir(str(cache)) == []
    assert checked['diff'] == {'before': {'state': 'absent'}, 'after': {'state': 'present', 'checksum': SHA256}}
    applied = run(args_for(vz), diff=True)
    assert applied['changed'] is True
    assert applied['template']['path'] == str(cache / 'centos-7-x86_64.tar.gz')
    assert applied['diff']['after'] == {'state': 'present', 'file': 'centos-7-x86_64.tar.gz',
                                        'size': len(TGZ), 'checksum': SHA256}
    assert (cache / 'centos-7-x86_64.tar.gz').read_bytes() == TGZ
    again = run(args_for(vz))
    assert again['changed'] is False and again['actions'] == [] and 'diff' not in again
    checked_again = run(args_for(vz), check_mode=True)
    assert checked_again['changed'] is False


def test_absent_check_mode_and_apply(run, vz):
    run(args_for(vz))
    checked = run({'name': 'centos-7-x86_64', 'state': 'absent', 'vz_conf': str(vz / 'etc' / 'vz.conf')},
                  check_mode=True, diff=True)
    assert checked['changed'] is True and checked['diff']['after'] == {'state': 'absent'}
    assert os.path.exists(str(vz / 'vz' / 'template' / 'cache' / 'centos-7-x86_64.tar.gz'))
    removed = run({'name': 'centos-7-x86_64', 'state': 'absent', 'vz_conf': str(vz / 'etc' / 'vz.conf')})
    assert removed['changed'] is True and removed['actions'] == ['removed centos-7-x86_64.tar.gz']
    assert os.listdir(str(vz / 'vz' / 'template' / 'cache')) == []


@pytest.mark.parametrize('extra, fragment', [
    ({'name': '../etc/passwd'}, 'Invalid template name'),
    ({'checksum': 'sha256:abc'}, 'not a 64-digit hex sha256 digest'),
    ({'checksum': 'md5:' + 'a' * 32}, 'Checksum mismatch'),
    ({'src': '/nonexistent.tar'}, 'Cannot read src /nonexistent.tar'),
])
def test_failures(run, vz, extra, fragment):
    result = run(args_for(vz, **extra))
    assert result['failed'] is True and fragment in result['msg']
    assert os.listdir(str(vz / 'vz' / 'template' / 'cache')) == []


def test_cache_dir_option_wins_over_vz_conf(run, vz):
    other = vz / 'other'
    other.mkdir()
    result = run(args_for(vz, cache_dir=str(other)))
    assert result['changed'] and os.listdir(str(other)) == ['centos-7-x86_64.tar.gz']
    assert (vz / '.openvz-cloud' / 'centos-7-x86_64.json').exists()


def test_default_cache_dir_without_vz_conf(tmp_path):
    assert default_cache_dir(str(tmp_path / 'missing.conf')) == '/vz/template/cache'


def test_properties_from_a_cloudstack_export(run, vz):
    store = vz / 'export' / 'template' / 'tmpl' / '2' / '201'
    store.mkdir(parents=True)
    (store / 'c0ffee.tar').write_bytes(make_tar())
    (store / 'template.properties').write_text(
        u'#\n#Tue Nov 24 10:12:01 UTC 2026\ntar.filename=c0ffee.tar\nid=201\nuniquename=201-2-c0ffee\n'
        u'virtualsize=%d\ntar=true\ntar.size=%d\nfilename=c0ffee.tar\n' % (len(make_tar()), len(make_tar())))
    args = {'name': 'centos-7-x86_64', 'properties': str(store / 'template.properties'),
            'vz_conf': str(vz / 'etc' / 'vz.conf')}
    result = run(args)
    assert result['changed'] is True and result['template']['file'] == 'centos-7-x86_64.tar'
    assert result['cloudstack']['id'] == '201' and result['cloudstack']['size'] == len(make_tar())
    assert run(args)['changed'] is False
    both = run(dict(args, src=str(vz / 'src.tar.gz')))
    assert both['failed'] is True and 'mutually exclusive' in both['msg']


def test_name_defaults_to_uniquename_and_is_required_otherwise(run, vz):
    store = vz / 'export' / 'template' / 'tmpl' / '1' / '3'
    store.mkdir(parents=True)
    (store / 'a.tar').write_bytes(make_tar())
    (store / 'template.properties').write_text(
        u'uniquename=routing-3\nvirtualsize=%d\ntar=true\ntar.filename=a.tar\ntar.size=%d\n' % (len(make_tar()), len(make_tar())))
    result = run({'properties': str(store / 'template.properties'), 'vz_conf': str(vz / 'etc' / 'vz.conf')})
    assert result['changed'] is True and result['template']['file'] == 'routing-3.tar'
    missing = run({'src': str(vz / 'src.tar.gz'), 'vz_conf': str(vz / 'etc' / 'vz.conf')})
    assert missing['failed'] is True and 'one of the following is required: name, properties' in missing['msg']
