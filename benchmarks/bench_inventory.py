"""The openvz inventory plugin over N lab nodes x M containers vs one node's bare read.

  inventory   ``ansible-inventory --list --flush-cache`` over every node (one vzlist read
              per node, the nodes in parallel, fresh SSH connections)
  in-process  the same plugin parse inside one Python process (InventoryManager), without
              ansible-inventory's own start-up
  slowest     the slowest node's bare ``ssh <node> vzlist -a -j`` (fresh connection)
  at once     every node's bare read at the same time (the lab's nodes share this
              machine's CPUs: the floor of any parallel read here)
Target: inventory / slowest <= 2.

BENCH_INV_NODES (default 10) nodes, BENCH_INV_N (default 100) containers per node (simfs,
stopped, made by one shell loop per node), BENCH_ROUNDS (default 3, medians). Needs root.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

from lablib import ANSIBLE_BIN, Lab  # noqa: E402  pylint: disable=wrong-import-position

TEMPLATE = "busybox-1.35-x86_64"
FIRST_CTID = 20000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# vzctl create of a simfs container per id, all in one remote shell
CREATE_SCRIPT = ('i=$1; while [ "$i" -lt "$2" ]; do vzctl create "$i" --ostemplate "$3" --layout simfs '
                 '--name "b$4-$i" >/dev/null || exit 1; i=$((i+1)); done')
IN_PROCESS = r'''
import sys, time
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
started = time.monotonic()
manager = InventoryManager(DataLoader(), sources=sys.argv[2:], cache=False)
print(time.monotonic() - started, len(manager.hosts))
'''


def timed(function):
    started = time.monotonic()
    function()
    return time.monotonic() - started


def main():
    node_count, per_node = (int(os.environ.get(name, default)) for name, default in
                            (("BENCH_INV_NODES", "10"), ("BENCH_INV_N", "100")))
    if os.geteuid() != 0:
        print("bench_inventory: needs root (lab hosts), skipped")
        return 0
    workdir = tempfile.mkdtemp(prefix="openvz-bench-inv-")
    started = time.monotonic()
    lab = Lab.up(lab_dir=os.path.join(REPO_ROOT, "build", "lab-bench-inv"), hosts=node_count)
    up_seconds = time.monotonic() - started
    try:
        names = [host.name for host in lab.hosts]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            for proc in pool.map(lambda name: lab.ssh(name, ["sh", "-c", CREATE_SCRIPT, "sh", str(FIRST_CTID),
                                                             str(FIRST_CTID + per_node), TEMPLATE, name]), names):
                assert proc.returncode == 0, proc.stderr
        create_seconds = time.monotonic() - started
        config = os.path.join(workdir, "bench.openvz.yml")
        with open(config, "w") as handle:
            handle.write("plugin: openvz.cloud.openvz\nnode_group: hypervisors\nforks: %d\n" % node_count)
        env = lab.ansible_env()
        argv = [os.path.join(ANSIBLE_BIN, "ansible-inventory"), "-i", lab.inventory, "-i", config, "--list",
                "--flush-cache"]

        def listing():
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                                  env=env, check=False)
            assert proc.returncode == 0, proc.stderr
            hosts = [name for name in json.loads(proc.stdout)["_meta"]["hostvars"] if name.startswith("b")]
            assert len(hosts) == node_count * per_node, len(hosts)
        inventory = statistics.median([timed(listing) for _round in range(ROUNDS)])

        def in_process():
            out = subprocess.check_output([sys.executable, "-c", IN_PROCESS, env["ANSIBLE_COLLECTIONS_PATH"],
                                           lab.inventory, config], env=env, universal_newlines=True)
            seconds, count = out.split()
            assert int(count) >= node_count * per_node
            return float(seconds)
        parse = statistics.median([in_process() for _round in range(ROUNDS)])

        def bare(name):
            return statistics.median([timed(lambda: lab.ssh(name, ["vzlist", "-a", "-j"])) for _round in range(ROUNDS)])
        reads = dict((name, bare(name)) for name in names)
        slowest = max(reads.values())

        def all_bare_in_parallel():
            with ThreadPoolExecutor(max_workers=len(names)) as pool:
                list(pool.map(lambda name: lab.ssh(name, ["vzlist", "-a", "-j"]), names))
        parallel_bare = statistics.median([timed(all_bare_in_parallel) for _round in range(ROUNDS)])
    finally:
        lab.down()
    print("%d nodes x %d containers (lab up %.1f s, containers created in %.1f s)"
          % (node_count, per_node, up_seconds, create_seconds))
    print("%-44s %10s" % ("row", "seconds"))
    print("%-44s %10.2f" % ("ansible-inventory --list (all nodes)", inventory))
    print("%-44s %10.2f" % ("plugin parse in process (all nodes)", parse))
    print("%-44s %10.2f" % ("slowest node's bare vzlist -a -j over ssh", slowest))
    print("%-44s %10.2f" % ("fastest node's bare vzlist -a -j over ssh", min(reads.values())))
    print("%-44s %10.2f" % ("every node's bare read at once (10 ssh)", parallel_bare))
    print("%-44s %10s %10s" % ("ratio", "measured", "target"))
    print("%-44s %10.2f %10s" % ("inventory / slowest", inventory / slowest, "<= 2"))
    print("%-44s %10.2f %10s" % ("in-process parse / slowest", parse / slowest, "<= 2"))
    # the lab's nodes share this machine's CPUs (the emulator's vzlist is CPU-bound), so
    # parallel reads cannot overlap as real nodes do: the floor here is all reads at once
    print("%-44s %10.2f %10s" % ("inventory / all bare reads at once", inventory / parallel_bare, "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
