"""The files of a directory spec (SPEC section 8): relative name -> bytes, read at one commit in
one batch, and the checks every directory spec passes before anything reads or writes it.

A directory spec is every file below its directory. It is refused (exit 2, one line, nothing
written) when it holds a symlink (a spec is regular files only; one leading out of the
repository is named as such) or more than :data:`MAX_FILES` files. Which files are YAML is
decided here too: a ``.yaml``/``.yml`` file whose bytes are text; anything else is compared byte
for byte and never parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from .errors import UsageError

MAX_FILES = 1000
"""The most files a directory spec may hold; a larger folder is refused, not truncated."""

YAML_SUFFIXES = (".yaml", ".yml")
SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"

Files = dict[str, bytes]
"""A spec's files: path relative to the spec directory -> exact bytes."""


def below(directory: str, paths: Mapping[str, str]) -> dict[str, str]:
    """The entries of a tree listing (path -> mode) below ``directory``, by relative name."""
    prefix = directory.rstrip("/") + "/"
    return {p[len(prefix) :]: mode for p, mode in paths.items() if p.startswith(prefix)}


def symlink_problem(path: str, target: bytes, branch: str) -> str:
    """Why the symlink at ``path`` (pointing at ``target``) cannot be (part of) a spec."""
    parts: list[str] = list(PurePosixPath(path).parent.parts)
    link = target.decode("utf-8", "surrogateescape")
    escapes = link.startswith("/")
    for part in link.split("/"):
        if part == "..":
            escapes = escapes or not parts
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    if escapes:
        return f"{path}: leads outside the repository through a symlink (branch {branch})"
    return f"{path}: is a symlink on branch {branch}; a spec must be a regular file"


def check_entries(directory: str, modes: Mapping[str, str], where: str) -> list[str]:
    """The relative names to read from a folder listing (relative name -> mode), sorted.

    UsageError for more than :data:`MAX_FILES` files; symlinks are returned by
    :func:`symlinks` for the caller to explain (it needs their targets)."""
    if len(modes) > MAX_FILES:
        raise UsageError(
            f"{directory}/: {len(modes)} files at {where}; a directory spec holds at most "
            f"{MAX_FILES} files (name a smaller folder in the spec pattern)"
        )
    return sorted(rel for rel, mode in modes.items() if mode != SUBMODULE_MODE)


def symlinks(modes: Mapping[str, str]) -> list[str]:
    return sorted(rel for rel, mode in modes.items() if mode == SYMLINK_MODE)


def is_text(data: bytes) -> bool:
    """Bytes a YAML parser may read: UTF-8 without NUL bytes."""
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_yaml(rel: str, *contents: bytes | None) -> bool:
    """Whether a file of a spec is planned as YAML: a YAML name and text on every side."""
    return rel.endswith(YAML_SUFFIXES) and all(c is None or is_text(c) for c in contents)


def content_key(blobs: Mapping[str, str]) -> str:
    """One id for a folder's content (relative name -> blob sha): equal iff equal files. The
    sorted listing itself, exact where a digest would only be nearly so, and small: a folder
    spec holds at most :data:`MAX_FILES` files."""
    return "".join(f"{rel}\0{blobs[rel]}\n" for rel in sorted(blobs))
