"""The command line: parse, call one core function, render, map errors to exit codes.

The command group and :func:`main`, the one entry (argv in, exit code out) for the console
script, the GitHub Action and the demo. Each command lives in a module of this package that
imports the core it needs at its top; the group loads that module by name only when the command
runs, so ``gitops-promote --help`` loads click and nothing of the core.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple

import click

from .. import __version__, interrupt, workflow
from ..errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GitopsPromoteError, Interrupted
from .output import Options

_state: dict[str, int] = {"verbose": 0}


def _report_error(err: GitopsPromoteError) -> None:
    click.echo(f"error: {err}", err=True)
    if workflow.in_actions():
        workflow.emit_error(err)


_GLOBAL_WITH_VALUE = ("--repo", "--config", "--output")
_GLOBAL_FLAGS = ("-v", "-vv", "-vvv", "--verbose", "-q", "--quiet")
_COMMAND_WITH_VALUE = (
    "--env", "--set", "--set-string", "--patch", "--to", "--from", "--message", "-m",
    "--version", "--provider", "--token", "--pr-body-file", "--pr-title-file", "--dir",
    "--service",
)  # fmt: skip


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Let the global options also follow the command (``status --output json``).

    They are moved in front of the command; values of the command's own options are skipped,
    so ``--message -v`` stays a message.
    """
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in _GLOBAL_WITH_VALUE else 1
    if i >= len(args):
        return list(args)
    moved: list[str] = []
    kept: list[str] = []
    rest = list(args[i + 1 :])
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            kept += rest[j:]
            break
        if arg in _GLOBAL_WITH_VALUE and j + 1 < len(rest):
            moved += rest[j : j + 2]
            j += 2
        elif arg.split("=", 1)[0] in _GLOBAL_WITH_VALUE or arg in _GLOBAL_FLAGS:
            moved.append(arg)
            j += 1
        elif arg in _COMMAND_WITH_VALUE and j + 1 < len(rest):
            kept += rest[j : j + 2]
            j += 2
        else:
            kept.append(arg)
            j += 1
    return [*args[:i], *moved, args[i], *kept]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (SPEC section 4)."""
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    try:
        rv = cli.main(args=args, prog_name="gitops-promote", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return EXIT_FAILED
    except click.ClickException as exc:
        # one line, like every other error (click's usage errors add "Usage:" and "Try" lines)
        message = " ".join(exc.format_message().split())
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            message = f"{message} (see {exc.ctx.command_path} --help)"
        click.echo(f"error: {message}", err=True)
        return exc.exit_code if exc.exit_code else EXIT_USAGE
    except GitopsPromoteError as exc:
        if _state["verbose"]:
            _print_traceback(exc)
        _report_error(exc)
        return exc.exit_code
    except (Interrupted, KeyboardInterrupt) as exc:  # SIGINT, SIGTERM, SIGHUP: interrupt.py
        click.echo(interrupt.message(exc), err=True)
        return interrupt.exit_code(exc)
    except Exception as exc:  # last line of defence: one line, no traceback
        if _state["verbose"]:
            _print_traceback(exc)
        click.echo(f"error: internal error: {type(exc).__name__}: {exc} (run with -v)", err=True)
        return EXIT_FAILED
    return rv if isinstance(rv, int) else EXIT_OK


def _print_traceback(exc: BaseException) -> None:
    """The traceback of ``exc`` on stderr, as Python prints an uncaught exception's (by the
    interpreter's own printer, so that no command loads the traceback module for ``-v``)."""
    sys.__excepthook__(type(exc), exc, exc.__traceback__)


# ---------------------------------------------------------------------------------------------


class Entry(NamedTuple):
    """A command as the group knows it before loading it: the module of this package that
    defines it and the short help ``gitops-promote --help`` lists for it."""

    module: str
    short_help: str


#: The commands, in the order a user meets them (not alphabetically). The short helps are the
#: commands' own (tests/test_cli.py checks that they match).
COMMANDS = {
    "history": Entry("versions", "Versions of a spec, newest first."),
    "show": Entry("versions", "The exact bytes of a spec at a version."),
    "update": Entry("edits", "Edit a spec in place and commit it as a new version."),
    "rollback": Entry("edits", "Write a new commit restoring an old version byte for byte."),
    "diff": Entry("promote", "What a promote would do; writes nothing."),
    "promote": Entry("promote", "Commit on a promotion branch, open or update the PR."),
    "status": Entry("overview", "Services x environments: version, image, drift."),
    "check": Entry("overview", "Config, specs and env-var consistency."),
    "demo": Entry("demo", "The whole flow on a temporary sample repository."),
}


class _Commands(click.Group):
    """Loads a command's module (which imports the core it needs) only when that command runs
    or shows its own help; ``gitops-promote --help`` lists :data:`COMMANDS` without loading any."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        # Signals wait until the modules are loaded: a signal handled while the import system
        # runs one of its own callbacks is printed as "Exception ignored" and lost, and the
        # command would go on. Raised when the import ends, it stops the command as anywhere.
        with interrupt.critical():
            module = importlib.import_module(f"{__package__}.{entry.module}")
        command = getattr(module, cmd_name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As :meth:`click.MultiCommand.format_commands` lays them out, from the short helps of
        :data:`COMMANDS`."""
        if not COMMANDS:
            return
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, short_help=entry.short_help).get_short_help_str(limit))
            for name, entry in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--repo",
    default=".",
    show_default=True,
    metavar="PATH",
    help="The GitOps checkout (any directory inside it).",
)
@click.option(
    "--config", metavar="FILE", help="Config file (default: .gitops-promote.yaml at the root)."
)
@click.option(
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON (one document on stdout) for scripts.",
)
@click.option("-v", "--verbose", count=True, help="More detail; -v adds tracebacks to errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (and what `show` prints).")
@click.version_option(__version__, prog_name="gitops-promote")
@click.pass_context
def cli(
    ctx: click.Context, repo: str, config: str | None, output: str, verbose: int, quiet: bool
) -> None:
    """Update, roll back and promote service specs in a GitOps repository.

    Every service has one YAML spec per environment (envs/<env>/<service>.yaml); every commit
    that changes a spec is a version of it.

    \b
    Exit codes: 0 success; 1 the operation ran and failed or was refused;
                2 bad usage or bad input.
    """
    _state["verbose"] = verbose
    ctx.obj = Options(repo, config, output, verbose, quiet)
