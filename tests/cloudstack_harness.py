"""Calls an Orchestrator extension exactly as CloudStack's management server does.

From ``ExternalPathPayloadProvisioner`` (shared/cloudstack-extension.md §2, §6): the
payload is written to ``<data>/<extension>/<random uuid>.json``; the executable runs as
``[exe, action, path, str(wait)]`` with stdout a pipe, **stderr merged into it**, stdin an
open pipe that is never written or closed, the caller's cwd and environment; on timeout
only the direct child is killed ("Timeout"); stdout is read after exit and trimmed; rc != 0
gives ``Exit code: N, Output: ...``; each action's output is then parsed as CloudStack
parses it. The payload file is deleted only after a successful status/statuses.

``payload_*`` build payloads shaped like §5 (Gson: nulls omitted, numbers as numbers).
"""

import json
import os
import subprocess
import threading
import time
import uuid

DEFAULT_WAIT = 1800
POWER_STATES = ('poweron', 'poweroff')


class Outcome(object):
    """What CloudStack makes of one call."""

    def __init__(self, action, rc, output, elapsed, timed_out):
        self.action = action
        self.rc = rc
        self.output = output
        self.elapsed = elapsed
        self.timed_out = timed_out
        self.success = rc == 0 and not timed_out
        # CloudStack's details string: the output, or "Exit code: N, Output: ..."
        self.details = ('Timeout' if timed_out else output if rc == 0 else
                        'Exit code: %s, Output: %s' % (rc, output))
        self.document = None
        try:
            self.document = json.loads(output) if output.startswith('{') else None
        except ValueError:
            self.document = None

    @property
    def power_state(self):
        """``parsePowerStateFromResponse``: PowerOn/PowerOff (any case), else PowerUnknown."""
        if not self.success:
            return 'PowerUnknown'
        if not self.output.startswith('{'):
            state = self.output
        else:
            state = (self.document or {}).get('power_state')
        if isinstance(state, str) and state.lower() in POWER_STATES:
            return 'PowerOn' if state.lower() == 'poweron' else 'PowerOff'
        return 'PowerUnknown'

    @property
    def power_states(self):
        """statuses (4.23): {name: PowerOn|PowerOff} or None (CloudStack falls back)."""
        document = self.document or {}
        if not self.success or str(document.get('status', '')).lower() != 'success':
            return None
        states = document.get('power_state')
        if not isinstance(states, dict):
            return None
        return dict((name, 'PowerOn' if str(value).lower() == 'poweron' else
                     'PowerOff' if str(value).lower() == 'poweroff' else 'PowerUnknown')
                    for name, value in states.items())

    @property
    def prepare_patch(self):
        """prepare: empty output = no change, else a JSON object merged into the TO."""
        if not self.output:
            return {}
        if not isinstance(self.document, dict):
            raise AssertionError('Failed to parse VM: prepare printed %r' % self.output)
        return self.document

    def __repr__(self):
        return 'Outcome(%s rc=%s %.2fs %s)' % (self.action, self.rc, self.elapsed, self.details)


