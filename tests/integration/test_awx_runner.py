"""site.yml and containers.yml shipped the way AWX ships a job to an execution node.

AWX (and Automation Controller) run a job as ``ansible-runner transmit`` (the private data
directory as one stream) | receptor | ``ansible-runner worker`` (on the execution node,
inside the execution environment) | ``ansible-runner process`` (back on the controller:
events, status and the artifacts directory the worker streams back). Here the three run as
one shell pipeline. The project is the example AWX project of the docs
(docs/examples/awx/project: playbooks that import openvz.cloud.site / .containers by FQCN),
and the collection is the built tarball installed into a collections directory of its own,
as the execution environment holds it; nothing points at the repository.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(REPO, "docs", "examples", "awx")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, HERE)

from test_host_role import lab_vars  # noqa: E402  pylint: disable=wrong-import-position
from test_runner import restored_lab  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

pytest.importorskip("ansible_runner")
JOB_TIMEOUT = 900
CONTAINER_RANGE = [4210, 4219]


def run(argv, **kwargs):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False, **kwargs)
    assert proc.returncode == 0, "%s:\n%s" % (argv, proc.stdout)
    return proc.stdout


@pytest.fixture(scope="module")
def ee_collections(tmp_path_factory):
    """The collection as the execution environment holds it: the built tarball, installed."""
    base = tmp_path_factory.mktemp("ee")
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(base / "dist"), REPO])
    tarball, = glob.glob(str(base / "dist" / "openvz-cloud-*.tar.gz"))
    # only the new directory on the path: with the repository's link there (make exports it),
    # ansible-galaxy would call the collection installed and skip it
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p",
         str(base / "collections"), tarball],
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(base / "collections")))
    installed = base / "collections" / "ansible_collections" / "openvz" / "cloud"
    assert (installed / "MANIFEST.json").is_file() and not installed.is_symlink()
    return str(base / "collections")


def private_data_dir(lab, base, control_dir, collections, extravars):
    """What AWX writes for a job: project/ (the SCM project), inventory/, env/."""
    shutil.copytree(os.path.join(EXAMPLE, "project"), os.path.join(base, "project"))
    os.makedirs(os.path.join(base, "inventory"))
    os.makedirs(os.path.join(base, "env"))
    # The docs' example inventory, with the lab's addresses and the lab's SSH options.
    with open(os.path.join(EXAMPLE, "inventory", "hosts.yml")) as handle:
        inventory = yaml.safe_load(handle)
    group = inventory["all"]["children"]["hypervisors"]
    group["hosts"] = {host.name: {"ansible_host": host.address} for host in lab.hosts}
    group["vars"].update({
        "ansible_python_interpreter": "/usr/bin/python3",
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                                   "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR",
    })
    with open(os.path.join(base, "inventory", "hosts.yml"), "w") as handle:
        yaml.safe_dump(inventory, handle)
    shutil.copyfile(os.path.join(lab.dir, "id_ed25519"), os.path.join(base, "env", "ssh_key"))
    env = {
        # An execution environment has ansible-playbook on its PATH and the collection in
        # its collections path.
        "PATH": BIN + os.pathsep + os.environ.get("PATH", os.defpath),
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_PIPELINING": "1",
        "ANSIBLE_FORKS": "10",
        "ANSIBLE_SSH_CONTROL_PATH_DIR": control_dir,
    }
    for name, data in (("envvars", env), ("extravars", extravars)):
        with open(os.path.join(base, "env", name), "w") as handle:
            yaml.safe_dump(data, handle)


def awx_job(lab, tmp_path, collections, ident, playbook, extravars):
    """transmit | worker | process; returns (process dir, events, stats event data)."""
    job = tmp_path / ident
    controller, node, processed = str(job / "controller"), str(job / "node"), str(job / "processed")
    os.makedirs(processed)
    # SSH control sockets need a short path (108 bytes at most), shorter than pytest's tmp_path.
    control_dir = tempfile.mkdtemp(prefix="ovz-awx-cp-")
    private_data_dir(lab, controller, control_dir, collections, extravars)
    runner = os.path.join(BIN, "ansible-runner")
    pipeline = ("set -o pipefail; {r} transmit {c} -p {p} --ident {i} | {r} worker --private-data-dir {n} "
                "| {r} process {d} --ident {i}").format(r=runner, c=controller, p=playbook, i=ident, n=node, d=processed)
    try:
        proc = subprocess.run(["bash", "-c", pipeline], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=JOB_TIMEOUT, check=False)
    finally:
        shutil.rmtree(control_dir, ignore_errors=True)
    artifacts = os.path.join(processed, "artifacts", ident)
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path) as handle:
            events.append(json.load(handle))
    events.sort(key=lambda event: event["counter"])
    stdout = "".join(event.get("stdout", "") + "\n" for event in events)
    assert proc.returncode == 0, proc.stdout + stdout
    with open(os.path.join(artifacts, "status")) as handle:
        assert handle.read().strip() == "successful", stdout
    with open(os.path.join(artifacts, "rc")) as handle:
        assert handle.read().strip() == "0", stdout
    stats = [event for event in events if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1, stdout
    # Every task of the collection ran from the installed copy.
    task_paths = {event["event_data"]["task_path"] for event in events
                  if event["event"] == "runner_on_ok" and "/openvz/cloud/" in event["event_data"].get("task_path", "")}
    assert task_paths and all(path.startswith(collections) for path in task_paths), task_paths
    return artifacts, events, stats[0]["event_data"]


def ok_hosts(events, task):
    return {event["event_data"]["host"] for event in events
            if event["event"] == "runner_on_ok" and event["event_data"].get("task") == task}


def test_site_job_through_transmit_worker_process(restored_lab, ee_collections, tmp_path):
    lab = restored_lab
    extravars = lab_vars("unused")
    del extravars["host_report_dir"]  # the default: the job's artifacts directory
    # No NFS, agent or trunk NIC in this lab: the example inventory's VLANs and those stages off.
    extravars.update({"openvz_site_templates": False, "openvz_site_agent": False, "openvz_vlans": []})
    artifacts, events, stats = awx_job(lab, tmp_path, ee_collections, "site", "site.yml", extravars)
    hosts = {host.name for host in lab.hosts}
    assert ok_hosts(events, "Write the discovery report") == hosts
    assert set(stats["changed"]) == hosts
    # The reports came back from the execution node with the artifacts (the worker streams
    # its artifacts directory to `process`), and as the job's artifact data (set_stats).
    reports = sorted(os.listdir(os.path.join(artifacts, "openvz-discovery")))
    assert reports == sorted(name + ".json" for name in hosts)
    for name in hosts:
        with open(os.path.join(artifacts, "openvz-discovery", name + ".json")) as handle:
            assert json.load(handle)["inventory_hostname"] == name
    assert set(stats["artifact_data"]["openvz_discovery_reports"]) == hosts


def test_containers_job_through_transmit_worker_process(lab, ee_collections, tmp_path):
    declared = [dict(name=name, ostemplate="busybox-1.35-x86_64", layout="simfs", diskspace="512M",
                     ram="128M", swap="0", state="started")
                for name in ("it-awx-ee-1", "it-awx-ee-2")]
    extravars = {"openvz_containers": declared, "openvz_containers_ctid_range": CONTAINER_RANGE}
    hosts = {host.name for host in lab.hosts}
    try:
        for ident, expect_changed in (("containers-1", hosts), ("containers-2", set())):
            events, stats = awx_job(lab, tmp_path, ee_collections, ident, "containers.yml", extravars)[1:]
            assert ok_hosts(events, "Converge the containers of the host") == hosts
            assert set(stats.get("changed", {})) == expect_changed
        for host in lab.hosts:
            listed = json.loads(lab.exec(host.name, ["vzlist", "-a", "-j"]).stdout)
            assert {ct["name"]: ct["status"] for ct in listed
                    if CONTAINER_RANGE[0] <= ct["ctid"] <= CONTAINER_RANGE[1]} == \
                {"it-awx-ee-1": "running", "it-awx-ee-2": "running"}
    finally:
        removed = lab.run_playbook(os.path.join(REPO, "playbooks", "containers.yml"), extra_vars={
            "openvz_containers": [], "openvz_containers_exclusive": True,
            "openvz_containers_exclusive_ctid_range": CONTAINER_RANGE})
        assert removed.rc == 0, removed
