"""veth NETIF entries: parsing, serialisation and MAC generation (section 6.1)."""

import os
import re
import zlib

NETIF_KEYS = ("ifname", "bridge", "mac", "host_ifname", "host_mac", "mac_filter")
# what libvzctl (OpenVZ 7) writes, in its order (lib/veth.c)
VZ7_NETIF_KEYS = ("ifname", "mac", "host_mac", "host_ifname", "type", "network", "gw", "gw6",
                  "mac_filter", "configure", "dhcp", "dhcp6", "ip")
READ_KEYS = set(NETIF_KEYS + VZ7_NETIF_KEYS)
MAX_IFNAME = 15
SW_OUI = 0x001851
_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


class NetifError(ValueError):
    """Bad --netif_add value; the message is vzctl's."""


def parse_netif(value):
    """NETIF="ifname=..,mac=..;..." -> list of dicts (unknown keys ignored)."""
    devices = []
    for entry in (value or "").split(";"):
        device = {}
        for item in entry.split(","):
            if "=" in item:
                key, val = item.split("=", 1)
                key = key.strip()
                if key in READ_KEYS and val != "":
                    device[key] = val.strip()
        if device.get("ifname"):
            devices.append(device)
    return devices


def format_netif(devices, keys=NETIF_KEYS):
    entries = []
    for device in devices:
        entries.append(",".join("%s=%s" % (key, device[key])
                                for key in keys if device.get(key)))
    return ";".join(entries)


def generate_mac(dev_name, ctid, host_mac):
    """Deterministic 00:18:51:XX:XX:XX from (device, CTID, host MAC)."""
    data = "%s:%s:%s " % (dev_name, ctid, host_mac or "")
    mask = 0xFFFFFFFF
    # OpenVZ 7 IDs may be UUIDs: seed with their CRC
    value = (ctid if isinstance(ctid, int) else zlib.crc32(str(ctid).encode("utf-8"))) & mask
    codes = [ord(ch) for ch in data]
    for index in range(len(codes) - 1):
        value = (value + codes[index]) & mask
        tmp = ((codes[index + 1] << 11) ^ value) & mask
        value = ((value << 16) ^ tmp) & mask
        value = (value + (value >> 11)) & mask
    value ^= (value << 3) & mask
    value = (value + (value >> 5)) & mask
    value ^= (value << 4) & mask
    value = (value + (value >> 17)) & mask
    value ^= (value << 25) & mask
    value = (value + (value >> 6)) & mask
    octets = [(SW_OUI >> 16) & 0xFF, (SW_OUI >> 8) & 0xFF, SW_OUI & 0xFF,
              value & 0xFF, (value >> 8) & 0xFF, (value >> 15) & 0xFF]
    return ":".join("%02X" % octet for octet in octets)


def default_host_ifname(ctid, ifname):
    match = re.search(r"\d+", ifname)
    return "veth%s.%s" % (ctid, int(match.group(0)) if match else 0)


def vz7_host_ifname(mac):
    """libvzctl 7: veth + the CT MAC's last four octets, lower case (veth51abcdef)."""
    return "veth" + "".join(mac.split(":")[2:]).lower()


def complete_device(device, ctid, host_mac, style="legacy"):
    """Fill host_ifname and MACs the way vzctl generates them (style vz7: libvzctl 7)."""
    device = dict(device)
    mac_given = bool(device.get("mac"))
    if not mac_given:
        device["mac"] = generate_mac(device["ifname"], ctid, host_mac)
    if not device.get("host_ifname"):
        if style == "vz7":
            device["host_ifname"] = vz7_host_ifname(device["mac"])
        else:
            device["host_ifname"] = default_host_ifname(ctid, device["ifname"])
    if not device.get("host_mac"):
        if mac_given:
            device["host_mac"] = device["mac"]
        else:
            device["host_mac"] = generate_mac(device["host_ifname"], ctid, host_mac)
    device["mac"] = device["mac"].upper()
    device["host_mac"] = device["host_mac"].upper()
    return device


def check_mac(value, host):
    if host:
        if not _MAC_RE.match(value):
            raise NetifError("Invalid host MAC address")
        return
    if len(value) != 17:
        raise NetifError("Invalid container MAC address length")
    if not _MAC_RE.match(value):
        raise NetifError("Invalid container MAC address format")


def check_ifname(value, option_value):
    if not value or len(value) > MAX_IFNAME or "/" in value or " " in value:
        raise NetifError("Bad parameter for --netif_add: %s" % option_value)


def parse_netif_add(option_value, max_fields=5):
    """--netif_add 'ifname[,mac,host_ifname,host_mac,bridge] ...' -> devices
    (vzctl 7: max_fields 4, no bridge)."""
    devices = []
    for token in option_value.split():
        fields = token.split(",")
        if len(fields) > max_fields:
            raise NetifError("Bad parameter for --netif_add: %s" % option_value)
        fields += [""] * (5 - len(fields))
        ifname, mac, host_ifname, host_mac, bridge = fields
        check_ifname(ifname, option_value)
        device = {"ifname": ifname}
        if mac:
            check_mac(mac, host=False)
            device["mac"] = mac.upper()
        if host_ifname:
            check_ifname(host_ifname, option_value)
            device["host_ifname"] = host_ifname
        if host_mac:
            check_mac(host_mac, host=True)
            device["host_mac"] = host_mac.upper()
        if bridge:
            device["bridge"] = bridge
        devices.append(device)
    if not devices:
        raise NetifError("Bad parameter for --netif_add: %s" % option_value)
    return devices


def host_first_mac(sys_class_net="/sys/class/net"):
    """The host's first non-zero link/ether address, by interface index."""
    candidates = []
    try:
        names = os.listdir(sys_class_net)
    except OSError:
        return ""
    for name in names:
        base = os.path.join(sys_class_net, name)
        try:
            with open(os.path.join(base, "address")) as handle:
                address = handle.read().strip()
            with open(os.path.join(base, "ifindex")) as handle:
                index = int(handle.read().strip())
            with open(os.path.join(base, "type")) as handle:
                link_type = handle.read().strip()
        except (IOError, OSError, ValueError):
            continue
        if link_type == "1" and address and address != "00:00:00:00:00:00":
            candidates.append((index, address))
    return sorted(candidates)[0][1] if candidates else ""
