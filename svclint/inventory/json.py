"""The inventory as JSON, in the shape `svclint/inventory/schema.json` documents."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, TextIO

from svclint.inventory.model import KINDS, Account, Inventory

SCHEMA_VERSION = 1


def render(inventory: Inventory, stream: TextIO) -> None:
    json.dump(as_document(inventory), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def as_document(inventory: Inventory) -> dict[str, Any]:
    accounts = inventory.accounts
    return {
        "schema_version": SCHEMA_VERSION,
        "summary": {
            "files": inventory.files,
            "accounts": len(accounts),
            "by_kind": {k: sum(1 for a in accounts if a.kind == k) for k in KINDS},
            "external": sum(1 for a in accounts if a.external),
            "privileged_at_broad_scope": sum(1 for a in accounts if a.privileged_at_broad_scope),
        },
        "accounts": [_account(a) for a in accounts],
    }


def _account(account: Account) -> dict[str, Any]:
    data = asdict(account)
    data["governance"] = dict(account.governance)
    data["privileged_at_broad_scope"] = account.privileged_at_broad_scope
    for role, grant in zip(data["roles"], account.roles, strict=True):
        role["broad_and_privileged"] = grant.broad_and_privileged
    return data
