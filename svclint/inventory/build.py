"""Build the service-account inventory from one lint run: its resources, tables and findings.

Which resources are accounts, credentials, grants and permissions, and which attribute links
them, is data (`rules/tables/inventory_sources.yaml`, per dialect); this module only follows
references through the same `Graph` the rules use. Roles, principals and scopes are resolved
by the rule engine's own condition language and tables, so the inventory and the rules can
never disagree about what "privileged" or "subscription scope" means.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from svclint.durations import format_timestamp, parse_duration, parse_timestamp
from svclint.engine.conditions import Context, evaluate, scope_of
from svclint.engine.graph import Graph, type_key
from svclint.engine.loader import DIALECTS
from svclint.engine.paths import Match, select
from svclint.engine.tables import Table
from svclint.inventory.model import (
    KINDS,
    Account,
    Credential,
    FindingSummary,
    Inventory,
    Permission,
    RoleGrant,
)
from svclint.masking import masked_value
from svclint.model import PLACEHOLDER, Finding, Location, Node, Resource, Unknown
from svclint.pipeline import LintResult

SOURCES = "inventory_sources"
Row = Mapping[str, Any]


def build_inventory(result: LintResult, tables: Mapping[str, Table], now: datetime) -> Inventory:
    """Every service account of the run, sorted, with what concerns it."""
    builder = _Builder(Graph(result.resources), tables, now)
    builder.collect(result.findings)
    accounts = sorted(
        (draft.freeze(result.findings) for draft in builder.drafts),
        key=lambda a: (list(KINDS).index(a.kind), a.path, a.line, a.address),
    )
    return Inventory(tuple(accounts), result.files)


def display(node: Node) -> str:
    """A value as a reader wants it: known text as is, else the expression that yields it."""
    value = node.value
    if isinstance(value, Unknown):
        if node.text:
            return node.text
        return value.partial.replace(PLACEHOLDER, "${…}") if value.partial else "(unknown)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return node.text or "(value)"
    return "" if value is None else str(value)


@dataclass(eq=False)
class _Draft:
    """An account while it is being assembled; `related` keys (path, address) find findings."""

    kind: str
    address: str
    loc: Location
    external: bool = False
    service_principal: str | None = None
    owners: set[str] = field(default_factory=set)
    credentials: list[Credential] = field(default_factory=list)
    roles: list[RoleGrant] = field(default_factory=list)
    permissions: set[Permission] = field(default_factory=set)
    workloads: set[str] = field(default_factory=set)
    governance: dict[str, str] = field(default_factory=dict)
    related: set[tuple[str, str]] = field(default_factory=set)
    principal_glob: str = ""

    def relate(self, resource: Resource) -> None:
        self.related.add((resource.loc.path, resource.address))

    def absorb(self, other: _Draft) -> None:
        """Fold a service principal's own entry into its application's entry."""
        self.service_principal = other.address
        self.owners |= other.owners
        self.related |= other.related
        self.governance = {**other.governance, **self.governance}

    def freeze(self, findings: list[Finding]) -> Account:
        concerning = (f for f in findings if (f.loc.path, f.address) in self.related)
        return Account(
            kind=self.kind,
            address=self.address,
            path=self.loc.path,
            line=self.loc.line,
            external=self.external,
            service_principal=self.service_principal,
            owners=tuple(sorted(self.owners)),
            credentials=tuple(sorted(self.credentials, key=lambda c: (c.path, c.line, c.address))),
            roles=tuple(sorted(self.roles, key=lambda r: (r.path, r.line, r.address))),
            permissions=tuple(sorted(self.permissions, key=_permission_key)),
            workloads=tuple(sorted(self.workloads)),
            governance=tuple(sorted(self.governance.items())),
            findings=tuple(
                sorted(
                    (FindingSummary(f.rule_id, f.severity, f.loc.path, f.loc.line, f.message) for f in concerning),
                    key=lambda f: (f.path, f.line, f.rule_id),
                )
            ),
        )


def _permission_key(p: Permission) -> tuple[str, str, str]:
    return (p.resource_app_id, p.access_type, p.access_id)


def _paths(row: Row, column: str) -> list[str]:
    """A path column holds one path or a list of alternatives."""
    value = row.get(column)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _first(root: Node, row: Row, column: str) -> tuple[str, list[Match]]:
    """The first alternative path of `column` that is written, with its matches."""
    for path in _paths(row, column):
        found = select(root, path)
        if found:
            return path, found
    return "", []


def _text(root: Node, row: Row, column: str, known_only: bool = False) -> str | None:
    """The display text at `column`; with `known_only`, None unless the value is known."""
    _, found = _first(root, row, column)
    texts = [display(m.node) for m in found if m.node.known or not known_only]
    return texts[0] if texts else None


class _Builder:
    """Collects drafts in a fixed order: accounts first, then what attaches to them."""

    def __init__(self, graph: Graph, tables: Mapping[str, Table], now: datetime) -> None:
        self.graph = graph
        self.tables = tables
        self.sources = tables[SOURCES]
        self.now = now
        self.drafts: list[_Draft] = []
        self.by_resource: dict[int, _Draft] = {}  # account resources, and credentials
        self.system: dict[int, _Draft] = {}  # workloads, by the identity they carry
        self.external: dict[tuple[str, str, str], _Draft] = {}

    def collect(self, findings: list[Finding]) -> None:
        flagged = {(f.loc.path, f.address, f.rule_id) for f in findings}
        self._accounts(flagged)
        self._links()
        self._system_identities()
        self._credentials()
        self._role_assignments()
        self._permissions()
        self._attachments()
        self._uses()

    def rows(self, role: str) -> list[Row]:
        return self.sources.select({"role": role})

    def of(self, row: Row) -> Iterator[Resource]:
        for resource in self.graph.of_type(str(row["type"])):
            if resource.dialect == row["dialect"]:
                yield resource

    def new(self, kind: str, address: str, loc: Location, external: bool = False) -> _Draft:
        draft = _Draft(kind, address, loc, external)
        self.drafts.append(draft)
        return draft

    def managed(self, row: Row) -> Iterator[Resource]:
        """Every deployed resource of the row's dialect, whatever its type."""
        for resource in self.graph.resources:
            if resource.dialect == row["dialect"] and resource.mode == "managed":
                yield resource

    def referenced(self, source: Resource, row: Row, column: str) -> _Draft | None:
        """The account (or credential's account) that `column` of `source` references."""
        _, found = _first(source.body, row, column)
        for match in found:
            for ref in match.node.all_refs():
                target = self.graph.target(source, ref)
                if target is not None and id(target) in self.by_resource:
                    return self.by_resource[id(target)]
        return None

    def external_account(self, kind: str, source: Resource, row: Row, column: str) -> _Draft:
        """An account declared elsewhere, named by the expression that refers to it."""
        path, found = _first(source.body, row, column)
        name = display(found[0].node) if found else "(unknown)"
        if name == "(unknown)":
            name = f"{source.address}.{path or _paths(row, column)[0]}"
        key = (source.module_dir, kind, name)
        if key not in self.external:
            loc = found[0].node.loc if found else source.loc
            self.external[key] = self.new(kind, name, loc, external=True)
        return self.external[key]

    # Accounts -------------------------------------------------------------------------------

    def _accounts(self, flagged: set[tuple[str, str, str]]) -> None:
        for row in self.rows("account"):
            rule = row.get("requires_rule")
            for resource in self.of(row):
                if rule and (resource.loc.path, resource.address, rule) not in flagged:
                    continue
                external = resource.mode == "data"
                draft = self.new(str(row["kind"]), resource.address, resource.loc, external)
                self._adopt(draft, resource, row)

    def _adopt(self, draft: _Draft, resource: Resource, row: Row) -> None:
        self.by_resource[id(resource)] = draft
        draft.relate(resource)
        _, owners = _first(resource.body, row, "owners")
        for match in owners:
            for element in select(match.node, "*") or [match]:
                draft.owners.add(display(element.node))
        draft.governance.update(_governance(resource.body, row))

    def _links(self) -> None:
        for row in self.rows("link"):
            for resource in self.of(row):
                own = self.by_resource.get(id(resource))
                target = self.referenced(resource, row, "path")
                if own is None or target is None or target.kind != row["into"] or own is target:
                    continue
                target.absorb(own)
                self.drafts.remove(own)
                self.by_resource[id(resource)] = target

    def _system_identities(self) -> None:
        for row in self.rows("system_identity"):
            for resource in self.managed(row):
                if fnmatch.fnmatch(type_key(resource), str(row["type"]).casefold()):
                    witness = _containing(resource.body, str(row["path"]), str(row["contains"]))
                    if witness is not None:
                        self._system_identity(resource, witness.loc, row)

    def _system_identity(self, workload: Resource, loc: Location, row: Row) -> None:
        """The identity lives and dies with its workload, so the workload's tags govern it."""
        address = f"{workload.address}.identity"
        draft = self.new("system_assigned_identity", address, loc)
        draft.workloads.add(workload.address)
        draft.principal_glob = str(row["principal"])
        draft.governance.update(_governance(workload.body, row))
        self.system[id(workload)] = draft

    # What hangs off accounts -----------------------------------------------------------------

    def _credentials(self) -> None:
        for row in self.rows("credential"):
            for resource in self.of(row):
                if "block" in row:
                    self._inline_credentials(resource, row)
                else:
                    self._credential_resource(resource, row)

    def _credential_resource(self, resource: Resource, row: Row) -> None:
        owner = self.referenced(resource, row, "link")
        if owner is None:
            owner = self.external_account(str(row["owner"]), resource, row, "link")
        owner.credentials.append(self._credential(resource.address, resource.body, row))
        owner.relate(resource)
        self.by_resource.setdefault(id(resource), owner)

    def _inline_credentials(self, resource: Resource, row: Row) -> None:
        owner = self.by_resource.get(id(resource))
        if owner is None:
            return
        for match in select(resource.body, f"{row['block']}.*"):
            if isinstance(match.node.value, dict):
                address = f"{resource.address}.{match.path}"
                owner.credentials.append(self._credential(address, match.node, row))

    def _credential(self, address: str, body: Node, row: Row) -> Credential:
        end = _text(body, row, "end", known_only=True)
        start = _text(body, row, "start", known_only=True)
        relative = _text(body, row, "relative", known_only=True)
        span = parse_duration(relative) if relative else None
        end_time = parse_timestamp(end) if end else None
        if end_time is not None:
            span = end_time - (parse_timestamp(start or "") or self.now)
        elif span is not None:
            end_time = (parse_timestamp(start or "") or self.now) + span
        return Credential(
            kind=str(row["credential"]),
            address=address,
            path=body.loc.path,
            line=body.loc.line,
            expires=format_timestamp(end_time) if end_time else end,
            lifetime_days=_days(span),
            issuer=_text(body, row, "issuer"),
            subject=_text(body, row, "subject"),
        )

    def _role_assignments(self) -> None:
        for row in self.rows("role_assignment"):
            for resource in self.of(row):
                principal = self._principal(resource, row)
                if principal is not None:
                    principal.roles.append(self._grant(resource, row))
                    principal.relate(resource)

    def _principal(self, assignment: Resource, row: Row) -> _Draft | None:
        """The account a grant is for; None for people and groups, which are not accounts."""
        _, found = _first(assignment.body, row, "principal")
        for match in found:
            for ref in match.node.all_refs():
                target = self.graph.target(assignment, ref)
                if target is None:
                    continue
                if id(target) in self.by_resource:
                    return self.by_resource[id(target)]
                carried = self.system.get(id(target))
                if carried and fnmatch.fnmatch(ref.attribute, carried.principal_glob):
                    return carried
        kind = self._external_kind(assignment, row)
        return None if kind is None else self.external_account(kind, assignment, row, "principal")

    def _external_kind(self, assignment: Resource, row: Row) -> str | None:
        """What the principal tables and `principal_type` say about an undeclared principal."""
        path, _ = _first(assignment.body, row, "principal")
        facts = self._facts({"path": path, "principal": []}, assignment)
        declared_type = (_text(assignment.body, row, "principal_type", known_only=True) or "").casefold()
        if facts.get("principal") in ("user", "group") or declared_type in ("user", "group"):
            return None
        if facts.get("principal") == "managed identity":
            return "managed_identity"
        if facts.get("principal") == "service principal" or declared_type == "serviceprincipal":
            return "service_principal"
        return "principal"

    def _grant(self, assignment: Resource, row: Row) -> RoleGrant:
        _, scopes = _first(assignment.body, row, "scope")
        scope = scopes[0].node if scopes else None
        role, privileged = self._role(assignment, row)
        return RoleGrant(
            address=assignment.address,
            path=assignment.loc.path,
            line=assignment.loc.line,
            role=role,
            privileged=privileged,
            scope=display(scope) if scope else "(not set)",
            scope_class=scope_of(scope, self.tables["scope_classes"]) if scope else None,
        )

    def _role(self, assignment: Resource, row: Row) -> tuple[str, bool | None]:
        """The role's name and whether `azure_roles` calls it privileged.

        A role svclint can read but not find in the table is not privileged: the table lists
        the whole "Privileged" category. A role it cannot read is unknown (None)."""
        by_name = [
            {"path": p, "in_table": {"table": "azure_roles", "column": "name"}} for p in _paths(row, "role_name")
        ]
        by_id = [
            {
                "path": p,
                "transform": ["trailing_guid"],
                "in_table": {"table": "azure_roles", "column": "id"},
            }
            for p in _paths(row, "role_id")
        ]
        name = self._facts({"any": by_name + by_id}, assignment).get("azure_roles")
        if name is not None:
            found = self.tables["azure_roles"].find("name", name) or {}
            return name, bool(found.get("privileged"))
        for column in ("role_name", "role_id"):
            _, written = _first(assignment.body, row, column)
            if written:
                node = written[0].node
                return display(node), False if node.known else None
        return "(not set)", None

    def _facts(self, condition: Mapping[str, Any], resource: Resource) -> dict[str, str]:
        ctx = Context(self.graph, self.tables, {}, self.now)
        evaluate(condition, resource, ctx)
        return ctx.facts

    def _permissions(self) -> None:
        names = {str(r["app_id"]).casefold(): str(r["name"]) for r in self.rows("resource_app")}
        for row in self.rows("permission"):
            for resource in self.of(row):
                owner = self.by_resource.get(id(resource))
                if owner is not None:
                    owner.permissions.update(_requested(resource.body, row, names))

    # Who uses an account ---------------------------------------------------------------------

    def _attachments(self) -> None:
        """Workloads that run as a user-assigned identity (`identity_ids` and the like)."""
        for row in self.rows("attachment"):
            for resource in self.managed(row):
                for match in select(resource.body, str(row["path"])):
                    for draft in self._targets(resource, match.node):
                        draft.workloads.add(resource.address)

    def _uses(self) -> None:
        """Workloads whose settings reference an account or its credentials (a client id, a
        secret in app settings), from the managed-identity-capable types."""
        types = self.tables["managed_identity_types"]
        for dialect in DIALECTS:
            for type_name in sorted({str(t) for t in types.column(dialect)}):
                for resource in self.graph.of_type(type_name):
                    if resource.dialect == dialect and resource.mode == "managed":
                        for draft in self._targets(resource, resource.body):
                            draft.workloads.add(resource.address)

    def _targets(self, source: Resource, node: Node) -> list[_Draft]:
        found: list[_Draft] = []
        for ref in node.all_refs():
            target = self.graph.target(source, ref)
            draft = self.by_resource.get(id(target)) if target is not None else None
            if draft is not None and draft not in found:
                found.append(draft)
        return found


