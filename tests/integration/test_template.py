"""Fault tests for openvz.cloud.template, run as real module processes on this machine.

Each test runs the module the way Ansible does (a Python process reading its arguments),
against a template cache in a temporary directory, with an HTTP source on 127.0.0.1 that
the test controls, and then breaks something for real: SIGKILL mid-copy, a full tmpfs,
a corrupted source, two installs of the same template at once.
"""

import hashlib
import http.server
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = ensure_collection_link()
MODULE = 'ansible_collections.openvz.cloud.plugins.modules.template'


def make_template(size):
    """A plain tar with one member of ``size`` pseudo-random bytes."""
    buffer = io.BytesIO()
    payload = (hashlib.sha256(b'seed').digest() * (size // 32 + 1))[:size]
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo('rootfs.img')
        info.size = size
        archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


class SlowServer(object):
    """HTTP server on 127.0.0.1 sending a body in chunks with a pause between them."""

    def __init__(self, body, chunk=64 * 1024, pause=0.02, content_length=True):
        self.body = body
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API name
                self.send_response(200)
                if content_length:
                    self.send_header('Content-Length', str(len(server.body)))
                self.end_headers()
                try:
                    for offset in range(0, len(server.body), chunk):
                        self.wfile.write(server.body[offset:offset + chunk])
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/template.tar' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def module_argv(args, wrapper=None):
    argv = [sys.executable, '-m', MODULE, json.dumps({'ANSIBLE_MODULE_ARGS': args})]
    return (wrapper or []) + argv


def module_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = COLLECTIONS
    return env


def run_module(args, wrapper=None):
    proc = subprocess.run(module_argv(args, wrapper), env=module_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, check=False)
    return json.loads(proc.stdout)


@pytest.fixture
def cache_dir(tmp_path):
    path = tmp_path / 'template' / 'cache'
    path.mkdir(parents=True)
    return str(path)


def parts(cache_dir):
    return sorted(name for name in os.listdir(cache_dir) if name.endswith('.part'))


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_killed_copy_leaves_no_template_and_next_run_completes(cache_dir):
    body = make_template(4 * 1024 * 1024)
    checksum = 'sha256:' + hashlib.sha256(body).hexdigest()
    args = {'name': 'killed', 'src': None, 'checksum': checksum, 'cache_dir': cache_dir}
    with SlowServer(body) as server:
        args['src'] = server.url
        proc = subprocess.Popen(module_argv(args), env=module_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert wait_for(lambda: parts(cache_dir) and os.path.getsize(os.path.join(cache_dir, parts(cache_dir)[0])) > 0)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL
        names = os.listdir(cache_dir)
        assert not any(name.startswith('killed.tar') for name in names)
        assert len(parts(cache_dir)) == 1 and '.%d.' % proc.pid in parts(cache_dir)[0]

        result = run_module(args)
    assert result['changed'] is True, result
    assert any('interrupted copy' in action for action in result['actions'])
    assert os.listdir(cache_dir) == ['killed.tar']
    with open(os.path.join(cache_dir, 'killed.tar'), 'rb') as handle:
        assert handle.read() == body


def test_corrupted_source_is_never_installed(cache_dir):
    body = make_template(256 * 1024)
    corrupted = body[:-1000] + b'\x01' + body[-999:]
    with SlowServer(corrupted, pause=0) as server:
        result = run_module({'name': 'corrupt', 'src': server.url, 'cache_dir': cache_dir,
                             'checksum': 'sha256:' + hashlib.sha256(body).hexdigest()})
    assert result['failed'] is True
    assert result['msg'].startswith('Checksum mismatch for %s' % server.url)
    assert os.listdir(cache_dir) == []


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which('unshare') is None,
                    reason='needs root and unshare to mount a small tmpfs in a private mount namespace')
def test_full_disk_reports_and_leaves_nothing(tmp_path):
    cache_dir = str(tmp_path / 'small' / 'template' / 'cache')
    os.makedirs(os.path.dirname(cache_dir))
    body = make_template(3 * 1024 * 1024)
    # The cache lives on a 1 MiB tmpfs mounted only inside the module's own mount namespace.
    wrapper = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
               'mount -t tmpfs -o size=1m tmpfs "$1" && mkdir "$1/cache" && shift && exec "$@"',
               'sh', os.path.dirname(cache_dir)]
    with SlowServer(body, pause=0, content_length=False) as server:
        script_args = {'name': 'full', 'src': server.url, 'cache_dir': cache_dir}
        full = run_module(script_args, wrapper)
        with SlowServer(body, pause=0) as sized:
            script_args['src'] = sized.url
            refused = run_module(script_args, wrapper)
    assert full['failed'] is True
    assert full['msg'] == ('No space left on device in %s while copying %s; nothing was installed'
                           % (cache_dir, server.url))
    assert refused['failed'] is True and refused['msg'].startswith('Not enough space in %s' % cache_dir)


def test_two_installs_at_once_give_one_template(cache_dir):
    body = make_template(2 * 1024 * 1024)
    checksum = 'sha256:' + hashlib.sha256(body).hexdigest()
    with SlowServer(body, pause=0.01) as server:
        args = {'name': 'twice', 'src': server.url, 'checksum': checksum, 'cache_dir': cache_dir}
        procs = [subprocess.Popen(module_argv(args), env=module_env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True) for _index in range(2)]
        results = [json.loads(proc.communicate(timeout=120)[0]) for proc in procs]
    # The per-template lock serialises them: one copies, the other then finds it in place.
    assert sorted(result['changed'] for result in results) == [False, True]
    assert os.listdir(cache_dir) == ['twice.tar']
