"""The playbooks through ansible-runner, the engine AWX runs jobs with, against the lab hosts.

Each job gets a private data directory as AWX prepares one: inventory/, env/ (envvars,
extravars, ssh_key - runner loads the key into an ssh-agent) and project/ (a copy of
playbooks/). The tests read the job's events and its artifacts/<ident>/ (rc, status,
job_events/).
"""

import glob
import json
import os
import shutil
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests"))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position
from test_host_role import TARGET, USER, lab_vars  # noqa: E402  pylint: disable=wrong-import-position

ansible_runner = pytest.importorskip("ansible_runner")
JOB_TIMEOUT = 900


def write_yaml(path, data):
    with open(path, "w") as handle:
        yaml.safe_dump(data, handle, default_flow_style=False)


def private_data_dir(lab, base, extravars):
    """inventory/hosts (no key file: the key comes from env/ssh_key), env/, project/."""
    for part in ("inventory", "env"):
        os.makedirs(os.path.join(base, part))
    lines = ["[hypervisors]"]
    lines += ["%s ansible_host=%s ansible_user=root ansible_python_interpreter=/usr/bin/python3"
              % (host.name, host.address) for host in lab.hosts]
    lines += ["", "[hypervisors:vars]",
              "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
              "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR'", ""]
    inventory = os.path.join(base, "inventory", "hosts")
    with open(inventory, "w") as handle:
        handle.write("\n".join(lines))
    shutil.copyfile(os.path.join(lab.dir, "id_ed25519"), os.path.join(base, "env", "ssh_key"))
    write_yaml(os.path.join(base, "env", "envvars"), {
        # The venv's ansible-playbook, as an execution environment has it on its PATH.
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", os.defpath),
        "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_PIPELINING": "1",
        "ANSIBLE_FORKS": "10",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_SSH_CONTROL_PATH_DIR": os.path.join(base, "cp"),
    })
    write_yaml(os.path.join(base, "env", "extravars"), extravars)
    shutil.copytree(os.path.join(REPO, "playbooks"), os.path.join(base, "project"))
    return inventory


def run_job(lab, base, ident, playbook, extravars):
    inventory = private_data_dir(lab, base, extravars)
    runner = ansible_runner.run(private_data_dir=base, playbook=playbook, inventory=inventory,
                                ident=ident, quiet=True, timeout=JOB_TIMEOUT)
    events = list(runner.events)
    return runner, events


def stdout_of(events):
    return "".join(event.get("stdout", "") + "\n" for event in events)


def ok_hosts(events, task):
    return {event["event_data"]["host"] for event in events
            if event["event"] == "runner_on_ok" and event["event_data"].get("task") == task}


def assert_successful_job(base, ident, runner, events):
    failures = [event for event in events
                if event["event"] in ("runner_on_failed", "runner_on_unreachable")
                and not event["event_data"].get("ignore_errors")]
    assert runner.rc == 0 and runner.status == "successful" and not failures, stdout_of(events)
    artifacts = os.path.join(base, "artifacts", ident)
    with open(os.path.join(artifacts, "rc")) as handle:
        assert handle.read().strip() == "0"
    with open(os.path.join(artifacts, "status")) as handle:
        assert handle.read().strip() == "successful"
    stored = glob.glob(os.path.join(artifacts, "job_events", "*.json"))
    assert len(stored) == len(events)
    counters = set()
    for path in stored:
        with open(path) as handle:
            counters.add(json.load(handle)["counter"])
    assert counters == {event["counter"] for event in events}
    # Plain output lines (the ssh-agent's "Identity added") are "verbose" events.
    playbook_events = [event for event in events if event["event"] != "verbose"]
    assert playbook_events[0]["event"] == "playbook_on_start"
    assert playbook_events[-1]["event"] == "playbook_on_stats"
    return playbook_events[-1]["event_data"]


def test_facts_job(lab, tmp_path):
    base = str(tmp_path / "job")
    runner, events = run_job(lab, base, "facts", "facts.yml", {"openvz_hosts": "hypervisors"})
    stats = assert_successful_job(base, "facts", runner, events)
    hosts = {host.name for host in lab.hosts}
    for task in ("Read the host", "Read the local storage pool", "Read the containers"):
        assert ok_hosts(events, task) == hosts, task
    assert set(stats["ok"]) == hosts and not stats["changed"]
    # set_stats data lands in the job's artifacts (what AWX passes on in a workflow).
    summary = stats["artifact_data"]["openvz_facts"]
    assert set(summary) == hosts
    for name in hosts:
        assert summary[name]["local_storage"]["path"] == "/vz"
        assert "vmbr0" in summary[name]["bridges"]
        assert summary[name]["hypervisor"] == "legacy"


