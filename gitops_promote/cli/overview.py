"""``status`` and ``check``: every service in every environment, and whether the repository is
consistent."""

from __future__ import annotations

import os
import shutil
import sys

import click

from .. import workflow
from ..errors import EXIT_FAILED, EXIT_OK
from ..overview import check as check_repo
from ..overview import status as overview_status
from ..render.jsondata import check_json, status_json
from ..render.markdown import check_md, status_md
from ..render.text import check_text, status_text
from ..workspace import Workspace
from .output import Options, emit, progress


@click.command(short_help="Services x environments: version, image, drift.")
@click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment.")
@click.option(
    "--service", "services", multiple=True, metavar="GLOB", help="Only services matching GLOB."
)
@click.pass_obj
def status(opts: Options, envs: tuple[str, ...], services: tuple[str, ...]) -> int:
    """Services x environments: version, image, commit and age, and how each promotion stands
    (to change, kept by the rules, changed in the target after the source)."""
    ws = Workspace.open(opts.repo, opts.config)
    res = overview_status(ws, envs, services, progress=progress(opts, "status"))
    tty = sys.stdout.isatty()
    text = status_text(
        res,
        width=shutil.get_terminal_size().columns if tty else None,
        colour=tty and not os.environ.get("NO_COLOR"),
    )
    emit(opts, "status", status_json(res), text, lambda: status_md(res))
    return EXIT_OK


@click.command(short_help="Config, specs and env-var consistency.")
@click.pass_obj
def check(opts: Options) -> int:
    """Validate config and specs; env vars set lower down but missing higher up are problems."""
    res = check_repo(Workspace.open(opts.repo, opts.config), progress=progress(opts, "check"))
    if workflow.in_actions():
        for p in res.problems:
            workflow.emit_annotation("error", p.message, file=p.file, line=p.line)
    emit(opts, "check", check_json(res), check_text(res), lambda: check_md(res))
    return EXIT_OK if res.ok else EXIT_FAILED