class Harness(object):
    """One management server's view of one extension."""

    def __init__(self, executable, data_dir, extension_name='OpenVZ', env=None, cwd=None):
        self.executable = os.path.abspath(executable)
        self.directory = os.path.join(data_dir, extension_name)
        os.makedirs(self.directory, exist_ok=True)
        self.env = env
        self.cwd = cwd

    def call(self, action, payload, wait=DEFAULT_WAIT):
        path = os.path.join(self.directory, '%s.json' % uuid.uuid4())
        # Gson omits nulls; CREATE_NEW
        with open(path, 'x') as handle:
            json.dump(_without_nulls(payload), handle)
        started = time.time()
        proc = subprocess.Popen([self.executable, action, path, str(wait)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd)
        reader = _Reader(proc.stdout)
        try:
            proc.wait(timeout=wait)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()  # destroyForcibly(): the direct child only
            proc.wait()
            timed_out = True
        elapsed = time.time() - started
        output = reader.text(after=proc).strip()
        proc.stdin.close()
        outcome = Outcome(action, proc.returncode, output, elapsed, timed_out)
        if outcome.success and action in ('status', 'statuses'):
            os.unlink(path)
        return outcome


class _Reader(object):
    """Collects the child's output while it runs (CloudStack reads after exit; a thread
    keeps a chatty child from blocking this harness on a full pipe)."""

    def __init__(self, stream):
        self.chunks = []
        self.thread = threading.Thread(target=self._read, args=(stream,))
        self.thread.daemon = True
        self.thread.start()

    def _read(self, stream):
        for chunk in iter(lambda: stream.read(65536), b''):
            self.chunks.append(chunk)

    def text(self, after):
        # grandchildren holding the pipe would block CloudStack's read: give them 5 s
        self.thread.join(5)
        return b''.join(self.chunks).decode('utf-8', 'replace')


def _without_nulls(value):
    if isinstance(value, dict):
        return dict((k, _without_nulls(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


# -- payloads shaped as CloudStack builds them (cloudstack-extension.md §5) ---------------
CALLER = {'id': '93567ed9-7e61-11f0-ba77-1e00c8000158', 'name': 'admin', 'type': 'ADMIN',
          'roleid': '6b86674b-7e61-11f0-ba77-1e00c8000158', 'rolename': 'Root Admin',
          'roletype': 'Admin'}


def nic(device_id, mac, vlan='untagged', ip='198.18.100.10'):
    uri = 'vlan://%s' % vlan
    return {
        'deviceId': device_id, 'networkRateMbps': 200, 'defaultNic': device_id == 0,
        'pxeDisable': False, 'nicUuid': str(uuid.uuid4()),
        'details': {'PromiscuousMode': 'false', 'MacAddressChanges': 'true',
                    'ForgedTransmits': 'true', 'MacLearning': 'false'},
        'dpdkEnabled': False, 'networkId': 204, 'networkSegmentName': 'D1-A2-Z1-S204',
        'uuid': str(uuid.uuid5(uuid.NAMESPACE_URL, uri)), 'ip': ip, 'netmask': '255.255.255.0',
        'gateway': '198.18.100.1', 'mac': mac, 'dns1': '198.18.100.1',
        'broadcastType': 'Vlan', 'type': 'Guest', 'broadcastUri': uri, 'isolationUri': uri,
        'securityGroupEnabled': False}


class VM(object):
    """A CloudStack user VM: instance name, uuid, offering, template details, NICs."""

    def __init__(self, number, cpus=1, ram_mb=256, vm_details=None, nics=None, account=2):
        self.number = number
        self.name = 'i-%d-%d-VM' % (account, number)
        self.uuid = str(uuid.uuid4())
        self.cpus = cpus
        self.ram = ram_mb * 1024 * 1024
        self.vm_details = dict(vm_details or {})
        default_mac = '02:01:00:cc:%02x:%02x' % (number // 256, number % 256)
        self.nics = nics if nics is not None else [nic(0, default_mac)]
        self.vnc_password = 'vnc-%s' % uuid.uuid4().hex[:12]


def payload(host_details, vm=None, action=None, parameters=None, deploy=False, with_nics=False,
            expunge=False, extension_details=None, resourcemap=None, action_details=None):
    external = {'host': dict(host_details), 'extension': dict(extension_details or {}),
                'resourcemap': dict(resourcemap or {})}
    data = {'externaldetails': external, 'caller': CALLER}
    if vm is not None:
        virtualmachine = dict(vm.vm_details)
        if with_nics:
            virtualmachine['cloudstack.vlan'] = str(vm.nics[0]['broadcastUri'].split('://')[1]) \
                if vm.nics else 'untagged'
        external['virtualmachine'] = virtualmachine
        details = dict(('External:%s' % k, v) for k, v in vm.vm_details.items())
        if deploy:
            details['deployvm'] = 'true'
        if expunge:
            details['expunge.external.vm'] = 'true'
        data.update({
            'virtualmachineid': vm.uuid, 'virtualmachinename': vm.name,
            'cloudstack.vm.details': {
                'id': vm.number, 'name': vm.name, 'state': 'Starting' if with_nics else 'Running',
                'type': 'User', 'cpus': vm.cpus, 'minSpeed': 1000, 'maxSpeed': 1000,
                'minRam': vm.ram, 'maxRam': vm.ram, 'arch': 'x86_64', 'bootArgs': '',
                'enableHA': False, 'limitCpuUse': False, 'enableDynamicallyScaleVm': False,
                'vncPassword': vm.vnc_password, 'details': details, 'uuid': vm.uuid,
                'enterHardwareSetup': False, 'disks': [],
                'nics': list(vm.nics) if with_nics else [],
                'configDriveLocation': 'SECONDARY', 'guestOsDetails': {}, 'extraConfig': {},
                'networkIdToNetworkNameMap': {}}})
    if action is not None:
        data['action'] = action
        if action_details:
            external['action'] = dict(action_details)
        if parameters:
            data['parameters'] = dict(parameters)
    return data


class CloudStack(object):
    """The management server's calls for VM operations (names as VirtualMachineManager)."""

    def __init__(self, harness, host_details):
        self.harness = harness
        self.host = host_details

    def prepare(self, vm):
        return self.harness.call('prepare', payload(self.host, vm, with_nics=True))

    def create(self, vm):
        return self.harness.call('create', payload(self.host, vm, deploy=True, with_nics=True))

    def start(self, vm):
        return self.harness.call('start', payload(self.host, vm, with_nics=True))

    def stop(self, vm, expunge=False):
        return self.harness.call('stop', payload(self.host, vm, expunge=expunge))

    def reboot(self, vm):
        return self.harness.call('reboot', payload(self.host, vm, with_nics=True))

    def delete(self, vm):
        return self.harness.call('delete', payload(self.host, vm, expunge=True))

    def status(self, vm):
        return self.harness.call('status', payload(self.host, vm))

    def statuses(self):
        return self.harness.call('statuses', payload(self.host))

    def getconsole(self, vm):
        return self.harness.call('getconsole', payload(self.host, vm))

    def custom(self, name, vm=None, parameters=None, wait=60):
        return self.harness.call(name, payload(self.host, vm, action=name,
                                               parameters=parameters), wait=wait)

    def deploy(self, vm, retries=10):
        """create, retried up to ``start.retry`` times with a stop cleanup in between
        (VirtualMachineManagerImpl); returns every outcome, in order."""
        outcomes = []
        for _attempt in range(retries):
            created = self.create(vm)
            outcomes.append(created)
            if created.success:
                break
            outcomes.append(self.stop(vm))
        return outcomes
