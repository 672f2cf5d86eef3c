# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VLAN bridges as CloudStack's ``scripts/vm/network/vnet/modifyvlan.sh`` makes them:
VLAN device ``<trunk>.<vid>`` and bridge ``br<trunk>-<vid>``, IPv6 off on both, the
device enslaved to the bridge.

On OpenVZ 7/9 hosts the bridge also gets a bridged virtual network bound to it (``_net.vnets``).

Shared API (stable): ensure_vlan_bridge(); vlan_bridge_name() is in ``_net.names``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._net import names, persist, vnets
from ansible_collections.openvz.cloud.plugins.module_utils._net.ip import IpClient, NetError, read_links
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner

VLAN_ARGUMENT_SPEC = dict(
    trunk=dict(type='str', required=True),
    vlan_id=dict(type='int', required=True, aliases=['vlan']),
    bridge=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
    network=dict(type='str'),
)


def ensure_vlan_bridge(runner, trunk, vlan_id, check_mode=False, bridge=None):
    """modifyvlan.sh ``-o add``: VLAN device, IPv6 off, up; bridge, IPv6 off, up; enslave;
    on 7/9 a bridged virtual network bound to the bridge.

    Reads the links once (``ip -j -d link show``); each step that fails is forgiven when
    another process did it meanwhile. Returns dict(changed, bridge, vlan_device, network,
    actions, commands); VLAN 4095 returns changed False, bridge None, skipped True. Raises
    ValueError for bad names or ids and CommandError (``_net.ip.NetError``) when a step fails.
    """
    pair = names.vlan_names(trunk, vlan_id, bridge)
    if pair is None:
        return dict(changed=False, bridge=None, vlan_device=None, network=None, actions=[],
                    commands=[], skipped=True)
    client = IpClient(runner, check_mode=check_mode)
    actions = add_vlan_bridge(client, trunk, names.check_vlan_id(vlan_id), pair[0], pair[1], client.links())
    registered = vnets.ensure_bridged_network(runner, pair[1], check_mode=check_mode)
    actions += registered['actions']
    return dict(changed=bool(actions), bridge=pair[1], vlan_device=pair[0], network=registered['network'],
                actions=actions, commands=client.commands + registered['commands'])


def add_vlan_bridge(client, trunk, vid, device, bridge, links):
    """The steps of ``ensure_vlan_bridge`` given the current ``links``; returns the actions."""
    actions = []
    if trunk not in links:
        raise NetError('The trunk device %s does not exist on this host' % trunk)
    if device not in links:
        client.load_8021q()
        client.change(['link', 'add', 'link', trunk, 'name', device, 'type', 'vlan', 'id', vid],
                      unless=lambda: client.link(device) is not None)
        actions.append('add vlan device %s' % device)
    actions += _ipv6_off_and_up(client, device, links.get(device))
    if bridge not in links:
        client.change(['link', 'add', 'name', bridge, 'type', 'bridge'],
                      unless=lambda: client.link(bridge) is not None)
        actions.append('add bridge %s' % bridge)
    actions += _ipv6_off_and_up(client, bridge, links.get(bridge))
    if (links.get(device) or {}).get('master') != bridge:
        client.change(['link', 'set', 'dev', device, 'master', bridge],
                      unless=lambda: (client.link(device) or {}).get('master') == bridge)
        actions.append('enslave %s to %s' % (device, bridge))
    return actions


def _ipv6_off_and_up(client, dev, link):
    actions = []
    # A device created in check mode is not there to read: plan both steps.
    planned = link is None and client.check_mode
    if planned or client.ipv6_disabled(dev) is False:
        client.set_ipv6(dev, enabled=False)
        actions.append('disable ipv6 on %s' % dev)
    if link is None or not link['up']:
        client.change(['link', 'set', 'dev', dev, 'up'])
        actions.append('set %s up' % dev)
    return actions


