"""Build the stand-in ``cloudstack-agent`` .deb used by the agent role's tests.

    python3 tests/agent_standin/build_deb.py --output DIR [--version VERSION]

Prints the path of the package. The build is reproducible: files are staged with fixed
modes, ``dpkg-deb --root-owner-group`` and ``SOURCE_DATE_EPOCH`` (dpkg-deb clamps file
times to it), so the same inputs give the same bytes.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_TREE = os.path.join(HERE, "package")
PACKAGE_NAME = "cloudstack-agent"
DEFAULT_VERSION = "4.20.0-openvzcloud1"
# 2024-01-01T00:00:00Z: any fixed instant keeps the archive bytes stable.
SOURCE_DATE_EPOCH = "1704067200"
EXECUTABLES = ("DEBIAN/postinst", "DEBIAN/prerm",
               "DEBIAN/postrm")
CONTROL = """Package: {name}
Version: {version}
Architecture: all
Maintainer: openvz.cloud developers <openvz-cloud@example.invalid>
Depends: python3
Section: admin
Priority: optional
Description: CloudStack agent stand-in for openvz.cloud tests
 Reads /etc/cloudstack/agent/agent.properties, connects to each management server
 listed in host on port and sends its guid. Not the real agent.
"""


def build(output_dir, version=DEFAULT_VERSION):
    """Build the package into output_dir and return its path."""
    os.makedirs(output_dir, exist_ok=True)
    deb_path = os.path.join(os.path.abspath(output_dir),
                            "%s_%s_all.deb" % (PACKAGE_NAME, version))
    with tempfile.TemporaryDirectory(prefix="agent-standin-") as staging:
        root = os.path.join(staging, "root")
        shutil.copytree(PACKAGE_TREE, root)
        with open(os.path.join(root, "DEBIAN", "control"), "w") as handle:
            handle.write(CONTROL.format(name=PACKAGE_NAME, version=version))
        for directory, subdirs, files in os.walk(root):
            os.chmod(directory, 0o755)
            for name in files:
                os.chmod(os.path.join(directory, name), 0o644)
            subdirs.sort()
        for relative in EXECUTABLES:
            os.chmod(os.path.join(root, relative), 0o755)
        env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        tmp_deb = deb_path + ".tmp"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, tmp_deb],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        os.replace(tmp_deb, deb_path)
    return deb_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", required=True, help="directory for the .deb")
    parser.add_argument("--version", default=DEFAULT_VERSION)
    args = parser.parse_args(argv)
    print(build(args.output, args.version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
