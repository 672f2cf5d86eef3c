# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every OpenVZ backend provides: host reads and command plans for containers.

A backend turns named changes into commands for one OpenVZ line (legacy vzctl 4.x, or
OpenVZ 7/9) and reads the host's containers into neutral ``ContainerState`` dicts. It runs
nothing without its runner and decides nothing about check mode or diffs: the manager does.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.cloud.plugins.module_utils._runner import (
    default_failure_message, last_line, mask)


def locked_failure(cmd, holder, stdout, stderr):
    """The message of a command refused because ``holder`` holds the container's lock."""
    return ('%s %s failed: the container is locked by %s; retry when it has finished. %s'
            % (os.path.basename(cmd[0]), ' '.join(cmd[1:3]), holder,
               last_line(stderr) or last_line(stdout))).strip()


class ContainerState(dict):
    """A container as the host reports it, with its config file's truth merged in.

    Keys mirror the spec's: ``ctid`` (ContainerId), ``name``, ``status``, ``hostname``,
    ``ram_bytes``, ``diskspace_kb`` ([soft, hard] KB), ``ipaddresses``, ``netifs``, ...;
    ``usage`` holds counters (None when unknown), ``config`` the raw config values.
    """


class Step(object):
    """One command of a plan. ``argv`` includes the binary; ``on_timeout`` is the step to
    run when this one times out (a forced stop)."""

    def __init__(self, verb, argv, secret=None, timeout=None, on_timeout=None, tool_shown=False):
        self.verb = verb
        self.argv = [str(arg) for arg in argv]
        self.secret = secret
        self.timeout = timeout
        self.on_timeout = on_timeout
        # a line with two tools (prlctl and vzctl on 7/9) shows which one runs
        self.tool_shown = tool_shown

    def display(self):
        """The arguments after the binary (led by its name when ``tool_shown``), as shown to
        users (secrets masked)."""
        shown = ([os.path.basename(self.argv[0])] if self.tool_shown else []) + self.argv[1:]
        return [mask(arg, self.secret) for arg in shown]


class Plan(object):
    """Ordered steps for one container, and what the manager must do around them."""

    def __init__(self, container_id):
        self.id = container_id
        self.steps = []
        self.changes = []
        self.creates = False
        # what the host reported before (None: the container does not exist)
        self.current = None
        # the config the new container starts from (its sample) when creating
        self.config_before = {}
        self.restart_needed = False
        # the state the changes were computed against (a just-created one when creating)
        self.base = None
        # (trunk, vlan) pairs whose VLAN bridge must exist first
        self.vlan_bridges = []

    def add(self, step):
        self.steps.append(step)

    @property
    def runs_after(self):
        """True when the container is running once the plan is done."""
        running = bool(self.base) and self.base.get('status') == 'running'
        for step in self.steps:
            if step.verb in ('start', 'restart'):
                running = True
            elif step.verb in ('stop', 'destroy'):
                running = False
        return running


class Backend(object):
    """The interface; ``legacy`` implements it for vzctl 4.x, ``vz7`` will for 7/9."""

    name = None
    # Whether new containers get numeric IDs from a range (legacy) or are named (7/9).
    allocates_numeric_ids = True

    def __init__(self, runner):
        self.runner = runner

    def explain(self, rc):  # pragma: no cover - interface
        """The OpenVZ meaning of a tool's exit code."""
        raise NotImplementedError

    def read_containers(self):  # pragma: no cover - interface
        """``{ContainerId: ContainerState}`` of every container, from one list read."""
        raise NotImplementedError

    def complete(self, state, read_config=True):  # pragma: no cover - interface
        """``state`` with what only the container's config holds merged in."""
        raise NotImplementedError

    def host_veths(self, container_id):  # pragma: no cover - interface
        """``{ifname: host-side interface}`` of the container's NICs."""
        raise NotImplementedError

    def ids_in_use(self, states):  # pragma: no cover - interface
        raise NotImplementedError

    def locate(self, container_id, states):
        """The key in ``states`` of the container ``container_id`` names (None: none)."""
        return container_id if container_id in states else None

    def new_id(self, spec):  # pragma: no cover - interface
        """How a container that does not exist yet is addressed, when this line does not
        allocate numeric IDs (``allocates_numeric_ids`` False)."""
        raise NotImplementedError

    def allocation_lock_path(self):  # pragma: no cover - interface
        raise NotImplementedError

    def check_id(self, container_id, error):  # pragma: no cover - interface
        """Refuse an ID this line cannot use (raises ``error``)."""
        raise NotImplementedError

    def plan_create(self, plan, spec):  # pragma: no cover - interface
        """Add the create steps; return the state of the just-created container."""
        raise NotImplementedError

    def plan_update(self, plan, spec, changes):  # pragma: no cover - interface
        """Add the steps applying ``changes`` (a list of Change) to ``plan.base``."""
        raise NotImplementedError

    def plan_power(self, plan, verb, spec):  # pragma: no cover - interface
        """Add a start, stop or restart step."""
        raise NotImplementedError

    def plan_destroy(self, plan, spec):  # pragma: no cover - interface
        raise NotImplementedError

    def power_states(self):  # pragma: no cover - interface
        """``{name: status}`` of every named container, from one light list read (only the
        fields it needs: what a cloud polls for every host, every minute)."""
        raise NotImplementedError

    def power_by_name(self, name):  # pragma: no cover - interface
        """``running``, ``stopped`` or None (no such container) of one named container,
        without listing the others."""
        raise NotImplementedError

    # -- snapshots: ids are the line's own (a UUID on every line); entries of
    # ``list_snapshots`` are dicts with id, parent_id, current, date, name, description.
    def snapshot_support(self, state):  # pragma: no cover - interface
        """None when the container can take snapshots, else the reason it cannot."""
        raise NotImplementedError

    def list_snapshots(self, container_id):  # pragma: no cover - interface
        raise NotImplementedError

    def plan_snapshot_create(self, plan, snapshot_id, name=None, description=None,
                             save_memory=True):  # pragma: no cover - interface
        raise NotImplementedError

    def plan_snapshot_switch(self, plan, snapshot_id, resume=True):  # pragma: no cover
        raise NotImplementedError

    def plan_snapshot_delete(self, plan, snapshot_id):  # pragma: no cover - interface
        raise NotImplementedError

    def exec_argv(self, container_id, command):  # pragma: no cover - interface
        """The argv running ``command`` (a list) inside the container."""
        raise NotImplementedError

    def describe_failure(self, cmd, rc, stdout, stderr, meaning):
        """A failure message of this line's own (None: the runner's default)."""
        return None

    def _describe(self, cmd, rc, stdout, stderr, meaning):
        return (self.describe_failure(cmd, rc, stdout, stderr, meaning) or
                default_failure_message(cmd, rc, stdout, stderr, meaning))

    def run_step(self, step):
        """Run one step through the runner; failures explain the exit code."""
        return self.runner.run(step.argv, timeout=step.timeout, explain=self.explain,
                               describe=self._describe, secret=step.secret)
