"""SARIF 2.1.0 for GitHub code scanning: one run, every enabled rule, relative URIs.

Regions point at the offending attribute (not the whole block) so alerts survive in PR
checks; file problems go to toolExecutionNotifications, never to results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from svclint.engine.loader import Rule
from svclint.model import Diagnostic, Finding, Location
from svclint.pipeline import LintResult
from svclint.report import ReportContext
from svclint.report.fingerprint import FINGERPRINT_KEY, fingerprint
from svclint.report.paths import portable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/svclint/"
MAX_RESULTS = 25_000  # GitHub rejects runs with more results than this
# Midpoints of GitHub's bands (high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9), away from the edges.
_SECURITY_SEVERITY = {"error": 8.0, "warning": 5.5, "note": 2.0}
_RANK = {"error": 0, "warning": 1, "note": 2}


def render(result: LintResult, stream: TextIO, context: ReportContext) -> None:
    json.dump(sarif_log(result, context), stream, indent=2)
    stream.write("\n")


def sarif_log(result: LintResult, context: ReportContext) -> dict[str, Any]:
    result = portable(result, context.absolute_paths)
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    findings = sorted(result.findings, key=lambda f: _RANK[f.severity])
    notifications = [_notification(d) for d in result.diagnostics]
    if len(findings) > MAX_RESULTS:
        notifications.append(
            {
                "level": "warning",
                "message": {"text": f"Only the first {MAX_RESULTS} of {len(findings)} results were written."},
            }
        )
        findings = findings[:MAX_RESULTS]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "svclint",
                "version": context.version,
                "semanticVersion": context.version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule_id]) for f in findings if f.rule_id in index],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _rule(rule: Rule) -> dict[str, Any]:
    severity = rule.security_severity if rule.security_severity is not None else _SECURITY_SEVERITY[rule.severity]
    tags = ["security", "azure", "entra", *rule.dialects, *rule.tags]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _sentence(rule.title)[:1024]},
        "fullDescription": {"text": _sentence(rule.rationale)[:1024]},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": rule.severity},
        "properties": {
            "tags": list(dict.fromkeys(tags))[:10],
            "precision": rule.precision,
            "security-severity": f"{severity:.1f}",
        },
    }


def _help_text(rule: Rule) -> str:
    source = rule.source
    quoted = f'Microsoft ({source["document"]}): "{source["quote"]}" {source["url"]}'
    return f"{rule.remediation}\n\n{quoted}"


def _help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.title}**", "", rule.rationale, "", "**Fix:** " + rule.remediation, ""]
    parts.append(f"> {rule.source['quote']}")
    parts.append(f"> — [{rule.source['document']}]({rule.source['url']})")
    for dialect, example in rule.examples.items():
        fence = "hcl" if dialect == "terraform" else "bicep" if dialect == "bicep" else "json"
        parts += ["", f"Compliant {dialect}:", f"```{fence}", example["good"].rstrip(), "```"]
    return "\n".join(parts)


def _location(loc: Location) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(loc.line, 1), "startColumn": max(loc.column, 1)}
    if loc.end_line >= loc.line:
        region["endLine"] = loc.end_line
        if loc.end_line > loc.line or loc.end_column > loc.column:
            region["endColumn"] = loc.end_column
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(loc.path),
            "region": region,
        }
    }


def _artifact(path: str) -> dict[str, str]:
    """Relative paths resolve against %SRCROOT%; absolute ones (`--absolute-paths`) are file URIs."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity,
        "message": {"text": _sentence(finding.message)},
        "locations": [_location(finding.loc)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }


def _notification(diag: Diagnostic) -> dict[str, Any]:
    loc = Location(diag.path, diag.line, diag.column, diag.line, diag.column)
    return {
        "level": diag.level,
        "message": {"text": _sentence(f"{diag.path}: {diag.message}")},
        "locations": [_location(loc)],
    }
