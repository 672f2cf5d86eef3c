# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux bridges (CloudStack's ``cloudbr0``/``cloudbr1``): read one from ``ip -j`` output and
bring it to the wanted ports, STP, MTU, IPv6, address and gateway without cutting the
connection the module runs over.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.cloud.plugins.module_utils import _validate
from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition
from ansible_collections.openvz.cloud.plugins.module_utils._net import names, persist
from ansible_collections.openvz.cloud.plugins.module_utils._net.ip import (
    IpClient, NetError, bridge_record, default_route, managed_addresses, read_links, read_routes)
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner


def management_address_from_env(environ):
    """Server address of the SSH connection (``SSH_CONNECTION=client cport server sport``)."""
    fields = (environ.get('SSH_CONNECTION') or '').split()
    return fields[2] if len(fields) == 4 else None


class BridgeRuntime(object):
    """Reads one bridge from ``ip -j`` output and brings it to the wanted state."""

    def __init__(self, client):
        self.client = client
        self.links = {}
        self.routes = []
        self.actions = []

    def load(self):
        self.links = read_links(self.client)
        self.routes = read_routes(self.client)

    def snapshot(self, name):
        """The bridge as the diff and the result show it; None when there is no such bridge."""
        link = self.links.get(name)
        if not link or link['kind'] != 'bridge':
            return None
        record = bridge_record(self.links, name)
        disabled = self.client.ipv6_disabled(name)
        record['ipv6'] = None if disabled is None else not disabled
        route = default_route(self.routes)
        record['gateway'] = route.get('gateway') if route and route.get('dev') == name else None
        return record

    def _do(self, action, args, unless=None):
        self.actions.append(action)
        self.client.change(args, unless=unless)

    # -- present ----------------------------------------------------------------------
    def ensure_present(self, wanted):
        """Apply ``wanted`` (name, ports, stp, forward_delay, mtu, ipv6, address, gateway).

        Every safety check runs before the first change, so a refusal changes nothing.
        """
        name = wanted['name']
        link = self.links.get(name)
        if link and link['kind'] != 'bridge':
            raise NetError('%s exists and is a %s device, not a bridge' % (name, link['kind'] or 'plain'))
        current_ports = [port for port in sorted(self.links) if self.links[port]['master'] == name]
        wanted_ports = wanted.get('ports')
        new_ports = [port for port in wanted_ports or [] if port not in current_ports]
        released = [port for port in current_ports
                    if wanted_ports is not None and port not in wanted_ports
                    and not names.is_container_veth(port)]
        self._check_new_ports(name, new_ports)
        move = self._plan_address(wanted, new_ports)
        holder = move.get('holder') if move else None
        self._check_ports_carry_nothing(name, [port for port in new_ports if port != holder])
        self._check_default_route(wanted, released)
        self._check_ipv6_addresses(wanted, link)

        snapshot = self.snapshot(name)
        stp_args = self._stp_args(wanted, snapshot)
        if snapshot is None:
            args = ['link', 'add', 'name', name]
            if holder:
                # The bridge keeps the NIC's MAC: neighbours' ARP caches stay right.
                args += ['address', move['mac']]
            self._do('add bridge %s' % name, args + ['type', 'bridge'] + stp_args)
        elif stp_args:
            self._do('set stp/forward_delay of %s' % name, ['link', 'set', 'dev', name, 'type', 'bridge'] + stp_args)
        self._ensure_ipv6(name, wanted.get('ipv6'), snapshot)
        for port in released:
            self._do('release %s from %s' % (port, name), ['link', 'set', 'dev', port, 'nomaster'])
        for port in new_ports:
            if port == holder:
                continue
            self._do('enslave %s to %s' % (port, name), ['link', 'set', 'dev', port, 'master', name])
            if not self.links[port]['up']:
                self._do('set %s up' % port, ['link', 'set', 'dev', port, 'up'])
        if wanted.get('mtu') and (snapshot is None or snapshot['mtu'] != wanted['mtu']):
            self._do('set mtu %s on %s' % (wanted['mtu'], name), ['link', 'set', 'dev', name, 'mtu', wanted['mtu']])
        if snapshot is None or not link['up']:
            self._do('set %s up' % name, ['link', 'set', 'dev', name, 'up'])
        self._apply_address(wanted, move, snapshot)
        return self.actions

    def _check_new_ports(self, name, new_ports):
        for port in new_ports:
            link = self.links.get(port)
            if link is None:
                raise NetError('Port %s of bridge %s does not exist on this host' % (port, name))
            if port == name or link['kind'] == 'bridge':
                raise NetError('%s is a bridge; a bridge cannot be a port of bridge %s' % (port, name))
            if link['master'] not in (None, name):
                raise NetError('%s is already a port of %s; release it there first' % (port, link['master']))

    def _check_ports_carry_nothing(self, name, ports):
        for port in ports:
            addresses = [a['cidr'] for a in managed_addresses(self.links[port])]
            if addresses:
                raise NetError(
                    'Port %s carries %s: enslaving it to %s would cut traffic to that address. '
                    'Give the address as address: to move it to the bridge in the same step, '
                    'or remove it from %s first' % (port, ', '.join(addresses), name, port))
            via = [route['dst'] for route in self.routes
                   if route.get('dev') == port and route.get('protocol') != 'kernel']
            if via:
                raise NetError('Routes %s go via %s, which would become a port of %s; move them first'
                               % (', '.join(via), port, name))

    def _check_default_route(self, wanted, released):
        route = default_route(self.routes)
        if route and route.get('dev') in released:
            raise NetError('The default route goes via %s, which ports: would release from %s'
                           % (route['dev'], wanted['name']))

    @staticmethod
    def _check_ipv6_addresses(wanted, link):
        global_v6 = [a['cidr'] for a in (link or {}).get('addresses', [])
                     if a['family'] == 'inet6' and a['scope'] == 'global']
        if wanted.get('ipv6') is False and global_v6:
            raise NetError('Bridge %s carries the IPv6 addresses %s; disabling IPv6 would remove them. '
                           'Set ipv6: true to keep IPv6 on this bridge' % (wanted['name'], ', '.join(global_v6)))

    def _plan_address(self, wanted, new_ports):
        """None, or how to put ``address`` on the bridge: add, replace (other prefix), move."""
        address = wanted.get('address')
        if not address:
            return None
        name = wanted['name']
        ip, prefix = address.split('/')
        for link in self.links.values():
            for addr in link['addresses']:
                if addr['address'] != ip:
                    continue
                if link['name'] == name:
                    return None if str(addr['prefix']) == prefix else {'kind': 'replace', 'old': addr['cidr']}
                return self._plan_move(wanted, link, addr, new_ports)
        return {'kind': 'add'}

    def _plan_move(self, wanted, link, addr, new_ports):
        name = wanted['name']
        holder = link['name']
        if holder not in new_ports:
            raise NetError('Address %s is on %s, which is not a new port of %s: list %s in ports: to move '
                           'the address with it, or remove the address from %s first'
                           % (addr['address'], holder, name, holder, holder))
        others = [a['cidr'] for a in managed_addresses(link) if a['address'] != addr['address']]
        if others:
            raise NetError('%s also carries %s, which address: does not move; enslaving %s would cut '
                           'traffic to it. Move or remove those addresses first' % (holder, ', '.join(others), holder))
        via = [route['dst'] for route in self.routes if route.get('dev') == holder
               and route.get('protocol') != 'kernel' and route.get('dst') != 'default']
        if via:
            raise NetError('Routes %s go via %s and would be lost when its address moves to %s; '
                           'move them first' % (', '.join(via), holder, name))
        route = default_route(self.routes)
        if route and route.get('dev') == holder and not wanted.get('gateway'):
            raise NetError('The default route goes via %s (gateway %s), which becomes a port of %s: give '
                           'gateway: so the route moves to the bridge in the same step'
                           % (holder, route.get('gateway'), name))
        return {'kind': 'move', 'holder': holder, 'old': addr['cidr'], 'mac': link['mac'],
                'old_gateway': route.get('gateway') if route and route.get('dev') == holder else None}

    def _stp_args(self, wanted, snapshot):
        args = []
        if wanted.get('stp') is not None and (snapshot is None or snapshot['stp'] != wanted['stp']):
            args += ['stp_state', '1' if wanted['stp'] else '0']
        delay = wanted.get('forward_delay')
        if delay is not None and (snapshot is None or snapshot['forward_delay'] != delay):
            args += ['forward_delay', str(delay * 100)]
        return args

    def _ensure_ipv6(self, name, enabled, snapshot):
        if enabled is None:
            return
        if snapshot is None or (snapshot['ipv6'] is not None and snapshot['ipv6'] != enabled):
            if snapshot is None and not self.client.check_mode and self.client.ipv6_disabled(name) is None:
                return  # kernel without IPv6
            self.actions.append('%s ipv6 on %s' % ('enable' if enabled else 'disable', name))
            self.client.set_ipv6(name, enabled)

    def _apply_address(self, wanted, move, snapshot):
        name = wanted['name']
        address = wanted.get('address')
        gateway = wanted.get('gateway')
        gateway_changes = bool(gateway) and (snapshot is None or snapshot['gateway'] != gateway)
        route_line = ['route', 'replace', 'default', 'via', gateway, 'dev', name]
        if move and move['kind'] == 'move':
            self._move_address(name, address, move, route_line if gateway else None)
            return
        lines = []
        if move and move['kind'] == 'replace':
            lines.append(['addr', 'del', move['old'], 'dev', name])
        if move:
            lines.append(['addr', 'add', address, 'dev', name])
        if gateway_changes:
            lines.append(route_line)
        if lines:
            self.actions.append('set address %s%s on %s' % (address or '', ' gateway %s' % gateway if gateway else '', name))
            self.client.batch(lines)

    def _move_address(self, name, address, move, route_line):
        """One ``ip -batch``: the address is on the bridge before the NIC loses it; rolled back on failure."""
        holder = move['holder']
        lines = [['addr', 'add', address, 'dev', name],
                 ['link', 'set', 'dev', holder, 'master', name]]
        if route_line:
            lines.append(route_line)
        lines.append(['addr', 'del', move['old'], 'dev', holder])
        self.actions.append('move %s from %s to %s' % (address, holder, name))
        try:
            self.client.batch(lines)
        except NetError as exc:
            rollback = [['link', 'set', 'dev', holder, 'nomaster'],
                        ['addr', 'add', move['old'], 'dev', holder]]
            if move['old_gateway']:
                rollback.append(['route', 'replace', 'default', 'via', move['old_gateway'], 'dev', holder])
            rollback.append(['addr', 'del', address, 'dev', name])
            self.client.forced_batch(rollback)
            exc.msg += ' (rolled back: %s keeps %s)' % (holder, move['old'])
            raise

    # -- absent -----------------------------------------------------------------------
    def ensure_absent(self, name, force=False, management_address=None):
        link = self.links.get(name)
        if link is None:
            return self.actions
        if link['kind'] != 'bridge':
            raise NetError('%s is a %s device, not a bridge; refusing to delete it' % (name, link['kind'] or 'plain'))
        snapshot = self.snapshot(name)
        veths = [port for port in snapshot['ports'] if names.is_container_veth(port)]
        if veths and not force:
            raise NetError('Bridge %s still has container veths %s; move or stop those containers, or set '
                           'force: true' % (name, ', '.join(veths)))
        if management_address and management_address in [a['address'] for a in link['addresses']]:
            raise NetError('Bridge %s carries the management address %s (the address this Ansible '
                           'connection came in on); removing it would cut the connection' % (name, management_address))
        self._do('set %s down' % name, ['link', 'set', 'dev', name, 'down'])
        self._do('delete bridge %s' % name, ['link', 'del', 'dev', name])
        return self.actions


