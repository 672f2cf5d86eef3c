# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The payload CloudStack writes for an Orchestrator extension call, read leniently.

CloudStack (4.21+, ``ExternalPathPayloadProvisioner``) serialises a map with Gson:
``externaldetails`` (sections ``host``, ``resourcemap``, ``extension``, ``virtualmachine``,
``action``), ``virtualmachinename``, ``virtualmachineid``, ``cloudstack.vm.details`` (the
VirtualMachineTO: ``cpus``, ``minRam``/``maxRam`` in bytes, ``nics``...), and for custom
actions ``action`` and ``parameters``. Numbers may arrive as strings and maps may be
missing or null: nothing here assumes a type it did not check.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

# Host connection details and their defaults (host details win over the cluster
# mapping's, which win over the extension's).
HOST_DEFAULTS = dict(
    host=None,
    ssh_user='root',
    ssh_port='22',
    ssh_key_file=None,
    ssh_known_hosts_file=None,
    ssh_connect_timeout='10',
    bridge='cloudbr0',
    vlan_trunk=None,
    ctid_range=None,
)
# VM details (template, offering or VM ``External:`` details).
VM_KEYS = ('ostemplate', 'diskspace', 'layout', 'template_url', 'template_checksum', 'ctid',
           'swap')
EXTERNAL_PREFIX = 'External:'
# Detail keys whose values are secrets wherever they appear.
_SECRET_KEY_RE = re.compile(r'(password|secret|token|passphrase|private_?key)', re.I)


class PayloadError(ValueError):
    """The payload lacks something this action needs; the message says what."""


def _section(mapping, key):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return 'true' if value else 'false'
    text = str(value).strip()
    return text or None


def to_int(value, what):
    """An integer from a number or a numeric string (Gson may give either)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(float(value)) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise PayloadError('Invalid %s %r in the payload: not a number' % (what, value))


def to_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('true', 'yes', 'on', '1')


class Payload(object):
    """One call's payload; ``action`` is the argv action (lower-cased)."""

    def __init__(self, data, action):
        self.data = data if isinstance(data, dict) else {}
        self.action = action
        details = _section(self.data, 'externaldetails')
        self.vm = _section(self.data, 'cloudstack.vm.details')
        merged = {}
        for section in ('extension', 'resourcemap', 'host'):
            for key, value in _section(details, section).items():
                if _text(value) is not None:
                    merged[key] = _text(value)
        self.host = dict(HOST_DEFAULTS)
        self.host.update(merged)
        self.vm_details = self._vm_details(details)
        self.action_details = dict((k, _text(v)) for k, v in _section(details, 'action').items())
        self.parameters = _section(self.data, 'parameters')

    def _vm_details(self, details):
        """``externaldetails.virtualmachine`` (prefix stripped by CloudStack), completed by
        the ``External:`` keys of the TO's raw details (present at create)."""
        result = {}
        raw = _section(self.vm, 'details')
        for key, value in raw.items():
            if str(key).startswith(EXTERNAL_PREFIX) and _text(value) is not None:
                result[str(key)[len(EXTERNAL_PREFIX):]] = _text(value)
        for key, value in _section(details, 'virtualmachine').items():
            if _text(value) is not None:
                result[key] = _text(value)
        return result

    # -- the VM ---------------------------------------------------------------------------
    @property
    def instance_name(self):
        """CloudStack's instance name (``i-<account>-<id>-VM``): the container's name."""
        name = _text(self.data.get('virtualmachinename')) or _text(self.vm.get('name'))
        if not name:
            raise PayloadError('The payload names no VM (virtualmachinename is missing); '
                               'action %s needs one' % self.action)
        return name

    @property
    def vm_uuid(self):
        return _text(self.data.get('virtualmachineid')) or _text(self.vm.get('uuid'))

    @property
    def cpus(self):
        return to_int(self.vm.get('cpus'), 'cpus')

    @property
    def ram_bytes(self):
        """The container's memory: ``maxRam`` (the offering's size), else ``minRam``."""
        for key in ('maxRam', 'minRam'):
            value = to_int(self.vm.get(key), key)
            if value:
                return value
        return None

    @property
    def raw_details(self):
        return _section(self.vm, 'details')

    @property
    def expunge(self):
        return to_bool(self.raw_details.get('expunge.external.vm', False))

    def nics(self):
        """The TO's NICs in ``deviceId`` order (``[]`` for stop, delete, status)."""
        nics = self.vm.get('nics')
        if not isinstance(nics, list):
            return []
        items = [nic for nic in nics if isinstance(nic, dict)]
        return sorted(items, key=lambda nic: to_int(nic.get('deviceId'), 'deviceId') or 0)

    def detail(self, key):
        return self.vm_details.get(key)

    def secrets(self):
        """Values that must never be printed (masked in every output)."""
        found = set()
        password = _text(self.vm.get('vncPassword'))
        if password:
            found.add(password)
        sections = [_section(_section(self.data, 'externaldetails'), name)
                    for name in ('host', 'resourcemap', 'extension', 'virtualmachine', 'action')]
        sections += [self.raw_details, self.parameters]
        for section in sections:
            for key, value in section.items():
                if _SECRET_KEY_RE.search(str(key)) and _text(value):
                    found.add(_text(value))
        return sorted(found, key=len, reverse=True)


def load(path, action):
    """Read the payload file (an unreadable or non-JSON file is a PayloadError)."""
    try:
        with open(path) as handle:
            text = handle.read()
    except (IOError, OSError) as exc:
        raise PayloadError('Cannot read the payload file %s: %s' % (path, exc.strerror))
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise PayloadError('The payload file %s is not JSON: %s' % (path, exc))
    if not isinstance(data, dict):
        raise PayloadError('The payload file %s holds %s, not a JSON object'
                           % (path, type(data).__name__))
    return Payload(data, action)


def vlan_of(nic):
    """``None`` for an untagged NIC, else the VLAN id of ``broadcastUri`` (``vlan://N``)."""
    uri = _text(nic.get('broadcastUri')) or _text(nic.get('isolationUri')) or 'vlan://untagged'
    scheme, _sep, rest = uri.partition('://')
    if scheme.lower() != 'vlan':
        raise PayloadError('NIC %s: broadcast URI %r is not a VLAN; this extension places '
                           'NICs on bridges and 802.1Q VLANs only'
                           % (nic.get('deviceId'), uri))
    if rest.lower() in ('untagged', '') or rest == '4095':
        return None
    try:
        return int(rest)
    except ValueError:
        raise PayloadError('NIC %s: cannot read a VLAN id from %r' % (nic.get('deviceId'), uri))
