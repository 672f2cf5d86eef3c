"""Python side of the OpenVZ host lab (tests/lab/labctl.py) for integration tests.

Lab.up() brings up N emulated hypervisor hosts reachable over SSH; run_playbook() and
run_adhoc() drive them with the venv's Ansible (ansible.posix.json stdout callback, from the
ansible package in requirements/test.txt) and exec() runs
observation commands inside a host's namespaces.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

LABCTL = os.path.join(REPO_ROOT, "tests", "lab", "labctl.py")
LABS_DIR = os.path.join(REPO_ROOT, "build", "lab-pytest")
# Lab names (bridge, netns) are machine-wide: `up` waits this long for another lab to go.
WAIT_FOR_OTHER_LAB = 1800
ANSIBLE_BIN = os.path.dirname(sys.executable)


class LabHost(object):
    def __init__(self, name, address, netns):
        self.name = name
        self.address = address
        self.netns = netns

    def __repr__(self):
        return "LabHost(%s, %s)" % (self.name, self.address)


class AnsibleResult(object):
    """Outcome of one ansible-playbook / ansible run with the ansible.posix.json callback."""

    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        # The callback's document starts with a line "{"; warnings before it may hold braces.
        start = re.search(r"^\{$", proc.stdout, re.MULTILINE)
        try:
            self.json = json.loads(proc.stdout[start.start():]) if start else None
        except ValueError:
            self.json = None

    def tasks(self):
        """Every task record ({"task": ..., "hosts": ...}) of every play, in order."""
        if self.json is None:
            raise AssertionError("No JSON output from %s:\n%s" % (self.argv, self))
        return [task for play in self.json["plays"] for task in play["tasks"]]

    def task_results(self, task_name):
        """{host: result} of the last task named task_name (raises if no such task)."""
        matches = [task for task in self.tasks() if task["task"]["name"] == task_name]
        if not matches:
            raise AssertionError("No task named %r; tasks: %s"
                                 % (task_name, [t["task"]["name"] for t in self.tasks()]))
        return matches[-1]["hosts"]

    @property
    def stats(self):
        return (self.json or {}).get("stats", {})

    def __str__(self):
        return "rc=%s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self.rc, self.stdout, self.stderr)


class Lab(object):
    """A running lab; use Lab.up() and .down() (or the `lab` pytest fixture)."""

    def __init__(self, lab_dir):
        self.dir = lab_dir
        self.inventory = os.path.join(lab_dir, "inventory.ini")
        self.ssh_config = os.path.join(lab_dir, "ssh_config")
        with open(os.path.join(lab_dir, "lab.json")) as handle:
            state = json.load(handle)
        self.hosts = [LabHost(h["name"], h["address"], h["netns"]) for h in state["host_list"]]

    @classmethod
    def up(cls, lab_dir=None, hosts=2, flavours=None):
        """Create a lab held by this process, waiting while another lab holds the names.

        Default dir: build/lab-pytest/session-<pid>; dirs of dead sessions are removed.
        flavours: the hosts' lines, round robin from ovz1, e.g. ["legacy", "vz7"]; labctl's
        default (legacy) when None.
        """
        if lab_dir is None:
            _remove_dead_session_dirs()
            lab_dir = os.path.join(LABS_DIR, "session-%d" % os.getpid())
        flavour_args = ["--flavours", ",".join(flavours)] if flavours else []
        try:
            _labctl(["up", "--hosts", str(hosts), "--dir", lab_dir, "--holder-pid",
                     str(os.getpid()), "--wait", str(WAIT_FOR_OTHER_LAB)] + flavour_args)
            return cls(lab_dir)
        except BaseException:
            _labctl(["down", "--dir", lab_dir], check=False)
            raise

    def down(self):
        _labctl(["down", "--dir", self.dir])
        if os.path.dirname(self.dir) == LABS_DIR:
            os.rmdir(self.dir)

    def host(self, name):
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError("No lab host %s (hosts: %s)" % (name, [h.name for h in self.hosts]))

    def exec(self, host_name, argv, check=True, input=None):  # noqa: A002 - subprocess name
        """Run argv inside host_name's net, mount and UTS namespaces (no SSH)."""
        command = [sys.executable, LABCTL, "exec", "--dir", self.dir, host_name, "--"]
        proc = subprocess.run(command + list(argv), input=input, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, check=False)
        if check and proc.returncode != 0:
            raise AssertionError("%s on %s exited %d:\n%s%s"
                                 % (argv, host_name, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def ssh(self, host_name, argv, check=True):
        """Run argv on host_name through its sshd (argv joined for the remote shell)."""
        command = ["ssh", "-F", self.ssh_config, host_name, "--"] + [shlex.quote(a) for a in argv]
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, check=False)
        if check and proc.returncode != 0:
            raise AssertionError("ssh %s %s exited %d:\n%s%s" % (host_name, argv, proc.returncode,
                                                                 proc.stdout, proc.stderr))
        return proc

    def ansible_env(self):
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_HOST_KEY_CHECKING": "False",
            "ANSIBLE_PIPELINING": "1",
            "ANSIBLE_FORKS": "10",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": os.path.join(self.dir, "cp"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.dir, "ansible-tmp"),
        })
        return env

    def run_playbook(self, playbook_path, extra_vars=None, check=False, diff=False, limit=None,
                     inventory=None):
        argv = [os.path.join(ANSIBLE_BIN, "ansible-playbook"), "-i", inventory or self.inventory,
                playbook_path]
        if extra_vars:
            argv += ["--extra-vars", _write_extra_vars(self.dir, extra_vars)]
        if check:
            argv.append("--check")
        if diff:
            argv.append("--diff")
        if limit:
            argv += ["--limit", limit]
        return self._run_ansible(argv)

    def run_adhoc(self, pattern, module, args=None, inventory=None):
        argv = [os.path.join(ANSIBLE_BIN, "ansible"), pattern, "-i", inventory or self.inventory,
                "-m", module]
        if args:
            argv += ["-a", args]
        return self._run_ansible(argv)

    def _run_ansible(self, argv):
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              env=self.ansible_env(), cwd=REPO_ROOT, check=False)
        return AnsibleResult(argv, proc)


def _labctl(args, check=True):
    proc = subprocess.run([sys.executable, LABCTL] + args, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError("labctl %s failed (rc %d):\n%s%s" % (" ".join(args), proc.returncode,
                                                                proc.stdout, proc.stderr))
    return proc


def _remove_dead_session_dirs():
    if not os.path.isdir(LABS_DIR):
        return
    for entry in os.listdir(LABS_DIR):
        pid = entry[len("session-"):] if entry.startswith("session-") else ""
        if pid.isdigit() and not os.path.exists("/proc/%s" % pid):
            path = os.path.join(LABS_DIR, entry)
            _labctl(["down", "--dir", path])
            os.rmdir(path)


def _write_extra_vars(lab_dir, extra_vars):
    """Extra vars as an @file (JSON keeps types; no quoting issues on the command line)."""
    handle, path = tempfile.mkstemp(dir=lab_dir, prefix="extra-vars-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump(extra_vars, out)
    return "@" + path
