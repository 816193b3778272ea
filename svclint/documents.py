"""One input file parsed, whatever its kind: the unit the parse cache stores.

Every front end turns text into a document here, under the per-file time limit, so that the
cache, the worker processes and the resolvers all deal with one shape per kind. Front ends are
looked up on their modules at call time (not imported by name) because they load slowly and
are imported only when a file of their kind turns up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from svclint.model import Comment, Diagnostic, Node, mark_standalone
from svclint.parsers.hcl_syntax import ConfigFile
from svclint.timelimit import TimeLimitExceeded, time_limit, timed_out

if TYPE_CHECKING:
    from svclint.parsers.bicep_syntax import BicepFile


@dataclass(slots=True)
class BicepDocument:
    """A `.bicep` or `.bicepparam` file and its comments (suppressions are read from them)."""

    file: BicepFile
    comments: list[Comment]


@dataclass(slots=True)
class JsonDocument:
    """A JSON file; `root` is None when it could not be parsed. `error` is set only when the
    broken file looks like an ARM template: a broken `package.json` is not svclint's business."""

    root: Node | None
    comments: list[Comment] = field(default_factory=list)
    error: Diagnostic | None = None


Document = ConfigFile | BicepDocument | JsonDocument
DOCUMENT_TYPES = (ConfigFile, BicepDocument, JsonDocument)


def parse_document(shown: str, text: str, timeout: float | None) -> Document | Diagnostic:
    """The document for a file's text; a Diagnostic when it cannot be had at all."""
    name = shown.lower()
    if name.endswith((".bicep", ".bicepparam")):
        return _bicep(shown, text, timeout)
    if name.endswith((".json", ".jsonc")) and not name.endswith(".tf.json"):
        return _json(shown, text, timeout)
    from svclint import parsers

    try:
        with time_limit(timeout):
            return parsers.parse_terraform(shown, text)
    except TimeLimitExceeded:
        return timed_out(shown, timeout or 0)


def _bicep(shown: str, text: str, timeout: float | None) -> BicepDocument | Diagnostic:
    from svclint.parsers import bicep_syntax
    from svclint.resolve.bicep import comments

    try:
        with time_limit(timeout):
            file = bicep_syntax.parse(text, shown)
    except bicep_syntax.BicepSyntaxError as exc:
        return Diagnostic(shown, exc.line, exc.column, f"parse error: {exc.message}")
    except TimeLimitExceeded:
        return timed_out(shown, timeout or 0)
    return BicepDocument(file, comments(file, shown, text))


def _json(shown: str, text: str, timeout: float | None) -> JsonDocument:
    from svclint.parsers import jsonc

    try:
        with time_limit(timeout):
            root, comments = jsonc.loads(text, shown)
    except (jsonc.JsoncError, TimeLimitExceeded) as exc:
        if "deploymenttemplate.json" not in text[:4096].lower():
            return JsonDocument(None)
        if isinstance(exc, jsonc.JsoncError):
            return JsonDocument(None, error=Diagnostic(shown, exc.line, exc.column, f"parse error: {exc.message}"))
        return JsonDocument(None, error=timed_out(shown, timeout or 0))
    return JsonDocument(root, mark_standalone(comments, text))
