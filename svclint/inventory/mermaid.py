"""The inventory as a Mermaid flowchart: workload → identity → credential, identity → role @ scope.

Privileged grants at subscription scope or above are drawn in red (`linkStyle` on the edge,
class `privileged` on the role). Node ids are derived from addresses but reduced to
`[A-Za-z0-9_]`, and numbered when two addresses reduce to the same id.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import TextIO

from svclint.inventory.model import Account, Inventory

_CLASSES = {
    "workload": "fill:#eef3ff,stroke:#4a6fa5",
    "account": "fill:#efe,stroke:#3a7d44",
    "external": "fill:#fff,stroke:#3a7d44,stroke-dasharray:4 3",
    "credential": "fill:#fff8e1,stroke:#b8860b",
    "role": "fill:#f5f5f5,stroke:#777",
    "privileged": "fill:#fde8e8,stroke:#c00,stroke-width:2px",
}
_SHAPES = {
    "workload": ("[", "]"),
    "account": ("([", "])"),
    "credential": ("{{", "}}"),
    "role": ("[/", "/]"),
}
_HIGHLIGHT = "stroke:#c00,stroke-width:3px"


@dataclass
class _Chart:
    """Nodes, edges and classes collected before anything is written, so ids are stable."""

    ids: dict[tuple[str, ...], str] = field(default_factory=dict)
    nodes: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    highlighted: list[int] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)

    def node(self, key: tuple[str, ...], shape: str, label: str, css: str) -> str:
        if key in self.ids:
            return self.ids[key]
        base = f"{shape[0]}_" + re.sub(r"[^A-Za-z0-9_]", "_", key[-1])
        node_id, n = base, 1
        while node_id in self.ids.values():
            n += 1
            node_id = f"{base}_{n}"
        self.ids[key] = node_id
        left, right = _SHAPES[shape]
        self.nodes.append(f'    {node_id}{left}"{_label(label)}"{right}')
        self.classes.setdefault(css, []).append(node_id)
        return node_id

    def edge(self, start: str, end: str, highlight: bool = False) -> None:
        if highlight:
            self.highlighted.append(len(self.edges))
        self.edges.append(f"    {start} --> {end}")


def render(inventory: Inventory, stream: TextIO) -> None:
    chart = _Chart()
    for account in inventory.accounts:
        _add_account(chart, account)
    stream.write("flowchart LR\n")
    if not inventory.accounts:
        stream.write('    none["No service accounts found"]\n')
        return
    for name, style in _CLASSES.items():
        stream.write(f"    classDef {name} {style}\n")
    for line in chart.nodes + chart.edges:
        stream.write(line + "\n")
    for name, members in chart.classes.items():
        stream.write(f"    class {','.join(members)} {name}\n")
    for index in chart.highlighted:
        stream.write(f"    linkStyle {index} {_HIGHLIGHT}\n")


def _add_account(chart: _Chart, account: Account) -> None:
    """Keys carry the account's directory: Terraform addresses are unique only per module."""
    where = posixpath.dirname(account.path)
    css = "external" if account.external else "account"
    label = f"{account.kind.replace('_', ' ')}<br/>{account.address}"
    me = chart.node(("account", where, account.address), "account", label, css)
    for workload in account.workloads:
        user = chart.node(("workload", where, workload), "workload", workload, "workload")
        chart.edge(user, me)
    for credential in account.credentials:
        label = f"{credential.kind}<br/>{credential.address}"
        key = ("credential", where, credential.address)
        chart.edge(me, chart.node(key, "credential", label, "credential"))
    for grant in account.roles:
        scope = (grant.scope_class or "unknown scope").replace("_", " ")
        css = "privileged" if grant.broad_and_privileged else "role"
        key = ("role", grant.path, grant.address)
        role = chart.node(key, "role", f"{grant.role} @ {scope}<br/>{grant.scope}", css)
        chart.edge(me, role, grant.broad_and_privileged)


def _label(text: str) -> str:
    """Mermaid strings end at a double quote; entity codes are its escape."""
    return text.replace('"', "#quot;")
