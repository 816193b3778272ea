"""Resource limits: a per-file parse time budget, and nesting just under each front end's
depth limit going through the whole pipeline without a RecursionError."""

from __future__ import annotations

import time
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner

from svclint import parsers, pipeline
from svclint.cli import main
from svclint.parsers import bicep_syntax, jsonc
from svclint.parsers.hcl_syntax import ConfigFile

GOOD = 'provider "azurerm" {\n  features {}\n  client_secret = "Zx8Q~0123456789abcdef"\n}\n'
TEMPLATE = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", '


def invoke(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--no-cache", *args])
    return result.exit_code, (result.stdout + result.stderr).splitlines()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.tf").write_text(GOOD)
    return tmp_path


def _stall(*args: object) -> NoReturn:
    """A parser stuck in pure Python, as a pathological input would leave it."""
    while True:
        pass


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stuck_terraform_parse_is_cut_off(workdir: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    real = parsers.parse_terraform

    def parse(path: str, text: str) -> ConfigFile:
        return _stall() if path == "slow.tf" else real(path, text)

    monkeypatch.setattr(parsers, "parse_terraform", parse)
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 1)  # jobs=2 really uses the process pool
    (workdir / "slow.tf").write_text("locals {}\n")
    started = time.perf_counter()
    code, lines = invoke(".", "--jobs", jobs, "--parse-timeout", "0.5")
    assert time.perf_counter() - started < 10
    assert lines[0] == "good.tf:3:3: SVC022 Provider `provider.azurerm` has a secret written in 'client_secret'; " + (
        "authenticate with OIDC (`use_oidc = true`) or a managed identity (`use_msi = true`)."
    )
    assert lines[1] == "slow.tf:1:1: file skipped: parsing took longer than 0.5 s (--parse-timeout)"
    assert code == 1


def test_a_stuck_bicep_parse_is_cut_off(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bicep_syntax, "parse", _stall)
    (workdir / "slow.bicep").write_text("param x string\n")
    code, lines = invoke(".", "--jobs", "1", "--parse-timeout", "0.5")
    assert "slow.bicep:1:1: file skipped: parsing took longer than 0.5 s (--parse-timeout)" in lines
    assert code == 1


def test_parse_timeout_from_config(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonc, "loads", _stall)
    (workdir / ".svclint.yaml").write_text("parse-timeout: 0.25\n")
    (workdir / "slow.json").write_text(TEMPLATE + '"resources": []}\n')
    code, lines = invoke(".", "--jobs", "1")
    assert "slow.json:1:1: file skipped: parsing took longer than 0.25 s (--parse-timeout)" in lines
    assert code == 1  # good.tf was linted: the finding decides


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("near.tf", "locals {\n  x = " + "[" * 150 + "]" * 150 + "\n}\n"),
        ("near.bicep", "var x = " + "[" * 490 + "]" * 490 + "\n"),
        ("near.json", TEMPLATE + '"x": ' + "[" * (jsonc.MAX_DEPTH - 2) + "]" * (jsonc.MAX_DEPTH - 2) + "}\n"),
    ],
)
def test_nesting_just_under_the_limit_goes_through_the_pipeline(workdir: Path, name: str, text: str) -> None:
    (workdir / name).write_text(text)
    code, lines = invoke(".", "--jobs", "1", "--select", "ALL")
    assert not any("internal error" in line or f"{name}:" in line for line in lines)
    assert code == 1