def remove_vlan_bridge(client, device, bridge, links):
    """modifyvlan.sh ``-o delete``: delete the VLAN device, bridge down, delete the bridge."""
    actions = []
    if device in links:
        client.change(['link', 'del', 'dev', device], unless=lambda: client.link(device) is None)
        actions.append('delete vlan device %s' % device)
    if bridge in links:
        client.change(['link', 'set', 'dev', bridge, 'down'], unless=lambda: client.link(bridge) is None)
        client.change(['link', 'del', 'dev', bridge], unless=lambda: client.link(bridge) is None)
        actions.append('delete bridge %s' % bridge)
    return actions


def _network(runner, bridge, wanted_name):
    """Name of the 7/9 virtual network bound to ``bridge`` (None: none, or a legacy host)."""
    tool = vnets.prlsrvctl(runner)
    if tool is None:
        if wanted_name:
            raise NetError('network %s: virtual networks are an OpenVZ 7/9 concept; this host has '
                           'no prlsrvctl (legacy containers join the bridge itself)' % wanted_name)
        return None
    bound = vnets.network_of_bridge(vnets.read_networks(runner, tool), bridge)
    return bound['name'] if bound else None


def vlan_record(links, trunk, vid, device, bridge, network=None):
    bridge_link = links.get(bridge)
    return {
        'trunk': trunk, 'vlan_id': vid, 'device': device, 'bridge': bridge, 'network': network,
        'device_present': device in links, 'bridge_present': bool(bridge_link),
        'ports': sorted(name for name, link in links.items() if link.get('master') == bridge),
        'mtu': bridge_link['mtu'] if bridge_link else None,
        'state': bridge_link['state'] if bridge_link else None,
    }


def run_vlan_module(module, runner=None):
    """openvz.cloud.vlan: returns the exit_json keyword arguments."""
    runner = runner or ModuleRunner(module)
    params = module.params
    pair = names.vlan_names(params['trunk'], params['vlan_id'], params.get('bridge'))
    if pair is None:
        return dict(changed=False, skipped=True, actions=[], commands=[], files=[],
                    msg='VLAN 4095 is skipped, as CloudStack skips it', vlan=None)
    device, bridge = pair
    trunk, vid = params['trunk'], params['vlan_id']
    present = params['state'] == 'present'
    client = IpClient(runner, check_mode=module.check_mode)
    links = read_links(client)
    before = vlan_record(links, trunk, vid, device, bridge, _network(runner, bridge, params.get('network')))
    net_commands = []
    if present:
        actions = add_vlan_bridge(client, trunk, vid, device, bridge, links)
        registered = vnets.ensure_bridged_network(runner, bridge, module.check_mode, params.get('network'))
        actions += registered['actions']
        net_commands = registered['commands']
    else:
        veths = [port for port in before['ports'] if names.is_container_veth(port)]
        if veths and not params['force']:
            raise NetError('Bridge %s still has container veths %s; move or stop those containers, or set '
                           'force: true' % (bridge, ', '.join(veths)))
        actions, net_commands = vnets.remove_bridged_network(runner, bridge, module.check_mode)
        actions += remove_vlan_bridge(client, device, bridge, links)
    after = before
    if actions:
        if module.check_mode:
            after = dict(before, device_present=present, bridge_present=present,
                         ports=sorted(set(before['ports']) | set([device])) if present else [],
                         network=(registered['network'] if present else None))
        else:
            after = vlan_record(read_links(client), trunk, vid, device, bridge,
                                _network(runner, bridge, params.get('network')))
    changes, system = [], None
    if params['persistent']:
        changes, system, _directory = persist.persist(
            module, params, lambda system, directory: persist.vlan_files(
                system, directory, trunk, vid, device, bridge, present),
            ifupdown_names=[device, bridge])
    # in the order they ran: the network goes before the bridge, comes after it
    commands = client.commands + net_commands if present else net_commands + client.commands
    result = dict(changed=bool(actions or changes), vlan=after, actions=actions, commands=commands,
                  files=[change['path'] for change in changes], config_system=system)
    if module._diff:
        result['diff'] = persist.runtime_diff('vlan %s on %s (runtime)' % (vid, trunk), before, after, changes)
    return result


VLAN_MODULE = ModuleDefinition(persist.with_persist_options(VLAN_ARGUMENT_SPEC), run_vlan_module,
                               errors=(ValueError, persist.PersistError))
