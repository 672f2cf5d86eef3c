"""Runs every benchmarks/bench_*.py in turn; each prints its own table with ratios."""

import glob
import os
import subprocess
import sys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    scripts = sorted(glob.glob(os.path.join(here, "bench_*.py")))
    if not scripts:
        print("no benchmarks found")
        return 1
    failed = []
    for script in scripts:
        print("== %s" % os.path.basename(script), flush=True)
        if subprocess.call([sys.executable, script]) != 0:
            failed.append(os.path.basename(script))
    if failed:
        print("failed: %s" % ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
