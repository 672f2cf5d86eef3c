"""Template cache benchmarks: first sync of N templates vs cp, unchanged re-run of 50 templates.

Runs the template module's code (plugins/module_utils/template_cache.py) in-process, so the
numbers are module time without Ansible's per-task overhead. ``cp`` does not flush to disk;
the module fsyncs before the rename, so ``cp + sync`` is the like-for-like baseline. Sizes via environment:
BENCH_TEMPLATES_N (default 8), BENCH_TEMPLATE_MB (default 64), BENCH_RERUN_N (default 50),
BENCH_DIR (default /var/tmp).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROUNDS = 3
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, ensure_collection_link())

from ansible_collections.openvz.cloud.plugins.module_utils import template_cache as tc  # noqa: E402


def make_template(path, size):
    """A plain tar whose single member is ``size`` bytes of incompressible data."""
    with open(path, 'wb') as handle:
        header = tarfile.TarInfo('rootfs.img')
        header.size = size
        handle.write(header.tobuf(format=tarfile.USTAR_FORMAT))
        chunk = os.urandom(1024 * 1024)
        written = 0
        while written < size:
            part = chunk[:min(len(chunk), size - written)]
            handle.write(part)
            written += len(part)
        handle.write(b'\0' * ((512 - size % 512) % 512 + 1024))


def drop_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def time_cp(sources, target, sync):
    drop_dir(target)
    start = time.perf_counter()
    for src in sources:
        dest = os.path.join(target, os.path.basename(src))
        subprocess.check_call(['cp', src, dest])
        if sync:
            subprocess.check_call(['sync', dest])
    return time.perf_counter() - start


def sync_templates(sources, cache_dir, checksums=None):
    cache = tc.TemplateCache(cache_dir)
    changed = 0
    for index, src in enumerate(sources):
        request = tc.TemplateRequest('tpl-%03d' % index, src, checksums[index] if checksums else None)
        changed += tc.ensure_present(cache, request, tc.Source(src), check_mode=False)['changed']
    return changed


class ReadCounter(object):
    """Counts template bytes read by the module code (digests and copies)."""

    def __init__(self):
        self.bytes = 0
        self._digest = tc.file_digest
        self._open = tc.Source.open

    def __enter__(self):
        counter = self

        def counting_digest(path, algorithm):
            counter.bytes += os.path.getsize(path)
            return counter._digest(path, algorithm)

        def counting_open(source):
            stream, size = counter._open(source)
            counter.bytes += size or 0
            return stream, size
        tc.file_digest = counting_digest
        tc.Source.open = counting_open
        return self

    def __exit__(self, *exc):
        tc.file_digest = self._digest
        tc.Source.open = self._open


def main():
    count = int(os.environ.get('BENCH_TEMPLATES_N', '8'))
    size_mb = int(os.environ.get('BENCH_TEMPLATE_MB', '64'))
    rerun = int(os.environ.get('BENCH_RERUN_N', '50'))
    work = tempfile.mkdtemp(prefix='bench-templates.', dir=os.environ.get('BENCH_DIR', '/var/tmp'))
    try:
        sources_dir = os.path.join(work, 'export')
        os.makedirs(sources_dir)
        sources = []
        for index in range(max(count, rerun)):
            path = os.path.join(sources_dir, 'tpl-%03d.tar' % index)
            make_template(path, size_mb * 1024 * 1024 if index < count else 64 * 1024)
            sources.append(path)
        first = sources[:count]
        total_mb = count * size_mb
        # Warm the page cache for every contender alike.
        time_cp(first, os.path.join(work, 'warm'), sync=False)

        cache_dir = os.path.join(work, 'template', 'cache')
        timings = {'cp': [], 'cp_sync': [], 'module': []}
        for _round in range(ROUNDS):
            # Interleaved rounds, each timing after a sync, median kept: writeback noise is large.
            os.sync()
            timings['cp'].append(time_cp(first, os.path.join(work, 'cp'), sync=False))
            os.sync()
            timings['cp_sync'].append(time_cp(first, os.path.join(work, 'cp-sync'), sync=True))
            drop_dir(cache_dir)
            os.sync()
            start = time.perf_counter()
            installed = sync_templates(first, cache_dir)
            timings['module'].append(time.perf_counter() - start)
            assert installed == count
        cp_plain, cp_synced, module_first = (statistics.median(timings[key]) for key in ('cp', 'cp_sync', 'module'))

        rerun_sources = sources[:rerun]
        rerun_cache = os.path.join(work, 'rerun', 'template', 'cache')
        drop_dir(rerun_cache)
        sync_templates(rerun_sources, rerun_cache)
        with ReadCounter() as counter:
            start = time.perf_counter()
            changed = sync_templates(rerun_sources, rerun_cache)
            module_rerun = time.perf_counter() - start
        assert changed == 0

        print('| row | time (s) | ratio | target |')
        print('|---|---:|---:|---|')
        print('| cp, %d x %d MiB (%d MiB), median of %d | %.3f | 1.00 | |' % (count, size_mb, total_mb, ROUNDS, cp_plain))
        print('| cp + sync per file | %.3f | %.2f | |' % (cp_synced, cp_synced / cp_plain))
        print('| template first sync (copy + sha256 + fsync + rename) | %.3f | %.2f vs cp, %.2f vs cp+sync | <= 1.2x |'
              % (module_first, module_first / cp_plain, module_first / cp_synced))
        print('| template unchanged re-run, %d templates | %.3f | %d template bytes read | < 1 s, 0 bytes |'
              % (rerun, module_rerun, counter.bytes))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
