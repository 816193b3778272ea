"""Front ends, one module per input format. Imported lazily: lark is slow to load."""

from __future__ import annotations

from svclint.parsers.hcl_syntax import ConfigFile


def parse_terraform(path: str, text: str) -> ConfigFile:
    """A `.tf`, `.tfvars` or `.tf.json` file as Terraform syntax."""
    if path.endswith(".json"):
        from svclint.parsers.terraform_json import parse as parse_json

        return parse_json(path, text)
    from svclint.parsers.terraform import parse as parse_hcl

    return parse_hcl(path, text)
