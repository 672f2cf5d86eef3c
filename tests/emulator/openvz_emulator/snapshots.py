"""ploop snapshots kept in <private>/Snapshots.xml (section 1.8)."""

import os
import shutil
import sys
import time
import uuid
from xml.etree import ElementTree

from .config import write_file_atomic
from .errors import Exit
from .getopt import GetoptError, getopt_long

PLOOP_ONLY_RC = {"snapshot": "snapshot_create", "snapshot-switch": "snapshot_switch",
                 "snapshot-delete": "snapshot_delete", "snapshot-mount": "snapshot_mount",
                 "snapshot-umount": "snapshot_umount", "snapshot-list": "snapshot_list"}
OPTIONS = {
    "snapshot": {"id": True, "name": True, "description": True, "skip-suspend": False, "skip-config": False},
    "snapshot-switch": {"id": True, "skip-resume": False, "must-resume": False, "skip-config": False},
    "snapshot-delete": {"id": True},
    "snapshot-mount": {"id": True, "target": True},
    "snapshot-umount": {"id": True},
}
LIST_FIELDS = (  # name, header, width (negative = left aligned)
    ("parent_uuid", "PARENT_UUID", -38), ("current", "C", 1), ("uuid", "UUID", -38),
    ("date", "DATE", -19), ("name", "NAME", -32), ("desc", "DESC", -32),
    ("device", "DEVICE", -16), ("target", "TARGET", -32))
FIELD_ALIASES = {"id": "uuid", "parent_id": "parent_uuid"}
DEFAULT_LIST = "parent_uuid,current,uuid,date,name"


def normalize_id(value):
    value = value.strip().strip("{}")
    return "{%s}" % value


def _xml_path(ct):
    return os.path.join(ct.private_path, "Snapshots.xml")


def load(ct):
    """List of snapshot dicts (guid, parent, current, date, name, desc)."""
    try:
        tree = ElementTree.parse(_xml_path(ct))
    except (IOError, OSError, ElementTree.ParseError):
        return []
    items = []
    for node in tree.getroot().findall("SavedStateItem"):
        items.append({
            "guid": node.get("guid"), "parent": node.get("parent", ""),
            "current": node.get("current") == "yes",
            "date": node.findtext("DateTime", ""), "name": node.findtext("Name", ""),
            "desc": node.findtext("Description", ""), "dump": node.get("dump") == "yes"})
    return items


def save(ct, items):
    root = ElementTree.Element("ParallelsSavedStates")
    for item in items:
        node = ElementTree.SubElement(root, "SavedStateItem", guid=item["guid"], parent=item["parent"])
        if item["current"]:
            node.set("current", "yes")
        if item.get("dump"):
            node.set("dump", "yes")
        for tag, key in (("Name", "name"), ("DateTime", "date"), ("Description", "desc")):
            ElementTree.SubElement(node, tag).text = item[key]
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root) + b"\n"
    write_file_atomic(_xml_path(ct), data)


def command(vzctl, ct, args, name):
    if name == "snapshot-list":
        return _list_command(vzctl, ct, args)
    try:
        options, operands = getopt_long(args, "", OPTIONS[name], "vzctl")
    except GetoptError as exc:
        vzctl.log.err(str(exc))
        raise _exit(vzctl, "value")
    vzctl.no_extra_args(operands)
    opts = dict(options)
    if name != "snapshot" and not opts.get("id"):
        vzctl.fail("syntax", "snapshot_id_missing")
    return lambda: _run(vzctl, ct, name, opts)


def _exit(vzctl, code):
    return Exit(vzctl.fl.rc(code))


