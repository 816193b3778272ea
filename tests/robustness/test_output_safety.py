"""What reports may carry: no literal secrets, no absolute paths of the runner; and no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main
from svclint.engine.loader import builtin_rules_dir
from svclint.masking import is_secret_attribute, masked_value
from tests.conftest import FIXTURES, ROOT

SECRET = "Zx8Q~0123456789abcdef"
MAIN = f'provider "azurerm" {{\n  features {{}}\n  client_secret = "{SECRET}"\n}}\n'
CHECK_FORMATS = ["text", "json", "sarif", "github", "markdown"]
INVENTORY_FORMATS = ["markdown", "json", "csv", "mermaid"]


def run(*args: str) -> str:
    result = CliRunner().invoke(main, [*args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout + result.stderr


@pytest.fixture
def quoting_rules(tmp_path: Path) -> Path:
    """SVC022 under another id, with a message that quotes the secret (`{value}`)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (builtin_rules_dir() / "SVC022.yaml").read_text(encoding="utf-8").replace("id: SVC022", "id: USR022")
    text = text.replace("has a secret written in '{attribute}'", "has the secret '{value}' in '{attribute}'")
    (rules / "USR022.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "main.tf").write_text(MAIN)
    return rules


@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_check_masks_secret_values_in_every_format(
    tmp_path: Path, quoting_rules: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    out = run("check", ".", "--no-cache", "--rules-dir", "rules", "--format", fmt)
    assert "Zx8***" in out
    assert SECRET[3:9] not in out


@pytest.mark.parametrize("fmt", INVENTORY_FORMATS)
def test_inventory_never_shows_secret_values(
    tmp_path: Path, quoting_rules: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tags.tf").write_text(
        f'resource "azurerm_user_assigned_identity" "id" {{\n  name = "id"\n  tags = {{ password = "{SECRET}" }}\n}}\n'
    )
    out = run("inventory", ".", "--no-cache", "--rules-dir", "rules", "--format", fmt)
    assert SECRET[3:9] not in out


@pytest.mark.parametrize(
    ("attribute", "secret"),
    [
        ("client_secret", True),
        ("app_settings.AZURE_CLIENT_SECRET", True),
        ("properties.servicePrincipalProfile.secret", True),
        ("administrator_login_password", True),
        ("primary_access_key", True),
        ("sas_token", True),
        ("accountKey", True),
        ("storage_connection_string", True),
        ("key_vault_id", False),
        ("secret_expiry_days", False),
        ("subject", False),
        ("keyVaultName", False),
    ],
)
def test_secret_like_attributes(attribute: str, secret: bool) -> None:
    assert is_secret_attribute(attribute) is secret


def test_masking_keeps_three_characters_at_most() -> None:
    assert masked_value("password", SECRET) == "Zx8***"
    assert masked_value("password", "hunter") == "***"  # short: nothing shown
    assert masked_value("connection", "Server=x;Password=hunter2") == "Ser***"  # the text says secret
    assert masked_value("subject", "repo:org/app:ref:refs/heads/main") == "repo:org/app:ref:refs/heads/main"


def test_paths_outside_the_working_directory_are_not_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "outside" / "infra"
    repo.mkdir(parents=True)
    (repo / "main.tf").write_text(MAIN)
    (repo / "broken.tf").write_text('locals {\n  x = "abc\n}\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for fmt in ("json", "sarif", "github", "markdown"):
        out = run("check", str(repo), "--no-cache", "--format", fmt)
        assert str(tmp_path) not in out and "../" not in out, fmt
    report = json.loads(run("check", str(repo), "--no-cache", "--format", "json"))
    assert [f["path"] for f in report["findings"]] == ["infra/main.tf"]
    assert [d["path"] for d in report["diagnostics"]] == ["infra/broken.tf"]
    sarif = json.loads(run("check", "../outside/infra", "--no-cache", "--format", "sarif"))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"}


def test_absolute_paths_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(MAIN)
    monkeypatch.chdir(tmp_path)
    report = json.loads(run("check", ".", "--no-cache", "--format", "json", "--absolute-paths"))
    assert [f["path"] for f in report["findings"]] == [(tmp_path / "main.tf").as_posix()]
    sarif = json.loads(run("check", ".", "--no-cache", "--format", "sarif", "--absolute-paths"))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "main.tf").as_uri()}


NO_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("network access attempted during an svclint run")

socket.socket = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def test_runs_with_the_network_disabled(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], env=env, capture_output=True)
    assert probe.returncode != 0  # the guard is active in the child interpreter
    command = [sys.executable, "-m", "svclint", "check", str(FIXTURES), "--format", "sarif", "--jobs", "2"]
    command += ["--cache-dir", str(tmp_path / "cache"), "-o", str(tmp_path / "out.sarif")]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr and "network access" not in done.stderr
    assert json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
