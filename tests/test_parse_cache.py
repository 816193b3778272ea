"""The parse cache and the process pool give exactly what a plain serial parse gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from svclint import parse_cache
from svclint.parse_cache import ParseCache, parse_files
from tests.conftest import FIXTURES


def _corpus(tmp_path: Path, n: int) -> list[Path]:
    source = (FIXTURES / "demo" / "main.tf").read_text()
    paths = []
    for i in range(n):
        path = tmp_path / f"m{i:03}.tf"
        path.write_text(source.replace("orders", f"orders{i}"))
        paths.append(path)
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n')
    return [*paths, tmp_path / "broken.tf"]


def test_cache_and_pool_match_a_serial_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    files = _corpus(src, 12)
    serial = parse_files(files, ParseCache(None), jobs=1)
    monkeypatch.setattr(parse_cache, "PARALLEL_THRESHOLD", 4)
    cache = ParseCache(tmp_path / "cache")
    pooled = parse_files(files, cache, jobs=2)
    assert pooled == serial
    assert list(pooled) == files
    with sqlite3.connect(tmp_path / "cache" / "parsed.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM parsed").fetchone() == (13,)
    warm = parse_files(files, ParseCache(tmp_path / "cache"), jobs=2)
    assert warm == serial


def test_changed_content_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "x_y" "a" {}\n')
    cache = ParseCache(tmp_path / "cache")
    first = parse_files([path], cache, jobs=1)[path]
    path.write_text('resource "x_y" "b" {}\n')
    second = parse_files([path], cache, jobs=1)[path]
    assert [b.labels for b in first.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]
    assert [b.labels for b in second.body.blocks] == [("x_y", "b")]  # type: ignore[union-attr]


def test_corrupt_or_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "x_y" "a" {}\n')
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "parsed.sqlite3").write_bytes(b"not a database")
    result = parse_files([path], ParseCache(tmp_path / "cache"), jobs=1)[path]
    assert [b.labels for b in result.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    result = parse_files([path], ParseCache(blocked / "cache"), jobs=1)[path]
    assert [b.labels for b in result.body.blocks] == [("x_y", "a")]  # type: ignore[union-attr]
