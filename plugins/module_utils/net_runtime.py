# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runtime host networking through iproute2, /sys/class/net and /proc/sys/net/ipv6.

Shared API (stable): vlan_bridge_name(), ensure_vlan_bridge(), list_bridges().
References: cloudstack.md section 7 (bridge names, modifyvlan.sh steps).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.openvz.cloud.plugins.module_utils import net_names
from ansible_collections.openvz.cloud.plugins.module_utils.errors import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils.files import read_text

C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C'}
SYS_CLASS_NET = '/sys/class/net'
PROC_IPV6_CONF = '/proc/sys/net/ipv6/conf'
PROC_NET_VLAN = '/proc/net/vlan'
IFF_UP = 0x1


class NetError(CommandError):
    """A network command failed or a request is unsafe."""


class IpClient(object):
    """Runs ``ip`` and touches /sys and /proc; records every change, skips them in check mode."""

    def __init__(self, module, check_mode=False, sys_class_net=None, proc_ipv6_conf=None):
        self.module = module
        self.check_mode = check_mode
        self.ip_bin = module.get_bin_path('ip', required=True, opt_dirs=['/usr/sbin', '/sbin'])
        self.sys_class_net = sys_class_net or SYS_CLASS_NET
        self.proc_ipv6_conf = proc_ipv6_conf or PROC_IPV6_CONF
        self.commands = []

    # -- commands ---------------------------------------------------------------------
    def run(self, args, data=None):
        argv = [self.ip_bin] + [str(arg) for arg in args]
        if data is None:
            return argv, self.module.run_command(argv, environ_update=C_LOCALE)
        return argv, self.module.run_command(argv, data=data, binary_data=True, environ_update=C_LOCALE)

    def query_json(self, args):
        argv, (rc, out, err) = self.run(['-j'] + list(args))
        if rc != 0:
            raise NetError('%s failed (rc %s): %s' % (' '.join(argv), rc, (err or out).strip()),
                           cmd=argv, rc=rc, stdout=out, stderr=err)
        try:
            return json.loads(out) if out.strip() else []
        except ValueError as exc:
            raise NetError('%s printed output that is not JSON (iproute2 too old for -j?): %s'
                           % (' '.join(argv), exc), cmd=argv, rc=rc, stdout=out, stderr=err)

    def change(self, args, unless=None):
        """Run ``ip <args>`` unless in check mode. A failure is forgiven when ``unless()``
        is then true (someone else did the same step concurrently)."""
        self.commands.append([self.ip_bin] + [str(arg) for arg in args])
        if self.check_mode:
            return
        argv, (rc, out, err) = self.run(args)
        if rc != 0 and not (unless and unless()):
            raise NetError('%s failed (rc %s): %s' % (' '.join(argv), rc, (err or out).strip()),
                           cmd=argv, rc=rc, stdout=out, stderr=err)

    def batch(self, lines):
        """Run several ``ip`` commands in one process (``ip -batch -``), stopping at the first error."""
        text = ''.join(' '.join(line) + '\n' for line in lines)
        self.commands.append([self.ip_bin, '-batch', '-'] + [' '.join(line) for line in lines])
        if self.check_mode:
            return
        argv, (rc, out, err) = self.run(['-batch', '-'], data=text)
        if rc != 0:
            raise NetError('ip -batch failed (rc %s): %s' % (rc, (err or out).strip()),
                           cmd=argv + lines, rc=rc, stdout=out, stderr=err)

    def forced_batch(self, lines):
        """Best effort (``ip -force -batch``): used to roll back a failed batch."""
        self.commands.append([self.ip_bin, '-force', '-batch', '-'] + [' '.join(line) for line in lines])
        self.run(['-force', '-batch', '-'], data=''.join(' '.join(line) + '\n' for line in lines))

    # -- /sys and /proc ---------------------------------------------------------------
    def exists(self, dev):
        return os.path.isdir(os.path.join(self.sys_class_net, dev))

    def is_up(self, dev):
        text = read_text(os.path.join(self.sys_class_net, dev, 'flags'))
        try:
            return bool(int(text.strip(), 16) & IFF_UP)
        except (AttributeError, ValueError):
            return False

    def bridge_ports(self, bridge):
        try:
            return sorted(os.listdir(os.path.join(self.sys_class_net, bridge, 'brif')))
        except OSError:
            return []

    def ipv6_disabled(self, dev):
        """True/False from disable_ipv6, None when the file is absent (no IPv6 or no device)."""
        text = read_text(os.path.join(self.proc_ipv6_conf, dev, 'disable_ipv6'))
        return None if text is None else text.strip() == '1'

    def set_ipv6(self, dev, enabled):
        path = os.path.join(self.proc_ipv6_conf, dev, 'disable_ipv6')
        value = '0' if enabled else '1'
        self.commands.append(['sysctl', '-w', 'net.ipv6.conf.%s.disable_ipv6=%s' % (dev.replace('.', '/'), value)])
        if self.check_mode:
            return
        try:
            with open(path, 'w') as handle:
                handle.write(value + '\n')
        except (IOError, OSError) as exc:
            raise NetError('Cannot write %s to %s: %s' % (value, path, to_native(exc)))

    def load_8021q(self):
        """modifyvlan.sh loads 8021q when VLAN support is not there yet."""
        if os.path.exists(PROC_NET_VLAN):
            return
        modprobe = self.module.get_bin_path('modprobe', opt_dirs=['/usr/sbin', '/sbin'])
        if modprobe and not self.check_mode:
            self.module.run_command([modprobe, '8021q'], environ_update=C_LOCALE)


