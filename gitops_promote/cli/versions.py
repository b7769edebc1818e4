"""``history`` and ``show``: the versions of a spec, and a spec at a version."""

from __future__ import annotations

import json
import sys

import click

from .. import workflow
from ..errors import EXIT_OK
from ..render.files import files_text
from ..render.jsondata import history_json, show_json
from ..render.markdown import history_md
from ..render.text import history_text
from ..versioning import history as spec_history
from ..versioning import show as show_spec
from ..workspace import Workspace
from .output import Options, emit


@click.command(short_help="Versions of a spec, newest first.")
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.pass_obj
def history(opts: Options, service: str, env: str) -> int:
    """Versions of a spec, newest first."""
    res = spec_history(Workspace.open(opts.repo, opts.config), service, env)
    emit(opts, "history", history_json(res), history_text(res), lambda: history_md(res))
    return EXIT_OK


@click.command(short_help="The exact bytes of a spec at a version.")
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.option("--version", "version", metavar="vN|SHA", help="Version (default: the current one).")
@click.option("--file", "file", metavar="FILE", help="In a directory spec: only this file.")
@click.pass_obj
def show(opts: Options, service: str, env: str, version: str | None, file: str | None) -> int:
    """The exact bytes of a spec at a version."""
    res = show_spec(Workspace.open(opts.repo, opts.config), service, env, version, file)
    if opts.output == "json":
        click.echo(json.dumps(show_json(res), indent=2, ensure_ascii=False))
    else:
        out = sys.stdout.buffer
        out.write(res.content if res.files is None or res.file else files_text(res))
        out.flush()
    if workflow.in_actions():
        data = show_json(res)
        shown = data["content"] if res.files is None or res.file else files_text(res)
        text = shown.decode("utf-8", "replace") if isinstance(shown, bytes) else shown
        workflow.report("show", data, f"```yaml\n{text}\n```\n")
    return EXIT_OK
