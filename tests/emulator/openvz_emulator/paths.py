"""The emulated host: root prefix, global config, emulator settings."""

import os
import re

from .config import ConfigFile, read_settings
from .netif import host_first_mac

CONF_DIR = "/etc/vz/conf"
NAMES_DIR = "/etc/vz/names"
GLOBAL_CONF = "/etc/vz/vz.conf"
STATE_DIR = "/var/lib/openvz-emulator"
VZNETCFG = "/usr/sbin/vznetcfg"
MAX_CTID = 2147483644
_CONF_NAME_RE = re.compile(r"^(\d+)\.conf$")
# OpenVZ 7 IDs: a number or a UUID (section 10)
_ID_CONF_RE = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.conf$")


class Host(object):
    """Every logical OpenVZ path resolved under OPENVZ_EMULATOR_ROOT."""

    def __init__(self, root=None):
        self.root = os.path.abspath(root or os.environ.get("OPENVZ_EMULATOR_ROOT") or "/")
        self._global = None
        self._settings = None
        self._host_mac = None

    def path(self, logical):
        """Real path of an absolute OpenVZ path such as /etc/vz/vz.conf."""
        if self.root == "/":
            return logical
        return os.path.join(self.root, logical.lstrip("/"))

    @property
    def global_config(self):
        if self._global is None:
            self._global = ConfigFile.load(self.path(GLOBAL_CONF)) or ConfigFile()
        return self._global

    def global_value(self, key, default=None):
        return self.global_config.get(key, default)

    @property
    def state_dir(self):
        return self.path(STATE_DIR)

    @property
    def settings(self):
        if self._settings is None:
            self._settings = read_settings(os.path.join(self.state_dir, "emulator.conf"))
        return self._settings

    @property
    def runtime_name(self):
        return os.environ.get("OPENVZ_EMULATOR_RUNTIME") or self.settings.get("RUNTIME") or "none"

    @property
    def flavour_name(self):
        """legacy (vzctl 4.x) or vz7 (vzctl 7, prlctl), from emulator.conf."""
        return os.environ.get("OPENVZ_EMULATOR_FLAVOUR") or self.settings.get("FLAVOUR") or "legacy"

    @property
    def host_mac(self):
        if self._host_mac is None:
            self._host_mac = self.settings.get("HOST_MAC") or host_first_mac()
        return self._host_mac

    def conf_logical(self, ctid):
        return "%s/%s.conf" % (CONF_DIR, ctid)

    def conf_path(self, ctid):
        return self.path(self.conf_logical(ctid))

    def sample_logical(self, name):
        return "%s/ve-%s.conf-sample" % (CONF_DIR, name)

    @property
    def lockdir_logical(self):
        return self.global_value("LOCKDIR") or "/vz/lock"

    @property
    def dumpdir_logical(self):
        return self.global_value("DUMPDIR") or "/vz/dump"

    @property
    def template_logical(self):
        return self.global_value("TEMPLATE") or "/vz/template"

    def configured_ctids(self):
        """CTIDs of every /etc/vz/conf/<int>.conf."""
        try:
            names = os.listdir(self.path(CONF_DIR))
        except OSError:
            return []
        ctids = []
        for name in names:
            match = _CONF_NAME_RE.match(name)
            if match:
                ctids.append(int(match.group(1)))
        return ctids

    def configured_ids(self):
        """OpenVZ 7: the string ID of every /etc/vz/conf/<number|uuid>.conf but 0.conf."""
        try:
            names = os.listdir(self.path(CONF_DIR))
        except OSError:
            return []
        return [match.group(1) for match in map(_ID_CONF_RE.match, names)
                if match and match.group(1) != "0"]

    def id_of_name_link(self, name):
        """OpenVZ 7: the string ID a /etc/vz/names link points to, else None."""
        match = _ID_CONF_RE.match(self._name_link_target(name))
        return match.group(1) if match else None

    def _name_link_target(self, name):
        """File name a /etc/vz/names link points to ('' for no such link)."""
        if "/" in name or name in (".", ".."):
            return ""
        try:
            return os.path.basename(os.readlink(os.path.join(self.path(NAMES_DIR), name)))
        except OSError:
            return ""

    def name_links(self):
        """{name: ctid} for /etc/vz/names links that point to <ctid>.conf."""
        links = {}
        directory = self.path(NAMES_DIR)
        try:
            names = os.listdir(directory)
        except OSError:
            return links
        for name in names:
            ctid = self.ctid_of_name_link(name)
            if ctid is not None:
                links[name] = ctid
        return links

    def ctid_of_name_link(self, name):
        match = _CONF_NAME_RE.match(self._name_link_target(name))
        return int(match.group(1)) if match else None


def subst_veid(value, ctid):
    if value is None:
        return None
    return value.replace("${VEID}", str(ctid)).replace("$VEID", str(ctid))
