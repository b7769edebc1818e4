"""The command line: parse, call one core function, render, map errors to exit codes.

The only module that imports click. :func:`main` is the one entry (argv in, exit code out) for the
console script, the GitHub Action and the demo. The core modules that load GitPython, PyGithub or
ruamel.yaml are imported inside the commands that need them, so ``gitops-promote --help`` stays
fast.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, interrupt, workflow
from .errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    GitopsPromoteError,
    Interrupted,
    UsageError,
)

if TYPE_CHECKING:  # the commands import the core when they run, so --help stays fast
    from .gates import CommitChecks
    from .publish import Publisher
    from .workspace import Workspace


@dataclass
class Options:
    repo: str
    config: str | None
    output: str
    verbose: int
    quiet: bool

    def workspace(self) -> Workspace:
        from .workspace import Workspace

        return Workspace.open(self.repo, self.config)


_state: dict[str, int] = {"verbose": 0}


def _emit(
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


def _progress(opts: Options, label: str) -> Callable[[int, int], None] | None:
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
            traceback.print_exc()
        _report_error(exc)
        return exc.exit_code
    except (Interrupted, KeyboardInterrupt) as exc:  # SIGINT, SIGTERM, SIGHUP: interrupt.py
        click.echo(interrupt.message(exc), err=True)
        return interrupt.exit_code(exc)
    except Exception as exc:  # last line of defence: one line, no traceback
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(f"error: internal error: {type(exc).__name__}: {exc} (run with -v)", err=True)
        return EXIT_FAILED
    return rv if isinstance(rv, int) else EXIT_OK


# ---------------------------------------------------------------------------------------------


class _InOrder(click.Group):
    """Lists commands in the order a user meets them, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_InOrder,
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


def _publisher(
    ws: Workspace,
    *,
    provider: str | None,
    token: str | None,
    push: bool,
) -> Publisher:
    """Pick the pull-request provider and push credentials (token never printed or stored)."""
    from .git import PushAuth
    from .provider import repository_from_remote
    from .publish import Publisher

    token = token or os.environ.get("GITHUB_TOKEN") or None
    if token and workflow.in_actions():
        workflow.mask(token)
    name = provider or ("github" if token else "local")
    gh = ws.config.github
    auth = PushAuth(token) if token else None
    if name == "local":
        return Publisher(None, auth, gh.repository, push)
    if not token:
        raise UsageError("--provider github needs a token: pass --token or set GITHUB_TOKEN")
    from .github import GithubProvider

    repository = gh.repository or os.environ.get("GITHUB_REPOSITORY") or None
    if not repository:
        url = ws.repo.remote_url("origin")
        repository = repository_from_remote(url) if url else None
    if not repository:
        raise UsageError(
            "cannot tell which GitHub repository to open the pull request in: set "
            "github.repository in the config (or GITHUB_REPOSITORY)"
        )
    api = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    return Publisher(
        GithubProvider(token, api),
        auth,
        repository,
        True,
        labels=gh.labels,
        reviewers=gh.reviewers,
        team_reviewers=gh.team_reviewers,
        draft=gh.draft,
    )


def _checks_reader(publisher: Publisher) -> Callable[[str], CommitChecks] | None:
    """With the github provider: read a commit's statuses and check runs (the checks gate)."""
    provider, repository = publisher.provider, publisher.repository
    if provider is None or not repository:
        return None
    from .github import GithubProvider

    if not isinstance(provider, GithubProvider):
        return None
    return lambda sha: provider.commit_checks(repository, sha)


_provider_option = click.option(
    "--provider",
    type=click.Choice(["github", "local"]),
    help="github: push and open/update the PR through the API; local (default without a "
    "token): make the branch locally.",
)
_token_option = click.option(
    "--token",
    metavar="TOKEN",
    help="GitHub token (default: $GITHUB_TOKEN). Never printed or stored.",
)


F = TypeVar("F", bound=Callable[..., Any])


def _version_write_options(func: F) -> F:
    """Options shared by the commands that write a new version (update, rollback)."""
    for option in reversed(
        [
            click.option("--dry-run", is_flag=True, help="Show the diff; write nothing."),
            click.option(
                "--push", is_flag=True, help="Push the commit to origin (rebasing if it moved on)."
            ),
            click.option("--message", "-m", metavar="TEXT", help="Commit message text."),
            click.option(
                "--pr",
                is_flag=True,
                help="Put the new version on a branch with a pull request instead.",
            ),
            _provider_option,
            _token_option,
        ]
    ):
        func = option(func)
    return func


@cli.command()
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.pass_obj
def history(opts: Options, service: str, env: str) -> int:
    """Versions of a spec, newest first."""
    from . import versioning
    from .render.jsondata import history_json
    from .render.markdown import history_md
    from .render.text import history_text

    res = versioning.history(opts.workspace(), service, env)
    data = history_json(res)
    _emit(opts, "history", data, history_text(res), lambda: history_md(res))
    return EXIT_OK


@cli.command()
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.option("--version", "version", metavar="vN|SHA", help="Version (default: the current one).")
@click.option("--file", "file", metavar="FILE", help="In a directory spec: only this file.")
@click.pass_obj
def show(opts: Options, service: str, env: str, version: str | None, file: str | None) -> int:
    """The exact bytes of a spec at a version."""
    from . import versioning
    from .render.files import files_text
    from .render.jsondata import show_json

    res = versioning.show(opts.workspace(), service, env, version, file)
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


