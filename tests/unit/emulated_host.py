"""Emulated OpenVZ hosts in a temporary root for tests that run the real tools' emulation.

``openvz-emulator-setup`` lays a host out under a root prefix (the emulator's own
``none`` runtime: no namespaces); ``RootedRunner`` runs the host's tools with that root
and reads the host's files under it, as the modules read them on a real host.
"""

import os
import subprocess
import sys

from ansible_collections.openvz.cloud.plugins.module_utils._runner import SubprocessRunner

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
EMULATOR_BIN = os.path.join(REPO, 'tests', 'emulator', 'bin')
BUILDER = os.path.join(REPO, 'tests', 'emulator', 'templates', 'build_busybox_template.py')
EZ_TEMPLATE = 'mini-1.0-x86_64'


def emulator_env(root, environ=None):
    """The environment of the host's tools: its root, no runtime effects, its sbin first."""
    return dict(environ if environ is not None else os.environ, OPENVZ_EMULATOR_ROOT=root,
                OPENVZ_EMULATOR_RUNTIME='none',
                PATH=os.path.join(root, 'usr', 'sbin') + os.pathsep + os.environ['PATH'])


def legacy_root(root):
    """A legacy (vzctl 4.x) host with the busybox template cache."""
    subprocess.check_call([os.path.join(EMULATOR_BIN, 'openvz-emulator-setup'), '--root', root,
                           '--runtime', 'none'], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, BUILDER, os.path.join(root, 'vz', 'template', 'cache')],
                          stdout=subprocess.DEVNULL)
    return root


def vz7_root(root, template=EZ_TEMPLATE):
    """An OpenVZ 7 host (vzctl 7, vzlist 7, prlctl, vzpkg) with the EZ template ``template``
    installed and cached (``vzpkg install template``, ``vzpkg create cache``)."""
    subprocess.check_call([os.path.join(EMULATOR_BIN, 'openvz-emulator-setup'), '--root', root,
                           '--runtime', 'none', '--flavour', 'vz7',
                           '--host-mac', '52:54:00:12:34:56'], stdout=subprocess.DEVNULL)
    env = emulator_env(root)
    for args in (('install', 'template', template), ('create', 'cache', template)):
        subprocess.check_call([os.path.join(EMULATOR_BIN, 'vzpkg')] + list(args), env=env,
                              stdout=subprocess.DEVNULL)
    return root


class RootedRunner(SubprocessRunner):
    """The emulated host's files live under its root prefix."""

    def __init__(self, root):
        super(RootedRunner, self).__init__(env=emulator_env(root))
        self.root = root

    def rooted(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def run(self, argv, *args, **kwargs):
        # a shell script's path arguments (the capacity read's statvfs path) are host paths
        if argv[:2] == ['sh', '-c']:
            argv = argv[:4] + [self.rooted(arg) if arg.startswith('/') else arg for arg in argv[4:]]
        return SubprocessRunner.run(self, argv, *args, **kwargs)

    def read_file(self, path):
        return SubprocessRunner.read_file(self, self.rooted(path))

    def list_dir(self, path):
        return SubprocessRunner.list_dir(self, self.rooted(path))

    def lock(self, path):
        return SubprocessRunner.lock(self, self.rooted(path))
