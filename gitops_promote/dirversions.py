"""The versions of a directory spec (SPEC section 8) and its files at a version.

A directory spec is a mapping of relative file name -> bytes (:data:`~.specfiles.Files`). Its
versions are the commits that changed any file below it, from one ``git log`` pass
(:func:`folder_versions`); its files at a version are one folder listing plus one batched blob
read. Reading only: the per-file work of rollback, update and promote is in :mod:`.dirspec`, so
``history`` and ``show`` load no planner or editor.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError
from .git import GitReader
from .git.log import LogRecord
from .history import KIND_TRAILER, KINDS, Version, _trailer, parse_trailers
from .layout import Location
from .specfiles import Files, content_key
from .workspace import SpecRef, Workspace


def folder_versions(repo: GitReader, directory: str, ref: str) -> list[Version]:
    """Every version of the folder ``directory`` reachable from ``ref``, OLDEST FIRST.

    One ``git log`` over the folder. A commit is a version when it changes the content of a file
    below the folder; a commit that only renames files inside it (same bytes) or changes modes is
    not. A commit that empties the folder ends its history (numbering continues if it comes
    back). ``Version.blob`` is an id of the folder's whole content after the commit.
    """
    return versions_of_folder(repo.folder_log(directory, ref), directory)


def versions_of_folder(records: Sequence[LogRecord], directory: str) -> list[Version]:
    """The versions of ``directory`` (oldest first) from ``git log --raw`` records, newest
    first, of a pass over it, or over many paths at once: changes outside it are ignored."""
    prefix = directory.rstrip("/") + "/"
    present: dict[str, str] = {}  # path -> blob, as the log replays the folder's history
    result: list[Version] = []
    for record in reversed(records):
        existed = bool(present)
        content = False
        for change in record.changes:
            if not change.path.startswith(prefix) and not (change.old_path or "").startswith(
                prefix
            ):
                continue
            if not change.path.startswith(prefix):  # moved out of the folder: gone from it
                change = change._replace(status="D", path=change.old_path or "", blob=None)
            moved_inside = change.old_path is not None and change.old_path.startswith(prefix)
            if change.status == "R" and change.old_path is not None:
                present.pop(change.old_path, None)
            if change.blob is None:
                present.pop(change.path, None)
            else:
                present[change.path] = change.blob
            if change.old_blob == change.blob and (change.status != "R" or moved_inside):
                continue  # a rename inside the folder, or a mode change: same bytes
            content = True
        if not content or not present:
            continue
        message = record.message.rstrip("\n")
        trailers = parse_trailers(message)
        kind = (_trailer(trailers, KIND_TRAILER) or "").strip().lower()
        if kind not in KINDS:
            kind = "update" if existed else "create"
        result.append(
            Version(
                number=len(result) + 1,
                sha=record.sha,
                date=record.date,
                author=record.author,
                email=record.email,
                subject=message.split("\n", 1)[0],
                message=message,
                kind=kind,
                path=directory,
                blob=content_key(present),
                trailers=trailers,
            )
        )
    return result


def version_files(ws: Workspace, spec: SpecRef, version: Version) -> Files:
    """The folder's files at ``version``: one listing of the folder, one batched read."""
    return ws.folder(version.sha, Location(spec.branch, spec.path, True))


def pick_file(files: Files, name: str, where: str) -> str:
    """The relative name ``name`` among ``files`` (``--file``), or UsageError naming them."""
    clean = name.strip().lstrip("./")
    if clean in files:
        return clean
    names = ", ".join(sorted(files)) or "none"
    raise UsageError(f"{where} has no file {name!r} (files: {names})")
