# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: openvz
short_description: Run tasks inside OpenVZ containers of a remote hardware node
version_added: 1.1.0
description:
  - Runs commands, and copies files, inside a container of an OpenVZ hardware node that the
    controller reaches over SSH; the controller need not be the node.
  - The node is reached with ansible-core's own C(ansible.builtin.ssh) connection, so its
    persistent connection (C(ControlMaster)/C(ControlPersist) in C(ssh_args)) is shared by
    every container of a node, and the C([ssh_connection]) settings of C(ansible.cfg)
    (C(ssh_args), C(control_path_dir), C(timeout), C(retries), C(host_key_checking)) apply to it.
  - On the node, a command runs as C(vzctl exec2 <container> <command>) on legacy OpenVZ
    (vzctl 4.x) and as C(prlctl exec <container> <command>) on OpenVZ 7/9. Both hand the
    command to a shell inside the container (C(bash -c), or C(sh) when the container has no
    bash) and exit with its status. Every word sent to the node is quoted for the node's shell.
  - Files go through the same channel, with no copy on the node, as the standard input of
    C(cat > path) and the standard output of C(cat path) inside the container; they are
    held in the controller's memory while they pass, as with the C(piped) transfer method
    of C(ansible.builtin.ssh).
  - Commands run as root inside the container; use C(become) to run them as another user
    (for example C(become_method=su), which needs no password from root).
author: openvz.cloud developers (@openvz-cloud)
notes:
  - The inventory plugin C(openvz.cloud.openvz) sets the variables below for every container
    it lists.
  - A command that exits with 255, and a C(prlctl exec) that fails on the node, are reported as
    an unreachable host, as C(ansible.builtin.ssh) reports an exit status of 255.
  - C(ansible_user), C(ansible_port), C(ansible_password) and the other C(ansible_ssh_*)
    variables are not used for the node; set the C(openvz_node_*) variables instead.
extends_documentation_fragment:
  - connection_pipelining
