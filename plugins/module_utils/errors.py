# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The error every openvz.cloud module turns into ``fail_json``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class CommandError(Exception):
    """A command failed or a request is refused; carries what fail_json needs."""

    def __init__(self, msg, cmd=None, rc=None, stdout='', stderr=''):
        super(CommandError, self).__init__(msg)
        self.msg = msg
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def fail_kwargs(self):
        details = dict(msg=self.msg)
        if self.cmd is not None:
            details.update(cmd=self.cmd, rc=self.rc, stdout=self.stdout, stderr=self.stderr)
        return details
