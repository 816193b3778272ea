"""The one YAML loader for configuration, rule and table files: safe, and bounded.

`yaml.safe_load` builds only plain data, but it still lets a small file stand for a huge one:
anchors and aliases ("billion laughs") make a document of a few hundred bytes describe a
billion nodes, which jsonschema validation or any walk over the result would then expand.
Rule files use aliases legitimately (one condition shared by the Terraform and ARM checks),
so aliases are allowed, and the document's *expanded* size is counted on the node graph,
before anything is constructed, each shared node once per reference (memoised, so counting
is linear in the file). Deep nesting, which makes PyYAML recurse until RecursionError, is
reported as a YAML error too.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
"""Expanded nodes allowed in one document: the largest rule file has a few thousand."""


# libyaml's parser when PyYAML was built with it (about 8x faster on rule files); the node
# graph it composes is the same, so the bound below works on either.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BoundedLoader(_SafeBase):
    """A safe loader that refuses documents expanding to more than MAX_NODES nodes."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_NODES:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"document expands to more than {MAX_NODES} values through aliases (a YAML alias bomb?)",
                node.start_mark,
            )
        return node


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes in the document once every alias is replaced by a copy of what it names."""
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[id(node)] = size = min(size, MAX_NODES + 1)  # saturate: the sum of huge counts stays small
    return size


def load(text: str) -> Any:
    """Plain data from YAML `text`; raises yaml.YAMLError (with a mark when one is known) for
    invalid, oversized, alias-bombed or too deeply nested documents."""
    if len(text) > MAX_BYTES:
        raise yaml.YAMLError(f"file is larger than {MAX_BYTES // 1_000_000} MB")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise yaml.YAMLError("nesting too deep") from None
    finally:
        loader.dispose()
