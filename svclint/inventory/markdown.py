"""The inventory as Markdown: one table per account kind, for a PR comment or a wiki page.

GitHub rejects comments over 65,536 characters and wikis get slow long before 1 MiB, so the
output stops at `limit` bytes with a note pointing at the JSON format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO

from svclint.inventory.model import KINDS, Account, Inventory

MAX_BYTES = 1024 * 1024

_COLUMNS: tuple[tuple[str, Callable[[Account], list[str]]], ...] = (
    ("Account", lambda a: [_code(a.address) + (" (external)" if a.external else "")]),
    ("Declared at", lambda a: [f"{a.path}:{a.line}"]),
    ("Service principal", lambda a: [_code(a.service_principal)] if a.service_principal else []),
    ("Used by", lambda a: [_code(w) for w in a.workloads]),
    ("Credentials", lambda a: [c.summary() for c in a.credentials]),
    ("Roles", lambda a: [_bold_if(r.summary(), r.broad_and_privileged) for r in a.roles]),
    ("API permissions", lambda a: [p.summary() for p in a.permissions]),
    ("Owners", lambda a: list(a.owners)),
    ("Governance", lambda a: [f"{k}={v}" for k, v in a.governance]),
    ("Findings", lambda a: [f.summary() for f in a.findings]),
)


def render(inventory: Inventory, stream: TextIO, limit: int = MAX_BYTES) -> None:
    written = 0
    lines = list(_lines(inventory))
    for index, line in enumerate(lines):
        size = len(line.encode("utf-8")) + 1
        if written + size > limit - 200:  # leave room for the note
            rows = sum(1 for rest in lines[index:] if rest.startswith("| ") and "---" not in rest)
            stream.write(
                f"\n_Truncated at {limit:,} bytes: about {rows} more table rows not shown; "
                "`svclint inventory --format json` lists everything._\n"
            )
            return
        stream.write(line + "\n")
        written += size


def _lines(inventory: Inventory) -> Iterator[str]:
    yield "# Service-account inventory"
    yield ""
    yield _summary(inventory)
    for kind, heading in KINDS.items():
        accounts = [a for a in inventory.accounts if a.kind == kind]
        if accounts:
            yield ""
            yield f"## {heading} ({len(accounts)})"
            yield ""
            yield from _table(accounts)


def _summary(inventory: Inventory) -> str:
    accounts = inventory.accounts
    if not accounts:
        return f"No service accounts found in {_plural(inventory.files, 'file')}."
    external = sum(1 for a in accounts if a.external)
    risky = sum(1 for a in accounts if a.privileged_at_broad_scope)
    elsewhere = f" ({external} declared elsewhere)" if external else ""
    return (
        f"{_plural(len(accounts), 'service account')} in {_plural(inventory.files, 'file')}"
        f"{elsewhere}; {risky} with a privileged role at subscription scope or above"
        " (**bold** below)."
    )


def _table(accounts: list[Account]) -> Iterator[str]:
    """Columns that are empty for every account of the kind are left out."""
    cells = [[_cell(get(a)) for _, get in _COLUMNS] for a in accounts]
    keep = [i for i in range(len(_COLUMNS)) if i < 2 or any(row[i] for row in cells)]
    yield "| " + " | ".join(_COLUMNS[i][0] for i in keep) + " |"
    yield "|" + "---|" * len(keep)
    for row in cells:
        yield "| " + " | ".join(row[i] for i in keep) + " |"


def _cell(items: list[str]) -> str:
    escaped = (i.replace("<", "&lt;").replace("|", "\\|").replace("\n", " ") for i in items)
    return "<br>".join(escaped)


def _code(text: str) -> str:
    return f"`{text}`"


def _bold_if(text: str, bold: bool) -> str:
    return f"**{text}**" if bold else text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
