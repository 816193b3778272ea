"""Paths as reports show them: the memoised directory resolution agrees with `realpath`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from svclint.source import _resolved, display_path, real_path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "directory", ["link/sub", "real/sub/..", "link/sub/../..", "loop/x", ".", "missing/a", "../x", "link"]
)
def test_directories_resolve_as_realpath_does(tree: Path, directory: str) -> None:
    for path in (Path(directory), tree / directory):
        assert _resolved(path, str(tree)) == Path(os.path.realpath(path))


@pytest.mark.parametrize("name", ["real/sub/f.tf", "link/sub/f.tf", "link/../real/f.tf", "loop", "link", "/"])
def test_real_path_agrees_with_realpath(tree: Path, name: str) -> None:
    (tree / "real" / "sub" / "f.tf").write_text("")
    (tree / "real" / "f.tf").symlink_to(tree / "real" / "sub" / "f.tf")
    for path in (Path(name), tree / name):
        assert real_path(path) == Path(os.path.realpath(path))


def test_a_linked_file_keeps_its_own_name_under_a_resolved_directory(tree: Path) -> None:
    (tree / "real" / "main.tf").write_text("")
    (tree / "real" / "alias.tf").symlink_to(tree / "real" / "main.tf")
    assert display_path(Path("link/alias.tf")) == "real/alias.tf"
    assert display_path(tree.parent / "elsewhere.tf") == (tree.parent / "elsewhere.tf").as_posix()
