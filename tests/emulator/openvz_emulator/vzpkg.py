"""vzpkg (OpenVZ 7 flavour): the EZ template commands the emulator needs (openvz-cli.md 10.3).

`list` layout from OpenVZ/vztt src/vztt.c print_os_tmpl_record: the OS template name
padded to column 34, a space, then the cache time when cached (`--with-summary`/-S: a
colon and the summary instead); `-O` only OS templates, `--cached`/-c only cached ones.
"""

import os
import sys

from . import eztemplates
from .paths import Host

USAGE = ("Usage: vzpkg list [-O] [-c|--cached] [-S|--with-summary] | install template <t> | "
         "create cache <t> | update cache <t>")
RECORD_INFO_POS = 34


def run(argv, host):
    if not argv:
        sys.stderr.write(USAGE + "\n")
        return 1
    command, args = argv[0], argv[1:]
    try:
        if command == "list":
            return list_templates(host, args)
        if command == "install" and args[:1] == ["template"] and len(args) == 2:
            name = os.path.basename(args[1])
            eztemplates.install_template(host, name[:-4] if name.endswith(".rpm") else name)
            return 0
        if command in ("create", "update") and args[:1] == ["cache"] and len(args) >= 2:
            for name in args[1:]:
                if command == "update":
                    for path in _caches(host, name):
                        os.replace(path, path + "-old")
                eztemplates.create_cache(host, name)
            return 0
    except eztemplates.TemplateError as exc:
        if exc.key == "template_unknown":
            sys.stderr.write("Error: Unable to find ostemplate: %s\n" % exc.args_[0])
        else:
            sys.stderr.write("Error: %s\n" % " ".join(str(arg) for arg in exc.args_))
        return 1
    sys.stderr.write(USAGE + "\n")
    return 1


def _caches(host, name):
    return [os.path.join(eztemplates.cache_dir(host), filename)
            for filename in eztemplates.ploop_cache_names(name) + eztemplates.simfs_cache_names(name)
            if os.path.isfile(os.path.join(eztemplates.cache_dir(host), filename))]


def list_templates(host, args):
    flags = set(args)
    unknown = flags - {"-O", "--os", "-c", "--cached", "-S", "--with-summary", "-q", "--quiet"}
    if unknown:
        sys.stderr.write(USAGE + "\n")
        return 1
    out = []
    for name, metadata in sorted(eztemplates.os_templates(host).items()):
        stamp = eztemplates.cache_time(host, name)
        if flags & {"-c", "--cached"} and stamp is None:
            continue
        line = name.ljust(RECORD_INFO_POS) + " "
        if flags & {"-S", "--with-summary"}:
            summary = _summary(metadata)
            if summary:
                line += ":" + summary
        elif stamp and not flags & {"-q", "--quiet"}:
            line += stamp
        out.append(line + "\n")
    sys.stdout.write("".join(out))
    return 0


def _summary(metadata):
    for filename in ("summary", "description"):
        try:
            with open(os.path.join(metadata, filename)) as handle:
                return handle.readline().strip()
        except (IOError, OSError):
            continue
    return ""


def main(argv=None):
    sys.exit(run(sys.argv[1:] if argv is None else argv, Host()))
