# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack Orchestrator extension: one call = one action on one OpenVZ host.

CloudStack runs ``<exe> <action> <payload.json> <timeout>`` and reads one JSON document
from stdout; only the exit code says success. Every action here is idempotent under
CloudStack's patterns: ``create`` is retried up to ``start.retry`` times with a ``stop``
in between, so ``create`` converges an existing container and ``stop``/``delete`` of a
missing one succeed. Containers are found by CloudStack's instance name (the container's
name); new IDs are allocated under the host-wide lock the modules use. All OpenVZ
knowledge is the backend's: this file maps CloudStack requests onto container specs and
backend plans.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import tempfile
import uuid

from ansible_collections.openvz.cloud.plugins.module_utils._backends import select_backend
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import Plan
from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack.payload import (
    PayloadError, to_bool, to_int, vlan_of)
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import SpecError
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError, SshRunner

LIFECYCLE_ACTIONS = ('prepare', 'create', 'start', 'stop', 'reboot', 'delete', 'status',
                     'statuses', 'getconsole')
CUSTOM_ACTIONS = ('createsnapshot', 'listsnapshots', 'restoresnapshot', 'deletesnapshot',
                  'hostcapacity')
# Executables looked up on the host: flavour detection, the legacy tools, timeout(1).
HOST_TOOLS = ('prlctl', 'vzctl', 'vzlist', 'timeout')
POWER_ON = 'poweron'
POWER_OFF = 'poweroff'
# Seconds kept back from CloudStack's timeout to print the answer before it kills us.
TIMEOUT_MARGIN = 2


class ExtensionError(Exception):
    """An action failed; ``msg`` is the error CloudStack shows."""

    def __init__(self, msg):
        super(ExtensionError, self).__init__(msg)
        self.msg = msg


def success(message, **extra):
    document = {'status': 'success', 'message': message}
    document.update(extra)
    return document


def host_side_mac(mac):
    """The host end's MAC for a guest MAC: first octet ``fe``, as libvirt gives KVM taps.

    vzctl copies a given guest MAC to the host end when no host MAC is given; with both
    ends of the veth on one MAC the bridge keeps the guest's MAC as its own local address
    and delivers the guest's traffic to itself: the NIC is cut off.
    """
    return 'fe' + mac.strip()[2:]


def parse_ctid_range(text):
    """``1000-99999`` (or ``1000:99999``, ``1000,99999``) -> (first, last)."""
    if not text:
        return ids.CTID_MIN, ids.CTID_MAX
    for separator in ('-', ':', ','):
        if separator in text:
            parts = [part.strip() for part in text.split(separator, 1)]
            return ids.ctid_range(parts, ExtensionError)
    raise ExtensionError('Invalid ctid_range %r: write it as first-last, e.g. 1000-99999'
                         % text)


def connect(payload, timeout, workdir):
    """The SSH runner for the payload's host: batch mode, strict host keys against the
    known_hosts file, the key of the details, one master connection for the call."""
    host = payload.host
    if not host.get('host'):
        raise ExtensionError('The host details lack "host" (the OpenVZ node\'s address): '
                             'set it with addHost/updateHost externaldetails[0].host=...')
    if not host.get('ssh_key_file'):
        raise ExtensionError('The host details lack "ssh_key_file" (the private key the '
                             'management server logs in with)')
    known_hosts = host.get('ssh_known_hosts_file') or os.path.expanduser('~/.ssh/known_hosts')
    port = to_int(host.get('ssh_port'), 'ssh_port') or 22
    connect_timeout = to_int(host.get('ssh_connect_timeout'), 'ssh_connect_timeout') or 10
    options = ['-o', 'ConnectTimeout=%d' % connect_timeout, '-o', 'LogLevel=ERROR',
               '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ServerAliveInterval=15']
    return SshRunner(host['host'], user=host.get('ssh_user') or 'root', port=port,
                     key_file=host['ssh_key_file'], known_hosts_file=known_hosts,
                     control_path=os.path.join(workdir, 'cm-%C'), options=options,
                     timeout=timeout)


def close_connection(runner):
    """End the call's master connection (ControlPersist would keep it for a minute)."""
    runner.close()


