# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented return shapes of the container modules, and the predicted state."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import units

NETIF_KEYS = ('ifname', 'bridge', 'network', 'mac', 'host_ifname', 'host_mac', 'mac_filter')
DIFF_KEYS = ('ctid', 'name', 'status', 'hostname', 'description', 'onboot', 'ram', 'swap', 'cpus',
             'cpuunits', 'cpulimit', 'diskspace', 'diskinodes', 'ipaddresses', 'nameservers',
             'searchdomains', 'features', 'capabilities', 'netifs')
_SPEC_KEYS = ('name', 'hostname', 'description', 'onboot', 'cpus', 'cpuunits', 'cpulimit',
              'nameservers', 'searchdomains', 'ipaddresses', 'diskspace_kb', 'diskinodes',
              'ram_bytes', 'swap_bytes')


def public_id(container_id):
    """An ID as modules return it: an int when numeric, else the string."""
    if container_id is None:
        return None
    value = getattr(container_id, 'value', container_id)
    return value


def _kb_bytes(kb):
    if kb is None or kb == units.UNLIMITED:
        return kb
    return kb * 1024


def _human(size):
    return None if size is None else units.format_bytes(size)


def public_view(view):
    """The ``container`` return value (bytes plus human and config originals)."""
    if not view:
        return {}
    disk = view.get('diskspace_kb')
    return {
        'ctid': public_id(view.get('ctid')), 'name': view.get('name'),
        'hostname': view.get('hostname'), 'description': view.get('description'),
        'status': view.get('status'), 'ostemplate': view.get('ostemplate'),
        'layout': view.get('layout'), 'private': view.get('private'), 'root': view.get('root'),
        'onboot': view.get('onboot'),
        'ram_bytes': view.get('ram_bytes'), 'swap_bytes': view.get('swap_bytes'),
        'ram': _human(view.get('ram_bytes')), 'swap': _human(view.get('swap_bytes')),
        'cpus': view.get('cpus'), 'cpuunits': view.get('cpuunits'),
        'cpulimit': view.get('cpulimit'),
        'diskspace': ('%s:%s' % (units.format_kb(disk[0]), units.format_kb(disk[1]))
                      if disk and None not in disk else None),
        'diskspace_soft_bytes': _kb_bytes(disk[0]) if disk else None,
        'diskspace_bytes': _kb_bytes(disk[1]) if disk else None,
        'diskinodes': view.get('diskinodes'),
        'ipaddresses': view.get('ipaddresses', view.get('ip')) or [],
        'nameservers': view.get('nameservers') or [],
        'searchdomains': view.get('searchdomains') or [],
        'features': view.get('features') or {}, 'capabilities': view.get('capabilities') or {},
        'netifs': view.get('netifs') or [],
        'config': view.get('config') or {},
        'usage': view.get('usage') or {},
    }


def volume_view(view):
    """The private area presented as the container's (fake) volume; usage None = unknown."""
    if not view:
        return {}
    disk = view.get('diskspace_kb')
    usage = view.get('usage') or {}
    return {
        'path': view.get('private'), 'layout': view.get('layout'),
        'size_limit_bytes': _kb_bytes(disk[1]) if disk else None,
        'bytes_used': usage.get('disk_used_bytes'),
    }


def diff_view(view):
    public = public_view(view)
    return dict((key, public.get(key)) for key in DIFF_KEYS) if view else {}


def predicted_view(spec, plan):
    """The container as the plan leaves it (check mode, and the diff's after)."""
    if spec['state'] == 'absent':
        return None
    view = dict(plan.base or {})
    view['ctid'] = plan.id
    for key in _SPEC_KEYS:
        if spec.get(key) is not None:
            view[key] = spec[key]
    for key in ('features', 'capabilities'):
        if spec.get(key):
            merged = dict(view.get(key) or {})
            merged.update(spec[key])
            view[key] = merged
    if spec.get('netifs') is not None:
        have = dict((nic['ifname'], nic) for nic in view.get('netifs') or [])
        nics = []
        for nic in spec['netifs']:
            merged = dict(have.get(nic['ifname'], {}))
            merged.update(dict((k, v) for k, v in nic.items() if k in NETIF_KEYS))
            nics.append(merged)
        view['netifs'] = nics
    view['status'] = 'running' if plan.runs_after else (
        'stopped' if any(step.verb == 'stop' for step in plan.steps)
        else view.get('status') or 'stopped')
    return view


def public_result(result, diff):
    """What a module returns for one container."""
    out = {
        'ctid': public_id(result['ctid']), 'changed': result['changed'],
        'actions': result['actions'], 'commands': result['commands'],
        'restart_needed': result['restart_needed'],
        'container': public_view(result.get('after')),
        'volume': volume_view(result.get('after')),
    }
    if diff:
        out['diff'] = {'before': diff_view(result.get('before')),
                       'after': diff_view(result.get('after'))}
    return out


def converge_failure(exc, diff):
    """``fail_json`` arguments of a failed converge: the error plus what had been done."""
    details = exc.error.fail_kwargs()
    details['results'] = [public_result(dict(result, after=None, error=None), diff)
                          for result in exc.results]
    failed = [result for result in exc.results if result.get('error')]
    if len(failed) > 1:
        details['msg'] = '%s (and %d more containers failed, see results)' % (
            details['msg'], len(failed) - 1)
    for out, result in zip(details['results'], exc.results):
        if result.get('error'):
            out['error'] = result['error'].msg
    details['changed'] = any(result.get('actions') for result in exc.results)
    return details
