"""openvz.cloud.openvz connection: the exact command lines sent to the node through a
stand-in for ansible.builtin.ssh, on both lines, with hostile paths and commands."""

import shlex
import sys

import pytest

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader, init_plugin_loader

from collection_path import COLLECTIONS_PATH

# the loader finds this collection (tests/unit/conftest.py made the link) and reads its docs
init_plugin_loader([COLLECTIONS_PATH])

NODE = '198.18.0.11'


class FakeSSH(object):
    """Records the node command lines; answers from a list of (rc, stdout, stderr)."""

    def __init__(self, answers=None):
        self.calls = []
        self.options = None
        self.become = None
        self.answers = list(answers or [])
        self.closed = False

    def set_options(self, direct=None, **kwargs):
        self.options = direct

    def set_become_plugin(self, plugin):
        self.become = plugin

    def exec_command(self, cmd, in_data=None, sudoable=True):
        self.calls.append((cmd, in_data, sudoable))
        return self.answers.pop(0) if self.answers else (0, b'', b'')

    def close(self):
        self.closed = True

    def reset(self):
        self.closed = True


@pytest.fixture
def make(monkeypatch, tmp_path):
    """make(vars, answers) -> (connection, fake ssh); the run's flavour cache is tmp_path/run."""
    run_tmp = tmp_path / 'run'
    run_tmp.mkdir()

    def factory(variables=None, answers=None):
        connection = connection_loader.get('openvz.cloud.openvz', PlayContext())
        fake = FakeSSH(answers)
        loads = []

        class Loader(object):
            @staticmethod
            def get(name, *args, **kwargs):
                loads.append(name)
                return fake

        plugin_module = sys.modules[type(connection).__module__]
        monkeypatch.setattr(plugin_module, 'connection_loader', Loader)
        monkeypatch.setattr(plugin_module, 'flavour_cache_dir', lambda: str(run_tmp))
        options = {'inventory_hostname': 'web1', 'ansible_host': '101', 'openvz_node_address': NODE}
        options.update(variables or {})
        connection.set_options(var_options=dict((k, v) for k, v in options.items() if v is not None))
        fake.loads = loads
        return connection, fake
    return factory


def inner_words(node_line):
    """The words the node's shell sees, and the container shell's words of the last one."""
    words = shlex.split(node_line)
    return words[:-1], shlex.split(words[-1])


def test_node_options_come_from_the_contract_variables(make):
    connection, fake = make({'openvz_node_user': 'admin', 'openvz_node_port': 2222,
                             'openvz_node_private_key_file': '/keys/node',
                             'openvz_node_ssh_common_args': '-F /lab/ssh_config',
                             'openvz_flavour': 'legacy'})
    connection.exec_command('true')
    assert fake.loads == ['ssh']
    assert fake.options == {'host': NODE, 'remote_user': 'admin', 'port': 2222,
                            'private_key_file': '/keys/node', 'ssh_common_args': '-F /lab/ssh_config'}


def test_node_defaults(make):
    connection, fake = make({'openvz_flavour': 'vz7'})
    connection.exec_command('true')
    assert fake.options == {'host': NODE, 'remote_user': 'root', 'port': 22}


@pytest.mark.parametrize('flavour, tool', [('legacy', ['vzctl', 'exec2']), ('vz7', ['prlctl', 'exec'])])
def test_exec_command_line(make, flavour, tool):
    ansible_cmd = "/bin/sh -c 'echo ~ && sleep 0'"
    connection, fake = make({'openvz_flavour': flavour}, answers=[(0, b'/\n', b'')])
    assert connection.exec_command(ansible_cmd) == (0, b'/\n', b'')
    [(line, in_data, sudoable)] = fake.calls
    assert line == ' '.join(tool) + " 101 '/bin/sh -c '\"'\"'echo ~ && sleep 0'\"'\"''"
    # the node's shell passes the Ansible command as one word to the container's shell
    assert shlex.split(line) == tool + ['101', ansible_cmd]
    assert in_data is None and sudoable is True


def test_pipelined_input_and_sudoable_pass_through(make):
    connection, fake = make({'openvz_flavour': 'vz7'})
    connection.exec_command('/usr/bin/python3', in_data=b'module\x00bytes', sudoable=False)
    assert fake.calls == [("prlctl exec 101 /usr/bin/python3", b'module\x00bytes', False)]
    assert connection.has_pipelining is True


HOSTILE = ["/tmp/it's here", '/tmp/$(reboot)', '/tmp/a b;rm -rf /', '/tmp/`id`\n"x"', '/tmp/-n']


