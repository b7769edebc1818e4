"""A directory's history and files: one ``git log`` for every commit that changed a file below a
path prefix, one ``git ls-tree`` plus one ``git cat-file --batch`` for its files at a commit.

Directory specs (SPEC section 8) read through here; a caller that wants the versions of many
folders passes each prefix to :func:`folder_log` (one process per folder, never per file or per
commit).
"""

from __future__ import annotations

from ..errors import GitError, NotFoundError
from .gateway import Gateway, one_line
from .log import LOG_FORMAT, LogRecord, parse_log
from .paths import norm_path
from .read import tree_entries


def folder_log(gw: Gateway, prefix: str, ref: str = "HEAD") -> list[LogRecord]:
    """Commits reachable from ``ref`` that changed a file below ``prefix``, newest first, with
    the changed paths below it (renames detected, so a moved file shows as ``R`` with its old
    path). One ``git log``; a merge shows only when its result differs from every parent."""
    norm = norm_path(prefix)
    if ref.startswith("-"):
        raise NotFoundError(f"unknown revision {ref!r}")
    res = gw.run(
        "-c",
        "log.showSignature=false",
        "log",
        "-M",
        "--date-order",
        "--no-abbrev",
        "--raw",
        "-z",
        "--no-color",
        "--diff-merges=dense-combined",
        LOG_FORMAT,
        "--end-of-options",
        ref,
        "--",
        f"{norm}/",
        check=False,
    )
    if res.status != 0:
        msg = one_line(res.stderr)
        if "does not have any commits" in msg:
            return []
        if "unknown revision" in msg or "bad revision" in msg or "ambiguous argument" in msg:
            raise NotFoundError(f"unknown revision {ref!r}")
        raise GitError(f"git log failed: {msg}")
    return parse_log(res.stdout)


def folder_entries(gw: Gateway, commit: str, prefix: str) -> dict[str, tuple[str, str]]:
    """Every file below ``prefix`` at ``commit``: path -> (mode, blob sha), one ``ls-tree``."""
    return tree_entries(gw, commit, [f"{norm_path(prefix)}/"])
