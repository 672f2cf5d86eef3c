# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of an OpenVZ 7/9 container as prlctl and vzctl 7 commands.

``prlctl set`` is persistent (no ``--save``) and takes the resources, names, DNS and
features in one call (prlctl(8), OpenVZ/prlctl src/CmdParam.cpp). Its units: ``--memsize``
counts MiB (a suffix is converted to MiB, truncated: ``parse_ui_x``), ``--swappages`` 4 KiB
pages, ``--device-set hdd0 --size`` MiB (one size: soft = hard); each ``--nameserver``
replaces the list, split at blanks and commas. The rest is ``vzctl set ... --save``:
venet addresses, inode limits, a disk limit prlctl cannot express, and NICs: vzctl 7 has
no ``--bridge`` (src/vzctl.c); ``--ifname X --nettype bridge --network B`` joins bridge B
itself (libvzctl lib/veth.c passes ``NETWORK_TYPE=bridge`` to vznetcfg), ``--network N``
the bridge of virtual network N.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import units
from ansible_collections.openvz.cloud.plugins.module_utils._backends import vzctl_cli
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import SpecError

MIB = 1024 * 1024
# settings prlctl set takes as they are
_PRL_PLAIN = ('name', 'hostname', 'description', 'cpus', 'cpuunits', 'cpulimit')
_PRL_SETTINGS = _PRL_PLAIN + ('onboot', 'ram', 'swap', 'nameservers', 'searchdomains', 'features')


def refuse_capabilities(label):
    raise SpecError('%s: capabilities do not exist on OpenVZ 7/9 (vzctl 7 ignores --capability '
                    'with "deprecated", libvzctl keeps no CAPABILITY); leave capabilities out '
                    'on this host' % label)


