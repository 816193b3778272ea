"""The resources of a run, indexed for rules: by type, and by address within a module.

Terraform addresses are unique only inside a module directory, and Bicep symbolic names only
inside a file, so every lookup is scoped by `Resource.module_dir`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from svclint.model import Ref, Resource


def ref_type(ref: Ref) -> str:
    """The resource type a reference points at: `data.azuread_user.x` -> `data.azuread_user`."""
    parts = ref.address.split(".")
    if parts[0] == "data" and len(parts) >= 2:
        return f"data.{parts[1]}"
    return parts[0]


class Graph:
    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_address: dict[tuple[str, str], Resource] = {}
        for resource in self.resources:
            self._by_type[type_key(resource)].append(resource)
            self._by_address[(resource.module_dir, resource.address)] = resource

    def of_type(self, type_name: str) -> list[Resource]:
        return self._by_type.get(type_name.casefold(), [])

    def in_module(self, module_dir: str, type_name: str) -> list[Resource]:
        return [r for r in self.of_type(type_name) if r.module_dir == module_dir]

    def target(self, source: Resource, ref: Ref) -> Resource | None:
        return self._by_address.get((source.module_dir, ref.address))


def type_key(resource: Resource) -> str:
    """Index key: data sources are `data.<type>`; ARM types are case-insensitive."""
    prefix = "data." if resource.mode == "data" else ""
    return f"{prefix}{resource.type}".casefold()
