"""`svclint inventory`: list the service accounts of PATHS, their credentials and their power."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from svclint.commands.check import exit_code, parse_settings
from svclint.durations import lint_clock
from svclint.engine.evaluate import Settings
from svclint.engine.loader import load_rules
from svclint.inventory import renderer
from svclint.inventory.build import build_inventory
from svclint.inventory.model import Inventory
from svclint.pipeline import Options, lint
from svclint.selection import select_rules


def inventory(
    paths: Sequence[Path],
    output_format: str,
    output: Path | None,
    var_files: Sequence[Path],
    exclude: Sequence[str],
    rules_dirs: Sequence[Path],
    fail_on_privileged: bool,
    now: str | None = None,
    no_cache: bool = False,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
) -> int:
    """Exit 1 with `fail_on_privileged` when a workload identity holds a privileged role at
    subscription scope or above; 2 when nothing could be read (as `check`)."""
    clock = lint_clock(now)
    all_rules, tables = load_rules(rules_dirs)
    rules = select_rules(all_rules, [], [])  # the default rule set decides the findings shown
    options = Options(list(paths) or [Path()], list(exclude), list(var_files), now=clock)
    options.cache_dir, options.jobs = parse_settings(no_cache, cache_dir, jobs)
    options.progress = progress
    result = lint(options, rules, tables, Settings(now=clock))
    found = build_inventory(result, tables, clock)
    with ExitStack() as stack:
        stream: TextIO = sys.stdout
        if output is not None:
            stream = stack.enter_context(output.open("w", encoding="utf-8", newline=""))
        renderer(output_format).render(found, stream)
    unreadable = exit_code(result, "never")
    return unreadable or (1 if fail_on_privileged and _privileged(found) else 0)


def _privileged(found: Inventory) -> bool:
    return any(account.privileged_at_broad_scope for account in found.accounts)
