"""Test management server: accepts agent connections and records the lines they send.

    python3 tests/agent_standin/mgmt_listener.py --listen 127.0.0.1:0 --record FILE
        [--lifetime SECONDS] [--daemon --pidfile FILE]
    python3 tests/agent_standin/mgmt_listener.py --stop --pidfile FILE

Binds before anything else, prints the bound port on stdout, then serves (in the
background with ``--daemon``) until ``--lifetime`` seconds have passed or SIGTERM.
Every event is appended to the record file as one JSON line:
``{"event": "connect"|"line"|"disconnect", "peer": "ip:port", "line": ..., "time": ...}``.
Only loopback and test addresses should be given to ``--listen``.
"""

import argparse
import json
import os
import selectors
import signal
import socket
import sys
import time

DEFAULT_LIFETIME = 1800


class Recorder:
    """Appends JSON events to the record file, flushed at once for readers."""

    def __init__(self, path):
        self.path = path

    def write(self, event, peer, line=None):
        entry = {"event": event, "peer": peer, "time": round(time.time(), 3)}
        if line is not None:
            entry["line"] = line
        with open(self.path, "a") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")


def _peer_name(address):
    return "%s:%d" % (address[0], address[1])


def serve(server, recorder, lifetime):
    """Accept and read connections until the deadline; never sends anything back."""
    deadline = time.monotonic() + lifetime
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    buffers = {}
    while time.monotonic() < deadline:
        for key, _mask in selector.select(timeout=min(1.0, max(0.0, deadline - time.monotonic()))):
            if key.fileobj is server:
                conn, address = server.accept()
                conn.setblocking(False)
                buffers[conn] = (_peer_name(address), b"")
                selector.register(conn, selectors.EVENT_READ)
                recorder.write("connect", buffers[conn][0])
                continue
            conn = key.fileobj
            peer, pending = buffers[conn]
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                selector.unregister(conn)
                conn.close()
                del buffers[conn]
                recorder.write("disconnect", peer)
                continue
            *lines, pending = (pending + data).split(b"\n")
            buffers[conn] = (peer, pending)
            for line in lines:
                recorder.write("line", peer, line.decode("utf-8", "replace").rstrip("\r"))
    for conn in list(buffers):
        conn.close()


def _bind(listen):
    host, port = listen.rsplit(":", 1)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host.strip("[]"), int(port)))
    server.listen(16)
    return server


def _daemonize(pidfile):
    """Detach into the background; the caller's process exits once the pidfile exists."""
    ready_read, ready_write = os.pipe()
    if os.fork():
        os.close(ready_write)
        os.read(ready_read, 1)  # EOF: every copy of the write end is closed
        os._exit(0)  # pylint: disable=protected-access
    os.close(ready_read)
    os.setsid()
    if os.fork():
        os._exit(0)  # pylint: disable=protected-access
    tmp = pidfile + ".tmp"
    with open(tmp, "w") as handle:
        handle.write("%d\n" % os.getpid())
    os.replace(tmp, pidfile)
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)
    os.close(ready_write)


def stop(pidfile):
    """SIGTERM the listener of pidfile if it still runs; True when one was stopped."""
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            argv = handle.read().split(b"\0")
    except (OSError, ValueError):
        return False
    # Only a listener: the pid may have been reused since.
    if not any(arg.endswith(b"mgmt_listener.py") for arg in argv):
        return False
    os.kill(pid, signal.SIGTERM)
    os.unlink(pidfile)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--listen", default="127.0.0.1:0", help="ADDRESS:PORT (port 0: any free)")
    parser.add_argument("--record", help="JSON-lines file of received events")
    parser.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME,
                        help="seconds before the listener exits by itself")
    parser.add_argument("--daemon", action="store_true", help="serve in the background")
    parser.add_argument("--pidfile", help="with --daemon: where the server's pid is written")
    parser.add_argument("--stop", action="store_true", help="stop the listener of --pidfile")
    args = parser.parse_args(argv)
    if args.stop:
        if not args.pidfile:
            parser.error("--stop needs --pidfile")
        print("stopped" if stop(args.pidfile) else "not running")
        return 0
    if not args.record:
        parser.error("--record is required")
    if args.daemon and not args.pidfile:
        parser.error("--daemon needs --pidfile")

    server = _bind(args.listen)
    print(server.getsockname()[1], flush=True)
    if args.daemon:
        pidfile = os.path.abspath(args.pidfile)
        record = os.path.abspath(args.record)
        sys.stdout.flush()
        _daemonize(pidfile)
    else:
        record = args.record
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(server, Recorder(record), args.lifetime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
