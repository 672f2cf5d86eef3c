"""Concurrent containers runs on one host (the OpenVZ emulator in a temporary root, run as
real module processes): CTIDs allocated under the host-wide lock never collide, and a
named container is never created twice."""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = ensure_collection_link()
EMULATOR_BIN = os.path.join(REPO, 'tests', 'emulator', 'bin')
BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
MODULE = 'ansible_collections.openvz.cloud.plugins.modules.%s'


@pytest.fixture
def emulated_host(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('the emulator host setup needs root')
    root = tmp_path / 'root'
    subprocess.run([os.path.join(EMULATOR_BIN, 'openvz-emulator-setup'), '--root', str(root), '--runtime', 'none'],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, BUILDER, str(root / 'vz' / 'template' / 'cache')], check=True,
                   stdout=subprocess.DEVNULL)
    vz_conf = tmp_path / 'vz.conf'
    text = (root / 'etc' / 'vz' / 'vz.conf').read_text()
    text = text.replace('TEMPLATE=/vz/template', 'TEMPLATE=%s/vz/template' % root)
    text = text.replace('LOCKDIR=/vz/lock', 'LOCKDIR=%s/vz/lock' % root)
    vz_conf.write_text(text)
    return {'root': str(root), 'args': {
        'vzctl_path': os.path.join(EMULATOR_BIN, 'vzctl'), 'vzlist_path': os.path.join(EMULATOR_BIN, 'vzlist'),
        'conf_dir': str(root / 'etc' / 'vz' / 'conf'), 'vz_conf': str(vz_conf)}}


def start_module(host, tmp_path, name, module, args):
    args_file = tmp_path / ('%s.json' % name)
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': dict(host['args'], **args)}))
    env = dict(os.environ, OPENVZ_EMULATOR_ROOT=host['root'], PYTHONPATH=COLLECTIONS)
    return subprocess.Popen([sys.executable, '-m', MODULE % module, str(args_file)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def finish(proc):
    out, err = proc.communicate(timeout=300)
    result = json.loads(out)
    assert not result.get('failed'), (result.get('msg'), err)
    return result


def specs(names):
    return [{'name': name, 'ostemplate': 'busybox-1.35-x86_64', 'layout': 'simfs'} for name in names]


def test_concurrent_runs(emulated_host, tmp_path):
    # two runs of the same names and one of other names, all at once
    procs = [start_module(emulated_host, tmp_path, 'same%d' % index, 'containers',
                          {'containers': specs(['cc-a', 'cc-b', 'cc-c']), 'ctid_range': [7000, 7099]})
             for index in range(2)]
    procs.append(start_module(emulated_host, tmp_path, 'other', 'containers',
                              {'containers': specs(['cc-x', 'cc-y']), 'ctid_range': [7000, 7099]}))
    results = [finish(proc) for proc in procs]
    created = [item['ctid'] for result in results for item in result['containers'] if 'create' in item['actions']]
    assert sorted(created) == list(range(7000, 7005))
    info = finish(start_module(emulated_host, tmp_path, 'info', 'container_info', {}))
    names = dict((item['name'], item['ctid']) for item in info['containers'])
    assert sorted(names) == ['cc-a', 'cc-b', 'cc-c', 'cc-x', 'cc-y']
    assert sorted(names.values()) == list(range(7000, 7005))
    # whichever same-names run came second found them and changed nothing
    assert sorted(result['changed'] for result in results[:2]) == [False, True]
