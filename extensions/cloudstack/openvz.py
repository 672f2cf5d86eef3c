#!/usr/bin/python3 -S
# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudStack Orchestrator extension for OpenVZ hosts: ``openvz.py <action> <payload> <timeout>``.

A thin entry: it makes the openvz.cloud collection importable (from this repository, or
from the ``openvz_cloud`` directory the cloudstack_extension role installs beside it),
runs the action through ``plugins/module_utils/_cloudstack`` and prints exactly one JSON
document on stdout. Nothing ever goes to stderr (CloudStack merges it into stdout), every
failure is ``{"status": "error", "error": ...}`` with exit code 1, and the answer comes
before the timeout CloudStack passes. Python 3.6+, standard library only: ``-S`` skips
site-packages (nothing from there is used, and their start-up hooks cost each call).
"""

import io
import json
import os
import signal
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
# Where the collection's files are: installed beside this file, or this repository.
CANDIDATE_ROOTS = (os.path.join(HERE, 'openvz_cloud'), os.path.dirname(os.path.dirname(HERE)))
MARKER = os.path.join('plugins', 'module_utils', '_cloudstack', 'extension.py')


class CallTimeout(Exception):
    pass


def collection_root():
    for root in CANDIDATE_ROOTS:
        if os.path.isfile(os.path.join(root, MARKER)):
            return root
    return None


def register_collection(root):
    """``ansible_collections.openvz.cloud`` as namespace modules over ``root`` (no
    symlinks, no ansible-core); an installed ansible_collections is not consulted."""
    names = ('ansible_collections', 'ansible_collections.openvz', 'ansible_collections.openvz.cloud')
    for name in names:
        module = types.ModuleType(name)
        module.__path__ = [root] if name.endswith('.cloud') else []
        sys.modules[name] = module
    sys.modules['ansible_collections'].openvz = sys.modules['ansible_collections.openvz']
    sys.modules['ansible_collections.openvz'].cloud = sys.modules['ansible_collections.openvz.cloud']


def urllib_opener(url, timeout=60, validate_certs=True, decompress=False):
    """Template downloads with the standard library (ansible-core is not installed here);
    urllib never decompresses, so a ``.tar.gz`` served gzip-encoded stays gzip."""
    import ssl
    from urllib.request import urlopen
    context = None
    if url.startswith('https://') and not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return urlopen(url, timeout=timeout, context=context)


def error_document(message):
    return 1, {'status': 'error', 'error': message}


def _on_alarm(signum, frame):
    raise CallTimeout()


def run(argv):
    """``(rc, document)`` for one invocation; document None prints nothing (prepare)."""
    if len(argv) < 3:
        return error_document('Usage: openvz.py <action> <payload.json> [timeout]; got %d '
                              'argument(s)' % (len(argv) - 1))
    action, payload_path = argv[1].strip().lower(), argv[2]
    try:
        timeout = int(float(argv[3])) if len(argv) > 3 and argv[3].strip() else 1800
    except ValueError:
        timeout = 1800
    root = collection_root()
    if root is None:
        return error_document('The openvz.cloud collection was not found beside %s (looked '
                              'in %s)' % (__file__, ', '.join(CANDIDATE_ROOTS)))
    register_collection(root)
    from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack import payload
    from ansible_collections.openvz.cloud.plugins.module_utils._cloudstack.extension import (
        TIMEOUT_MARGIN, run_action)
    try:
        request = payload.load(payload_path, action)
    except payload.PayloadError as exc:
        return error_document(str(exc))
    secrets = request.secrets()
    if timeout > 0:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(max(1, timeout - TIMEOUT_MARGIN // 2))
    try:
        rc, document = run_action(request, timeout, opener=urllib_opener)
    except CallTimeout:
        rc, document = error_document('Action %s did not finish within the %s s CloudStack '
                                      'allows' % (action, timeout))
    finally:
        signal.alarm(0)
    return rc, _masked(document, secrets)


def _masked(document, secrets):
    if document is None or not secrets:
        return document
    text = json.dumps(document)
    for secret in secrets:
        text = text.replace(json.dumps(secret)[1:-1], '********')
    return json.loads(text)


def main():
    # CloudStack merges stderr into the stdout it parses: nothing may ever land there,
    # not even a traceback or a warning, and stray prints must not corrupt the document.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    real_stdout = sys.stdout
    sys.stdout = sys.stderr = io.StringIO()
    try:
        rc, document = run(sys.argv)
    except BaseException as exc:  # every failure must still be one JSON document
        rc, document = error_document('Internal error in the OpenVZ extension: %s: %s'
                                      % (type(exc).__name__, exc))
    sys.stdout = real_stdout
    if document is not None:
        real_stdout.write(json.dumps(document, sort_keys=True) + '\n')
    real_stdout.flush()
    return rc


if __name__ == '__main__':
    sys.exit(main())