# ---- reading state ------------------------------------------------------------------

def parse_links(data):
    """``ip -j -d addr show`` output -> {name: link record}."""
    links = {}
    for item in data:
        info = item.get('linkinfo') or {}
        bridge_data = (info.get('info_data') or {}) if info.get('info_kind') == 'bridge' else {}
        addresses = []
        for addr in item.get('addr_info') or []:
            if addr.get('family') not in ('inet', 'inet6') or 'local' not in addr:
                continue
            addresses.append({'family': addr['family'], 'address': addr['local'],
                              'prefix': addr.get('prefixlen'), 'scope': addr.get('scope'),
                              'cidr': '%s/%s' % (addr['local'], addr.get('prefixlen'))})
        record = {
            'name': item['ifname'],
            'kind': info.get('info_kind'),
            'master': item.get('master'),
            'mtu': item.get('mtu'),
            'state': (item.get('operstate') or 'unknown').lower(),
            'up': 'UP' in (item.get('flags') or []),
            'mac': item.get('address'),
            'addresses': addresses,
        }
        if info.get('info_kind') == 'bridge':
            record['stp'] = bool(bridge_data.get('stp_state'))
            # The kernel reports the delay in centiseconds (USER_HZ).
            record['forward_delay'] = int(bridge_data.get('forward_delay', 0)) // 100
        if info.get('info_kind') == 'vlan':
            record['vlan_id'] = (info.get('info_data') or {}).get('id')
            record['link'] = item.get('link')
        links[record['name']] = record
    return links


def managed_addresses(link):
    """IPv4 and global IPv6 addresses (link-local ones follow the device by themselves)."""
    return [a for a in link['addresses'] if a['family'] == 'inet' or a['scope'] == 'global']


def bridge_record(links, name):
    link = links[name]
    return {
        'name': name,
        'ports': sorted(other['name'] for other in links.values() if other.get('master') == name),
        'mtu': link['mtu'],
        'state': link['state'],
        'addresses': [a['cidr'] for a in managed_addresses(link)],
        'stp': link.get('stp', False),
        'forward_delay': link.get('forward_delay'),
        'mac': link['mac'],
    }


def read_links(client):
    return parse_links(client.query_json(['-d', 'addr', 'show']))


def read_routes(client):
    return client.query_json(['route', 'show'])


def default_route(routes):
    for route in routes:
        if route.get('dst') == 'default':
            return route
    return None


# ---- shared API ---------------------------------------------------------------------

