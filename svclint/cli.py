"""Command-line declarations only. Each command's work lives in `svclint.commands.<name>`.

This is the one place that maps outcomes to exit codes: 0 clean, 1 findings at or above
`--fail-on`, 2 usage, configuration, rule-file or internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from svclint import __version__

EXIT_USAGE = 2


class _DefaultToCheck(click.Group):
    """`svclint PATHS...` means `svclint check PATHS...`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        wants_help_or_version = any(a in ("--help", "-h", "--version") for a in args[:1])
        if args and not wants_help_or_version and first not in self.commands:
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _guarded(func: Callable[..., int]) -> Callable[..., None]:
    """Run a command; turn user-fixable errors into one line and crashes into one line + hint."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        from svclint.errors import SvclintError

        debug = kwargs.pop("debug", False)
        try:
            code = func(*args, **kwargs)
        except SvclintError as exc:
            click.echo(f"svclint: error: {exc}", err=True)
            code = EXIT_USAGE
        except FileNotFoundError as exc:
            click.echo(f"svclint: error: {exc.filename or exc}: no such file or directory", err=True)
            code = EXIT_USAGE
        except KeyboardInterrupt:
            code = 130
        except BrokenPipeError:  # `svclint ... | head`: the reader left, nothing to report
            sys.stderr.close()
            code = 141
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"svclint: internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
                err=True,
            )
            code = EXIT_USAGE
        sys.exit(code)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


_debug = click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
_var_file = click.option(
    "--var-file",
    "var_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A .tfvars file applied to every Terraform module (repeatable).",
)
_exclude = click.option("--exclude", multiple=True, help="Glob of paths to skip while walking directories.")
_now = click.option("--now", help="Clock for credential lifetimes (RFC 3339; default: now).")


def _speed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Cache and parallelism options, shared by the commands that parse files."""
    func = click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")(func)
    func = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where parsed files and unit results are cached (default: the user cache directory).",
    )(func)
    func = click.option(
        "--progress/--no-progress",
        default=None,
        help="Show a progress counter on stderr for long runs (default: when stderr is a terminal).",
    )(func)
    no_cache = "Neither read nor write the caches: parse and evaluate everything."
    return click.option("--no-cache", is_flag=True, help=no_cache)(func)


_rules_dir = click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Add a directory of user rules (repeatable).",
)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="svclint")
def main() -> None:
    """Lint how Microsoft Entra service accounts are declared in Terraform, Bicep and ARM."""


_CONFIG_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "exclude": "exclude",
    "fail_on": "fail-on",
    "rules_dirs": "rules-dirs",
    "var_files": "var-files",
    "strict": "strict",
    "max_file_size": "max-file-size",
    "parse_timeout": "parse-timeout",
    "fail_on_parse_error": "fail-on-parse-error",
}


def _given(ctx: click.Context, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Options set on the command line, by config key: they override the config file."""
    given: dict[str, Any] = {}
    for name, key in _CONFIG_KEYS.items():
        value = kwargs.pop(name)
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            given[key] = list(value) if isinstance(value, tuple) else value
    return given


_config = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: nearest .svclint.yaml or pyproject.toml [tool.svclint]).",
)


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT[:PATH]",
    help="text (default), json, sarif, github or markdown; repeat to write several, e.g. "
    "--format github --format sarif:svclint.sarif.",
)
@_output
@_config
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "note", "never"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option("--select", multiple=True, help="Rule ids or prefixes to run (comma-separated; ALL for all).")
@click.option("--ignore", multiple=True, help="Rule ids or prefixes to skip (comma-separated).")
@_rules_dir
@_var_file
@_exclude
@click.option("--strict", is_flag=True, help="Count conditions on unknown values as violations.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record all current findings in this file (exit 0).",
)
@click.option("--update-baseline", is_flag=True, help="Drop fixed entries from the --baseline file.")
@click.option(
    "--fail-on-parse-error",
    is_flag=True,
    help="Exit 1 when any input could not be read or parsed, even with no finding.",
)
@click.option("--max-file-size", metavar="SIZE", help="Skip larger input files, e.g. 10MB (default), 512KB.")
@click.option(
    "--parse-timeout",
    type=click.FloatRange(min=0),
    help="Seconds one file may take to parse before it is skipped (default: 10; 0: no limit).",
)
@click.option("--absolute-paths", is_flag=True, help="Absolute paths in JSON, SARIF, GitHub and markdown reports.")
@_now
@_speed
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a TTY).")
@_debug
@click.pass_context
@_guarded
def check_command(ctx: click.Context, **kwargs: Any) -> int:
    """Lint PATHS (files or directories; default: the current directory)."""
    from svclint.commands.check import check

    return check(overrides=_given(ctx, kwargs), **kwargs)


@main.command("config")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_config
@_debug
@_guarded
def config_command(**kwargs: Any) -> int:
    """Print the effective configuration and where each value comes from."""
    from svclint.commands.config import config

    return config(**kwargs)


@main.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@_rules_dir
@_debug
@_guarded
def rules_command(**kwargs: Any) -> int:
    """List every rule: id, severity, dialects, default on/off, title."""
    from svclint.commands.rules import rules

    return rules(**kwargs)


@main.command("explain")
@click.argument("rule_id")
@_rules_dir
@_debug
@_guarded
def explain_command(**kwargs: Any) -> int:
    """Show a rule's rationale, Microsoft's guidance, examples and fix."""
    from svclint.commands.explain import explain

    return explain(**kwargs)


@main.command("inventory")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json", "csv", "mermaid"]),
    default="markdown",
    show_default=True,
)
@_output
@_var_file
@_exclude
@_rules_dir
@click.option(
    "--fail-on-privileged",
    is_flag=True,
    help="Exit 1 when a workload identity holds a privileged role at subscription scope or above.",
)
@_now
@_speed
@_debug
@_guarded
def inventory_command(**kwargs: Any) -> int:
    """List the service accounts PATHS declare: credentials, roles, permissions, users."""
    from svclint.commands.inventory import inventory

    return inventory(**kwargs)


@main.command("test")
@click.argument("rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Where the fixtures are (default: RULES_DIR/fixtures).",
)
@_debug
@_guarded
def test_command(**kwargs: Any) -> int:
    """Run a rule pack's fixtures: `expect:` lines in bad.* must fire, good.* must stay clean."""
    from svclint.commands.test import test

    return test(**kwargs)
