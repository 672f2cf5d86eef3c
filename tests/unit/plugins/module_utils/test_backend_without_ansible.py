"""The backend and manager run with no Ansible import: a plain program drives the emulator.

A child Python process imports only the collection's module_utils (no ``ansible``
package), converges a container through ``SubprocessRunner`` against the OpenVZ emulator
in a temporary root - a legacy host, and its twin, an OpenVZ 7 host - and reports what it
saw.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'unit'))
from emulated_host import legacy_root, vz7_root  # noqa: E402  pylint: disable=wrong-import-position

# argv: the collections path, tests/unit, the emulated root, the specs to converge (JSON)
PROGRAM = r'''
import json, sys
sys.path[:0] = sys.argv[1:3]
root = sys.argv[3]
from emulated_host import RootedRunner
from ansible_collections.openvz.cloud.plugins.module_utils._backends import select_backend
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import ContainerManager
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    CONTAINER_OPTIONS, normalise_spec)


def spec(**params):
    full = dict((key, option.get('default')) for key, option in CONTAINER_OPTIONS.items())
    full.update(params)
    return normalise_spec(full)


backend = select_backend(RootedRunner(root))
outcome = {'backend': backend.name, 'steps': []}
for wanted in json.loads(sys.argv[4]):
    manager = ContainerManager(backend, id_range=(101, 200))
    results = manager.after_views(manager.converge([spec(**wanted)]))
    after = results[0]['after'] or {}
    outcome['steps'].append({
        'actions': results[0]['actions'], 'commands': results[0]['commands'],
        'ctid': str(results[0]['ctid']), 'status': after.get('status'),
        'ram': after.get('ram_bytes'), 'disk': after.get('diskspace_kb'),
        'netifs': after.get('netifs')})
outcome['ansible_imported'] = sorted(name for name in sys.modules
                                     if name == 'ansible' or name.startswith('ansible.'))
print(json.dumps(outcome))
'''


def converge_without_ansible(root, specs):
    """Run PROGRAM on the emulated host (its own tools only: openvz-emulator-setup links a
    legacy host's vzctl and vzlist, an OpenVZ 7 host's prlctl too); returns its outcome."""
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    output = subprocess.check_output([sys.executable, '-c', PROGRAM,
                                      os.path.join(REPO, 'build', 'collections'),
                                      os.path.join(REPO, 'tests', 'unit'), root,
                                      json.dumps(specs)], env=env)
    return json.loads(output.decode())


def test_manager_and_backend_drive_the_emulator_without_ansible(tmp_path):
    root = legacy_root(str(tmp_path / 'host'))
    outcome = converge_without_ansible(root, [
        dict(name='plain1', ostemplate='busybox-1.35-x86_64', layout='simfs', ram='256M', swap='0',
             diskspace='1G:1.1G', state='started'),
        dict(name='plain1', ram='256M', swap='0', diskspace='1G:1.1G', state='started'),
        dict(name='plain1', state='absent')])
    create, again, remove = outcome['steps']
    assert outcome['backend'] == 'legacy' and outcome['ansible_imported'] == []
    assert create['actions'] == ['create', 'set', 'start']
    assert create['ctid'] == '101' and create['status'] == 'running'
    assert create['ram'] == 256 * 1024 ** 2
    assert create['disk'] == [1048576, 1153433]
    assert again['actions'] == []
    assert remove['actions'] == ['stop', 'destroy']
    assert not os.path.exists(os.path.join(root, 'etc', 'vz', 'conf', '101.conf'))


def test_vz7_twin_converges_an_openvz7_host_without_ansible(tmp_path):
    """prlctl, vzctl 7, vzlist 7 and vzpkg of an emulated OpenVZ 7 host; an EZ template."""
    root = vz7_root(str(tmp_path / 'host'))
    wanted = dict(name='web7', ram='512M', swap='256M', diskspace='2G', cpus=2,
                  netifs=[{'ifname': 'eth0', 'network': 'Bridged', 'mac': '00:1c:42:00:00:07'}],
                  state='started')
    outcome = converge_without_ansible(root, [
        dict(wanted, ostemplate='mini-1.0-x86_64'), wanted, dict(name='web7', state='absent')])
    create, again, remove = outcome['steps']
    assert outcome['backend'] == 'vz7' and outcome['ansible_imported'] == []
    assert create['commands'] == [
        ['prlctl', 'create', 'web7', '--vmtype', 'ct', '--ostemplate', 'mini-1.0-x86_64'],
        ['prlctl', 'set', 'web7', '--memsize', '512', '--swappages', '65536', '--cpus', '2'],
        ['prlctl', 'set', 'web7', '--device-set', 'hdd0', '--size', '2G'],
        ['vzctl', 'set', 'web7', '--netif_add', 'eth0,00:1C:42:00:00:07', '--save'],
        ['vzctl', 'set', 'web7', '--ifname', 'eth0', '--network', 'Bridged', '--save'],
        ['prlctl', 'start', 'web7']]
    uuid = create['ctid']
    assert len(uuid) == 36 and create['status'] == 'running'
    assert create['ram'] == 512 * 1024 ** 2 and create['disk'] == [2097152, 2097152]
    assert [(nic['ifname'], nic['network'], nic['mac']) for nic in create['netifs']] == [
        ('eth0', 'Bridged', '00:1C:42:00:00:07')]
    # the configured DISKSPACE is compared, not the smaller filesystem vzlist shows
    assert again['actions'] == [] and again['ctid'] == uuid
    assert remove['commands'] == [['prlctl', 'stop', uuid], ['prlctl', 'delete', uuid]]
    assert not os.path.exists(os.path.join(root, 'etc', 'vz', 'conf', '%s.conf' % uuid))
