# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converging container specs on one host: one ``vzlist -a -j`` read, plans, execution.

Used by the container module (one spec) and the containers module (many specs). Every
spec is validated and planned before the first change, so bad input changes nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
import os

from ansible.module_utils.six import text_type
from ansible_collections.openvz.cloud.plugins.module_utils import (
    container as ct, id_allocation, vz_cli, vzlist)


class ConvergeError(Exception):
    """A failure after validation; ``results`` holds what was done so far."""

    def __init__(self, msg, results, fail_kwargs=None):
        super(ConvergeError, self).__init__(msg)
        self.msg = msg
        self.results = results
        self.fail_kwargs = fail_kwargs or {}


class ContainerRunner(object):

    def __init__(self, module, cli=None):
        self.module = module
        params = module.params
        self.check_mode = module.check_mode
        self.host = ct.HostContext(params['conf_dir'], params['vz_conf'])
        self.id_range = ct.validate_ctid_range(params.get('ctid_range'))
        self.lock_path = params.get('lock_file') or id_allocation.default_lock_path(
            self.host.global_conf)
        # /etc/vz/names beside /etc/vz/conf
        self.names_dir = os.path.join(os.path.dirname(params['conf_dir'].rstrip('/')), 'names')
        self.cli = cli or vz_cli.VzCli(module)
        self.containers = {}

    # -- reading -------------------------------------------------------------------------
    def read_all(self):
        self.containers = vzlist.index_records(self.cli.vzlist_json(['-a']))
        return self.containers

    def current_of(self, ctid):
        record = self.containers.get(ctid)
        if record is None:
            return None
        return ct.current_view(record, self.host.ct_conf(ctid))

    def _ctid_by_name(self, name):
        for ctid, record in self.containers.items():
            if record.get('name') == name:
                return ctid
        return id_allocation.ctid_by_name(name, self.names_dir)

    # -- planning --------------------------------------------------------------------------
    def resolve(self, specs, allocator):
        """Give every spec its CTID (existing, given or allocated); refuse conflicts."""
        seen = {}
        for spec in specs:
            by_name = self._ctid_by_name(spec['name']) if spec.get('name') else None
            ctid = spec.get('ctid')
            if ctid is not None and by_name is not None and by_name != ctid:
                raise ct.SpecError('Name %r is already used by container %s, not by container %s'
                                   % (spec['name'], by_name, ctid))
            if ctid is None:
                ctid = by_name
            if ctid is None and spec['state'] != 'absent':
                try:
                    ctid = allocator.allocate()
                except ValueError as exc:
                    raise ct.SpecError(text_type(exc))
            if ctid is not None:
                if ctid in seen:
                    raise ct.SpecError('Container %s is listed twice (%s and %s)'
                                       % (ctid, seen[ctid], spec.get('name') or ctid))
                seen[ctid] = spec.get('name') or ctid
            spec['resolved_ctid'] = ctid

    def plan(self, spec):
        ctid = spec['resolved_ctid']
        if ctid is None:
            return None, None
        current = self.current_of(ctid)
        plan = ct.plan_container(spec, current, self.host, ctid)
        if spec.get('force') and not spec.get('stop_timeout'):
            for step in plan.steps:
                if step.verb == 'stop':
                    step.args.append('--fast')
        return current, plan

    def needs_allocation(self, specs):
        return any(spec.get('ctid') is None and spec['state'] != 'absent' for spec in specs)

    def exclusive_specs(self, specs, ctid_range, name_pattern):
        """Absent specs for listed-nowhere containers inside the range and/or name pattern."""
        listed = set(spec['resolved_ctid'] for spec in specs)
        removals = []
        for ctid in sorted(self.containers):
            record = self.containers[ctid]
            if ctid in listed:
                continue
            if ctid_range and not ctid_range[0] <= ctid <= ctid_range[1]:
                continue
            if name_pattern and not fnmatch.fnmatchcase(record.get('name') or '', name_pattern):
                continue
            removals.append({'ctid': ctid, 'name': record.get('name'), 'state': 'absent',
                             'resolved_ctid': ctid, 'force': True})
        return removals

    # -- executing ----------------------------------------------------------------------
    def _vlan_bridges(self, plan, result):
        if not plan.vlan_bridges:
            return
        from ansible_collections.openvz.cloud.plugins.module_utils import net_runtime
        for trunk, vlan in plan.vlan_bridges:
            outcome = net_runtime.ensure_vlan_bridge(self.module, trunk, vlan,
                                                     check_mode=self.check_mode)
            if outcome.get('changed'):
                result['actions'].append('vlan_bridge')
                result['commands'].append(['vlan_bridge', outcome.get('bridge')])

    def _stop(self, step, spec):
        timeout = spec.get('stop_timeout')
        try:
            self.cli.vzctl(step.args, timeout=timeout)
        except vz_cli.VzCliError as exc:
            if exc.rc != vz_cli.TIMEOUT_RC or not timeout:
                raise
            if not spec.get('force'):
                raise vz_cli.VzCliError(
                    'Container %s did not stop within stop_timeout (%s s); set force: true to '
                    'kill it after the timeout' % (step.args[1], timeout),
                    cmd=exc.cmd, rc=exc.rc, stdout=exc.stdout, stderr=exc.stderr)
            self.cli.vzctl(step.args + ['--fast'])

    def execute(self, spec, plan, result):
        self._vlan_bridges(plan, result)
        for step in plan.steps:
            result['actions'].append(step.verb)
            result['commands'].append(step.display())
            if self.check_mode:
                continue
            if step.verb == 'stop':
                self._stop(step, spec)
            else:
                self.cli.vzctl(step.args, secret=step.secret)

    def converge(self, specs, exclusive=None):
        """Plan every spec, then run the plans; returns one result per container."""
        lock = None
        if self.needs_allocation(specs) and not self.check_mode:
            lock = id_allocation.CtidLock(self.lock_path).acquire()
        try:
            return self._converge_locked(specs, exclusive)
        finally:
            if lock is not None:
                lock.release()

    def _converge_locked(self, specs, exclusive):
        self.read_all()
        used = id_allocation.ids_in_use(self.host.conf_dir, self.containers)
        allocator = id_allocation.CtidAllocator(self.id_range[0], self.id_range[1], used)
        self.resolve(specs, allocator)
        if exclusive:
            specs = specs + self.exclusive_specs(specs, exclusive.get('ctid_range'),
                                                 exclusive.get('name_pattern'))
        planned = []
        for spec in specs:
            current, plan = self.plan(spec)
            planned.append((spec, current, plan))
        results = []
        for spec, current, plan in planned:
            result = {'ctid': spec['resolved_ctid'], 'name': spec.get('name'),
                      'state': spec['state'], 'actions': [], 'commands': [],
                      'restart_needed': False}
            results.append(result)
            if plan is None:
                result.update(changed=False, before=None, current=None)
                continue
            try:
                self.execute(spec, plan, result)
            except vz_cli.VzCliError as exc:
                result['changed'] = True
                raise ConvergeError(exc.msg, results, exc.fail_kwargs())
            result.update(changed=bool(result['actions']), restart_needed=plan.restart_needed,
                          before=current, predicted=ct.predicted_view(spec, plan))
        return results

    def after_views(self, results):
        """Final state of every touched container: predicted in check mode, else re-read."""
        if not self.check_mode and any(result['changed'] for result in results):
            self.read_all()
        for result in results:
            ctid = result['ctid']
            if result['state'] == 'absent':
                result['after'] = None
            elif self.check_mode or not result['changed']:
                result['after'] = result.get('predicted') if result['changed'] else \
                    result.get('before')
            else:
                result['after'] = self.current_of(ctid) if ctid is not None else None
        return results


