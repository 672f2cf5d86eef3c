"""vzctl create (contract section 1.1)."""

import glob
import os
import shutil

from . import tarball, units
from .config import ConfigFile
from .container import PLOOP_FS_DIR, write_ploop_placeholders
from .errors import Exit
from .paths import NAMES_DIR
from .setparams import BadValue, SetRequest, canonical_ip, merged_ip_list

CREATE_OPTIONS = {"ostemplate": True, "config": True, "private": True, "root": True,
                  "ipadd": True, "hostname": True, "name": True, "description": True,
                  "layout": True, "ve_layout": True, "velayout": True, "diskspace": True,
                  "diskinodes": True, "local_uid": True, "local_gid": True}
TEMPLATE_SUFFIXES = (".tar", ".tar.gz", ".tar.bz2", ".tar.xz")


class CreateCommand(object):
    """Mixin of Vzctl: option parsing and the steps of vzctl create."""

    create_options = CREATE_OPTIONS

    def cmd_create(self, ct, args):
        """The action of a create: options parsed (each through create_option) first."""
        options, operands = self.parse_options(args, self.create_options)
        self.no_extra_args(operands)
        opts = {}
        req = SetRequest()
        for name, value in options:
            if name in ("ve_layout", "velayout"):
                name = "layout"
            try:
                self.create_option(opts, req, name, value)
            except (BadValue, units.UnitError):
                self.fail("value", "bad_param", name, value)
        return lambda: self.create_ct(ct, opts, req)

    def create_option(self, opts, req, name, value):
        if name == "ipadd":
            address = canonical_ip(value)
            if address:
                req.ip_add.append(address)
        elif name == "diskspace":
            req.diskspace = units.parse_diskspace(value)
        elif name == "diskinodes":
            req.diskinodes = units.parse_diskinodes(value)
        elif name == "layout":
            if value.split(":")[0] not in ("simfs", "ploop"):
                raise BadValue()
            opts["layout"] = value.split(":")[0]
        else:
            opts[name] = value

    def create_ct(self, ct, opts, req):
        created = []  # paths to remove on failure
        try:
            return self._create(ct, opts, req, created)
        except Exit:
            if ct.private_path and ct.private_path + ".tmp" in created:
                # the private area was begun: vzctl says it removes it
                self.out("destroying", ct.private_logical)
            for path in reversed(created):
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                elif os.path.lexists(path):
                    os.unlink(path)
            self.err("create_failed")
            raise

    def _create(self, ct, opts, req, created):
        sample = opts.get("config")
        from_configfile = sample is None
        if from_configfile:
            sample = self.host.global_value("CONFIGFILE")
        if ct.exists_config:
            if opts.get("config"):
                self.fail("config_copy", "config_exists_with_config", ct.conf_logical)
            self.out("config_exists_warning")
            self.out("config_exists_hint")
            sample = None
        elif sample:
            sample_logical = self.host.sample_logical(sample)
            sample_path = self.host.path(sample_logical)
            if not os.path.isfile(sample_path):
                self.err("sample_not_found", sample_logical)
                if from_configfile:
                    self.err("fix_configfile")
                raise Exit(self.fl.rc("config_copy"))
            created.append(ct.conf_path)
            shutil.copyfile(sample_path, ct.conf_path)
        ct.reload()
        if ct.config is None:
            created.append(ct.conf_path)
            ct.config = ConfigFile()
            ct.config.save(ct.conf_path)
        private_raw = opts.get("private") or ct.value("VE_PRIVATE")
        root_raw = opts.get("root") or ct.value("VE_ROOT")
        if not private_raw:
            self.fail("ve_private_not_set", "runtime_error", "VE_PRIVATE is not set")
        if not root_raw:
            self.fail("ve_root_not_set", "runtime_error", "VE_ROOT is not set")
        ct.config.set("VE_PRIVATE", private_raw)
        ct.config.set("VE_ROOT", root_raw)
        private_logical = ct.private_logical
        private = ct.private_path
        if os.path.isdir(private) and os.listdir(private) or os.path.isfile(private):
            self.fail("private_exists", "private_exists", private_logical)
        if opts.get("name"):
            link_existed = os.path.lexists(os.path.join(self.host.path(NAMES_DIR), opts["name"]))
            rc = self.set_name(ct, opts["name"])
            if rc:
                raise Exit(rc)
            if not link_existed:
                created.append(os.path.join(self.host.path(NAMES_DIR), opts["name"]))
        ostemplate = opts.get("ostemplate") or ct.ct_value("OSTEMPLATE") or self.host.global_value("DEF_OSTEMPLATE")
        if not ostemplate:
            self.fail("no_ostemplate", "no_ostemplate")
        for suffix in TEMPLATE_SUFFIXES:
            if ostemplate.endswith(suffix):
                ostemplate = ostemplate[:-len(suffix)]
        layout = opts.get("layout") or (ct.value("VE_LAYOUT") or "ploop").split(":")[0]
        diskspace = req.diskspace
        if diskspace is None and ct.value("DISKSPACE"):
            try:
                diskspace = units.parse_diskspace(ct.value("DISKSPACE"))
            except units.UnitError:
                diskspace = None
        if layout == "ploop" and not diskspace:
            self.fail("diskspace_not_set", "ploop_no_diskspace")
        template_dir = self.host.template_logical
        tarball_path = None
        for suffix in TEMPLATE_SUFFIXES:
            candidate = self.host.path("%s/cache/%s%s" % (template_dir, ostemplate, suffix))
            if os.path.isfile(candidate):
                tarball_path = candidate
                break
        if tarball_path is None:
            self.fail("template_not_found", "template_not_found", template_dir, ostemplate)
        if os.path.ismount(private):
            self.fail("cannot_create_private", "private_is_mountpoint", private_logical, private_logical)
        work = private + ".tmp"
        if os.path.lexists(work):
            shutil.rmtree(work)
        created.append(work)
        os.makedirs(work)
        self.out("creating_private", ostemplate)
        if self.upstream_kernel:
            self.err("no_vzquota")
        try:
            if layout == "ploop":
                hdd = os.path.join(work, "root.hdd")
                os.makedirs(hdd)
                self.out("creating_image", private_logical + ".tmp/root.hdd/root.hdd", diskspace[1])
                write_ploop_placeholders(hdd, diskspace[1])
                target = os.path.join(work, PLOOP_FS_DIR)
                os.makedirs(target)
            else:
                target = work
            tarball.unpack(tarball_path, target)
        except Exception as exc:  # UnsafeTarball, OSError, tarfile.ReadError and friends
            self.log.err("Failed to unpack %s: %s" % (tarball_path, exc))
            raise Exit(self.fl.rc("cannot_create_private"))
        self.out("postcreate")
        ct.config.set("OSTEMPLATE", ostemplate)
        if sample:
            ct.config.set("ORIGIN_SAMPLE", sample)
        ct.config.set("VE_LAYOUT", layout)
        if req.ip_add:
            ct.config.set("IP_ADDRESS", " ".join(merged_ip_list(ct.ct_value("IP_ADDRESS"), req)))
        for option, key in (("hostname", "HOSTNAME"), ("name", "NAME"), ("description", "DESCRIPTION")):
            if opts.get(option):
                ct.config.set(key, opts[option])
        if req.diskspace:
            ct.config.set("DISKSPACE", units.format_soft_hard(*req.diskspace))
        if req.diskinodes:
            ct.config.set("DISKINODES", units.format_soft_hard(*req.diskinodes))
        for key in ("LOCAL_UID", "LOCAL_GID"):
            if opts.get(key.lower()):
                ct.config.set(key, opts[key.lower()])
        ct.config.save(ct.conf_path)
        os.rename(work, private)
        created.remove(work)
        created.append(private)
        self.out("config_saved", ct.conf_logical)
        for path in glob.glob(self.host.path("/etc/vz/conf/%s.*.destroyed" % ct.ctid)):
            os.unlink(path)
        self.out("private_created")
        del created[:]
        return 0
