# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of vzctl and vzlist: argument lists, C locale, JSON, exit-code meanings."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.openvz.cloud.plugins.module_utils.errors import CommandError

# Options shared by every module that drives vzctl/vzlist (documented once in the
# openvz.cloud.openvz doc fragment).
VZ_CLI_ARGUMENT_SPEC = dict(
    vzctl_path=dict(type='path'),
    vzlist_path=dict(type='path'),
    command_timeout=dict(type='int', default=600),
)

C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C'}
LOCKED_RC = 9
TIMEOUT_RC = 124

# Legacy vzctl 4.x exit codes (openvz-cli.md section 2).
VZCTL_EXIT_CODES = {
    1: 'UBC setting failed', 2: 'fair-scheduler setting failed', 3: 'system error',
    5: 'not an OpenVZ kernel or modules missing', 6: 'not enough resources',
    7: 'ENV_CREATE ioctl failed', 8: 'command run by vzctl exec failed', 9: 'container locked',
    10: 'vz.conf not found', 11: 'helper script not found', 12: 'permission denied',
    13: 'capability setting failed', 14: 'container config file not found',
    15: 'vzctl exec timeout', 16: 'suspend error', 17: 'resume error', 18: 'setluid() error',
    20: 'invalid syntax', 21: 'invalid value', 22: 'VE_ROOT not set', 23: 'VE_PRIVATE not set',
    24: 'TEMPLATE not set', 27: 'not enough parameters', 28: 'UBC parameters missing',
    29: 'OS template not specified', 31: 'container not running', 32: 'container running',
    33: 'unable to stop the container', 34: 'unable to add IP address', 35: 'validation error',
    36: 'overcommit error', 40: 'container not mounted', 41: 'container already mounted',
    43: 'private area not found', 44: 'private area already exists',
    46: 'not enough disk space', 47: 'broken container (no /sbin/init or /bin/sh)',
    48: 'cannot create private area', 49: 'cannot create root area', 50: 'cannot mount',
    51: 'cannot unmount', 52: 'cannot delete container', 53: 'private area missing',
    54: 'cannot create directory', 55: 'quota limits error', 60: 'vzquota on failed',
    61: 'vzquota init failed', 62: 'vzquota setlimit failed', 63: 'DISKSPACE not set',
    64: 'DISKINODES not set', 65: 'in-container quota error', 66: 'vzquota off failed',
    67: 'ugid quota not initialised', 68: 'quota usage error', 70: 'bad hostname',
    71: 'bad IP address', 72: 'bad DNS server', 73: 'bad search domain',
    74: 'password change error', 77: 'LOCKDIR not set', 78: 'IP address already in use',
    79: 'action script error', 82: 'config copy error', 85: 'invalid config',
    86: 'devices error', 87: 'application install error', 89: 'IP address not available',
    91: 'OS template not found', 99: 'ploop unsupported', 100: 'container IP not found',
    104: 'VE_NETDEV ioctl error', 105: 'container start disabled',
    106: 'iptables on a running container', 107: 'distribution config missing',
    108: 'distribution script missing', 109: 'applyconfig failed', 128: 'reinstall error',
    129: 'meminfo error', 130: 'veth error (includes vznetcfg failure)',
    131: 'container name error', 133: 'start wait failed', 139: 'config save error',
    144: 'osrelease error', 148: 'IO parameters error', 150: 'ploop image not found',
    151: 'cannot create ploop image', 152: 'cannot mount ploop image',
    153: 'cannot unmount ploop image', 154: 'cannot resize ploop image',
    155: 'cannot convert to ploop', 156: 'cannot create snapshot', 157: 'cannot merge snapshot',
    158: 'cannot delete snapshot', 159: 'cannot switch snapshot', 160: 'cannot mount snapshot',
    161: 'cannot unmount snapshot', 166: 'cannot compact image', 167: 'cannot list snapshots',
    TIMEOUT_RC: 'timed out (command_timeout)',
}


