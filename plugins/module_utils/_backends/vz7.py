# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vz7 backend: OpenVZ 7 and 9 hosts (prlctl(8), vzctl(8) 7, vzlist(8) 7).

prlctl is the primary tool: create, set, start, stop, delete, snapshot switch/delete and
exec. vzctl 7 does what prlctl cannot: a create with a layout, private or root of its
own (prlctl create has no such options, OpenVZ/prlctl src/CmdParam.cpp create_options),
NICs with the exact ifname, MACs and bridge asked for, venet addresses, inode limits,
snapshots with the caller's ID, and the one-read snapshot list with names and dates.
State is one ``vzlist -a -j`` (``ctid`` a string: a UUID, or a number for a container
made by ``vzctl create <number>``) plus ``<ctid>.conf``, whose DISKSPACE is the configured
disk limit (vzlist reports the filesystem inside the ploop image).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import uuid

from ansible_collections.openvz.cloud.plugins.module_utils import vzconf, vzlist
from ansible_collections.openvz.cloud.plugins.module_utils._backends import exit_codes
from ansible_collections.openvz.cloud.plugins.module_utils._backends import vz7_plans, vzctl_cli
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import (
    Backend, ContainerState, Step, locked_failure)
from ansible_collections.openvz.cloud.plugins.module_utils._backends.ctconf import (
    HostConfigFiles, merge_config)
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._net import vnets
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import (
    NAME_CHARS, SpecError)
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils._templates import ez

# NETIF keys libvzctl 7 writes (lib/veth.c); type=bridge makes network= the bridge itself.
NETIF_KEYS7 = ('ifname', 'mac', 'host_mac', 'host_ifname', 'type', 'network', 'mac_filter')


def parse_netif7(value):
    """NETIF of a 7/9 config -> NICs: ``bridge`` for type=bridge, else ``network``."""
    nics = []
    for device in vzconf.parse_netif(value, NETIF_KEYS7):
        nic = dict((key, device[key]) for key in ('ifname', 'mac', 'host_mac', 'host_ifname',
                                                  'mac_filter') if key in device)
        if device.get('network'):
            nic['bridge' if device.get('type') == 'bridge' else 'network'] = device['network']
        nics.append(nic)
    return nics


def parse_info_nics(data):
    """``{ifname: host device}`` from ``prlctl list -i -j`` (a one-object list, or the object:
    Hardware ``net<N>`` each with ``dev`` and ``ifname``)."""
    if isinstance(data, list):
        data = data[0] if data else {}
    hardware = (data or {}).get('Hardware') or {}
    return dict((device['ifname'], device.get('dev')) for name, device in hardware.items()
                if name.startswith('net') and isinstance(device, dict) and device.get('ifname'))


def _normalise_record(state):
    """vzlist 7 names the OS template with a leading dot (``.centos-7``)."""
    if state.get('ostemplate'):
        state['ostemplate'] = state['ostemplate'].lstrip('.')
    return state


