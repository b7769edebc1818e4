"""Putting commits on a branch of their own and opening (or updating) the pull request for it.

Shared by ``promote``, ``rollback --pr`` and ``update --pr``. The provider is anything with the
:class:`~gitops_promote.provider.Provider` shape; ``None`` means the local provider: the branch
is made locally (pushed with ``--push``) and the PR title and body are handed back for printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import interrupt
from .errors import GitopsPromoteError, Interrupted, ProviderError, RefusedError
from .provider import Provider, PullRequestRef, PullRequestSpec

if TYPE_CHECKING:
    from .git import PushAuth
    from .git.repository import GitRepository


@dataclass(frozen=True)
class Publisher:
    """How to publish: a provider (``None`` = local), push credentials, target repository."""

    provider: Provider | None = None
    auth: PushAuth | None = None
    repository: str | None = None
    push: bool = False
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    draft: bool = False

    @property
    def pushes(self) -> bool:
        return self.push or self.provider is not None


@dataclass(frozen=True)
class BranchCommit:
    """One commit to make on the branch: file changes and the message."""

    changes: dict[str, bytes | None]  # None: the commit deletes the file
    message: str


@dataclass(frozen=True)
class Published:
    branch: str
    commit: str
    reused: bool
    pushed: bool
    pr: PullRequestRef | None
    title: str = ""
    body: str = ""


def _existing_matches(
    repo: GitRepository, tip: str | None, base: str, commits: Sequence[BranchCommit]
) -> bool:
    """Does the branch already hold exactly these commits' content on top of ``base``?"""
    if tip is None:
        return False
    if repo.rev_parse(f"{tip}~{len(commits)}") != base:
        return False
    final: dict[str, bytes | None] = {}
    for c in commits:
        final.update(c.changes)
    now = repo.read_files(tip, list(final))
    return all(now.get(p) == b for p, b in final.items())


def _reusable(
    repo: GitRepository,
    branch: str,
    tips: Sequence[str | None],
    base: str,
    commits: Sequence[BranchCommit],
) -> str | None:
    """The first tip that already holds these commits' content on ``base`` (made current)."""
    for tip in tips:
        if tip is not None and _existing_matches(repo, tip, base, commits):
            if repo.rev_parse(f"refs/heads/{branch}") != tip:
                repo.set_branch(branch, tip)
            return tip
    return None


def _write_and_push(
    repo: GitRepository,
    branch: str,
    local_tip: str | None,
    remote_tip: str | None,
    base_sha: str,
    commits: Sequence[BranchCommit],
    publisher: Publisher,
) -> tuple[str, bool, bool]:
    """Make ``branch`` hold ``commits`` (reusing a tip that already does) and push it:
    ``(sha, reused, pushed)``."""
    # What is already published wins over a local copy: no needless force-push.
    sha = _reusable(repo, branch, (remote_tip, local_tip), base_sha, commits)
    reused = sha is not None
    if sha is None:
        sha = base_sha
        for c in commits:
            sha = repo.write_branch(branch, sha, c.changes, c.message)
    if not publisher.pushes or remote_tip == sha:
        return sha, reused, False
    try:
        repo.push_branch(branch, sha, auth=publisher.auth, seen=(remote_tip,))
    except RefusedError:
        # Someone pushed this promotion branch meanwhile (a concurrent run): if it holds the
        # same content, it is ours too; otherwise stop rather than overwrite it.
        adopted = _reusable(
            repo, branch, (repo.fetch_branch(branch, auth=publisher.auth),), base_sha, commits
        )
        if adopted is None:
            raise
        return adopted, True, False
    return sha, reused, True


def _pushed(repo: GitRepository, branch: str, publisher: Publisher) -> bool:
    """After a signal: is the remote's ``branch`` the local one? Says so as the exit line."""
    here = repo.rev_parse(f"refs/heads/{branch}")
    try:
        there = repo.remote_branch_sha(branch, auth=publisher.auth, timeout=10)
    except GitopsPromoteError:
        interrupt.progress(
            f"origin may already have branch {branch}: run the same command again to finish"
        )
        return False
    if here is None or there != here:
        return False
    interrupt.progress(
        f"branch {branch} was written and pushed ({here[:12]})"
        + ("; run the same command again to open the pull request" if publisher.provider else "")
    )
    return True


def _restore_branch(repo: GitRepository, branch: str, local_tip: str | None) -> None:
    """Leave no orphan: the local branch as it was before this command (the pushed branch
    stays on the remote, for a re-run to reuse)."""
    if repo.rev_parse(f"refs/heads/{branch}") != local_tip:
        if local_tip is None:
            repo.delete_branch(branch)
        else:
            repo.set_branch(branch, local_tip)


def publish_branch(
    repo: GitRepository,
    branch: str,
    base_branch: str,
    base_sha: str,
    commits: Sequence[BranchCommit],
    title: str,
    body: str,
    publisher: Publisher,
) -> Published:
    """Write ``commits`` on ``branch`` (based on ``base_sha``), push it, open or update the PR.

    Re-running with the same content reuses the branch as it is (no new commit, no push). If the
    pull request cannot be opened after the branch was pushed, the error says so and that a re-run
    finishes the job.
    """
    local_tip = repo.rev_parse(f"refs/heads/{branch}")
    remote_tip = None
    if publisher.pushes:
        remote_tip = repo.remote_branch_sha(branch, auth=publisher.auth)
        if remote_tip is not None and remote_tip != local_tip:
            repo.fetch_branch(branch, auth=publisher.auth)
    try:
        sha, reused, pushed = _write_and_push(
            repo, branch, local_tip, remote_tip, base_sha, commits, publisher
        )
    except BaseException as exc:
        if isinstance(exc, Interrupted) and publisher.pushes and _pushed(repo, branch, publisher):
            raise  # the push got through before the signal: the branch stays, as on the remote
        _restore_branch(repo, branch, local_tip)
        raise

    pr = None
    if publisher.provider is not None:
        if not publisher.repository:
            raise ProviderError("no GitHub repository known: set github.repository in the config")
        spec = PullRequestSpec(
            repository=publisher.repository,
            head=branch,
            base=base_branch,
            title=title,
            body=body,
            labels=publisher.labels,
            reviewers=publisher.reviewers,
            team_reviewers=publisher.team_reviewers,
            draft=publisher.draft,
        )
        try:
            pr = publisher.provider.open_or_update(spec)
        except GitopsPromoteError as exc:
            _restore_branch(repo, branch, local_tip)
            raise ProviderError(
                f"branch {branch} was pushed ({sha[:12]}) but the pull request could not be "
                f"opened or updated: {exc.message} — re-run the same command to finish"
            ) from exc
    return Published(branch, sha, reused, pushed, pr, title, body)


def close_stale(
    repo: GitRepository, branch: str, publisher: Publisher, reason: str
) -> PullRequestRef | None:
    """Nothing left to change: close the open PR of ``branch`` with ``reason``, drop the branch."""
    closed = None
    if publisher.provider is not None and publisher.repository:
        closed = publisher.provider.close_stale(publisher.repository, branch, reason)
    if repo.rev_parse(f"refs/heads/{branch}") and repo.current_branch() != branch:
        repo.delete_branch(branch)
    return closed
