"""Coverage-guided fuzzing of svclint's front ends with atheris (libFuzzer), for long local runs.

    python -m pip install atheris          # not a svclint dependency; needs a Linux/macOS CPython
    python benchmarks/fuzz_atheris.py hcl   [CORPUS_DIR...] -max_total_time=600
    python benchmarks/fuzz_atheris.py bicep [CORPUS_DIR...] -max_total_time=600
    python benchmarks/fuzz_atheris.py jsonc [CORPUS_DIR...] -max_total_time=600

The first argument picks the front end; everything after it goes to libFuzzer unchanged (seed
corpus directories, `-max_total_time`, `-jobs`, `-dict`, ...). Seeding with real files (e.g.
`fixtures/`) reaches deep states much sooner than starting from nothing. Inputs are decoded as
UTF-8 with replacement, so seeds keep their structure. A front end may reject its input only
through its own error path (a Diagnostic, BicepSyntaxError or JsoncError); any other exception
is a crash, and libFuzzer saves the input as `crash-*` for a regression test
(`tests/robustness/test_fuzz.py`).

The `tests/robustness/test_fuzz.py` hypothesis tests are the quick, always-on version of this.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

try:
    import atheris
except ImportError:  # pragma: no cover - only whoever fuzzes installs atheris
    sys.exit("atheris is not installed: python -m pip install atheris  (Linux or macOS, CPython 3.8-3.11)")

with atheris.instrument_imports(include=["svclint"]):
    from svclint.parsers import bicep_syntax, jsonc, terraform


def _hcl(text: str) -> None:
    terraform.parse("fuzz.tf", text)


def _bicep(text: str) -> None:
    with contextlib.suppress(bicep_syntax.BicepSyntaxError):
        bicep_syntax.parse(text, "fuzz.bicep")


def _jsonc(text: str) -> None:
    with contextlib.suppress(jsonc.JsoncError):
        jsonc.loads(text, "fuzz.json")


TARGETS: dict[str, Callable[[str], None]] = {"hcl": _hcl, "bicep": _bicep, "jsonc": _jsonc}


def main() -> None:
    """Pick the target from argv[1]; libFuzzer reads the rest of argv."""
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer args...]")
    target = TARGETS[sys.argv[1]]

    def one_input(data: bytes) -> None:
        target(data.decode("utf-8", "replace"))

    atheris.Setup([sys.argv[0], *sys.argv[2:]], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