def vlan_bridge_name(trunk, vlan_id, bridge=None):
    """CloudStack's VLAN bridge name ``br<trunk>-<vid>`` (or ``bridge``).

    Returns None for VLAN 4095, which callers skip as CloudStack's modifyvlan.sh does.
    Raises ValueError for VLAN ids outside 1..4094, invalid names, and a bridge or VLAN
    device name over 15 characters (the message names the interface).
    """
    names = net_names.vlan_names(trunk, vlan_id, bridge)
    return names[1] if names else None


def list_bridges(module):
    """Every Linux bridge: name, ports, mtu, state, addresses, stp (and forward_delay, mac)."""
    client = IpClient(module)
    try:
        links = read_links(client)
    except NetError as exc:
        module.fail_json(**exc.fail_kwargs())
    return [bridge_record(links, name) for name in sorted(links) if links[name]['kind'] == 'bridge']


def ensure_vlan_bridge(module, trunk, vlan_id, bridge=None, check_mode=False, client=None):
    """modifyvlan.sh ``-o add``: VLAN device, IPv6 off, up; bridge, IPv6 off, up; enslave.

    Each step is checked in /sys/class/net first and forgiven when it fails because another
    process did it meanwhile. Returns dict(changed, bridge, actions, commands); VLAN 4095
    returns changed False, bridge None, skipped True. Fails the module on errors.
    """
    try:
        return _ensure_vlan_bridge(client or IpClient(module, check_mode=check_mode),
                                   trunk, vlan_id, bridge)
    except ValueError as exc:
        module.fail_json(msg=to_native(exc))
    except NetError as exc:
        module.fail_json(**exc.fail_kwargs())


def _ensure_vlan_bridge(client, trunk, vlan_id, bridge=None):
    names = net_names.vlan_names(trunk, vlan_id, bridge)
    if names is None:
        return dict(changed=False, bridge=None, actions=[], commands=[], skipped=True)
    device, bridge = names
    vid = net_names.check_vlan_id(vlan_id)
    actions = []
    start = len(client.commands)
    if not client.exists(trunk):
        raise NetError('The trunk device %s does not exist on this host (no %s/%s)'
                       % (trunk, client.sys_class_net, trunk))
    if not client.exists(device):
        client.load_8021q()
        client.change(['link', 'add', 'link', trunk, 'name', device, 'type', 'vlan', 'id', vid],
                      unless=lambda: client.exists(device))
        actions.append('add vlan device %s' % device)
    actions += _ipv6_off_and_up(client, device)
    if not client.exists(bridge):
        client.change(['link', 'add', 'name', bridge, 'type', 'bridge'],
                      unless=lambda: client.exists(bridge))
        actions.append('add bridge %s' % bridge)
    actions += _ipv6_off_and_up(client, bridge)
    if device not in client.bridge_ports(bridge):
        client.change(['link', 'set', 'dev', device, 'master', bridge],
                      unless=lambda: device in client.bridge_ports(bridge))
        actions.append('enslave %s to %s' % (device, bridge))
    return dict(changed=bool(actions), bridge=bridge, vlan_device=device, actions=actions,
                commands=client.commands[start:])


def _ipv6_off_and_up(client, dev):
    actions = []
    # A device created in check mode does not exist yet: plan both steps.
    missing = not client.exists(dev)
    if missing or client.ipv6_disabled(dev) is False:
        client.set_ipv6(dev, enabled=False)
        actions.append('disable ipv6 on %s' % dev)
    if missing or not client.is_up(dev):
        client.change(['link', 'set', 'dev', dev, 'up'])
        actions.append('set %s up' % dev)
    return actions


def remove_vlan_bridge(client, trunk, vlan_id, bridge=None):
    """modifyvlan.sh ``-o delete``: delete the VLAN device, bridge down, delete the bridge."""
    names = net_names.vlan_names(trunk, vlan_id, bridge)
    if names is None:
        return []
    device, bridge = names
    actions = []
    if client.exists(device):
        client.change(['link', 'del', 'dev', device], unless=lambda: not client.exists(device))
        actions.append('delete vlan device %s' % device)
    if client.exists(bridge):
        client.change(['link', 'set', 'dev', bridge, 'down'], unless=lambda: not client.exists(bridge))
        client.change(['link', 'del', 'dev', bridge], unless=lambda: not client.exists(bridge))
        actions.append('delete bridge %s' % bridge)
    return actions