class OpenVZExtension(object):
    """Runs one action for one payload through a runner connected to the host."""

    def __init__(self, payload, runner, backend=None, opener=None):
        self.payload = payload
        self.runner = runner
        self._backend = backend
        # how template URLs are opened (the entry point passes a standard-library one)
        self.opener = opener

    @property
    def backend(self):
        if self._backend is None:
            # one round trip for every lookup the backend and the runner make
            self.runner.prefetch(HOST_TOOLS)
            self._backend = select_backend(self.runner)
        return self._backend

    def run(self, action):
        handler = getattr(self, 'action_' + action, None)
        if action not in LIFECYCLE_ACTIONS + CUSTOM_ACTIONS or handler is None:
            raise ExtensionError('Unknown action %r; this extension handles %s'
                                 % (action, ', '.join(LIFECYCLE_ACTIONS + CUSTOM_ACTIONS)))
        try:
            return handler()
        except (CommandError, SpecError, PayloadError) as exc:
            raise ExtensionError(getattr(exc, 'msg', None) or str(exc))

    # -- finding the VM's container ------------------------------------------------------
    def _find(self, name):
        """(ContainerId, state) of the container named ``name``, or (None, None)."""
        for container_id, state in self.backend.read_containers().items():
            if state.get('name') == name:
                return container_id, state
        return None, None

    def _converge(self, params):
        """One container spec converged by the manager (imported here: status calls, the
        most frequent, never need it)."""
        from ansible_collections.openvz.cloud.plugins.module_utils._container.manager import (
            ContainerManager, ConvergeError)
        from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
            CONTAINER_OPTIONS, normalise_spec)
        full = dict((key, option.get('default')) for key, option in CONTAINER_OPTIONS.items())
        full.update(params)
        id_range = parse_ctid_range(self.payload.host.get('ctid_range'))
        manager = ContainerManager(self.backend, id_range=id_range, parallel=1)
        try:
            return manager.converge([normalise_spec(full)])[0]
        except ConvergeError as exc:
            raise ExtensionError(exc.msg)

    # -- the spec of a CloudStack VM --------------------------------------------------------
    def _netifs(self):
        nics = []
        for nic in self.payload.nics():
            device = to_int(nic.get('deviceId'), 'deviceId') or 0
            item = {'ifname': 'eth%d' % device, 'mac': nic.get('mac') or None}
            if item['mac']:
                item['host_mac'] = host_side_mac(item['mac'])
            vlan = vlan_of(nic)
            if vlan is None:
                item['bridge'] = self.payload.host.get('bridge')
            else:
                trunk = self.payload.host.get('vlan_trunk')
                if not trunk:
                    raise ExtensionError('NIC %s is on VLAN %s but the host details set no '
                                         'vlan_trunk (the host interface carrying tagged '
                                         'traffic)' % (device, vlan))
                item.update(vlan=vlan, trunk=trunk)
            nics.append(item)
        return nics

    def _vm_params(self, state, container_id=None):
        """Compute, memory and NICs from the TO; swap 0 unless the details give one. An
        existing container is addressed by its ID (no allocation, so no host lock)."""
        params = dict(name=self.payload.instance_name, state=state)
        if container_id is not None:
            params['ctid'] = str(container_id)
        if self.payload.cpus:
            params['cpus'] = self.payload.cpus
        if self.payload.ram_bytes:
            params['ram'] = str(self.payload.ram_bytes)
            params['swap'] = self.payload.detail('swap') or '0'
        if self.payload.vm.get('nics') is not None and self.payload.nics():
            params['netifs'] = self._netifs()
        return params

    def _create_params(self, container_id):
        params = self._vm_params('started', container_id)
        template = self.payload.detail('ostemplate')
        if container_id is None and not template:
            raise ExtensionError('No ostemplate for %s: set the template, offering or VM detail '
                                 '"ostemplate" (External:ostemplate)'
                                 % self.payload.instance_name)
        if container_id is None:
            params.update(ostemplate=template, layout=self.payload.detail('layout'),
                          diskspace=self.payload.detail('diskspace'))
            if self.payload.vm_uuid:
                params['description'] = 'cloudstack %s' % self.payload.vm_uuid
            if not self.backend.allocates_numeric_ids:
                # OpenVZ 7/9: the container is named after the instance and gets the VM's
                # UUID as its own (prlctl create --uuid)
                if self.payload.vm_uuid and ids.ContainerId(self.payload.vm_uuid).is_uuid:
                    params['ctid'] = self.payload.vm_uuid
                return params
            preferred = self.payload.detail('ctid')
            if preferred:
                params['ctid'] = preferred
        return params

    # -- lifecycle actions ---------------------------------------------------------------
    def action_prepare(self):
        """An ID proposal persisted as the VM detail ``External:ctid`` (create uses it when
        it is still free, else allocates another under the host lock)."""
        if not self.backend.allocates_numeric_ids:
            return None
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            first, last = parse_ctid_range(self.payload.host.get('ctid_range'))
            used = self.backend.ids_in_use(self.backend.read_containers())
            allocator = ids.Allocator(first, last, used)
            try:
                container_id = allocator.allocate()
            except ValueError as exc:
                raise ExtensionError(str(exc))
        return {'details': {'External:ctid': str(container_id)}}

    def action_create(self):
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            template = self.payload.detail('ostemplate')
            if template:
                from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack import (
                    templates)
                templates.ensure_template(self.backend, template,
                                          self.payload.detail('template_url'),
                                          self.payload.detail('template_checksum'),
                                          opener=self.opener)
        params = self._create_params(container_id)
        if container_id is None and params.get('ctid') and self.backend.allocates_numeric_ids:
            # prepare's proposal
            # A proposed ID: the manager allocates nothing and takes no lock, but a
            # concurrent allocating create must not pick the same ID meanwhile.
            with self.runner.lock(self.backend.allocation_lock_path()):
                if self._id_taken(params['ctid']):
                    del params['ctid']
                    result = None
                else:
                    result = self._converge(params)
            if result is None:
                result = self._converge(params)
        else:
            result = self._converge(params)
        return success('Instance %s %s (container %s)'
                       % (name, 'created and started' if 'create' in result['actions']
                          else 'converged', result['ctid']), container=str(result['ctid']),
                       actions=result['actions'])

    def _id_taken(self, preferred):
        try:
            wanted = ids.ContainerId(preferred)
        except ValueError:
            raise ExtensionError('Invalid VM detail ctid %r' % preferred)
        return wanted in self.backend.ids_in_use(self.backend.read_containers())

    def action_start(self):
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            raise ExtensionError('Instance %s has no container on this host; it cannot be '
                                 'started (was it deleted on the host?)' % name)
        result = self._converge(self._vm_params('started', container_id))
        return success('Instance %s started' % name, actions=result['actions'])

    def _stop_timeout(self):
        """Seconds a clean shutdown may take before the container is killed."""
        budget = self.runner.timeout or 120
        return max(5, min(120, budget // 2))

    def _power(self, container_id, state):
        return self._converge(dict(ctid=str(container_id), name=self.payload.instance_name,
                                   state=state, force=True, stop_timeout=self._stop_timeout()))

    def action_stop(self):
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            return success('Instance %s has no container on this host: nothing to stop' % name)
        result = self._power(container_id, 'stopped')
        return success('Instance %s %s' % (name, 'stopped' if result['actions']
                                           else 'is already stopped'))

    def action_reboot(self):
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            raise ExtensionError('Instance %s has no container on this host' % name)
        self._power(container_id, 'restarted')
        return success('Instance %s rebooted' % name)

    def action_delete(self):
        name = self.payload.instance_name
        container_id, _state = self._find(name)
        if container_id is None:
            return success('Instance %s has no container on this host: nothing to delete'
                           % name)
        self._power(container_id, 'absent')
        return success('Instance %s deleted (container %s destroyed)' % (name, container_id))

    def _run(self, plan):
        for step in plan.steps:
            self.backend.run_step(step)

    def action_status(self):
        power = self.backend.power_by_name(self.payload.instance_name)
        return {'status': 'success',
                'power_state': POWER_ON if power == 'running' else POWER_OFF}

    def action_statuses(self):
        states = dict((name, POWER_ON if status == 'running' else POWER_OFF)
                      for name, status in self.backend.power_states().items())
        return {'status': 'success', 'power_state': states}

    def action_getconsole(self):
        raise ExtensionError('OpenVZ containers have no graphical console (no VNC, SPICE or '
                             'web console); use SSH to the instance, or vzctl console/enter on '
                             'the host')

    # -- snapshots -----------------------------------------------------------------------
    def _snapshot_container(self):
        name = self.payload.instance_name
        container_id, state = self._find(name)
        if container_id is None:
            raise ExtensionError('Instance %s has no container on this host' % name)
        reason = self.backend.snapshot_support(state)
        if reason:
            raise ExtensionError('Instance %s: %s' % (name, reason))
        return container_id

    def _snapshot_param(self, key):
        value = self.payload.parameters.get(key)
        return str(value).strip() if value is not None and str(value).strip() else None

    def _find_snapshot(self, container_id, required=True):
        wanted_id = self._snapshot_param('snap_id')
        wanted_name = self._snapshot_param('snap_name')
        if not (wanted_id or wanted_name):
            raise ExtensionError('Give the parameter snap_name (or snap_id)')
        snapshots = self.backend.list_snapshots(container_id)
        if wanted_id:
            matches = [item for item in snapshots
                       if item['id'] == wanted_id.strip('{}').lower()]
        else:
            matches = [item for item in snapshots if item['name'] == wanted_name]
        if len(matches) > 1:
            raise ExtensionError('%d snapshots are named %r: give snap_id instead (see '
                                 'listsnapshots)' % (len(matches), wanted_name))
        if not matches and required:
            raise ExtensionError('Instance %s has no snapshot %s'
                                 % (self.payload.instance_name, wanted_id or repr(wanted_name)))
        return matches[0] if matches else None

    def action_createsnapshot(self):
        container_id = self._snapshot_container()
        name = self._snapshot_param('snap_name')
        if not name:
            raise ExtensionError('Give the parameter snap_name')
        existing = [item for item in self.backend.list_snapshots(container_id)
                    if item['name'] == name]
        if existing:
            return success('Snapshot %r of %s already exists (%s)'
                           % (name, self.payload.instance_name, existing[0]['id']),
                           snapshot=existing[0])
        snapshot_id = '{%s}' % uuid.uuid4()
        plan = Plan(container_id)
        save_memory = self.payload.parameters.get('snap_save_memory')
        self.backend.plan_snapshot_create(plan, snapshot_id, name=name,
                                          description=self._snapshot_param('snap_description'),
                                          save_memory=to_bool(save_memory)
                                          if save_memory is not None else True)
        self._run(plan)
        return success('Snapshot %r of %s created (%s)'
                       % (name, self.payload.instance_name, snapshot_id.strip('{}')),
                       snapshot_id=snapshot_id.strip('{}'))

    def action_listsnapshots(self):
        container_id = self._snapshot_container()
        rows = [{'name': item['name'], 'id': item['id'], 'created': item['date'],
                 'current': item['current'], 'parent': item['parent_id'] or '',
                 'description': item['description']}
                for item in self.backend.list_snapshots(container_id)]
        return {'status': 'success', 'printmessage': 'true', 'message': rows}

    def action_restoresnapshot(self):
        container_id = self._snapshot_container()
        snapshot = self._find_snapshot(container_id)
        plan = Plan(container_id)
        self.backend.plan_snapshot_switch(plan, '{%s}' % snapshot['id'])
        self._run(plan)
        return success('Instance %s restored to snapshot %r (%s)'
                       % (self.payload.instance_name, snapshot['name'], snapshot['id']))

    def action_deletesnapshot(self):
        container_id = self._snapshot_container()
        snapshot = self._find_snapshot(container_id, required=False)
        if snapshot is None:
            return success('Instance %s has no such snapshot: nothing to delete'
                           % self.payload.instance_name)
        plan = Plan(container_id)
        self.backend.plan_snapshot_delete(plan, '{%s}' % snapshot['id'])
        self._run(plan)
        return success('Snapshot %r of %s deleted'
                       % (snapshot['name'], self.payload.instance_name))

    # -- the host --------------------------------------------------------------------------
    def action_hostcapacity(self):
        from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack import capacity
        report = capacity.host_capacity(self.backend)
        return {'status': 'success', 'printmessage': 'true',
                'message': capacity.table(report), 'capacity': report}


def run_action(payload, timeout, runner=None, backend=None, opener=None):
    """Run ``payload.action`` within ``timeout`` seconds; returns ``(rc, document)``.

    Without a runner, one SSH connection to the host is opened for the call and closed.
    """
    budget = max(1, int(timeout) - TIMEOUT_MARGIN) if timeout else None
    workdir = None
    try:
        if runner is None:
            workdir = tempfile.mkdtemp(prefix='ovzcs.')
            runner = connect(payload, budget, workdir)
            own_connection = True
        else:
            own_connection = False
        try:
            document = OpenVZExtension(payload, runner, backend, opener).run(payload.action)
        finally:
            if own_connection:
                close_connection(runner)
        return 0, document
    except ExtensionError as exc:
        return 1, {'status': 'error', 'error': exc.msg}
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
