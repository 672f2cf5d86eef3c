"""Runs the openvz inventory plugin in a process of its own, as ansible-inventory does
(the collection loader installed first), with nodes that are emulated roots.

argv[1]: JSON ``{"collections": path, "roots": {node host: root}, "sources": [paths],
"cache": bool, "direct": bool}``; prints ``{"hosts": {name: {vars, groups}}, "reads":
[node hosts], "error": message or null}``. ``direct`` calls the plugin's own parse (it
raises where InventoryManager would only warn).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.abspath(os.path.join(HERE, '..', '..')))


def main():
    request = json.loads(sys.argv[1])
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([request['collections']])
    from ansible.errors import AnsibleError
    from ansible.inventory.data import InventoryData
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import inventory_loader
    from ansible_collections.openvz.cloud.plugins.inventory import openvz as plugin
    from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError, Runner
    from emulated_host import RootedRunner

    class Unreachable(Runner):
        """What SshRunner raises when ssh cannot connect."""

        def __init__(self, host):
            super(Unreachable, self).__init__()
            self.host = host

        def prefetch(self, names, opt_dirs=()):
            raise CommandError('Cannot reach root@%s over SSH: Connection timed out' % self.host,
                               rc=255)

    reads = []

    def make_runner(self, node):
        reads.append(node['host'])
        root = request['roots'].get(node['host'])
        return RootedRunner(root) if root else Unreachable(node['host'])
    plugin.InventoryModule.make_runner = make_runner

    outcome = {'reads': reads, 'error': None, 'hosts': {}}
    try:
        if request.get('direct'):
            inventory = InventoryData()
            for source in request['sources']:
                inventory_loader.get('openvz.cloud.openvz').parse(
                    inventory, DataLoader(), source, cache=request.get('cache', True))
            hosts = inventory.hosts
        else:
            manager = InventoryManager(DataLoader(), sources=request['sources'],
                                       cache=request.get('cache', True))
            hosts = manager._inventory.hosts
    except AnsibleError as exc:
        outcome['error'] = str(exc)
        hosts = {}
    for name, host in hosts.items():
        outcome['hosts'][name] = {'vars': host.get_vars(),
                                  'groups': sorted(group.name for group in host.get_groups())}
    print(json.dumps(outcome, default=str))


if __name__ == '__main__':
    main()
