# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The legacy backend: vzctl 4.x and vzlist (vzctl(8), vzlist(8), ctid.conf(5)).

State is one ``vzlist -a -j`` read plus ``<CTID>.conf``, which alone holds NETIF, the
configured addresses and, for ploop, the configured disk limit (vzlist reports the size
of the filesystem inside the image there). Plans are ``vzctl`` argument lists; values
equal to the current ones are never re-applied (vzctl itself does not compare).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.cloud.plugins.module_utils import _validate, units, vzconf, vzlist
from ansible_collections.openvz.cloud.plugins.module_utils._runner import CommandError
from ansible_collections.openvz.cloud.plugins.module_utils._backends import exit_codes, vzctl_cli
from ansible_collections.openvz.cloud.plugins.module_utils._backends.base import (
    Backend, ContainerState, Step, locked_failure)
from ansible_collections.openvz.cloud.plugins.module_utils._backends.ctconf import (
    HostConfigFiles, merge_config)
from ansible_collections.openvz.cloud.plugins.module_utils._container import ids
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import SpecError

# vzctl stop --fast kills the container at once (vzctl(8), stop).
_FAST = '--fast'


def size_arg(size):
    return units.format_bytes(size)


def _has_vswap_limit(value):
    if not value:
        return False
    try:
        limit = units.parse_ubc_pages(value)[1]
    except units.UnitError:
        return False
    return limit not in (units.UNLIMITED, units.INT_MAX)


