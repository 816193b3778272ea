"""A finding's identity across commits: rule, path, resource address, attribute; no lines."""

from __future__ import annotations

import hashlib

from svclint.model import Finding

FINGERPRINT_KEY = "svclint/v1"


def fingerprint(finding: Finding) -> str:
    return hashlib.sha256(finding.fingerprint_key.encode("utf-8")).hexdigest()[:32]
