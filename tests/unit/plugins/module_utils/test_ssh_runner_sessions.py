"""SshRunner's long-lived sessions: the remote lock (flock(1) held by an ssh session),
streamed uploads and the one-round-trip lookup, through a stand-in ``ssh`` that runs the
remote command line locally (everything before ``--`` is ssh's own options)."""

import fcntl
import os
import stat

from ansible_collections.openvz.cloud.plugins.module_utils import _runner

FAKE_SSH = '''#!/bin/sh
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift
exec sh -c "$1"
'''


def fake_ssh(tmp_path):
    path = tmp_path / 'ssh'
    path.write_text(FAKE_SSH)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return _runner.SshRunner('198.18.0.11', ssh=str(path))


def test_remote_lock_excludes_a_local_flock_and_is_released(tmp_path):
    runner = fake_ssh(tmp_path)
    path = str(tmp_path / 'lock' / 'ctid.lck')
    with runner.lock(path):
        with open(path, 'a') as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                held_elsewhere = False
            except OSError:
                held_elsewhere = True
    assert held_elsewhere, 'the module-side flock got the lock while the session held it'
    with open(path, 'a') as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_upload_streams_and_hashes(tmp_path):
    runner = fake_ssh(tmp_path)
    source = tmp_path / 'src'
    source.write_bytes(b'x' * 700000)
    target = str(tmp_path / 'dst')
    with open(str(source), 'rb') as stream:
        size, digest = runner.upload(stream, target, 'sha256', first=b'head')
    assert size == 700004 and open(target, 'rb').read() == b'head' + b'x' * 700000
    import hashlib
    assert digest == hashlib.sha256(b'head' + b'x' * 700000).hexdigest()


def test_prefetch_is_one_round_trip(tmp_path):
    runner = fake_ssh(tmp_path)
    calls = []
    execute = runner._execute

    def counting(argv, data):
        calls.append(argv)
        return execute(argv, data)
    runner._execute = counting
    runner.prefetch(('sh', 'no-such-tool-here'))
    assert len(calls) == 1
    assert runner.find('sh').endswith('/sh') and runner.find('no-such-tool-here', required=False) is None
    assert len(calls) == 1
    assert os.path.isabs(runner.find('sh'))