@pytest.mark.parametrize('path', HOSTILE)
@pytest.mark.parametrize('flavour, tool', [('legacy', ['vzctl', 'exec2']), ('vz7', ['prlctl', 'exec'])])
def test_put_file_streams_to_cat(make, tmp_path, path, flavour, tool):
    source = tmp_path / 'src'
    source.write_bytes(b'\x00\xffbinary\r\n')
    connection, fake = make({'openvz_flavour': flavour})
    connection.put_file(str(source), path)
    [(line, in_data, sudoable)] = fake.calls
    outer, inner = inner_words(line)
    assert outer == tool + ['101']
    assert inner == ['cat', '>', path] or inner == ['cat', '>' + path]
    assert shlex.split(line)[-1] == 'cat > %s' % shlex.quote(path)
    assert in_data == b'\x00\xffbinary\r\n' and sudoable is False


def test_put_of_an_empty_file_truncates_without_reading_stdin(make, tmp_path):
    source = tmp_path / 'empty'
    source.write_bytes(b'')
    connection, fake = make({'openvz_flavour': 'legacy'})
    connection.put_file(str(source), '/etc/empty')
    assert fake.calls == [("vzctl exec2 101 ': > /etc/empty'", None, False)]


@pytest.mark.parametrize('path', HOSTILE)
def test_fetch_file_reads_cat_output(make, tmp_path, path):
    connection, fake = make({'openvz_flavour': 'vz7'}, answers=[(0, b'\x00\x01bytes', b'')])
    target = tmp_path / 'out'
    connection.fetch_file(path, str(target))
    [(line, in_data, sudoable)] = fake.calls
    assert shlex.split(line) == ['prlctl', 'exec', '101', 'cat %s' % shlex.quote(path)]
    assert in_data is None and sudoable is False
    assert target.read_bytes() == b'\x00\x01bytes'


def test_put_error_is_clear(make, tmp_path):
    source = tmp_path / 'src'
    source.write_bytes(b'x')
    connection, dummy = make({'openvz_flavour': 'legacy'},
                             answers=[(1, b'', b"sh: can't create /nope/x: nonexistent directory\n")])
    with pytest.raises(AnsibleError, match=r"cannot write /nope/x in container 101 \(rc 1\): sh: can't create"):
        connection.put_file(str(source), '/nope/x')


def test_put_of_a_missing_local_file(make, tmp_path):
    connection, fake = make({'openvz_flavour': 'legacy'})
    with pytest.raises(AnsibleError, match='cannot read'):
        connection.put_file(str(tmp_path / 'missing'), '/x')
    assert fake.calls == []


def test_fetch_error_is_clear_and_writes_nothing(make, tmp_path):
    connection, dummy = make({'openvz_flavour': 'vz7'},
                             answers=[(1, b'', b'cat: /nope: No such file or directory\n')])
    target = tmp_path / 'out'
    with pytest.raises(AnsibleError, match=r'cannot read /nope in container 101 \(rc 1\): cat: /nope: No such'):
        connection.fetch_file('/nope', str(target))
    assert not target.exists()


def test_flavour_auto_asks_the_node_once(make, tmp_path):
    connection, fake = make(answers=[(0, b'vz7\n', b''), (0, b'', b''), (0, b'data', b'')])
    connection.exec_command('true')
    connection.fetch_file('/etc/hostname', str(tmp_path / 'h'))
    probe = fake.calls[0]
    assert 'command -v prlctl' in probe[0] and probe[2] is False
    assert [call[0] for call in fake.calls[1:]] == ['prlctl exec 101 true', "prlctl exec 101 'cat /etc/hostname'"]
    assert connection.flavour() == 'vz7' and len(fake.calls) == 3


def test_flavour_auto_asks_each_node_once_per_run(make, tmp_path):
    """Ansible makes a connection per task: the second task's connection reads the cache."""
    first, first_ssh = make(answers=[(0, b'legacy\n', b'')])
    first.exec_command('true')
    second, second_ssh = make()
    second.exec_command('true')
    assert second_ssh.calls == [('vzctl exec2 101 true', None, True)]
    other_port, other_ssh = make({'openvz_node_port': 2222}, answers=[(0, b'vz7\n', b'')])
    other_port.exec_command('true')
    assert [call[0] for call in other_ssh.calls][1:] == ['prlctl exec 101 true']
    assert len(first_ssh.calls) == 2 and len(list((tmp_path / 'run').iterdir())) == 2


def test_reset_connection_asks_the_node_again(make):
    first, dummy = make(answers=[(0, b'legacy\n', b'')])
    first.exec_command('true')
    first.reset()
    second, second_ssh = make(answers=[(0, b'vz7\n', b'')])
    second.exec_command('true')
    assert 'command -v prlctl' in second_ssh.calls[0][0]
    assert second_ssh.calls[1][0] == 'prlctl exec 101 true'


def test_unreadable_cache_entry_is_asked_again(make, tmp_path):
    first, dummy = make(answers=[(0, b'legacy\n', b'')])
    first.exec_command('true')
    for entry in (tmp_path / 'run').iterdir():
        entry.write_text('garbage')
    second, second_ssh = make(answers=[(0, b'vz7\n', b'')])
    second.exec_command('true')
    assert second_ssh.calls[1][0] == 'prlctl exec 101 true'


