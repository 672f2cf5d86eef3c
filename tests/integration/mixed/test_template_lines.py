"""openvz.cloud.template on both lines: check mode with diff, install, second run unchanged,
checksum and name refusals that keep the installed file, removal - of the precreated tar.gz
on ovz1 (legacy) and of the EZ cache .plain.ploopv2.tar.lz4 under its real name on ovz2
(OpenVZ 7), byte for byte (the play compares sha256 and size with the source)."""

import os

from lablib import Lab

from .conftest import REPO_ROOT, ssh_ok

TARGET = os.path.join(REPO_ROOT, "tests", "integration", "targets", "template", "main.yml")


def test_template_module_on_both_lines(mixed_lab):
    result = Lab(mixed_lab).run_playbook(TARGET, diff=True)
    assert result.rc == 0, str(result)
    assert sorted(result.task_results("Check the results")) == ["ovz1", "ovz2"]
    installed = result.task_results("Install")
    assert installed["ovz1"]["diff"]["after"]["file"] == "it-template-copy.tar.gz"
    assert installed["ovz2"]["diff"]["after"]["file"] == "it-template-copy.plain.ploopv2.tar.lz4"
    for host in ("ovz1", "ovz2"):
        assert ssh_ok(mixed_lab, host, "sh", "-c", "ls -A /vz/template/cache | grep it-template-copy || true") == ""