@pytest.fixture
def restored_lab(lab):
    saved = lab.run_playbook(os.path.join(TARGET, "snapshot.yml"))
    assert saved.rc == 0, saved
    try:
        yield lab
    finally:
        restored = lab.run_playbook(os.path.join(TARGET, "cleanup.yml"),
                                    extra_vars={"host_management_user": USER})
        assert restored.rc == 0, restored


def test_site_job_discover_and_network(restored_lab, tmp_path):
    """site.yml as an AWX job: discover and network stages (no NFS or agent in this lab)."""
    lab = restored_lab
    base = str(tmp_path / "job")
    extravars = lab_vars(tmp_path / "unused")
    del extravars["host_report_dir"]  # the default: openvz-discovery/ in the job's artifacts
    extravars.update({"openvz_site_templates": False, "openvz_site_agent": False})
    runner, events = run_job(lab, base, "site", "site.yml", extravars)
    stats = assert_successful_job(base, "site", runner, events)
    hosts = {host.name for host in lab.hosts}
    assert ok_hosts(events, "Write the discovery report") == hosts
    assert ok_hosts(events, "Allow the management user the commands it needs") == hosts
    assert set(stats["changed"]) == hosts
    reports = sorted(os.listdir(os.path.join(base, "artifacts", "site", "openvz-discovery")))
    assert reports == sorted(name + ".json" for name in hosts)
    assert not os.path.exists(os.path.join(base, "project", "discovery"))
    published = stats["artifact_data"]["openvz_discovery_reports"]
    assert {name: report["inventory_hostname"] for name, report in published.items()} == {n: n for n in hosts}
    skipped_stages = {event["event_data"]["task"] for event in events if event["event"] == "runner_on_skipped"}
    assert {"Install and connect the CloudStack agent", "Read the local storage pool the agent reports"} \
        <= skipped_stages


CONTAINER_RANGE = [4200, 4209]


def test_containers_job_converges_declared_containers(lab, tmp_path):
    """containers.yml twice as jobs (second changes nothing), then exclusive removal."""
    declared = [dict(name=name, ostemplate="busybox-1.35-x86_64", layout="simfs", diskspace="512M",
                     ram="128M", swap="0", state=state)
                for name, state in (("it-awx-1", "started"), ("it-awx-2", "stopped"))]
    extravars = {"openvz_containers": declared, "openvz_containers_ctid_range": CONTAINER_RANGE}
    hosts = {host.name for host in lab.hosts}
    try:
        for ident, expect_changed in (("containers-1", hosts), ("containers-2", set())):
            base = str(tmp_path / ident)
            runner, events = run_job(lab, base, ident, "containers.yml", extravars)
            stats = assert_successful_job(base, ident, runner, events)
            assert ok_hosts(events, "Converge the containers of the host") == hosts
            assert set(stats.get("changed", {})) == expect_changed, stdout_of(events)
        for host in lab.hosts:
            listed = json.loads(lab.exec(host.name, ["vzlist", "-a", "-j"]).stdout)
            states = {ct["name"]: ct["status"] for ct in listed
                      if CONTAINER_RANGE[0] <= ct["ctid"] <= CONTAINER_RANGE[1]}
            assert states == {"it-awx-1": "running", "it-awx-2": "stopped"}
    finally:
        removed = lab.run_playbook(os.path.join(REPO, "playbooks", "containers.yml"), extra_vars={
            "openvz_containers": [], "openvz_containers_exclusive": True,
            "openvz_containers_exclusive_ctid_range": CONTAINER_RANGE})
        assert removed.rc == 0, removed
    for host in lab.hosts:
        listed = json.loads(lab.exec(host.name, ["vzlist", "-a", "-j"]).stdout)
        assert not [ct for ct in listed if CONTAINER_RANGE[0] <= ct["ctid"] <= CONTAINER_RANGE[1]]
