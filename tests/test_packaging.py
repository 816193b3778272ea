"""The wheel ships the rule pack and every subpackage, so `pip install .` works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "svclint").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert on_disk <= listed


def test_wheel_contains_rules_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("svclint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert {f"svclint/_rules/{n}" for n in rules} <= names
    assert "svclint/_rules/schema.json" in names
    assert "svclint/_rules/tables/azure_roles.yaml" in names
    assert "svclint/py.typed" in names