# ---- bridge module ------------------------------------------------------------------

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
                    and not net_names.is_container_veth(port)]
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
        veths = [port for port in snapshot['ports'] if net_names.is_container_veth(port)]
        if veths and not force:
            raise NetError('Bridge %s still has container veths %s; move or stop those containers, or set '
                           'force: true' % (name, ', '.join(veths)))
        if management_address and management_address in [a['address'] for a in link['addresses']]:
            raise NetError('Bridge %s carries the management address %s (the address this Ansible '
                           'connection came in on); removing it would cut the connection' % (name, management_address))
        self._do('set %s down' % name, ['link', 'set', 'dev', name, 'down'])
        self._do('delete bridge %s' % name, ['link', 'del', 'dev', name])
        return self.actions


# ---- module entry points ------------------------------------------------------------

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

VLAN_ARGUMENT_SPEC = dict(
    trunk=dict(type='str', required=True),
    vlan_id=dict(type='int', required=True, aliases=['vlan']),
    bridge=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
)

_BRIDGE_KEYS = ('stp', 'forward_delay', 'mtu', 'ipv6', 'gateway')


def _ipv4(text, what, with_prefix):
    parts = text.split('/')
    octets = parts[0].split('.')
    valid = len(octets) == 4 and all(o.isdigit() and int(o) <= 255 for o in octets)
    if with_prefix:
        valid = valid and len(parts) == 2 and parts[1].isdigit() and 0 <= int(parts[1]) <= 32
    else:
        valid = valid and len(parts) == 1
    if not valid:
        raise ValueError('%s %r is not an IPv4 %s' % (what, text, 'address/prefix (e.g. 198.18.0.2/24)'
                                                      if with_prefix else 'address'))
    return text


def bridge_wanted(params):
    """Validated wanted state from the module parameters (ValueError on bad input)."""
    net_names.check_ifname(params['name'], 'bridge')
    for port in params.get('ports') or []:
        net_names.check_ifname(port, 'port')
        if port == params['name']:
            raise ValueError('Bridge %s cannot be its own port' % port)
    if params.get('address'):
        _ipv4(params['address'], 'address', True)
    if params.get('gateway'):
        _ipv4(params['gateway'], 'gateway', False)
    if params.get('mtu') is not None and not 68 <= params['mtu'] <= 65535:
        raise ValueError('mtu %s is out of range 68-65535' % params['mtu'])
    if params.get('forward_delay') is not None and not 0 <= params['forward_delay'] <= 30:
        raise ValueError('forward_delay %s is out of range 0-30 seconds' % params['forward_delay'])
    wanted = dict((key, params.get(key)) for key in _BRIDGE_KEYS)
    wanted.update(name=params['name'], address=params.get('address'),
                  ports=None if params.get('ports') is None else list(dict.fromkeys(params['ports'])))
    return wanted


def predicted_bridge(before, wanted):
    """What the bridge will look like after ``wanted`` is applied (check mode)."""
    after = dict(before or {'name': wanted['name'], 'ports': [], 'mtu': 1500, 'addresses': [],
                            'stp': False, 'forward_delay': 15, 'mac': None, 'ipv6': True, 'gateway': None})
    after['state'] = 'up'
    if wanted.get('ports') is not None:
        veths = [port for port in after['ports'] if net_names.is_container_veth(port)]
        after['ports'] = sorted(set(wanted['ports']) | set(veths))
    for key in _BRIDGE_KEYS:
        if wanted.get(key) is not None:
            after[key] = wanted[key]
    if wanted.get('address'):
        ip = wanted['address'].split('/')[0]
        after['addresses'] = [a for a in after['addresses'] if a.split('/')[0] != ip] + [wanted['address']]
    return after


