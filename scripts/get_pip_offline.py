"""Stand-in for the get-pip bootstrap script that ansible-test downloads.

ansible-test creates empty virtual environments and runs ``get-pip.py <pip args>`` in
them to install pip and its pinned packages. The real script is fetched from a host
this machine cannot reach; this one does the same job with the interpreter's own
``ensurepip`` and then installs the requested packages from the configured index.
"""

import subprocess
import sys


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
