"""A host tree for planner and module tests: fixture configs plus a template cache."""

import json
import os
import shutil

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'vz')


def make_host(tmp_path):
    """Copy etc/vz into tmp_path; TEMPLATE and LOCKDIR point into it. Returns paths."""
    etc = tmp_path / 'etc' / 'vz'
    shutil.copytree(os.path.join(FIXTURES, 'etc', 'vz'), str(etc))
    (tmp_path / 'etc' / 'vz' / 'names').mkdir()
    (tmp_path / 'etc' / 'vz' / 'names' / 'web1').symlink_to('/etc/vz/conf/2001.conf')
    cache = tmp_path / 'vz' / 'template' / 'cache'
    cache.mkdir(parents=True)
    for name in ('centos-7-x86_64-minimal.tar.gz', 'busybox-1.35-x86_64.tar'):
        (cache / name).write_bytes(b'tar')
    vz_conf = etc / 'vz.conf'
    text = vz_conf.read_text()
    text = text.replace('TEMPLATE=/vz/template', 'TEMPLATE=%s' % (tmp_path / 'vz' / 'template'))
    text = text.replace('LOCKDIR=/vz/lock', 'LOCKDIR=%s' % (tmp_path / 'vz' / 'lock'))
    vz_conf.write_text(text)
    return {'conf_dir': str(etc / 'conf'), 'vz_conf': str(vz_conf)}


def vzlist_all():
    with open(os.path.join(FIXTURES, 'vzlist', 'all.json')) as handle:
        return handle.read()


def records():
    return json.loads(vzlist_all())
