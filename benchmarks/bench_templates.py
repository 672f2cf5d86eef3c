"""Template cache benchmarks: first sync of N templates vs cp, unchanged re-run of 50 templates.

Runs the template module's code (plugins/module_utils/_templates/) in-process, so the
numbers are module time without Ansible's per-task overhead. Every first sync verifies a
sha256, as template.properties supplies one. ``cp`` neither verifies nor flushes to disk;
the module fsyncs before the rename, so ``cp + sync`` is the like-for-like baseline, and
``sha256 alone`` is the floor no verifying copy can beat. Rows come twice: with the sources
in the page cache (warm) and with the sources' pages evicted (cold: the first sync from NFS
secondary storage never finds the export in the host's page cache).
Sizes via environment: BENCH_TEMPLATES_N (default 8), BENCH_TEMPLATE_MB (default 64),
BENCH_RERUN_N (default 50), BENCH_DIR (default /var/tmp).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROUNDS = 11
CHUNK = 4 * 1024 * 1024
CHECKSUMS = {}  # source path -> sha256 hex, computed once like an export's template.properties
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, ensure_collection_link())

from ansible_collections.openvz.cloud.plugins.module_utils._templates import archive, cache as template_cache, copy  # noqa: E402


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


def evict(path):
    """Drop a flushed file's pages from the page cache (posix_fadvise DONTNEED)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def fresh_dir(path, sources, cold, earlier_outputs):
    """A new empty directory with everything flushed; the sources cached (warm) or not (cold).

    Nothing is deleted between timed runs: on a filesystem mounted with ``discard``, freeing
    the blocks of an earlier run slows a later fsync by a varying amount. Earlier runs' output
    is evicted from the page cache instead, so every run reuses the same memory rather than
    touching fresh pages (slow in a VM). Cold evicts only the sources' data, as a first sync
    from NFS meets it: the export's bytes are not cached, the host's own directories are.
    """
    os.makedirs(path)
    os.sync()
    for root, _dirs, files in os.walk(earlier_outputs):
        for name in files:
            evict(os.path.join(root, name))
    for src in sources:
        if cold:
            evict(src)
        else:
            with open(src, 'rb') as handle:
                while handle.read(CHUNK):
                    pass


def time_cp(sources, target, sync):
    start = time.perf_counter()
    for src in sources:
        dest = os.path.join(target, os.path.basename(src))
        subprocess.check_call(['cp', src, dest])
        if sync:
            subprocess.check_call(['sync', dest])
    return time.perf_counter() - start


def time_sha256(sources):
    start = time.perf_counter()
    for src in sources:
        CHECKSUMS[src] = archive.file_digest(src, 'sha256')
    return time.perf_counter() - start


def sync_templates(sources, cache_dir, expect):
    """Install each source with its sha256 to verify, as template.properties supplies it."""
    cache = template_cache.TemplateCache(cache_dir)
    changed = 0
    for index, src in enumerate(sources):
        request = template_cache.TemplateRequest('tpl-%03d' % index, src, 'sha256:' + CHECKSUMS[src])
        changed += template_cache.ensure_present(cache, request, copy.Source(src), check_mode=False)['changed']
    assert changed == expect, (changed, expect)


class ReadCounter(object):
    """Counts template bytes read by the module code (digests and copies)."""

    def __init__(self):
        self.bytes = 0
        self._digest = archive.file_digest
        self._open = copy.Source.open

    def __enter__(self):
        counter = self

        def counting_digest(path, algorithm):
            counter.bytes += os.path.getsize(path)
            return counter._digest(path, algorithm)

        def counting_open(source):
            stream, size = counter._open(source)
            counter.bytes += size or 0
            return stream, size
        archive.file_digest = counting_digest
        copy.Source.open = counting_open
        return self

    def __exit__(self, *exc):
        archive.file_digest = self._digest
        copy.Source.open = self._open


def time_first_sync(first, work, cold):
    """Median seconds per contender over interleaved rounds, each into a fresh directory."""
    contenders = (
        ('cp', lambda target: time_cp(first, target, sync=False)),
        ('cp_sync', lambda target: time_cp(first, target, sync=True)),
        ('module', lambda target: timed(lambda: sync_templates(first, target, expect=len(first)))),
    )
    timings = dict((name, []) for name, _run in contenders)
    for index in range(ROUNDS):
        # Rotate the order: whoever runs right after another's big flush pays for it.
        for name, run in contenders[index % len(contenders):] + contenders[:index % len(contenders)]:
            target = os.path.join(work, 'cold' if cold else 'warm', str(index), name)
            fresh_dir(target, first, cold, os.path.join(work, 'cold' if cold else 'warm'))
            timings[name].append(run(target))
    shutil.rmtree(os.path.join(work, 'cold' if cold else 'warm'))
    return dict((name, statistics.median(values)) for name, values in timings.items())


def timed(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


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

        time_sha256(sources)  # the checksums; warms the page cache
        hash_only = statistics.median(time_sha256(first) for _round in range(ROUNDS))
        warm = time_first_sync(first, work, cold=False)
        cold = time_first_sync(first, work, cold=True)

        rerun_sources = sources[:rerun]
        rerun_cache = os.path.join(work, 'rerun', 'template', 'cache')
        os.makedirs(rerun_cache)
        sync_templates(rerun_sources, rerun_cache, expect=rerun)
        with ReadCounter() as counter:
            module_rerun = timed(lambda: sync_templates(rerun_sources, rerun_cache, expect=0))

        print('First sync of %d templates x %d MiB (%d MiB); median of %d interleaved rounds.' % (count, size_mb, total_mb, ROUNDS))
        print('The module copies, hashes (sha256), fsyncs and renames; cp + sync is the like-for-like baseline.')
        print('')
        print('| row | time (s) | vs cp | vs cp + sync | target |')
        print('|---|---:|---:|---:|---|')
        print('| sha256 alone, warm page cache (hash floor) | %.3f | %.2f | %.2f | |'
              % (hash_only, hash_only / warm['cp'], hash_only / warm['cp_sync']))
        for label, row in (('warm', warm), ('cold', cold)):
            print('| cp, %s source cache | %.3f | 1.00 | | |' % (label, row['cp']))
            print('| cp + sync per file, %s | %.3f | %.2f | 1.00 | |' % (label, row['cp_sync'], row['cp_sync'] / row['cp']))
            print('| template first sync, %s | %.3f | %.2f | %.2f | <= 1.2x |'
                  % (label, row['module'], row['module'] / row['cp'], row['module'] / row['cp_sync']))
        print('| template unchanged re-run, %d templates | %.3f | %d template bytes read | | < 1 s, 0 bytes |'
              % (rerun, module_rerun, counter.bytes))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