def _containing(body: Node, path: str, text: str) -> Node | None:
    """The first known string at `path` that contains `text` (case-insensitively)."""
    for match in select(body, path):
        value = match.node.value
        if isinstance(value, str) and text.casefold() in value.casefold():
            return match.node
    return None


def _governance(body: Node, row: Row) -> dict[str, str]:
    """Tags, notes and description: what a reviewer reads to learn who owns the account."""
    found: dict[str, str] = {}
    _, tags = _first(body, row, "tags")
    for match in tags:
        if isinstance(match.node.value, dict):
            found.update({f"tags.{k}": masked_value(k, display(v)) for k, v in match.node.value.items()})
        elif isinstance(match.node.value, list):  # azuread tags are a set of strings
            found["tags"] = ", ".join(display(v) for v in match.node.value)
        else:
            found["tags"] = display(match.node)
    for column in ("notes", "description"):
        _, written = _first(body, row, column)
        if written:
            found[column] = display(written[0].node)
    return found


def _requested(body: Node, row: Row, names: Mapping[str, str]) -> Iterator[Permission]:
    for block in select(body, f"{row['path']}.*"):
        app_id = _text(block.node, row, "resource") or "(unknown)"
        name = names.get(app_id.casefold())
        for access in select(block.node, f"{row['access']}.*") or [block]:
            yield Permission(
                resource_app_id=app_id,
                resource_name=name,
                access_id=_text(access.node, row, "id") or "(unknown)",
                access_type=_text(access.node, row, "access_type") or "(unknown)",
            )


def _days(span: timedelta | None) -> int | None:
    return None if span is None else round(span.total_seconds() / 86400)
