"""Repository-relative paths: lexical normalization and the symlink check of the work tree."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import UsageError


def norm_path(path: str, *, allow_root: bool = False) -> str:
    """Lexically normalize a repository-relative path; UsageError for unsafe names."""
    if "\0" in path or "\n" in path or "\r" in path:
        raise UsageError(f"invalid path {path!r}: control characters are not allowed")
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path):
        raise UsageError(
            f"{path}: absolute paths are not allowed; use a path inside the repository"
        )
    parts = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            raise UsageError(f"{path}: '..' is not allowed in a path")
        if part.lower() == ".git":
            raise UsageError(f"{path}: paths inside .git are not allowed")
        parts.append(part)
    if not parts and not allow_root:
        raise UsageError(f"{path!r} does not name a file")
    return "/".join(parts)


def safe_path(root: Path, path: str) -> str:
    """``path`` as a normalized repository-relative POSIX path under the work tree ``root``.

    UsageError for ``..``, absolute paths, and paths whose work-tree file or a parent of it is
    a symlink leading outside the repository (or into ``.git``).
    """
    norm = norm_path(path)
    real = Path(os.path.realpath(root / norm))
    try:
        rel = real.relative_to(root)
    except ValueError:
        raise UsageError(f"{norm}: leads outside the repository through a symlink") from None
    if rel.parts and rel.parts[0].lower() == ".git":
        raise UsageError(f"{norm}: leads into .git through a symlink")
    return norm