class Vz7Backend(HostConfigFiles, Backend):
    """OpenVZ 7/9: containers named, identified by UUID; prlctl first, vzctl 7 beside it."""

    name = 'vz7'
    allocates_numeric_ids = False

    def __init__(self, runner, conf_dir=vzconf.DEFAULT_CONF_DIR, vz_conf=vzconf.DEFAULT_VZ_CONF,
                 vzctl_path=None, vzlist_path=None):
        HostConfigFiles.__init__(self, runner, conf_dir, vz_conf)
        self.prlctl = runner.find('prlctl')
        self.vzctl = vzctl_path or runner.find('vzctl')
        self.vzlist = vzlist_path or runner.find('vzlist')

    # -- failures ------------------------------------------------------------------------
    def explain(self, rc):
        return exit_codes.meaning(exit_codes.VZCTL7_EXIT_CODES, rc)

    def _explain_for(self, argv):
        """vzctl's exit codes are vzerror.h's; prlctl's are its SDK's (PRL_ERR_*): only
        prlctl's own message explains those."""
        return self.explain if os.path.basename(argv[0]) == 'vzctl' else None

    def describe_failure(self, cmd, rc, stdout, stderr, meaning):
        tool = os.path.basename(cmd[0])
        if tool == 'vzctl' and rc == exit_codes.LOCKED_RC:
            return locked_failure(cmd, 'another vzctl command (rc 9, container locked)',
                                  stdout, stderr)
        if tool == 'prlctl' and 'lock' in (stderr + stdout).lower():
            return locked_failure(cmd, 'another operation (prlctl rc %s)' % rc, stdout, stderr)
        return None

    def run_step(self, step):
        return self.runner.run(step.argv, timeout=step.timeout, explain=self._explain_for(step.argv),
                               describe=self._describe, secret=step.secret)

    # -- reading -------------------------------------------------------------------------
    def read_containers(self):
        return dict((key, _normalise_record(state))
                    for key, state in vzlist.read_all(self.runner, self.vzlist).items())

    def power_states(self):
        return vzlist.read_power_states(self.runner, self.vzlist)

    def complete(self, state, read_config=True):
        conf = self.ct_conf(state['ctid']) if read_config else {}
        merged = merge_config(state, conf)
        merged['netifs'] = parse_netif7(conf.get('NETIF'))
        # libvzctl 7 keeps no CAPABILITY (lib/env_config.c); vzctl 7 ignores --capability
        merged['capabilities'] = {}
        text = (conf.get('UUID') or '').strip('{}')
        merged['uuid'] = text.lower() if text else (
            str(state['ctid']) if state['ctid'].is_uuid else None)
        return merged

    def ids_in_use(self, states):
        return set(states)

    def locate(self, container_id, states):
        """A container by its ctid (a UUID, or the number of one made by ``vzctl create
        <number>``), its UUID, or its name (a legacy VEID often lives on as a name)."""
        if container_id in states:
            return container_id
        for key, state in states.items():
            if state.get('name') == str(container_id) or (
                    state.get('uuid') and state['uuid'] == str(container_id)):
                return key
        if container_id.is_uuid:
            # only the config of a numeric container tells its UUID (vzlist -j has none)
            for key in sorted(key for key in states if key.is_number and
                              'uuid' not in states[key]):
                text = (self.ct_conf(key).get('UUID') or '').strip('{}').lower()
                if text == str(container_id):
                    return key
        return None

    def check_id(self, container_id, error):
        if container_id.is_uuid:
            return container_id
        if container_id.is_number:
            return ids.legacy_ctid(container_id, error)
        if not set(str(container_id)) <= NAME_CHARS:
            raise error("Invalid ctid %r: on OpenVZ 7/9 give the container's UUID, its numeric "
                        "ID or its name" % str(container_id))
        return container_id

    def new_id(self, spec):
        """A new container is addressed by its name (prlctl and vzctl 7 take names)."""
        if not spec.get('name'):
            raise SpecError('%s does not exist: give name to create it' % spec.label)
        return ids.ContainerId(spec['name'])

    def host_veths(self, container_id):
        """From NETIF of ``<ctid>.conf``; a container just created by name has no known
        ctid yet: ``prlctl list -i -j <name>`` tells its devices."""
        if container_id.is_number or container_id.is_uuid:
            return dict((nic['ifname'], nic.get('host_ifname'))
                        for nic in parse_netif7(self.ct_conf(container_id).get('NETIF')))
        data = self.runner.run_json([self.prlctl, 'list', '-i', '-j', str(container_id)])
        return parse_info_nics(data)

    def exec_argv(self, container_id, command):
        return [self.prlctl, 'exec', str(container_id), '--without-shell'] + list(command)

    def power_by_name(self, name):
        """``prlctl status <name>`` (prlctl(8)): ``CT <name> exist <state>``, or ``<type>
        <name> deleted``; an unknown name may also fail with "could not be found"."""
        result = self.runner.run([self.prlctl, 'status', name], check=False)
        words = result.stdout.split()
        if result.rc == 0 and len(words) >= 3 and words[2] == 'deleted':
            return None
        if result.rc == 0 and len(words) >= 4 and words[2] in ('exist', 'exists'):
            return 'running' if words[3] == 'running' else 'stopped'
        text = (result.stderr + result.stdout).lower()
        if result.rc != 0 and ('could not be found' in text or 'not found' in text):
            return None
        raise CommandError(self._describe(result.cmd, result.rc, result.stdout, result.stderr,
                                          None), cmd=result.cmd, rc=result.rc,
                           stdout=result.stdout, stderr=result.stderr)

    # -- templates (EZ caches and metadata, legacy precreated caches) ---------------------
    def default_layout(self):
        """vz.conf's VEFSTYPE/VE_LAYOUT (libvzctl lib/create.c ``get_def_ve_layout``)."""
        conf = self.global_conf
        simfs = 'simfs' in (conf.get('VEFSTYPE'), conf.get('VE_LAYOUT'), conf.get('VELAYOUT'))
        return ez.SIMFS if simfs else ez.PLOOP

    def _template_facts(self, name):
        cache_dir = self.template_cache_dir()
        kinds = ez.cache_kinds(name, self.runner.list_dir(cache_dir))
        meta = ez.metadata_dir(os.path.dirname(cache_dir), name)
        return kinds, bool(meta and self.runner.list_dir(meta)), cache_dir

    def template_exists(self, name):
        kinds, installed, _cache_dir = self._template_facts(name)
        return bool(kinds) or installed

    def check_template(self, name, layout, label):
        kinds, installed, cache_dir = self._template_facts(name)
        reason = ez.layout_refusal(name, layout, kinds, installed, cache_dir)
        if reason:
            raise SpecError('%s: %s' % (label, reason))

    # -- planning ------------------------------------------------------------------------
    def prl_step(self, verb, target, *args, **kwargs):
        return Step(verb, [self.prlctl, kwargs.pop('command', verb), str(target)] + list(args),
                    tool_shown=True, **kwargs)

    def vz_step(self, verb, target, *args, **kwargs):
        return Step(verb, [self.vzctl, kwargs.pop('command', verb), str(target)] + list(args),
                    tool_shown=True, **kwargs)

    @staticmethod
    def prl_target(plan):
        """prlctl finds a VE by UUID or name (prlctl(8) "ve_id|ve_name", OpenVZ/prlctl
        src/PrlSrv.cpp ``get_vm_config``), not by a numeric ctid: a container made by
        ``vzctl create <number>`` is found by its UUID, which stays when it is renamed, or,
        just created, by the name it was given."""
        state = plan.current or plan.base or {}
        if plan.id.is_number:
            return state.get('uuid') or state.get('name') or plan.id
        return plan.id

    def plan_create(self, plan, spec):
        label = spec.label
        template = spec.get('ostemplate')
        if not (template or self.global_conf.get('DEF_OSTEMPLATE')):
            raise SpecError('%s does not exist: give ostemplate to create it' % label)
        if spec.get('capabilities'):
            vz7_plans.refuse_capabilities(label)
        layout = spec.get('layout') or self.default_layout()
        if template:
            self.check_template(template, layout, label)
        if spec.get('config'):
            plan.config_before = self.read_sample(spec['config'], label, SpecError)
        own_area = (spec.get('layout') and layout != self.default_layout()) or \
            spec.get('private') or spec.get('root')
        # a ctid that is neither a number nor a UUID is the new container's name
        name = spec.get('name') or (None if plan.id.is_number or plan.id.is_uuid
                                    else str(plan.id))
        if plan.id.is_number and not name:
            # prlctl finds a VE by UUID or name only, and vzctl 7 gives a numeric container
            # no name of its own (libvzctl lib/name.c skips a name equal to the ctid)
            raise SpecError('%s: give name too; on OpenVZ 7/9 prlctl finds containers by name '
                            'or UUID, not by a numeric ID' % label)
        if own_area or plan.id.is_number or not name:
            plan.add(self._vzctl_create(plan, spec, name))
        else:
            args = ['--vmtype', 'ct']
            for option, key in (('--ostemplate', 'ostemplate'), ('--config', 'config')):
                if spec.get(key):
                    args += [option, spec[key]]
            if plan.id.is_uuid:
                args += ['--uuid', str(plan.id)]
            plan.add(self.prl_step('create', name, *args))
        plan.creates = True
        return ContainerState(
            ctid=plan.id, name=name, ostemplate=template, layout=layout, netifs=[],
            ipaddresses=[], status='stopped', uuid=str(plan.id) if plan.id.is_uuid else None)

    def _vzctl_create(self, plan, spec, name):
        """``vzctl create <ctid>``: vzctl 7 wants a number or a UUID (src/vzctl.c); a
        container given by name only gets a new UUID here."""
        if not (plan.id.is_number or plan.id.is_uuid):
            plan.id = ids.ContainerId(str(uuid.uuid4()))
        args = []
        for key in ('ostemplate', 'layout', 'config', 'private', 'root'):
            if spec.get(key):
                args += ['--%s' % key, spec[key]]
        if name:
            args += ['--name', name]
        return self.vz_step('create', plan.id, *args)

    def plan_update(self, plan, spec, changes):
        steps = vz7_plans.update_steps(self, plan, spec, changes)
        for step in steps:
            plan.add(step)
        password = spec.get('root_password')
        if password and (plan.creates or spec.get('password_update') == 'always'):
            plan.add(self.prl_step('userpasswd', self.prl_target(plan), '--userpasswd',
                                   'root:%s' % password, command='set', secret=password))

    def networks(self):
        """Names of the host's virtual networks (``prlsrvctl net list -j``)."""
        return set(network['name'] for network in vnets.read_networks(self.runner))

    def plan_power(self, plan, verb, spec):
        target = self.prl_target(plan)
        timeout = spec.get('stop_timeout')
        if verb != 'stop':
            plan.add(self.prl_step(verb, target))
        elif spec.get('force') and not timeout:
            plan.add(self.prl_step('stop', target, '--kill'))
        elif spec.get('force'):
            plan.add(self.prl_step('stop', target, timeout=timeout,
                                   on_timeout=self.prl_step('stop', target, '--kill')))
        else:
            plan.add(self.prl_step('stop', target, timeout=timeout))

    def plan_destroy(self, plan, spec):
        plan.add(self.prl_step('destroy', self.prl_target(plan), command='delete'))

    # -- snapshots (ploop only) ----------------------------------------------------------
    def snapshot_support(self, state):
        layout = (state or {}).get('layout') or ''
        if layout.startswith('ploop'):
            return None
        return ('container %s is on %s: OpenVZ 7/9 snapshots exist only for ploop containers'
                % ((state or {}).get('ctid'), layout or 'an unknown layout'))

    def list_snapshots(self, container_id):
        """vzctl 7's snapshot-list has names and dates in one read (prlctl's lists IDs
        only, OpenVZ/prlctl src/PrlSnapshot.cpp ``print_list``)."""
        return vzctl_cli.list_snapshots(self.runner, self.vzctl, container_id, self.explain,
                                        self._describe)

    def plan_snapshot_create(self, plan, snapshot_id, name=None, description=None,
                             save_memory=True):
        """vzctl 7: prlctl snapshot takes neither the snapshot's ID nor --skip-suspend
        (src/CmdParam.cpp snapshot_options: name, description, wait)."""
        plan.add(self.vz_step('snapshot', plan.id, *vzctl_cli.snapshot_args(
            snapshot_id, name, description, save_memory)))

    def plan_snapshot_switch(self, plan, snapshot_id, resume=True):
        args = ['--id', snapshot_id] + ([] if resume else ['--skip-resume'])
        plan.add(self.prl_step('snapshot-switch', plan.id, *args))

    def plan_snapshot_delete(self, plan, snapshot_id):
        plan.add(self.prl_step('snapshot-delete', plan.id, '--id', snapshot_id))
