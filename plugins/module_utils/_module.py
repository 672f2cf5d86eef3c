# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each module is (argument spec, work, the errors it reports) and the one place
where that work meets ``exit_json``/``fail_json``. No Ansible import: the definitions sit
beside library code that also runs outside Ansible."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError


class ModuleFailure(Exception):
    """A failure already shaped as ``fail_json`` arguments."""

    def __init__(self, kwargs):
        super(ModuleFailure, self).__init__(kwargs['msg'])
        self.kwargs = kwargs

    def fail_kwargs(self):
        return dict(self.kwargs)


class ModuleDefinition(object):
    """A module: ``work(module)`` returns the ``exit_json`` arguments; a CommandError or one
    of ``errors`` fails the module with the error's details and the ``detail_params``."""

    def __init__(self, argument_spec, work, errors=(), detail_params=(), **module_kwargs):
        self.work = work
        self.errors = (CommandError, ModuleFailure) + tuple(errors)
        self.detail_params = detail_params
        self.module_kwargs = dict(module_kwargs, argument_spec=argument_spec,
                                  supports_check_mode=True)

    def main(self):
        """The module's entry point."""
        from ansible.module_utils.basic import AnsibleModule
        run_module(AnsibleModule(**self.module_kwargs), self)


def failure(exc, **details):
    """``fail_json`` arguments for a library error: its own ``fail_kwargs()`` when it has
    them, else its message, plus ``details``."""
    own = getattr(exc, 'fail_kwargs', None)
    kwargs = own() if own is not None else dict(msg=str(exc))
    for key, value in details.items():
        kwargs.setdefault(key, value)
    return kwargs


def run_module(module, definition):
    """Exit ``module`` with the definition's work; its errors fail the module, anything
    else is a bug and keeps its traceback."""
    try:
        result = definition.work(module)
    except definition.errors as exc:
        details = dict((key, module.params.get(key)) for key in definition.detail_params)
        module.fail_json(**failure(exc, **details))
    module.exit_json(**result)
