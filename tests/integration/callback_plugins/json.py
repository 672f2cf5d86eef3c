"""Stdout callback ``json``: the whole run as one JSON document (ansible.posix layout).

ansible-core does not ship the ``json`` callback (it lives in ansible.posix, which the
test machines cannot download), so the lab harness brings this small stand-in:
``{"plays": [{"play": {...}, "tasks": [{"task": {...}, "hosts": {HOST: RESULT}}]}],
"stats": {HOST: {...}}}``. Results keep diff, warnings and invocation; internal
``_ansible_*`` keys are dropped.
"""

import json

from ansible.plugins.callback import CallbackBase
from ansible.vars.clean import module_response_deepcopy, strip_internal_keys

DOCUMENTATION = """
    name: json
    type: stdout
    short_description: one JSON document for the whole run (openvz.cloud test stand-in)
    description:
      - Prints plays, tasks, per-host results and stats as one JSON document at the end.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'json'

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        self.plays = []

    def _current_tasks(self):
        if not self.plays:  # ad-hoc runs have no play start event
            self.plays.append({'play': {'name': 'adhoc', 'id': ''}, 'tasks': []})
        return self.plays[-1]['tasks']

    def v2_playbook_on_play_start(self, play):
        self.plays.append({'play': {'name': play.get_name(), 'id': str(play._uuid)},
                           'tasks': []})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._current_tasks().append({'task': {'name': task.get_name(), 'id': str(task._uuid)},
                                      'hosts': {}})

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _record(self, result, **flags):
        tasks = self._current_tasks()
        if not tasks or tasks[-1]['task']['id'] != str(result._task._uuid):
            tasks.append({'task': {'name': result._task.get_name(), 'id': str(result._task._uuid)},
                          'hosts': {}})
        host_result = strip_internal_keys(module_response_deepcopy(result._result))
        host_result.update(flags)
        host_result.setdefault('action', result._task.action)
        tasks[-1]['hosts'][result._host.get_name()] = host_result

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        summary = {}
        for host in sorted(stats.processed):
            counts = stats.summarize(host)
            summary[host] = {key: counts.get(key, 0) for key in
                             ('ok', 'changed', 'failures', 'unreachable', 'skipped',
                              'rescued', 'ignored')}
        self._display.display(json.dumps({'plays': self.plays, 'stats': summary}, indent=2,
                                         sort_keys=True, ensure_ascii=False, default=str))
