"""SPEC 7: a signal at any instant of update, rollback or promote leaves everything as it was or
the whole operation done, with exit 130 (SIGINT) or 143 (SIGTERM) and one line, never a traceback.

The harness puts a ``git`` wrapper first on PATH: it counts the calls the installed
``gitops-promote`` makes and, at call N, signals its parent (gitops-promote) before it runs the
real git. N steps over every git call of each command; after each run the checkout, the remote,
the branches, the lock files, the temporary folder and ``git fsck`` are checked.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..gitrepo import GitRepo
from ..sample import api_spec, make_sample

#: the installed console script (or another build of it, to compare)
SCRIPT = Path(
    os.environ.get("GITOPS_PROMOTE_SCRIPT") or Path(sys.executable).with_name("gitops-promote")
)
REAL_GIT = shutil.which("git") or "/usr/bin/git"
#: fixed dates make the commits of every run identical, so "done" has exactly one sha
DATES = {
    "GIT_AUTHOR_DATE": "2026-02-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-02-01T00:00:00+00:00",
}

WRAPPER = """#!/bin/sh
if [ -z "$GP_NESTED" ]; then
  export GP_NESTED=1
  n=$(( $(cat "$GP_COUNT") + 1 ))
  echo "$n" > "$GP_COUNT"
  if [ "$n" = "$GP_AT" ]; then kill -"$GP_SIG" "$PPID"; fi
