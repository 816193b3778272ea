"""`svclint inventory`: every service account a repository declares, and what it may do.

Output formats are one module each with `render(inventory, stream)`; a new format is a new
module plus an entry in FORMATS, nothing else.
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from svclint.inventory.model import Inventory

FORMATS: dict[str, str] = {
    "markdown": "svclint.inventory.markdown",
    "json": "svclint.inventory.json",
    "csv": "svclint.inventory.csv",
    "mermaid": "svclint.inventory.mermaid",
}


class Renderer(Protocol):
    def render(self, inventory: Inventory, stream: TextIO) -> None: ...


def renderer(name: str) -> Renderer:
    module: Renderer = importlib.import_module(FORMATS[name])
    return module
