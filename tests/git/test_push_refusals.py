"""SPEC 4 and 7: a push that cannot land is one line and a documented exit code, and nothing
changes locally (branch, index, work tree, no promotion branch left behind) nor on origin."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_promote.cli import main

from ..gitrepo import GitRepo
from ..sample import api_spec, sample_repo

UPDATE = ["update", "api", "--env", "prod", "--set", "replicas=4", "--push"]
ROLLBACK = ["rollback", "api", "--env", "prod", "--to", "v1", "--push"]
PROMOTE = ["promote", "api", "--from", "staging", "--to", "prod", "--push"]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = sample_repo(tmp_path / "gitops")
    r.make_origin(tmp_path / "origin.git")
    return r


def _everything(repo: GitRepo, origin: Path | None) -> tuple[str, ...]:
    remote = repo.git("--git-dir", str(origin), "for-each-ref") if origin else ""
    return (
        repo.git("for-each-ref", "refs/heads"),
        repo.git("ls-files", "-s"),
        repo.status(),
        remote,
    )


def _fails(
    repo: GitRepo, args: list[str], capsys: pytest.CaptureFixture[str], code: int, pattern: str
) -> str:
    origin = repo.path.parent / "origin.git"
    before = _everything(repo, origin if origin.exists() else None)
    assert main(["--repo", str(repo.path), *args]) == code
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert pattern in err, err
    assert _everything(repo, origin if origin.exists() else None) == before
    return err


@pytest.mark.parametrize("args", [UPDATE, ROLLBACK, PROMOTE])
def test_a_remote_that_rejects_the_push(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    hook = repo.path.parent / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    _fails(repo, args, capsys, 1, "branch is protected")


@pytest.mark.parametrize("args", [UPDATE, ROLLBACK])
def test_a_remote_that_moved_on_with_the_same_spec(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    other = repo.clone_origin(tmp_path / "other")
    other.commit({"envs/prod/api.yaml": api_spec("7.0.0", 3, "warning")}, "someone else")
    other.git("push", "-q", "origin", "main")
    _fails(repo, args, capsys, 1, "changed upstream")


@pytest.mark.parametrize("args", [UPDATE, ROLLBACK, PROMOTE])
def test_push_without_origin(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    repo.git("remote", "remove", "origin")
    _fails(repo, args, capsys, 1, "there is no remote named origin: add it")
