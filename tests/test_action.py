"""The composite GitHub Action: its metadata, and its shell steps run with GitHub's files faked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_composite_and_every_run_step_sets_a_shell() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        assert "uses" in step or step.get("shell") == "bash"


def test_action_uses_only_inputs_it_declares() -> None:
    used = set(re.findall(r"inputs\.([a-z-]+)", (ROOT / "action.yml").read_text()))
    assert used <= set(ACTION["inputs"])
    assert {
        "path",
        "config",
        "fail-on",
        "baseline",
        "sarif-file",
        "upload-sarif",
        "version",
    } <= set(ACTION["inputs"])


def test_sarif_upload_is_skipped_for_forks_and_when_disabled() -> None:
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert "head.repo.full_name == github.repository" in upload["if"]
    assert "!cancelled()" in upload["if"]


def _run_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    svclint = shutil.which("svclint")
    if svclint is None:
        pytest.skip("svclint is not installed as a command in this environment")
    env = {
        **os.environ,
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    (tmp_path / "summary.md").write_text("previous step's summary\n")
    done = subprocess.run(["bash", str(ROOT / "action" / "run.sh")], cwd=ROOT, env=env, capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines())
    return done, outputs


def test_run_step_writes_annotations_sarif_summary_and_exit_code(tmp_path: Path) -> None:
    sarif = tmp_path / "out.sarif"
    done, outputs = _run_step(tmp_path, path="fixtures/demo", sarif_file=str(sarif))
    assert done.returncode == 0  # the gate is a later step, after the upload
    assert outputs == {"exit-code": "1"}
    assert "::error file=fixtures/demo/main.tf,line=49,col=5," in done.stdout
    assert json.loads(sarif.read_text())["runs"][0]["results"]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("previous step's summary\n## svclint ")
    assert "| SVC002 | 1 |" in summary


def test_run_step_passes_fail_on_and_reports_errors(tmp_path: Path) -> None:
    _, outputs = _run_step(
        tmp_path,
        path="fixtures/terraform/SVC016/bad",
        fail_on="error",
        sarif_file=str(tmp_path / "s"),
    )
    assert outputs == {"exit-code": "0"}
    done, outputs = _run_step(tmp_path, path="no/such/dir", sarif_file=str(tmp_path / "s"))
    assert outputs == {"exit-code": "2"} and done.returncode == 2


def test_install_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(ROOT / "action" / "install.sh")], check=True)
