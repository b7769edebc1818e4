"""`GitRepository`: a handle on one work tree that also writes: commits, branches, pushes (the
reading methods are :class:`.reader.GitReader`'s)."""

from __future__ import annotations

from collections.abc import Mapping

from . import commit

# as a module name, "remote" would be shadowed by the methods' parameter of that name
from . import remote as remote_module
from .commit import CommitResult
from .gateway import PushAuth
from .reader import GitReader


class GitRepository(GitReader):
    """A git work tree, read and written through the git CLI (see :mod:`gitops_promote.git`)."""

    # ------------------------------------------------------------------ commits and branches

    def commit_files(
        self,
        branch: str,
        changes: Mapping[str, bytes | None],
        message: str,
        *,
        expected_tip: str | None = None,
        push: bool = False,
        remote: str = "origin",
        auth: PushAuth | None = None,
        max_attempts: int = 3,
    ) -> CommitResult:
        """Commit ``changes`` on top of ``branch`` (see :func:`.commit.commit_files`)."""
        return commit.commit_files(
            self.gateway,
            branch,
            changes,
            message,
            expected_tip=expected_tip,
            push=push,
            remote=remote,
            auth=auth,
            max_attempts=max_attempts,
        )

    def write_branch(
        self, branch: str, base: str, changes: Mapping[str, bytes | None], message: str
    ) -> str:
        """Force-set local ``branch`` to a fresh commit with ``changes`` on top of ``base``."""
        return commit.write_branch(self.gateway, branch, base, changes, message)

    def set_branch(self, branch: str, sha: str) -> None:
        """Force-set a local (promotion) branch to ``sha``; refused when it is checked out."""
        commit.set_branch(self.gateway, branch, sha)

    def delete_branch(self, branch: str) -> None:
        """Delete a local (promotion) branch; nothing happens if it does not exist."""
        commit.delete_branch(self.gateway, branch)

    # ------------------------------------------------------------------ the remote

    def fetch_branch(
        self, branch: str, remote: str = "origin", auth: PushAuth | None = None
    ) -> str | None:
        """Fetch ``branch`` from ``remote`` (objects and tracking ref); its sha, or None."""
        return remote_module.fetch_branch(self.gateway, branch, remote, auth)

    def remote_branch_sha(
        self,
        branch: str,
        remote: str = "origin",
        auth: PushAuth | None = None,
        *,
        timeout: float | None = None,
    ) -> str | None:
        """The sha of ``branch`` on ``remote`` (``git ls-remote``), or ``None`` if it is absent."""
        return remote_module.remote_branch_sha(self.gateway, branch, remote, auth, timeout=timeout)

    def push_branch(
        self,
        branch: str,
        sha: str,
        *,
        remote: str = "origin",
        auth: PushAuth | None = None,
        force_with_lease: bool = True,
        seen: tuple[str | None] | None = None,
    ) -> None:
        """Push ``sha`` to ``refs/heads/BRANCH`` on ``remote`` (see :func:`.remote.push_branch`)."""
        remote_module.push_branch(
            self.gateway,
            branch,
            sha,
            remote=remote,
            auth=auth,
            force_with_lease=force_with_lease,
            seen=seen,
        )

    def delete_remote_branch(
        self, branch: str, remote: str = "origin", auth: PushAuth | None = None
    ) -> None:
        """Delete ``branch`` on ``remote``; nothing happens if it is already gone."""
        remote_module.delete_remote_branch(self.gateway, branch, remote, auth)
