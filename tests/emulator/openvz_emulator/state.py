"""Emulator-private run state per container (never under /etc/vz)."""

import json
import os

from .config import write_file_atomic

DEFAULT_STATE = {
    "running": False,
    "mounted": False,
    "ips": [],
    "veth": [],
    "start_time": None,
    "ubc": {},
    "cpu": {},
    "disk_usage": None,
}


class RunStateStore(object):
    def __init__(self, state_dir):
        self.directory = os.path.join(state_dir, "ct")

    def _path(self, ctid):
        return os.path.join(self.directory, "%s.json" % ctid)

    def load(self, ctid):
        state = json.loads(json.dumps(DEFAULT_STATE))
        try:
            with open(self._path(ctid)) as handle:
                state.update(json.load(handle))
        except (IOError, OSError, ValueError):
            pass
        return state

    def save(self, ctid, state):
        if not state.get("running") and not state.get("mounted"):
            self.delete(ctid)
            return
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory)
        write_file_atomic(self._path(ctid), json.dumps(state, sort_keys=True).encode("utf-8"))

    def delete(self, ctid):
        try:
            os.unlink(self._path(ctid))
        except OSError:
            pass

    def load_all(self, numeric=True):
        """{ctid: state} for every container with run state (running or mounted);
        numeric: legacy integer IDs only, else every ID as a string (OpenVZ 7)."""
        states = {}
        try:
            names = os.listdir(self.directory)
        except OSError:
            return states
        for name in names:
            if not name.endswith(".json"):
                continue
            if numeric and name[:-5].isdigit():
                states[int(name[:-5])] = self.load(int(name[:-5]))
            elif not numeric:
                states[name[:-5]] = self.load(name[:-5])
        return states
