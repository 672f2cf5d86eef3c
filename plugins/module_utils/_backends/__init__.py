# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing the backend of a host: ``legacy`` (vzctl 4.x) or ``vz7`` (OpenVZ 7/9)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import vzconf
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError

BACKENDS = ('auto', 'legacy', 'vz7')

# Options of every module that drives containers (doc fragment openvz.cloud.openvz
# documents them once).
BACKEND_ARGUMENT_SPEC = dict(
    backend=dict(type='str', default='auto', choices=list(BACKENDS)),
    vzctl_path=dict(type='path'),
    vzlist_path=dict(type='path'),
    command_timeout=dict(type='int', default=600),
    conf_dir=dict(type='path', default=vzconf.DEFAULT_CONF_DIR),
    vz_conf=dict(type='path', default=vzconf.DEFAULT_VZ_CONF),
)


def detect_flavour(runner):
    """``vz7`` where prlctl is installed (it ships with OpenVZ 7 and 9 only), else ``legacy``.

    A path lookup, no command: the modules pay nothing for it on every run.
    """
    return 'vz7' if runner.find('prlctl', required=False) else 'legacy'


def select_backend(runner, backend='auto', conf_dir=vzconf.DEFAULT_CONF_DIR,
                   vz_conf=vzconf.DEFAULT_VZ_CONF, vzctl_path=None, vzlist_path=None):
    """The backend object for this host (``backend`` forces one)."""
    name = detect_flavour(runner) if backend in (None, 'auto') else backend
    if name == 'legacy':
        from ansible_collections.openvz.cloud.plugins.module_utils._backends.legacy import (
            LegacyBackend)
        return LegacyBackend(runner, conf_dir=conf_dir, vz_conf=vz_conf, vzctl_path=vzctl_path,
                             vzlist_path=vzlist_path)
    if name == 'vz7':
        from ansible_collections.openvz.cloud.plugins.module_utils._backends.vz7 import (
            Vz7Backend)
        return Vz7Backend(runner, conf_dir=conf_dir, vz_conf=vz_conf, vzctl_path=vzctl_path,
                          vzlist_path=vzlist_path)
    raise CommandError('Unknown backend %r; choose one of %s' % (name, ', '.join(BACKENDS)))


def backend_from_params(runner, params):
    """``select_backend`` with a module's shared options."""
    return select_backend(runner, params.get('backend'), conf_dir=params['conf_dir'],
                          vz_conf=params['vz_conf'], vzctl_path=params.get('vzctl_path'),
                          vzlist_path=params.get('vzlist_path'))
