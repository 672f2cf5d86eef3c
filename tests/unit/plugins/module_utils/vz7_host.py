"""An OpenVZ 7/9 host tree for planner and module tests, from the emulator's real outputs.

``fixtures/vz7`` holds what an emulated vz7 host printed and wrote (openvz-emulator-setup
--flavour vz7): web1 (prlctl create --uuid, running, a NIC in bridge vmbr0 and one on the
Bridged network, a snapshot) and 101 (vzctl create 101 --name db1, stopped).
"""

import os

from vz_host import copy_host

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'vz7')
WEB1 = '0f5c7a1e-1d2b-4c3d-8e9f-0a1b2c3d4e5f'
DB1_UUID = '611c1101-bdec-47b3-96b5-15b76062f8b2'
EZ_CACHE = 'centos-7-x86_64.plain.ploopv2.tar.lz4'
LEGACY_CACHE = 'old-1.0-x86_64.tar.gz'


def make_vz7_host(tmp_path):
    """The vz7 host: fixture configs; the cache holds an EZ ploop cache and a legacy tarball."""
    return copy_host(tmp_path, FIXTURES, (EZ_CACHE, LEGACY_CACHE))


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts)) as handle:
        return handle.read()


def reply(*parts):
    """(0, <fixture text>, '')."""
    return (0, fixture(*parts), '')
