"""Test stand-in for the CloudStack agent (openvz.cloud tests only).

Reads agent.properties as java.util.Properties does, dials each management server of the
comma-separated ``host`` list on ``port`` (first one preferred), sends its ``guid`` as one
line, keeps the connection open (a ``PING`` line every 30 s) and reconnects when it drops.
Logs to /var/log/cloudstack/agent/agent.log.
"""

import argparse
import logging
import signal
import socket
import sys
import time

PROPERTIES = "/etc/cloudstack/agent/agent.properties"
LOG_FILE = "/var/log/cloudstack/agent/agent.log"
CONNECT_TIMEOUT = 5
PING_INTERVAL = 30
RETRY_DELAY = 5
ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
LOG = logging.getLogger("cloudstack-agent-standin")


def _unescape(raw):
    out, index = [], 0
    while index < len(raw):
        char = raw[index]
        index += 1
        if char != "\\":
            out.append(char)
        elif raw[index:index + 1] == "u":
            out.append(chr(int(raw[index + 1:index + 5], 16)))
            index += 5
        elif index < len(raw):
            out.append(ESCAPES.get(raw[index], raw[index]))
            index += 1
    return "".join(out)


def parse_properties(text):
    """Java-properties text -> dict (comments, continuations, escapes, = : or blank)."""
    result = {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index].lstrip(" \t\f")
        index += 1
        if not line or line[0] in "#!":
            continue
        while (len(line) - len(line.rstrip("\\"))) % 2 == 1:
            line = line[:-1] + (lines[index].lstrip(" \t\f") if index < len(lines) else "")
            index += 1
        pos = 0
        while pos < len(line) and line[pos] not in "=: \t\f":
            pos += 2 if line[pos] == "\\" else 1
        value = line[pos:].lstrip(" \t\f")
        if value[:1] in ("=", ":"):
            value = value[1:].lstrip(" \t\f")
        result[_unescape(line[:pos])] = _unescape(value)
    return result


def read_settings(path):
    with open(path, "rb") as handle:
        props = parse_properties(handle.read().decode("iso-8859-1"))
    hosts = [name.strip() for name in props.get("host", "").split(",") if name.strip()]
    return hosts, int(props.get("port", "8250") or 8250), props.get("guid", "")


def hold_connection(conn, guid):
    """Send the guid, then ping until the peer closes or an error occurs."""
    conn.sendall(("%s\n" % guid).encode("ascii", "replace"))
    conn.settimeout(PING_INTERVAL)
    while True:
        try:
            if not conn.recv(4096):
                return "closed by the management server"
        except socket.timeout:
            conn.sendall(b"PING\n")


def run(path):
    while True:
        try:
            hosts, port, guid = read_settings(path)
        except (OSError, ValueError) as error:
            LOG.error("cannot read %s: %s", path, error)
            hosts, port, guid = [], 0, ""
        if not hosts or not guid:
            LOG.error("%s needs host and guid; retrying in %d s", path, RETRY_DELAY)
        for host in hosts if guid else []:
            try:
                conn = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
            except OSError as error:
                LOG.warning("cannot connect to %s:%d: %s", host, port, error)
                continue
            LOG.info("connected to %s:%d as %s", host, port, guid)
            try:
                reason = hold_connection(conn, guid)
            except OSError as error:
                reason = str(error)
            finally:
                conn.close()
            LOG.warning("connection to %s:%d lost: %s", host, port, reason)
            break
        time.sleep(RETRY_DELAY)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--properties", default=PROPERTIES)
    parser.add_argument("--log-file", default=LOG_FILE)
    args = parser.parse_args()
    logging.basicConfig(filename=args.log_file, level=logging.INFO,
                        format="%(asctime)s %(levelname)s [standin] %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    LOG.info("starting, properties %s", args.properties)
    try:
        run(args.properties)
    finally:
        LOG.info("stopping")


if __name__ == "__main__":
    main()
