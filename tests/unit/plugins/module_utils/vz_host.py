"""A host tree for planner and module tests: fixture configs plus a template cache."""

import json
import os
import shutil

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'vz')


def copy_host(tmp_path, fixtures, caches):
    """Copy ``fixtures``/etc/vz into tmp_path, ``caches`` (file names) into its template cache;
    TEMPLATE and LOCKDIR point into it. Returns the module options of that host."""
    etc = tmp_path / 'etc' / 'vz'
    shutil.copytree(os.path.join(fixtures, 'etc', 'vz'), str(etc))
    cache = tmp_path / 'vz' / 'template' / 'cache'
    cache.mkdir(parents=True)
    for name in caches:
        (cache / name).write_bytes(b'tar')
    vz_conf = etc / 'vz.conf'
    text = vz_conf.read_text()
    text = text.replace('TEMPLATE=/vz/template', 'TEMPLATE=%s' % (tmp_path / 'vz' / 'template'))
    text = text.replace('LOCKDIR=/vz/lock', 'LOCKDIR=%s' % (tmp_path / 'vz' / 'lock'))
    vz_conf.write_text(text)
    return {'conf_dir': str(etc / 'conf'), 'vz_conf': str(vz_conf)}


def make_host(tmp_path):
    """The legacy host: fixture configs, the web1 name link, two template caches."""
    paths = copy_host(tmp_path, FIXTURES, ('centos-7-x86_64-minimal.tar.gz',
                                           'busybox-1.35-x86_64.tar'))
    (tmp_path / 'etc' / 'vz' / 'names').mkdir()
    (tmp_path / 'etc' / 'vz' / 'names' / 'web1').symlink_to('/etc/vz/conf/2001.conf')
    return paths


def vzlist_all():
    with open(os.path.join(FIXTURES, 'vzlist', 'all.json')) as handle:
        return handle.read()


def records():
    return json.loads(vzlist_all())


def container_params(**kwargs):
    """Every container option at its default, updated with ``kwargs`` (as a module gets them)."""
    from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import CONTAINER_OPTIONS
    base = dict((key, option.get('default')) for key, option in CONTAINER_OPTIONS.items())
    base.update(kwargs)
    return base
