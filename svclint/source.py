"""Read an input file as text, turning every way it can be unreadable into a Diagnostic."""

from __future__ import annotations

import codecs
import errno
import functools
import os
import stat
from pathlib import Path

from svclint.model import Diagnostic

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB


def real_path(path: Path) -> Path:
    """`Path.resolve()` that survives symbolic link loops (before Python 3.13 it raises
    RuntimeError on them): a loop resolves as far as it can, and reading it then fails.
    Built on the memoised real path of the directory, so a file costs one `lstat`."""
    cwd = str(Path.cwd())
    if not path.is_absolute():
        path = Path(cwd) / path
    if path.parent == path:
        return path
    return _step(_resolved(path.parent, cwd), path.name)


def display_path(path: Path) -> str:
    """Repository-style path: relative to the working directory when under it, `/`-separated.
    Directories are resolved, the file itself is not: a symbolic link is shown by its own name."""
    return _display_path(path, str(Path.cwd()))


@functools.lru_cache(maxsize=65536)
def _display_path(path: Path, cwd: str) -> str:
    """Memoised per working directory: a run asks for the same paths many times."""
    try:
        return (_resolved(path.parent, cwd) / path.name).relative_to(_resolved(Path(cwd), cwd)).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=16384)
def _resolved(directory: Path, cwd: str) -> Path:
    """A directory's real path, built on its parent's (memoised too): one `lstat` per new
    directory, where `realpath` would check every component of every path again."""
    if not directory.is_absolute():
        return _resolved(Path(cwd) / directory, cwd)
    if directory.parent == directory:
        return directory
    return _step(_resolved(directory.parent, cwd), directory.name)


def _step(base: Path, name: str) -> Path:
    """One component further from a real path: only a symbolic link needs `realpath`."""
    if name == "..":
        return base.parent
    candidate = base / name
    return Path(os.path.realpath(candidate)) if candidate.is_symlink() else candidate


def read_bytes(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | Diagnostic:
    """The file's bytes, or why it cannot be read (too large, a directory, no permission, a
    broken or looping symbolic link). The size is checked before reading, so a huge file costs
    one `stat`."""
    try:
        info = path.stat()
        size = info.st_size
        if stat.S_ISDIR(info.st_mode):
            return Diagnostic(shown, 1, 1, "cannot read file: is a directory")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return Diagnostic(shown, 1, 1, "cannot read file: not a regular file")
        if size > max_bytes:
            limit = f"the {human_size(max_bytes)} limit (--max-file-size)"
            return Diagnostic(shown, 1, 1, f"file skipped: {human_size(size)} exceeds {limit}")
        return path.read_bytes()
    except PermissionError:
        return Diagnostic(shown, 1, 1, "cannot read file: permission denied")
    except OSError as exc:
        return Diagnostic(shown, 1, 1, f"cannot read file: {_os_reason(path, exc)}")


def human_size(size: int) -> str:
    """`20 MB`, `1.5 KB`, `10 bytes`: one decimal at most, none when it is zero."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _os_reason(path: Path, exc: OSError) -> str:
    """Say what is wrong in words a user can act on, not as an errno string."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "broken symbolic link"
    return (exc.strerror or str(exc)).lower()


def read_text(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | Diagnostic:
    """The file's text with newlines normalised to `\\n`, or why it cannot be read."""
    data = read_bytes(path, shown, max_bytes)
    return data if isinstance(data, Diagnostic) else decode(data, shown)


def decode(data: bytes, shown: str) -> str | Diagnostic:
    """Text from UTF-8 (with or without BOM) or BOM-marked UTF-16; NUL bytes mean binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return Diagnostic(shown, 1, 1, f"invalid UTF-16 at byte {exc.start}")
        return _nul_free(text, shown) or _normalised(text)
    nul = data.find(b"\x00")
    if nul >= 0:
        return Diagnostic(shown, *_position(data, nul), "file skipped: binary content (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Diagnostic(shown, *_position(data, exc.start), f"invalid UTF-8 (byte 0x{data[exc.start]:02x})")
    return _normalised(text)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of `offset`; any of CRLF, LF or CR ends a line."""
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1


def _nul_free(text: str, shown: str) -> Diagnostic | None:
    if "\x00" not in text:
        return None
    before = _normalised(text[: text.index("\x00")])
    return Diagnostic(shown, before.count("\n") + 1, len(before) - before.rfind("\n"), "NUL character in text")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
