"""Where the commands that write (update, rollback, promote) publish: the pull-request provider
and push credentials picked from ``--provider``, ``--token`` and the environment, and the options
they share."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import workflow
from ..errors import UsageError
from ..git import PushAuth
from ..provider import repository_from_remote
from ..publish import Publisher
from ..workspace import Workspace

if TYPE_CHECKING:  # update and rollback do not load the promotion; PyGithub loads late
    from ..github import GithubProvider
    from ..promotion import ChecksReader


def publishing(
    ws: Workspace,
    *,
    provider: str | None,
    token: str | None,
    push: bool,
) -> tuple[Publisher, ChecksReader | None]:
    """Pick the pull-request provider and push credentials (token never printed or stored);
    with the github provider, also how to read a commit's statuses and check runs (the checks
    gate of a promotion). The local provider cannot read them: ``None``."""
    token = token or os.environ.get("GITHUB_TOKEN") or None
    if token and workflow.in_actions():
        workflow.mask(token)
    name = provider or ("github" if token else "local")
    gh = ws.config.github
    auth = PushAuth(token) if token else None
    if name == "local":
        return Publisher(None, auth, gh.repository, push), None
    if not token:
        raise UsageError("--provider github needs a token: pass --token or set GITHUB_TOKEN")
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
    github = _github(token, api)
    publisher = Publisher(
        github,
        auth,
        repository,
        True,
        labels=gh.labels,
        reviewers=gh.reviewers,
        team_reviewers=gh.team_reviewers,
        draft=gh.draft,
    )
    return publisher, lambda sha: github.commit_checks(repository, sha)


def _github(token: str, api: str) -> GithubProvider:
    """The GitHub provider. :mod:`gitops_promote.github` is the one module importing PyGithub
    (and requests): imported here, when a command talks to GitHub, it is the lazy import of
    PyGithub that keeps the local provider (and every read-only command) from paying for it."""
    from ..github import GithubProvider

    return GithubProvider(token, api)


provider_option = click.option(
    "--provider",
    type=click.Choice(["github", "local"]),
    help="github: push and open/update the PR through the API; local (default without a "
    "token): make the branch locally.",
)
token_option = click.option(
    "--token",
    metavar="TOKEN",
    help="GitHub token (default: $GITHUB_TOKEN). Never printed or stored.",
)


F = TypeVar("F", bound=Callable[..., Any])


def version_write_options(func: F) -> F:
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
            provider_option,
            token_option,
        ]
    ):
        func = option(func)
    return func
