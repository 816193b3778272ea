"""Front ends, one module per input format. Imported lazily: lark is slow to load."""

from __future__ import annotations

from svclint.parsers.hcl_syntax import ConfigFile


def parse_terraform(path: str, text: str) -> ConfigFile:
    """A `.tf`, `.tfvars` or `.tf.json` file as Terraform syntax.

    Native syntax goes to the hand-written parser first; whatever it does not handle exactly as
    python-hcl2's grammar does (syntax errors included) goes to the lark path, whose result and
    messages are authoritative.
    """
    if path.endswith(".json"):
        from svclint.parsers.terraform_json import parse as parse_json

        return parse_json(path, text)
    from svclint.parsers import hcl_native

    try:
        return hcl_native.parse(path, text)
    except Exception:  # `Unsupported`, or a bug: either way lark decides, and nothing crashes
        pass
    from svclint.parsers.terraform import parse as parse_hcl

    return parse_hcl(path, text)
