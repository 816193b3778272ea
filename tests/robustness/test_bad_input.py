"""Hostile and broken inputs: each gives one `path:line:col: message` line, the run goes on.

Every case writes its bad file next to `good.tf`, whose one finding (SVC022 at 3:3) shows that
the other files are still linted. The corpus is generated here, never committed.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import main

GOOD = 'provider "azurerm" {\n  features {}\n  client_secret = "Zx8Q~0123456789abcdef"\n}\n'
GOOD_FINDING = "good.tf:3:3: SVC022"
TEMPLATE = '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
DEEP = 2_000
PROBLEM = re.compile(r"^\S.*:\d+:\d+: (?!SVC\d)")


def invoke(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--no-cache", "--jobs", "1", *args])
    return result.exit_code, (result.stdout + result.stderr).splitlines()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.tf").write_text(GOOD)
    return tmp_path


def _problems(lines: list[str]) -> list[str]:
    """Diagnostic lines: `path:line:col: message` that are not findings."""
    return [line for line in lines if PROBLEM.match(line)]


BAD_FILES: dict[str, tuple[str, bytes, str]] = {
    # case: (file name, content, the one diagnostic expected)
    "binary-tf": (
        "bin.tf",
        b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
        "bin.tf:1:8: file skipped: binary content (NUL byte)",
    ),
    "binary-bicep": ("bin.bicep", b"PK\x03\x04\x14\x00\x00", "bin.bicep:1:6: file skipped: binary content (NUL byte)"),
    "invalid-utf8": ("latin1.tf", b'locals {\n  x = "caf\xe9"\n}\n', "latin1.tf:2:11: invalid UTF-8 (byte 0xe9)"),
    "nul-byte": ("nul.tf", b'locals {\n  x = "a\x00b"\n}\n', "nul.tf:2:9: file skipped: binary content (NUL byte)"),
    "truncated": ("cut.tf", GOOD.encode()[:60], "cut.tf:3:20: parse error: unterminated string"),
    "unterminated-heredoc": (
        "doc.tf",
        b"locals {\n  x = <<EOF\nhello\n",
        "doc.tf:2:7: parse error: unterminated heredoc (no closing EOF)",
    ),
    "unterminated-string-tf": ("str.tf", b'locals {\n  x = "abc\n}\n', "str.tf:2:8: parse error: unterminated string"),
    "unterminated-comment-tf": (
        "com.tf",
        b"locals {\n  /* never closed\n}\n",
        "com.tf:2:3: parse error: unterminated comment",
    ),
    "unterminated-string-bicep": ("str.bicep", b"var x = 'abc\n", "str.bicep:1:9: parse error: unterminated string"),
    "unterminated-comment-bicep": (
        "com.bicep",
        b"var x = 1 /* never\n",
        "com.bicep:1:11: parse error: unterminated comment '/*'",
    ),
    "unterminated-string-arm": (
        "str.json",
        TEMPLATE.encode() + b'  "x": "abc\n',
        "str.json:3:8: parse error: unterminated string starting at 3:8",
    ),
    "unterminated-comment-arm": (
        "com.json",
        TEMPLATE.encode() + b"  /* x\n",
        "com.json:3:3: parse error: unterminated comment starting at 3:3",
    ),
    "deep-hcl": (
        "deep.tf",
        f"locals {{\n  x = {'[' * DEEP}{']' * DEEP}\n}}\n".encode(),
        "deep.tf:1:1: parse error: nesting too deep to parse",
    ),
    "deep-bicep": (
        "deep.bicep",
        f"var x = {'[' * DEEP}{']' * DEEP}\n".encode(),
        "deep.bicep:1:509: parse error: nesting too deep (limit 500)",
    ),
    "deep-arm": (
        "deep.json",
        TEMPLATE.encode() + f'  "x": {"[" * DEEP}{"]" * DEEP}\n}}\n'.encode(),
        "deep.json:3:263: parse error: nesting too deep (limit 256)",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_gives_one_diagnostic_and_the_run_goes_on(workdir: Path, case: str) -> None:
    name, content, expected = BAD_FILES[case]
    (workdir / name).write_bytes(content)
    code, lines = invoke(".")
    assert _problems(lines) == [expected]
    assert any(line.startswith(GOOD_FINDING) for line in lines)
    assert code == 1  # the finding decides: the bad file alone does not make the run fail


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_nothing_lintable_is_exit_2(workdir: Path, case: str) -> None:
    name, content, expected = BAD_FILES[case]
    (workdir / name).write_bytes(content)
    code, lines = invoke(name)
    assert (code, _problems(lines)) == (2, [expected])


def test_fail_on_parse_error_exits_1_without_findings(workdir: Path) -> None:
    (workdir / "good.tf").write_text('locals {\n  x = "fine"\n}\n')
    (workdir / "str.tf").write_text('locals {\n  x = "abc\n}\n')
    assert invoke(".")[0] == 0
    assert invoke(".", "--fail-on-parse-error")[0] == 1


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf8-bom": lambda text: codecs.BOM_UTF8 + text.encode(),
    "utf16-le-bom": lambda text: text.encode("utf-16"),
    "utf16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode(),
    "lone-cr": lambda text: text.replace("\n", "\r").encode(),
}


@pytest.mark.parametrize("encoding", ENCODINGS, ids=list(ENCODINGS))
def test_other_encodings_and_line_ends_keep_positions(workdir: Path, encoding: str) -> None:
    (workdir / "good.tf").write_bytes(ENCODINGS[encoding](GOOD))
    code, lines = invoke(".")
    assert _problems(lines) == []
    assert lines[0].startswith(GOOD_FINDING) and code == 1


@pytest.mark.parametrize("name", ["empty.tf", "empty.bicep", "empty.tf.json"])
def test_empty_files_are_fine(workdir: Path, name: str) -> None:
    (workdir / name).write_bytes(b"")
    _code, lines = invoke(".")
    assert (
        _problems(lines) == []
        if name != "empty.tf.json"
        else _problems(lines) == ["empty.tf.json:1:1: parse error: unexpected end of input"]
    )
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_huge_file_is_skipped_unread_and_fast(workdir: Path) -> None:
    line = b'locals { x = "' + b"a" * 100 + b'" }\n'
    (workdir / "huge.tf").write_bytes(line * (20 * 1024 * 1024 // len(line) + 1))
    started = time.perf_counter()
    code, lines = invoke(".")
    assert time.perf_counter() - started < 5
    assert _problems(lines) == ["huge.tf:1:1: file skipped: 20 MB exceeds the 10 MB limit (--max-file-size)"]
    assert code == 1


def test_max_file_size_is_configurable(workdir: Path) -> None:
    (workdir / ".svclint.yaml").write_text("max-file-size: 50\n")
    code, lines = invoke(".")
    assert _problems(lines) == ["good.tf:1:1: file skipped: 79 bytes exceeds the 50 bytes limit (--max-file-size)"]
    assert code == 2
    assert invoke(".", "--max-file-size", "1KB")[0] == 1
    code, lines = invoke(".", "--max-file-size", "lots")
    assert (code, lines) == (
        2,
        ["svclint: error: command line: max-file-size: 'lots' is not a size such as 10MB, 512KB or 1000000"],
    )


def test_symlink_loop_and_dangling_link(workdir: Path) -> None:
    (workdir / "a.tf").symlink_to("b.tf")
    (workdir / "b.tf").symlink_to("a.tf")
    (workdir / "gone.tf").symlink_to("missing.tf")
    (workdir / "self").symlink_to(".")  # a directory loop: never followed
    code, lines = invoke(".")
    assert _problems(lines) == [
        "a.tf:1:1: cannot read file: symbolic link loop",
        "b.tf:1:1: cannot read file: symbolic link loop",
        "gone.tf:1:1: cannot read file: broken symbolic link",
    ]
    assert code == 1
    assert invoke("a.tf", "gone.tf")[0] == 2  # named explicitly: still diagnostics, not a crash


def test_directory_named_like_a_file_is_walked_not_read(workdir: Path) -> None:
    (workdir / "x.tf").mkdir()
    (workdir / "x.tf" / "inner.tf").write_text(GOOD)
    _code, lines = invoke(".")
    assert _problems(lines) == []
    assert [line.split(" ")[0] for line in lines if " SVC" in line] == ["good.tf:3:3:", "x.tf/inner.tf:3:3:"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_not_read(workdir: Path) -> None:
    os.mkfifo(workdir / "pipe.tf")
    _code, lines = invoke(".")
    assert _problems(lines) == ["pipe.tf:1:1: cannot read file: not a regular file"]


def test_unreadable_file_simulated(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads anything, so CI simulates the permission error where svclint meets it."""
    (workdir / "secret.tf").write_text(GOOD)
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "secret.tf":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, lines = invoke(".")
    assert _problems(lines) == ["secret.tf:1:1: cannot read file: permission denied"]
    assert code == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions only")
def test_unreadable_file_for_real(workdir: Path) -> None:
    locked = workdir / "locked.tf"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        assert _problems(invoke(".")[1]) == ["locked.tf:1:1: cannot read file: permission denied"]
    finally:
        locked.chmod(0o644)
