"""Commits and branches, leaving the user's checkout alone.

Commits are built in a temporary index file (``GIT_INDEX_FILE``): ``read-tree`` the parent,
``update-index --index-info`` the new blobs, ``write-tree``, ``commit-tree``. Branches move by
compare-and-swap (``git update-ref REF NEW OLD``), as the last step: when the branch being
committed to is checked out, only the changed paths are first written to the work tree and to the
index (see :mod:`.worktree`), and put back if the branch cannot move. Signals wait while that
runs (:func:`gitops_promote.interrupt.critical`); a signal during a push is settled by asking the
remote whether the push got through.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import interrupt
from ..errors import (
    GitError,
    GitopsPromoteError,
    Interrupted,
    NotFoundError,
    RefusedError,
    UsageError,
)
from ..messages import BOT_EMAIL, BOT_NAME
from .gateway import ZERO_SHA, Gateway, PushAuth, one_line, parsing, scratch_dir, short
from .paths import norm_path, safe_path
from .read import (
    branch_ref,
    changed_between,
    commit_sha,
    current_branch,
    dirty_paths,
    refuse_unsafe_state,
    rev_parse,
)
from .remote import push_rebasing, remote_branch_sha
from .worktree import sync_worktree

#: seconds the remote is asked, after an interrupted push, whether the push got through
INTERRUPTED_CHECK_TIMEOUT = 10.0


@dataclass(frozen=True)
class CommitResult:
    """The outcome of :func:`commit_files`."""

    sha: str
    parent: str
    pushed: bool
    rebased_onto: str | None


# ---------------------------------------------------------------------- branches


def _checkouts(gw: Gateway) -> dict[str, Path]:
    """Branch name -> work tree that has it checked out (this one and any linked ones)."""
    out = gw.run("worktree", "list", "--porcelain", "-z", check=False)
    result: dict[str, Path] = {}
    current: Path | None = None
    for field in out.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if field.startswith("worktree "):
            current = Path(field[len("worktree ") :])
        elif field.startswith("branch refs/heads/") and current is not None:
            result[field[len("branch refs/heads/") :]] = current
    return result


def where_checked_out(gw: Gateway, branch: str) -> tuple[bool, Path | None]:
    """(checked out in this work tree, other work tree that has it checked out)."""
    if current_branch(gw) == branch:
        return True, None
    other = _checkouts(gw).get(branch)
    if other is not None and other.resolve() != gw.root:
        return False, other
    return False, None


def delete_branch(gw: Gateway, branch: str) -> None:
    """Delete a local (promotion) branch; nothing happens if it does not exist."""
    ref = branch_ref(gw, branch)
    here, elsewhere = where_checked_out(gw, branch)
    if here or elsewhere:
        raise RefusedError(f"branch {branch} is checked out; refusing to delete it")
    old = rev_parse(gw, ref)
    if old is None:
        return
    gw.run("update-ref", "-d", ref, old, what=f"deleting branch {branch}")


def set_branch(gw: Gateway, branch: str, sha: str) -> None:
    """Force-set a local (promotion) branch to ``sha``; refused when it is checked out."""
    ref = branch_ref(gw, branch)
    here, elsewhere = where_checked_out(gw, branch)
    if here or elsewhere:
        raise RefusedError(f"branch {branch} is checked out; refusing to move it")
    full = commit_sha(gw, sha)
    gw.run("update-ref", "-m", "gitops-promote: adopt", ref, full, what=f"moving {branch}")


def _move_ref(gw: Gateway, ref: str, new: str, old: str | None, message: str) -> bool:
    """Compare-and-swap ``ref`` from ``old`` (None: must not exist) to ``new``."""
    res = gw.run("update-ref", "-m", message, ref, new, old or ZERO_SHA, check=False)
    return res.status == 0


# ---------------------------------------------------------------------- building commits


def _hash_blobs(
    gw: Gateway, changes: Mapping[str, bytes | None], tmp: str
) -> dict[str, str | None]:
    """Write every change as a blob (bytes exactly as given: no filters); path -> blob sha, or
    ``None`` for a path the commit deletes."""
    written = [p for p, data in changes.items() if data is not None]
    files = []
    for i, p in enumerate(written):
        f = Path(tmp, f"blob-{i}")
        f.write_bytes(changes[p] or b"")
        files.append(str(f))
    out = gw.out("hash-object", "-w", "--no-filters", "--", *files).split() if files else []
    if len(out) != len(files):
        raise GitError("git hash-object returned an unexpected answer")
    shas = dict(zip(written, out, strict=True))
    return {p: shas.get(p) for p in changes}


def _check_tree_shape(gw: Gateway, commit: str, paths: Sequence[str]) -> None:
    """UsageError when a path is a directory at ``commit``, or one of its parents a file."""
    queries: list[tuple[str, str]] = []
    for p in paths:
        queries.append((p, "file"))
        parts = p.split("/")
        queries.extend(("/".join(parts[:i]), "dir") for i in range(1, len(parts)))
    text = "".join(f"{commit}:{q}\n" for q, _ in queries)
    out = gw.run("cat-file", "--batch-check", input=text.encode()).stdout.decode("utf-8", "replace")
    answers = out.splitlines()
    if len(answers) != len(queries):
        raise GitError("git cat-file --batch-check returned an unexpected answer")
    for (q, want), line in zip(queries, answers, strict=True):
        kind = "missing" if line.endswith(" missing") else line.rsplit(" ", 2)[-2]
        if want == "file" and kind == "tree":
            raise UsageError(f"{q} is a directory; cannot write it as a file")
        if want == "dir" and kind not in ("tree", "missing"):
            raise UsageError(f"{q} is a file; cannot write a file inside it")


def _build_commit(
    gw: Gateway, parent: str, blobs: Mapping[str, str | None], message: str, tmp: str
) -> str:
    """A new commit: ``parent``'s tree with ``blobs`` (path -> blob; ``None``: removed) in it.
    No ref moves."""
    _check_tree_shape(gw, parent, list(blobs))
    index = Path(tmp, "index")
    if index.exists():
        index.unlink()
    env = {"GIT_INDEX_FILE": str(index)}
    gw.run("read-tree", parent, env=env)
    modes: dict[str, str] = {}
    listing = gw.run("ls-files", "-s", "-z", "--", *blobs, env=env).stdout
    with parsing("git ls-files"):
        for entry in listing.split(b"\0"):
            if entry:
                meta, _, name = entry.partition(b"\t")
                modes[name.decode("utf-8", "surrogateescape")] = meta.split(b" ")[0].decode()
    info = "".join(
        f"0 {ZERO_SHA}\t{p}\n"
        if sha is None
        else f"{modes.get(p, '100644') if modes.get(p) in ('100644', '100755') else '100644'}"
        f" {sha}\t{p}\n"
        for p, sha in blobs.items()
    )
    gw.run("update-index", "--add", "--remove", "--index-info", input=info.encode(), env=env)
    tree = gw.out("write-tree", env=env)
    body = (message if message.endswith("\n") else message + "\n").encode()
    commit_tree = ("commit-tree", tree, "-p", parent, "-F", "-")
    res = gw.run(*commit_tree, input=body, check=False)
    if (
        res.status != 0
        and os.environ.get("GITHUB_ACTIONS") == "true"
        and ("identity" in res.stderr or "empty ident" in res.stderr)
    ):
        # A runner has no git identity configured: commit as the Actions bot.
        ident = {
            "GIT_AUTHOR_NAME": BOT_NAME,
            "GIT_AUTHOR_EMAIL": BOT_EMAIL,
            "GIT_COMMITTER_NAME": BOT_NAME,
            "GIT_COMMITTER_EMAIL": BOT_EMAIL,
        }
        res = gw.run(*commit_tree, input=body, env=ident, check=False)
    if res.status != 0:
        raise GitError(f"git commit-tree failed: {one_line(res.stderr)}")
    return res.stdout.decode().strip()


def _subject(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "commit"


# ---------------------------------------------------------------------- committing


def commit_files(
    gw: Gateway,
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
    """Commit ``changes`` (path -> new bytes, ``None`` to delete) on top of ``branch`` and move
    the branch.

    The checked-out branch gets its changed files written to the work tree and index (refused if
    any of them has uncommitted changes), any other branch only has its ref moved. With ``push``,
    the commit is pushed first and the local branch moves only after the push succeeded; when the
    remote moved on, the change is rebuilt on the upstream tip (ConflictError if upstream changed
    one of the same files). On any failure nothing local has changed.
    """
    norm: dict[str, bytes | None] = {}
    for p, data in changes.items():
        norm[safe_path(gw.root, p)] = None if data is None else bytes(data)
    if not norm:
        raise UsageError("nothing to commit: no files given")
    if max_attempts < 1:
        raise UsageError("max_attempts must be at least 1")
    ref = branch_ref(gw, branch)
    paths = list(norm)
    tip, checked_out = _committable(gw, branch, ref, expected_tip, paths)
    subject = f"gitops-promote: {_subject(message)}"
    with scratch_dir() as tmp:
        blobs = _hash_blobs(gw, norm, tmp)
        new = _build_commit(gw, tip, blobs, message, tmp)
        if not push:
            _apply(gw, branch, ref, tip, new, paths if checked_out else [], subject)
            return CommitResult(sha=new, parent=tip, pushed=False, rebased_onto=None)

        built = [new]

        def rebuild(upstream: str) -> str:
            built.append(_build_commit(gw, upstream, blobs, message, tmp))
            return built[-1]

        try:
            pushed = push_rebasing(
                gw,
                branch,
                ref,
                tip,
                new,
                paths,
                rebuild=rebuild,
                checked_out=checked_out,
                remote=remote,
                auth=auth,
                max_attempts=max_attempts,
            )
        except Interrupted:
            _settle_interrupted_push(
                gw, branch, ref, tip, built, checked_out, remote, auth, subject
            )
            raise
        new = pushed.sha
        sync = paths + pushed.upstream_paths if checked_out else []
        _apply(gw, branch, ref, tip, new, sync, subject, pushed_to=remote)
        return CommitResult(
            sha=new, parent=pushed.parent, pushed=True, rebased_onto=pushed.rebased_onto
        )


def _apply(
    gw: Gateway,
    branch: str,
    ref: str,
    tip: str,
    new: str,
    sync: Sequence[str],
    subject: str,
    *,
    pushed_to: str | None = None,
) -> None:
    """Bring ``sync`` (checked-out paths) to ``new`` in work tree and index, then move ``ref``.

    The branch moves last, by compare-and-swap from ``tip``; signals wait until all of it is
    done, and a failure undoes the work tree and index (those paths were clean at ``tip``).
    """
    with interrupt.critical():
        try:
            if sync:
                sync_worktree(gw, new, sync)
            moved = _move_ref(gw, ref, new, tip, subject)
        except GitopsPromoteError as exc:  # sync_worktree put back what it had written
            if pushed_to is None:
                raise
            raise GitError(
                f"pushed {short(new)} to {pushed_to}/{branch}, but updating this checkout"
                f" failed ({exc.message}); it is as it was: run git pull to bring the"
                " commit in"
            ) from exc
        if not moved:
            if sync:
                sync_worktree(gw, tip, sync)
            if pushed_to is None:
                raise RefusedError(f"branch {branch} moved while committing; nothing was committed")
            raise GitError(
                f"pushed {short(new)} to {pushed_to}/{branch}, but local branch {branch} moved"
                " meanwhile: run git pull to bring it in"
            )
        interrupt.progress(
            f"the command had finished: {branch} is at its new commit {short(new)}"
            + (f", pushed to {pushed_to}" if pushed_to else "")
        )


def _settle_interrupted_push(
    gw: Gateway,
    branch: str,
    ref: str,
    tip: str,
    built: Sequence[str],
    checked_out: bool,
    remote: str,
    auth: PushAuth | None,
    subject: str,
) -> None:
    """A signal came while pushing: did the remote get one of ``built``? Finish or say so.

    Runs after the interruption (signals are only recorded now). The remote is asked once,
    briefly: if it has our commit, this checkout is brought level with it; if not, nothing was
    changed; if it cannot tell, the note says exactly what to run.
    """
    try:
        there = remote_branch_sha(gw, branch, remote, auth, timeout=INTERRUPTED_CHECK_TIMEOUT)
    except GitopsPromoteError:
        there = "?"
    if there is not None and there in built:
        try:
            sync = changed_between(gw, tip, there) if checked_out else []
            _apply(gw, branch, ref, tip, there, sync, subject, pushed_to=remote)
        except GitopsPromoteError as exc:
            interrupt.progress(exc.message)
    elif there == "?":
        interrupt.progress(
            f"{remote}/{branch} may already have the new commit {short(built[-1])}; this checkout"
            f" is as it was: run `git pull --ff-only {remote} {branch}` to bring it level"
        )
    else:
        interrupt.progress(f"nothing was changed ({remote}/{branch} did not get the commit)")


def _committable(
    gw: Gateway, branch: str, ref: str, expected_tip: str | None, paths: Sequence[str]
) -> tuple[str, bool]:
    """(tip of ``branch``, whether it is checked out here); refused when committing is unsafe.

    NotFoundError if the branch does not exist; RefusedError if it is not at ``expected_tip``,
    is checked out in another work tree, or is checked out here with uncommitted changes to
    ``paths``.
    """
    tip = rev_parse(gw, ref)
    if tip is None:
        raise NotFoundError(f"branch {branch!r} does not exist")
    if expected_tip is not None:
        expected = rev_parse(gw, expected_tip)
        if expected != tip:
            raise RefusedError(
                f"branch {branch} moved: expected it at {short(expected or expected_tip)},"
                f" it is at {short(tip)}; nothing was committed"
            )
    checked_out, elsewhere = where_checked_out(gw, branch)
    if elsewhere is not None:
        raise RefusedError(
            f"branch {branch} is checked out in another work tree ({elsewhere});"
            " commit there or check out another branch"
        )
    refuse_unsafe_state(gw, branch, checked_out)
    if checked_out:
        dirty = dirty_paths(gw, paths)
        if dirty:
            raise RefusedError(
                f"uncommitted changes to {', '.join(dirty)}: commit or stash them first;"
                " nothing was changed"
            )
    return tip, checked_out


def write_branch(
    gw: Gateway, branch: str, base: str, changes: Mapping[str, bytes | None], message: str
) -> str:
    """Force-set local ``branch`` to a fresh commit with ``changes`` on top of ``base``.

    For promotion branches. Refused when ``branch`` is checked out. Never touches the work tree
    or the index. Returns the new commit's sha.
    """
    norm = {norm_path(p): None if d is None else bytes(d) for p, d in changes.items()}
    if not norm:
        raise UsageError("nothing to commit: no files given")
    ref = branch_ref(gw, branch)
    base_sha = commit_sha(gw, base)
    here, elsewhere = where_checked_out(gw, branch)
    if here or elsewhere is not None:
        raise RefusedError(
            f"branch {branch} is checked out; refusing to rewrite it (check out another"
            " branch first)"
        )
    with scratch_dir() as tmp:
        blobs = _hash_blobs(gw, norm, tmp)
        new = _build_commit(gw, base_sha, blobs, message, tmp)
    gw.run(
        "update-ref",
        "-m",
        f"gitops-promote: {_subject(message)}",
        ref,
        new,
        what=f"moving branch {branch}",
    )
    return new
