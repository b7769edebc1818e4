"""A directory's history and files: one ``git log`` for every commit that changed a file below a
path prefix, one ``git ls-tree`` plus one ``git cat-file --batch`` for its files at a commit.

Directory specs (SPEC section 8) read through here; a caller that wants the versions of many
folders passes each prefix to :func:`folder_log` (one process per folder, never per file or per
commit).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .gateway import Gateway, scratch_dir
from .log import LogRecord, paths_log
from .paths import norm_path
from .read import diff_no_index, tree_entries


def folder_log(gw: Gateway, prefix: str, ref: str = "HEAD") -> list[LogRecord]:
    """Commits reachable from ``ref`` that changed a file below ``prefix``, newest first, with
    the changed paths below it (renames detected, so a moved file shows as ``R`` with its old
    path). One ``git log`` pass (:func:`.log.paths_log`); a shallow clone is deepened or refused
    first, as for every history."""
    records = list(paths_log(gw, ref, [f"{norm_path(prefix)}/"]))
    records.reverse()
    return records


def folder_entries(gw: Gateway, commit: str, prefix: str) -> dict[str, tuple[str, str]]:
    """Every file below ``prefix`` at ``commit``: path -> (mode, blob sha), one ``ls-tree``."""
    return tree_entries(gw, commit, [f"{norm_path(prefix)}/"])


def folder_diff(
    gw: Gateway, directory: str, before: Mapping[str, bytes], after: Mapping[str, bytes | None]
) -> str:
    """One unified diff (one ``git diff --no-index``) of the files of ``directory`` whose bytes
    change: ``before`` relative name -> old bytes (absent: a new file), ``after`` relative name ->
    new bytes (``None``: deleted). Headers ``a/DIR/FILE`` and ``b/DIR/FILE``; "" if none."""
    norm = norm_path(directory)
    with scratch_dir("gitops-promote-diff-") as tmp:
        for side, files in (("a", {r: before.get(r) for r in after}), ("b", after)):
            Path(tmp, side, norm).mkdir(parents=True, exist_ok=True)
            for rel, data in files.items():
                if data is not None:
                    target = Path(tmp, side, norm, norm_path(rel))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        return diff_no_index(gw, tmp, norm)
