"""The agent role's test doubles: the stand-in package and the test management server on
loopback. The role itself is proven by the molecule scenario ``agent`` (test_molecule.py)."""

import hashlib
import json
import os
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDIN_DIR = os.path.join(REPO_ROOT, "tests", "agent_standin")
STANDIN_PROGRAM = os.path.join(STANDIN_DIR, "package", "usr", "lib", "cloudstack-agent-standin", "agent.py")
LISTENER = os.path.join(STANDIN_DIR, "mgmt_listener.py")
VENV_BIN = os.path.dirname(sys.executable)


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _events(record):
    if not os.path.exists(record):
        return []
    with open(record) as handle:
        return [json.loads(line) for line in handle]


def test_standin_package_is_reproducible(tmp_path):
    built = []
    for name in ("a", "b"):
        out = subprocess.run([sys.executable, os.path.join(STANDIN_DIR, "build_deb.py"),
                              "--output", str(tmp_path / name)],
                             capture_output=True, text=True, check=True).stdout.strip()
        with open(out, "rb") as handle:
            built.append((os.path.basename(out), hashlib.sha256(handle.read()).hexdigest()))
    assert built[0] == built[1]
    assert built[0][0] == "cloudstack-agent_4.20.0-openvzcloud1_all.deb"
    fields = subprocess.run(["dpkg-deb", "-f", str(tmp_path / "a" / built[0][0]), "Package", "Version"],
                            capture_output=True, text=True, check=True).stdout
    assert fields.split() == ["Package:", "cloudstack-agent", "Version:", "4.20.0-openvzcloud1"]


def test_standin_connects_sends_guid_and_reconnects(tmp_path):
    """Escaped Java-properties values, the first unreachable server skipped, reconnect after a drop."""
    record = str(tmp_path / "received.jsonl")
    pidfile = str(tmp_path / "listener.pid")
    port = subprocess.run([sys.executable, LISTENER, "--listen", "127.0.0.1:0", "--record", record,
                           "--lifetime", "60", "--daemon", "--pidfile", pidfile],
                          capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    # Port 1 on loopback refuses at once: the agent moves on to the next server.
    (tmp_path / "agent.properties").write_text(
        "# test\nhost = 127.0.0.1\\:1-not-a-host,127.0.0.1\nport : %s\n"
        "guid=c679836c-51e9-30e9-a191-\\\n    c7d2d38f5fe5\n" % port)
    agent = subprocess.Popen([sys.executable, STANDIN_PROGRAM,
                              "--properties", str(tmp_path / "agent.properties"),
                              "--log-file", str(tmp_path / "agent.log")])
    try:
        assert _wait_for(lambda: any(event["event"] == "line" for event in _events(record))), \
            (tmp_path / "agent.log").read_text()
        lines = [event["line"] for event in _events(record) if event["event"] == "line"]
        assert lines == ["c679836c-51e9-30e9-a191-c7d2d38f5fe5"]
        assert agent.poll() is None
        log = (tmp_path / "agent.log").read_text()
        assert "cannot connect to 127.0.0.1:1-not-a-host" in log
        assert "connected to 127.0.0.1:%s as c679836c" % port in log
    finally:
        agent.terminate()
        agent.wait(timeout=10)
        subprocess.run([sys.executable, LISTENER, "--stop", "--pidfile", pidfile], check=True)
    assert _wait_for(lambda: any(event["event"] == "disconnect" for event in _events(record)))
    assert "stopping" in (tmp_path / "agent.log").read_text()
