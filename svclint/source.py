"""Read an input file as text, turning every way it can be unreadable into a Diagnostic."""

from __future__ import annotations

import codecs
from pathlib import Path

from svclint.model import Diagnostic

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def display_path(path: Path) -> str:
    """Repository-style path: relative to the working directory when under it, `/`-separated."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_bytes(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | Diagnostic:
    """The file's bytes, or why it cannot be read (too large, a directory, no permission)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Diagnostic(
                shown,
                1,
                1,
                f"file skipped: {size / 1048576:.1f} MB exceeds the {max_bytes // 1048576} MB limit",
            )
        return path.read_bytes()
    except IsADirectoryError:
        return Diagnostic(shown, 1, 1, "cannot read file: is a directory")
    except PermissionError:
        return Diagnostic(shown, 1, 1, "cannot read file: permission denied")
    except OSError as exc:
        return Diagnostic(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")


def read_text(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | Diagnostic:
    """The file's text with newlines normalised to `\\n`, or why it cannot be read."""
    data = read_bytes(path, shown, max_bytes)
    return data if isinstance(data, Diagnostic) else decode(data, shown)


def decode(data: bytes, shown: str) -> str | Diagnostic:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return Diagnostic(shown, 1, 1, f"invalid UTF-16 at byte {exc.start}")
    else:
        if b"\x00" in data[:8192]:
            return Diagnostic(shown, 1, 1, "file skipped: binary content (NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            return Diagnostic(shown, line, column, f"invalid UTF-8 (byte 0x{data[exc.start]:02x})")
    if "\x00" in text:
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        return Diagnostic(shown, line, index - text.rfind("\n", 0, index), "NUL character in text")
    return text.replace("\r\n", "\n").replace("\r", "\n")
