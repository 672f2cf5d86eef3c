"""prl-disp-service, as prlctl and prlsrvctl see it: every command logs in to it first.

OpenVZ/prlctl src/PrlSrv.cpp (PrlSrv::login) prints ``Login failed: <SDK text>`` and
src/Utils.cpp (prlerr2exitcode) exits 253 for PRL_ERR_CANT_CONNECT_TO_DISPATCHER; the text
is prl-sdk's string for that code. Test-only switch: ``DISPATCHER=stopped`` in the
emulator settings (emulator.conf) stands for a stopped service.
"""

import sys

CANT_CONNECT_RC = 253
CANT_CONNECT_TEXT = ("Login failed: Unable to connect to Virtuozzo. You may experience a connection "
                     "problem or the server may be down. Contact your Virtuozzo administrator for assistance.")


def refused(host):
    """The exit code when the dispatcher is down (the message written), else None."""
    if host.settings.get("DISPATCHER", "running") != "stopped":
        return None
    sys.stderr.write(CANT_CONNECT_TEXT + "\n")
    return CANT_CONNECT_RC