options:
  container:
    description:
      - The container to run in, as its node knows it - a numeric CTID on legacy OpenVZ, a
        UUID (braces optional) or a name on OpenVZ 7/9.
      - CTID V(0) (the node itself), and names that start with V(-) or hold characters vzctl does
        not allow in names (letters, digits, space and C(-+_.)), are refused.
    type: str
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: openvz_container
  node_address:
    description:
      - The address (or SSH host name) of the hardware node that holds the container.
    type: str
    required: true
    vars:
      - name: openvz_node_address
  node_user:
    description:
      - The user the controller logs in as on the node; it must be allowed to run vzctl or prlctl.
    type: str
    default: root
    vars:
      - name: openvz_node_user
    env:
      - name: OPENVZ_NODE_USER
    ini:
      - section: openvz_connection
        key: node_user
  node_port:
    description:
      - The SSH port of the node.
    type: int
    default: 22
    vars:
      - name: openvz_node_port
    env:
      - name: OPENVZ_NODE_PORT
    ini:
      - section: openvz_connection
        key: node_port
  node_private_key_file:
    description:
      - The private key used to log in to the node.
    type: path
    vars:
      - name: openvz_node_private_key_file
    env:
      - name: OPENVZ_NODE_PRIVATE_KEY_FILE
    ini:
      - section: openvz_connection
        key: node_private_key_file
  node_ssh_common_args:
    description:
      - Extra arguments for every SSH command line to the node, as one string (for example
        C(-F /path/ssh_config) or C(-o ProxyJump=bastion)).
    type: str
    vars:
      - name: openvz_node_ssh_common_args
    env:
      - name: OPENVZ_NODE_SSH_COMMON_ARGS
    ini:
      - section: openvz_connection
        key: node_ssh_common_args
  flavour:
    description:
      - The OpenVZ line of the node. V(legacy) runs C(vzctl exec2), V(vz7) (OpenVZ 7 and 9)
        runs C(prlctl exec).
      - V(auto) asks the node before the first command - a node with C(prlctl) is V(vz7), one
        with only C(vzctl) is V(legacy). The answer is kept for the rest of the run (in the
        run's local temporary directory), so each node is asked once per C(ansible-playbook)
        run, and again after a C(reset_connection) meta task. Setting it saves that round trip.
    type: str
    choices: [auto, legacy, vz7]
    default: auto
    vars:
      - name: openvz_flavour
    env:
      - name: OPENVZ_FLAVOUR
"""

EXAMPLES = r"""
# inventory.yml - two containers reached through their nodes; the inventory plugin
# openvz.cloud.openvz writes the same variables for every container it finds.
all:
  vars:
    ansible_connection: openvz.cloud.openvz
    ansible_python_interpreter: /usr/bin/python3
  hosts:
    web1:
      ansible_host: "101"
      openvz_node_address: node1.example.org
      openvz_flavour: legacy
    db1:
      ansible_host: 6b4c1e2a-3f0d-4c8e-9a51-2d7f0c9e4b11
      openvz_node_address: node2.example.org
      openvz_node_user: admin
      openvz_node_port: 2222
      openvz_node_private_key_file: ~/.ssh/openvz_nodes
      openvz_node_ssh_common_args: -o ProxyJump=bastion.example.org
      openvz_flavour: vz7

# A play over them: modules, become and file transfers run inside the containers.
# - hosts: all
#   tasks:
#     - ansible.builtin.command: id -un
#       become: true
#       become_method: su
#       become_user: nobody
#       become_flags: -s /bin/sh
"""

import hashlib
import os
import shlex
import tempfile

from ansible import constants as C
from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.plugins.loader import connection_loader
from ansible.utils.display import Display

from ansible_collections.openvz.cloud.plugins.module_utils._container.ids import CTID_MAX, ContainerId
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import NAME_CHARS

display = Display()

FLAVOURS = ('legacy', 'vz7')
# One probe for the node's line: prlctl is the OpenVZ 7/9 tool, vzctl alone is legacy.
FLAVOUR_PROBE = ('if command -v prlctl >/dev/null 2>&1; then echo vz7; '
                 'elif command -v vzctl >/dev/null 2>&1; then echo legacy; else echo none; fi')
# vzctl 4.x: VZ_VE_NOT_RUNNING (include/vzerror.h), message of vps_exec (src/lib/exec.c).
LEGACY_NOT_RUNNING_RC = 31
LEGACY_NOT_RUNNING = b'Container is not running'


def flavour_cache_dir():
    """The run's local tmp: made by the main process, shared by its forked workers, removed at exit."""
    return C.DEFAULT_LOCAL_TMP


def _flavour_cache_file(address, port, user):
    key = '%s\0%s\0%s' % (address, port, user)
    return os.path.join(flavour_cache_dir(), 'openvz-flavour-%s' % hashlib.sha256(to_bytes(key)).hexdigest()[:24])


def read_cached_flavour(path):
    try:
        with open(path) as handle:
            found = handle.read().strip()
    except (IOError, OSError):
        return None
    return found if found in FLAVOURS else None


def write_cached_flavour(path, flavour):
    """Atomic: a worker reading at the same time sees the whole word or no file."""
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.openvz-flavour-')
        with os.fdopen(handle, 'w') as stream:
            stream.write(flavour)
        os.rename(temporary, path)
    except (IOError, OSError) as exc:
        display.vvv('OPENVZ: flavour not cached in %s: %s' % (path, to_native(exc)))


def container_id(value):
    """The container as given, checked: a CTID (not 0, the node), a UUID or a vzctl-style name."""
    text = to_text(value if value is not None else '').strip()
    try:
        ctid = ContainerId(text)
    except ValueError:
        raise AnsibleError('openvz connection: the container is not set (openvz_container, '
                           'ansible_host or the inventory hostname)')
    if ctid.is_number:
        if not 0 < ctid.value <= CTID_MAX:
            raise AnsibleError('openvz connection: invalid container %r: CTIDs are 1 to %d '
                               '(0 is the hardware node itself)' % (text, CTID_MAX))
        return str(ctid.value)
    if ctid.is_uuid:
        return text
    if text.startswith('-') or not set(text) <= NAME_CHARS:
        raise AnsibleError("openvz connection: invalid container %r: give a CTID, a UUID or a "
                           "name of letters, digits, space and '-+_.' that does not start with '-'"
                           % text)
    return text


def node_command(flavour, container, argv):
    """The command line for the node's shell that runs ``argv`` inside ``container``.

    vzctl exec2 (vzctl src/vzctl-actions.c exec()) and prlctl exec (prlctl(8): "run via
    bash -c") join their words with spaces for a shell inside the container, so ``argv``
    is quoted once for that shell and then sent as one word, quoted for the node's shell.
    """
    inner = ' '.join(shlex.quote(word) for word in argv) if isinstance(argv, (list, tuple)) else argv
    tool = ['vzctl', 'exec2'] if flavour == 'legacy' else ['prlctl', 'exec']
    return ' '.join(shlex.quote(word) for word in tool + [container, inner])


class Connection(ConnectionBase):
    """Commands in an OpenVZ container, through ansible-core's ssh connection to its node."""

    transport = 'openvz.cloud.openvz'
    has_pipelining = True
    # vzctl exec2 / prlctl exec run as root inside the container (for become's permission logic)
    default_user = 'root'

    def __init__(self, play_context, *args, **kwargs):
        super(Connection, self).__init__(play_context, *args, **kwargs)
        self._node = None
        self._flavour = None
        self._container = None

    # -- the node ---------------------------------------------------------------------
    def _node_connection(self):
        """ansible.builtin.ssh to the node, its options from this plugin's node options."""
        if self._node is None:
            node = connection_loader.get('ssh', self._play_context, shell=self._shell)
            if node is None:
                raise AnsibleError('openvz connection: ansible.builtin.ssh could not be loaded')
            address = self.get_option('node_address')
            if not address:
                raise AnsibleError('openvz connection: openvz_node_address is not set')
            direct = {
                'host': address,
                'remote_user': self.get_option('node_user'),
                'port': self.get_option('node_port'),
            }
            if self.get_option('node_private_key_file'):
                direct['private_key_file'] = self.get_option('node_private_key_file')
            if self.get_option('node_ssh_common_args'):
                direct['ssh_common_args'] = self.get_option('node_ssh_common_args')
            node.set_options(direct=direct)
            self._node = node
        if self.become is not None:
            self._node.set_become_plugin(self.become)
        return self._node

    def set_become_plugin(self, plugin):
        super(Connection, self).set_become_plugin(plugin)
        if self._node is not None:
            self._node.set_become_plugin(plugin)

    def _connect(self):
        if not self._connected:
            self._container = container_id(self.get_option('container'))
            self._node_connection()
            self._connected = True
        return self

    def _node_key(self):
        return _flavour_cache_file(self.get_option('node_address'), self.get_option('node_port'),
                                   self.get_option('node_user'))

    def flavour(self):
        """The node's line: the option, or asked of the node once per run (then cached)."""
        if self._flavour is None:
            wanted = self.get_option('flavour')
            if wanted in FLAVOURS:
                self._flavour = wanted
            else:
                self._flavour = read_cached_flavour(self._node_key()) or self._probe_flavour()
        return self._flavour

    def _probe_flavour(self):
        rc, out, err = self._node_connection().exec_command(FLAVOUR_PROBE, sudoable=False)
        found = to_text(out).strip()
        if rc != 0 or found not in FLAVOURS:
            raise AnsibleConnectionFailure(
                'openvz connection: node %s has neither prlctl nor vzctl on its PATH '
                '(rc %s: %s)' % (self.get_option('node_address'), rc, to_native(err or out).strip()))
        display.vvv('OPENVZ: node %s is %s' % (self.get_option('node_address'), found),
                    host=self._container)
        write_cached_flavour(self._node_key(), found)
        return found

    def _run_in_container(self, argv, in_data=None, sudoable=True):
        command = node_command(self.flavour(), self._container, argv)
        display.vvv('OPENVZ: EXEC %s' % command, host=self._container)
        try:
            rc, out, err = self._node_connection().exec_command(command, in_data=in_data, sudoable=sudoable)
        except AnsibleConnectionFailure as exc:
            raise AnsibleConnectionFailure('openvz connection: container %s on node %s: %s'
                                           % (self._container, self.get_option('node_address'),
                                              to_native(exc)))
        if (self.flavour() == 'legacy' and rc == LEGACY_NOT_RUNNING_RC
                and (err + out).strip().endswith(LEGACY_NOT_RUNNING)):
            raise AnsibleConnectionFailure('openvz connection: container %s on node %s is not running'
                                           % (self._container, self.get_option('node_address')))
        return rc, out, err

    # -- the connection API -------------------------------------------------------------
    def exec_command(self, cmd, in_data=None, sudoable=True):
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        # cmd is a shell command line for the container (Ansible wraps it in sh -c and become)
        return self._run_in_container(to_text(cmd), in_data=in_data, sudoable=sudoable)

    def put_file(self, in_path, out_path):
        super(Connection, self).put_file(in_path, out_path)
        display.vvv('PUT %s TO %s' % (in_path, out_path), host=self._container)
        try:
            with open(to_bytes(in_path, errors='surrogate_or_strict'), 'rb') as source:
                data = source.read()
        except (IOError, OSError) as exc:
            raise AnsibleFileNotFound('openvz connection: cannot read %s: %s' % (in_path, to_native(exc)))
        # in_data must not be empty, or ssh would not feed stdin; "cat" then reads nothing
        script = 'cat > %s' % shlex.quote(out_path)
        if not data:
            script = ': > %s' % shlex.quote(out_path)
        rc, out, err = self._run_in_container(script, in_data=data or None, sudoable=False)
        if rc != 0:
            raise AnsibleError('openvz connection: cannot write %s in container %s (rc %d): %s'
                               % (out_path, self._container, rc, to_native(err or out).strip()))

    def fetch_file(self, in_path, out_path):
        super(Connection, self).fetch_file(in_path, out_path)
        display.vvv('FETCH %s TO %s' % (in_path, out_path), host=self._container)
        rc, out, err = self._run_in_container('cat %s' % shlex.quote(in_path), sudoable=False)
        if rc != 0:
            raise AnsibleError('openvz connection: cannot read %s in container %s (rc %d): %s'
                               % (in_path, self._container, rc, to_native(err).strip()))
        try:
            with open(to_bytes(out_path, errors='surrogate_or_strict'), 'wb') as target:
                target.write(out)
        except (IOError, OSError) as exc:
            raise AnsibleError('openvz connection: cannot write %s: %s' % (out_path, to_native(exc)))

    def reset(self):
        if self._node is not None:
            self._node.reset()
        self._flavour = None
        try:
            os.unlink(self._node_key())
        except (IOError, OSError):
            pass
        self.close()

    def close(self):
        if self._node is not None:
            self._node.close()
        self._connected = False