def _run(vzctl, ct, name, opts):
    if ct.layout != "ploop":
        vzctl.fail(PLOOP_ONLY_RC[name], "snapshot_ploop_only")
    items = load(ct)
    guid = normalize_id(opts["id"]) if opts.get("id") else None
    if name == "snapshot":
        return _create(vzctl, ct, items, guid or "{%s}" % uuid.uuid4(), opts)
    matches = [item for item in items if item["guid"] == guid]
    if not matches:
        vzctl.fail(PLOOP_ONLY_RC[name], "snapshot_not_found", guid)
    item = matches[0]
    dump_dir = os.path.join(ct.private_path, "dump")
    if name == "snapshot-delete":
        vzctl.out("snapshot_deleting", guid)
        for other in items:
            if other["parent"] == guid:
                other["parent"] = item["parent"]
        if item["current"] and item["parent"]:
            for other in items:
                if other["guid"] == item["parent"]:
                    other["current"] = True
        items.remove(item)
        for suffix in ("", ".ve.conf"):
            path = os.path.join(dump_dir, guid + suffix)
            if os.path.exists(path):
                os.unlink(path)
        save(ct, items)
        vzctl.out("snapshot_deleted", guid)
        return 0
    if name == "snapshot-switch":
        vzctl.out("snapshot_switching", guid)
        state = vzctl.state(ct)
        was_running = state["running"]
        if was_running:
            vzctl.stop_ct(ct)
        conf_copy = os.path.join(dump_dir, guid + ".ve.conf")
        if not opts.get("skip-config") and os.path.exists(conf_copy):
            shutil.copyfile(conf_copy, ct.conf_path)
            ct.reload()
        for other in items:
            other["current"] = other is item
        save(ct, items)
        vzctl.out("snapshot_switched")
        if (item.get("dump") or opts.get("must-resume")) and was_running and not opts.get("skip-resume"):
            # back from the snapshot's memory dump: the restore's lines
            vzctl.restore_ct(ct, vzctl.state(ct))
            vzctl.out("restore_ok")
        return 0
    if name == "snapshot-mount":
        target = vzctl.host.path(opts["target"]) if opts.get("target", "").startswith("/") else opts.get("target")
        if not target:
            vzctl.fail("syntax", "runtime_error", "Target directory is not specified")
        vzctl.out("snapshot_mounting", guid, opts["target"])
        if not os.path.isdir(target):
            os.makedirs(target)
        return 0
    vzctl.out("snapshot_umounting", guid)
    return 0


def _create(vzctl, ct, items, guid, opts):
    vzctl.out("snapshot_creating", guid)
    dump_dir = os.path.join(ct.private_path, "dump")
    if not os.path.isdir(dump_dir):
        os.makedirs(dump_dir)
    if not opts.get("skip-config"):
        shutil.copyfile(ct.conf_path, os.path.join(dump_dir, guid + ".ve.conf"))
    running = vzctl.state(ct)["running"]
    if running and not opts.get("skip-suspend"):
        with open(os.path.join(dump_dir, guid), "w") as handle:
            handle.write("emulated memory dump of CT %s\n" % ct.ctid)
    parent = ""
    for item in items:
        if item["current"]:
            parent = item["guid"]
            item["current"] = False
    items.append({"guid": guid, "parent": parent, "current": True,
                  "date": time.strftime("%Y-%m-%d %H:%M:%S"), "name": opts.get("name", ""),
                  "desc": opts.get("description", ""),
                  "dump": running and not opts.get("skip-suspend")})
    save(ct, items)
    vzctl.out("snapshot_created", guid)
    return 0


def _list_command(vzctl, ct, args):
    try:
        options, operands = getopt_long(args, "Ho:L", {"no-header": False, "output": True,
                                                       "id": True, "list": False}, "vzctl")
    except GetoptError as exc:
        vzctl.log.err(str(exc))
        raise _exit(vzctl, "value")
    vzctl.no_extra_args(operands)
    header, fields, only = True, DEFAULT_LIST, None
    for name, value in options:
        if name in ("H", "no-header"):
            header = False
        elif name in ("o", "output"):
            fields = value
        elif name == "id":
            only = normalize_id(value)
        elif name in ("L", "list"):
            def print_fields():
                for field, head, _width in LIST_FIELDS:
                    sys.stdout.write("%-12s %s\n" % (field, head))
                return 0
            return print_fields
    known = dict((field, (head, width)) for field, head, width in LIST_FIELDS)
    columns = []
    for field in fields.split(","):
        field = FIELD_ALIASES.get(field, field)
        if field not in known:
            vzctl.log.err("Unknown field: %s" % field)
            raise _exit(vzctl, "value")
        columns.append((field,) + known[field])
    return lambda: _list(vzctl, ct, columns, header, only)


def _list(vzctl, ct, columns, header, only):
    if ct.layout != "ploop":
        vzctl.fail("snapshot_list", "snapshot_ploop_only")
    items = [item for item in load(ct) if only is None or item["guid"] == only]
    if only is not None and not items:
        vzctl.fail("snapshot_list", "snapshot_not_found", only)
    lines = []
    if header:
        lines.append(" ".join("%*s" % (width, head) for _field, head, width in columns))
    for item in items:
        values = {"parent_uuid": item["parent"], "current": "*" if item["current"] else "",
                  "uuid": item["guid"], "date": item["date"], "name": item["name"],
                  "desc": item["desc"], "device": "", "target": ""}
        cells = []
        for index, (field, _head, width) in enumerate(columns):
            last = index == len(columns) - 1
            cells.append(values[field] if last else "%*s" % (width, values[field]))
        lines.append(" ".join(cells))
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0
