"""Attribute paths over `Node` trees: `identity.type`, `app_settings.*`, `site_config.0.x`.

A name applied to a list maps over its elements, so `identity.type` reads the `type` of every
Terraform `identity` block and of an ARM `identity` object alike. Keys match exactly first,
then case-insensitively, because ARM property names are case-insensitive.
"""

from __future__ import annotations

from dataclasses import dataclass

from svclint.model import Node, Unknown


@dataclass(frozen=True, slots=True)
class Match:
    """A node found at `path` (the concrete path, wildcards filled in). `beyond` marks an
    unknown value met before the path's end: whether what the path names exists is unknown."""

    node: Node
    path: str
    key: str = ""
    beyond: bool = False


def select(root: Node, path: str) -> list[Match]:
    """Every node at `path`; an unknown met on the way is returned as a match of its own."""
    current = [Match(root, "")]
    for segment in path.split("."):
        current = [m for match in current for m in _step(match, segment)]
    return current


def _join(base: str, part: str) -> str:
    return f"{base}.{part}" if base else part


def _step(match: Match, segment: str) -> list[Match]:
    node = match.node
    value = node.value
    if isinstance(value, Unknown):
        return [match if match.beyond else Match(node, match.path, match.key, True)]
    if isinstance(value, list):
        if segment == "*":
            return [Match(item, _join(match.path, str(i))) for i, item in enumerate(value)]
        if segment.isdigit():
            index = int(segment)
            return [Match(value[index], _join(match.path, segment))] if index < len(value) else []
        return [m for i, item in enumerate(value) for m in _step(Match(item, _join(match.path, str(i))), segment)]
    if isinstance(value, dict):
        if segment == "*":
            return [Match(child, _join(match.path, key), key) for key, child in value.items()]
        child = value.get(segment)
        key = segment
        if child is None:
            folded = segment.casefold()
            key = next((k for k in value if k.casefold() == folded), "")
            child = value.get(key) if key else None
        return [Match(child, _join(match.path, key), key)] if child is not None else []
    return []
