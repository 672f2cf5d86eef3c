"""OpenVZ 7 virtual networks (prlsrvctl net, openvz-cli.md 10.4/10.5).

The emulator keeps them in <state>/networks.json (the real host keeps them in the
dispatcher's and libvirt's configs): {"Bridged": {"type": "bridged", "bound": "eth0",
"bridge": "br0"}, ...}. A bridged network bound to a host bridge uses that bridge; one
bound to another interface uses the bridge br<N> (N: the interface's number), which the
emulator creates (netns runtime) but does not enslave the interface to.
"""

import json
import os
import re
import subprocess

from .config import write_file_atomic

DEFAULT_NETWORKS = {
    "Bridged": {"type": "bridged", "bound": "eth0", "bridge": "br0"},
    "Host-Only": {"type": "host-only", "bound": "virbr1", "bridge": "virbr1"},
}


class NetworkError(Exception):
    pass


class NetworkStore(object):
    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "networks.json")

    def load(self):
        try:
            with open(self.path) as handle:
                return json.load(handle)
        except (IOError, OSError, ValueError):
            return json.loads(json.dumps(DEFAULT_NETWORKS))

    def save(self, networks):
        write_file_atomic(self.path, json.dumps(networks, indent=1, sort_keys=True).encode("utf-8"))

    def bridge_of(self, name):
        network = self.load().get(name)
        return network["bridge"] if network else None


def bridge_for(interface, network_type):
    """The bridge a network bound to interface uses."""
    if network_type != "bridged" or is_bridge(interface):
        return interface
    match = re.search(r"(\d+)$", interface)
    return "br%s" % (match.group(1) if match else "0")


def is_bridge(name):
    return os.path.isdir("/sys/class/net/%s/bridge" % name)


def link_exists(name):
    return os.path.exists("/sys/class/net/%s" % name)


def ensure_bridge(name):
    """Create the bridge (netns runtime hosts only); False when that failed."""
    if is_bridge(name):
        return True
    if link_exists(name):
        return False
    return subprocess.call(["ip", "link", "add", "name", name, "type", "bridge"]) == 0 and \
        subprocess.call(["ip", "link", "set", "dev", name, "up"]) == 0


def join_bridge(host_ifname, bridge):
    """Put a host veth into bridge; False when the bridge does not exist."""
    if not is_bridge(bridge):
        return False
    return subprocess.call(["ip", "link", "set", "dev", host_ifname, "master", bridge, "up"]) == 0
