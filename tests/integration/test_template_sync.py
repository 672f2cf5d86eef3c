"""template_sync role against a real NFS export (kernel nfsd) in the full-kernel lab VM.

The test builds a CloudStack secondary-storage layout (template.properties written with
Java properties rules, TAR templates - one of them an OpenVZ 7/9 EZ cache, lz4 inside -, a
QCOW2 one that must be skipped), exports it with nfs-kernel-server inside the VM and lets the
role mount it over NFS on the same VM. The sync and a second run are asserted on both lines
(the VM provisioned as a legacy host, then as an OpenVZ 7 host), check mode on 7/9 and
pruning on legacy (the role does both the same way on either line).
"""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = ensure_collection_link()
sys.path.insert(0, COLLECTIONS)

from ansible_collections.openvz.cloud.plugins.module_utils.java_properties import dumps  # noqa: E402
from vm_fixture import provisioned_as, ssh_ok  # noqa: E402  pylint: disable=wrong-import-position

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
CONVERGE = os.path.join(REPO, 'extensions', 'molecule', 'template_sync', 'converge.yml')
EXPORT = '/srv/it-secondary'
MOUNT = '/mnt/openvz-cloud-secondary'
CACHE = '/vz/template/cache'
LOCK = '/vz/template/.openvz-cloud/template_sync.lock'
EZ_NAME = 'it-ez-x86_64.plain.ploopv2'


