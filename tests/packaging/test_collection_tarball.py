"""The collection tarball a Galaxy user installs: what it holds, and that it installs and documents itself."""

import fnmatch
import os
import subprocess
import sys
import tarfile

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)

# Every file of the tarball matches one of these; the ones marked required must be there.
SHIPPED = [
    "MANIFEST.json", "FILES.json", "LICENSE", "README.md", "CHANGELOG.rst",
    "changelogs/changelog.yaml", "changelogs/config.yaml", "changelogs/fragments/*.yml",
    "meta/runtime.yml", "meta/execution-environment.yml", "meta/ee-*.txt",
    "plugins/connection/*.py", "plugins/doc_fragments/*.py", "plugins/filter/*.py", "plugins/inventory/*.py",
    "plugins/module_utils/*.py", "plugins/modules/*.py",
    "roles/*/README.md", "roles/*/defaults/main.yml", "roles/*/handlers/main.yml", "roles/*/meta/*.yml",
    "roles/*/tasks/*.yml", "roles/*/templates/*.j2", "roles/*/vars/main.yml",
    "playbooks/README.md", "playbooks/*.yml",
    "docs/docsite/*.yml", "docs/docsite/rst/*.rst", "docs/examples/awx/*/*.yml", "docs/examples/containers/*.yml",
    "docs/examples/inventory/*.yml",
    # What `ansible-test units` runs from an installed collection, and its fixtures.
    "tests/collection_path.py", "tests/unit/*",
]
REQUIRED = [
    "LICENSE", "README.md", "CHANGELOG.rst", "changelogs/changelog.yaml", "meta/runtime.yml",
    "meta/execution-environment.yml", "plugins/modules/container.py", "plugins/filter/cloudstack_guid.py", "plugins/connection/openvz.py",
    "roles/host/meta/argument_specs.yml", "playbooks/site.yml", "playbooks/containers.yml",
    "docs/docsite/extra-docs.yml", "docs/docsite/links.yml", "tests/unit/conftest.py",
]
# Development tooling and anything built never ships.
NEVER = ["Makefile", "scripts/*", "benchmarks/*", "requirements/*", "extensions/*", ".ci/*",
         "tests/lab/*", "tests/emulator/*", "tests/integration/*", "tests/agent_standin/*", "tests/packaging/*",
         "build/*", ".venv*", "ee-build/*", "*.tar.gz", "*.pyc", "*__pycache__*", "execution-environment.yml",
         "changelogs/.plugin-cache.yaml"]
MAX_TARBALL_BYTES = 1024 * 1024


def run(argv, cwd=REPO_ROOT, env=None):
    result = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False)
    assert result.returncode == 0, "%s:\n%s" % (argv, result.stdout)
    return result.stdout


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    """Built from the checkout as a user (or Galaxy's import) builds it."""
    out = tmp_path_factory.mktemp("dist")
    run([os.path.join(VENV_BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), REPO_ROOT])
    built = os.listdir(str(out))
    assert len(built) == 1 and built[0].startswith("openvz-cloud-"), built
    return str(out / built[0])


def test_tarball_holds_the_collection_and_nothing_else(tarball):
    with tarfile.open(tarball) as archive:
        files = [member.name for member in archive.getmembers() if not member.isdir()]
    unexpected = [name for name in files if not any(fnmatch.fnmatch(name, pattern) for pattern in SHIPPED)]
    assert not unexpected, unexpected
    forbidden = [name for name in files if any(fnmatch.fnmatch(name, pattern) for pattern in NEVER)]
    assert not forbidden, forbidden
    missing = [name for name in REQUIRED if name not in files]
    assert not missing, missing
    assert os.path.getsize(tarball) < MAX_TARBALL_BYTES


def test_installed_tarball_documents_its_content(tarball, tmp_path):
    """Installed as from Galaxy: ansible-doc finds every module, the filter and the roles."""
    collections = tmp_path / "collections"
    # only the new directory: with the repository's link on the path (make exports it),
    # ansible-galaxy would call the collection installed and skip it
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))
    run([os.path.join(VENV_BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections),
         tarball], env=env)
    listed = run([os.path.join(VENV_BIN, "ansible-doc"), "-t", "module", "-l", "openvz.cloud"], env=env)
    for module in ("container", "containers", "container_info", "bridge", "vlan", "host_info",
                   "local_storage_info", "template", "agent_properties"):
        assert "openvz.cloud.%s " % module in listed
    assert "openvz.cloud.cloudstack_guid" in run(
        [os.path.join(VENV_BIN, "ansible-doc"), "-t", "filter", "-l", "openvz.cloud"], env=env)
    roles = run([os.path.join(VENV_BIN, "ansible-doc"), "-t", "role", "-l", "openvz.cloud"], env=env)
    for role in ("agent", "host", "template_sync"):
        assert "openvz.cloud.%s" % role in roles


def test_readme_content_table_names_everything():
    with open(os.path.join(REPO_ROOT, "README.md")) as handle:
        readme = handle.read()
    table = readme[readme.index("## Content"):readme.index("## Development")]
    names = [os.path.splitext(name)[0] for kind in ("modules", "filter")
             for name in os.listdir(os.path.join(REPO_ROOT, "plugins", kind)) if name.endswith(".py")]
    names += [name for name in os.listdir(os.path.join(REPO_ROOT, "roles")) if not name.startswith(".")]
    names += [os.path.splitext(name)[0] for name in os.listdir(os.path.join(REPO_ROOT, "playbooks"))
              if name.endswith(".yml")]
    missing = [name for name in names if "| `openvz.cloud.%s` |" % name not in table]
    assert not missing, missing
