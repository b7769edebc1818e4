"""Reads at a ref, never by checking anything out: revisions, trees, blobs, status and diffs.

Many blobs are read by one ``git cat-file --batch`` process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import GitError, NotFoundError, RefusedError, UsageError
from .gateway import SHA_RE, Gateway, one_line, parsing, scratch_dir, strip_credentials
from .paths import norm_path


def current_branch(gw: Gateway) -> str | None:
    """The checked-out branch of the work tree, or ``None`` when HEAD is detached."""
    res = gw.run("symbolic-ref", "-q", "HEAD", check=False)
    ref = res.text
    if res.status != 0 or not ref.startswith("refs/heads/"):
        return None
    return ref[len("refs/heads/") :]


def remote_url(gw: Gateway, remote: str = "origin") -> str | None:
    """The URL of ``remote`` (with any password or token in it removed), or ``None``."""
    if not remote or remote.startswith("-"):
        return None
    res = gw.run("remote", "get-url", "--", remote, check=False)
    if res.status != 0:
        return None
    url = res.text
    return strip_credentials(url) if url else None


def rev_parse(gw: Gateway, rev: str) -> str | None:
    """The full sha ``rev`` names (peeled to a commit when it names a tag), or ``None``."""
    if not rev:
        return None
    for candidate in (f"{rev}^{{commit}}", rev):
        res = gw.run("rev-parse", "--verify", "-q", "--end-of-options", candidate, check=False)
        sha = res.stdout.decode().strip()
        if res.status == 0 and SHA_RE.match(sha):
            return sha
    return None


def commit_sha(gw: Gateway, rev: str) -> str:
    """The full sha of the commit ``rev`` names; NotFoundError if there is none."""
    sha = gw.run(
        "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    out = sha.stdout.decode().strip()
    if sha.status != 0 or not SHA_RE.match(out):
        raise NotFoundError(f"unknown revision {rev!r}")
    return out


def branch_ref(gw: Gateway, branch: str) -> str:
    """``refs/heads/BRANCH``; UsageError unless it is a valid branch name."""
    if not branch or branch.startswith("-"):
        raise UsageError(f"invalid branch name {branch!r}")
    ref = f"refs/heads/{branch}"
    if gw.run("check-ref-format", ref, check=False).status != 0:
        raise UsageError(f"invalid branch name {branch!r}")
    return ref


def read_file(gw: Gateway, ref: str, path: str) -> bytes | None:
    """The bytes of ``path`` at ``ref``, or ``None`` if it is absent there."""
    return read_files(gw, ref, [path])[norm_path(path)]


def read_files(gw: Gateway, ref: str, paths: Sequence[str]) -> dict[str, bytes | None]:
    """Several files at ``ref`` in one ``git cat-file --batch``; keys are normalized paths.

    NotFoundError if ``ref`` names no commit or tree.
    """
    norm = [norm_path(p) for p in paths]
    if ref.startswith("-") or any(c in ref for c in "\n\0"):
        raise NotFoundError(f"unknown revision {ref!r}")
    found = read_objects(gw, [f"{ref}^{{tree}}"] + [f"{ref}:{p}" for p in norm])
    if found[0][0] != "tree":
        raise NotFoundError(f"unknown revision {ref!r}")
    pairs = zip(norm, found[1:], strict=True)
    return {p: (data if kind == "blob" else None) for p, (kind, data) in pairs}


def read_blobs(gw: Gateway, names: Sequence[str]) -> list[bytes | None]:
    """The contents of many blobs (``REF:PATH`` or blob shas) from ONE ``git cat-file --batch``,
    in order; ``None`` where a name is missing or not a blob."""
    bad = [n for n in names if n.startswith("-") or any(c in n for c in "\n\0")]
    if bad:
        raise NotFoundError(f"unknown object {bad[0]!r}")
    return [data if kind == "blob" else None for kind, data in read_objects(gw, names)]


def read_objects(gw: Gateway, names: Sequence[str]) -> list[tuple[str, bytes | None]]:
    """(type, content) of each object name, from one ``git cat-file --batch``; ``("missing",
    None)`` where a name names nothing."""
    if not names:
        return []
    data = gw.run("cat-file", "--batch", input=("\n".join(names) + "\n").encode()).stdout
    with parsing("git cat-file --batch"):
        return _parse_batch(data, len(names))


def _parse_batch(data: bytes, count: int) -> list[tuple[str, bytes | None]]:
    """(type, content) of each object in ``git cat-file --batch`` output."""
    results: list[tuple[str, bytes | None]] = []
    pos = 0
    for _ in range(count):
        end = data.index(b"\n", pos)
        header = data[pos:end].decode("utf-8", "replace")
        pos = end + 1
        fields = header.split(" ")
        if header.endswith((" missing", " ambiguous")) or len(fields) != 3:
            results.append(("missing", None))
            continue
        size = int(fields[2])
        results.append((fields[1], data[pos : pos + size]))
        pos += size + 1
    return results


def list_dir(gw: Gateway, ref: str, directory: str) -> list[str]:
    """Names of the files (not subdirectories) directly in ``directory`` at ``ref``, sorted."""
    d = norm_path(directory, allow_root=True)
    tree = f"{ref}^{{tree}}" if not d else f"{ref}:{d}"
    _commit_or_tree(gw, ref)
    res = gw.run("ls-tree", "-z", "--end-of-options", tree, check=False)
    if res.status != 0:
        return []
    names = []
    with parsing("git ls-tree"):
        for entry in res.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            if meta.split(b" ")[1] == b"blob":
                names.append(name.decode("utf-8", "surrogateescape"))
    return sorted(names)


def list_tree(gw: Gateway, ref: str) -> dict[str, str]:
    """Every file at ``ref`` (one ``git ls-tree -r``): path -> mode (``120000``: symlink,
    ``160000``: a submodule)."""
    res = gw.run("ls-tree", "-r", "-z", "--end-of-options", f"{ref}^{{tree}}", check=False)
    if res.status != 0:
        _commit_or_tree(gw, ref)  # an unknown revision is NotFoundError, not git's message
        raise GitError(f"git ls-tree failed: {one_line(res.stderr) or res.status}")
    files = {}
    for entry in res.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        if entry and meta.split(b" ")[1] in (b"blob", b"commit"):  # commit: a submodule
            files[name.decode("utf-8", "surrogateescape")] = meta.split(b" ")[0].decode()
    return files


def _commit_or_tree(gw: Gateway, ref: str) -> None:
    res = gw.run("rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{tree}}", check=False)
    if res.status != 0:
        raise NotFoundError(f"unknown revision {ref!r}")


def tree_entries(gw: Gateway, commit: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """path -> (mode, sha) at ``commit`` for those of ``paths`` that exist there."""
    if not paths:
        return {}
    out = gw.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths).stdout
    entries: dict[str, tuple[str, str]] = {}
    with parsing("git ls-tree"):
        for entry in out.split(b"\0"):
            if entry:
                meta, _, name = entry.partition(b"\t")
                mode, _type, sha = meta.decode().split(" ")
                entries[name.decode("utf-8", "surrogateescape")] = (mode, sha)
    return entries


def dirty_paths(gw: Gateway, paths: Sequence[str]) -> list[str]:
    """Which of ``paths`` (normalized) have staged, unstaged or untracked changes."""
    norm = [norm_path(p) for p in paths]
    if not norm:
        return []
    res = gw.run(
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignore-submodules=none",
        "--",
        *norm,
        env={"GIT_OPTIONAL_LOCKS": "0"},
    )
    changed: set[str] = set()
    tokens = res.stdout.split(b"\0")
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if len(tok) < 4:
            continue
        xy = tok[:2].decode()
        changed.add(tok[3:].decode("utf-8", "surrogateescape"))
        if "R" in xy or "C" in xy:
            if i < len(tokens):
                changed.add(tokens[i].decode("utf-8", "surrogateescape"))
            i += 1
    return [p for p in norm if p in changed or any(c.startswith(p + "/") for c in changed)]


def changed_between(
    gw: Gateway, old: str, new: str, paths: Sequence[str] | None = None
) -> list[str]:
    """Paths (of ``paths``, or all) whose content differs between commits ``old`` and ``new``."""
    args = ["diff", "--name-only", "--no-renames", "-z", old, new]
    if paths is not None:
        if not paths:
            return []
        args += ["--", *paths]
    out = gw.run(*args).stdout
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def is_ancestor(gw: Gateway, old: str, new: str) -> bool:
    return gw.run("merge-base", "--is-ancestor", old, new, check=False).status == 0


def diff_text(gw: Gateway, old: bytes, new: bytes, path: str) -> str:
    """Unified diff of ``old`` -> ``new``, ``a/PATH`` and ``b/PATH`` headers; "" if equal."""
    norm = norm_path(path)
    with scratch_dir("gitops-promote-diff-") as tmp:
        for target, data in ((Path(tmp, "a", norm), old), (Path(tmp, "b", norm), new)):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return diff_no_index(gw, tmp, norm)


def diff_no_index(gw: Gateway, tmp: str, path: str) -> str:
    """``git diff --no-index`` of ``TMP/a/PATH`` and ``TMP/b/PATH`` (files or folders), with
    ``a/PATH`` and ``b/PATH`` headers; "" if equal."""
    res = gw.run(
        "-C",
        tmp,
        "-c",
        "core.quotePath=false",
        "diff",
        "--no-index",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-prefix",
        "--",
        f"a/{path}",
        f"b/{path}",
        check=False,
    )
    if res.status not in (0, 1):
        raise GitError(f"git diff failed: {one_line(res.stderr)}")
    return res.stdout.decode("utf-8", "replace")


#: git's state files of an operation in progress (``git rev-parse --git-path``), and its name
_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
)


def refuse_unsafe_state(gw: Gateway, branch: str, checked_out: bool) -> None:
    """RefusedError when committing on ``branch`` would mix with an unfinished git operation.

    Refused when the branch is checked out here and a merge, rebase, cherry-pick or revert is in
    progress, when any work tree is rebasing ``branch`` (its HEAD is detached meanwhile, and the
    rebase would drop the new commit), and, when checked out, whenever the index is locked.
    """
    names = [name for name, _ in _IN_PROGRESS]
    args = ["rev-parse", "--git-common-dir"]
    for name in [*names, "index.lock"]:
        args += ["--git-path", name]
    lines = gw.out(*args).splitlines()
    if len(lines) != len(names) + 2:
        raise GitError("git rev-parse --git-path returned an unexpected answer")
    common = gw.root / lines[0]
    here = [gw.root / p for p in lines[1:]]
    for path, (_, what) in zip(here, _IN_PROGRESS, strict=False):
        if checked_out and path.exists():
            raise RefusedError(
                f"{what} is in progress: finish or abort it first; nothing was changed"
            )
    rebasing = [
        *(common / "worktrees").glob("*/rebase-*/head-name"),
        *common.glob("rebase-*/head-name"),
    ]
    for head_name in rebasing:
        try:
            name = head_name.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        if name == f"refs/heads/{branch}":
            raise RefusedError(
                f"a rebase is in progress on {branch}: finish or abort it first; nothing was"
                " changed"
            )
    lock = here[-1]
    if checked_out and lock.exists():
        holder = _git_process_in(gw.root, common)
        hint = (
            f"git process {holder} may hold it: let it finish"
            if holder
            else f"if no git process is running, remove it (rm {lock})"
        )
        raise RefusedError(
            f"{lock} exists: another git command is running or crashed; {hint}. Nothing was changed"
        )


def _git_process_in(root: Path, git_dir: Path) -> str | None:
    """``PID (command line)`` of a running git process working in this repository, if any."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if not argv or not os.path.basename(argv[0]).startswith(b"git"):
                continue
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == root or root in cwd.parents or cwd == git_dir.resolve():
            cmd = b" ".join(a for a in argv if a).decode("utf-8", "replace")
            return f"{entry.name} ({cmd[:80]})"
    return None
