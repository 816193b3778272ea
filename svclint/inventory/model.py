"""The inventory's records: one `Account` per service account, and what hangs off it.

Everything is plain text, numbers and tuples, already sorted, so each output format only
lays records out and two runs over the same files give byte-identical output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Account kinds in report order, with the heading each gets. `managed_identity` and
# `principal` are for external principals that are only partly known.
KINDS: dict[str, str] = {
    "system_assigned_identity": "System-assigned managed identities",
    "user_assigned_identity": "User-assigned managed identities",
    "managed_identity": "Managed identities",
    "application": "App registrations and service principals",
    "service_principal": "Service principals",
    "user": "User accounts acting as service accounts",
    "principal": "Principals of unknown kind",
}
# Workload identities in the sense of `--fail-on-privileged`: what a workload signs in as.
WORKLOAD_KINDS = frozenset(set(KINDS) - {"user", "principal"})
# Scope classes at subscription scope or above (names from `rules/tables/scope_classes.yaml`).
BROAD_SCOPES = frozenset({"tenant", "management_group", "subscription"})


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret, certificate or federated credential; `lifetime_days` when its span is known."""

    kind: str
    address: str
    path: str
    line: int
    expires: str | None = None
    lifetime_days: int | None = None
    issuer: str | None = None
    subject: str | None = None

    def summary(self) -> str:
        details = [f"{self.lifetime_days} days"] if self.lifetime_days is not None else []
        details += [f"expires {self.expires}"] if self.expires else []
        details += [f"issuer {self.issuer}"] if self.issuer else []
        details += [f"subject {self.subject}"] if self.subject else []
        if self.kind != "federated" and not (self.expires or self.lifetime_days is not None):
            details.append("no expiry set")
        return f"{self.kind} {self.address}" + (f" ({', '.join(details)})" if details else "")


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """An RBAC role assignment; `privileged` is None when the role cannot be told."""

    address: str
    path: str
    line: int
    role: str
    privileged: bool | None
    scope: str
    scope_class: str | None

    @property
    def broad_and_privileged(self) -> bool:
        return bool(self.privileged) and self.scope_class in BROAD_SCOPES

    def summary(self) -> str:
        marks = {True: " (privileged)", False: "", None: " (privileged?)"}
        where = self.scope_class.replace("_", " ") if self.scope_class else "unknown scope"
        return f"{self.role}{marks[self.privileged]} @ {where}: {self.scope}"


@dataclass(frozen=True, slots=True)
class Permission:
    """One API permission an app registration requests (`type` Role = application permission)."""

    resource_app_id: str
    resource_name: str | None
    access_id: str
    access_type: str

    def summary(self) -> str:
        known_type = "" if self.access_type.startswith("(") else f" ({self.access_type})"
        return f"{self.resource_name or self.resource_app_id}: {self.access_id}{known_type}"


@dataclass(frozen=True, slots=True)
class FindingSummary:
    rule_id: str
    severity: str
    path: str
    line: int
    message: str

    def summary(self) -> str:
        return f"{self.rule_id} {self.severity} {self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Account:
    """One service account. `external` ones are referenced here but declared elsewhere."""

    kind: str
    address: str
    path: str
    line: int
    external: bool = False
    service_principal: str | None = None
    owners: tuple[str, ...] = ()
    credentials: tuple[Credential, ...] = ()
    roles: tuple[RoleGrant, ...] = ()
    permissions: tuple[Permission, ...] = ()
    workloads: tuple[str, ...] = ()
    governance: tuple[tuple[str, str], ...] = ()
    findings: tuple[FindingSummary, ...] = ()

    @property
    def privileged_at_broad_scope(self) -> bool:
        """A workload identity holding a privileged role at subscription scope or above."""
        return self.kind in WORKLOAD_KINDS and any(r.broad_and_privileged for r in self.roles)


@dataclass(frozen=True, slots=True)
class Inventory:
    accounts: tuple[Account, ...] = field(default_factory=tuple)
    files: int = 0