def _memsize(wanted, label):
    if wanted == units.UNLIMITED or wanted % MIB:
        raise SpecError('%s: ram %s is not a whole number of MiB; OpenVZ 7/9 sets memory with '
                        'prlctl --memsize, which counts MiB' % (label, units.format_bytes(wanted)))
    return str(wanted // MIB)


def prl_set_args(change, label):
    """prlctl set options of one change."""
    name, wanted = change.name, change.wanted
    if name in _PRL_PLAIN:
        return ['--%s' % name, wanted]
    if name == 'onboot':
        return ['--autostart', 'on' if wanted else 'off']
    if name == 'ram':
        return ['--memsize', _memsize(wanted, label)]
    if name == 'swap':
        return ['--swappages', 'unlimited' if wanted == units.UNLIMITED
                else str(wanted // units.PAGE_SIZE)]
    if name in ('nameservers', 'searchdomains'):
        return ['--%s' % name[:-1], ' '.join(wanted)]
    if name == 'features':
        return ['--features', ','.join('%s:%s' % (key, 'on' if wanted[key] else 'off')
                                       for key in sorted(wanted))]
    raise ValueError('vz7 backend: no prlctl option for %s' % name)


def _disk_by_prlctl(plan, wanted):
    """prlctl resizes the ploop image to one size in MiB; simfs and soft < hard need vzctl."""
    layout = (plan.base or {}).get('layout') or ''
    return layout.startswith('ploop') and wanted[0] == wanted[1] and \
        wanted[1] != units.UNLIMITED and wanted[1] % 1024 == 0


def vzctl_set_args(change):
    """vzctl 7 set options of one change (saved with --save)."""
    name, wanted, current = change.name, change.wanted, change.current
    if name == 'diskspace':
        return ['--diskspace', vzctl_cli.pair_arg(wanted, units.format_kb)]
    if name == 'diskinodes':
        return ['--diskinodes', vzctl_cli.pair_arg(wanted, vzctl_cli.count_text)]
    return vzctl_cli.venet_ip_args(wanted, current)


def update_steps(backend, plan, spec, changes):
    """The steps applying ``changes``: one prlctl set, a disk resize, one vzctl set, NICs."""
    label = spec.label
    if spec.get('capabilities'):
        refuse_capabilities(label)
    prl_target = backend.prl_target(plan)
    prl_args, vz_args, steps = [], [], []
    disk = netifs = None
    for change in changes:
        if change.name in _PRL_SETTINGS:
            prl_args += prl_set_args(change, label)
        elif change.name == 'diskspace' and _disk_by_prlctl(plan, change.wanted):
            disk = change
        elif change.name == 'netifs':
            netifs = change
        elif change.name != 'capabilities':
            vz_args += vzctl_set_args(change)
    if prl_args:
        steps.append(backend.prl_step('set', prl_target, *prl_args))
    if disk is not None:
        steps.append(backend.prl_step('set', prl_target, '--device-set', 'hdd0', '--size',
                                      units.format_kb(disk.wanted[1])))
    if vz_args:
        steps.append(backend.vz_step('set', plan.id, *(vz_args + ['--save'])))
    if netifs is not None:
        check_networks(backend, netifs.wanted, netifs.current or [], label)
        steps += netif_steps(backend, plan.id, netifs.wanted, netifs.current or [])
    return steps


def check_networks(backend, wanted, current, label):
    """A NIC joining a virtual network that does not exist would stay unconnected: refuse
    (networks the NIC is on already are not asked for)."""
    have = dict((nic['ifname'], nic.get('network')) for nic in current)
    asked = sorted(set(nic['network'] for nic in wanted
                       if nic.get('network') and have.get(nic['ifname']) != nic['network']))
    if not asked:
        return
    known = backend.networks()
    missing = [network for network in asked if network not in known]
    if missing:
        raise SpecError('%s: virtual network %s does not exist on the host (prlsrvctl net list '
                        'has %s); create it with prlsrvctl net add, or use bridge'
                        % (label, ', '.join(missing), ', '.join(sorted(known)) or 'none'))


def _join_args(nic):
    if nic.get('bridge'):
        return ['--nettype', 'bridge', '--network', nic['bridge']]
    if nic.get('network'):
        return ['--network', nic['network']]
    return []


def _kind(nic):
    return 'bridge' if nic.get('bridge') else 'network' if nic.get('network') else None


def netif_steps(backend, target, wanted, current):
    """Deletions, in-place edits, additions. MACs and host names not given are vzctl's,
    generated once and kept. A NIC moving between a bridge and a virtual network is
    removed and added again (``--nettype`` has no value back to a plain network,
    libvzctl lib/veth.c ``get_nettype``), with its MACs and host name."""
    have = dict((nic['ifname'], nic) for nic in current)
    steps = []
    added = []
    for nic in current:
        wanted_nic = [item for item in wanted if item['ifname'] == nic['ifname']]
        moved = wanted_nic and _kind(wanted_nic[0]) and _kind(nic) and \
            _kind(wanted_nic[0]) != _kind(nic)
        if not wanted_nic or moved:
            steps.append(backend.vz_step('set', target, '--netif_del', nic['ifname'], '--save'))
        if moved:
            added.append(dict(dict((key, nic[key]) for key in ('mac', 'host_ifname', 'host_mac')
                                   if nic.get(key)), **wanted_nic[0]))
    for nic in wanted:
        existing = have.get(nic['ifname'])
        if existing is None or any(item['ifname'] == nic['ifname'] for item in added):
            full = ([item for item in added if item['ifname'] == nic['ifname']] or [nic])[0]
            fields = [full['ifname'], full.get('mac', ''), full.get('host_ifname', ''),
                      full.get('host_mac', '')]
            while fields and fields[-1] == '':
                fields.pop()
            steps.append(backend.vz_step('set', target, '--netif_add', ','.join(fields), '--save'))
            if _join_args(full):
                steps.append(backend.vz_step('set', target, '--ifname', full['ifname'],
                                             *(_join_args(full) + ['--save'])))
            continue
        edits = []
        for key in ('mac', 'host_ifname', 'host_mac'):
            if nic.get(key) and nic[key] != existing.get(key):
                edits += ['--%s' % key, nic[key]]
        for key in ('bridge', 'network'):
            if nic.get(key) and nic[key] != existing.get(key):
                edits += _join_args(nic)
        if edits:
            steps.append(backend.vz_step('set', target, '--ifname', nic['ifname'],
                                         *(edits + ['--save'])))
    return steps
