# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iproute2 client over a runner: ``ip -j`` queries, changes (skipped in check mode),
IPv6 switches (``sysctl``) and the link records the bridge and VLAN code compare.

Shared API (stable): link_info(), bridge_ports(), list_bridges().
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

PROC_IPV6_CONF = '/proc/sys/net/ipv6/conf'
# Present once the 8021q module is loaded (net/8021q/vlanproc.c).
PROC_NET_VLAN_CONFIG = '/proc/net/vlan/config'
# What ``ip link show dev NAME`` prints for a missing device (iproute2 ip/iplink.c, ll_map.c).
_NO_DEVICE = ('does not exist', 'Cannot find device')


class NetError(CommandError):
    """A network command failed or a request is unsafe."""


def _describe(cmd, rc, stdout, stderr, meaning):
    return '%s failed (rc %s): %s' % (' '.join(cmd), rc, (stderr or stdout).strip())


def _failure(result):
    return NetError(_describe(result.cmd, result.rc, result.stdout, result.stderr, None),
                    cmd=result.cmd, rc=result.rc, stdout=result.stdout, stderr=result.stderr)


class IpClient(object):
    """Runs ``ip`` through ``runner``; records every change in ``commands`` and skips the
    changes in check mode (queries always run)."""

    def __init__(self, runner, check_mode=False):
        self.runner = runner
        self.check_mode = check_mode
        self.ip_bin = runner.find('ip')
        self.commands = []

    # -- queries ----------------------------------------------------------------------
    def query_json(self, args):
        result = self.runner.run([self.ip_bin, '-j'] + list(args), describe=_describe)
        try:
            data = result.json()
        except CommandError as exc:
            raise NetError('%s (iproute2 too old for -j?)' % exc.msg, cmd=exc.cmd, rc=exc.rc,
                           stdout=exc.stdout, stderr=exc.stderr)
        return data or []

    def links(self):
        """{name: link record} of every link (``ip -j -d link show``)."""
        return dict((record['name'], record) for record in
                    (parse_link(item) for item in self.query_json(['-d', 'link', 'show'])))

    def _query_device(self, args):
        """JSON of ``ip -j <args>``, None when the device named in ``args`` does not exist."""
        result = self.runner.run([self.ip_bin, '-j'] + list(args), check=False)
        if result.rc != 0:
            if any(text in result.stderr for text in _NO_DEVICE):
                return None
            raise _failure(result)
        return result.json() or []

    def link(self, name):
        """The link record of ``name``, None when there is no such device."""
        items = self._query_device(['-d', 'link', 'show', 'dev', name])
        return parse_link(items[0]) if items else None

    def ports(self, bridge):
        """Sorted names of the ports of ``bridge`` ([] when there is no such bridge)."""
        return sorted(item['ifname'] for item in self._query_device(['link', 'show', 'master', bridge]) or [])

    def ipv6_disabled(self, dev):
        """True/False from disable_ipv6, None when the file is absent (no IPv6 or no device)."""
        text = self.runner.read_file('%s/%s/disable_ipv6' % (PROC_IPV6_CONF, dev))
        return None if text is None else text.strip() == '1'

    # -- changes ----------------------------------------------------------------------
    def change(self, args, unless=None):
        """Run ``ip <args>`` unless in check mode. A failure is forgiven when ``unless()``
        is then true (someone else did the same step concurrently)."""
        argv = [self.ip_bin] + [str(arg) for arg in args]
        self.commands.append(argv)
        if self.check_mode:
            return
        result = self.runner.run(argv, check=False)
        if result.rc != 0 and not (unless and unless()):
            raise _failure(result)

    def batch(self, lines):
        """Several ``ip`` commands in one process (``ip -batch -``), stopping at the first error."""
        self.commands.append([self.ip_bin, '-batch', '-'] + [' '.join(line) for line in lines])
        if self.check_mode:
            return
        result = self.runner.run([self.ip_bin, '-batch', '-'], data=_batch_text(lines), check=False)
        if result.rc != 0:
            raise NetError('ip -batch failed (rc %s): %s' % (result.rc, (result.stderr or result.stdout).strip()),
                           cmd=result.cmd + [' '.join(line) for line in lines], rc=result.rc,
                           stdout=result.stdout, stderr=result.stderr)

    def forced_batch(self, lines):
        """Best effort (``ip -force -batch``): used to roll back a failed batch."""
        self.commands.append([self.ip_bin, '-force', '-batch', '-'] + [' '.join(line) for line in lines])
        self.runner.run([self.ip_bin, '-force', '-batch', '-'], data=_batch_text(lines), check=False)

    def set_ipv6(self, dev, enabled):
        # sysctl(8) takes '/' for the '.' inside an interface name (eth1.100).
        argv = [self.runner.find('sysctl'), '-w',
                'net.ipv6.conf.%s.disable_ipv6=%s' % (dev.replace('.', '/'), '0' if enabled else '1')]
        self.commands.append(argv)
        if not self.check_mode:
            self.runner.run(argv, describe=_describe)

    def load_8021q(self):
        """modifyvlan.sh loads 8021q when VLAN support is not there yet."""
        if self.runner.read_file(PROC_NET_VLAN_CONFIG) is not None:
            return
        modprobe = self.runner.find('modprobe', required=False)
        if modprobe and not self.check_mode:
            self.runner.run([modprobe, '8021q'], check=False)


