"""Writing a spec's next version, what ``update`` and ``rollback`` share: one commit on the
spec's base branch, or (``--pr``) on a branch of its own with a pull request. Core code: no
click, no GitHub; git through the workspace's open work tree, the pull request through a
publisher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .git.repository import GitRepository
from .messages import diff_pr_body
from .publish import BranchCommit, Published, Publisher, publish_branch
from .workspace import SpecRef, Workspace


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
    files: Mapping[str, bytes | None] | None = None,
) -> Written:
    """Commit ``content`` as the spec's next version on its base branch, or (``pr``) on branch
    ``gitops-promote/<kind>/<env>/<service>`` with a pull request showing ``diff``.

    A directory spec passes ``files`` instead: relative name -> new bytes (``None``: delete)."""
    changes: dict[str, bytes | None] = (
        {spec.path: content}
        if files is None
        else {f"{spec.path}/{rel}": data for rel, data in files.items()}
    )
    repo = GitRepository(ws.repo.gateway)  # the workspace's handle, with the writing methods
    if pr:
        published = publish_branch(
            repo,
            f"gitops-promote/{kind}/{spec.env.name}/{spec.service}",
            spec.branch,
            spec.commit,
            [BranchCommit(changes, message)],
            message.splitlines()[0],
            diff_pr_body(message, diff, spec.path),
            publisher,
        )
        return Written(next_label, published.commit, published.pushed, published)
    result = repo.commit_files(
        spec.branch,
        changes,
        message,
        expected_tip=spec.commit,
        push=publisher.push,
        auth=publisher.auth,
    )
    # The next number even after a rebase onto upstream commits: those never touch this spec
    # (that would have been a conflict), so they are not versions of it.
    return Written(next_label, result.sha, result.pushed, None)
