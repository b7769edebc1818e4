"""``update`` and ``rollback``: write a spec's next version (on its branch, or with ``--pr`` on a
branch of its own with a pull request)."""

from __future__ import annotations

from typing import IO

import click

from ..errors import EXIT_OK
from ..patching import read_patch
from ..render.jsondata import rollback_json, update_json
from ..render.markdown import rollback_md, update_md
from ..render.text import rollback_text, update_text
from ..rollback import rollback as roll_back
from ..update import update as update_spec
from ..workspace import Workspace
from .output import Options, emit
from .publishing import publishing, version_write_options


@click.command(short_help="Edit a spec in place and commit it as a new version.")
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="PATH=VALUE",
    help="JSON Pointer (/image/image_uri) or dotted (image.image_uri) path, optionally after "
    "a document (Deployment/web:); VALUE is a YAML scalar ('3' is a string, 3 a number), "
    "but a value replacing a string stays a string. Repeatable.",
)
@click.option(
    "--set-string",
    "set_strings",
    multiple=True,
    metavar="PATH=VALUE",
    help="Like --set, but VALUE is always written as a string. Repeatable.",
)
@click.option(
    "--patch",
    "patch_file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE|-",
    help="Apply an RFC 6902 JSON Patch (a JSON array of operations; - reads stdin). "
    "A failing test operation refuses the whole update.",
)
@click.option(
    "--create",
    is_flag=True,
    help="Create keys and list items that do not exist yet (otherwise refused).",
)
@version_write_options
@click.pass_obj
def update(
    opts: Options,
    service: str,
    env: str,
    sets: tuple[str, ...],
    set_strings: tuple[str, ...],
    patch_file: IO[str] | None,
    create: bool,
    dry_run: bool,
    push: bool,
    message: str | None,
    pr: bool,
    provider: str | None,
    token: str | None,
) -> int:
    """Edit a spec in place and commit it as a new version."""

    patch = None
    if patch_file is not None:
        patch = read_patch(patch_file.read(), patch_file.name)
    ws = Workspace.open(opts.repo, opts.config)
    publisher, _ = publishing(ws, provider=provider if pr else "local", token=token, push=push)
    res = update_spec(
        ws,
        service,
        env,
        sets,
        set_strings=set_strings,
        patch=patch,
        create=create,
        dry_run=dry_run,
        message=message,
        publisher=publisher,
        pr=pr,
    )
    data = update_json(res)
    emit(opts, "update", data, update_text(res), lambda: update_md(res))
    return EXIT_OK


@click.command(short_help="Write a new commit restoring an old version byte for byte.")
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.option("--to", "to", required=True, metavar="vN|SHA|previous", help="Version to restore.")
@click.option("--retain", is_flag=True, help="Keep the current values of retained paths.")
@version_write_options
@click.pass_obj
def rollback(
    opts: Options,
    service: str,
    env: str,
    to: str,
    retain: bool,
    dry_run: bool,
    push: bool,
    message: str | None,
    pr: bool,
    provider: str | None,
    token: str | None,
) -> int:
    """Write a new commit restoring an old version byte for byte."""

    ws = Workspace.open(opts.repo, opts.config)
    publisher, _ = publishing(ws, provider=provider if pr else "local", token=token, push=push)
    res = roll_back(
        ws,
        service,
        env,
        to,
        retain=retain,
        dry_run=dry_run,
        message=message,
        publisher=publisher,
        pr=pr,
    )
    data = rollback_json(res)
    emit(opts, "rollback", data, rollback_text(res), lambda: rollback_md(res))
    return EXIT_OK
