"""The execution environment definition is accepted by ansible-builder and carries the collection."""

import os
import subprocess
import sys
import tarfile

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)


def run(argv, cwd):
    result = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False)
    assert result.returncode == 0, result.stdout
    return result.stdout


def test_builder_creates_context_with_collection(tmp_path):
    workdir = tmp_path / "repo"
    # Work on a copy so the build output never lands in the checkout.
    run(["rsync", "-a", "--exclude", ".venv*", "--exclude", "build", "--exclude", ".git",
         REPO_ROOT + "/", str(workdir) + "/"], cwd=REPO_ROOT)
    run([os.path.join(VENV_BIN, "ansible-galaxy"), "collection", "build", "--output-path", "ee-build", "."],
        cwd=str(workdir))
    built = [name for name in os.listdir(str(workdir / "ee-build")) if name.endswith(".tar.gz")]
    assert len(built) == 1
    os.rename(str(workdir / "ee-build" / built[0]), str(workdir / "ee-build" / "openvz-cloud.tar.gz"))

    context = tmp_path / "context"
    out = run([os.path.join(VENV_BIN, "ansible-builder"), "create", "--file", "execution-environment.yml",
               "--context", str(context), "--output-filename", "Containerfile"], cwd=str(workdir))
    assert "Complete!" in out

    containerfile = (context / "Containerfile").read_text()
    assert "ansible-core==2.19.14" in containerfile
    assert "ansible-galaxy collection install" in containerfile
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"][0]["type"] == "file"

    shipped = context / "_build" / "openvz-collection" / "openvz-cloud.tar.gz"
    with tarfile.open(str(shipped)) as archive:
        names = archive.getnames()
        manifest = yaml.safe_load(archive.extractfile("MANIFEST.json"))
    assert manifest["collection_info"]["namespace"] == "openvz"
    assert manifest["collection_info"]["name"] == "cloud"
    assert "meta/execution-environment.yml" in names
    assert "meta/runtime.yml" in names