BRIDGE_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    ports=dict(type='list', elements='str'),
    stp=dict(type='bool'),
    forward_delay=dict(type='int'),
    mtu=dict(type='int'),
    ipv6=dict(type='bool', default=False),
    address=dict(type='str'),
    gateway=dict(type='str'),
    force=dict(type='bool', default=False),
    management_address=dict(type='str'),
)

_BRIDGE_KEYS = ('stp', 'forward_delay', 'mtu', 'ipv6', 'gateway')


def _ipv4(text, what, with_prefix):
    """``text`` canonical (``_validate.ip_address``); ValueError unless IPv4 (with a prefix
    when ``with_prefix``): ifcfg IPADDR/PREFIX and the address move are IPv4 only."""
    try:
        value = _validate.ip_address(text, what, prefix='required' if with_prefix else 'refused')
        if ':' in value:
            raise ValueError(value)
    except ValueError:
        raise ValueError('%s %r is not an IPv4 %s' % (what, text, 'address/prefix (e.g. 198.18.0.2/24)'
                                                      if with_prefix else 'address'))
    return value


def bridge_wanted(params):
    """Validated wanted state from the module parameters (ValueError on bad input)."""
    names.check_ifname(params['name'], 'bridge')
    for port in params.get('ports') or []:
        names.check_ifname(port, 'port')
        if port == params['name']:
            raise ValueError('Bridge %s cannot be its own port' % port)
    address = _ipv4(params['address'], 'address', True) if params.get('address') else None
    gateway = _ipv4(params['gateway'], 'gateway', False) if params.get('gateway') else None
    if params.get('mtu') is not None and not 68 <= params['mtu'] <= 65535:
        raise ValueError('mtu %s is out of range 68-65535' % params['mtu'])
    if params.get('forward_delay') is not None and not 0 <= params['forward_delay'] <= 30:
        raise ValueError('forward_delay %s is out of range 0-30 seconds' % params['forward_delay'])
    wanted = dict((key, params.get(key)) for key in _BRIDGE_KEYS)
    wanted.update(name=params['name'], address=address, gateway=gateway,
                  ports=None if params.get('ports') is None else list(dict.fromkeys(params['ports'])))
    return wanted


