"""What every command shares: the global options, printing a result (text or JSON, and inside
GitHub Actions its outputs and job summary), the progress line and checking an output file.

Light on purpose: the group loads it for every command line, ``--help`` included, so it imports
click and the standard library only.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from .. import workflow
from ..errors import UsageError


@dataclass
class Options:
    """The global options, handed to each command (``click.pass_obj``)."""

    repo: str
    config: str | None
    output: str
    verbose: int
    quiet: bool


def emit(
    opts: Options,
    command: str,
    data: dict[str, Any],
    text: str,
    markdown: Callable[[], str] | None = None,
) -> None:
    """Print the result (text or JSON) and, inside GitHub Actions, set outputs and the summary."""
    if opts.output == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif not opts.quiet and text:
        click.echo(text)
    if workflow.in_actions():
        workflow.report(command, data, markdown() if markdown else "")


def progress(opts: Options, label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr (``status: 120/300``) while a command goes over many
    services: only when stderr is a terminal, never with ``--output json``, ``-q`` or in CI."""
    quiet = opts.output == "json" or opts.quiet
    if quiet or os.environ.get("CI") or workflow.in_actions() or not sys.stderr.isatty():
        return None
    shown = {"at": 0.0, "drawn": False}

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total:
            if shown["drawn"]:
                click.echo("\r\x1b[2K", nl=False, err=True)  # clear the line
            return
        if total < 20 or now - shown["at"] < 0.1:
            return
        shown.update(at=now, drawn=True)
        click.echo(f"\r{label}: {done}/{total} services", nl=False, err=True)

    return show


def check_output_file(option: str, path: str) -> None:
    """Refuse, before anything is written, a file the command could not write at the end: its
    folder missing, or the file read-only (by its mode: root may write anything)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a folder, not a file")
    if os.path.exists(path):
        if not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise UsageError(f"{option} {path}: the file is read-only")
    elif not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")
