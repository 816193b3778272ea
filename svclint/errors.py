"""Errors the user must fix. Problems in *inputs* are Diagnostics, never exceptions."""

from __future__ import annotations


class SvclintError(Exception):
    """A fault in how svclint was invoked or configured; the CLI prints it on one line."""


class ConfigError(SvclintError):
    """A bad command-line option or configuration file."""


class RuleError(SvclintError):
    """A rule or table file that does not load or validate."""
