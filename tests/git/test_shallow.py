"""Version numbers count the whole history: a shallow clone is deepened from origin, or refused
(SPEC 7: history, show, update, rollback never number versions from a cut history)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitops_promote.cli import main
from gitops_promote.errors import RefusedError
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo, git
from ..sample import sample_repo


def _shallow_clone(tmp_path: Path) -> tuple[GitRepo, GitRepo]:
    full = sample_repo(tmp_path / "full")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{full.path}", "shallow")
    clone = GitRepo.__new__(GitRepo)
    clone.path = tmp_path / "shallow"
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"
    return full, clone


def test_a_shallow_clone_is_deepened_from_origin_before_numbering(tmp_path: Path) -> None:
    full, clone = _shallow_clone(tmp_path)
    log = GitRepository(clone.path).file_log("envs/prod/api.yaml")
    expected = GitRepository(full.path).file_log("envs/prod/api.yaml")
    assert [c.sha for c in log] == [c.sha for c in expected]
    assert len(log) == 3
    assert clone.git("rev-parse", "--is-shallow-repository") == "false"


def test_a_shallow_clone_without_origin_is_refused(tmp_path: Path) -> None:
    _full, clone = _shallow_clone(tmp_path)
    clone.git("remote", "remove", "origin")
    with pytest.raises(RefusedError, match=r"shallow clone.*no origin.*fetch-depth: 0"):
        GitRepository(clone.path).file_log("envs/prod/api.yaml")


def test_a_shallow_clone_whose_origin_is_gone_is_refused_saying_why(tmp_path: Path) -> None:
    _full, clone = _shallow_clone(tmp_path)
    clone.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(RefusedError, match=r"fetch --unshallow failed.*fetch-depth: 0"):
        GitRepository(clone.path).file_log("envs/prod/api.yaml")


@pytest.mark.parametrize(
    "args",
    [
        ["history", "api", "--env", "prod"],
        ["show", "api", "--env", "prod", "--version", "v1"],
        ["update", "api", "--env", "prod", "--set", "replicas=9"],
        ["rollback", "api", "--env", "prod", "--to", "v1"],
    ],
)
def test_history_dependent_commands_refuse_a_cut_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    _full, clone = _shallow_clone(tmp_path)
    clone.git("remote", "remove", "origin")
    head = clone.head()
    assert main(["--repo", str(clone.path), *args]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "fetch-depth: 0" in err
    assert clone.head() == head and clone.status() == ""


def test_a_full_clone_asks_git_once(tmp_path: Path) -> None:
    full = sample_repo(tmp_path / "full")
    repo = GitRepository(full.path)
    repo.file_log("envs/prod/api.yaml")
    assert "*" in repo.gateway.whole_history


def test_a_clone_made_whole_is_fetched_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first revision's fetch made the whole history local: a second revision reads it
    # without asking origin again
    _, clone = _shallow_clone(tmp_path)
    repo = GitRepository(clone.path)
    fetches: list[tuple[str, ...]] = []
    real = repo.gateway.network

    def counting(*args: str, **kwargs: Any) -> Any:
        fetches.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo.gateway, "network", counting)
    tip = clone.git("rev-parse", "HEAD")
    assert len(repo.file_log("envs/prod/api.yaml", tip)) == 3
    assert len(repo.file_log("envs/prod/api.yaml", "HEAD")) == 3
    assert len(fetches) == 1 and fetches[0][0] == "fetch"
    assert "*" in repo.gateway.whole_history
