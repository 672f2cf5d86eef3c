"""Integration-test fixtures: the `lab` of emulated OpenVZ hosts (see lablib.py).

The lab is session-scoped and only built when a test asks for it; it is always torn
down at the end of the session, also after failures. OVZLAB_HOSTS overrides the
number of hosts (default 2), OVZLAB_DIR the lab directory (default
build/lab-pytest/session-<pid>). One lab exists per machine: a second session waits.
"""

import os
import signal

import pytest

from lablib import Lab
# The VM lab fixture, shared by every integration test module.
from vm_fixture import vm_lab  # noqa: F401  pylint: disable=unused-import


def _interrupt(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


@pytest.fixture(scope="session")
def lab():
    if os.geteuid() != 0:
        pytest.skip("the OpenVZ host lab needs root (network and mount namespaces)")
    # `timeout` sends SIGTERM: turn it into an interrupt so the teardown below still runs.
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)
    running_lab = Lab.up(os.environ.get("OVZLAB_DIR"), int(os.environ.get("OVZLAB_HOSTS", "2")))
    try:
        yield running_lab
    finally:
        try:
            running_lab.down()
        finally:
            signal.signal(signal.SIGTERM, previous_handler)


def pytest_collection_modifyitems(items):
    """One VM boot per session: a test module that imports ``vm_lab`` itself defines a
    second session fixture, and pytest boots (and keeps running) one VM per definition."""
    modules = set(item.module for item in items if getattr(item, "module", None) is not None)
    copies = sorted(module.__name__ for module in modules if hasattr(module, "vm_lab"))
    if copies:
        raise pytest.UsageError("%s import vm_lab; the conftest provides it (one VM per session)"
                                % ", ".join(copies))
