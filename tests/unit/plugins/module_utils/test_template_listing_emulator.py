"""template_info's library against the OpenVZ emulator in a temporary root, on both lines.

The legacy host gets the busybox cache; the 7 host gets it too and then, as the lab
provisions it (tests/lab/labctl.py provision_vz7_template), the EZ template of the same
name through ``vzpkg install template`` and ``vzpkg create cache``. The layouts reported
are then held against what the emulator's vzctl does with the files.
"""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import HostRoot
from ansible_collections.openvz.cloud.plugins.module_utils._runner import SubprocessRunner
from ansible_collections.openvz.cloud.plugins.module_utils._templates.info import collect

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
EMULATOR_BIN = os.path.join(REPO, 'tests', 'emulator', 'bin')
BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
TEMPLATE = 'busybox-1.35-x86_64'
EZ_METADATA = 'vz/template/busybox/1.35/x86_64/config/os/default'
EZ_CACHE = TEMPLATE + '.plain.ploopv2.tar.lz4'

pytestmark = pytest.mark.skipif(shutil.which('lz4') is None, reason="the emulator's vzpkg needs lz4")


def emulated_host(root, flavour):
    """(runner, host) of an emulated host: its tools first on PATH, files under ``root``."""
    subprocess.check_call([os.path.join(EMULATOR_BIN, 'openvz-emulator-setup'), '--root', root,
                           '--runtime', 'none', '--flavour', flavour], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, BUILDER, os.path.join(root, 'vz', 'template', 'cache')],
                          stdout=subprocess.DEVNULL)
    runner = SubprocessRunner(env=dict(
        os.environ, OPENVZ_EMULATOR_ROOT=root, OPENVZ_EMULATOR_RUNTIME='none',
        PATH=os.path.join(root, 'usr', 'sbin') + os.pathsep + os.environ['PATH']))
    return runner, HostRoot(root)


def sha256(path):
    with open(path, 'rb') as handle:
        return 'sha256:' + hashlib.sha256(handle.read()).hexdigest()


def test_legacy_emulated_host(tmp_path):
    root = str(tmp_path / 'legacy')
    runner, host = emulated_host(root, 'legacy')
    report = collect(runner, host, checksum_algorithm='sha256')
    legacy_file = os.path.join(root, 'vz', 'template', 'cache', TEMPLATE + '.tar.gz')
    assert report['backend'] == 'legacy' and report['cache_dir'] == '/vz/template/cache'
    assert report['os_templates'] == []
    [template] = report['templates']
    assert template['name'] == TEMPLATE and template['file'] == TEMPLATE + '.tar.gz'
    assert template['path'] == '/vz/template/cache/%s.tar.gz' % TEMPLATE
    assert (template['kind'], template['format'], template['layouts']) == ('precreated', 'tar.gz', ['ploop', 'simfs'])
    assert template['size'] == os.path.getsize(legacy_file)
    assert template['mtime'] == os.path.getmtime(legacy_file)
    assert template['checksum'] == sha256(legacy_file)
    # the emulated vzctl 4 creates both layouts from it
    vzctl = runner.find('vzctl')
    for ctid, layout in (('101', 'ploop'), ('102', 'simfs')):
        result = runner.run([vzctl, 'create', ctid, '--ostemplate', TEMPLATE, '--layout', layout], check=False)
        assert result.rc == 0, result.stdout + result.stderr


def test_vz7_emulated_host(tmp_path):
    root = str(tmp_path / 'vz7')
    runner, host = emulated_host(root, 'vz7')
    vzpkg = runner.find('vzpkg')
    runner.run([vzpkg, 'install', 'template', TEMPLATE])
    cache = os.path.join(root, 'vz', 'template', 'cache')
    shutil.copyfile(os.path.join(cache, TEMPLATE + '.tar.gz'), os.path.join(root, EZ_METADATA, 'emulator-rootfs.tar.gz'))
    runner.run([vzpkg, 'create', 'cache', TEMPLATE])

    report = collect(runner, host)
    assert report['backend'] == 'vz7'
    templates = dict((entry['file'], entry) for entry in report['templates'])
    assert sorted(templates) == [EZ_CACHE, TEMPLATE + '.tar.gz']
    ez = templates[EZ_CACHE]
    assert (ez['name'], ez['kind'], ez['fstype'], ez['image'], ez['format'], ez['compression']) == (
        TEMPLATE, 'ez', 'plain', 'ploopv2', 'tar.lz4', 'lz4')
    assert ez['layouts'] == ['ploop'] and ez['shadowed_by'] is None
    assert (ez['os_template'], ez['vzpkg_cached']) == (TEMPLATE, True)
    assert ez['size'] == os.path.getsize(os.path.join(cache, EZ_CACHE))
    precreated = templates[TEMPLATE + '.tar.gz']
    assert (precreated['kind'], precreated['layouts'], precreated['os_template'], precreated['vzpkg_cached']) == (
        'precreated', ['simfs'], None, False)
    [listed] = report['os_templates']
    assert listed['name'] == TEMPLATE and listed['files'] == [EZ_CACHE] and listed['cache_time']

    # What vzctl 7 does with each file: the EZ cache makes ploop; without it, the precreated
    # .tar.gz makes simfs and is refused for ploop (libvzctl check_cache_layout).
    vzctl = runner.find('vzctl')
    assert runner.run([vzctl, 'create', '101', '--ostemplate', TEMPLATE, '--layout', 'ploop'], check=False).rc == 0
    os.rename(os.path.join(cache, EZ_CACHE), str(tmp_path / EZ_CACHE))
    refused = runner.run([vzctl, 'create', '102', '--ostemplate', TEMPLATE, '--layout', 'ploop'], check=False)
    assert refused.rc == 21 and 'is not compatible with layout 5' in refused.stdout + refused.stderr
    created = runner.run([vzctl, 'create', '103', '--ostemplate', TEMPLATE, '--layout', 'simfs'], check=False)
    assert created.rc == 0, created.stdout + created.stderr
    after = collect(runner, host)
    assert [entry['file'] for entry in after['templates']] == [TEMPLATE + '.tar.gz']
    # vzpkg lists only templates with an EZ cache
    assert after['os_templates'] == []