def predicted_bridge(before, wanted):
    """What the bridge will look like after ``wanted`` is applied (check mode)."""
    after = dict(before or {'name': wanted['name'], 'ports': [], 'mtu': 1500, 'addresses': [],
                            'stp': False, 'forward_delay': 15, 'mac': None, 'ipv6': True, 'gateway': None})
    after['state'] = 'up'
    if wanted.get('ports') is not None:
        veths = [port for port in after['ports'] if names.is_container_veth(port)]
        after['ports'] = sorted(set(wanted['ports']) | set(veths))
    for key in _BRIDGE_KEYS:
        if wanted.get(key) is not None:
            after[key] = wanted[key]
    if wanted.get('address'):
        ip = wanted['address'].split('/')[0]
        after['addresses'] = [a for a in after['addresses'] if a.split('/')[0] != ip] + [wanted['address']]
    return after


def run_bridge_module(module, runner=None, environ=None):
    """openvz.cloud.bridge: returns the exit_json keyword arguments."""
    runner = runner or ModuleRunner(module)
    environ = os.environ if environ is None else environ
    params = module.params
    name = params['name']
    present = params['state'] == 'present'
    client = IpClient(runner, check_mode=module.check_mode)
    runtime = BridgeRuntime(client)
    wanted = bridge_wanted(params)
    runtime.load()
    before = runtime.snapshot(name)
    if present:
        runtime.ensure_present(wanted)
    else:
        runtime.ensure_absent(name, force=params['force'],
                              management_address=params['management_address'] or management_address_from_env(environ))
    after = before
    if runtime.actions:
        if module.check_mode:
            after = predicted_bridge(before, wanted) if present else None
        else:
            runtime.load()
            after = runtime.snapshot(name)
    changes, system = [], None
    if params['persistent']:
        spec = dict(wanted)
        if present:
            if spec['ports'] is None:
                spec['ports'] = [p for p in (after or {}).get('ports', []) if not names.is_container_veth(p)]
            for key in ('stp', 'forward_delay'):
                if spec[key] is None and after:
                    spec[key] = after[key]
        changes, system, _directory = persist.persist(
            module, params, lambda system, directory: persist.bridge_files(system, directory, spec, present),
            ifupdown_names=[name] + (spec['ports'] or []))
    result = dict(changed=bool(runtime.actions or changes), bridge=after, actions=runtime.actions,
                  commands=client.commands, files=[change['path'] for change in changes], config_system=system)
    if module._diff:
        result['diff'] = persist.runtime_diff('bridge %s (runtime)' % name, before, after, changes)
    return result


BRIDGE_MODULE = ModuleDefinition(persist.with_persist_options(BRIDGE_ARGUMENT_SPEC), run_bridge_module,
                                 errors=(ValueError, persist.PersistError))
