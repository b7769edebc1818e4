"""`GitReader`: a handle on one work tree for reading, the git layer's reading functions as
methods. Commands that only read load this module and nothing that commits or pushes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from . import folder, log, read
from .gateway import Gateway
from .log import FileChange, LogRecord
from .paths import safe_path


class GitReader:
    """A git work tree, read through the git CLI (see :mod:`gitops_promote.git`): revisions,
    trees, blobs, logs. :class:`.repository.GitRepository` adds commits, branches and pushes;
    a reader's handle becomes one with ``GitRepository(reader.gateway)``."""

    def __init__(self, path: str | Path | Gateway) -> None:
        """Open the work tree at or above ``path``, or share an open one's ``Gateway``."""
        self.gateway = path if isinstance(path, Gateway) else Gateway(path)
        self.root: Path = self.gateway.root

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

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

    # ------------------------------------------------------------------ the remote

    def remote_url(self, remote: str = "origin") -> str | None:
        """The URL of ``remote`` (with any password or token in it removed), or ``None``."""
        return read.remote_url(self.gateway, remote)
