"""The execution environment, built by following the README's steps literally.

The README's EE block (between the ``ee-steps`` markers) is run line by line in a copy of
the checkout, with ``ansible-builder build`` replaced by ``ansible-builder create``: these
machines have no container runtime (podman or docker) to build the image itself, so the
test stops at the build context and inspects it.
"""

import glob
import os
import re
import subprocess
import sys
import tarfile

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)
STEPS = re.compile(r"<!-- ee-steps -->\s*```sh\n(.*?)```\s*<!-- /ee-steps -->", re.S)


def readme_ee_steps():
    with open(os.path.join(REPO_ROOT, "README.md")) as handle:
        found = STEPS.findall(handle.read())
    assert len(found) == 1, "README.md must hold one ee-steps block"
    return [line for line in found[0].splitlines() if line.strip() and not line.startswith("#")]


def run(command, cwd):
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", os.defpath))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert result.returncode == 0, "%s:\n%s" % (command, result.stdout)
    return result.stdout


def test_docs_give_the_same_steps():
    steps = readme_ee_steps()
    assert steps[-1] == "ansible-builder build"
    with open(os.path.join(REPO_ROOT, "docs", "docsite", "rst", "awx.rst")) as handle:
        awx = handle.read()
    for step in steps:
        assert step in awx


def test_readme_steps_give_a_context_with_the_collection(tmp_path):
    workdir = tmp_path / "repo"
    # A copy of what git tracks (and new files), as a fresh clone has it: ee-build/ and the
    # context never land in the checkout.
    run("git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ %s/"
        % workdir, cwd=REPO_ROOT)
    output = ""
    for step in readme_ee_steps():
        output += run(step.replace("ansible-builder build", "ansible-builder create", 1), cwd=str(workdir))
    assert "No matches" not in output and "Complete!" in output, output

    with open(os.path.join(REPO_ROOT, "galaxy.yml")) as handle:
        version = yaml.safe_load(handle)["version"]
    context = workdir / "context"
    shipped = glob.glob(str(context / "_build" / "openvz-collection" / "*.tar.gz"))
    assert [os.path.basename(path) for path in shipped] == ["openvz-cloud-%s.tar.gz" % version]
    with tarfile.open(shipped[0]) as archive:
        names = archive.getnames()
        manifest = yaml.safe_load(archive.extractfile("MANIFEST.json"))
    assert manifest["collection_info"]["namespace"] == "openvz"
    assert manifest["collection_info"]["name"] == "cloud"
    assert manifest["collection_info"]["version"] == version
    assert "meta/execution-environment.yml" in names and "meta/runtime.yml" in names

    # Containerfile for podman, Dockerfile when ansible-builder falls back to docker.
    written = [name for name in ("Containerfile", "Dockerfile") if (context / name).is_file()]
    assert len(written) == 1, written
    containerfile = (context / written[0]).read_text()
    assert "ansible-core==2.19.14" in containerfile
    assert "COPY _build/openvz-collection /build/openvz-collection" in containerfile
    # The image renames the one tarball to the name the galaxy requirement installs.
    assert "RUN mv /build/openvz-collection/openvz-cloud-*.tar.gz /build/openvz-collection/openvz-cloud.tar.gz" \
        in containerfile
    assert containerfile.index("RUN mv /build/openvz-collection") < containerfile.index("ansible-galaxy collection install")
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"] == [{"name": "/build/openvz-collection/openvz-cloud.tar.gz", "type": "file"}]
