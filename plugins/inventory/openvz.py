# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: openvz
short_description: Containers of OpenVZ hardware nodes as inventory hosts
version_added: 1.1.0
description:
  - Lists the containers of a set of OpenVZ hardware nodes (legacy vzctl 4.x and OpenVZ 7/9)
    over SSH, one C(vzlist -a -j) read per node, the nodes read in parallel.
  - Every container becomes a host reached through the C(openvz.cloud.openvz)
    connection plugin (C(vzctl exec2) on legacy nodes, C(prlctl exec) on 7/9) over SSH to its node.
  - On OpenVZ 7/9 the plugin reads C(vzlist -a -j) (vzlist 7) rather than C(prlctl list -a -j), because
    vzlist gives the OS template, memory and disk limits, layout, addresses and hostname in the
    same read, where C(prlctl list) gives only the UUID, status, name and addresses; the legacy
    and 7/9 reads then share one parser.
  - The nodes come from O(nodes), or from O(node_group), a group of an inventory source loaded
    before this one (for example C(-i hypervisors.ini -i openvz.yml)).
  - The inventory file name must end with C(openvz.yml) or C(openvz.yaml).
  - 'Default groups (O(default_groups)): C(openvz) (every container), C(openvz_node_<node>),
    C(openvz_status_<status>) and C(openvz_flavour_<legacy|vz7>), with names made safe for
    Ansible.'
