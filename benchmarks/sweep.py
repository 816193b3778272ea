"""Run svclint over directories of real repositories and report how it copes.

    python benchmarks/sweep.py DIR [DIR...] [--jobs N] [--batch 200] [--top 15]

Each DIR is linted in batches of files, each batch by `python -m svclint check` in its own
process, so a crash or a hang in one batch cannot hide the others, and what is measured is
exactly what a CI job runs. The report gives the files linted, the parse failures grouped by
message (with one example each), the crashes, and the wall time. A crash is anything that is
not svclint's normal output: an `internal error` line, a traceback, an exit code other than
0, 1 or 2, or a batch that timed out. The sweep must end with 0 crashes.

Only files are read; nothing is written into the swept directories (`--no-cache`).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".tf", ".tf.json", ".tfvars", ".bicep", ".bicepparam", ".json", ".jsonc")
SKIP_DIRS = {".git", ".terraform", "node_modules"}
_DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>(?!SVC\d).*)$")
_SUMMARY = re.compile(r"in (\d+) files?")
_NUMBERS = re.compile(r"'[^']*'|\d+(\.\d+)?")


@dataclass
class Tally:
    """What the sweep found, over every batch."""

    candidates: int = 0
    files: int = 0
    findings: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)


def iac_files(root: Path) -> list[Path]:
    """Every file svclint might read under `root`, in a stable order."""
    found = []
    for path in sorted(root.rglob("*")):
        if SKIP_DIRS.intersection(path.parts) or not path.name.lower().endswith(SUFFIXES):
            continue
        if path.is_file():
            found.append(path)
    return found


def run_batch(files: list[Path], jobs: int, timeout: float, tally: Tally) -> None:
    """Lint one batch in a fresh process and fold its output into `tally`."""
    command = [sys.executable, "-m", "svclint", "check", "--no-cache", "--fail-on", "never", "--jobs", str(jobs)]
    try:
        done = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        tally.crashes.append(f"batch starting at {files[0]} timed out after {timeout:g} s")
        return
    output = done.stdout + done.stderr
    if done.returncode not in (0, 1, 2) or "internal error" in output or "Traceback" in output:
        tally.crashes.append(f"batch starting at {files[0]}: exit {done.returncode}: {output.strip()[-500:]}")
    for line in done.stdout.splitlines():
        _count_line(line, tally)


def _count_line(line: str, tally: Tally) -> None:
    summary = _SUMMARY.search(line)
    if line.startswith(("Found ", "No ")) and summary:
        tally.files += int(summary.group(1))
        return
    match = _DIAGNOSTIC.match(line)
    if match is None:
        tally.findings += 1 if re.search(r":\d+:\d+: SVC\d", line) else 0
        return
    key = _NUMBERS.sub("…", match.group("message"))
    tally.failures[key] += 1
    tally.examples.setdefault(key, f"{match.group('path')}:{match.group('line')}:{match.group('col')}")


def report(tally: Tally, seconds: float, top: int) -> str:
    """The sweep summary as plain text."""
    lines = [
        f"candidate files (IaC extensions): {tally.candidates}",
        f"files linted (svclint's count; JSON that is no template is skipped): {tally.files}",
        f"findings: {tally.findings}",
        f"files with problems: {sum(tally.failures.values())}",
        f"crashes: {len(tally.crashes)}",
        f"wall time: {seconds:.1f} s",
        "",
        "problems by message (count, message, example):",
    ]
    lines += [f"{n:6}  {key}  ({tally.examples[key]})" for key, n in tally.failures.most_common(top)]
    lines += [f"crash: {c}" for c in tally.crashes]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--batch", type=int, default=200, help="files per svclint process")
    parser.add_argument("--jobs", type=int, default=1, help="svclint --jobs for each batch")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a batch counts as hung")
    parser.add_argument("--top", type=int, default=15, help="problem messages listed")
    args = parser.parse_args()
    tally = Tally()
    start = time.perf_counter()
    for root in args.dirs:
        files = iac_files(root)
        tally.candidates += len(files)
        for i in range(0, len(files), args.batch):
            run_batch(files[i : i + args.batch], args.jobs, args.timeout, tally)
    print(report(tally, time.perf_counter() - start, args.top))
    return 1 if tally.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
