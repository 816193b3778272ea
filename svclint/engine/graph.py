"""The resources of a run, indexed for rules: by type, and by address within a module.

Terraform addresses are unique only inside a module directory, ARM names and Bicep symbolic
names only inside a file, so every lookup is scoped by `Resource.module_dir`. ARM
expressions name resources in several ways (symbolic name, resource name, resource ID with
unknown parts), so ARM resources are also indexed by their `meta["aliases"]`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, KeysView

from svclint.model import Ref, Resource


@functools.lru_cache(maxsize=4096)
def arm_type_name(address: str) -> tuple[str, str] | None:
    """(type, name) from an ARM resource ID or `Type/name` text, e.g. `Microsoft.Web/sites/slots`
    and `app/staging` from `/subscriptions/.../providers/Microsoft.Web/sites/app/slots/staging`.
    Memoised: rules resolve the same few references for every resource that makes them."""
    parts = [p for p in address.split("/") if p]
    lowered = [p.casefold() for p in parts]
    if "providers" in lowered:
        parts = parts[len(lowered) - lowered[::-1].index("providers") :]
    if len(parts) < 3 or "." not in parts[0]:
        return None
    types, names = parts[1::2], parts[2::2]
    return f"{parts[0]}/{'/'.join(types)}", "/".join(names)


def ref_type(ref: Ref) -> str:
    """The resource type a reference points at, from the address alone:
    `data.azuread_user.x` -> `data.azuread_user`; an ARM resource ID -> its ARM type."""
    if ref.address.startswith("@"):
        return ref.address
    if "/" in ref.address:
        parsed = arm_type_name(ref.address)
        return parsed[0] if parsed else ref.address
    parts = ref.address.split(".")
    if parts[0] == "data" and len(parts) >= 2:
        return f"data.{parts[1]}"
    return parts[0]


class Graph:
    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_module: dict[str, list[Resource]] = defaultdict(list)
        self._by_module_type: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self._by_address: dict[tuple[str, str], Resource] = {}
        for resource in self.resources:
            key = type_key(resource)
            self._by_type[key].append(resource)
            self._by_module[resource.module_dir].append(resource)
            self._by_module_type[(resource.module_dir, key)].append(resource)
            self._by_address[(resource.module_dir, resource.address)] = resource
            for alias in resource.meta.get("aliases", ()):
                self._by_address.setdefault((resource.module_dir, alias.casefold()), resource)

    def of_type(self, type_name: str) -> list[Resource]:
        return self._by_type.get(type_name.casefold(), [])

    def type_keys(self) -> KeysView[str]:
        """The types the graph has resources of, as `type_key` spells them."""
        return self._by_type.keys()

    def in_module(self, module_dir: str, type_name: str = "*") -> list[Resource]:
        """Resources of a type (or all, for "*") in one module: indexed, because connection
        conditions ask this for every resource they test."""
        if type_name == "*":
            return self._by_module.get(module_dir, [])
        return self._by_module_type.get((module_dir, type_name.casefold()), [])

    def target(self, source: Resource, ref: Ref) -> Resource | None:
        """The resource a reference points at, if the same module declares it."""
        found = self._by_address.get((source.module_dir, ref.address))
        if found is None and source.dialect == "arm":
            parsed = arm_type_name(ref.address)
            key = f"{parsed[0]}/{parsed[1]}" if parsed else ref.address
            found = self._by_address.get((source.module_dir, key.casefold()))
        return found

    def type_of(self, source: Resource, ref: Ref) -> str:
        """The type a reference points at: the declared resource's, else read off the address."""
        found = self.target(source, ref)
        if found is None:
            return ref_type(ref).casefold()
        # ARM has no data sources: an `existing` resource still has its plain type.
        return found.type.casefold() if found.dialect == "arm" else type_key(found)


def type_key(resource: Resource) -> str:
    """Index key: data sources are `data.<type>`; ARM types are case-insensitive."""
    prefix = "data." if resource.mode == "data" else ""
    return f"{prefix}{resource.type}".casefold()
