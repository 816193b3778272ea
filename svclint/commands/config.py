"""`svclint config`: the effective configuration, annotated with each value's source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from svclint.config import load, render


def config(paths: Sequence[Path], config_file: Path | None) -> int:
    click.echo(render(load(config_file, list(paths) or [Path()], {})))
    return 0
