"""Timestamps and durations as IaC writes them: RFC 3339, Go durations, ISO-8601 periods."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_GO = re.compile(r"([+-]?)((?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+)")
_GO_PART = re.compile(r"(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_ISO = re.compile(
    r"([+-]?)P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?",
    re.IGNORECASE,
)
_DAYS = re.compile(r"(\d+(?:\.\d+)?)\s*d(?:ays?)?", re.IGNORECASE)


def parse_duration(text: str) -> timedelta | None:
    """Go (`2160h`, `1h30m`), ISO-8601 (`P90D`, `PT12H`, `P1Y`) or `90d`; None if neither.

    ISO years and months are taken as 365 and 30 days: lifetimes are policy thresholds,
    not calendar arithmetic.
    """
    text = text.strip()
    go = _GO.fullmatch(text)
    if go:
        seconds = sum(float(n) * _GO_UNITS[u] for n, u in _GO_PART.findall(go.group(2)))
        return timedelta(seconds=-seconds if go.group(1) == "-" else seconds)
    iso = _ISO.fullmatch(text)
    if iso and any(iso.groups()[1:]):
        y, mo, w, d, h, mi, s = (float(g) if g else 0.0 for g in iso.groups()[1:])
        delta = timedelta(days=y * 365 + mo * 30 + w * 7 + d, hours=h, minutes=mi, seconds=s)
        return -delta if iso.group(1) == "-" else delta
    days = _DAYS.fullmatch(text)
    if days:
        return timedelta(days=float(days.group(1)))
    return None


def parse_timestamp(text: str) -> datetime | None:
    """An RFC 3339 / ISO-8601 timestamp (a bare date counts as midnight UTC)."""
    text = text.strip()
    if not text or not text[0].isdigit():
        return None
    candidate = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        return _parse_long_fraction(candidate)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _parse_long_fraction(text: str) -> datetime | None:
    # Python 3.10's fromisoformat rejects fractions other than 3 or 6 digits ("...:00.1234567Z").
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)(?:\.\d+)?(.*)", text)
    if not match:
        return None
    try:
        value = datetime.fromisoformat(match.group(1) + match.group(2))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def format_timestamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe_days(delta: timedelta) -> str:
    days = delta.total_seconds() / 86400
    return f"{days:,.0f} days" if abs(days) >= 1 else f"{delta.total_seconds() / 3600:,.0f} hours"


def lint_clock(now: str | None) -> datetime:
    """The clock lifetimes are measured against: `--now`, else the current time."""
    from svclint.errors import ConfigError

    if now is None:
        return datetime.now(timezone.utc)
    parsed = parse_timestamp(now)
    if parsed is None:
        raise ConfigError(f"--now {now!r} is not an RFC 3339 timestamp")
    return parsed
