"""Container benchmarks on one lab host, through ansible-playbook over real SSH.

Rows (same inventory, same connection, wall time of the whole ansible-playbook run):
  bulk      idempotent converge of N containers with one openvz.cloud.containers task
  loop      the same converge as a loop over openvz.cloud.container (one module run per item)
  bare      one task running a bare ``vzlist -a -j`` (the floor: what reading the state costs)
  info      openvz.cloud.container_info over M containers vs ``bare`` on the same M
  create    P new containers created and started by one containers task, plans one after
            the other (parallel: 1) vs concurrently (parallel: 4)
  vz7       on an OpenVZ 7 lab host: bulk converge of N unchanged containers (by number and
            name, simfs from the same tarball) vs one bare ``vzlist -a -j`` (what the vz7 backend
            reads) and one bare ``prlctl list -a -j``
Targets: bulk / bare <= 1.5 (both lines); loop / bulk >= 20; sequential / parallel create > 1.

Sizes via environment: BENCH_CONTAINERS_N (default 500), BENCH_INFO_N (default 1000),
BENCH_CREATE_N (default 40), BENCH_ROUNDS (default 3, medians). Needs root (it brings up a lab host).
"""

import json
import os
import statistics
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

from lablib import Lab  # noqa: E402  pylint: disable=wrong-import-position

TEMPLATE = "bench-tiny-1.0-x86_64"
# the lab hosts' own busybox template: containers made from it can start
LAB_TEMPLATE = "busybox-1.35-x86_64"
FIRST_CTID = 10000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def container_specs(count, named=False):
    """named: OpenVZ 7/9 finds a container by name or UUID, so a numbered one gets a name."""
    specs = [{"ctid": FIRST_CTID + index, "ostemplate": TEMPLATE, "layout": "simfs",
              "hostname": "bench%d.example.org" % index, "ram": "256M", "swap": "512M",
              "cpuunits": 1000, "state": "present"} for index in range(count)]
    if named:
        for spec in specs:
            spec["name"] = "bench%d" % spec["ctid"]
    return specs


PLAYBOOKS = {
    "bulk": """
- hosts: ovz1
  gather_facts: false
  tasks:
    - name: Converge all containers in one task
      openvz.cloud.containers:
        containers: "{{ bench_specs }}"
        parallel: "{{ bench_parallel | default(4) }}"
""",
    "loop": """
- hosts: ovz1
  gather_facts: false
  tasks:
    - name: Converge one container per loop item
      openvz.cloud.container:
        ctid: "{{ item.ctid }}"
        ostemplate: "{{ item.ostemplate }}"
        layout: "{{ item.layout }}"
        hostname: "{{ item.hostname }}"
        ram: "{{ item.ram }}"
        swap: "{{ item.swap }}"
        cpuunits: "{{ item.cpuunits }}"
        state: "{{ item.state }}"
      loop: "{{ bench_specs }}"
""",
    "bare": """
- hosts: ovz1
  gather_facts: false
  tasks:
    - name: Read every container with vzlist
      ansible.builtin.command:
        argv: [vzlist, -a, -j]
      changed_when: false
""",
    "bare_prlctl": """
- hosts: ovz1
  gather_facts: false
  tasks:
    - name: Read every container with prlctl
      ansible.builtin.command:
        argv: [prlctl, list, -a, -j]
      changed_when: false
""",
    "info": """
- hosts: ovz1
  gather_facts: false
  tasks:
    - name: Report every container
      openvz.cloud.container_info:
""",
}


def make_tiny_template(directory):
    path = os.path.join(directory, TEMPLATE + ".tar.gz")
    source = os.path.join(directory, "os-release")
    with open(source, "w") as handle:
        handle.write('NAME="bench"\n')
    with tarfile.open(path, "w:gz") as archive:
        archive.add(source, arcname="etc/os-release")
    return path


class Bench(object):
    def __init__(self, lab, workdir):
        self.lab = lab
        self.workdir = workdir
        self.playbooks = {}
        for name, text in PLAYBOOKS.items():
            path = os.path.join(workdir, name + ".yml")
            with open(path, "w") as handle:
                handle.write(text)
            self.playbooks[name] = path

    def run(self, name, specs=None, expect_changed=False, parallel=4):
        extra = {"bench_specs": specs or [], "bench_parallel": parallel}
        start = time.monotonic()
        result = self.lab.run_playbook(self.playbooks[name], extra_vars=extra)
        elapsed = time.monotonic() - start
        if result.rc != 0:
            raise SystemExit("%s failed:\n%s" % (name, result))
        stats = result.stats.get("ovz1", {})
        if not expect_changed and stats.get("changed", 0):
            raise SystemExit("%s was expected to change nothing: %s" % (name, json.dumps(stats)))
        return elapsed

    def median(self, name, specs=None, rounds=ROUNDS):
        return statistics.median([self.run(name, specs) for _round in range(rounds)])