def test_flavour_auto_legacy(make):
    connection, fake = make(answers=[(0, b'legacy\n', b'')])
    connection.exec_command('true')
    assert fake.calls[1][0] == 'vzctl exec2 101 true'


def test_flavour_auto_without_tools_is_a_connection_failure(make):
    connection, dummy = make(answers=[(0, b'none\n', b'')])
    with pytest.raises(AnsibleConnectionFailure, match='node 198.18.0.11 has neither prlctl nor vzctl'):
        connection.exec_command('true')


def test_explicit_flavour_sends_no_probe(make, tmp_path):
    connection, fake = make({'openvz_flavour': 'legacy'})
    connection.exec_command('true')
    connection.exec_command('false')
    assert [call[0] for call in fake.calls] == ['vzctl exec2 101 true', 'vzctl exec2 101 false']
    assert not list((tmp_path / 'run').iterdir())


def test_command_status_is_returned(make):
    connection, dummy = make({'openvz_flavour': 'legacy'}, answers=[(3, b'', b'')])
    assert connection.exec_command('exit 3') == (3, b'', b'')


def test_legacy_not_running_is_unreachable(make):
    connection, dummy = make({'openvz_flavour': 'legacy'}, answers=[(31, b'', b'Container is not running\n')])
    with pytest.raises(AnsibleConnectionFailure, match='container 101 on node 198.18.0.11 is not running'):
        connection.exec_command('true')


def test_a_command_exiting_31_is_not_mistaken(make):
    connection, dummy = make({'openvz_flavour': 'legacy'}, answers=[(31, b'', b'other\n')])
    assert connection.exec_command('exit 31')[0] == 31


def test_ssh_failures_name_the_container_and_node(make):
    connection, fake = make({'openvz_flavour': 'vz7'})

    def fail(*args, **kwargs):
        raise AnsibleConnectionFailure('Failed to connect to the host via ssh: The CT is not running')
    fake.exec_command = fail
    with pytest.raises(AnsibleConnectionFailure, match='container 101 on node 198.18.0.11: Failed to connect'):
        connection.exec_command('true')


@pytest.mark.parametrize('variables, name', [
    ({'openvz_container': 'ct-web 1'}, 'ct-web 1'),
    ({'ansible_host': '{6B4C1E2A-3F0D-4C8E-9A51-2D7F0C9E4B11}'}, '{6B4C1E2A-3F0D-4C8E-9A51-2D7F0C9E4B11}'),
    ({'ansible_host': None}, 'web1'),
    ({'openvz_container': '2147483644'}, '2147483644'),
])
def test_container_sources_and_accepted_ids(make, variables, name):
    connection, fake = make(dict(variables, openvz_flavour='vz7'))
    connection.exec_command('true')
    assert shlex.split(fake.calls[0][0])[2] == name


@pytest.mark.parametrize('value, message', [
    ('0', r'0 is the hardware node itself'),
    ('2147483645', r'CTIDs are 1 to 2147483644'),
    ('-x', r"does not start with '-'"),
    ('web;reboot', r"invalid container 'web;reboot'"),
    ('a$(b)', r'invalid container'),
    ('   ', r'the container is not set'),
])
def test_invalid_containers_are_refused_before_any_command(make, value, message):
    connection, fake = make({'openvz_container': value, 'openvz_flavour': 'legacy'})
    with pytest.raises(AnsibleError, match=message):
        connection.exec_command('true')
    assert fake.calls == []


def test_become_is_handed_to_the_node_connection(make):
    connection, fake = make({'openvz_flavour': 'legacy'})
    become = object()
    connection.set_become_plugin(become)
    connection.exec_command('true')
    assert fake.become is become


def test_close_closes_the_node_connection(make):
    connection, fake = make({'openvz_flavour': 'legacy'})
    connection.exec_command('true')
    connection.close()
    assert fake.closed and not connection.connected


def test_the_real_ssh_plugin_gets_the_node_options():
    """Without the stand-in: ansible.builtin.ssh resolves the options we set."""
    connection = connection_loader.get('openvz.cloud.openvz', PlayContext())
    connection.set_options(var_options={'ansible_host': '101', 'openvz_node_address': NODE,
                                        'openvz_node_port': 2200, 'openvz_node_user': 'ops',
                                        'openvz_node_ssh_common_args': '-F /x'})
    node = connection._node_connection()  # pylint: disable=protected-access
    assert node._load_name == 'ssh'  # pylint: disable=protected-access
    assert [node.get_option(name) for name in ('host', 'port', 'remote_user', 'ssh_common_args')] == [
        NODE, 2200, 'ops', '-F /x']
