"""Compare the hand-written HCL parser with the lark one on real files; report speed of both.

    python benchmarks/hcl_differential.py DIR [DIR...] [--runs 3] [--show 20]

Every `.tf`/`.tfvars` file under each DIR is decoded as svclint decodes it, then parsed by
`svclint.parsers.terraform` (lark, the specification) and `svclint.parsers.hcl_native`.
For a file lark parses without diagnostics, the native parser must return an equal `ConfigFile`
(it may not fall back); for a file lark rejects, it must fall back so lark's message stands.
Prints the counts, fallbacks grouped by reason, every mismatch, then MB/s of each parser over
the files both parse to the same result: the median of --runs timed passes (lark's tables are
loaded by then: the comparison pass above used them).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from svclint.model import Diagnostic
from svclint.parsers import hcl_native, terraform
from svclint.parsers.hcl_syntax import ConfigFile
from svclint.source import decode

SUFFIXES = (".tf", ".tfvars")


def sources(dirs: list[str]) -> list[tuple[str, str]]:
    """(path, text) of every readable Terraform file under `dirs`, in a stable order."""
    found: list[tuple[str, str]] = []
    for top in dirs:
        root = Path(top)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.name.endswith(SUFFIXES))
        for path in files:
            text = decode(path.read_bytes(), str(path))
            if not isinstance(text, Diagnostic):
                found.append((str(path), text))
    return found


def native_or_reason(path: str, text: str) -> ConfigFile | str:
    try:
        return hcl_native.parse(path, text)
    except hcl_native.Unsupported as exc:
        return re.sub(r" at \d+$", "", str(exc))


def first_difference(a: object, b: object, where: str = "") -> str:
    """Where two parse results first differ, for a readable mismatch line."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{where}[{i}]")
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)} != {list(b)}"
        for key in a:
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{where}.{key}")
    slots = getattr(type(a), "__slots__", ())
    for name in slots:
        if getattr(a, name) != getattr(b, name):
            return first_difference(getattr(a, name), getattr(b, name), f"{where}.{name}")
    return f"{where}: {a!r} != {b!r}"


def timed(parse: Callable[[str, str], object], files: list[tuple[str, str]], runs: int) -> float:
    """Median seconds of `runs` passes over `files`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for path, text in files:
            parse(path, text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show", type=int, default=20, help="mismatches to print in full")
    args = parser.parse_args()

    files = sources(args.dirs)
    equal = lark_errors = 0
    fallbacks: Counter[str] = Counter()
    rejected_fallbacks: Counter[str] = Counter()
    mismatches: list[str] = []
    accepted: list[tuple[str, str]] = []
    same: list[tuple[str, str]] = []  # accepted files the native parser gets right: timed
    for path, text in files:
        expected = terraform.parse(path, text)
        got = native_or_reason(path, text)
        if expected.diagnostics:
            lark_errors += 1
            if isinstance(got, str):
                rejected_fallbacks[got] += 1
            else:
                mismatches.append(f"{path}: native accepts what lark rejects ({expected.diagnostics[0].message})")
            continue
        accepted.append((path, text))
        if isinstance(got, str):
            fallbacks[got] += 1
        elif got == expected:
            equal += 1
            same.append((path, text))
        else:
            mismatches.append(f"{path}: {first_difference(got, expected)}")

    print(f"files: {len(files)}  lark accepts: {len(accepted)}  lark rejects: {lark_errors}")
    print(f"accepted files: equal {equal}, fallbacks {sum(fallbacks.values())}, mismatches {len(mismatches)}")
    for reason, count in fallbacks.most_common():
        print(f"  fallback x{count}: {reason}")
    print(f"rejected files: native falls back on {sum(rejected_fallbacks.values())} of {lark_errors}")
    for reason, count in rejected_fallbacks.most_common(10):
        print(f"  fallback x{count}: {reason}")
    for line in mismatches[: args.show]:
        print(f"MISMATCH {line}")

    if same:
        size = sum(len(text.encode()) for _, text in same) / 1e6
        lark_s = timed(terraform.parse, same, args.runs)
        native_s = timed(hcl_native.parse, same, args.runs)
        print(f"speed over the {len(same)} equal files, {size:.2f} MB, median of {args.runs} runs:")
        print(f"  lark   {lark_s:7.2f} s  {size / lark_s:6.2f} MB/s")
        print(f"  native {native_s:7.2f} s  {size / native_s:6.2f} MB/s  ({lark_s / native_s:.1f}x)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
