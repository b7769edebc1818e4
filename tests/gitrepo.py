"""Build real git repositories in temporary directories for tests.

``GitRepo`` wraps a working repository; ``make_origin`` gives it a bare ``origin``. Every git call
runs with the isolated environment set up by ``conftest.py`` (no user config, fixed author, and a
commit date that advances one minute per commit so that ordering is deterministic).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

_counter = {"n": 0}


def git(cwd: Path, *args: str, input: bytes | None = None, check: bool = True) -> str:
    """Run git in ``cwd`` and return its stdout (text, stripped of the final newline)."""
    _counter["n"] += 1
    env = dict(os.environ)
    date = f"2026-01-01T00:{_counter['n'] // 60 % 60:02d}:{_counter['n'] % 60:02d}+00:00"
    env.setdefault("GIT_AUTHOR_DATE", date)
    env.setdefault("GIT_COMMITTER_DATE", date)
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=input, capture_output=True, env=env, check=False
    )
    if check and proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}): {err}")
    return proc.stdout.decode("utf-8", errors="replace").rstrip("\n")


class GitRepo:
    """A working git repository on branch ``main``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.path, *args, check=check)

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (``str``/``bytes``) or delete (``None``) files in the working tree."""
        for name, content in files.items():
            p = self.path / name
            if content is None:
                if p.exists():
                    p.unlink()
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                p.write_bytes(content.encode("utf-8"))
            else:
                p.write_bytes(content)

    def commit(self, files: Mapping[str, str | bytes | None], message: str = "change") -> str:
        """Write the files, stage everything and commit; return the new sha."""
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", ref)

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def show(self, ref: str, name: str) -> bytes:
        proc = subprocess.run(
            ["git", "show", f"{ref}:{name}"], cwd=self.path, capture_output=True, check=True
        )
        return proc.stdout

    def status(self) -> str:
        return self.git("status", "--porcelain", "--untracked-files=all")

    def log_subjects(self, ref: str = "HEAD") -> list[str]:
        out = self.git("log", "--format=%s", ref)
        return out.splitlines() if out else []

    def make_origin(self, bare_path: Path) -> Path:
        """Create a bare repository at ``bare_path``, add it as ``origin`` and push ``main``."""
        git(bare_path.parent, "init", "-q", "--bare", "-b", "main", str(bare_path))
        self.git("remote", "add", "origin", str(bare_path))
        self.git("push", "-q", "-u", "origin", "main")
        return bare_path

    def clone_origin(self, dest: Path) -> GitRepo:
        """A second clone of ``origin`` (someone else pushing to the same remote)."""
        url = self.git("remote", "get-url", "origin")
        git(dest.parent, "clone", "-q", url, str(dest))
        other = GitRepo.__new__(GitRepo)
        other.path = dest
        return other
