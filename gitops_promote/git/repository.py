"""`GitRepository`: a handle on one work tree, with the git layer's functions as methods."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from . import commit, folder, log, read

# as a module name, "remote" would be shadowed by the methods' parameter of that name
from . import remote as remote_module
from .commit import CommitResult
from .gateway import Gateway, PushAuth
from .log import FileChange, LogRecord
from .paths import safe_path


class GitRepository:
    """A git work tree, driven through the git CLI (see :mod:`gitops_promote.git`)."""

    def __init__(self, path: str | Path) -> None:
        self.gateway = Gateway(path)
        self.root: Path = self.gateway.root

    def __repr__(self) -> str:
        return f"GitRepository({str(self.root)!r})"

    @property
    def head_at_open(self) -> tuple[str | None, str] | None:
        """HEAD when this handle was opened: (checked-out branch or None when detached, its
        commit); None when there was no commit yet. :meth:`current_branch` asks git again."""
        return self.gateway.head_at_open

    @property
    def network_timeout(self) -> float:
        """Seconds a network git call (push, fetch, ls-remote) may take before it is killed."""
        return self.gateway.network_timeout

    @network_timeout.setter
    def network_timeout(self, seconds: float) -> None:
        self.gateway.network_timeout = seconds

    # ------------------------------------------------------------------ reading

    def current_branch(self) -> str | None:
        """The checked-out branch of this work tree, or ``None`` when HEAD is detached."""
        return read.current_branch(self.gateway)

    def rev_parse(self, rev: str) -> str | None:
        """The full sha ``rev`` names (peeled to a commit when it names a tag), or ``None``."""
        return read.rev_parse(self.gateway, rev)

    def read_file(self, ref: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``ref``, or ``None`` if it is absent there."""
        return read.read_file(self.gateway, ref, path)

    def read_files(self, ref: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """Several files at ``ref`` in one ``git cat-file --batch``; keys are normalized paths."""
        return read.read_files(self.gateway, ref, paths)

    def read_blobs(self, names: Sequence[str]) -> list[bytes | None]:
        """Many blobs (``REF:PATH`` or shas) from ONE ``git cat-file --batch``, in order."""
        return read.read_blobs(self.gateway, names)

    def list_dir(self, ref: str, directory: str) -> list[str]:
        """Names of the files (not subdirectories) directly in ``directory`` at ``ref``, sorted."""
        return read.list_dir(self.gateway, ref, directory)

    def list_tree(self, ref: str) -> dict[str, str]:
        """Every file at ``ref``: path -> mode (``120000``: symlink)."""
        return read.list_tree(self.gateway, ref)

    def dirty_paths(self, paths: Sequence[str]) -> list[str]:
        """Which of ``paths`` (normalized) have staged, unstaged or untracked changes."""
        return read.dirty_paths(self.gateway, paths)

    def safe_path(self, path: str) -> str:
        """``path`` normalized; UsageError for unsafe names and symlinks leading out."""
        return safe_path(self.root, path)

    def diff_text(self, old: bytes, new: bytes, path: str) -> str:
        """Unified diff of ``old`` -> ``new``, ``a/PATH`` and ``b/PATH`` headers; "" if equal."""
        return read.diff_text(self.gateway, old, new, path)

    def file_log(self, path: str, ref: str = "HEAD") -> list[FileChange]:
        """Commits that touched ``path`` reachable from ``ref``, newest first (one ``git log``)."""
        return log.file_log(self.gateway, path, ref)

    def folder_log(self, prefix: str, ref: str = "HEAD") -> list[LogRecord]:
        """Commits that changed a file below ``prefix``, newest first (one ``git log``)."""
        return folder.folder_log(self.gateway, prefix, ref)

    def folder_entries(self, commit: str, prefix: str) -> dict[str, tuple[str, str]]:
        """Every file below ``prefix`` at ``commit``: path -> (mode, blob), one ``ls-tree``."""
        return folder.folder_entries(self.gateway, commit, prefix)

    def folder_diff(
        self, directory: str, before: Mapping[str, bytes], after: Mapping[str, bytes | None]
    ) -> str:
        """One unified diff of the changed files of a folder (see :func:`.folder.folder_diff`)."""
        return folder.folder_diff(self.gateway, directory, before, after)

    def paths_log(self, ref: str, prefixes: Sequence[str]) -> Iterator[LogRecord]:
        """Commits reachable from ``ref`` that changed paths under ``prefixes``, oldest first,
        each with every such path it changed (one ``git log`` pass, renames only)."""
        return log.paths_log(self.gateway, ref, prefixes)

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

    def remote_url(self, remote: str = "origin") -> str | None:
        """The URL of ``remote`` (with any password or token in it removed), or ``None``."""
        return remote_module.remote_url(self.gateway, remote)

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
