"""The CloudStack extension against the raw commands it runs, on one lab host over SSH.

Every row is called the way CloudStack calls it (tests/cloudstack_harness.py: the real
entry point, a payload file, stderr merged), with a fresh SSH connection per call, as in
production. The raw baseline is one ``ssh`` (same options, fresh connection) running the
bare command(s) of the action.

  statuses   ``statuses`` over N containers vs one bare ``vzlist -a -j``   (target <= 1.5)
  lifecycle  create, status, stop, start, reboot, createsnapshot, delete vs their vzctl
             commands in one ssh call

BENCH_CS_N (default 500) containers, BENCH_ROUNDS (default 5) rounds, medians. Needs root.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

import cloudstack_harness as cs  # noqa: E402  pylint: disable=wrong-import-position
from lablib import Lab  # noqa: E402  pylint: disable=wrong-import-position

ENTRY = os.path.join(REPO_ROOT, "extensions", "cloudstack", "openvz.py")
TEMPLATE = "busybox-1.35-x86_64"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
FIRST = 5000


def timed(function):
    started = time.monotonic()
    function()
    return time.monotonic() - started


def median(function, rounds=ROUNDS):
    return statistics.median([timed(function) for _round in range(rounds)])


def main():
    if os.geteuid() != 0:
        print("bench_cloudstack_extension: needs root (lab hosts), skipped")
        return 0
    count = int(os.environ.get("BENCH_CS_N", "500"))
    lab = Lab.up(lab_dir=os.path.join(REPO_ROOT, "build", "lab-bench-cs"), hosts=1)
    workdir = tempfile.mkdtemp(prefix="openvz-bench-cs-")
    rows = []
    try:
        address = lab.host("ovz1").address
        key = os.path.join(lab.dir, "id_ed25519")
        known_hosts = os.path.join(workdir, "known_hosts")
        with open(os.path.join(lab.dir, "hosts", "ovz1", "ssh", "ssh_host_ed25519_key.pub")) as handle:
            words = handle.read().split()
        with open(known_hosts, "w") as handle:
            handle.write("%s %s %s\n" % (address, words[0], words[1]))
        details = {"host": address, "ssh_key_file": key, "ssh_known_hosts_file": known_hosts,
                   "bridge": "vmbr0", "ctid_range": "%d-%d" % (FIRST + count, FIRST + count + 99)}
        ssh = ["ssh", "-n", "-p", "22", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
               "-i", key, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=%s" % known_hosts,
               "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "root@%s" % address, "--"]

        def raw(command):
            subprocess.run(ssh + [command], check=True, stdout=subprocess.DEVNULL)

        script = ("for i in $(seq %d %d); do vzctl --quiet create $i --ostemplate %s --layout simfs "
                  "--name i-9-$i-VM >/dev/null || exit 1; done" % (FIRST, FIRST + count - 1, TEMPLATE))
        started = time.monotonic()
        lab.exec("ovz1", ["sh", "-c", script])
        print("created %d containers in %.0f s" % (count, time.monotonic() - started), flush=True)

        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        cloud = cs.CloudStack(cs.Harness(ENTRY, os.path.join(workdir, "data"), env=env), details)

        def statuses():
            outcome = cloud.statuses()
            assert outcome.success and len(outcome.power_states) >= count, outcome

        extension = median(statuses)
        bare = median(lambda: raw("vzlist -a -j"))
        rows.append(("statuses, %d containers" % count, extension, bare))

        vm = cs.VM(FIRST + count + 1, vm_details={"ostemplate": TEMPLATE, "layout": "ploop",
                                                  "diskspace": "1G"})
        ctid = FIRST + count + 200
        mac = vm.nics[0]["mac"]
        setup = ("vzctl set {c} --cpus 1 --ram 256M --swap 0 --save && vzctl set {c} --netif_add "
                 "eth0,{m},,,vmbr0 --save && vzctl start {c}").format(c=ctid, m=mac)
        actions = [
            ("create", lambda: cloud.create(vm), "vzctl create %d --ostemplate %s --layout ploop "
             "--diskspace 1G --name i-9-x-VM && %s" % (ctid, TEMPLATE, setup)),
            ("status", lambda: cloud.status(vm), "vzctl status %d" % ctid),
            ("stop", lambda: cloud.stop(vm), "vzctl stop %d" % ctid),
            ("start", lambda: cloud.start(vm), "vzctl start %d" % ctid),
            ("reboot", lambda: cloud.reboot(vm), "vzctl restart %d" % ctid),
            ("createsnapshot", lambda: cloud.custom("createsnapshot", vm, {"snap_name": "s1"}),
             "vzctl snapshot %d --name s1" % ctid),
            ("delete", lambda: cloud.delete(vm), "vzctl stop %d && vzctl destroy %d" % (ctid, ctid)),
        ]
        for name, call, command in actions:
            started = time.monotonic()
            outcome = call()
            extension = time.monotonic() - started
            assert outcome.success, outcome
            rows.append((name, extension, timed(lambda: raw(command))))
    finally:
        lab.down()

    print("%-32s %10s %10s %8s" % ("action", "extension", "raw", "ratio"))
    for label, extension, bare in rows:
        print("%-32s %10.3f %10.3f %8.2f" % (label, extension, bare, extension / bare))
    print("target: statuses / bare vzlist <= 1.5")
    return 0 if rows[0][1] / rows[0][2] <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