fi
exec "$GP_REAL_GIT" "$@"
"""

COMMANDS = {
    "update": ["update", "api", "--env", "prod", "--set", "image.image_uri=ghcr.io/acme/api:9"],
    "rollback": ["rollback", "api", "--env", "prod", "--to", "v1"],
    "promote": ["promote", "api", "--from", "staging", "--to", "prod"],
}


@dataclass(frozen=True)
class State:
    """What a run may change: refs (local and origin), index, work tree, status."""

    refs: str
    origin: str
    index: str
    status: str
    spec: bytes


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run([REAL_GIT, *args], cwd=cwd, capture_output=True, check=False)
    return proc.stdout.decode("utf-8", "replace").strip()


def state(work: Path, origin: Path) -> State:
    return State(
        refs=_git(work, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
        origin=_git(origin, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
        index=_git(work, "ls-files", "-s"),
        status=_git(work, "status", "--porcelain", "--untracked-files=all"),
        spec=(work / "envs/prod/api.yaml").read_bytes(),
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample GitOps repository with a bare origin, built once and copied for every run."""
    base = tmp_path_factory.mktemp("template")
    env = {
        "HOME": str(base),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        repo = make_sample(GitRepo(base / "work"))
        repo.git("config", "user.name", "Test Author")
        repo.git("config", "user.email", "author@example.com")
        repo.make_origin(base / "origin.git")
        repo.git("remote", "set-url", "origin", "../origin.git")
        repo.git("fetch", "-q", "origin")
        assert (
            api_spec("1.2.0", 3, "warning").encode()
            == (base / "work/envs/prod/api.yaml").read_bytes()
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return base


class Harness:
    def __init__(self, template: Path, root: Path) -> None:
        self.template = template
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir()
        wrapper = self.bin / "git"
        wrapper.write_text(WRAPPER)
        wrapper.chmod(0o755)
        self.runs = 0
        self.reference: dict[tuple[str, ...], tuple[State, State, int]] = {}

    def outcomes(self, args: list[str]) -> tuple[State, State, int]:
        """(state before, state after an uninterrupted run, its number of git calls)."""
        key = tuple(args)
        if key not in self.reference:
            work, origin, _tmp = self.fresh()
            before = state(work, origin)
            proc, calls, work, origin, _ = self.run(args)
            assert proc.returncode == 0, proc.stderr
            done = state(work, origin)
            assert done != before
            self.reference[key] = (before, done, calls)
        return self.reference[key]

    def fresh(self) -> tuple[Path, Path, Path]:
        self.runs += 1
        run_dir = self.root / f"run{self.runs}"
        shutil.copytree(self.template, run_dir, symlinks=True)
        tmp = run_dir / "tmp"
        tmp.mkdir()
        return run_dir / "work", run_dir / "origin.git", tmp

    def run(
        self, args: list[str], at: int = 0, sig: str = "INT"
    ) -> tuple[subprocess.CompletedProcess[str], int, Path, Path, Path]:
        work, origin, tmp = self.fresh()
        count = work.parent / "count"
        count.write_text("0")
        env = {
            **os.environ,
            **DATES,
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "TMPDIR": str(tmp),
            "GP_COUNT": str(count),
            "GP_AT": str(at),
            "GP_SIG": sig,
            "GP_REAL_GIT": REAL_GIT,
            "HOME": str(work.parent),
        }
        env.pop("GP_NESTED", None)
        proc = subprocess.run(
            [str(SCRIPT), "--repo", str(work), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return proc, int(count.read_text()), work, origin, tmp


@pytest.fixture(scope="module")
def harness(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(template, tmp_path_factory.mktemp("runs"))


def _check_interrupted(harness: Harness, name: str, push: bool, sig: str, from_end: int) -> None:
    args = COMMANDS[name] + (["--push"] if push else [])
    before, done, calls = harness.outcomes(args)
    at = calls - from_end
    if at < 1:
        pytest.skip(f"{name} makes only {calls} git calls")
    proc, _, work, origin, tmp = harness.run(args, at=at, sig=sig)
    where = f"{' '.join(args)}: SIG{sig} at git call {at} of {calls}"
    lines = proc.stderr.splitlines()
    assert proc.returncode == 128 + getattr(signal, f"SIG{sig}"), f"{where}: {proc.stderr}"
    assert len(lines) == 1 and lines[0].startswith(f"error: interrupted by SIG{sig}"), where
    assert "Traceback" not in proc.stderr
    after = state(work, origin)
    assert after in (before, done), f"{where}: {after} / {lines}"
    if after == before:
        assert "nothing was changed" in lines[0], f"{where}: {lines[0]}"
    assert after.status == "", where  # ref, index and work tree agree
    assert not (work / ".git" / "index.lock").exists(), where
    assert list(tmp.iterdir()) == [], where
    fsck = subprocess.run([REAL_GIT, "fsck", "--no-dangling"], cwd=work, capture_output=True)
    assert fsck.returncode == 0, f"{where}: {fsck.stderr!r}"


#: the fast tier signals the last git calls of each command: where it writes
LAST = range(6)


@pytest.mark.parametrize("from_end", LAST)
def test_interrupted_update_leaves_all_or_nothing(harness: Harness, from_end: int) -> None:
    sig = "INT" if from_end % 2 else "TERM"
    _check_interrupted(harness, "update", push=False, sig=sig, from_end=from_end)


@pytest.mark.parametrize("from_end", LAST)
def test_interrupted_push_leaves_local_and_remote_agreeing(harness: Harness, from_end: int) -> None:
    sig = "TERM" if from_end % 2 else "INT"
    _check_interrupted(harness, "update", push=True, sig=sig, from_end=from_end)


@pytest.mark.parametrize(
    ("push", "from_end"), [(False, 0), (False, 1), (True, 0), (True, 1), (True, 2), (True, 3)]
)
def test_interrupted_promote_leaves_no_stray_branch(
    harness: Harness, push: bool, from_end: int
) -> None:
    sig = "INT" if from_end % 2 else "TERM"
    _check_interrupted(harness, "promote", push=push, sig=sig, from_end=from_end)


@pytest.mark.slow
@pytest.mark.parametrize("from_end", range(6, 40))
@pytest.mark.parametrize(
    ("name", "push"),
    [("update", False), ("update", True), ("rollback", False), ("rollback", True),
     ("promote", False), ("promote", True)],
)  # fmt: skip
def test_a_signal_at_every_git_call(harness: Harness, name: str, push: bool, from_end: int) -> None:
    """Every git call of each command (SIGINT and SIGTERM by turns; the fast tier has the
    last calls)."""
    sig = "INT" if from_end % 2 else "TERM"
    _check_interrupted(harness, name, push=push, sig=sig, from_end=from_end)


#: the first line of gitops_promote/__main__.py that sets the early signal handler
_HANDLER_LINE = next(
    n
    for n, line in enumerate((Path(__file__).parents[2] / "gitops_promote/__main__.py").open(), 1)
    if line.startswith("for _sig in")
)


@pytest.mark.parametrize(
    ("sig", "delay_ms"),
    [("INT", 0), ("TERM", 20), ("INT", 40), ("TERM", 60), ("INT", 80), ("INT", 100)],
)
def test_a_signal_during_start_up_gives_one_line_not_a_traceback(
    template: Path, tmp_path: Path, sig: str, delay_ms: int
) -> None:
    work = tmp_path / "work"
    shutil.copytree(template / "work", work, symlinks=True)
    proc = subprocess.Popen(
        [str(SCRIPT), "--repo", str(work), *COMMANDS["update"]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    time.sleep(delay_ms / 1000)
    proc.send_signal(getattr(signal, f"SIG{sig}"))
    _out, err = proc.communicate(timeout=60)
    code = 128 + getattr(signal, f"SIG{sig}")
    frames = re.findall(r'/gitops_promote/(\S+)", line (\d+)', err)
    if "Traceback" in err and all(f == "__main__.py" and int(n) < _HANDLER_LINE for f, n in frames):
        # SIGINT while the interpreter itself starts (its site module, the console script's
        # first imports, __main__'s own `import` lines before the handler is set): out of reach.
        return
    assert "Traceback" not in err
    # before Python has started, the default action ends the process: no line at all
    assert proc.returncode in (code, -getattr(signal, f"SIG{sig}")), err
    assert len(err.splitlines()) <= 1, err
    if proc.returncode == code:
        assert err.startswith(f"error: interrupted by SIG{sig}"), err
    assert [p.name for p in tmp_path.iterdir()] == ["work"]
    assert (
        subprocess.run(
            [REAL_GIT, "status", "--porcelain"], cwd=work, capture_output=True, text=True
        ).stdout
        == ""
    )
