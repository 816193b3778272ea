"""The normalised model every parser produces and every later stage reads.

A document is a list of resources; a resource body is a tree of `Node`s. Terraform blocks,
Terraform attributes, Bicep objects and ARM JSON all become the same tree, so the rule engine
never needs to know which language a value came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Dialect = Literal["terraform", "arm"]
Severity = Literal["error", "warning", "note"]

SEVERITY_RANK: dict[str, int] = {"note": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a file: 1-based lines and columns, `end_column` exclusive (as SARIF)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, path: str, line: int, column: int, end_line: int, end_column: int) -> None:
        # What the generated __init__ does, faster (see `slot_setters`): a Location is made
        # for nearly every value svclint reads or evaluates.
        _set_path(self, path)
        _set_line(self, line)
        _set_column(self, column)
        _set_end_line(self, end_line)
        _set_end_column(self, end_column)


def slot_setters(cls: type, *names: str) -> tuple[Any, ...]:
    """Setters of a frozen dataclass's slots, for a hand-written `__init__`: the generated one
    calls `object.__setattr__` per field (a frozen class refuses plain assignment), which makes
    a frozen instance several times dearer to create than a mutable one. Once created, the
    instance is as frozen as ever."""
    return tuple(vars(cls)[name].__set__ for name in names)


_set_path, _set_line, _set_column, _set_end_line, _set_end_column = slot_setters(
    Location, "path", "line", "column", "end_line", "end_column"
)


PLACEHOLDER = "\ufffc"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value svclint cannot know before apply/deploy time; `reason` says why.

    `partial` is the text of a string template whose unknown parts are PLACEHOLDER, so a
    pattern that matches only known text (`ClientSecret=` in a connection string) still can.
    """

    reason: str
    partial: str | None = None

    def __init__(self, reason: str, partial: str | None = None) -> None:
        _set_reason(self, reason)  # as Location.__init__
        _set_partial(self, partial)

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


_set_reason, _set_partial = slot_setters(Unknown, "reason", "partial")


@dataclass(frozen=True, slots=True, repr=False)
class UnknownCount(Unknown):
    """Stands for blocks or elements that may or may not exist, e.g. a `dynamic` block whose
    `for_each` is unknown: unlike a written attribute with an unknown value, even their
    presence is unknown."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from an expression to another resource: `address` plus the attribute path."""

    address: str
    attribute: str = ""

    def __init__(self, address: str, attribute: str = "") -> None:
        _set_address(self, address)  # as Location.__init__
        _set_attribute(self, attribute)


_set_address, _set_attribute = slot_setters(Ref, "address", "attribute")


@dataclass(slots=True)
class Node:
    """A value with the place it was written and the resources its expression refers to.

    `value` is one of: None, bool, int, float, str, list[Node], dict[str, Node], Unknown.
    A map entry's Node spans its `key = value` (or `"key": value`), so findings about a
    setting point at the line that names it.
    """

    value: Any
    loc: Location
    refs: tuple[Ref, ...] = ()
    text: str = ""

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unknown)

    def plain(self) -> Any:
        """The value as plain Python data (Unknown stays an Unknown)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def all_refs(self) -> tuple[Ref, ...]:
        """References made anywhere in this value, nested ones included."""
        if not isinstance(self.value, (dict, list)):  # most values: no list to build
            return self.refs if len(self.refs) < 2 else tuple(dict.fromkeys(self.refs))
        found: list[Ref] = list(self.refs)
        if isinstance(self.value, dict):
            for child in self.value.values():
                found.extend(child.all_refs())
        elif isinstance(self.value, list):
            for child in self.value:
                found.extend(child.all_refs())
        return tuple(dict.fromkeys(found))


@dataclass(slots=True)
class Resource:
    """One declared thing a rule can target.

    Terraform: a resource, data source, provider or backend (`type` like
    `azurerm_linux_web_app`, `provider.azurerm`, `backend.azurerm`).
    ARM: a resource of an ARM type (`Microsoft.Web/sites`), from Bicep, ARM JSON or azapi.
    """

    dialect: Dialect
    type: str
    address: str
    body: Node
    loc: Location
    mode: Literal["managed", "data", "config"] = "managed"
    module_dir: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem with an input file (not a policy finding): parse errors and the like."""

    path: str
    line: int
    column: int
    message: str
    level: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class Comment:
    """A source comment; suppressions are read from these. `standalone` comments are alone on
    their line (they apply to the line below), the others trail code."""

    line: int
    column: int
    text: str
    standalone: bool = False


def mark_standalone(comments: list[Comment], text: str) -> list[Comment]:
    """Set `standalone` from the source: nothing but blanks before the comment on its line."""
    lines = text.split("\n")
    return [
        Comment(c.line, c.column, c.text, not lines[c.line - 1][: c.column - 1].strip())
        if 0 < c.line <= len(lines)
        else c
        for c in comments
    ]


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule violation at a location, with everything a reporter needs."""

    rule_id: str
    severity: Severity
    message: str
    loc: Location
    address: str
    attribute: str = ""

    @property
    def fingerprint_key(self) -> str:
        """Stable across unrelated edits: no line numbers, only what the finding is about."""
        return f"{self.rule_id}|{self.loc.path}|{self.address}|{self.attribute}"


class InputSyntaxError(Exception):
    """Invalid input text at a 1-based line and column; front ends raise subclasses of it and
    the pipeline turns them into Diagnostics."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"
