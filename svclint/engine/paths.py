"""Attribute paths over `Node` trees: `identity.type`, `app_settings.*`, `site_config.0.x`.

A name applied to a list maps over its elements, so `identity.type` reads the `type` of every
Terraform `identity` block and of an ARM `identity` object alike. Keys match exactly first,
then case-insensitively, because ARM property names are case-insensitive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from svclint.model import Node, Unknown


@dataclass(slots=True)
class Match:
    """A node found at `path` (the concrete path, wildcards filled in). `beyond` marks an
    unknown value met before the path's end: whether what the path names exists is unknown.

    Nothing changes a match once made; it is not frozen only because rules make one for
    every node they look at, and a frozen dataclass takes three times as long to build."""

    node: Node
    path: str
    key: str = ""
    beyond: bool = False


def select(root: Node, path: str) -> list[Match]:
    """Every node at `path`; an unknown met on the way is returned as a match of its own."""
    return select_split(root, path, path.split("."))


def select_split(root: Node, path: str, segments: Sequence[str]) -> list[Match]:
    """`select` with `path` already split into `segments`, as compiled conditions keep it.

    Most paths run through plain maps whose keys are spelt as in the path, or are missing:
    those steps are taken without building a `Match` each. At the first step that is anything
    else (a list, a wildcard, a key in another case, an unknown) the general walk takes over
    from there, so the result is the same as stepping through every segment.
    """
    if not segments[0]:
        return _walk_on(root, segments, 0)  # a concrete path leaves out leading empty segments
    node = root
    done = 0
    for segment in segments:
        value = node.value
        if type(value) is dict and segment != "*":
            child = value.get(segment)
            if child is not None:
                node = child
                done += 1
                continue
            if not _has_folded(value, segment):
                return []
        return _walk_on(node, segments, done)
    return [Match(node, path, segments[-1])]


def _has_folded(value: dict[str, Node], segment: str) -> bool:
    """Whether the map has the key in another case: ARM property names are case-insensitive."""
    return segment.casefold() in map(str.casefold, value)


def _walk_on(node: Node, segments: Sequence[str], done: int) -> list[Match]:
    """The general walk over `segments[done:]`, from the node the first `done` reached."""
    current = [Match(node, ".".join(segments[:done]), segments[done - 1] if done else "")]
    for segment in segments[done:]:
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
