"""The backend and manager run with no Ansible import: a plain program drives the emulator.

A child Python process imports only the collection's module_utils (no ``ansible``
package), converges a container through ``SubprocessRunner`` against the OpenVZ emulator
in a temporary root, and reports what it saw.
"""

import json
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
EMULATOR_BIN = os.path.join(REPO, 'tests', 'emulator', 'bin')

PROGRAM = r'''
import json, os, sys
sys.path.insert(0, sys.argv[1])
root = sys.argv[2]
from ansible_collections.openvz.cloud.plugins.module_utils._runner import SubprocessRunner
from ansible_collections.openvz.cloud.plugins.module_utils._backends import select_backend
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import ContainerManager
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    CONTAINER_OPTIONS, normalise_spec)


class RootedRunner(SubprocessRunner):
    """The emulated host's files live under its root prefix."""

    def read_file(self, path):
        return SubprocessRunner.read_file(self, os.path.join(root, path.lstrip('/')))

    def list_dir(self, path):
        return SubprocessRunner.list_dir(self, os.path.join(root, path.lstrip('/')))

    def lock(self, path):
        return SubprocessRunner.lock(self, os.path.join(root, path.lstrip('/')))


def spec(**params):
    full = dict((key, option.get('default')) for key, option in CONTAINER_OPTIONS.items())
    full.update(params)
    return normalise_spec(full)


runner = RootedRunner(env=dict(os.environ, OPENVZ_EMULATOR_ROOT=root,
                               OPENVZ_EMULATOR_RUNTIME='none'))
backend = select_backend(runner)
outcome = {'backend': backend.name}
for label, wanted in (('create', dict(name='plain1', ostemplate='mini-1.0-x86_64',
                                      layout='simfs', ram='256M', swap='0', diskspace='1G:1.1G',
                                      state='started')),
                      ('again', dict(name='plain1', ram='256M', swap='0', diskspace='1G:1.1G',
                                     state='started')),
                      ('remove', dict(name='plain1', state='absent'))):
    manager = ContainerManager(backend, id_range=(101, 200))
    results = manager.after_views(manager.converge([spec(**wanted)]))
    after = results[0]['after'] or {}
    outcome[label] = {'actions': results[0]['actions'], 'ctid': str(results[0]['ctid']),
                      'status': after.get('status'), 'ram': after.get('ram_bytes'),
                      'disk': after.get('diskspace_kb')}
outcome['ansible_imported'] = sorted(name for name in sys.modules
                                     if name == 'ansible' or name.startswith('ansible.'))
print(json.dumps(outcome))
'''


def _template(path):
    with tarfile.open(path, 'w:gz') as archive:
        for name in ('bin', 'sbin', 'etc'):
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            archive.addfile(info)
        info = tarfile.TarInfo('bin/sh')
        info.type = tarfile.SYMTYPE
        info.linkname = '/bin/busybox'
        archive.addfile(info)


def test_manager_and_backend_drive_the_emulator_without_ansible(tmp_path):
    root = str(tmp_path / 'host')
    subprocess.check_call([os.path.join(EMULATOR_BIN, 'openvz-emulator-setup'), '--root', root])
    _template(os.path.join(root, 'vz', 'template', 'cache', 'mini-1.0-x86_64.tar.gz'))
    collections = os.path.join(REPO, 'build', 'collections')
    # a legacy host has vzctl and vzlist, no prlctl (the emulator ships both lines' tools)
    sbin = tmp_path / 'sbin'
    sbin.mkdir()
    for tool in ('vzctl', 'vzlist'):
        os.symlink(os.path.join(EMULATOR_BIN, tool), str(sbin / tool))
    env = dict(os.environ, PATH=str(sbin) + os.pathsep + os.environ['PATH'])
    env.pop('PYTHONPATH', None)
    output = subprocess.check_output([sys.executable, '-c', PROGRAM, collections, root], env=env)
    outcome = json.loads(output.decode())
    assert outcome['backend'] == 'legacy' and outcome['ansible_imported'] == []
    assert outcome['create']['actions'] == ['create', 'set', 'start']
    assert outcome['create']['ctid'] == '101' and outcome['create']['status'] == 'running'
    assert outcome['create']['ram'] == 256 * 1024 ** 2
    assert outcome['create']['disk'] == [1048576, 1153433]
    assert outcome['again']['actions'] == []
    assert outcome['remove']['actions'] == ['stop', 'destroy']
    assert not os.path.exists(os.path.join(root, 'etc', 'vz', 'conf', '101.conf'))
