"""The pull-request provider contract, independent of any hosting service.

``promote`` talks to a :class:`Provider`: open (or update) the promotion pull request, or close a
stale one. The GitHub implementation lives in :mod:`gitops_promote.github` (the only module that
imports PyGithub); this module has no third-party imports so the CLI can use these types without
paying for PyGithub at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

__all__ = [
    "Provider",
    "PullRequestRef",
    "PullRequestSpec",
    "repository_from_remote",
]


@dataclass(frozen=True)
class PullRequestSpec:
    """What the promotion pull request should look like."""

    repository: str  # "owner/name"
    head: str  # branch name, e.g. gitops-promote/staging-to-prod/api
    base: str  # base branch
    title: str
    body: str  # Markdown
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class PullRequestRef:
    """A pull request that was opened, updated or closed."""

    number: int
    url: str  # html_url
    created: bool  # False when an existing open PR was updated
    state: str = "open"  # open | closed


class Provider(Protocol):
    """Opens, updates and closes promotion pull requests."""

    def open_or_update(self, spec: PullRequestSpec) -> PullRequestRef:
        """Update the open pull request whose head is ``spec.head``, or open one.

        Never opens a second pull request for the same head branch.
        """
        ...

    def close_stale(self, repository: str, head: str, comment: str) -> PullRequestRef | None:
        """Comment on and close the open pull request for ``head``; ``None`` if there is none."""
        ...


_NAME = r"[A-Za-z0-9_.-]+"
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?[^@/:]+:(?P<path>[^:]+)$")


def _owner_name(path: str) -> str | None:
    """``owner/name`` from the last two segments of a repository path, or ``None``."""
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    owner, name = parts[-2], parts[-1]
    if not re.fullmatch(_NAME, owner) or not re.fullmatch(_NAME, name):
        return None
    if name in (".", "..") or owner in (".", ".."):
        return None
    return f"{owner}/{name}"


def repository_from_remote(url: str) -> str | None:
    """``owner/name`` from a git remote URL, or ``None`` if the URL is not understood.

    Understands ``https://github.com/owner/name(.git)`` (with or without credentials in it, on
    GitHub Enterprise hosts too), ``git@github.com:owner/name.git`` and
    ``ssh://git@host(:port)/owner/name.git``. A GitHub Enterprise URL with a path prefix
    (``https://ghe.example.com/scm/owner/name.git``) yields its last two segments.
    """
    url = url.strip()
    if not url:
        return None
    if "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        if not parts.hostname:
            return None
        return _owner_name(parts.path)
    match = _SCP_LIKE.match(url)
    if match:
        return _owner_name(match.group("path"))
    return None