def exit_code_meaning(rc):
    return VZCTL_EXIT_CODES.get(rc, 'unknown exit code')


class VzCliError(CommandError):
    """A vzctl/vzlist call failed."""


class VzCli(object):
    """Runs vzctl and vzlist on the managed host through ``module.run_command``."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.vzctl_path = params.get('vzctl_path') or module.get_bin_path(
            'vzctl', required=True, opt_dirs=['/usr/sbin', '/sbin'])
        self.vzlist_path = params.get('vzlist_path') or module.get_bin_path(
            'vzlist', required=True, opt_dirs=['/usr/sbin', '/sbin'])
        self.command_timeout = params.get('command_timeout')
        self.timeout_path = None
        if self.command_timeout:
            self.timeout_path = module.get_bin_path('timeout')
        self.commands = []

    def _run(self, argv, timeout=None, shown=None):
        timeout = timeout or self.command_timeout
        full = list(argv)
        if timeout and self.timeout_path:
            full = [self.timeout_path, '--kill-after=10', str(timeout)] + full
        self.commands.append(shown or list(argv))
        rc, out, err = self.module.run_command(full, environ_update=C_LOCALE)
        return rc, out, err

    def vzctl(self, args, ok_rcs=(0,), timeout=None, secret=None):
        """Run ``vzctl <args>``; a rc outside ``ok_rcs`` raises VzCliError with its meaning.

        ``secret`` (a password) is masked in the recorded command and in errors.
        """
        argv = [self.vzctl_path] + [str(arg) for arg in args]
        shown = [mask(arg, secret) for arg in argv]
        rc, out, err = self._run(argv, timeout=timeout, shown=shown)
        if rc not in ok_rcs:
            raise VzCliError(vzctl_failure_message(shown, rc, mask(out, secret), mask(err, secret)),
                             cmd=shown, rc=rc, stdout=mask(out, secret), stderr=mask(err, secret))
        return rc, out, err

    def vzlist_json(self, args=()):
        """Run ``vzlist -j <args>`` and return the parsed list (empty when nothing found)."""
        argv = [self.vzlist_path, '-j'] + [str(arg) for arg in args]
        rc, out, err = self._run(argv)
        if rc != 0:
            raise VzCliError('vzlist failed (rc %s): %s' % (rc, (err or out).strip()),
                             cmd=argv, rc=rc, stdout=out, stderr=err)
        try:
            return parse_json_list(out)
        except ValueError as exc:
            raise VzCliError('vzlist printed output that is not JSON: %s' % exc,
                             cmd=argv, rc=rc, stdout=out, stderr=err)


def mask(text, secret):
    if not secret or not text:
        return text
    return text.replace(secret, '********')


def parse_json_list(text):
    """``[]``, ``[\\n]`` and empty output all mean no containers."""
    if not text.strip():
        return []
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError('expected a JSON array, got %s' % type(data).__name__)
    return data


def vzctl_failure_message(argv, rc, out, err):
    """``vzctl <command> <ct> failed with rc N (<meaning>): <last error line>``."""
    command = ' '.join(argv[1:3]) if len(argv) > 2 else ' '.join(argv[1:])
    detail = _last_line(err) or _last_line(out)
    if rc == LOCKED_RC:
        return ('vzctl %s failed: the container is locked by another vzctl command (rc 9, '
                'container locked); retry when it has finished. %s' % (command, detail)).strip()
    message = 'vzctl %s failed with rc %s (%s)' % (command, rc, exit_code_meaning(rc))
    if detail:
        message += ': %s' % detail
    return message


def _last_line(text):
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    if not lines:
        return ''
    # "Locked by: pid ..." precedes "Container already locked"; keep both.
    if len(lines) > 1 and lines[-2].startswith('Locked by'):
        return '%s; %s' % (lines[-2], lines[-1])
    return lines[-1]
