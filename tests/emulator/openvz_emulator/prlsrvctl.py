"""prlsrvctl net list|add|set|del (OpenVZ 7 flavour, openvz-cli.md 10.4/10.5).

Layout from OpenVZ/prlctl src/PrlSrv.cpp (vnetwork_list, print_vnetwork_info): a
`%-17s %-9s %-14s %-14s %-15s` header, rows `%-16.16s  ` ID, `%-10s` type, `%-15s`
bound-to and bridge; -j: a tab-indented list of objects with "Network ID", "Type",
"Bound To", "Bridge".
"""

import sys

from . import dispatcher, networks
from .paths import Host

USAGE = "Usage: prlsrvctl net list [-j] | add <net> [-i <iface>] [-t bridged|host-only] | " \
        "set <net> [-i <iface>] [-t ...] [-n <new name>] | del <net>"


def run(argv, host):
    down = dispatcher.refused(host)
    if down is not None:
        return down
    if len(argv) < 2 or argv[0] != "net":
        sys.stderr.write(USAGE + "\n")
        return 1
    store = networks.NetworkStore(host.state_dir)
    items = store.load()
    command, args = argv[1], argv[2:]
    if command == "list":
        return list_networks(items, "-j" in args or "--json" in args)
    if not args:
        sys.stderr.write(USAGE + "\n")
        return 1
    name, opts = args[0], _options(args[1:])
    if opts is None:
        sys.stderr.write(USAGE + "\n")
        return 1
    if command == "add":
        if name in items:
            sys.stderr.write("Failed to add the virtual network %s: the network already exists\n" % name)
            return 1
        kind = opts.get("-t", "bridged" if "-i" in opts else "host-only")
        bound = opts.get("-i") or ("virbr%d" % (len(items) + 1))
        items[name] = {"type": kind, "bound": bound, "bridge": networks.bridge_for(bound, kind)}
    elif command == "set":
        if name not in items:
            sys.stderr.write("The virtual network %s does not exist\n" % name)
            return 1
        network = items.pop(name)
        if "-t" in opts:
            network["type"] = opts["-t"]
        if "-i" in opts:
            network["bound"] = opts["-i"]
            network["bridge"] = networks.bridge_for(opts["-i"], network["type"])
        items[opts.get("-n", name)] = network
    elif command == "del":
        if name not in items:
            sys.stderr.write("The virtual network %s does not exist\n" % name)
            return 1
        del items[name]
    else:
        sys.stderr.write(USAGE + "\n")
        return 1
    if command != "del" and host.runtime_name == "netns":
        networks.ensure_bridge(items[opts.get("-n", name)]["bridge"])
    store.save(items)
    return 0


def list_networks(items, json_out):
    if json_out:
        rows = []
        for name in sorted(items):
            network = items[name]
            keys = [("Network ID", name), ("Type", network["type"]), ("Bound To", network["bound"]),
                    ("Bridge", network["bridge"])]
            rows.append("\t{\n" + ",\n".join('\t\t"%s": "%s"' % pair for pair in keys) + "\n\t}")
        sys.stdout.write("[\n" + ",\n".join(rows) + "\n]\n")
        return 0
    out = ["%-17s %-9s %-14s %-14s %-15s\n" % ("Network ID", "Type", "Bound To", "Bridge", "Slave interfaces")]
    for name in sorted(items):
        network = items[name]
        ident = ("%-15.15s~  " % name) if len(name) > 16 else ("%-16.16s  " % name)
        out.append(ident + "%-10s" % network["type"] + "%-15s" % network["bound"]
                   + "%-15s" % network["bridge"] + "\n")
    sys.stdout.write("".join(out))
    return 0


def _options(args):
    opts = {}
    while args:
        if args[0] not in ("-i", "--ifname", "-t", "--type", "-n", "--name") or len(args) < 2:
            return None
        opts[{"--ifname": "-i", "--type": "-t", "--name": "-n"}.get(args[0], args[0])] = args[1]
        args = args[2:]
    if opts.get("-t") not in (None, "bridged", "host-only"):
        return None
    return opts


def main(argv=None):
    sys.exit(run(sys.argv[1:] if argv is None else argv, Host()))