def public_result(result, diff):
    """What a module returns for one container."""
    out = {
        'ctid': result['ctid'], 'changed': result['changed'], 'actions': result['actions'],
        'commands': result['commands'], 'restart_needed': result['restart_needed'],
        'container': ct.public_view(result.get('after')),
        'volume': ct.volume_view(result.get('after')),
    }
    if diff:
        out['diff'] = {'before': ct.diff_view(result.get('before')),
                       'after': ct.diff_view(result.get('after'))}
    return out


def fail_converge(module, exc, diff):
    """Fail with the vzctl error plus what had been done before it."""
    kwargs = dict(exc.fail_kwargs)
    kwargs['msg'] = exc.msg
    kwargs['results'] = [public_result(dict(result, after=None), diff) for result in exc.results]
    kwargs['changed'] = any(result.get('actions') for result in exc.results)
    module.fail_json(**kwargs)


def run_single(module):
    """The container module: converge one spec and exit."""
    try:
        spec = ct.normalise_spec(module.params)
        runner = ContainerRunner(module)
        results = runner.converge([spec])
        runner.after_views(results)
    except ct.SpecError as exc:
        module.fail_json(msg=text_type(exc))
    except ConvergeError as exc:
        fail_converge(module, exc, module._diff)
    except vz_cli.VzCliError as exc:
        module.fail_json(**exc.fail_kwargs())
    result = public_result(results[0], module._diff)
    if result['restart_needed']:
        module.warn('Container %s: changed settings (features/capabilities) take effect only '
                    'after a restart; set restart_if_needed: true or state: restarted'
                    % result['ctid'])
    module.exit_json(**result)


def run_many(module):
    """The containers module: converge every listed spec (plus exclusive removals)."""
    params = module.params
    exclusive = None
    try:
        specs = [ct.normalise_spec(item) for item in params['containers']]
        if params['exclusive']:
            exclusive = {'name_pattern': params.get('exclusive_name_pattern'), 'ctid_range': None}
            if params.get('exclusive_ctid_range') is not None:
                exclusive['ctid_range'] = ct.validate_ctid_range(params['exclusive_ctid_range'])
        runner = ContainerRunner(module)
        results = runner.converge(specs, exclusive=exclusive)
        runner.after_views(results)
    except ct.SpecError as exc:
        module.fail_json(msg=text_type(exc))
    except ConvergeError as exc:
        fail_converge(module, exc, module._diff)
    except vz_cli.VzCliError as exc:
        module.fail_json(**exc.fail_kwargs())
    public = [public_result(result, module._diff) for result in results]
    restart = [result['ctid'] for result in public if result['restart_needed']]
    if restart:
        module.warn('Containers %s: changed settings (features/capabilities) take effect only '
                    'after a restart' % ', '.join(str(ctid) for ctid in restart))
    actions = dict((str(result['ctid']), result['actions']) for result in public
                   if result['actions'])
    output = dict(changed=bool(actions), containers=public, actions=actions)
    if module._diff:
        output['diff'] = {
            'before': dict((str(r['ctid']), r['diff']['before']) for r in public if r['changed']),
            'after': dict((str(r['ctid']), r['diff']['after']) for r in public if r['changed']),
        }
    module.exit_json(**output)
