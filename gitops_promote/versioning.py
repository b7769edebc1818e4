"""Versions of a spec: ``history`` and ``show``, and what ``update`` and ``rollback`` share to
write the next version. Core code: no click, no GitHub; git through the workspace's repo."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import NotFoundError
from .history import Version, read_version, resolve_version, versions
from .prtext import diff_pr_body
from .publish import BranchCommit, Published, Publisher, publish_branch
from .workspace import SpecRef, Workspace


def spec_versions(ws: Workspace, spec: SpecRef) -> list[Version]:
    """Every version of ``spec`` on its branch, oldest first; refuses a spec without any."""
    spec.require()
    found = versions(ws.repo, spec.path, spec.commit)
    if not found:
        raise NotFoundError(f"{spec.path} has no history on branch {spec.branch}")
    return found


def choose_version(ws: Workspace, found: Sequence[Version], wanted: str) -> Version:
    """The version ``wanted`` names (see :func:`resolve_version`); a sha that names no commit
    of the repository at all is said to be just that."""
    try:
        return resolve_version(found, wanted)
    except NotFoundError:
        text = wanted.strip()
        hexa = re.fullmatch(r"[0-9a-fA-F]{4,64}", text) and not text.isdigit()
        if hexa and ws.repo.rev_parse(text) is None:
            raise NotFoundError(f"there is no commit {text} in this repository") from None
        raise


# -- history / show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryResult:
    service: str
    env: str
    path: str
    branch: str
    versions: list[Version]  # newest first


def history(ws: Workspace, service: str, env: str) -> HistoryResult:
    spec = ws.spec(service, env)
    found = spec_versions(ws, spec)
    return HistoryResult(service, env, spec.path, spec.branch, list(reversed(found)))


@dataclass(frozen=True)
class ShowResult:
    service: str
    env: str
    version: Version
    content: bytes


def show(ws: Workspace, service: str, env: str, version: str | None) -> ShowResult:
    spec = ws.spec(service, env)
    found = spec_versions(ws, spec)
    chosen = choose_version(ws, found, version) if version else found[-1]
    return ShowResult(service, env, chosen, read_version(ws.repo, chosen))


# -- writing the next version (update, rollback) ------------------------------------------------


@dataclass(frozen=True)
class Written:
    version: str
    commit: str
    pushed: bool
    published: Published | None


def write_version(
    ws: Workspace,
    spec: SpecRef,
    kind: str,
    content: bytes,
    message: str,
    diff: str,
    next_label: str,
    publisher: Publisher,
    pr: bool,
) -> Written:
    """Commit ``content`` as the spec's next version on its base branch, or (``pr``) on branch
    ``gitops-promote/<kind>/<env>/<service>`` with a pull request showing ``diff``."""
    if pr:
        published = publish_branch(
            ws.repo,
            f"gitops-promote/{kind}/{spec.env.name}/{spec.service}",
            spec.branch,
            spec.commit,
            [BranchCommit({spec.path: content}, message)],
            message.splitlines()[0],
            diff_pr_body(message, diff, spec.path),
            publisher,
        )
        return Written(next_label, published.commit, published.pushed, published)
    result = ws.repo.commit_files(
        spec.branch,
        {spec.path: content},
        message,
        expected_tip=spec.commit,
        push=publisher.push,
        auth=publisher.auth,
    )
    # The next number even after a rebase onto upstream commits: those never touch this spec
    # (that would have been a conflict), so they are not versions of it.
    return Written(next_label, result.sha, result.pushed, None)
