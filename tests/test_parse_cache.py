"""The parse cache and the worker processes give exactly what a plain serial run gives."""

from __future__ import annotations

import gc
import shutil
import sqlite3
from pathlib import Path

import pytest

from svclint import pipeline
from svclint.engine.evaluate import Settings
from svclint.engine.loader import load_rules
from svclint.parse_cache import ParseCache, load_documents
from svclint.pipeline import LintResult, Options, lint
from tests.conftest import FIXTURES, NOW


def _corpus(tmp_path: Path, n: int) -> list[Path]:
    source = (FIXTURES / "demo" / "main.tf").read_text()
    paths = []
    for i in range(n):
        path = tmp_path / f"m{i:03}.tf"
        path.write_text(source.replace("orders", f"orders{i}"))
        paths.append(path)
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n')
    return [*paths, tmp_path / "broken.tf"]


def test_the_cache_gives_what_a_fresh_parse_gives(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    files = _corpus(src, 12)
    (src / "main.bicep").write_text("param x string\n// svclint:ignore SVC001 reason\n")
    (src / "t.json").write_text('{"$schema": "deploymentTemplate.json#", "resources": []}')
    files += [src / "main.bicep", src / "t.json"]
    fresh = load_documents(files, ParseCache(None))
    cache = ParseCache(tmp_path / "cache")
    cold = load_documents(files, cache)
    cache.close()
    assert cold == fresh
    assert list(cold) == files
    with sqlite3.connect(tmp_path / "cache" / "svclint.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM parsed").fetchone() == (13,)  # Terraform files only
    assert load_documents(files, ParseCache(tmp_path / "cache")) == fresh


def test_worker_processes_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    broken = tmp_path / "fixtures" / "broken"
    broken.mkdir()
    (broken / "main.tf").write_text('resource "a" "b" {\n')
    (broken / "main.bicep").write_text("param x string = [\n")
    (broken / "azuredeploy.json").write_text('{"$schema": "deploymentTemplate.json#", "resources": [}')
    monkeypatch.chdir(tmp_path)
    rules, tables = load_rules()
    settings = Settings(NOW)

    def run(jobs: int, cache: Path | None) -> LintResult:
        return lint(Options([Path("fixtures")], now=NOW, jobs=jobs, cache_dir=cache), rules, tables, settings)

    serial = run(1, None)
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 4)
    pooled = run(2, tmp_path / "cache")
    warm = run(2, tmp_path / "cache")
    assert serial.findings and len(serial.diagnostics) == 3
    for result in (pooled, warm):
        assert result.findings == serial.findings
        assert result.diagnostics == serial.diagnostics
        assert result.comments == serial.comments
        assert result.headers == serial.headers
        assert result.files == serial.files
        assert sorted(map(repr, result.resources)) == sorted(map(repr, serial.resources))


def test_changed_content_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "x_y" "a" {}\n')
    cache = ParseCache(tmp_path / "cache")
    first = load_documents([path], cache)[path]
    path.write_text('resource "x_y" "b" {}\n')
    second = load_documents([path], cache)[path]
    assert [b.labels for b in first.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]
    assert [b.labels for b in second.body.blocks] == [("x_y", "b")]  # type: ignore[union-attr]


def test_corrupt_or_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "x_y" "a" {}\n')
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "svclint.sqlite3").write_bytes(b"not a database")
    result = load_documents([path], ParseCache(tmp_path / "cache"))[path]
    assert [b.labels for b in result.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    result = load_documents([path], ParseCache(blocked / "cache"))[path]
    assert [b.labels for b in result.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]


def test_a_run_restores_the_callers_garbage_collector_settings(tmp_path: Path) -> None:
    before = gc.get_threshold()
    rules, tables = load_rules()
    lint(Options([FIXTURES / "demo"], now=NOW), rules, tables, Settings(NOW))
    assert gc.get_threshold() == before
