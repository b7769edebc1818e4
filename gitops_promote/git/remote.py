"""The remote: fetch, push (with a lease, or rebasing and retrying when the remote moved on).

Network calls go through :meth:`Gateway.network`, so a token travels only as a header of that one
process and never appears in an error message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ConflictError, GitError, RefusedError, UsageError
from .gateway import SHA_RE, Gateway, PushAuth, one_line, scrub, short
from .paths import safe_path
from .read import (
    branch_ref,
    changed_between,
    commit_sha,
    dirty_paths,
    is_ancestor,
    remote_url,
    rev_parse,
)

_REMOTE_MOVED = ("fetch first", "non-fast-forward")


@dataclass(frozen=True)
class Pushed:
    """A commit that reached the remote: its sha and parent, and what came from upstream."""

    sha: str
    parent: str
    rebased_onto: str | None
    upstream_paths: list[str]


def _check_remote(gw: Gateway, remote: str) -> None:
    """UsageError for a remote name git would misread; GitError for a remote that is not set up."""
    if not remote or remote.startswith("-"):
        raise UsageError(f"invalid remote {remote!r}")
    if not any(c in remote for c in "/:") and remote_url(gw, remote) is None:
        raise GitError(
            f"there is no remote named {remote}: add it (git remote add {remote} URL) or run"
            " without --push; nothing was changed"
        )


def fetch_branch(
    gw: Gateway, branch: str, remote: str = "origin", auth: PushAuth | None = None
) -> str | None:
    """Fetch ``branch`` from ``remote`` into refs/remotes/REMOTE/BRANCH; its sha or None."""
    _check_remote(gw, remote)
    tracking = f"refs/remotes/{remote}/{branch}"
    if gw.run("check-ref-format", tracking, check=False).status != 0:
        tracking = ""
    spec = f"+refs/heads/{branch}:{tracking}" if tracking else f"refs/heads/{branch}"
    res = gw.network(
        "fetch",
        "--no-tags",
        "--no-write-fetch-head",
        "--quiet",
        remote,
        spec,
        auth=auth,
        what="git fetch",
        check=False,
    )
    if res.status != 0:
        if "couldn't find remote ref" in res.stderr:
            return None
        raise GitError(f"git fetch from {remote} failed: {one_line(res.stderr)}")
    if not tracking:
        return remote_branch_sha(gw, branch, remote, auth)
    return rev_parse(gw, tracking)


def remote_branch_sha(
    gw: Gateway,
    branch: str,
    remote: str = "origin",
    auth: PushAuth | None = None,
    *,
    timeout: float | None = None,
) -> str | None:
    """The sha of ``branch`` on ``remote`` (``git ls-remote``), or ``None`` if it is absent."""
    _check_remote(gw, remote)
    ref = branch_ref(gw, branch)
    res = gw.network(
        "ls-remote",
        "--heads",
        remote,
        ref,
        auth=auth,
        what=f"git ls-remote {remote}",
        timeout=timeout,
    )
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        sha, _, name = line.partition("\t")
        if name == ref and SHA_RE.match(sha):
            return sha
    return None


def push_ref(
    gw: Gateway,
    remote: str,
    sha: str,
    ref: str,
    *,
    auth: PushAuth | None,
    lease: str | None = None,
) -> bool:
    """Push ``sha`` to ``ref`` on ``remote``; False if rejected because the remote moved on."""
    _check_remote(gw, remote)
    args = ["push", "--porcelain", "--no-progress"]
    if lease is not None:
        args.append(f"--force-with-lease={ref}:{lease}")
    args += [remote, f"{sha}:{ref}"]
    res = gw.network(*args, auth=auth, what="git push", check=False)
    if res.status == 0:
        return True
    summary = _porcelain_summary(res.stdout)
    if lease is None and any(reason in summary for reason in _REMOTE_MOVED):
        return False
    # With a lease, a branch moved by someone else since it was read shows as "stale info",
    # or, when two pushes race to create it, as the remote failing to update the ref.
    if "stale info" in summary or (lease is not None and "failed to update ref" in summary):
        raise RefusedError(
            f"{remote} {ref} was moved by someone else since it was read; not overwriting it"
        )
    # The remote's own explanation (a hook, GitHub's branch protection) is what the user needs.
    remote_said = "; ".join(
        ln.strip()[len("remote:") :].strip()
        for ln in res.stderr.splitlines()
        if ln.strip().startswith("remote:") and ln.strip()[len("remote:") :].strip()
    )
    detail = summary or one_line(res.stderr)
    if summary and remote_said:
        detail = f"{summary} — the remote said: {remote_said}"
    scrubbed = scrub(detail, auth)
    raise GitError(f"git push to {remote} failed: {scrubbed or 'exit code ' + str(res.status)}")


def push_branch(
    gw: Gateway,
    branch: str,
    sha: str,
    *,
    remote: str = "origin",
    auth: PushAuth | None = None,
    force_with_lease: bool = True,
    seen: tuple[str | None] | None = None,
) -> None:
    """Push ``sha`` to ``refs/heads/BRANCH`` on ``remote`` (a promotion branch).

    With ``force_with_lease`` the push may replace the remote branch only if it is still at the
    sha last seen there (absent stays absent); otherwise it must fast-forward. ``seen`` is
    ``(sha or None,)`` when the caller has just read the remote branch; without it
    ``git ls-remote`` reads it.
    """
    ref = branch_ref(gw, branch)
    full = commit_sha(gw, sha)
    if force_with_lease:
        (expected,) = seen if seen is not None else (remote_branch_sha(gw, branch, remote, auth),)
        push_ref(gw, remote, full, ref, auth=auth, lease=expected or "")
        return
    if not push_ref(gw, remote, full, ref, auth=auth):
        raise RefusedError(
            f"{remote} {branch} has commits that {short(full)} does not contain; not overwriting it"
        )


def delete_remote_branch(
    gw: Gateway, branch: str, remote: str = "origin", auth: PushAuth | None = None
) -> None:
    """Delete ``branch`` on ``remote``; nothing happens if it is already gone."""
    _check_remote(gw, remote)
    ref = branch_ref(gw, branch)
    res = gw.network(
        "push",
        "--porcelain",
        "--no-progress",
        remote,
        f":{ref}",
        auth=auth,
        what="git push",
        check=False,
    )
    if res.status == 0:
        return
    text = _porcelain_summary(res.stdout) + " " + res.stderr
    if "remote ref does not exist" in text:
        return
    raise GitError(
        f"deleting {branch} on {remote} failed:"
        f" {_porcelain_summary(res.stdout) or one_line(res.stderr)}"
    )


def push_rebasing(
    gw: Gateway,
    branch: str,
    ref: str,
    tip: str,
    new: str,
    paths: Sequence[str],
    *,
    rebuild: Callable[[str], str],
    checked_out: bool,
    remote: str,
    auth: PushAuth | None,
    max_attempts: int,
) -> Pushed:
    """Push commit ``new`` (on local tip ``tip``, changing ``paths``) to ``branch`` on ``remote``.

    When the remote moved on, fetch it and ``rebuild`` the change on the upstream tip, up to
    ``max_attempts`` pushes. ConflictError if upstream changed one of the same paths, RefusedError
    if the branches diverged or upstream changed a file that has uncommitted changes here (when
    ``checked_out``). Nothing local moves here.
    """
    parent = tip
    rebased: str | None = None
    upstream_paths: list[str] = []
    for attempt in range(1, max_attempts + 1):
        if push_ref(gw, remote, new, ref, auth=auth):
            break
        upstream = fetch_branch(gw, branch, remote, auth)
        if upstream is None:
            raise GitError(f"{remote}/{branch} vanished while pushing; nothing was changed")
        if not is_ancestor(gw, tip, upstream):
            raise RefusedError(
                f"local branch {branch} and {remote}/{branch} have diverged (local has"
                f" commits the remote does not); pull or rebase first. Nothing was changed"
            )
        same = changed_between(gw, parent, upstream, paths)
        if same:
            last = gw.out(
                "log", "-1", "--format=%h %s", f"{parent}..{upstream}", "--", *same
            ) or gw.out("log", "-1", "--format=%h %s", upstream)
            raise ConflictError(
                f"{', '.join(same)} changed upstream in {remote}/{branch} by commit"
                f" {last}; pull, check the change and run again. Nothing was changed"
            )
        upstream_paths = [p for p in changed_between(gw, tip, upstream) if p not in paths]
        if checked_out and upstream_paths:
            _check_upstream_paths(gw, remote, branch, upstream_paths)
        if attempt == max_attempts:
            raise ConflictError(
                f"{remote}/{branch} kept moving: gave up after {max_attempts} push"
                " attempts. Nothing was changed"
            )
        new = rebuild(upstream)
        parent = upstream
        rebased = upstream
    return Pushed(new, parent, rebased, upstream_paths)


def _check_upstream_paths(gw: Gateway, remote: str, branch: str, paths: Sequence[str]) -> None:
    """RefusedError when files upstream changed are unsafe or have uncommitted changes here."""
    for p in paths:
        safe_path(gw.root, p)
    dirty = dirty_paths(gw, paths)
    if dirty:
        raise RefusedError(
            f"{remote}/{branch} changed {', '.join(dirty)}, which have uncommitted"
            " changes here: commit or stash them, then run again. Nothing was"
            " changed"
        )


def _porcelain_summary(stdout: bytes) -> str:
    """The status lines of ``git push --porcelain`` that report a rejection, as one line."""
    lines = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("!"):
            parts = line.split("\t")
            lines.append(" ".join(parts[1:]) if len(parts) > 1 else line)
    return "; ".join(lines)
