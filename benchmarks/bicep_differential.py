"""Compare two versions of the Bicep parser on real files: identical results, and speed of both.

    python benchmarks/bicep_differential.py REFERENCE.py DIR [DIR...] [--runs 3] [--show 20] [--mutants N]
    python benchmarks/bicep_differential.py REFERENCE.py DIR... --save results.pickle
    python benchmarks/bicep_differential.py results.pickle DIR [DIR...]

REFERENCE.py is another copy of `svclint/parsers/bicep_syntax.py`, say the last commit's:

    mkdir -p /tmp/bicep-base && git archive HEAD | tar -x -C /tmp/bicep-base
    python benchmarks/bicep_differential.py /tmp/bicep-base/svclint/parsers/bicep_syntax.py DIR

Every `.bicep`/`.bicepparam` file (or a single file) under each DIR is parsed by the reference
module and by the working tree's, twice: as svclint's pipeline hands it over (decoded by
`svclint.source.decode`) and as raw UTF-8 (BOM and CRLF left in, for the parser's own handling)
when that text differs. Each result is the whole tree, every node's class, fields and span
included, plus the comments; or a rejection's (message, line, column). Results must be equal.
The two modules define distinct classes, so trees are compared as nested plain tuples.
`--mutants N` adds N damaged copies of each file (cut short, a character deleted or one that
switches the lexer's mode inserted), the same on every run: most are rejected, which tests
that both parsers reject them with the same message at the same place.

`--save` writes the reference's plain results to a pickle, which can later stand in for the
reference module (its speed is then not measured). Prints the counts, every mismatch (the first
`--show` in full) and MB/s of both parsers: the median of `--runs` passes over all inputs.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import pickle
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from svclint.model import Diagnostic, InputSyntaxError
from svclint.source import decode

CURRENT = Path(__file__).resolve().parent.parent / "svclint" / "parsers" / "bicep_syntax.py"
SUFFIXES = (".bicep", ".bicepparam")

Input = tuple[str, str, str]  # key ("path", "path [raw]", "path [mutant k]"), path for parse(), text
Plain = object  # a parse result as nested tuples of str/int/bool/None


def load_module(path: Path, name: str) -> ModuleType:
    """Import a copy of the parser under its own module name, so two versions can coexist."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


# What a mutant inserts: characters and pairs that switch the lexer's mode or end a construct.
MUTANT_INSERTS = [*"'{}[]()$\n:/*\"\\@#!?.=,|^ \t", "${", "'''", "$'''", "/*", "*/", "\\u{"]


def mutants(key: str, text: str, count: int) -> list[tuple[str, str]]:
    """`count` damaged copies of `text`, the same on every run: each cuts the text short,
    deletes a character or inserts one of MUTANT_INSERTS. Most are rejected, which exercises
    the error paths that real files hardly reach."""
    out = []
    for k in range(count):
        rng = random.Random(f"{key}#{k}")
        at = rng.randrange(len(text) + 1)
        how = rng.randrange(3)
        if how == 0:
            damaged = text[:at]
        elif how == 1:
            damaged = text[:at] + text[at + 1 :]
        else:
            damaged = text[:at] + rng.choice(MUTANT_INSERTS) + text[at:]
        out.append((f"{key} [mutant {k}]", damaged))
    return out


def inputs(dirs: list[str], mutant_count: int = 0) -> list[Input]:
    """Every parser input under `dirs` (and `mutant_count` mutants of each), in a stable order."""
    found: list[Input] = []
    for top in dirs:
        root = Path(top)
        files = (
            [root]
            if root.is_file()
            else sorted(p for p in root.rglob("*") if p.name.endswith(SUFFIXES) and p.is_file())
        )
        for path in files:
            data = path.read_bytes()
            text = decode(data, str(path))
            if not isinstance(text, Diagnostic):
                found.append((str(path), str(path), text))
                found.extend((key, str(path), damaged) for key, damaged in mutants(str(path), text, mutant_count))
            raw = data.decode("utf-8", "surrogateescape")
            if raw != text:
                found.append((f"{path} [raw]", str(path), raw))
    return found


def plain(value: object) -> Plain:
    """A module-independent copy of a tree: (class name, field, ...) for each node."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(plain(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *(plain(item) for item in value))
    return value


def result(module: ModuleType, path: str, text: str) -> Plain:
    """The plain tree, or ("error", message, line, column)."""
    try:
        tree = module.parse(text, path)
    except module.BicepSyntaxError as error:
        return ("error", error.message, error.line, error.column)
    return plain(tree)


def first_difference(a: object, b: object, where: str = "") -> str:
    """Where two plain results first differ, for a readable mismatch line."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                label = f"{where}/{a[0]}[{i}]" if isinstance(a[0], str) else f"{where}[{i}]"
                return first_difference(x, y, label)
    return f"{where}: {str(a)[:200]} != {str(b)[:200]}"


def timed(parse: Callable[[str, str], object], files: list[Input], runs: int) -> float:
    """Median seconds of `runs` passes over `files` (rejections included: they are work too)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for _key, path, text in files:
            with contextlib.suppress(InputSyntaxError):  # either module's BicepSyntaxError
                parse(text, path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path, help="a copy of bicep_syntax.py, or a --save pickle")
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show", type=int, default=20, help="mismatches to print in full")
    parser.add_argument("--save", type=Path, help="write the reference's results to this pickle")
    parser.add_argument("--mutants", type=int, default=0, metavar="N", help="also N damaged copies of each file")
    args = parser.parse_args()

    files = inputs(args.dirs, args.mutants)
    reference: ModuleType | None = None
    if args.reference.suffix == ".py":
        reference = load_module(args.reference, "bicep_syntax_reference")
        expected = {key: result(reference, path, text) for key, path, text in files}
    else:
        with args.reference.open("rb") as stream:
            expected = pickle.load(stream)
    if args.save:
        with args.save.open("wb") as stream:
            pickle.dump(expected, stream, protocol=pickle.HIGHEST_PROTOCOL)
    current = load_module(CURRENT, "bicep_syntax_current")

    equal = rejected = 0
    mismatches: list[str] = []
    for key, path, text in files:
        want = expected.get(key, ("missing from the reference",))
        got = result(current, path, text)
        if got == want:
            equal += 1
            rejected += isinstance(got, tuple) and got[0] == "error"
        else:
            mismatches.append(f"{key}: {first_difference(got, want)}")

    originals = sum(not key.endswith("]") for key, _, _ in files)
    print(f"inputs: {len(files)} ({originals} files, the rest raw copies and mutants)")
    print(f"equal: {equal} (of which rejected with the same error: {rejected})  mismatches: {len(mismatches)}")
    for line in mismatches[: args.show]:
        print(f"MISMATCH {line}")

    size = sum(len(text.encode("utf-8", "surrogateescape")) for _, _, text in files) / 1e6
    print(f"speed over all {len(files)} inputs, {size:.2f} MB, median of {args.runs} runs:")
    current_s = timed(current.parse, files, args.runs)
    if reference is not None:
        reference_s = timed(reference.parse, files, args.runs)
        print(f"  reference {reference_s:7.2f} s  {size / reference_s:6.2f} MB/s")
        print(f"  current   {current_s:7.2f} s  {size / current_s:6.2f} MB/s  ({reference_s / current_s:.2f}x)")
    else:
        print(f"  current   {current_s:7.2f} s  {size / current_s:6.2f} MB/s")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
