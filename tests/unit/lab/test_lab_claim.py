"""When the machine-wide lab names count as in use (tests/lab/labctl.py owner_in_use).

A CI run once waited 30 minutes on a claim left by a run that had been cut: the molecule
lab had no holder pid and its network namespaces were still mounted, empty.
"""

import os
import sys

import pytest

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lab")
sys.path.insert(0, LAB_DIR)

import labctl  # noqa: E402  pylint: disable=wrong-import-position

THIS_BOOT = labctl.boot_id()


@pytest.fixture
def hosts(monkeypatch):
    """Lab netns on the machine: index -> pids inside it."""
    netns = {}
    monkeypatch.setattr(labctl, "list_lab_netns", lambda: set(netns))
    monkeypatch.setattr(labctl, "netns_pids", lambda index: netns.get(index, set()))
    return netns


def owner(**fields):
    record = {"dir": "/x/lab", "pid": None, "holder": None, "boot_id": THIS_BOOT}
    record.update(fields)
    return record


def test_no_owner_is_free(hosts):
    assert labctl.owner_in_use(None) is False


def test_running_up_or_live_holder_is_in_use(hosts):
    assert labctl.owner_in_use(owner(pid=os.getpid())) is True
    assert labctl.owner_in_use(owner(holder=os.getpid())) is True


def test_dead_holder_is_stale_even_with_hosts_running(hosts):
    hosts[1] = {os.getpid()}
    assert labctl.owner_in_use(owner(holder=2 ** 22 + 1)) is False


def test_holderless_lab_lives_while_a_host_has_a_process(hosts):
    hosts.update({1: set(), 2: {os.getpid()}})
    assert labctl.owner_in_use(owner()) is True


def test_holderless_lab_with_empty_namespaces_is_stale(hosts):
    hosts.update({1: set(), 2: set()})
    assert labctl.owner_in_use(owner()) is False


def test_claim_from_another_boot_is_stale(hosts):
    hosts[1] = {os.getpid()}
    assert labctl.owner_in_use(owner(pid=os.getpid(), boot_id="another-boot")) is False


def test_claim_of_an_older_labctl_without_boot_id_is_judged_by_pids(hosts):
    record = owner(holder=os.getpid())
    del record["boot_id"]
    assert labctl.owner_in_use(record) is True


def test_claim_records_this_boot(tmp_path, monkeypatch):
    monkeypatch.setattr(labctl, "OWNER_FILE", str(tmp_path / "owner.json"))
    labctl.write_owner("/x/lab", 7, 8)
    assert labctl.read_owner() == {"dir": "/x/lab", "pid": 7, "holder": 8, "boot_id": THIS_BOOT}
