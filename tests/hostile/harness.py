"""Shared helpers of the hostile-input battery (issue 15).

``snapshot`` records everything a command could change in a checkout (working tree, index,
HEAD, refs, stash, the remote's refs and the files under ``.git``), so a case can assert that a
refused command changed nothing. ``run_cli`` runs the installed command's entry point in-process
inside click's ``CliRunner`` isolation; ``run_process`` runs the real ``gitops-promote`` executable
with a timeout, so a slow case fails instead of hanging.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from gitops_promote.cli import main

from ..gitrepo import GitRepo, git
from ..sample import make_sample

# Files git itself may create or touch under .git while only reading (logs, packing, the index
# being refreshed with new stat data, fsmonitor and the like).
_GIT_OWN = re.compile(
    r"^(logs/.*|index|FETCH_HEAD|ORIG_HEAD|gc\.log|packed-refs|objects/.*|"
    r"refs/remotes/.*|shallow|description|info/.*)$"
)


@dataclass(frozen=True)
class Snapshot:
    files: dict[str, bytes]
    index: str
    head: str
    refs: str
    tracking: str
    stash: str
    remote_refs: str
    git_files: frozenset[str]

    def diff(self, after: Snapshot) -> list[str]:
        """What changed between two snapshots, as readable lines (empty: nothing)."""
        out: list[str] = []
        for name in sorted(set(self.files) | set(after.files)):
            if self.files.get(name) != after.files.get(name):
                state = "added" if name not in self.files else "changed"
                if name not in after.files:
                    state = "removed"
                out.append(f"working tree: {name} {state}")
        for attr in ("index", "head", "refs", "tracking", "stash", "remote_refs"):
            if getattr(self, attr) != getattr(after, attr):
                out.append(f"{attr}: {getattr(self, attr)!r} -> {getattr(after, attr)!r}")
        new = sorted(n for n in after.git_files - self.git_files if not _GIT_OWN.match(n))
        if new:
            out.append(f"new files in .git: {new}")
        return out


def _git_dir(repo: Path) -> Path:
    dot = repo / ".git"
    if dot.is_file():  # a worktree or submodule: "gitdir: ..."
        return (repo / dot.read_text().split(":", 1)[1].strip()).resolve()
    return dot


def snapshot(repo: Path, remote: Path | None = None) -> Snapshot:
    """Everything a command could change in ``repo`` (and its bare ``remote``)."""
    files: dict[str, bytes] = {}
    for p in repo.rglob("*"):
        rel = p.relative_to(repo)
        if rel.parts and rel.parts[0] == ".git":
            continue
        if p.is_symlink():
            files[str(rel)] = b"-> " + os.readlink(p).encode()
        elif p.is_file():
            files[str(rel)] = p.read_bytes()
        elif p.is_dir():
            files[str(rel) + "/"] = b""
    gd = _git_dir(repo)
    git_files = frozenset(
        str(p.relative_to(gd)) for p in gd.rglob("*") if p.is_file() or p.is_symlink()
    )
    refs = git(repo, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    return Snapshot(
        files=files,
        index=git(repo, "ls-files", "-s", check=False),
        head=git(repo, "rev-parse", "--symbolic-full-name", "HEAD", check=False)
        + " "
        + git(repo, "rev-parse", "HEAD", check=False),
        refs="\n".join(r for r in refs if not r.startswith("refs/remotes/")),
        tracking="\n".join(r for r in refs if r.startswith("refs/remotes/")),
        stash=git(repo, "stash", "list", check=False),
        remote_refs=git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
        if remote is not None
        else "",
        git_files=git_files,
    )


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run_cli(repo: Path, argv: Sequence[str], *, global_args: Sequence[str] = ()) -> Result:
    """The console script's entry point in-process, output captured by click's CliRunner."""
    runner = CliRunner()
    start = time.monotonic()
    with runner.isolation() as streams:
        code = main(["--repo", str(repo), *global_args, *argv])
        sys.stdout.flush()
        sys.stderr.flush()
    out, err = streams[0].getvalue(), streams[1].getvalue()
    return Result(code, out.decode(errors="replace"), err.decode(errors="replace"),
                  time.monotonic() - start)  # fmt: skip


def executable() -> str:
    """The installed ``gitops-promote`` (next to the running interpreter, else on PATH)."""
    beside = Path(sys.executable).parent / "gitops-promote"
    if beside.exists():
        return str(beside)
    found = shutil.which("gitops-promote")
    assert found, "gitops-promote is not installed"
    return found


def run_process(
    repo: Path,
    argv: Sequence[str],
    *,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
    global_args: Sequence[str] = (),
) -> Result:
    """The installed executable as a subprocess; a run past ``timeout`` fails the test."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [executable(), "--repo", str(repo), *global_args, *argv],
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        shown = " ".join(argv)[:200]
        raise AssertionError(f"gitops-promote {shown} ran past {timeout} s") from None
    return Result(
        proc.returncode,
        proc.stdout.decode(errors="replace"),
        proc.stderr.decode(errors="replace"),
        time.monotonic() - start,
    )


def assert_one_error_line(result: Result, pattern: str | None) -> None:
    """Exactly one non-empty stderr line, no traceback, matching ``pattern``."""
    assert "Traceback" not in result.err, result.err[-2000:]
    assert "internal error" not in result.err, result.err[-500:]
    lines = result.err_lines
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {result.err[-1500:]!r}"
    if pattern is not None:
        assert re.search(pattern, lines[0]), f"{lines[0][:500]!r} does not match {pattern!r}"


# -- building repository states ----------------------------------------------------------------


@dataclass
class World:
    """A sample GitOps repository (three environments, service ``api``), with a bare origin."""

    repo: GitRepo
    origin: Path | None
    tmp: Path
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.repo.path


Setup = Callable[[World], None]


def make_world(tmp: Path, *, origin: bool = True) -> World:
    repo = make_sample(GitRepo(tmp / "work"))
    bare = repo.make_origin(tmp / "origin.git") if origin else None
    return World(repo, bare, tmp)
