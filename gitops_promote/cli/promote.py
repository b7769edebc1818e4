"""``diff`` and ``promote``: plan a promotion, render its pull request (title, body, job
summary) and, for ``promote``, publish it with them."""

from __future__ import annotations

import click

from .. import promotion
from ..errors import EXIT_OK
from ..render.prbody import job_summary, pr_body, pr_title
from ..render.promotionjson import promotion_json
from ..render.text import promotion_text
from ..workspace import Workspace
from .output import Options, check_output_file, emit, progress
from .publishing import provider_option, publishing, token_option


@click.command(short_help="What a promote would do; writes nothing.")
@click.argument("services", nargs=-1)
@click.option("--all", "all_services", is_flag=True, help="Every service of the source env.")
@click.option("--from", "source", required=True, metavar="ENV", help="Source environment.")
@click.option("--to", "target", required=True, metavar="ENV", help="Target environment.")
@click.pass_obj
def diff(
    opts: Options, services: tuple[str, ...], all_services: bool, source: str, target: str
) -> int:
    """What a promote would do; writes nothing."""
    res = promotion.diff(
        Workspace.open(opts.repo, opts.config),
        services,
        source,
        target,
        all_services=all_services,
        progress=progress(opts, "diff"),
    )
    text = promotion_text(res, full=opts.verbose > 0)
    emit(opts, "diff", promotion_json(res), text, lambda: job_summary(res, "diff"))
    return EXIT_OK


@click.command(short_help="Commit on a promotion branch, open or update the PR.")
@click.argument("services", nargs=-1)
@click.option("--all", "all_services", is_flag=True, help="Every service of the source env.")
@click.option("--from", "source", required=True, metavar="ENV", help="Source environment.")
@click.option("--to", "target", required=True, metavar="ENV", help="Target environment.")
@click.option("--dry-run", is_flag=True, help="Show the plan; write nothing.")
@click.option("--push", is_flag=True, help="With --provider local: push the branch to origin.")
@click.option("--message", "-m", metavar="TEXT", help="Extra text for the commit message.")
@click.option(
    "--pr-body-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the pull request body here (local provider) instead of stdout.",
)
@click.option(
    "--pr-title-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the pull request title here (local provider).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Promote over a held target (a rollback in place) and closed gates; the commit "
    "and the pull request say what was overridden.",
)
@provider_option
@token_option
@click.pass_obj
def promote(
    opts: Options,
    services: tuple[str, ...],
    all_services: bool,
    source: str,
    target: str,
    dry_run: bool,
    push: bool,
    message: str | None,
    pr_body_file: str | None,
    pr_title_file: str | None,
    force: bool,
    provider: str | None,
    token: str | None,
) -> int:
    """Commit the promotion on its branch and open or update the pull request.

    A target whose current version is a rollback is held: promoting it alone is refused, with
    --all (or several services) it is skipped and listed as held. Gates of the promotion
    (soak, checks) must be open. --force goes through both.
    """
    if pr_body_file:
        check_output_file("--pr-body-file", pr_body_file)
    ws = Workspace.open(opts.repo, opts.config)
    publisher, checks = publishing(ws, provider=provider, token=token, push=push)
    res = promotion.prepare(
        ws,
        services,
        source,
        target,
        all_services=all_services,
        force=force,
        checks=checks,
        progress=progress(opts, "promote"),
    )
    title, body = pr_title(res), pr_body(res, "promote")
    if not dry_run:
        res = promotion.publish(ws, res, title, body, message=message, publisher=publisher)
    data = promotion_json(res)
    data["pr_title"] = title
    text = promotion_text(res, full=opts.verbose > 0)
    local = publisher.provider is None and res.writes and not dry_run
    for path, content, what in (
        (pr_title_file, f"{title}\n", "title"),
        (pr_body_file, body, "body"),
    ):
        if local and path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(content)
            text += f"\nPull request {what} written to {path}"
    if local and not pr_body_file:
        text += f"\n\n--- pull request ---\n{title}\n\n{body}"
        data["pr_body"] = body
    emit(opts, "promote", data, text, lambda: job_summary(res, "promote"))
    return EXIT_OK
