# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converging container specs on one host through a backend.

One list read for all specs; every spec is resolved, compared and planned before the
first change, so bad input changes nothing. Check mode stops there, with the same
``actions`` and ``commands`` a real run makes. Plans of different containers then run
concurrently (bounded): vzctl and prlctl lock each container, IDs are allocated under
a host-wide lock held until the last create has run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.openvz.cloud.plugins.module_utils._net import ip as net_ip, vlans
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils._backends import backend_from_params
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import Plan
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids, views
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    RESTART_SETTINGS, SpecError, absent_spec, differences)

DEFAULT_PARALLEL = 4


class ConvergeError(Exception):
    """A command failed; ``results`` holds every container's outcome, in order."""

    def __init__(self, error, results):
        super(ConvergeError, self).__init__(error.msg)
        self.msg = error.msg
        self.error = error
        self.results = results


class ContainerManager(object):

    def __init__(self, backend, check_mode=False, id_range=(ids.CTID_MIN, ids.CTID_MAX),
                 parallel=DEFAULT_PARALLEL, lock_path=None):
        self.backend = backend
        self.lock_path = lock_path
        self.runner = backend.runner
        self.check_mode = check_mode
        self.id_range = id_range
        self.parallel = max(1, parallel or 1)
        self.states = {}
        self._links = {}

    # -- resolving and planning -----------------------------------------------------------
    def _id_by_name(self, name):
        for container_id, state in self.states.items():
            if state.get('name') == name:
                return container_id
        return None

    def _existing_id(self, spec):
        """The key of the container a spec's ctid names (an alias such as a 7/9 name or UUID
        located by the backend), else None."""
        if spec.id is None:
            return None
        return self.backend.locate(spec.id, self.states)

    def resolve(self, specs, allocator):
        """Give every spec its ID (existing, given, allocated or, on lines that name new
        containers, the backend's new ID); refuse conflicts."""
        seen = {}
        for spec in specs:
            by_name = self._id_by_name(spec['name']) if spec.get('name') else None
            container_id = spec.id
            if container_id is not None:
                container_id = self.backend.check_id(container_id, SpecError)
                container_id = self._existing_id(spec) or container_id
            if container_id is not None and by_name is not None and by_name != container_id:
                raise SpecError('Name %r is already used by container %s, not by container %s'
                                % (spec['name'], by_name, container_id))
            if container_id is None:
                container_id = by_name
            if container_id is None and spec['state'] != 'absent':
                container_id = self._new_id(spec, allocator)
            if container_id is not None:
                if container_id in seen:
                    raise SpecError('Container %s is listed twice (%s and %s)'
                                    % (container_id, seen[container_id],
                                       spec.get('name') or container_id))
                seen[container_id] = spec.get('name') or container_id
            spec.resolved = container_id

    def _new_id(self, spec, allocator):
        if not self.backend.allocates_numeric_ids:
            return self.backend.new_id(spec)
        try:
            return allocator.allocate()
        except ValueError as exc:
            raise SpecError(str(exc))

    def plan(self, spec):
        """The plan of one resolved spec (None when there is nothing to address)."""
        if spec.resolved is None:
            return None
        plan = Plan(spec.resolved)
        current = self.states.get(spec.resolved)
        plan.current = current
        running = bool(current) and current.get('status') == 'running'
        if spec['state'] == 'absent':
            plan.base = current
            if current is not None:
                if running:
                    self.backend.plan_power(plan, 'stop', spec)
                self.backend.plan_destroy(plan, spec)
            return plan
        for nic in spec.get('netifs') or []:
            if nic.get('vlan') is not None and (nic['trunk'], nic['vlan']) not in plan.vlan_bridges:
                plan.vlan_bridges.append((nic['trunk'], nic['vlan']))
        if current is None:
            plan.base = self.backend.plan_create(plan, spec)
            # the backend may choose the ID it creates the container with
            spec.resolved = plan.id
        else:
            plan.base = current
            if spec['state'] == 'stopped' and running:
                self.backend.plan_power(plan, 'stop', spec)
                running = False
        plan.changes = differences(spec, plan.base)
        self.backend.plan_update(plan, spec, plan.changes)
        changed = [change.name for change in plan.changes]
        needs_restart = running and any(name in changed for name in RESTART_SETTINGS)
        if spec['state'] == 'restarted':
            self.backend.plan_power(plan, 'restart' if running else 'start', spec)
        elif spec['state'] == 'started' and not running:
            self.backend.plan_power(plan, 'start', spec)
        elif needs_restart:
            if spec.get('restart_if_needed'):
                self.backend.plan_power(plan, 'restart', spec)
            else:
                plan.restart_needed = True
        self._check_bridges(spec, plan)
        return plan

    def _link(self, name):
        if name not in self._links:
            self._links[name] = net_ip.link_info(self.runner, name)
        return self._links[name]

    @staticmethod
    def _final_netifs(spec, plan):
        return spec.get('netifs') if spec.get('netifs') is not None else \
            (plan.base or {}).get('netifs') or []

    def _check_bridges(self, spec, plan):
        """A NIC whose bridge is missing would come up cut off: vznetaddbr only prints
        "bridge <name> does not exist!" and the start succeeds. Refuse before any change."""
        joins = any(step.verb in ('start', 'restart') for step in plan.steps) or (
            plan.runs_after and any(change.name == 'netifs' for change in plan.changes))
        if not joins:
            return
        for nic in self._final_netifs(spec, plan):
            bridge = nic.get('bridge')
            if not bridge or nic.get('vlan') is not None:
                continue
            link = self._link(bridge)
            if link is None or link.get('kind') != 'bridge':
                raise SpecError('%s: the bridge %r of NIC %s %s on the host; the container '
                                'would run with that NIC cut off. Create the bridge first '
                                '(openvz.cloud.bridge) or choose another one'
                                % (spec.label, bridge, nic['ifname'],
                                   'does not exist' if link is None else 'is not a bridge'))

    def exclusive_specs(self, specs, ctid_range, name_pattern):
        """Absent specs for listed-nowhere containers inside the range and/or name pattern."""
        listed = set(spec.resolved for spec in specs)
        removals = []
        for container_id in sorted(self.states):
            state = self.states[container_id]
            if container_id in listed:
                continue
            if ctid_range and not (container_id.is_number and
                                   ctid_range[0] <= container_id.value <= ctid_range[1]):
                continue
            if name_pattern and not fnmatch.fnmatchcase(state.get('name') or '', name_pattern):
                continue
            removals.append(absent_spec(container_id, state.get('name')))
        return removals

    # -- executing -----------------------------------------------------------------------
    def _ensure_vlan_bridges(self, planned, results):
        """VLAN bridges first, one at a time: containers sharing one must not race for it."""
        done = set()
        for (spec, plan), result in zip(planned, results):
            for trunk, vlan in (plan.vlan_bridges if plan else ()):
                if (trunk, vlan) in done:
                    continue
                done.add((trunk, vlan))
                outcome = vlans.ensure_vlan_bridge(self.runner, trunk, vlan,
                                                   check_mode=self.check_mode)
                if outcome.get('changed'):
                    result['actions'].append('vlan_bridge')
                    result['commands'].append(['vlan_bridge', outcome.get('bridge')])

    def _run_step(self, step):
        try:
            self.backend.run_step(step)
        except CommandError as exc:
            if not (exc.timed_out and step.timeout):
                raise
            if step.on_timeout is None:
                raise CommandError('Container %s did not stop within stop_timeout (%s s); set '
                                   'force: true to kill it after the timeout'
                                   % (step.argv[2], step.timeout), cmd=exc.cmd, rc=exc.rc,
                                   stdout=exc.stdout, stderr=exc.stderr, meaning=exc.meaning)
            self.backend.run_step(step.on_timeout)

    def _check_joined(self, spec, plan):
        """After a start: every bridged NIC's host veth is in its bridge."""
        if not any(step.verb in ('start', 'restart') for step in plan.steps):
            return
        wanted = [nic for nic in self._final_netifs(spec, plan) if nic.get('bridge')]
        if not wanted:
            return
        veths = self.backend.host_veths(plan.id)
        for nic in wanted:
            veth = veths.get(nic['ifname'])
            link = net_ip.link_info(self.runner, veth) if veth else None
            if link is None or link.get('master') != nic['bridge']:
                raise CommandError('%s started, but the host end %s of its NIC %s is not in '
                                   'bridge %s (it is %s): the NIC is cut off'
                                   % (spec.label, veth, nic['ifname'], nic['bridge'],
                                      'missing' if link is None else
                                      'in %s' % link['master'] if link.get('master') else
                                      'in no bridge'))

    def _execute(self, spec, plan, result):
        for step in plan.steps:
            result['actions'].append(step.verb)
            result['commands'].append(step.display())
            if not self.check_mode:
                self._run_step(step)
        if not self.check_mode:
            self._check_joined(spec, plan)

    def _execute_guarded(self, item):
        spec, plan, result = item
        try:
            self._execute(spec, plan, result)
        except CommandError as exc:
            result['error'] = exc
        return result

    def converge(self, specs, exclusive=None):
        """Plan every spec, then run the plans; returns one result per container, in order."""
        lock = None
        allocating = self.backend.allocates_numeric_ids and any(
            spec.id is None and spec['state'] != 'absent' for spec in specs)
        if allocating and not self.check_mode:
            lock = self.runner.lock(self.lock_path or self.backend.allocation_lock_path())
            lock.__enter__()
        try:
            return self._converge_locked(specs, exclusive)
        finally:
            if lock is not None:
                lock.__exit__(None, None, None)

    def _converge_locked(self, specs, exclusive):
        self.states = self.backend.read_containers()
        wanted_ids = set()
        for spec in specs:
            found = self._existing_id(spec)
            if found is None and spec.id is None and spec.get('name'):
                found = self._id_by_name(spec['name'])
            if found is not None:
                wanted_ids.add(found)
        self.states = self._with_config(wanted_ids)
        allocator = ids.Allocator(self.id_range[0], self.id_range[1],
                                  self.backend.ids_in_use(self.states))
        self.resolve(specs, allocator)
        if exclusive:
            specs = specs + self.exclusive_specs(specs, exclusive.get('ctid_range'),
                                                 exclusive.get('name_pattern'))
        planned = [(spec, self.plan(spec)) for spec in specs]
        results = []
        for spec, plan in planned:
            results.append({
                'ctid': spec.resolved, 'name': spec.get('name'), 'state': spec['state'],
                'actions': [], 'commands': [], 'changed': False,
                'restart_needed': bool(plan and plan.restart_needed),
                'before': plan.current if plan else None,
                'predicted': views.predicted_view(spec, plan) if plan else None,
            })
        try:
            self._ensure_vlan_bridges(planned, results)
        except (CommandError, ValueError) as exc:
            error = exc if isinstance(exc, CommandError) else CommandError(str(exc))
            raise ConvergeError(error, results)
        work = [(spec, plan, result) for (spec, plan), result in zip(planned, results)
                if plan is not None and plan.steps]
        if self.check_mode or self.parallel == 1 or len(work) < 2:
            for item in work:
                if self._execute_guarded(item).get('error'):
                    break
        else:
            with ThreadPoolExecutor(max_workers=min(self.parallel, len(work))) as pool:
                list(pool.map(self._execute_guarded, work))
        for result in results:
            result['changed'] = bool(result['actions'])
        errors = [result['error'] for result in results if result.get('error')]
        if errors:
            raise ConvergeError(errors[0], results)
        return results

    def _with_config(self, wanted_ids):
        """Merge the config truth of the containers the specs address (one file each)."""
        states = dict(self.states)
        for container_id in wanted_ids:
            if container_id in states:
                states[container_id] = self.backend.complete(states[container_id])
        return states

    def after_views(self, results):
        """Final state of every container: predicted in check mode, else re-read."""
        touched = set(result['ctid'] for result in results
                      if result['changed'] and result['state'] != 'absent')
        fresh = {}
        if not self.check_mode and touched:
            fresh = self.backend.read_containers()
        for result in results:
            if result['state'] == 'absent':
                result['after'] = None
            elif not result['changed']:
                result['after'] = result.get('before')
            elif self.check_mode:
                result['after'] = result.get('predicted')
            else:
                # a container created by name (7/9) is found by it and gets its real ID
                found = self.backend.locate(result['ctid'], fresh)
                if found is not None:
                    result['ctid'] = found
                state = fresh.get(found) if found is not None else None
                result['after'] = self.backend.complete(state) if state is not None else None
        return results


def manager_for(runner, params, check_mode=False):
    """A manager for a module's parameters (backend options, allocation, parallelism)."""
    backend = backend_from_params(runner, params)
    id_range = ids.ctid_range(params.get('ctid_range') or (ids.CTID_MIN, ids.CTID_MAX),
                              SpecError)
    return ContainerManager(backend, check_mode=check_mode, id_range=id_range,
                            parallel=params.get('parallel') or 1,
                            lock_path=params.get('lock_file'))