def _batch_text(lines):
    return ''.join(' '.join(str(word) for word in line) + '\n' for line in lines)


# ---- records ------------------------------------------------------------------------

def parse_link(item):
    """One ``ip -j -d link``/``addr`` entry -> link record (name, kind, master, mtu, state,
    up, mac, addresses; stp/forward_delay for bridges, vlan_id/link for VLAN devices)."""
    info = item.get('linkinfo') or {}
    kind = info.get('info_kind')
    data = info.get('info_data') or {}
    record = {
        'name': item['ifname'],
        'kind': kind,
        'master': item.get('master'),
        'mtu': item.get('mtu'),
        'state': (item.get('operstate') or 'unknown').lower(),
        'up': 'UP' in (item.get('flags') or []),
        'mac': item.get('address'),
        'addresses': [],
    }
    for addr in item.get('addr_info') or []:
        if addr.get('family') not in ('inet', 'inet6') or 'local' not in addr:
            continue
        record['addresses'].append({'family': addr['family'], 'address': addr['local'],
                                    'prefix': addr.get('prefixlen'), 'scope': addr.get('scope'),
                                    'cidr': '%s/%s' % (addr['local'], addr.get('prefixlen'))})
    if kind == 'bridge':
        record['stp'] = bool(data.get('stp_state'))
        # The kernel reports the delay in centiseconds (USER_HZ).
        record['forward_delay'] = int(data.get('forward_delay', 0)) // 100
    if kind == 'vlan':
        record['vlan_id'] = data.get('id')
        record['link'] = item.get('link')
    return record


def parse_links(data):
    """``ip -j -d addr show`` output -> {name: link record}."""
    return dict((record['name'], record) for record in (parse_link(item) for item in data))


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

def link_info(runner, name):
    """None when link ``name`` does not exist, else its record: ``kind`` ('bridge', 'veth',
    'vlan', None for a plain NIC), ``master`` (bridge name or None), ``up`` (bool), and
    name, mtu, state, mac. Raises CommandError when ``ip`` fails otherwise."""
    return IpClient(runner).link(name)


def bridge_ports(runner, bridge):
    """Sorted port names of ``bridge``; [] when it does not exist."""
    return IpClient(runner).ports(bridge)


def list_bridges(runner):
    """Every Linux bridge: name, ports, mtu, state, addresses, stp (and forward_delay, mac)."""
    links = read_links(IpClient(runner))
    return [bridge_record(links, name) for name in sorted(links) if links[name]['kind'] == 'bridge']