def tar_bytes(label, size):
    buffer = io.BytesIO()
    payload = (hashlib.sha256(label.encode()).digest() * (size // 32 + 1))[:size]
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo('etc/%s' % label)
        info.size = size
        archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def tar_template_properties(template_id, account, filename, size):
    """template.properties the way the SSVM stores a TAR template (keys in arbitrary order)."""
    return dumps({
        'tar.virtualsize': size, 'filename': filename, 'id': template_id, 'tar.size': size,
        'public': 'true', 'uniquename': '%s-%s-%s' % (template_id, account, uuid.uuid4()),
        'description': 'it: template %s' % template_id, 'hvm': 'false', 'tar': 'true',
        'virtualsize': size, 'tar.filename': filename, 'size': size,
    })


class Export(object):
    """The CloudStack layout built locally, then unpacked into the VM's export directory."""

    def __init__(self):
        self.files = {}
        self.templates = {}

    def add_tar(self, account, template_id, content):
        filename = '%s.tar' % uuid.uuid4()
        base = 'template/tmpl/%s/%s/' % (account, template_id)
        self.files[base + filename] = content
        self.files[base + 'template.properties'] = tar_template_properties(template_id, account, filename, len(content))
        self.templates[str(template_id)] = content

    def add(self, path, content):
        self.files[path] = content

    def archive(self):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w:gz') as archive:
            for path, content in sorted(self.files.items()):
                info = tarfile.TarInfo(path)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        return buffer.getvalue()


@pytest.fixture(scope='module')
def export(vm_lab):  # pylint: disable=redefined-outer-name
    content = Export()
    content.add_tar(2, 201, tar_bytes('plain', 300000))
    import lzma
    content.add_tar(2, 202, lzma.compress(tar_bytes('xz-inside-tar-url', 200000)))
    content.add('template/tmpl/1/3/template.properties', dumps({
        'qcow2.filename': 'routing.qcow2', 'qcow2': 'true', 'uniquename': 'routing-3', 'virtualsize': 10,
        'qcow2.size': 10, 'size': 10, 'filename': 'routing.qcow2'}))
    content.add('template/tmpl/1/3/routing.qcow2', b'QFI\xfb' + b'\0' * 6)
    content.add('seed/system-base.tar', tar_bytes('system', 50000))
    # an OpenVZ 7/9 EZ cache registered as a TAR template: lz4 inside, stored as <uuid>.tar
    content.add_tar(2, 203, subprocess.run(['lz4', '-q', '-c'], input=tar_bytes('ez', 250000),
                                           stdout=subprocess.PIPE, check=True).stdout)
    subprocess.run(vm_lab.ssh_argv(['sh', '-c', 'rm -rf "$0" && mkdir -p "$0" && tar -xzf - -C "$0"', EXPORT]),
                   input=content.archive(), check=True, timeout=120, capture_output=True)
    ssh_ok(vm_lab, ['mkdir', '-p', CACHE])
    ssh_ok(vm_lab, ['systemctl', 'start', 'nfs-server'], timeout=180)
    ssh_ok(vm_lab, ['exportfs', '-o', 'ro,insecure,no_subtree_check,no_root_squash', '127.0.0.1:' + EXPORT])
    try:
        yield content
    finally:
        vm_lab.ssh(['sh', '-c', 'umount "$0" 2>/dev/null; exportfs -u 127.0.0.1:"$1"; rm -rf "$1" "$2"; '
                    'rm -f "$3"/it-* "$3"/.openvz-cloud.it-*; rm -f "$4"/it-*.json; rmdir "$5" 2>/dev/null; true',
                    MOUNT, EXPORT, MOUNT, CACHE, os.path.dirname(LOCK), LOCK])


def role_vars(**extra):
    variables = {
        'template_sync_nfs_server': '127.0.0.1',
        'template_sync_nfs_export': EXPORT,
        'template_sync_nfs_extra_options': ['vers=4.2'],
        'template_sync_names': {'201': 'it-plain-x86_64', '202': 'it-xz-x86_64', '203': EZ_NAME},
        'template_sync_system_template': {'name': 'it-system', 'src': 'seed/system-base.tar'},
        'template_sync_lock_delay': 1,
    }
    variables.update(extra)
    return variables


def ansible_env(**extra):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOST_KEY_CHECKING='False',
                ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', **extra)


def converge(vm, tmp_path, variables, check=False, background=False):
    vars_file = tmp_path / ('vars-%s.json' % uuid.uuid4().hex)
    vars_file.write_text(json.dumps(variables))
    argv = [ANSIBLE_PLAYBOOK, '-i', vm.inventory, CONVERGE, '-e', '@%s' % vars_file]
    if check:
        argv.append('--check')
    proc = subprocess.Popen(argv, env=ansible_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if background:
        return proc
    return finish(proc)


def finish(proc):
    out, err = proc.communicate(timeout=900)
    return proc.returncode, out, out + err


def recap_changed(out):
    """``changed=N`` of the PLAY RECAP line (one host)."""
    match = re.search(r'^\S+\s+: ok=\d+\s+changed=(\d+)', out, re.MULTILINE)
    assert match, out
    return int(match.group(1))


def cache_listing(vm):
    return sorted(ssh_ok(vm, ['ls', '-A', CACHE]).split())


def mounted(vm):
    return vm.ssh(['findmnt', '--mountpoint', MOUNT]).returncode == 0


def sha256_in_vm(vm, path):
    return ssh_ok(vm, ['sha256sum', path]).split()[0]


@pytest.fixture(params=['legacy', 'vz7'])
def sync_host(request, vm_lab, export):  # pylint: disable=redefined-outer-name
    """The VM as a host of one line with none of the test's templates in its cache."""
    clear_installed(vm_lab)
    with provisioned_as(vm_lab, request.param):
        try:
            yield request.param, vm_lab
        finally:
            clear_installed(vm_lab)


def clear_installed(vm):
    ssh_ok(vm, ['sh', '-c', 'rm -f "$0"/it-* "$0"/.openvz-cloud.it-* "$1"/it-*.json', CACHE, os.path.dirname(LOCK)])


def template_info(vm, pattern):
    env = ansible_env(ANSIBLE_LOAD_CALLBACK_PLUGINS='1', ANSIBLE_STDOUT_CALLBACK='ansible.posix.json')
    result = subprocess.run([os.path.join(os.path.dirname(ANSIBLE_PLAYBOOK), 'ansible'), 'all', '-i', vm.inventory,
                             '-m', 'openvz.cloud.template_info', '-a', 'name=' + pattern],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    hosts = json.loads(result.stdout)['plays'][0]['tasks'][0]['hosts']
    return list(hosts.values())[0]


def test_sync_installs_byte_for_byte_and_is_idempotent(sync_host, export, tmp_path):  # pylint: disable=redefined-outer-name
    flavour, vm = sync_host
    if flavour == 'vz7':  # check mode once; the role does the same on both lines
        rc, out, output = converge(vm, tmp_path, role_vars(), check=True)
        assert rc == 0, output
        assert recap_changed(out) > 0 and not any(name.startswith('it-') for name in cache_listing(vm))
        assert not mounted(vm)

    rc, out, output = converge(vm, tmp_path, role_vars())
    assert rc == 0, output
    assert recap_changed(out) > 0
    listing = cache_listing(vm)
    assert 'it-plain-x86_64.tar' in listing and 'it-xz-x86_64.tar.xz' in listing and 'it-system.tar' in listing
    assert not any(name.startswith('routing-3') for name in listing)  # QCOW2 is not a TAR template
    installed = (('it-plain-x86_64.tar', '201'), ('it-xz-x86_64.tar.xz', '202'), (EZ_NAME + '.tar.lz4', '203'))
    for name, template_id in installed:
        assert sha256_in_vm(vm, '%s/%s' % (CACHE, name)) == hashlib.sha256(export.templates[template_id]).hexdigest()
    assert not mounted(vm)
    assert vm.ssh(['test', '-e', LOCK]).returncode != 0
    ez = template_info(vm, EZ_NAME + '*')['templates']
    assert [(entry['file'], entry['kind'], entry['image']) for entry in ez] == [(EZ_NAME + '.tar.lz4', 'ez', 'ploopv2')]
    # only a 7/9 host creates containers from it, and only ploop ones
    assert ez[0]['layouts'] == (['ploop'] if flavour == 'vz7' else [])

    rc, out, output = converge(vm, tmp_path, role_vars())
    assert rc == 0, output
    assert recap_changed(out) == 0, output

    if flavour == 'legacy':  # prune once: what the export no longer has goes, seeded ones stay
        ssh_ok(vm, ['mv', EXPORT + '/template/tmpl/2/202', EXPORT + '/202.hidden'])
        try:
            rc, _report, output = converge(vm, tmp_path, role_vars(template_sync_prune=True))
            assert rc == 0, output
            listing = cache_listing(vm)
            assert 'it-xz-x86_64.tar.xz' not in listing and 'it-plain-x86_64.tar' in listing
            assert 'it-system.tar' in listing  # seeded, not from the export's template tree
        finally:
            ssh_ok(vm, ['mv', EXPORT + '/202.hidden', EXPORT + '/template/tmpl/2/202'])


def test_corrupted_source_is_never_installed(vm_lab, export, tmp_path):  # pylint: disable=redefined-outer-name
    variables = role_vars(template_sync_ids=['201'], template_sync_names={'201': 'it-corrupt'},
                          template_sync_catalogue={'it-corrupt': 'sha256:' + '0' * 64})
    rc, _report, output = converge(vm_lab, tmp_path, variables)
    assert rc != 0
    assert 'Checksum mismatch' in output and 'nothing was installed' in output
    assert not any(name.startswith('it-corrupt') for name in cache_listing(vm_lab))
    assert not mounted(vm_lab)
    assert vm_lab.ssh(['test', '-e', LOCK]).returncode != 0


def test_unknown_template_id_fails_clearly(vm_lab, export, tmp_path):  # pylint: disable=redefined-outer-name
    rc, _report, output = converge(vm_lab, tmp_path, role_vars(template_sync_ids=['3', '999']))
    assert rc != 0
    assert 'Template ids 3, 999 are not TAR templates' in output, output


def test_two_syncs_at_once(vm_lab, export, tmp_path):  # pylint: disable=redefined-outer-name
    variables = role_vars(template_sync_names={'201': 'it-twice-a', '202': 'it-twice-b', '203': 'it-twice-c.plain'})
    first = converge(vm_lab, tmp_path, variables, background=True)
    second = converge(vm_lab, tmp_path, variables, background=True)
    results = [finish(first), finish(second)]
    assert [rc for rc, _out, _output in results] == [0, 0], results
    listing = cache_listing(vm_lab)
    assert listing.count('it-twice-a.tar') == 1 and listing.count('it-twice-b.tar.xz') == 1
    assert listing.count('it-twice-c.plain.tar.lz4') == 1
    assert not [name for name in listing if name.endswith('.part')]
    changed = sorted(len(re.findall(r'^changed: \[\S+\] => \(item=\d+ it-twice-', out, re.MULTILINE))
                     for _rc, out, _output in results)
    assert changed == [0, 3]  # one sync installed all, the other waited and found them in place
