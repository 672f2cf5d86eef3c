"""The vzctl/vzlist client: argv, locale, timeouts, exit-code meanings, masking."""

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import vz_cli


class FakeModule(object):
    def __init__(self, responses, params=None, bins=None):
        self.params = dict(vzctl_path=None, vzlist_path=None, command_timeout=0)
        self.params.update(params or {})
        self.responses = responses
        self.calls = []
        self.bins = bins or {'vzctl': '/usr/sbin/vzctl', 'vzlist': '/usr/sbin/vzlist',
                             'timeout': '/usr/bin/timeout'}

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return self.bins.get(name)

    def run_command(self, argv, environ_update=None):
        self.calls.append((list(argv), environ_update))
        return self.responses.pop(0)


def test_vzctl_argv_and_locale():
    module = FakeModule([(0, 'Container start in progress...\n', '')])
    cli = vz_cli.VzCli(module)
    cli.vzctl(['start', 101])
    assert module.calls == [(['/usr/sbin/vzctl', 'start', '101'], {'LC_ALL': 'C', 'LANG': 'C'})]
    assert cli.commands == [['/usr/sbin/vzctl', 'start', '101']]


def test_timeout_wraps_command():
    module = FakeModule([(0, '[]\n', '')], params={'command_timeout': 30})
    vz_cli.VzCli(module).vzlist_json(['-a'])
    assert module.calls[0][0] == ['/usr/bin/timeout', '--kill-after=10', '30', '/usr/sbin/vzlist', '-j', '-a']


def test_paths_from_options():
    module = FakeModule([(0, '[]', '')], params={'vzlist_path': '/opt/vzlist', 'vzctl_path': '/opt/vzctl'},
                        bins={})
    assert vz_cli.VzCli(module).vzlist_json() == []
    assert module.calls[0][0] == ['/opt/vzlist', '-j']


@pytest.mark.parametrize('rc, err, expected', [
    (91, 'Cached OS template /vz/template/cache/x.tar not found\nCreation of container private area failed\n',
     'vzctl create 101 failed with rc 91 (OS template not found): Creation of container private area failed'),
    (32, 'Container is already running\n', 'rc 32 (container running): Container is already running'),
    (21, 'Bad parameter for --ram: 12Q\n', 'rc 21 (invalid value): Bad parameter for --ram: 12Q'),
    (130, '/usr/sbin/vznetcfg exited with error\n', '(veth error (includes vznetcfg failure))'),
    (250, '', 'rc 250 (unknown exit code)'),
])
def test_failure_messages_name_meaning(rc, err, expected):
    module = FakeModule([(rc, '', err)])
    with pytest.raises(vz_cli.VzCliError) as info:
        vz_cli.VzCli(module).vzctl(['create', 101])
    assert expected in info.value.msg
    assert info.value.rc == rc and info.value.stderr == err
    assert info.value.cmd == ['/usr/sbin/vzctl', 'create', '101']
    assert set(info.value.fail_kwargs()) == {'msg', 'cmd', 'rc', 'stdout', 'stderr'}


def test_lock_is_reported_clearly():
    err = 'Locked by: pid 4242, cmdline vzctl start 101\nContainer already locked\n'
    module = FakeModule([(9, '', err)])
    with pytest.raises(vz_cli.VzCliError) as info:
        vz_cli.VzCli(module).vzctl(['set', 101, '--cpus', 2, '--save'])
    assert 'locked by another vzctl command (rc 9' in info.value.msg
    assert 'Locked by: pid 4242' in info.value.msg and 'Container already locked' in info.value.msg


def test_destroy_running_message_on_stdout():
    module = FakeModule([(32, 'Container is currently running. Stop it first.\n', '')])
    with pytest.raises(vz_cli.VzCliError) as info:
        vz_cli.VzCli(module).vzctl(['destroy', 101])
    assert info.value.msg.endswith('(container running): Container is currently running. Stop it first.')


def test_ok_rcs():
    module = FakeModule([(9, '', 'Container already locked\n')])
    assert vz_cli.VzCli(module).vzctl(['status', 101], ok_rcs=(0, 9))[0] == 9


def test_secret_masked():
    module = FakeModule([(74, '', 'Unable to change password for root:s3cret\n')])
    cli = vz_cli.VzCli(module)
    with pytest.raises(vz_cli.VzCliError) as info:
        cli.vzctl(['set', 101, '--userpasswd', 'root:s3cret'], secret='s3cret')
    assert module.calls[0][0][-1] == 'root:s3cret'
    assert 's3cret' not in repr(info.value.fail_kwargs()) and 's3cret' not in repr(cli.commands)
    assert 'rc 74 (password change error)' in info.value.msg


def test_vzlist_failure_and_bad_json():
    module = FakeModule([(1, '', 'Container(s) not found\n'), (0, 'garbage', '')])
    cli = vz_cli.VzCli(module)
    with pytest.raises(vz_cli.VzCliError) as info:
        cli.vzlist_json(['101'])
    assert info.value.msg == 'vzlist failed (rc 1): Container(s) not found'
    with pytest.raises(vz_cli.VzCliError) as info:
        cli.vzlist_json()
    assert 'not JSON' in info.value.msg


def test_every_documented_code_has_a_meaning():
    for rc in (1, 3, 9, 14, 20, 21, 28, 29, 31, 32, 33, 41, 43, 44, 63, 79, 82, 91, 105, 130, 131, 133, 139):
        assert vz_cli.exit_code_meaning(rc) != 'unknown exit code'
