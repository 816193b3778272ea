"""Keep literal secrets found in IaC out of every report.

Reports travel further than the repository: CI logs, SARIF uploads, PR comments. When a rule
message quotes a value (`{value}`), and the value sits in a secret-like attribute or looks like
a connection string with a key in it, only its first characters are shown: `Zx8***`. Masking
happens once, where messages are built (`svclint.engine.evaluate`), so every format gets it.
"""

from __future__ import annotations

import re
from typing import Any

SHOWN_CHARS = 3
"""Characters of a secret kept; shorter secrets are hidden entirely."""

# The last word of an attribute name (split at `.`, `_`, `-` and camelCase) that marks a secret.
SECRET_WORDS = frozenset(
    {"secret", "password", "passwd", "pwd", "key", "token", "credential", "credentials", "connectionstring"}
)
# Secret-like names whose last word alone is too common to match on (`string`, `value`).
SECRET_NAMES = ("connection_string", "connectionstring", "sas_token", "sastoken", "access_key", "accesskey")
# Parts of a connection string or URL that carry a secret, whatever the attribute is called.
SECRET_PARTS = re.compile(
    r"(?i)(accountkey|sharedaccesskey|password|pwd|clientsecret|client_secret|sig|sastoken)\s*=\s*[^;&\s]"
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def is_secret_attribute(attribute: str) -> bool:
    """True for `client_secret`, `app_settings.AZURE_CLIENT_SECRET`, `accountKey`, ...;
    False for `key_vault_id` or `secret_expiry_days`, whose last word is not a secret."""
    last = attribute.rsplit(".", 1)[-1]
    compact = last.replace("-", "_").lower()
    if any(compact.endswith(name) for name in SECRET_NAMES):
        return True
    words = _WORD.findall(last)
    return bool(words) and words[-1].lower() in SECRET_WORDS


def mask(text: str) -> str:
    """`Zx8***`: the first SHOWN_CHARS characters, or only `***` for a short secret."""
    return f"{text[:SHOWN_CHARS]}***" if len(text) > 2 * SHOWN_CHARS else "***"


def masked_value(attribute: str, value: Any) -> Any:
    """`value` as a message may show it: masked when the attribute or the text says secret."""
    if isinstance(value, str) and value and (is_secret_attribute(attribute) or SECRET_PARTS.search(value)):
        return mask(value)
    return value