class LegacyBackend(HostConfigFiles, Backend):
    """OpenVZ 6 hosts: vzctl 4.x, numeric CTIDs, simfs or ploop private areas."""

    name = 'legacy'

    def __init__(self, runner, conf_dir=vzconf.DEFAULT_CONF_DIR, vz_conf=vzconf.DEFAULT_VZ_CONF,
                 vzctl_path=None, vzlist_path=None):
        HostConfigFiles.__init__(self, runner, conf_dir, vz_conf)
        self.vzctl = vzctl_path or runner.find('vzctl')
        self.vzlist = vzlist_path or runner.find('vzlist')

    # -- reading -------------------------------------------------------------------------
    def explain(self, rc):
        return exit_codes.meaning(exit_codes.VZCTL_EXIT_CODES, rc)

    def describe_failure(self, cmd, rc, stdout, stderr, meaning):
        if rc == exit_codes.LOCKED_RC:
            return locked_failure(cmd, 'another vzctl command (rc 9, container locked)', stdout,
                                  stderr)
        return None

    def read_containers(self):
        return vzlist.read_all(self.runner, self.vzlist)

    def power_states(self):
        return vzlist.read_power_states(self.runner, self.vzlist)

    def complete(self, state, read_config=True):
        conf = self.ct_conf(state['ctid']) if read_config else {}
        return merge_config(state, conf)

    def ids_in_use(self, states):
        used = set(states)
        for name in self.runner.list_dir(self.conf_dir):
            stem, _dot, suffix = name.partition('.')
            if suffix == 'conf' and stem.isdigit():
                used.add(ids.ContainerId(stem))
        return used

    def check_id(self, container_id, error):
        return ids.legacy_ctid(container_id, error)

    def template_exists(self, name):
        present = self.runner.list_dir(self.template_cache_dir())
        # vzctl 4 tries these suffixes in this order (vzctl src/lib/create.c).
        return any(name + suffix in present for suffix in _validate.LEGACY_CACHE_SUFFIXES)

    def exec_argv(self, container_id, command):
        return [self.vzctl, 'exec2', str(container_id)] + list(command)

    # -- planning ------------------------------------------------------------------------
    def _vzctl(self, verb, container_id, *args, **kwargs):
        return Step(verb, [self.vzctl, kwargs.pop('command', verb), str(container_id)] +
                    [str(arg) for arg in args], **kwargs)

    def plan_create(self, plan, spec):
        label = spec.label
        template = spec.get('ostemplate') or self.global_conf.get('DEF_OSTEMPLATE')
        if not template:
            raise SpecError('%s does not exist: give ostemplate to create it' % label)
        _validate.template_name(template, error=SpecError)
        if not self.template_exists(template):
            raise SpecError('%s: OS template %r not found in %s (expected %s.tar, .tar.gz, '
                            '.tar.bz2 or .tar.xz)' % (label, template, self.template_cache_dir(),
                                                      template))
        sample = spec.get('config') or self.global_conf.get('CONFIGFILE')
        sample_conf = self.read_sample(sample, label, SpecError) if sample else {}
        layout = spec.get('layout') or self.global_conf.get('VE_LAYOUT') or 'ploop'
        if layout.startswith('ploop') and not (spec.get('diskspace_kb') or
                                               sample_conf.get('DISKSPACE') or
                                               self.global_conf.get('DISKSPACE')):
            raise SpecError('%s: a ploop container needs diskspace (not set in the task, the '
                            'sample or vz.conf)' % label)
        args = []
        if spec.get('ostemplate'):
            args += ['--ostemplate', spec['ostemplate']]
        for key in ('config', 'layout', 'private', 'root', 'hostname', 'name', 'description'):
            if spec.get(key):
                args += ['--%s' % key, spec[key]]
        if spec.get('diskspace_kb'):
            args += ['--diskspace', vzctl_cli.pair_arg(spec['diskspace_kb'], units.format_kb)]
        if spec.get('diskinodes'):
            args += ['--diskinodes', vzctl_cli.pair_arg(spec['diskinodes'], vzctl_cli.count_text)]
        for address in spec.get('ipaddresses') or []:
            args += ['--ipadd', address]
        plan.add(self._vzctl('create', plan.id, *args))
        plan.creates = True
        plan.config_before = sample_conf
        # Only the create options are known now: every other setting follows in one set.
        return ContainerState(
            ctid=plan.id, hostname=spec.get('hostname'), description=spec.get('description'),
            name=spec.get('name'), ipaddresses=list(spec.get('ipaddresses') or []),
            diskspace_kb=spec.get('diskspace_kb'), diskinodes=spec.get('diskinodes'),
            ostemplate=template, layout=layout, netifs=[], status='stopped')

    def _set_args(self, change):
        """vzctl set options of one named change."""
        name, wanted, current = change.name, change.wanted, change.current
        if name in ('name', 'hostname', 'description', 'cpus', 'cpuunits', 'cpulimit'):
            return ['--%s' % name, wanted]
        if name == 'onboot':
            return ['--onboot', 'yes' if wanted else 'no']
        if name in ('ram', 'swap'):
            return ['--%s' % name, size_arg(wanted)]
        if name == 'diskspace':
            return ['--diskspace', vzctl_cli.pair_arg(wanted, units.format_kb)]
        if name == 'diskinodes':
            return ['--diskinodes', vzctl_cli.pair_arg(wanted, vzctl_cli.count_text)]
        if name in ('nameservers', 'searchdomains'):
            option = '--nameserver' if name == 'nameservers' else '--searchdomain'
            args = []
            for value in wanted:
                args += [option, value]
            return args
        if name == 'ipaddresses':
            return vzctl_cli.venet_ip_args(wanted, current)
        if name in ('features', 'capabilities'):
            option = '--features' if name == 'features' else '--capability'
            return [option, ','.join('%s:%s' % (key, 'on' if wanted[key] else 'off')
                                     for key in sorted(wanted))]
        raise ValueError('legacy backend: no vzctl option for %s' % name)

    @staticmethod
    def _refuse_networks(spec):
        for nic in spec.get('netifs') or []:
            if nic.get('network'):
                raise SpecError('%s: NIC %s asks for the virtual network %r; virtual networks '
                                'exist on OpenVZ 7/9 only, a legacy NIC joins a bridge (give '
                                'bridge)' % (spec.label, nic['ifname'], nic['network']))

    def _netif_steps(self, plan, wanted, current):
        """NIC changes as separate ``vzctl set`` calls: deletions, in-place edits, additions.
        Existing MACs and host names are kept unless given; a NIC without bridge keeps its
        bridge (vzctl(8), --netif_add / --ifname)."""
        have = dict((nic['ifname'], nic) for nic in current)
        wanted_names = [nic['ifname'] for nic in wanted]
        for nic in current:
            if nic['ifname'] not in wanted_names:
                plan.add(self._vzctl('set', plan.id, '--netif_del', nic['ifname'], '--save'))
        for nic in wanted:
            existing = have.get(nic['ifname'])
            if existing is None:
                fields = [nic['ifname'], nic.get('mac', ''), nic.get('host_ifname', ''),
                          nic.get('host_mac', ''), nic.get('bridge', '')]
                while fields and fields[-1] == '':
                    fields.pop()
                plan.add(self._vzctl('set', plan.id, '--netif_add', ','.join(fields), '--save'))
                continue
            edits = []
            for key in ('mac', 'host_ifname', 'host_mac', 'bridge'):
                if nic.get(key) and nic[key] != existing.get(key):
                    edits += ['--%s' % key, nic[key]]
            if edits:
                plan.add(self._vzctl('set', plan.id, '--ifname', nic['ifname'],
                                     *(edits + ['--save'])))

    def plan_update(self, plan, spec, changes):
        self._refuse_networks(spec)
        set_args = []
        netifs = None
        for change in changes:
            if change.name == 'netifs':
                netifs = change
            else:
                set_args += self._set_args(change)
        if set_args:
            plan.add(self._vzctl('set', plan.id, *(set_args + ['--save'])))
        if netifs is not None:
            self._netif_steps(plan, netifs.wanted, netifs.current or [])
        password = spec.get('root_password')
        if password and (plan.creates or spec.get('password_update') == 'always'):
            plan.add(self._vzctl('userpasswd', plan.id, '--userpasswd', 'root:%s' % password,
                                 command='set', secret=password))
        self._check_vswap(plan, spec)

    def _check_vswap(self, plan, spec):
        """vzctl refuses any set when PHYSPAGES has a limit but SWAPPAGES is nowhere (rc 28,
        "required UB parameter (swap) not set")."""
        args = []
        for step in plan.steps:
            if step.verb in ('set', 'userpasswd'):
                args += step.argv[3:]
        if not args:
            return
        ct_conf = plan.config_before if plan.creates else self.ct_conf(plan.id)
        physpages = '--ram' in args or _has_vswap_limit(ct_conf.get('PHYSPAGES')) or \
            _has_vswap_limit(self.global_conf.get('PHYSPAGES'))
        swappages = '--swap' in args or 'SWAPPAGES' in ct_conf or 'SWAPPAGES' in self.global_conf
        if physpages and not swappages:
            raise SpecError('%s: ram is set but swap is not set anywhere (neither in the task nor '
                            'in the container or global config); vzctl refuses this on VSwap '
                            'kernels (rc 28, "required UB parameter (swap) not set"). Give swap '
                            'too, e.g. swap: 0' % spec.label)

    def plan_power(self, plan, verb, spec):
        timeout = spec.get('stop_timeout')
        if verb != 'stop':
            plan.add(self._vzctl(verb, plan.id))
        elif spec.get('force') and not timeout:
            plan.add(self._vzctl('stop', plan.id, _FAST))
        elif spec.get('force'):
            plan.add(self._vzctl('stop', plan.id, timeout=timeout,
                                 on_timeout=self._vzctl('stop', plan.id, _FAST)))
        else:
            plan.add(self._vzctl('stop', plan.id, timeout=timeout))

    def plan_destroy(self, plan, spec):
        plan.add(self._vzctl('destroy', plan.id))

    def power_by_name(self, name):
        """``vzctl status <name>`` (vzctl(8), status: one line, no lock): an unknown name
        is rc 21 "Bad CT ID"; a name whose container is gone reads ``deleted``."""
        result = self.runner.run([self.vzctl, 'status', name], check=False)
        words = result.stdout.split()
        if result.rc == 21 and 'Bad CT ID' in result.stderr + result.stdout:
            return None
        if result.rc != 0 or len(words) < 5 or words[0] not in ('CTID', 'VEID'):
            raise CommandError(self._describe(result.cmd, result.rc, result.stdout,
                                              result.stderr, self.explain(result.rc)),
                               cmd=result.cmd, rc=result.rc, stdout=result.stdout,
                               stderr=result.stderr)
        if words[2] == 'deleted':
            return None
        return 'running' if words[4] == 'running' else 'stopped'

    # -- snapshots (vzctl(8) snapshot*, ploop only) ---------------------------------------
    def snapshot_support(self, state):
        layout = (state or {}).get('layout') or ''
        if layout.startswith('ploop'):
            return None
        return ('container %s is on %s: vzctl snapshots exist only for ploop containers '
                '(convert it with vzctl convert --layout ploop)'
                % ((state or {}).get('ctid'), layout or 'an unknown layout'))

    def list_snapshots(self, container_id):
        return vzctl_cli.list_snapshots(self.runner, self.vzctl, container_id, self.explain,
                                        self._describe)

    def plan_snapshot_create(self, plan, snapshot_id, name=None, description=None,
                             save_memory=True):
        plan.add(self._vzctl('snapshot', plan.id, *vzctl_cli.snapshot_args(
            snapshot_id, name, description, save_memory)))

    def plan_snapshot_switch(self, plan, snapshot_id, resume=True):
        args = ['--id', snapshot_id] if resume else ['--skip-resume', '--id', snapshot_id]
        plan.add(self._vzctl('snapshot-switch', plan.id, *args))

    def plan_snapshot_delete(self, plan, snapshot_id):
        plan.add(self._vzctl('snapshot-delete', plan.id, '--id', snapshot_id))

    def host_veths(self, container_id):
        """``{ifname: host_ifname}`` from the container's NETIF (vzctl names them)."""
        return dict((nic['ifname'], nic.get('host_ifname'))
                    for nic in vzconf.parse_netif(self.ct_conf(container_id).get('NETIF')))
