"""testinfra checks of the agent role on the lab VM (run by ``molecule verify``)."""

import hashlib
import json
import os
import subprocess
import sys
import uuid

import pytest

SCENARIO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.environ.get("MOLECULE_PROJECT_DIRECTORY") or os.path.abspath(
    os.path.join(SCENARIO_DIR, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, ensure_collection_link())

from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import loads  # noqa: E402

PROPERTIES = "/etc/cloudstack/agent/agent.properties"
MANAGEMENT = "10.0.2.100"
VM_ADDRESS = "10.0.2.15"
RECORD = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", ""), "listener", "received.jsonl")

testinfra_hosts = ["ovzvm1"]  # pylint: disable=invalid-name


def cloudstack_guid(text):
    return str(uuid.UUID(bytes=hashlib.md5(text.encode("ascii")).digest(), version=3))


@pytest.fixture(scope="module")
def properties(host):
    with host.sudo():
        return loads(host.file(PROPERTIES).content)


def test_package_installed(host):
    package = host.package("cloudstack-agent")
    assert package.is_installed
    assert package.version == "4.20.0-openvzcloud1"


def test_properties_file_is_private(host):
    props = host.file(PROPERTIES)
    assert props.user == "root" and props.group == "root"
    assert props.mode == 0o600


def test_managed_keys(properties):
    expected = {
        "host": MANAGEMENT,
        "port": "8250",
        "zone": "1",
        "pod": "1",
        "cluster": "2",
        "guid": cloudstack_guid(VM_ADDRESS),
        "public.network.device": "cloudbr0",
        "private.network.device": "cloudbr1",
        "guest.network.device": "cloudbr1",
        "local.storage.path": "/vz",
        "local.storage.uuid": "0b5c1f0e-3c0e-5d5f-9b7e-2a2f4c7d9a11",
        "hypervisor.type": "lxc",
    }
    assert {key: properties.get(key) for key in expected} == expected


def test_unmanaged_keys_kept(properties):
    assert properties["keystore.passphrase"] == "Xy:9=q#z"
    assert properties["workers"] == "7"


def test_service_enabled_and_running(host):
    service = host.service("cloudstack-agent")
    assert service.is_enabled
    assert service.is_running


def test_established_connection_to_management_server(host):
    out = host.check_output("ss -t -n state established dport = :8250")
    peers = [line.split()[3] for line in out.splitlines()[1:] if line.strip()]
    assert MANAGEMENT + ":8250" in peers, out


def test_listener_received_the_guid():
    with open(RECORD) as handle:
        events = [json.loads(line) for line in handle]
    guid_lines = [event for event in events
                  if event["event"] == "line" and event["line"] == cloudstack_guid(VM_ADDRESS)]
    # One connection per (re)start: converge (re)started the agent once, the idempotence
    # run not at all.
    assert len(guid_lines) == 1, events


def test_missing_connection_fails_with_a_clear_message():
    """The connect-back check, aimed at a port nobody serves, names host, port and log."""
    inventory = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "inventory")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, "build", "collections"))
    result = subprocess.run(
        ["ansible-playbook", "-i", inventory, os.path.join(SCENARIO_DIR, "converge.yml"),
         "--tags", "agent_verify", "-e", "agent_management_port=8251",
         "-e", "agent_connect_timeout=4", "-e", "agent_connect_poll_interval=2"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "holds no established connection to a management server (10.0.2.100, port 8251)" in output
    assert "Last lines of /var/log/cloudstack/agent/agent.log" in output
    assert "connected to 10.0.2.100:8250" in output
