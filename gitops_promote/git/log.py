"""The history of files from one ``git log`` pass.

:func:`parse_log` turns the output of ``git log -z --raw`` in :data:`LOG_FORMAT` into one
:class:`LogRecord` per commit with every path the commit changed (renames carry their old path),
so one pass serves any number of paths: :func:`paths_log` is that pass over path prefixes (renames
only), :func:`file_log` the one-path view with ``--follow``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from ..errors import GitError, NotFoundError, RefusedError
from .gateway import Gateway, Streamed, one_line
from .paths import norm_path
from .read import current_branch, remote_url, rev_parse

#: commit separator (0x1e), then sha, parents, author date, name, email, message and committer
#: date (when the commit landed: what a soak gate measures), NUL-ended
LOG_FORMAT = "--format=%x1e%H%x00%P%x00%aI%x00%an%x00%ae%x00%B%x00%cI%x00"


class PathChange(NamedTuple):
    """One path changed by a commit, as ``git log --raw`` reports it.

    ``status`` is git's diff status letter (``A`` added, ``M`` modified, ``D`` deleted, ``R``
    renamed, ``C`` copied, ``T`` type changed) or, for a merge's combined diff, ``A``/``M``/``D``.
    ``blob`` is ``None`` when the path is deleted, ``old_blob`` when it did not exist before.
    """

    status: str
    old_path: str | None
    path: str
    old_blob: str | None
    blob: str | None


class LogRecord(NamedTuple):
    """One commit of a ``git log`` pass and the paths it changed."""

    sha: str
    parents: tuple[str, ...]
    date: str
    author: str
    email: str
    message: str
    changes: tuple[PathChange, ...]
    committed: str = ""  # committer date, ISO 8601


class FileChange(NamedTuple):
    """One commit touching a file, as ``git log --follow --raw`` reports it (see :func:`file_log`).

    ``status`` is git's diff status letter (``A`` added, ``M`` modified, ``D`` deleted, ``R``
    renamed, ``C`` copied, ``T`` type changed) or ``M`` for a merge whose result differs from every
    parent. ``blob`` is ``None`` when the file is deleted by the commit, ``old_blob`` when it did
    not exist in the parent.
    """

    sha: str
    parents: tuple[str, ...]
    date: str
    author: str
    email: str
    message: str
    status: str
    old_path: str | None
    path: str
    old_blob: str | None
    blob: str | None
    committed: str = ""  # committer date, ISO 8601


def file_log(gw: Gateway, path: str, ref: str = "HEAD") -> list[FileChange]:
    """Commits that touched ``path`` reachable from ``ref``, newest first, from ONE ``git log``.

    Follows renames (``--follow``), uses git's default history simplification, and shows a
    merge only when its result differs from every parent (combined diff). Commits whose diff
    does not name the file are left out. ``--follow`` also follows copies: a change of status
    ``C`` says the file was created as a copy, and callers that follow renames only stop there.
    """
    records = _log(gw, ref, [norm_path(path)], follow=True)
    return [
        FileChange(
            sha=r.sha,
            parents=r.parents,
            date=r.date,
            author=r.author,
            email=r.email,
            message=r.message,
            status=c.status,
            old_path=c.old_path,
            path=c.path,
            old_blob=c.old_blob,
            blob=c.blob,
            committed=r.committed,
        )
        for r in records
        for c in r.changes
    ]


def require_full_history(gw: Gateway, ref: str) -> None:
    """Make sure the history behind ``ref`` is whole: version numbers count every commit.

    In a shallow clone (``git clone --depth``, actions/checkout's default) the oldest commits
    are missing and v1 would be the oldest one fetched. With an ``origin``, the history is
    fetched (``git fetch --unshallow``, under the network timeout); without one, or when that
    fails, RefusedError. The gateway's first rev-parse said whether the clone is shallow; in one,
    each revision is checked once.
    """
    if "*" in gw.whole_history or ref in gw.whole_history:
        return
    if gw.shallow_file is None:  # the whole repository is here (the gateway asked git once)
        gw.whole_history.add("*")
        return
    reason = "it has no origin to fetch the rest from"
    if remote_url(gw, "origin") is not None:
        res = gw.network(
            "fetch", "--unshallow", "--no-tags", "--quiet", "origin",
            auth=None, what="git fetch --unshallow", check=False,
        )  # fmt: skip
        reason = (
            f"git fetch --unshallow failed: {one_line(res.stderr)}"
            if res.status != 0
            else f"origin's branches do not hold the history of {ref}"
        )
        if not gw.shallow_file.exists():  # the fetch made the clone whole, as git sees it
            gw.shallow_file = None
            gw.whole_history.add("*")
            return
    if _cut_short(gw, ref, gw.shallow_file):
        raise RefusedError(
            "this is a shallow clone, and version numbers need the whole history"
            f" ({reason}); run git fetch --unshallow, or in GitHub Actions check out"
            " with actions/checkout's fetch-depth: 0"
        )
    gw.whole_history.add(ref)


def _cut_short(gw: Gateway, ref: str, shallow_file: Path) -> bool:
    """Does the history of ``ref`` reach a commit whose parents this clone lacks?"""
    try:
        boundary = set(shallow_file.read_text(encoding="ascii", errors="replace").split())
    except OSError:
        return False
    if not boundary:
        return False
    reachable = gw.run("rev-list", "--end-of-options", ref, check=False).stdout.decode().split()
    return not boundary.isdisjoint(reachable)


def paths_log(gw: Gateway, ref: str, prefixes: Sequence[str]) -> Iterator[LogRecord]:
    """Every commit reachable from ``ref`` that changed a path at or below one of ``prefixes``
    (files or folders), OLDEST first, from ONE ``git log`` pass. The output is parsed while git
    writes it, and the records are made as they are read: a caller that folds them works while
    git still walks the history and never holds the whole history's records at once.

    Each record lists every such path the commit changed. Renames are detected (``-M``: the old
    path is gone in the same commit) between paths under the prefixes; copies never are. An
    empty ``prefixes`` means the whole tree.
    """
    paths = [norm_path(p, allow_root=True) or "." for p in prefixes]
    args = _log_args(gw, ref, paths, follow=False)
    ended = Streamed()
    yield from iter_log_chunks(gw.stream(*args, ended=ended))
    if ended.status != 0:
        _failed(gw, ref, ended.stderr)


def _log(gw: Gateway, ref: str, paths: Sequence[str], *, follow: bool) -> list[LogRecord]:
    res = gw.run(*_log_args(gw, ref, paths, follow=follow), check=False)
    if res.status != 0:
        _failed(gw, ref, res.stderr)
        return []
    return parse_log(res.stdout)


def _log_args(gw: Gateway, ref: str, paths: Sequence[str], *, follow: bool) -> list[str]:
    if ref.startswith("-"):
        raise NotFoundError(f"unknown revision {ref!r}")
    require_full_history(gw, ref)
    return [
        "-c",
        "log.showSignature=false",
        "log",
        *(["--follow"] if follow else ["-M", "--reverse"]),
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
        *paths,
    ]


def _failed(gw: Gateway, ref: str, stderr: str) -> None:
    """A ``git log`` that failed: returns when it means "no commits yet" (no versions), else
    raises NotFoundError for an unknown revision or GitError with git's message."""
    msg = one_line(stderr)
    if "unknown revision" in msg or "bad revision" in msg or "ambiguous argument" in msg:
        if _unborn(gw, ref):
            return  # a branch without commits yet: no versions
        raise NotFoundError(f"unknown revision {ref!r}")
    if "does not have any commits" in msg:
        return
    raise GitError(f"git log failed: {msg}")


def _unborn(gw: Gateway, ref: str) -> bool:
    """True when ``ref`` is HEAD (or its branch) and that branch has no commit yet."""
    branch = current_branch(gw)
    names = {"HEAD", "@"} | ({branch, f"refs/heads/{branch}"} if branch else set())
    if ref not in names:
        return False
    return rev_parse(gw, "HEAD") is None


def _is_zero(sha: str) -> bool:
    """git's all-zero object id (of any hash length): "no object here"."""
    return not sha.strip("0")


def _blob(sha: str) -> str | None:
    return None if _is_zero(sha) else sha


def parse_log(data: bytes) -> list[LogRecord]:
    """Parse ``git log -z --raw`` output in :data:`LOG_FORMAT`, one record per commit."""
    return list(iter_log(data))


def iter_log(data: bytes) -> Iterator[LogRecord]:
    """The records of ``git log -z --raw`` output in :data:`LOG_FORMAT`, as they are parsed."""
    return iter_log_chunks((data,))


def iter_log_chunks(chunks: Iterable[bytes]) -> Iterator[LogRecord]:
    """The records of ``git log -z --raw`` output in :data:`LOG_FORMAT` read in ``chunks`` (cut
    anywhere), each given as soon as the output shows it is complete: when the next record
    starts, or at the end.

    The output is split at NULs; a record starts at a token opening with the separator (0x1e),
    its seven fields follow, then its changes: a ``:meta`` token and one path (two for a rename
    or copy). Fields are taken by position, so a message may hold any byte but NUL.
    """
    toks: list[bytes] = []
    tail = b""
    for chunk in chunks:
        parts = (tail + chunk).split(b"\0") if tail else chunk.split(b"\0")
        tail = parts.pop()
        toks += parts
        if len(toks) >= _BATCH:
            used = yield from _records(toks, final=False)
            del toks[:used]
    toks.append(tail)
    yield from _records(toks, final=True)


_BATCH = 4096  # tokens gathered before a parse: a chunk's worth, not a token at a time


def _records(toks: list[bytes], *, final: bool) -> Generator[LogRecord, None, int]:
    """Parse the complete records of ``toks``; return how many tokens they used. Unless
    ``final``, a record that may go on in the next chunk is left for then."""
    n = len(toks)
    i = 0
    while i < n:
        head = toks[i].lstrip(b"\n")
        if not head.startswith(b"\x1e") or i + 7 > n:
            if not final and head.startswith(b"\x1e"):
                return i  # its fields are still to come
            i += 1
            continue
        start = i
        sha = head[1:].decode("ascii", "replace")
        parents = tuple(toks[i + 1].decode("ascii", "replace").split())
        date = toks[i + 2].decode("utf-8", "replace")
        author = toks[i + 3].decode("utf-8", "replace")
        email = toks[i + 4].decode("utf-8", "replace")
        message = toks[i + 5].decode("utf-8", "replace")
        committed = toks[i + 6].decode("utf-8", "replace")
        i += 7
        changes: list[PathChange] = []
        while i < n:
            meta_b = toks[i].lstrip(b"\n")
            if not meta_b:
                i += 1
                continue
            if meta_b[:1] != b":":
                break
            if i + 2 >= n and not final:
                return start  # its paths may be in the next chunk
            meta = meta_b.decode("ascii", "replace")
            parts = meta.lstrip(":").split(" ")
            status_letters = parts[-1]
            if meta.startswith("::"):  # a merge's combined diff: one mode and sha per parent
                nparents = len(status_letters)
                shas = parts[nparents + 1 : 2 * nparents + 2]
                blob = _blob(shas[-1])
                old_shas = shas[:-1]
                old = None if all(_is_zero(s) for s in old_shas) else old_shas[0]
                status = "D" if blob is None else ("A" if old is None else "M")
                changes.append(PathChange(status, None, _path(toks[i + 1]), old, blob))
                i += 2
                continue
            status = status_letters[:1]
            if status in ("R", "C"):
                old_path, path = _path(toks[i + 1]), _path(toks[i + 2])
                i += 3
            else:
                old_path, path = None, _path(toks[i + 1])
                i += 2
            changes.append(PathChange(status, old_path, path, _blob(parts[2]), _blob(parts[3])))
        if i >= n and not final:
            return start  # more changes of it may follow
        yield LogRecord(sha, parents, date, author, email, message, tuple(changes), committed)
    return i


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")
