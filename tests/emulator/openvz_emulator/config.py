"""OpenVZ config files (section 4.1): parsing and in-place KEY="value" updates."""

import os
import tempfile


def parse_line(line):
    """Return (key, value) for a KEY=value line, or None for blanks/comments."""
    line = line.strip()
    if not line or line.startswith("#") or "=" not in line:
        return None
    key, value = line.split("=", 1)
    key = key.strip()
    if not key:
        return None
    value = value.strip()
    if value.startswith('"'):
        last = value.rfind('"')
        value = value[1:last] if last > 0 else value[1:]
    return key, value


class ConfigFile(object):
    """The lines of one config file; the first KEY= line wins."""

    def __init__(self, text=""):
        self.lines = text.splitlines(True)
        self.values = {}
        self._line_of = {}
        for index, line in enumerate(self.lines):
            parsed = parse_line(line)
            if parsed and parsed[0] not in self.values:
                self.values[parsed[0]] = parsed[1]
                self._line_of[parsed[0]] = index

    @classmethod
    def load(cls, path):
        """The parsed file, or None when it does not exist."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except (IOError, OSError):
            return None
        return cls(data.decode("utf-8", "surrogateescape"))

    def get(self, key, default=None):
        return self.values.get(key, default)

    def has(self, key):
        return key in self.values

    def set(self, key, value):
        """Replace the first KEY= line in place, else append KEY="value"."""
        new_line = '%s="%s"\n' % (key, value)
        index = self._line_of.get(key)
        if index is not None:
            old = self.lines[index]
            if not old.endswith("\n"):
                new_line = new_line[:-1]
            self.lines[index] = new_line
        else:
            if self.lines and not self.lines[-1].endswith("\n"):
                self.lines[-1] += "\n"
            self.lines.append(new_line)
            self._line_of[key] = len(self.lines) - 1
        self.values[key] = value

    def text(self):
        return "".join(self.lines)

    def save(self, path):
        write_file_atomic(path, self.text().encode("utf-8", "surrogateescape"))


def write_file_atomic(path, data, mode=0o644):
    """Write bytes through a temp file in the same directory, then rename."""
    directory = os.path.dirname(path) or "."
    handle, tmp_path = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(tmp_path, mode)
        os.rename(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


def read_settings(path):
    """KEY=value settings (emulator.conf) as a dict; missing file -> {}."""
    config = ConfigFile.load(path)
    return dict(config.values) if config else {}
