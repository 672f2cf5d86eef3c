# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of the container, containers and container_info modules, given the module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch

from ansible_collections.openvz.cloud.plugins.module_utils._backends import (
    BACKEND_ARGUMENT_SPEC, backend_from_params)
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import (
    DEFAULT_PARALLEL, ConvergeError, manager_for)
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    ALLOCATION_OPTIONS, CONTAINER_OPTIONS, SpecError, normalise_spec)
from ansible_collections.openvz.cloud.plugins.module_utils._container.views import (
    converge_failure, public_id, public_result, public_view, volume_view)
from ansible_collections.openvz.cloud.plugins.module_utils._module import ModuleDefinition, ModuleFailure
from ansible_collections.openvz.cloud.plugins.module_utils._runner import ModuleRunner

RESTART_WARNING = ('changed settings (features/capabilities) take effect only after a restart; '
                   'set restart_if_needed: true or state: restarted')
STATUSES = ['running', 'stopped', 'mounted', 'suspended', 'paused']


def _with_common(options):
    spec = dict(options)
    spec.update(ALLOCATION_OPTIONS)
    spec.update(BACKEND_ARGUMENT_SPEC)
    return spec


CONTAINER_SPEC = _with_common(CONTAINER_OPTIONS)
CONTAINERS_SPEC = _with_common(dict(
    containers=dict(type='list', elements='dict', required=True,
                    options=CONTAINER_OPTIONS, required_one_of=[('ctid', 'name')]),
    exclusive=dict(type='bool', default=False),
    exclusive_ctid_range=dict(type='list', elements='int'),
    exclusive_name_pattern=dict(type='str'),
    parallel=dict(type='int', default=DEFAULT_PARALLEL),
))
CONTAINER_INFO_SPEC = dict(
    BACKEND_ARGUMENT_SPEC,
    ctid=dict(type='list', elements='str'),
    name=dict(type='list', elements='str'),
    status=dict(type='list', elements='str', choices=STATUSES),
    netifs=dict(type='bool', default=True),
)


def _converge(module, specs, exclusive=None):
    runner = ModuleRunner(module, timeout=module.params['command_timeout'])
    manager = manager_for(runner, module.params, check_mode=module.check_mode)
    try:
        results = manager.after_views(manager.converge(specs, exclusive=exclusive))
    except ConvergeError as exc:
        raise ModuleFailure(converge_failure(exc, module._diff))
    return [public_result(result, module._diff) for result in results]


def run_container(module):
    """openvz.cloud.container: the ``exit_json`` arguments."""
    result = _converge(module, [normalise_spec(module.params)])[0]
    if result['restart_needed']:
        module.warn('Container %s: %s' % (result['ctid'], RESTART_WARNING))
    return result


def _exclusive(params):
    if not params['exclusive']:
        return None
    exclusive = {'name_pattern': params.get('exclusive_name_pattern'), 'ctid_range': None}
    if params.get('exclusive_ctid_range') is not None:
        exclusive['ctid_range'] = ids.ctid_range(params['exclusive_ctid_range'], SpecError)
    return exclusive


def run_containers(module):
    """openvz.cloud.containers: the ``exit_json`` arguments."""
    params = module.params
    if params['parallel'] < 1:
        raise SpecError('parallel must be at least 1')
    specs = [normalise_spec(item) for item in params['containers']]
    public = _converge(module, specs, _exclusive(params))
    restart = [str(result['ctid']) for result in public if result['restart_needed']]
    if restart:
        module.warn('Containers %s: %s' % (', '.join(restart), RESTART_WARNING))
    actions = dict((str(result['ctid']), result['actions']) for result in public
                   if result['actions'])
    output = dict(changed=bool(actions), containers=public, actions=actions)
    if module._diff:
        output['diff'] = dict(
            (side, dict((str(r['ctid']), r['diff'][side]) for r in public if r['changed']))
            for side in ('before', 'after'))
    return output


def _matches(state, params, wanted_ids):
    if wanted_ids and state['ctid'] not in wanted_ids:
        return False
    if params['name'] and not any(fnmatch.fnmatchcase(state.get('name') or '', pattern)
                                  for pattern in params['name']):
        return False
    return not params['status'] or state.get('status') in params['status']


def run_container_info(module):
    """openvz.cloud.container_info: the ``exit_json`` arguments, from one listing."""
    params = module.params
    backend = backend_from_params(ModuleRunner(module, timeout=params['command_timeout']), params)
    states = backend.read_containers()
    # a 7/9 container may be asked for by its UUID or name as well as its ctid
    wanted_ids = set(backend.locate(ids.ContainerId(value), states) or ids.ContainerId(value)
                     for value in params['ctid'] or [])
    containers = []
    volumes = []
    for container_id in sorted(states):
        if not _matches(states[container_id], params, wanted_ids):
            continue
        state = backend.complete(states[container_id], read_config=params['netifs'])
        containers.append(public_view(state))
        volumes.append(dict(volume_view(state), ctid=public_id(container_id)))
    return dict(changed=False, containers=containers, volumes=volumes)


CONTAINER_MODULE = ModuleDefinition(CONTAINER_SPEC, run_container, errors=(ValueError,),
                                    required_one_of=[('ctid', 'name')])
CONTAINERS_MODULE = ModuleDefinition(
    CONTAINERS_SPEC, run_containers, errors=(ValueError,),
    required_if=[('exclusive', True, ('exclusive_ctid_range', 'exclusive_name_pattern'), True)])
CONTAINER_INFO_MODULE = ModuleDefinition(CONTAINER_INFO_SPEC, run_container_info, errors=(ValueError,))
