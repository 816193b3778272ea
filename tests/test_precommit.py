"""The real pre-commit, on a throwaway repository: the hook fails on a finding, passes after the fix.

`pre-commit try-repo` installs this repository into its own environment exactly as a user's
`.pre-commit-config.yaml` would, so this exercises `.pre-commit-hooks.yaml` end to end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = """\
resource "azuread_application_password" "ci" {
  application_id = azuread_application.ci.id
  end_date       = "2026-09-01T00:00:00Z"
}
"""
GOOD = 'resource "azuread_application" "ci" {\n  display_name = "ci"\n  owners       = [var.owner]\n}\n'


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hook_fails_on_a_finding_then_passes_after_the_fix(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (it is in the test extras)")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this checkout to be a git repository")
    repo = tmp_path / "user-repo"
    (repo / "infra").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "infra" / "main.tf").write_text(BAD)
    (repo / "infra" / "variables.tf").write_text('variable "unused" {\n  default = "x"\n}\n')
    (repo / "README.md").write_text("not linted\n")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}

    def run_hook() -> subprocess.CompletedProcess[str]:
        command = [pre_commit, "try-repo", str(ROOT), "svclint", "--all-files", "--verbose"]
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)

    failed = run_hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "infra/main.tf:1:1: SVC012 App registration secret `azuread_application_password.ci`" in failed.stdout
    (repo / "infra" / "main.tf").write_text(GOOD)
    _git(repo, "add", ".")
    passed = run_hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "No findings in 2 files." in passed.stdout
