"""Bring a few paths of the checked-out work tree and index to a commit, or put them back.

Only the given paths are touched: every other staged or unstaged change of the user stays as it
was, and on failure the files already written are restored.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from .gateway import Gateway
from .read import read_files, tree_entries

#: a work tree file as it was: (path, bytes or link target or None if absent, mode, was a symlink)
_Saved = tuple[Path, bytes | None, int | None, bool]


def sync_worktree(gw: Gateway, commit: str, paths: Sequence[str]) -> None:
    """Make the work tree files and index entries of ``paths`` match ``commit``.

    Only those paths are touched; on failure, the files already written are put back.
    """
    entries = tree_entries(gw, commit, paths)
    contents = read_files(gw, commit, [p for p in paths if p in entries])
    saved: list[_Saved] = []
    try:
        for p in paths:
            target = gw.root / p
            saved.append(_save(target))
            entry = entries.get(p)
            if entry is None:
                if target.is_symlink() or target.is_file():
                    target.unlink()
                    _prune_empty_dirs(target.parent, gw.root)
                continue
            mode, _sha = entry
            if mode == "160000":
                continue
            data = contents.get(p) or b""
            _write_atomic(target, data, mode)
        info = []
        for p in paths:
            entry = entries.get(p)
            if entry is None:
                info.append(f"0 {'0' * len(commit)}\t{p}\n")
            else:
                info.append(f"{entry[0]} {entry[1]}\t{p}\n")
        gw.run("update-index", "--add", "--remove", "--index-info", input="".join(info).encode())
    except BaseException:
        for item in reversed(saved):
            _restore(*item)
        raise
    # Refresh stat information so plumbing sees the rewritten files as clean; this never
    # changes any entry's content.
    gw.run("update-index", "-q", "--refresh", check=False)


def _save(target: Path) -> _Saved:
    was_link = target.is_symlink()
    old: bytes | None = None
    old_mode: int | None = None
    if was_link:
        old = os.readlink(target).encode("utf-8", "surrogateescape")
    elif target.is_file():
        old = target.read_bytes()
        old_mode = stat.S_IMODE(target.stat().st_mode)
    return target, old, old_mode, was_link


def _restore(target: Path, old: bytes | None, old_mode: int | None, was_link: bool) -> None:
    try:
        if target.is_symlink() or target.exists():
            target.unlink()
        if old is not None:
            if was_link:
                os.symlink(old.decode("utf-8", "surrogateescape"), target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(old)
                if old_mode is not None:
                    os.chmod(target, old_mode)
    except OSError:
        pass


def _write_atomic(target: Path, data: bytes, mode: str) -> None:
    """Replace ``target`` with ``data`` (a regular file, executable for 100755, or a symlink)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.gitops-promote.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    if mode == "120000":
        os.symlink(data.decode("utf-8", "surrogateescape"), tmp)
    else:
        if target.is_file() and not target.is_symlink():
            perm = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            perm = 0o666 & ~umask
        if mode == "100755":
            perm |= (perm & 0o444) >> 2
        else:
            perm &= ~0o111
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, perm)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.chmod(tmp, perm)
    os.replace(tmp, target)


def _prune_empty_dirs(directory: Path, root: Path) -> None:
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