def run_bridge_module(module, environ):
    """openvz.cloud.bridge: returns the exit_json keyword arguments."""
    # Imported here so the container and host_info modules need not ship the persistence code.
    from ansible_collections.openvz.cloud.plugins.module_utils import net_persist
    params = module.params
    name = params['name']
    present = params['state'] == 'present'
    client = IpClient(module, check_mode=module.check_mode)
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
                spec['ports'] = [p for p in (after or {}).get('ports', []) if not net_names.is_container_veth(p)]
            for key in ('stp', 'forward_delay'):
                if spec[key] is None and after:
                    spec[key] = after[key]
        changes, system, _directory = net_persist.persist(
            module, params, lambda system, directory: net_persist.bridge_files(system, directory, spec, present),
            ifupdown_names=[name] + (spec['ports'] or []))
    result = dict(changed=bool(runtime.actions or changes), bridge=after, actions=runtime.actions,
                  commands=client.commands, files=[change['path'] for change in changes], config_system=system)
    if module._diff:
        result['diff'] = [{'before_header': 'bridge %s (runtime)' % name, 'after_header': 'bridge %s (runtime)' % name,
                           'before': _diff_text(before), 'after': _diff_text(after)}] + net_persist.file_diffs(changes)
    return result


def _diff_text(record):
    return '' if record is None else json.dumps(record, indent=2, sort_keys=True) + '\n'


def run_vlan_module(module):
    """openvz.cloud.vlan: returns the exit_json keyword arguments."""
    from ansible_collections.openvz.cloud.plugins.module_utils import net_persist
    params = module.params
    names = net_names.vlan_names(params['trunk'], params['vlan_id'], params.get('bridge'))
    if names is None:
        return dict(changed=False, skipped=True, actions=[], commands=[], files=[],
                    msg='VLAN 4095 is skipped, as CloudStack skips it', vlan=None)
    device, bridge = names
    vid = params['vlan_id']
    present = params['state'] == 'present'
    client = IpClient(module, check_mode=module.check_mode)
    links = read_links(client)
    before = vlan_record(links, params['trunk'], vid, device, bridge)
    if present:
        actions = _ensure_vlan_bridge(client, params['trunk'], vid, bridge)['actions']
    else:
        veths = [port for port in before['ports'] if net_names.is_container_veth(port)]
        if veths and not params['force']:
            raise NetError('Bridge %s still has container veths %s; move or stop those containers, or set '
                           'force: true' % (bridge, ', '.join(veths)))
        actions = remove_vlan_bridge(client, params['trunk'], vid, bridge)
    after = before
    if actions:
        if module.check_mode:
            after = dict(before, device_present=present, bridge_present=present,
                         ports=sorted(set(before['ports']) | set([device])) if present else [])
        else:
            after = vlan_record(read_links(client), params['trunk'], vid, device, bridge)
    changes, system = [], None
    if params['persistent']:
        changes, system, _directory = net_persist.persist(
            module, params, lambda system, directory: net_persist.vlan_files(
                system, directory, params['trunk'], vid, device, bridge, present),
            ifupdown_names=[device, bridge])
    result = dict(changed=bool(actions or changes), vlan=after, actions=actions, commands=client.commands,
                  files=[change['path'] for change in changes], config_system=system)
    if module._diff:
        header = 'vlan %s on %s (runtime)' % (vid, params['trunk'])
        result['diff'] = [{'before_header': header, 'after_header': header, 'before': _diff_text(before),
                           'after': _diff_text(after)}] + net_persist.file_diffs(changes)
    return result


def vlan_record(links, trunk, vid, device, bridge):
    bridge_link = links.get(bridge)
    return {
        'trunk': trunk, 'vlan_id': vid, 'device': device, 'bridge': bridge,
        'device_present': device in links, 'bridge_present': bool(bridge_link),
        'ports': sorted(name for name, link in links.items() if link.get('master') == bridge),
        'mtu': bridge_link['mtu'] if bridge_link else None,
        'state': bridge_link['state'] if bridge_link else None,
    }
