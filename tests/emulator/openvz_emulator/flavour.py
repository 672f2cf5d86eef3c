"""Version string, exit codes and message texts of the emulated vzctl flavour.

LEGACY4 is vzctl 4.x; VZ7 is vzctl 7 (openvz-cli.md section 10): the legacy tables
with 7's codes and libvzctl's texts (read in OpenVZ/vzctl src/vzctl.c and OpenVZ/libvzctl
lib/{env,fs,image,create,destroy,snapshot,veth}.c, lib/vzerror.h).
"""


class Flavour(object):
    def __init__(self, name, version_line, codes, messages):
        self.name = name
        self.version_line = version_line
        self.codes = codes
        self.messages = messages

    def rc(self, key):
        return self.codes[key]

    def msg(self, key, *args):
        text = self.messages[key]
        return text % args if args else text


LEGACY4_CODES = {
    "ok": 0, "ubc_error": 1, "system_error": 3, "bad_kernel": 5,
    "exec_failed": 8, "exec_not_started": 3, "locked": 9, "no_global_config": 10,
    "script_not_found": 11, "no_ct_config": 14, "suspend_error": 16,
    "resume_error": 17, "syntax": 20, "value": 21, "ve_root_not_set": 22,
    "ve_private_not_set": 23, "ubc_missing": 28, "no_ostemplate": 29,
    "not_running": 31, "running": 32, "stop_failed": 33, "not_mounted": 40,
    "mounted": 41, "no_private": 43, "private_exists": 44,
    "cannot_create_private": 48, "mount_failed": 50, "umount_failed": 51, "diskspace_not_set": 63, "action_script": 79,
    "config_copy": 82, "template_not_found": 91, "start_disabled": 105,
    "applyconfig": 109, "veth_error": 130, "name_error": 131,
    "wait_failed": 133, "config_save": 139, "snapshot_create": 156,
    "snapshot_merge": 157, "snapshot_delete": 158, "snapshot_switch": 159,
    "snapshot_mount": 160, "snapshot_umount": 161, "snapshot_list": 167,
}

