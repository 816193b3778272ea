"""Parse every `.bicep`/`.bicepparam` file under some directories and report rate and speed.

    python benchmarks/parse_corpus.py DIR [DIR...] [--exclude TEXT] [--compare-pycep]

One table row per DIR (plus a total): files, files parsed without error, parse rate, megabytes
of source, seconds spent parsing (reading files is not timed) and MB/s; then the most common
failure messages, grouped, each with one example `file:line:col`.

`--compare-pycep` also runs pycep-parser over the same files when it is importable. It is not a
svclint dependency: run this script with the interpreter of a throwaway venv that has it, e.g.
`/tmp/pycep-venv/bin/python benchmarks/parse_corpus.py DIR --compare-pycep`. pycep's lexer can
backtrack for minutes on some files, so each of its parses is cut off after `--pycep-timeout`
seconds (counted as a failure); speeds are also compared on the files both parsers accept.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType

PARSER_FILE = Path(__file__).resolve().parent.parent / "svclint" / "parsers" / "bicep_syntax.py"
SUFFIXES = (".bicep", ".bicepparam")

Source = tuple[Path, str, int]  # path, text, size in bytes
# A parse function returns None on success, else (message, line, column).
ParseFn = Callable[[str, str], "tuple[str, int, int] | None"]


@dataclass
class Tally:
    """Results of one parser over one group of files."""

    files: int = 0
    ok: int = 0
    size: int = 0  # bytes on disk
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    # per file: (parsed without error, seconds)
    results: dict[Path, tuple[bool, float]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.files += other.files
        self.ok += other.ok
        self.size += other.size
        self.seconds += other.seconds
        self.failures.update(other.failures)
        for message, example in other.examples.items():
            self.examples.setdefault(message, example)
        self.results.update(other.results)

    def fail(self, message: str, example: str) -> None:
        # group messages that differ only in positions ("to close '[' at 3:5")
        key = re.sub(r"\d+:\d+", "L:C", message)
        key = re.sub(r"line \d+, column \d+", "line L, column C", key)
        self.failures[key] += 1
        self.examples.setdefault(key, example)


def load_parser() -> ModuleType:
    """Load the parser module by path, so any interpreter (say, pycep's throwaway venv) can run
    this script without svclint's own dependencies, which `svclint.parsers` imports. (The
    parser needs only `svclint.model`, which is standard library only.)"""
    sys.path.insert(0, str(PARSER_FILE.parents[2]))
    spec = importlib.util.spec_from_file_location("bicep_syntax", PARSER_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def svclint_parse_fn() -> ParseFn:
    module = load_parser()

    def run(text: str, path: str) -> tuple[str, int, int] | None:
        try:
            module.parse(text, path)
        except module.BicepSyntaxError as error:
            return error.message, error.line, error.column
        return None

    return run


class _Timeout(Exception):
    pass


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def pycep_parse_fn(timeout: float) -> ParseFn | None:
    try:
        from pycep import BicepParser  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    parser = BicepParser()
    can_time_out = hasattr(signal, "setitimer")
    if can_time_out:
        signal.signal(signal.SIGALRM, _raise_timeout)

    def run(text: str, path: str) -> tuple[str, int, int] | None:
        if can_time_out:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            parser.parse(text=text)
        except _Timeout:
            return f"timed out after {timeout:g} s", 0, 0
        except Exception as error:  # pycep lets lark's many error types through
            first = (str(error).strip().splitlines() or [""])[0]
            line, column = getattr(error, "line", 0), getattr(error, "column", 0)
            return f"{type(error).__name__}: {first[:100]}", line, column
        finally:
            if can_time_out:
                signal.setitimer(signal.ITIMER_REAL, 0)
        return None

    return run


def find_files(directory: Path, excludes: list[str]) -> list[Path]:
    found = []
    for path in sorted(directory.rglob("*")):
        lowered = str(path).lower()
        wanted = not any(text.lower() in lowered for text in excludes)
        if wanted and path.suffix in SUFFIXES and path.is_file():
            found.append(path)
    return found


def read_all(paths: list[Path], tally: Tally) -> list[Source]:
    """Decode the files; undecodable ones count as failures of every parser."""
    texts = []
    for path in paths:
        data = path.read_bytes()
        try:
            texts.append((path, data.decode("utf-8-sig"), len(data)))
        except UnicodeDecodeError as error:
            tally.files += 1
            tally.size += len(data)
            tally.fail(f"not UTF-8: {error.reason}", f"{path}:1:1")
    return texts


def measure(parse_fn: ParseFn, files: list[Source]) -> Tally:
    tally = Tally()
    clock = time.perf_counter
    for path, text, size in files:
        tally.files += 1
        tally.size += size
        start = clock()
        result = parse_fn(text, str(path))
        elapsed = clock() - start
        tally.seconds += elapsed
        tally.results[path] = (result is None, elapsed)
        if result is None:
            tally.ok += 1
        else:
            message, line, column = result
            tally.fail(message, f"{path}:{line}:{column}")
    return tally


def speed(size: int, seconds: float) -> float:
    return size / 1e6 / seconds if seconds else 0.0


def print_table(title: str, rows: list[tuple[str, Tally]]) -> None:
    print(f"\n{title}")
    header = f"{'corpus':<48} {'files':>6} {'OK':>6} {'rate %':>7} {'MB':>7} {'s':>7} {'MB/s':>6}"
    print(header)
    print("-" * len(header))
    for name, tally in rows:
        rate = 100.0 * tally.ok / tally.files if tally.files else 0.0
        print(
            f"{name[-48:]:<48} {tally.files:>6} {tally.ok:>6} {rate:>7.2f} "
            f"{tally.size / 1e6:>7.2f} {tally.seconds:>7.2f} "
            f"{speed(tally.size, tally.seconds):>6.2f}"
        )


def print_failures(tally: Tally, top: int) -> None:
    if not tally.failures:
        return
    print(f"\ntop failures ({sum(tally.failures.values())} files):")
    for message, count in tally.failures.most_common(top):
        print(f"{count:>6}  {message}\n        e.g. {tally.examples[message]}")


def run_parser(title: str, parse_fn: ParseFn, groups: list[tuple[str, list[Source], Tally]], top: int) -> Tally:
    rows = []
    total = Tally()
    for name, texts, unreadable in groups:
        tally = measure(parse_fn, texts)
        tally.add(unreadable)
        rows.append((name, tally))
        total.add(tally)
    if len(rows) > 1:
        rows.append(("total", total))
    print_table(title, rows)
    print_failures(total, top)
    return total


def print_common_speed(ours: Tally, theirs: Tally, groups: list[tuple[str, list[Source], Tally]]) -> None:
    """Speeds over only the files both parsers accept: failures and timeouts skew totals."""
    sizes = {path: size for _, texts, _ in groups for path, _, size in texts}
    both = [path for path, (ok, _) in ours.results.items() if ok and theirs.results.get(path, (False, 0.0))[0]]
    size = sum(sizes[path] for path in both)
    ours_seconds = sum(ours.results[path][1] for path in both)
    theirs_seconds = sum(theirs.results[path][1] for path in both)
    print(f"\nfiles both parsers accept: {len(both)} ({size / 1e6:.2f} MB)")
    print(f"  svclint bicep_syntax {ours_seconds:7.2f} s {speed(size, ours_seconds):6.2f} MB/s")
    print(f"  pycep-parser         {theirs_seconds:7.2f} s {speed(size, theirs_seconds):6.2f} MB/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path, help="directories to walk")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="TEXT",
        help="skip paths containing TEXT (case-insensitive); repeatable",
    )
    parser.add_argument("--top", type=int, default=15, help="failure groups to show")
    parser.add_argument("--compare-pycep", action="store_true", help="also time pycep-parser if importable")
    parser.add_argument("--pycep-timeout", type=float, default=10.0, help="seconds allowed per pycep parse")
    args = parser.parse_args(argv)

    groups = []
    for directory in args.dirs:
        unreadable = Tally()
        texts = read_all(find_files(directory, args.exclude), unreadable)
        groups.append((str(directory), texts, unreadable))

    ours = run_parser("svclint bicep_syntax", svclint_parse_fn(), groups, args.top)
    if args.compare_pycep:
        pycep = pycep_parse_fn(args.pycep_timeout)
        if pycep is None:
            print("\npycep-parser is not importable by this interpreter; skipped")
        else:
            theirs = run_parser("pycep-parser", pycep, groups, args.top)
            print_common_speed(ours, theirs, groups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
