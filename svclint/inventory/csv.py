"""The inventory as CSV: one row per account, lists joined with `; `, for a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TextIO

from svclint.inventory.model import Account, Inventory

_COLUMNS: tuple[tuple[str, Callable[[Account], object]], ...] = (
    ("kind", lambda a: a.kind),
    ("address", lambda a: a.address),
    ("path", lambda a: a.path),
    ("line", lambda a: a.line),
    ("external", lambda a: str(a.external).lower()),
    ("service_principal", lambda a: a.service_principal or ""),
    ("workloads", lambda a: "; ".join(a.workloads)),
    ("credentials", lambda a: "; ".join(c.summary() for c in a.credentials)),
    ("roles", lambda a: "; ".join(r.summary() for r in a.roles)),
    ("privileged_at_broad_scope", lambda a: str(a.privileged_at_broad_scope).lower()),
    ("api_permissions", lambda a: "; ".join(p.summary() for p in a.permissions)),
    ("owners", lambda a: "; ".join(a.owners)),
    ("governance", lambda a: "; ".join(f"{k}={v}" for k, v in a.governance)),
    ("findings", lambda a: "; ".join(f.summary() for f in a.findings)),
)


def render(inventory: Inventory, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([name for name, _ in _COLUMNS])
    for account in inventory.accounts:
        writer.writerow([get(account) for _, get in _COLUMNS])
