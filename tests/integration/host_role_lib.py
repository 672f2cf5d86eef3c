"""What the host role's integration tests share: the lab's role variables and result readers."""

import hashlib
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TARGET = os.path.join(HERE, "targets", "host_role")
DISCOVER = os.path.join(REPO, "playbooks", "discover.yml")
USER = "ovzmgmt"
HOME = "/var/lib/openvz-cloud-it/home/" + USER
# A public key is only text to the role; this one is never used to log in.
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIuT1WbXmXxqk4Jt5Yl2vQ0xq3m3r2J0a9u6y3pQnZ8x "
              "cloudstack@mgmt.example.test")
SUDO_COMMANDS = ["/usr/sbin/vzctl", "/usr/sbin/vzlist",
                 "/usr/bin/systemctl restart cloudstack-agent"]


def lab_vars(report_dir, **overrides):
    """Role variables for the lab (kernel check relaxed, home under /var/lib, runtime-only bridges)."""
    values = {
        "host_require_openvz_kernel": False,
        "host_min_free_disk_mb": 16,
        "host_management_user": USER,
        "host_management_user_home": HOME,
        "host_management_ssh_public_keys": [PUBLIC_KEY],
        "host_sudo_commands": SUDO_COMMANDS,
        "host_vz_layout": "simfs",
        "host_vz_config_sample": "basic",
        "host_vz_conf_extra": {"VE_STOP_MODE": "stop", "NEIGHBOUR_DEVS": "detect"},
        "host_bridges": [{"name": "cloudbr0", "persistent": False},
                         {"name": "cloudbr1", "persistent": False, "stp": False, "forward_delay": 0}],
        "host_report_dir": str(report_dir),
    }
    values.update(overrides)
    return values


def cloudstack_guid(text):
    return str(uuid.UUID(bytes=hashlib.md5(text.encode("ascii")).digest(), version=3))


def role_task_results(result, task_name):
    """{host: result} of the role task task_name over every batch (serial makes one play each)."""
    merged = {}
    for task in result.tasks():
        if task["task"]["name"] == "openvz.cloud.host : " + task_name:
            merged.update(task["hosts"])
    assert merged, "no task %r in %s" % (task_name, [t["task"]["name"] for t in result.tasks()])
    return merged


def failure_messages(result):
    return [host_result.get("msg", "") for task in result.tasks()
            for host_result in task["hosts"].values() if host_result.get("failed")]


def changed_count(result):
    return sum(stats.get("changed", 0) for stats in result.stats.values())
