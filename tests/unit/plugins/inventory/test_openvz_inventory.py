"""The openvz inventory plugin over two emulated nodes (a legacy and an OpenVZ 7 one).

The nodes are the OpenVZ emulator in temporary roots: their ``vzlist -a -j`` output is the
real tools' contract (openvz-cli.md), read through the runner seam SSH uses. The plugin
runs in a child process (inventory_driver.py) with Ansible's collection loader, as
ansible-inventory runs it.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, UNIT)
from emulated_host import (  # noqa: E402  pylint: disable=wrong-import-position
    EZ_TEMPLATE, RootedRunner, emulator_env, legacy_root, vz7_root)

# the node read only: importing the plugin here would load Ansible's controller side into
# the unit suite's process (the plugin itself runs in inventory_driver.py)
from ansible_collections.openvz.cloud.plugins.module_utils._container import listing  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.openvz.cloud.plugins.module_utils._runner import SshRunner  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = os.path.abspath(os.path.join(UNIT, '..', '..', 'build', 'collections'))
DRIVER = os.path.join(HERE, 'inventory_driver.py')
LEGACY_TEMPLATE = 'busybox-1.35-x86_64'


def tool(root, *argv):
    subprocess.run(list(argv), env=emulator_env(root), check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    """ovz1 (legacy): web1 (101, running, an address), 102 (no name, stopped);
    ovz2 (vz7): db1 (running, 1 GB of RAM), web1 (stopped: the same name as on ovz1)."""
    base = tmp_path_factory.mktemp('nodes')
    legacy = legacy_root(str(base / 'ovz1'))
    tool(legacy, 'vzctl', 'create', '101', '--ostemplate', LEGACY_TEMPLATE, '--name', 'web1',
         '--hostname', 'web1.example.org')
    tool(legacy, 'vzctl', 'set', '101', '--ipadd', '198.18.0.101', '--save')
    tool(legacy, 'vzctl', 'start', '101')
    tool(legacy, 'vzctl', 'create', '102', '--ostemplate', LEGACY_TEMPLATE)
    vz7 = vz7_root(str(base / 'ovz2'))
    tool(vz7, 'prlctl', 'create', 'db1', '--vmtype', 'ct', '--ostemplate', EZ_TEMPLATE)
    tool(vz7, 'prlctl', 'set', 'db1', '--memsize', '1024')
    tool(vz7, 'prlctl', 'start', 'db1')
    tool(vz7, 'prlctl', 'create', 'web1', '--vmtype', 'ct', '--ostemplate', EZ_TEMPLATE)
    return {'ovz1': legacy, 'ovz2': vz7}


class Run(object):
    """One inventory run: hosts ({name: {vars, groups}}), the nodes read, error, stderr."""

    def __init__(self, outcome, stderr):
        self.hosts = outcome['hosts']
        self.reads = outcome['reads']
        self.error = outcome['error']
        self.stderr = ' '.join(stderr.split())

    def vars(self, name):
        return self.hosts[name]['vars']

    def groups(self, name):
        return self.hosts[name]['groups']

    def members(self, group):
        return sorted(name for name, host in self.hosts.items() if group in host['groups'])


@pytest.fixture
def load(roots, tmp_path):
    """``load(config text, before=[sources], cache=True, direct=False)`` -> Run."""
    def run(text, before=(), cache=True, direct=False):
        path = tmp_path / 'lab.openvz.yml'
        path.write_text(text)
        request = dict(collections=COLLECTIONS, roots=roots, cache=cache, direct=direct,
                       sources=[str(source) for source in before] + [str(path)])
        env = dict(os.environ, ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_NOCOLOR='1')
        env.pop('PYTHONPATH', None)
        proc = subprocess.run([sys.executable, DRIVER, json.dumps(request)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return Run(json.loads(proc.stdout), proc.stderr)
    return run


TWO_NODES = 'plugin: openvz.cloud.openvz\nnodes: [ovz1, {host: ovz2, user: admin, port: 2222}]\n'


def test_hosts_named_by_name_with_id_fallback_and_shared_names_qualified(load):
    run = load(TWO_NODES)
    assert sorted(run.hosts) == ['102', 'db1', 'web1@ovz1', 'web1@ovz2']
    assert sorted(run.reads) == ['ovz1', 'ovz2']
    assert 'web1 found on several nodes; named <name>@<node>' in run.stderr


def test_host_vars_follow_the_connection_contract(load, roots):
    run = load(TWO_NODES)
    web1 = run.vars('web1@ovz1')
    assert web1['ansible_connection'] == 'openvz.cloud.openvz'
    assert (web1['ansible_host'], web1['openvz_id'], web1['openvz_uuid']) == ('101', '101', None)
    assert (web1['openvz_node'], web1['openvz_node_address'], web1['openvz_node_user'],
            web1['openvz_node_port']) == ('ovz1', 'ovz1', 'root', 22)
    assert (web1['openvz_status'], web1['openvz_flavour'], web1['openvz_ostemplate']) == (
        'running', 'legacy', LEGACY_TEMPLATE)
    assert web1['openvz_ips'] == ['198.18.0.101']
    assert web1['openvz_hostname'] == 'web1.example.org'
    # the vswap-256m sample vzctl create applies: 256 MB of RAM
    assert web1['openvz_ram'] == 256 * 1024 * 1024
    assert web1['openvz_layout'] == 'ploop' and web1['openvz_disk'] > 0
    db1 = run.vars('db1')
    uuid = db1['openvz_id']
    assert len(uuid) == 36 and db1['ansible_host'] == uuid == db1['openvz_uuid']
    assert os.path.isdir(os.path.join(roots['ovz2'], 'vz', 'private', uuid))
    assert (db1['openvz_flavour'], db1['openvz_ostemplate'], db1['openvz_status']) == (
        'vz7', EZ_TEMPLATE, 'running')
    assert (db1['openvz_node_user'], db1['openvz_node_port']) == ('admin', 2222)
    assert db1['openvz_ram'] == 1024 * 1024 * 1024
    assert 'openvz_node_ssh_common_args' not in db1
    assert run.vars('102')['openvz_status'] == 'stopped' and run.vars('102')['openvz_name'] is None


def test_default_groups(load):
    run = load(TWO_NODES)
    assert run.groups('db1') == ['all', 'openvz', 'openvz_flavour_vz7', 'openvz_node_ovz2',
                                 'openvz_status_running']
    assert run.groups('102') == ['all', 'openvz', 'openvz_flavour_legacy', 'openvz_node_ovz1',
                                 'openvz_status_stopped']
    assert load(TWO_NODES + 'default_groups: false\n').groups('db1') == ['all', 'ungrouped']


def test_hostname_id(load):
    names = load(TWO_NODES + 'hostname: id\n').hosts
    # the 7/9 node's ids are random UUIDs: they may sort before '101'
    assert sorted(name for name in names if len(name) != 36) == ['101', '102'] and len(names) == 4


def test_filters(load):
    assert sorted(load(TWO_NODES + 'status: [running]\n').hosts) == ['db1', 'web1']
    named = load(TWO_NODES + "include_names: ['web*', '10?']\nexclude_names: ['102']\n")
    assert sorted(named.hosts) == ['web1@ovz1', 'web1@ovz2']
    one_node = load(TWO_NODES + "include_nodes: ['ovz2']\n")
    assert sorted(one_node.hosts) == ['db1', 'web1'] and one_node.reads == ['ovz2']


def test_constructed_groups_keyed_groups_compose(load):
    run = load(TWO_NODES + '\n'.join([
        'groups:', '  small: openvz_ram <= 268435456',
        'keyed_groups:', '  - key: openvz_ostemplate', '    prefix: os',
        'compose:', '  short_id: openvz_id[:8]', '']))
    assert run.members('small') == ['102', 'web1@ovz1', 'web1@ovz2']
    assert run.members('os_mini_1_0_x86_64') == ['db1', 'web1@ovz2']
    assert run.members('os_busybox_1_35_x86_64') == ['102', 'web1@ovz1']
    assert run.vars('db1')['short_id'] == run.vars('db1')['openvz_id'][:8]


def test_strict_fails_on_a_bad_expression(load):
    bad = 'compose:\n  x: no_such_var + 1\n'
    assert 'no_such_var' in load(TWO_NODES + 'strict: true\n' + bad, direct=True).error
    # not strict: the host stays, the variable is left out
    assert 'x' not in load(TWO_NODES + bad).vars('db1')


def test_node_group_of_an_earlier_source(load, tmp_path):
    ini = tmp_path / 'nodes.ini'
    ini.write_text('[hypervisors]\nlegacy ansible_host=ovz1 ansible_port=2201\n'
                   'seven ansible_host=ovz2 ansible_ssh_private_key_file=/keys/id\n'
                   '[hypervisors:vars]\nansible_user=ops\nansible_ssh_common_args=-F /lab/ssh_config\n')
    run = load('plugin: openvz.cloud.openvz\nnode_group: hypervisors\n', before=[ini])
    web1 = run.vars('web1@legacy')
    assert (web1['openvz_node'], web1['openvz_node_address'], web1['openvz_node_port'],
            web1['openvz_node_user'], web1['openvz_node_ssh_common_args']) == (
        'legacy', 'ovz1', 2201, 'ops', '-F /lab/ssh_config')
    assert run.vars('db1')['openvz_node_private_key_file'] == '/keys/id'
    assert run.groups('db1')[:3] == ['all', 'openvz', 'openvz_flavour_vz7']
    assert 'openvz_node_seven' in run.groups('db1')
    # the nodes stay hosts of their own source
    assert run.groups('legacy') == ['all', 'hypervisors']


def test_cache_hit_reads_no_node(load, tmp_path):
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (
        tmp_path / 'cache')
    first = load(TWO_NODES + cache)
    assert sorted(first.reads) == ['ovz1', 'ovz2']
    second = load(TWO_NODES + cache)
    assert second.reads == []
    assert second.hosts == first.hosts
    # --flush-cache reads again
    assert sorted(load(TWO_NODES + cache, cache=False).reads) == ['ovz1', 'ovz2']
    # a failed node: nothing cached, the next run reads again
    other = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (
        tmp_path / 'cache2')
    assert load(UNREACHABLE + 'on_unreachable: skip\n' + other).reads
    assert len(load(UNREACHABLE + 'on_unreachable: skip\n' + other).reads) == 3


UNREACHABLE = 'plugin: openvz.cloud.openvz\nnodes: [ovz1, ovz2, 198.18.0.99]\n'


def test_unreachable_node_skipped_with_a_warning(load):
    run = load(UNREACHABLE + 'on_unreachable: skip\n')
    assert sorted(run.hosts) == ['102', 'db1', 'web1@ovz1', 'web1@ovz2']
    assert 'skipped node 198.18.0.99: Cannot reach root@198.18.0.99 over SSH' in run.stderr


def test_unreachable_node_fails_the_source(load):
    run = load(UNREACHABLE, direct=True)
    assert run.error.startswith('openvz inventory: 1 node(s) could not be read:\n'
                                'node 198.18.0.99: Cannot reach root@198.18.0.99 over SSH')
    assert sorted(run.reads) == ['198.18.0.99', 'ovz1', 'ovz2']


@pytest.mark.parametrize('text, message', [
    ('nodes: [ovz1]\nnode_group: x\n', 'exactly one of'),
    ('', 'exactly one of'),
    ('nodes: [{user: root}]\n', 'dictionary with "host"'),
    ('nodes: [{host: ovz1, hots: x}]\n', 'unknown keys hots'),
    ('nodes: [ovz1, {host: ovz1}]\n', 'nodes named twice: ovz1'),
    ('nodes: [{host: ovz1, port: ssh}]\n', "port 'ssh' is not a number"),
    ('nodes: [{host: ovz1, flavour: vz6}]\n', 'flavour must be auto, legacy or vz7'),
    ('node_group: nosuch\n', "'nosuch' is not a group"),
])
def test_bad_configuration_is_refused(load, text, message):
    run = load('plugin: openvz.cloud.openvz\n' + text, direct=True)
    assert message in run.error and run.reads == []


class RecordingRunner(RootedRunner):
    """Records the commands it runs."""

    def __init__(self, root):
        super(RecordingRunner, self).__init__(root)
        self.seen = []

    def _execute(self, argv, data):
        self.seen.append(argv)
        return super(RecordingRunner, self)._execute(argv, data)


def test_forced_flavour_and_one_list_read(roots):
    runner = RecordingRunner(roots['ovz2'])
    flavour, containers = listing.read_node({'name': 'ovz2', 'flavour': 'legacy'}, runner)
    # forced legacy on a 7 node: the same vzlist read, reported as asked
    assert flavour == 'legacy' and sorted(c['openvz_name'] for c in containers) == ['db1', 'web1']
    assert [os.path.basename(argv[0]) for argv in runner.seen] == ['vzlist']


def test_ssh_failure_of_the_lookup_is_an_error(tmp_path):
    fake = tmp_path / 'ssh'
    fake.write_text('#!/bin/sh\necho "ssh: connect to host 198.18.0.99 port 22: No route to host" >&2\n'
                    'exit 255\n')
    fake.chmod(0o755)
    runner = SshRunner('198.18.0.99', ssh=str(fake))
    with pytest.raises(listing.NodeError, match='Cannot reach root@198.18.0.99 over SSH: ssh: '
                                                'connect to host 198.18.0.99 port 22: No route'):
        listing.read_node({'name': 'n', 'flavour': 'auto'}, runner)


def test_host_key_checking_off_leaves_the_choice_to_ssh_options():
    strict = SshRunner('198.18.0.11')
    loose = SshRunner('198.18.0.11', strict_host_keys=False,
                      options=['-o', 'StrictHostKeyChecking=no'])
    assert 'StrictHostKeyChecking=yes' in strict.base
    assert 'StrictHostKeyChecking=yes' not in loose.base and 'StrictHostKeyChecking=no' in loose.base


def test_close_ends_the_master_connection(tmp_path):
    log = tmp_path / 'argv'
    fake = tmp_path / 'ssh'
    fake.write_text('#!/bin/sh\necho "$@" >> %s\n' % log)
    fake.chmod(0o755)
    SshRunner('198.18.0.11', ssh=str(fake)).close()
    assert not log.exists()
    SshRunner('198.18.0.11', ssh=str(fake), control_path=str(tmp_path / '%C')).close()
    assert log.read_text().split()[-3:] == ['-O', 'exit', 'root@198.18.0.11']