LEGACY4_MESSAGES = {
    "bad_command": "Bad command: %s",
    "ctid_missing": "CT ID missing",
    "bad_ctid": "Bad CT ID %s",
    "name_not_found": "Unable to find container by name %s",
    "no_config": "Container config file does not exist",
    "ct0_only_set": "Only set actions are allowed for CT0",
    "extra_args": "Invalid extra arguments: %s",
    "bad_param": "Bad parameter for --%s: %s",
    "not_applicable": "Option --%s is not applicable to %s command",
    "locked_by": "Locked by: pid %d, cmdline %s",
    "already_locked": "Container already locked",
    "stale_lock": "Removing stale lock file %s",
    "lock_failed": "Unable to lock container",
    # create
    "config_exists_with_config": "Error: container config file %s already exists, can not use --config option",
    "sample_not_found": "Sample config %s not found",
    "fix_configfile": "Fix the value of CONFIGFILE in /etc/vz/vz.conf",
    "config_exists_warning": "Warning: CT config file already exists, not applying a default config sample.",
    "config_exists_hint": "It might lead to incomplete CT configuration, you can use --applyconfig to fix.",
    "private_exists": "Private area already exists in %s",
    "no_ostemplate": "OS template is not specified",
    "ploop_no_diskspace": "Error: diskspace not set (required for ploop)",
    "template_not_found": "Cached OS template %s/cache/%s.tar[.gz|.bz2|.xz] not found",
    "private_is_mountpoint": "Can't create: private dir (%s) is a mount point. Suggestion: use --private %s/private",
    "creating_private": "Creating container private area (%s)",
    "creating_image": "Creating image: %s size=%dK",
    "postcreate": "Performing postcreate actions",
    "config_saved": "CT configuration saved to %s",
    "private_created": "Container private area was created",
    "create_failed": "Creation of container private area failed",
    "name_assigned": "Name %s assigned",
    # set
    "reset_ub_exclusive": "Error: option --reset_ub is exclusive",
    "swap_not_set": "Error: required UB parameter (swap) not set",
    "offline_resize": "Error: option --offline-resize can only be used with --diskspace",
    "nodemask_needs_cpumask": "Error: option --nodemask requires --cpumask",
    "cpumask_auto": "Error: --cpumask auto requires --nodemask",
    "name_without_save": "Error: unable to use --name option without --save",
    "option_without_save": "Error: unable to use --%s option without --save",
    "force_without_save": "Error: --force is useless without --save",
    "diskspace_without_save": "Error: can't use --diskspace without --save for a ploop-based container",
    "setmode_without_save": "Error: --setmode restart doesn't make sense without --save flag",
    "invalid_name": "Error: invalid name %s",
    "name_conflict": "Conflict: name %s already used by container %d",
    "cap_unknown": "Capability %s is unknown",
    "cap_parse": "Can't parse capability %s (expecting capname:on|off)",
    "feature_unknown": "Warning: Unknown feature: %s",
    "change_running": "Unable to change %s on a running container",
    "apply_ubc_stopped": "Unable to apply UBC parameters: container is not running",
    "apply_cpu_stopped": "Unable to apply CPU parameters: container is not running",
    "apply_net_stopped": "Unable to apply network parameters: container is not running",
    "apply_veth_stopped": "Unable to create veth: container is not running",
    "ub_set": "UB limits were set successfully",
    "cpu_units": "Setting CPU units: %d",
    "cpu_limit": "Setting CPU limit: %d",
    "cpus": "Setting CPUs: %d",
    "ip_add": "Adding IP address(es): %s",
    "ip_del": "Deleting IP address(es): %s",
    "ip_del_all": "Deleting all IP address(es): %s",
    "veth_configure": "Configure veth devices: %s",
    "veth_delete": "Deleting veth devices: %s",
    "vznetcfg_failed": "/usr/sbin/vznetcfg exited with error",
    "unable_running": "Unable to set %s on a running container",
    "dq_running": "Unable to switch DISK_QUOTA on or off on a running container",
    "ugid_running": "Unable to turn quota ugid limit on or off on a running container",
    "mount_opts_running": "Unable to change mount options on a running container",
    "veth_unknown": "Invalid usage: veth device %s is not configured, use --netif_add option first",
    "veth_needs_ifname": "Invalid usage: option --%s requires --ifname",
    "setmode_warning": "WARNING: Some of the parameters could not be applied to a running container.",
    "setmode_hint": "\tPlease consider using --setmode option",
    "not_saved": "WARNING: Settings were not saved to config (use --save flag)",
    "not_saved_running": "WARNING: Settings were not saved to config and will be lost after CT restart (use --save flag)",
    "no_changes": "No changes in CT configuration, not saving",
    "config_missing_warning": "WARNING: %s not found: No such file or directory",
    "apply_failed_not_saving": "Error: failed to apply some parameters, not saving configuration file!",
    "diskinodes_ploop": "Warning: --diskinodes is ignored for ploop-based container",
    "applyconfig_missing": "Sample config file not found: %s",
    # start/stop
    "start_disabled": "Container start disabled",
    "private_missing": "Container private area %s does not exist",
    "already_running": "Container is already running",
    "dump_exists": "Dump file %s exists, trying to restore from it",
    "starting": "Starting container...",
    "mounted": "Container is mounted",
    "start_in_progress": "Container start in progress...",
    "start_waiting": "Container start in progress, waiting ...",
    "start_ok": "Container started successfully",
    "start_failed": "Container start failed (try to check kernel messages, e.g. \"dmesg | tail\")",
    "layout_saved": "Saving VE layout '%s' to the VE config file",
    "stop_not_running": "Unable to stop: container is not running",
    "stopping": "Stopping container ...",
    "killing": "Killing container ...",
    "stopped": "Container was stopped",
    "unmounted": "Container is unmounted",
    "stop_failed": "Unable to stop container",
    "restarting": "Restarting container",
    # destroy/mount/umount
    "destroy_running": "Container is currently running. Stop it first.",
    "destroy_mounted": "Container is currently mounted (umount first)",
    "destroying": "Destroying container private area: %s",
    "destroyed": "Container private area was destroyed",
    "already_mounted": "Container is already mounted",
    "not_mounted": "CT is not mounted",
    "umount_running": "Container is running -- stop it first",
    "mount_script_failed": "Error executing mount script %s",
    "umount_script_failed": "Error executing umount script %s",
    # exec family
    "not_running": "Container is not running",
    "no_exec_command": "No command line given for exec",
    "script_not_specified": "Script not specified",
    "script_not_found": "Script not found: %s",
    # suspend/resume
    "cpt_setup": "Setting up checkpoint...",
    "cpt_suspend": "\tsuspend...",
    "cpt_dump": "\tdump...",
    "cpt_kill": "\tkill...",
    "cpt_ok": "Checkpointing completed successfully",
    "restoring": "Restoring container ...",
    "restore_ok": "Restoring completed successfully",
    "dump_open_failed": "Unable to open %s: No such file or directory",
    # snapshots
    "snapshot_ploop_only": "Snapshot feature is only available for ploop-based CTs",
    "snapshot_not_found": "Unable to find snapshot by uuid %s",
    "snapshot_creating": "Creating snapshot %s",
    "snapshot_created": "Snapshot %s has been successfully created",
    "snapshot_switching": "Switching to snapshot %s",
    "snapshot_switched": "Container has been successfully switched to another snapshot",
    "snapshot_deleting": "Deleting snapshot %s",
    "snapshot_deleted": "Snapshot %s has been successfully deleted",
    "snapshot_mounting": "Mounting snapshot %s to %s",
    "snapshot_umounting": "Umounting snapshot %s",
    "snapshot_id_missing": "Snapshot id is not specified",
    # quota, convert, compact
    "quota_disabled": "Disk quota is not enabled, skipping operation",
    "quota_ploop": "CT is on ploop, disk quota is obsoleted, skipping operation",
    "already_ploop": "CT is already on ploop",
    "only_ploop_conversion": "Only conversion to ploop is supported",
    "compact_simfs": "Compact only makes sense for ploop containers",
    "runtime_error": "%s",
    "no_proc_vz": "Directory /proc/vz not found, assuming non-OpenVZ kernel",
    "no_vzquota": "File /usr/sbin/vzquota not found",
    # console lines of real hosts (section 11.6)
    "ploop_open_delta": "Opening delta %s",
    "ploop_add_delta": "Adding delta dev=%s img=%s (rw)",
    "ploop_mounting": "Mounting %sp1 at %s fstype=ext4 data='%s'",
    "set_hostname": "Set hostname: %s",
    "resolv_modified": "File resolv.conf was modified",
    "restore_starting": "Starting container ...",
    "restore_undump": "\tundump...",
    "restore_resume": "\tresume...",
}