@cli.command()
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
@_version_write_options
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
    from .patching import read_patch
    from .render.jsondata import update_json
    from .render.markdown import update_md
    from .render.text import update_text
    from .update import update as update_spec

    patch = None
    if patch_file is not None:
        patch = read_patch(patch_file.read(), patch_file.name)
    ws = opts.workspace()
    publisher = _publisher(ws, provider=provider if pr else "local", token=token, push=push)
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
    _emit(opts, "update", data, update_text(res), lambda: update_md(res))
    return EXIT_OK


@cli.command()
@click.argument("service")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment.")
@click.option("--to", "to", required=True, metavar="vN|SHA|previous", help="Version to restore.")
@click.option("--retain", is_flag=True, help="Keep the current values of retained paths.")
@_version_write_options
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
    from .render.jsondata import rollback_json
    from .render.markdown import rollback_md
    from .render.text import rollback_text
    from .rollback import rollback as roll_back

    ws = opts.workspace()
    publisher = _publisher(ws, provider=provider if pr else "local", token=token, push=push)
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
    _emit(opts, "rollback", data, rollback_text(res), lambda: rollback_md(res))
    return EXIT_OK


@cli.command()
@click.argument("services", nargs=-1)
@click.option("--all", "all_services", is_flag=True, help="Every service of the source env.")
@click.option("--from", "source", required=True, metavar="ENV", help="Source environment.")
@click.option("--to", "target", required=True, metavar="ENV", help="Target environment.")
@click.pass_obj
def diff(
    opts: Options, services: tuple[str, ...], all_services: bool, source: str, target: str
) -> int:
    """What a promote would do; writes nothing."""
    from . import promotion
    from .render.jsondata import promotion_json
    from .render.prbody import job_summary
    from .render.text import promotion_text

    res = promotion.diff(
        opts.workspace(),
        services,
        source,
        target,
        all_services=all_services,
        progress=_progress(opts, "diff"),
    )
    text = promotion_text(res, full=opts.verbose > 0)
    _emit(opts, "diff", promotion_json(res), text, lambda: job_summary(res, "diff"))
    return EXIT_OK


@cli.command(short_help="Commit on a promotion branch, open or update the PR.")
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
@_provider_option
@_token_option
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
    from . import promotion
    from .render.jsondata import promotion_json
    from .render.prbody import job_summary, pr_body, pr_title
    from .render.text import promotion_text

    if pr_body_file:
        check_output_file("--pr-body-file", pr_body_file)
    ws = opts.workspace()
    publisher = _publisher(ws, provider=provider, token=token, push=push)
    res = promotion.prepare(
        ws,
        services,
        source,
        target,
        all_services=all_services,
        force=force,
        checks=_checks_reader(publisher),
        progress=_progress(opts, "promote"),
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
    _emit(opts, "promote", data, text, lambda: job_summary(res, "promote"))
    return EXIT_OK


@cli.command(short_help="Services x environments: version, image, drift.")
@click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment.")
@click.option(
    "--service", "services", multiple=True, metavar="GLOB", help="Only services matching GLOB."
)
@click.pass_obj
def status(opts: Options, envs: tuple[str, ...], services: tuple[str, ...]) -> int:
    """Services x environments: version, image, commit and age, and how each promotion stands
    (to change, kept by the rules, changed in the target after the source)."""
    from . import overview
    from .render.jsondata import status_json
    from .render.markdown import status_md
    from .render.text import status_text

    res = overview.status(opts.workspace(), envs, services, progress=_progress(opts, "status"))
    data = status_json(res)
    tty = sys.stdout.isatty()
    text = status_text(
        res,
        width=shutil.get_terminal_size().columns if tty else None,
        colour=tty and not os.environ.get("NO_COLOR"),
    )
    _emit(opts, "status", data, text, lambda: status_md(res))
    return EXIT_OK


@cli.command(short_help="Config, specs and env-var consistency.")
@click.pass_obj
def check(opts: Options) -> int:
    """Validate config and specs; env vars set lower down but missing higher up are problems."""
    from . import overview
    from .render.jsondata import check_json
    from .render.markdown import check_md
    from .render.text import check_text

    res = overview.check(opts.workspace(), progress=_progress(opts, "check"))
    if workflow.in_actions():
        for p in res.problems:
            workflow.emit_annotation("error", p.message, file=p.file, line=p.line)
    _emit(opts, "check", check_json(res), check_text(res), lambda: check_md(res))
    return EXIT_OK if res.ok else EXIT_FAILED


@cli.command(short_help="The whole flow on a temporary sample repository.")
@click.option("--keep", is_flag=True, help="Keep the temporary repository and print its path.")
@click.option("--dir", "directory", type=click.Path(file_okay=False), help="Build it here.")
@click.pass_obj
def demo(opts: Options, keep: bool, directory: str | None) -> int:
    """The whole flow on a temporary copy of the bundled sample repository."""
    from .demo import run_demo

    return run_demo(click.echo, main, keep=keep, directory=directory)