author: openvz.cloud developers (@openvz-cloud)
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; always V(openvz.cloud.openvz).
    type: str
    required: true
    choices: [openvz.cloud.openvz]
  nodes:
    description:
      - The hardware nodes. Each entry is a host name or address, or a dictionary with C(host)
        (required), C(name) (the node's name in the inventory, default C(host)), C(user),
        C(port), C(private_key_file), C(ssh_common_args) and C(flavour).
      - Mutually exclusive with O(node_group); one of the two is required.
    type: list
    elements: raw
  node_group:
    description:
      - A group of an inventory source loaded before this one; its hosts are the nodes. Each
        node's C(ansible_host), C(ansible_user), C(ansible_port),
        C(ansible_ssh_private_key_file) and C(ansible_ssh_common_args) (host and group
        variables) say how to reach it.
    type: str
  flavour:
    description:
      - The OpenVZ line of the nodes. V(auto) detects it per node (C(prlctl) installed means
        V(vz7), as the collection's modules do); a node's own C(flavour) wins.
    type: str
    choices: [auto, legacy, vz7]
    default: auto
  hostname:
    description:
      - How hosts are named. V(name) is the container's name, or its ID when it has none;
        V(id) is its ID (CTID on legacy, UUID on 7/9).
      - A name found on more than one node is qualified as C(<name>@<node>) on every node
        that has it (with a warning), so no container hides another.
    type: str
    choices: [name, id]
    default: name
  status:
    description:
      - Only containers in one of these states (as vzlist prints them, for example
        V(running), V(stopped), V(mounted), V(suspended)). Default is every state.
    type: list
    elements: str
  include_names:
    description: Only containers whose name (or ID when it has none) matches one of these shell patterns.
    type: list
    elements: str
  exclude_names:
    description: Leave out containers whose name (or ID when it has none) matches one of these shell patterns.
    type: list
    elements: str
  include_nodes:
    description: Only read the nodes whose name matches one of these shell patterns.
    type: list
    elements: str
  default_groups:
    description: Add the default groups listed above.
    type: bool
    default: true
  forks:
    description: How many nodes are read at the same time.
    type: int
    default: 10
  on_unreachable:
    description:
      - What a node that cannot be read does. V(fail) fails the inventory source with every
        failed node's error; V(skip) warns per node and lists the containers of the others.
    type: str
    choices: [fail, skip]
    default: fail
  connect_timeout:
    description: SSH connect timeout in seconds (C(ConnectTimeout)).
    type: int
    default: 10
  command_timeout:
    description: How long the container list may take on a node, in seconds.
    type: int
    default: 120
  host_key_checking:
    description:
      - Whether C(ssh) checks the nodes' host keys strictly (C(StrictHostKeyChecking=yes)).
        When false the plugin adds no such option and the node's C(ssh_common_args) or the
        ssh configuration decide.
    type: bool
    default: true
    env:
      - name: ANSIBLE_HOST_KEY_CHECKING
    ini:
      - section: defaults
        key: host_key_checking
notes:
  - Host variables, all prefixed C(openvz_) - C(openvz_id), C(openvz_uuid) (7/9), C(openvz_node),
    C(openvz_status), C(openvz_ips), C(openvz_hostname), C(openvz_ostemplate), C(openvz_cpus),
    C(openvz_ram) (bytes), C(openvz_disk) (the disk hard limit in bytes, as vzlist reports it),
    C(openvz_layout), C(openvz_flavour), C(openvz_node_address), C(openvz_node_user),
    C(openvz_node_port), C(openvz_node_private_key_file), C(openvz_node_ssh_common_args).
  - C(ansible_connection) is C(openvz.cloud.openvz) and C(ansible_host) the container's ID as its
    node knows it (CTID on legacy, UUID on 7/9; on 7/9 a numeric container without a UUID in
    vzlist is reached by its name).
  - With O(cache) on, a cache hit lists the containers without any SSH connection. The cache is
    written only when every node was read.
'''

EXAMPLES = r'''
# openvz.yml: the containers of two nodes, grouped by status and by OS template
plugin: openvz.cloud.openvz
nodes:
  - ovz1.example.org
  - host: 192.0.2.20
    name: ovz2
    user: root
    private_key_file: ~/.ssh/openvz_ed25519
status: [running, stopped]
exclude_names: ['test-*']
keyed_groups:
  - key: openvz_ostemplate
    prefix: os
groups:
  big: openvz_ram >= 2147483648

---
# openvz.yml read after hypervisors.ini (ansible-inventory -i hypervisors.ini -i openvz.yml):
# the nodes are the hosts of its group "hypervisors"
plugin: openvz.cloud.openvz
node_group: hypervisors
on_unreachable: skip
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/openvz-inventory
cache_timeout: 600
'''

import fnmatch
import os
import shlex
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleParserError
from ansible.inventory.helpers import get_group_vars
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import (
    BaseInventoryPlugin, Cacheable, Constructable, to_safe_group_name)
from ansible.utils.vars import combine_vars

from ansible_collections.openvz.cloud.plugins.module_utils._container.listing import (
    NodeError, read_node)
from ansible_collections.openvz.cloud.plugins.module_utils._runner import SshRunner

CONNECTION = 'openvz.cloud.openvz'
NODE_KEYS = ('host', 'name', 'user', 'port', 'private_key_file', 'ssh_common_args', 'flavour')
# node variables of an existing inventory -> node keys
NODE_VARS = (('ansible_host', 'host'), ('ansible_user', 'user'), ('ansible_port', 'port'),
             ('ansible_ssh_private_key_file', 'private_key_file'),
             ('ansible_ssh_common_args', 'ssh_common_args'))


def _matches(value, patterns):
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'openvz.cloud.openvz'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and \
            path.endswith(('openvz.yml', 'openvz.yaml'))

    # -- the seam unit tests replace ---------------------------------------------------------
    def make_runner(self, node):
        options = ['-o', 'ConnectTimeout=%d' % self.get_option('connect_timeout')]
        if node.get('ssh_common_args'):
            options += shlex.split(node['ssh_common_args'])
        # the lookup and the read share one connection (%C: a hash of host, port, user)
        return SshRunner(node['host'], user=node.get('user') or 'root',
                         port=node.get('port') or 22, key_file=node.get('private_key_file'),
                         options=options, timeout=self.get_option('command_timeout'),
                         control_path=os.path.join(self._control_dir, '%C'),
                         strict_host_keys=self.get_option('host_key_checking'))

    def _read_node(self, node):
        runner = self.make_runner(node)
        try:
            return read_node(node, runner)
        finally:
            if hasattr(runner, 'close'):
                runner.close()

    # -- nodes ---------------------------------------------------------------------------
    def _nodes(self):
        listed, group = self.get_option('nodes'), self.get_option('node_group')
        if bool(listed) == bool(group):
            raise AnsibleParserError('openvz inventory: give exactly one of "nodes" and "node_group"')
        nodes = [self._node_entry(entry) for entry in listed] if listed else self._group_nodes(group)
        names = [node['name'] for node in nodes]
        duplicates = sorted(set(name for name in names if names.count(name) > 1))
        if duplicates:
            raise AnsibleParserError('openvz inventory: nodes named twice: %s' % ', '.join(duplicates))
        wanted = self.get_option('include_nodes')
        if wanted:
            nodes = [node for node in nodes if _matches(node['name'], wanted)]
        default = self.get_option('flavour')
        for node in nodes:
            node.setdefault('flavour', default)
            if node['flavour'] not in ('auto', 'legacy', 'vz7'):
                raise AnsibleParserError('openvz inventory: node %s: flavour must be auto, legacy or '
                                         'vz7, not %r' % (node['name'], node['flavour']))
        return nodes

    @staticmethod
    def _node_entry(entry):
        if isinstance(entry, str):
            entry = {'host': entry}
        if not isinstance(entry, dict) or not entry.get('host'):
            raise AnsibleParserError('openvz inventory: each of "nodes" is a host name or a '
                                     'dictionary with "host", not %r' % (entry,))
        unknown = sorted(set(entry) - set(NODE_KEYS))
        if unknown:
            raise AnsibleParserError('openvz inventory: node %s: unknown keys %s (known: %s)'
                                     % (entry['host'], ', '.join(unknown), ', '.join(NODE_KEYS)))
        node = dict((key, value) for key, value in entry.items() if value is not None)
        node['host'] = str(node['host'])
        node.setdefault('name', node['host'])
        if 'port' in node:
            try:
                node['port'] = int(node['port'])
            except (TypeError, ValueError):
                raise AnsibleParserError('openvz inventory: node %s: port %r is not a number'
                                         % (node['name'], node['port']))
        return node

    def _group_nodes(self, name):
        group = self.inventory.groups.get(name)
        if group is None:
            raise AnsibleParserError('openvz inventory: node_group %r is not a group of the inventory '
                                     'sources loaded before this one (give them first with -i)' % name)
        nodes = []
        for host in sorted(group.get_hosts(), key=lambda item: item.name):
            variables = combine_vars(get_group_vars(host.get_groups()), host.get_vars())
            entry = {'name': host.name, 'host': host.name}
            for var, key in NODE_VARS:
                if variables.get(var) not in (None, ''):
                    entry[key] = variables[var]
            nodes.append(self._node_entry(entry))
        return nodes

    # -- reading -------------------------------------------------------------------------
    def _read_nodes(self, nodes):
        """``({node name: {flavour, containers}}, {node name: error})``, nodes in parallel."""
        read, failed = {}, {}
        if not nodes:
            return read, failed
        workers = max(1, min(self.get_option('forks'), len(nodes)))
        self._control_dir = tempfile.mkdtemp(prefix='openvz-inventory-')
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [(node, pool.submit(self._read_node, node)) for node in nodes]
                for node, future in futures:
                    try:
                        flavour, containers = future.result()
                    except NodeError as exc:
                        failed[node['name']] = to_native(exc)
                        continue
                    read[node['name']] = {'flavour': flavour, 'containers': containers}
        finally:
            shutil.rmtree(self._control_dir, ignore_errors=True)
        return read, failed

    def _report_failures(self, failed):
        if not failed:
            return
        lines = ['node %s: %s' % (name, failed[name]) for name in sorted(failed)]
        if self.get_option('on_unreachable') == 'fail':
            raise AnsibleParserError('openvz inventory: %d node(s) could not be read:\n%s'
                                     % (len(failed), '\n'.join(lines)))
        for line in lines:
            self.display.warning('openvz inventory: skipped %s' % line)

    # -- hosts ---------------------------------------------------------------------------
    def _wanted(self, variables):
        label = variables['openvz_name'] or variables['openvz_id']
        statuses = self.get_option('status')
        if statuses and variables['openvz_status'] not in statuses:
            return False
        include, exclude = self.get_option('include_names'), self.get_option('exclude_names')
        if include and not _matches(label, include):
            return False
        return not (exclude and _matches(label, exclude))

    def _host_names(self, entries):
        """``{(node, id): host name}``; a name on several nodes becomes ``<name>@<node>``."""
        by_id = self.get_option('hostname') == 'id'
        base = dict(((node, var['openvz_id']), var['openvz_id'] if by_id else
                     (var['openvz_name'] or var['openvz_id'])) for node, var in entries)
        nodes_of = {}
        for (node, _ctid), name in base.items():
            nodes_of.setdefault(name, set()).add(node)
        shared = sorted(name for name, owners in nodes_of.items() if len(owners) > 1)
        if shared:
            shown = ', '.join(shared[:10]) + (' and %d more' % (len(shared) - 10)
                                              if len(shared) > 10 else '')
            self.display.warning('openvz inventory: %s found on several nodes; named <name>@<node>'
                                 % shown)
        return dict((key, '%s@%s' % (name, key[0]) if name in shared else name)
                    for key, name in base.items())

    def _populate(self, nodes, read):
        by_name = dict((node['name'], node) for node in nodes)
        entries = [(name, variables) for name in sorted(read)
                   for variables in read[name]['containers'] if self._wanted(variables)]
        names = self._host_names(entries)
        strict = self.get_option('strict')
        defaults = self.get_option('default_groups')
        if defaults:
            self.inventory.add_group('openvz')
        for node_name, variables in entries:
            node = by_name[node_name]
            host = names[(node_name, variables['openvz_id'])]
            hostvars = dict(variables, openvz_node=node_name, ansible_connection=CONNECTION,
                            ansible_host=self._container_address(variables),
                            openvz_node_address=node['host'],
                            openvz_node_user=node.get('user') or 'root',
                            openvz_node_port=node.get('port') or 22)
            for key in ('private_key_file', 'ssh_common_args'):
                if node.get(key):
                    hostvars['openvz_node_' + key] = node[key]
            self.inventory.add_host(host)
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            if defaults:
                for group in ('openvz', 'openvz_node_%s' % node_name,
                              'openvz_status_%s' % variables['openvz_status'],
                              'openvz_flavour_%s' % variables['openvz_flavour']):
                    self.inventory.add_child(self.inventory.add_group(to_safe_group_name(group)), host)
            self._set_composite_vars(self.get_option('compose'), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host,
                                           strict=strict)

    @staticmethod
    def _container_address(variables):
        """What ``vzctl exec2`` / ``prlctl exec`` takes: the CTID, or on 7/9 the UUID (prlctl
        finds a container by UUID or name, not by a numeric ID: OpenVZ/prlctl src/PrlSrv.cpp)."""
        if variables['openvz_flavour'] == 'vz7' and not variables['openvz_uuid']:
            return variables['openvz_name'] or variables['openvz_id']
        return variables['openvz_uuid'] or variables['openvz_id']

    # -- entry point -----------------------------------------------------------------------
    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path)
        self._read_config_data(path)
        nodes = self._nodes()
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        read = None
        if use_cache:
            try:
                read = self._cache[cache_key]
            except KeyError:
                update_cache = True
            else:
                if not isinstance(read, dict) or set(read) != set(node['name'] for node in nodes):
                    read, update_cache = None, True
        if read is None:
            read, failed = self._read_nodes(nodes)
            self._report_failures(failed)
            if update_cache and not failed:
                self._cache[cache_key] = read
        self._populate(nodes, read)