LEGACY4 = Flavour("legacy4", "vzctl version 4.11.1", LEGACY4_CODES, LEGACY4_MESSAGES)

VZ7_CODES = dict(LEGACY4_CODES, **{
    "name_error": 137, "meminfo": 135, "veth_error": 136, "unknown_mount_type": 53,
    "script_error": 19, "register": 140, "unregister": 142, "create_image": 151,
    "mount_image": 152, "umount_image": 153, "resize_image": 154,
    "delete_private": 231,
})
VZ7_MESSAGES = dict(LEGACY4_MESSAGES, **{
    "ctid_missing": "ctid is not given",
    "bad_ctid": "Invalid ctid is specified: %s",
    "quota_deprecated": "Warning: The '%s' action is deprecated",
    "ct_exists": "Container %s already exists",
    "private_exists": "Private area %s already exists",
    "creating_private": "Creating Container private area (%s) with applications from config (%s)",
    "creating_image": "Creating image: %s size=%dK",
    "private_created": "Container private area %s created",
    "create_failed": "Creation of Container private area failed",
    "template_unknown": "Error: Unable to find ostemplate: %s",
    "cache_missing": "Cached package set '%s' is not found, run create cache utility...",
    "cache_layout": "The cached package set '%s' is not compatible with layout %d. Update the cache",
    "starting": "Starting Container ...",
    "stopping": "Stopping the Container ...",
    "killing": "Stopping the Container ...",
    "mount_image": "Mount image: %s ",
    "umount_image": "Unmount image: %s (%d)",
    "destroying": "Destroying Container private area: %s",
    "restoring": "Restoring the Container ...",
    "restore_ok": "Container was restored successfully",
    "veth_configure": "Configure veth device: %s",
    "veth_delete": "Deleting veth device: %s",
    "name_conflict": "Conflict: name %s already used by container %s",
    "stop_not_running": "Unable to stop: container is not running",
    # vzctl 7 set (OpenVZ/vzctl src/vzctl.c)
    "config_saved": "Saved parameters for Container %s",
    "not_saved": "WARNING: Changes are not saved and will be dropped on the next start. Suspend or "
                 "migrate operations may fail. Use --save to save the settings in the configuration file.",
    "not_saved_running": "WARNING: Changes are not saved and will be dropped on the next start. Suspend "
                         "or migrate operations may fail. Use --save to save the settings in the "
                         "configuration file.",
    "name_without_save": "Unable to use the --name option without --save",
    "setmode_without_save": "It is not allowed to use restart mode without --save",
    "diskspace_without_save": "It is not allowed to use the --diskspace option without --save",
})
VZ7 = Flavour("vz7", "vzctl v.7.0.254", VZ7_CODES, VZ7_MESSAGES)
