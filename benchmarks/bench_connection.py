"""Connection plugin benchmark: tasks inside a container through openvz.cloud.openvz vs the
same tasks over plain SSH to its node (ansible.builtin.ssh), on a mixed lab (ovz1 legacy,
ovz2 OpenVZ 7).

Rows (wall time of one ansible-playbook run of N ``raw: true`` tasks, medians): plain SSH to
the node, the container through the plugin with ``openvz_flavour`` set, and with ``auto``
(one probe of the node per run, cached across tasks). Both use the same ssh_config and ControlPersist, so the
ratio is what ``vzctl exec2`` / ``prlctl exec`` and the plugin add per task.
Target: plugin / plain SSH <= 1.5. Sizes via environment: BENCH_TASKS (default 20),
BENCH_ROUNDS (default 3). Needs root (it brings up the lab).
"""

import json
import os
import shlex
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

from lablib import Lab  # noqa: E402  pylint: disable=wrong-import-position

LAB_DIR = os.path.join(REPO_ROOT, "build", "lab-bench-connection")
TEMPLATE = "busybox-1.35-x86_64"
TASKS = int(os.environ.get("BENCH_TASKS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
NODES = {"ovz1": ("legacy", "171"), "ovz2": ("vz7", "benchct")}


def inventory(lab, path, mode, uuids):
    common = "-F %s" % shlex.quote(lab.ssh_config)
    hosts = {}
    for node, (flavour, _name) in NODES.items():
        if mode == "ssh":
            hosts[node] = {"ansible_ssh_common_args": common}
        else:
            hosts["ct-" + node] = {"ansible_connection": "openvz.cloud.openvz", "ansible_host": uuids[node],
                                   "openvz_node_address": node, "openvz_node_ssh_common_args": common,
                                   "openvz_flavour": flavour if mode == "plugin" else "auto"}
    with open(path, "w") as handle:
        json.dump({"all": {"hosts": hosts}}, handle)
    return path


def timed(lab, playbook, inventory_path):
    start = time.monotonic()
    result = lab.run_playbook(playbook, inventory=inventory_path)
    elapsed = time.monotonic() - start
    if result.rc != 0:
        raise SystemExit("bench_connection: run failed:\n%s" % result)
    return elapsed


def main():
    if os.geteuid() != 0:
        print("bench_connection: needs root (lab hosts), skipped")
        return 0
    workdir = tempfile.mkdtemp(prefix="openvz-bench-connection-")
    lab = Lab.up(lab_dir=LAB_DIR, hosts=2, flavours=["legacy", "vz7"])
    rows = {}
    try:
        lab.ssh("ovz1", ["vzctl", "create", NODES["ovz1"][1], "--ostemplate", TEMPLATE, "--layout", "simfs"])
        lab.ssh("ovz1", ["vzctl", "start", NODES["ovz1"][1]])
        lab.ssh("ovz2", ["prlctl", "create", NODES["ovz2"][1], "--vmtype", "ct", "--ostemplate", TEMPLATE])
        lab.ssh("ovz2", ["prlctl", "start", NODES["ovz2"][1]])
        uuid = [entry["uuid"] for entry in json.loads(lab.ssh("ovz2", ["prlctl", "list", "-a", "-j"]).stdout)
                if entry["name"] == NODES["ovz2"][1]][0]
        uuids = {"ovz1": NODES["ovz1"][1], "ovz2": uuid}
        playbook = os.path.join(workdir, "tasks.json")
        with open(playbook, "w") as handle:
            json.dump([{"hosts": "all", "gather_facts": False,
                        "tasks": [{"ansible.builtin.raw": "true"}] * TASKS}], handle)
        for mode in ("ssh", "plugin", "auto"):
            path = inventory(lab, os.path.join(workdir, mode + ".json"), mode, uuids)
            timed(lab, playbook, path)  # warm: ControlMaster up, caches filled
            rows[mode] = statistics.median([timed(lab, playbook, path) for _round in range(ROUNDS)])
    finally:
        lab.down()

    labels = {"ssh": "plain ssh to the nodes", "plugin": "openvz connection, flavour set",
              "auto": "openvz connection, flavour auto"}
    print("%-44s %10s" % ("row (%d x raw: true, 2 hosts)" % TASKS, "seconds"))
    for mode in ("ssh", "plugin", "auto"):
        print("%-44s %10.2f" % (labels[mode], rows[mode]))
    print()
    print("%-44s %10s %10s" % ("ratio", "value", "target"))
    print("%-44s %10.2f %10s" % ("openvz (flavour set) / plain ssh", rows["plugin"] / rows["ssh"], "<= 1.5"))
    print("%-44s %10.2f %10s" % ("openvz (auto) / plain ssh", rows["auto"] / rows["ssh"], "<= 1.5"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
