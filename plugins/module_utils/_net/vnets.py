# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenVZ 7/9 virtual networks (``prlsrvctl net``) bound to the collection's bridges.

On 7/9 a container NIC joins a virtual network, and a bridged network is bound to one host
adapter (prlsrvctl(8): ``net add <vnetwork_id> -i <iface> -t bridged``). A VLAN bridge
``br<trunk>-<vid>`` therefore gets a bridged network of the same name bound to it, so prlctl,
``prlctl list -i`` and vznetcfg (which, with ``NETWORK_TYPE=bridge``, takes the network name
as the bridge name) all see the VLAN. Hosts without prlsrvctl (legacy) have no networks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._net.ip import NetError


def prlsrvctl(runner):
    """Path of prlsrvctl, None on a host without it (legacy)."""
    return runner.find('prlsrvctl', required=False)


def read_networks(runner, tool=None):
    """``prlsrvctl net list -j`` as a list of {name, type, bound, bridge}."""
    tool = tool or runner.find('prlsrvctl')
    data = runner.run_json([tool, 'net', 'list', '-j']) or []
    return [dict(name=item.get('Network ID'), type=item.get('Type'), bound=item.get('Bound To'),
                 bridge=item.get('Bridge'))
            for item in data if isinstance(item, dict) and item.get('Network ID')]


def network_of_bridge(networks, bridge):
    """The network bound to ``bridge`` (or using it), None when there is none."""
    for network in networks:
        if network['bound'] == bridge or network['bridge'] == bridge:
            return network
    return None


def ensure_bridged_network(runner, bridge, check_mode=False, name=None):
    """A bridged network bound to ``bridge``; one already bound to it (any name) is kept.

    Returns dict(network, actions, commands); network is None on hosts without prlsrvctl.
    Raises NetError when ``name`` is taken by a network bound elsewhere.
    """
    tool = prlsrvctl(runner)
    if tool is None:
        return dict(network=None, actions=[], commands=[])
    name = name or bridge
    networks = read_networks(runner, tool)
    bound = network_of_bridge(networks, bridge)
    if bound is not None:
        return dict(network=bound['name'], actions=[], commands=[])
    taken = [network for network in networks if network['name'] == name]
    if taken:
        raise NetError('The virtual network %s exists but is bound to %s, not to %s; give the '
                       'VLAN another network name or rebind it (prlsrvctl net set %s -i %s)'
                       % (name, taken[0]['bound'], bridge, name, bridge))
    argv = [tool, 'net', 'add', name, '-i', bridge, '-t', 'bridged']
    if not check_mode:
        runner.run(argv)
    return dict(network=name, actions=['add virtual network %s' % name], commands=[argv])


def remove_bridged_network(runner, bridge, check_mode=False):
    """Delete the network bound to ``bridge`` (before the bridge goes). Returns (actions, commands)."""
    tool = prlsrvctl(runner)
    if tool is None:
        return [], []
    bound = network_of_bridge(read_networks(runner, tool), bridge)
    if bound is None:
        return [], []
    argv = [tool, 'net', 'del', bound['name']]
    if not check_mode:
        runner.run(argv)
    return ['delete virtual network %s' % bound['name']], [argv]
