"""The command runner: argv lists, C locale, timeouts, failures with meaning, SSH quoting."""

import os
import sys

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import _runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from cmd_harness import Expect, fake_runner  # noqa: E402  pylint: disable=wrong-import-position


def test_failure_carries_cmd_rc_output_and_meaning():
    runner = fake_runner(Expect([(['/usr/sbin/vzctl', 'start', '101'],
                                  (9, '', 'Locked by: pid 77\nContainer already locked\n'))]))
    with pytest.raises(_runner.CommandError) as failure:
        runner.run([runner.find('vzctl'), 'start', 101], explain={9: 'container locked'}.get)
    error = failure.value
    assert error.rc == 9 and error.cmd == ['/usr/sbin/vzctl', 'start', '101']
    assert error.meaning == 'container locked'
    assert error.msg == ('vzctl start 101 failed with rc 9 (container locked): '
                         'Locked by: pid 77; Container already locked')
    assert error.fail_kwargs()['stderr'].startswith('Locked by')


def test_secret_is_masked_in_command_and_output():
    runner = fake_runner(Expect([(lambda argv: True, (21, 'bad root:hunter2', ''))]))
    with pytest.raises(_runner.CommandError) as failure:
        runner.run(['/usr/sbin/vzctl', 'set', '101', '--userpasswd', 'root:hunter2'],
                   secret='hunter2')
    assert 'hunter2' not in repr(failure.value.fail_kwargs())


def test_timeout_wraps_the_command_and_names_the_timeout():
    expect = Expect([(['/usr/sbin/timeout', '--kill-after=10', '5', 'vzctl', 'stop', '101'],
                      (124, '', ''))], strip_timeout=False)
    with pytest.raises(_runner.CommandError) as failure:
        fake_runner(expect).run(['vzctl', 'stop', '101'], timeout=5)
    assert failure.value.timed_out and '(timed out)' in failure.value.msg


def test_subprocess_runner_uses_c_locale_and_reads_files(tmp_path):
    runner = _runner.SubprocessRunner(env={'PATH': os.environ['PATH'], 'LC_ALL': 'de_DE.UTF-8'})
    assert runner.run(['sh', '-c', 'echo "$LC_ALL"']).stdout == 'C\n'
    assert runner.run(['sh', '-c', 'exit 3'], check=False).rc == 3
    (tmp_path / 'f').write_text('x=1\n')
    assert runner.read_file(str(tmp_path / 'f')) == 'x=1\n'
    assert runner.read_file(str(tmp_path / 'missing')) is None
    assert runner.find('sh').startswith('/')
    with pytest.raises(_runner.CommandError, match='not found'):
        runner.find('no-such-binary-here')


def test_ssh_runner_quotes_every_argument_for_the_remote_shell():
    runner = _runner.SshRunner('198.18.0.11', key_file='/k', known_hosts_file='/kh',
                               control_path='/tmp/cm-%C')
    argv = runner.ssh_argv(['vzctl', 'set', '101', '--description', "it's $HOME; rm -rf /"], False)
    assert argv[:5] == ['ssh', '-p', '22', '-o', 'BatchMode=yes']
    assert '-n' in argv and argv[-3:-1] == ['root@198.18.0.11', '--']
    assert argv[-1] == ("env LC_ALL=C LANG=C vzctl set 101 --description "
                        "'it'\"'\"'s $HOME; rm -rf /'")
    assert 'StrictHostKeyChecking=yes' in argv and 'UserKnownHostsFile=/kh' in argv