def vz7_rows(count, workdir):
    """The bulk row on an OpenVZ 7 lab host (one host: the lab names are free again)."""
    lab = Lab.up(lab_dir=os.path.join(REPO_ROOT, "build", "lab-bench-vz7"), hosts=1, flavours=["vz7"])
    try:
        lab.exec("ovz1", ["cp", os.path.join(workdir, TEMPLATE + ".tar.gz"), "/vz/template/cache/"])
        bench = Bench(lab, workdir)
        specs = container_specs(count, named=True)
        created = bench.run("bulk", specs, expect_changed=True)
        result = dict(bulk=bench.median("bulk", specs), bare=bench.median("bare"),
                      prlctl=bench.median("bare_prlctl"))
    finally:
        lab.down()
    result["rows"] = [("vz7: create %d (bulk, first run)" % count, created),
                      ("vz7: bulk converge, %d unchanged" % count, result["bulk"]),
                      ("vz7: bare vzlist -a -j, %d" % count, result["bare"]),
                      ("vz7: bare prlctl list -a -j, %d" % count, result["prlctl"])]
    return result


def main():
    if os.geteuid() != 0:
        print("bench_containers: needs root (lab hosts), skipped")
        return 0
    count = int(os.environ.get("BENCH_CONTAINERS_N", "500"))
    info_count = int(os.environ.get("BENCH_INFO_N", "1000"))
    workdir = tempfile.mkdtemp(prefix="openvz-bench-")
    lab = Lab.up(lab_dir=os.path.join(REPO_ROOT, "build", "lab-bench"), hosts=1)
    rows = []
    try:
        template = make_tiny_template(workdir)
        lab.exec("ovz1", ["cp", template, "/vz/template/cache/"])
        bench = Bench(lab, workdir)
        specs = container_specs(count)

        rows.append(("create %d (bulk, first run)" % count, bench.run("bulk", specs, expect_changed=True)))
        bulk = bench.median("bulk", specs)
        bare = bench.median("bare")
        loop = bench.run("loop", specs)
        rows += [("bulk converge, %d unchanged" % count, bulk),
                 ("loop converge, %d unchanged" % count, loop),
                 ("bare vzlist -a -j, %d" % count, bare)]

        create_count = int(os.environ.get("BENCH_CREATE_N", "40"))
        started = [dict(spec, ctid=spec["ctid"] + 20000, state="started", ostemplate=LAB_TEMPLATE)
                   for spec in container_specs(create_count)]
        removed = [dict(spec, state="absent") for spec in started]
        created = {}
        for parallel in (1, 4):
            created[parallel] = bench.run("bulk", started, expect_changed=True, parallel=parallel)
            bench.run("bulk", removed, expect_changed=True)
        rows += [("create+start %d, parallel 1" % create_count, created[1]),
                 ("create+start %d, parallel 4" % create_count, created[4])]

        bench.run("bulk", container_specs(info_count), expect_changed=True)
        info = bench.median("info")
        bare_info = bench.median("bare")
        rows += [("container_info, %d" % info_count, info),
                 ("bare vzlist -a -j, %d" % info_count, bare_info)]
    finally:
        lab.down()
    vz7 = vz7_rows(count, workdir)
    rows += vz7["rows"]

    print("%-36s %10s" % ("row", "seconds"))
    for label, seconds in rows:
        print("%-36s %10.2f" % (label, seconds))
    print()
    print("%-36s %10s %10s" % ("ratio", "value", "target"))
    print("%-36s %10.2f %10s" % ("bulk / bare", bulk / bare, "<= 1.5"))
    print("%-36s %10.2f %10s" % ("loop / bulk", loop / bulk, ">= 20"))
    print("%-36s %10.2f %10s" % ("container_info / bare (%d)" % info_count, info / bare_info, "<= 1.5"))
    print("%-36s %10.2f %10s" % ("create sequential / parallel", created[1] / created[4], "> 1"))
    print("%-36s %10.2f %10s" % ("vz7 bulk / bare vzlist", vz7["bulk"] / vz7["bare"], "<= 1.5"))
    print("%-36s %10.2f %10s" % ("vz7 bulk / bare prlctl list", vz7["bulk"] / vz7["prlctl"], "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
