"""Versions of a spec: the commits that changed its content, numbered oldest first.

One ``git log`` gives every commit touching the files: :func:`versions` of one spec from a
``git log --follow`` of its path, :func:`all_versions` of every spec under some paths (the
environments' folders) from one pass over them; :func:`lineages` decides, for both, which commits
are versions and of which kind. History follows renames (the old path is gone in the same
commit), never copies (SPEC section 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from .errors import NotFoundError, UsageError
from .git import GitReader
from .git.paths import norm_path

KINDS = ("create", "update", "rollback", "promote")
KIND_TRAILER = "Gitops-Promote-Kind"

_TRAILER_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)\s*$")
_KNOWN_TRAILER_PREFIXES = ("gitops-promote-", "signed-off-by", "co-authored-by")


@dataclass(frozen=True)
class Version:
    """One version of a spec file."""

    number: int
    sha: str
    date: str
    author: str
    email: str
    subject: str
    message: str
    kind: str
    path: str
    blob: str
    trailers: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: committer date (ISO 8601): when the version landed on its branch; ``date`` is the author's
    committed: str = ""

    @property
    def label(self) -> str:
        """``v3`` for version 3."""
        return f"v{self.number}"

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


def parse_trailers(message: str) -> dict[str, str]:
    """The ``Key: value`` trailers of a commit message (its last paragraph), as git reads them.

    The last paragraph counts as a trailer block when every line in it is a trailer (or the
    indented continuation of one), or, as git allows, when at least a quarter of its lines are
    trailers and one of them is a well-known one (``Gitops-Promote-*``, ``Signed-off-by``,
    ``Co-authored-by``). The subject paragraph is never a trailer block. Later keys win.
    """
    lines = message.replace("\r\n", "\n").rstrip("\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    last_blank = max((i for i, line in enumerate(lines) if not line.strip()), default=-1)
    if last_blank < 0:
        return {}
    block = lines[last_blank + 1 :]
    entries: list[list[str]] = []
    trailer_lines = 0
    other_lines = 0
    known = False
    for line in block:
        if line[:1] in (" ", "\t") and entries and entries[-1]:
            entries[-1][1] += " " + line.strip()
            continue
        m = _TRAILER_RE.match(line)
        if m:
            trailer_lines += 1
            key = m.group(1)
            known = known or key.lower().startswith(_KNOWN_TRAILER_PREFIXES)
            entries.append([key, m.group(2)])
        else:
            other_lines += 1
            entries.append([])
    if trailer_lines == 0:
        return {}
    if other_lines and not (known and trailer_lines * 4 >= trailer_lines + other_lines):
        return {}
    result: dict[str, str] = {}
    for entry in entries:
        if entry:
            result[entry[0]] = entry[1]
    return result


def _trailer(trailers: dict[str, str], key: str) -> str | None:
    found = None
    for k, v in trailers.items():
        if k.lower() == key.lower():
            found = v
    return found


def versions(repo: GitReader, path: str, ref: str = "HEAD") -> list[Version]:
    """Every version of ``path`` reachable from ``ref``, OLDEST FIRST (``v1`` first).

    Runs a single ``git log --follow``, and follows renames only: where git followed the file
    back to a copy of another file (its status is ``C``: the other file stayed), the history
    before that copy belongs to the other file, and the copy is ``v1``. An unknown ``ref`` raises
    NotFoundError; a path that never existed gives an empty list.
    """
    changes = repo.file_log(path, ref)
    for i, change in enumerate(changes):
        if change.status == "C":
            changes = changes[: i + 1]
            break
    lines = lineages(
        (
            (c.sha, c.date, c.author, c.email, c.message, (c,), c.committed)
            for c in reversed(changes)
        ),
        deleted=True,
    )
    return list(lines.get(norm_path(path), ()))


def all_versions(repo: GitReader, ref: str, prefixes: Sequence[str]) -> dict[str, Versions]:
    """The versions of every file at or below ``prefixes`` at ``ref``, from ONE ``git log``
    pass: current path -> versions, oldest first (files that no longer exist are left out).

    The same rules as :func:`versions`: renames (the old path gone in the same commit) carry a
    file's history to its new path, copies never do.
    """
    records = repo.paths_log(ref, prefixes)  # oldest first, made as they are read
    return lineages(
        (r.sha, r.date, r.author, r.email, r.message, r.changes, r.committed) for r in records
    )


_Commit = tuple[str, str, str, str, str, Sequence[Any], str]
# what a version is made of: (sha, date, author, email, message, created, path, blob,
# committer date)
_Raw = tuple[str, str, str, str, str, bool, str, str, str]


class Versions(Sequence[Version]):
    """The versions of one spec, oldest first; each :class:`Version` (its message's trailers
    parsed) is made when it is first asked for, so a pass over thousands of commits pays only
    for the versions a command looks at."""

    def __init__(self, raw: list[_Raw]) -> None:
        self._raw = raw
        self._made: dict[int, Version] = {}

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> Version: ...

    @overload
    def __getitem__(self, index: slice) -> list[Version]: ...

    def __getitem__(self, index: int | slice) -> Version | list[Version]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._raw)))]
        n = index + len(self._raw) if index < 0 else index
        if not 0 <= n < len(self._raw):
            raise IndexError(index)
        if n not in self._made:
            self._made[n] = _version(n + 1, self._raw[n])
        return self._made[n]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Versions({list(self)!r})"


def _version(number: int, raw: _Raw) -> Version:
    sha, date, author, email, message, created, path, blob, committed = raw
    text = message.rstrip("\n")
    trailers = parse_trailers(text)
    kind = (_trailer(trailers, KIND_TRAILER) or "").strip().lower()
    if kind not in KINDS:
        kind = "create" if created else "update"
    return Version(
        number=number,
        sha=sha,
        date=date,
        author=author,
        email=email,
        subject=text.split("\n", 1)[0],
        message=text,
        kind=kind,
        path=path,
        blob=blob,
        trailers=trailers,
        committed=committed or date,
    )


def lineages(commits: Iterable[_Commit], *, deleted: bool = False) -> dict[str, Versions]:
    """Versions per current path from commits OLDEST FIRST, each (sha, date, author, email,
    message, changes) where a change has ``status``, ``old_path``, ``path``, ``old_blob`` and
    ``blob`` (a :class:`~gitops_promote.git.log.PathChange`).

    - a change of content is a version; ``v1`` is the one that created the file;
    - a rename (``R``) moves the history to the new path; a pure rename or a mode change is not
      a version;
    - a copy (``C``) starts a new history, like a new file;
    - a delete ends the path's history (``deleted``: its versions are still given); if the
      path is created again, numbering continues;
    - the kind comes from the ``Gitops-Promote-Kind:`` trailer, else ``create`` for a commit
      that created the file and ``update`` for any other change.
    """
    live: dict[str, list[_Raw]] = {}
    gone: dict[str, list[_Raw]] = {}
    for sha, date, author, email, message, changes, committed in commits:
        if len(changes) > 1:
            # deletes and renames first: a path renamed away may be created again in the commit
            changes = sorted(changes, key=lambda c: c.status not in ("D", "R"))
        for change in changes:
            status = change.status
            path = change.path
            if status == "D":
                gone[path] = live.pop(path, [])
                continue
            old = change.old_path if status == "R" else path
            line = live.pop(old) if old in live else gone.pop(old, [])
            if status == "R":
                gone[old] = []
            live[path] = line
            blob = change.blob
            if blob is None or (change.old_blob == blob and status != "C"):
                continue  # a pure rename or mode change: same content, not a new version
            if line and line[-1][0] == sha:
                continue  # one commit is one version, even when it shows twice (a merge)
            created = status in ("A", "C") or change.old_blob is None
            line.append((sha, date, author, email, message, created, path, blob, committed))
    found = {path: Versions(line) for path, line in gone.items() if line} if deleted else {}
    found.update((path, Versions(line)) for path, line in live.items() if line)
    return found


def resolve_version(versions: Sequence[Version], spec: str) -> Version:
    """Find a version by ``vN``, ``N``, a full or short commit sha, ``previous`` or ``latest``.

    ``previous`` is the version before the newest. NotFoundError when nothing matches; UsageError
    when a short sha matches several versions.
    """
    text = spec.strip()
    low = text.lower()
    if not versions:
        raise NotFoundError(f"no versions to choose {text!r} from")
    count = len(versions)
    span = f"v1..v{count}" if count > 1 else "only v1"

    def by_number(n: int) -> Version:
        if 1 <= n <= count:
            return versions[n - 1]
        raise NotFoundError(f"there is no version v{n} ({span} exist)")

    if low in ("previous", "prev"):
        if count < 2:
            raise NotFoundError(f"there is no previous version: {versions[0].path} has only v1")
        return versions[-2]
    if low in ("latest", "current"):
        return versions[-1]
    m = re.fullmatch(r"v(\d+)", low)
    if m:
        return by_number(int(m.group(1)))
    if re.fullmatch(r"[0-9a-f]{4,64}", low):
        matches = [v for v in versions if v.sha.startswith(low)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            labels = ", ".join(v.label for v in matches)
            raise UsageError(f"{text} is ambiguous: it matches {labels}; give more of the sha")
        if low.isdigit():
            return by_number(int(low))
        raise NotFoundError(
            f"commit {text} is not a version of {versions[-1].path} (it did not change the file)"
        )
    if low.isdigit():
        return by_number(int(low))
    raise NotFoundError(f"unknown version {text!r}: use vN, a commit sha, or 'previous'")


def read_version(repo: GitReader, version: Version) -> bytes:
    """The exact bytes of the spec at ``version``."""
    data = repo.read_file(version.sha, version.path)
    if data is None:
        raise NotFoundError(f"{version.path} is missing at {version.short_sha} ({version.label})")
    return data
