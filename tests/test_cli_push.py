"""``--push``: to a bare ``origin``; rebase when the remote moved on; stop on a real conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_promote.cli import main

from .gitrepo import GitRepo
from .sample import sample_repo


def push_update(repo: GitRepo) -> int:
    """``update api --env prod --set replicas=4 --push`` in ``repo``."""
    return main(
        [
            "--repo",
            str(repo.path),
            "update",
            "api",
            "--env",
            "prod",
            "--set",
            "replicas=4",
            "--push",
        ]
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = sample_repo(tmp_path / "gitops")
    r.make_origin(tmp_path / "origin.git")
    return r


def test_update_push_lands_on_origin(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    rc = push_update(repo)
    assert rc == 0, capsys.readouterr().err
    assert repo.git("rev-parse", "origin/main") == repo.head()
    origin_head = repo.git("ls-remote", "origin", "refs/heads/main").split()[0]
    assert origin_head == repo.head()


def test_push_rebases_when_the_remote_moved_on_with_another_file(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = repo.clone_origin(tmp_path / "colleague")
    other.commit(
        {"envs/dev/api.yaml": "# colleague\n" + other.read("envs/dev/api.yaml").decode()},
        "dev tweak",
    )
    other.git("push", "-q", "origin", "main")
    rc = push_update(repo)
    assert rc == 0, capsys.readouterr().err
    remote = repo.git("ls-remote", "origin", "refs/heads/main").split()[0]
    assert remote == repo.head()
    assert repo.git("log", "-2", "--format=%s").splitlines() == [
        "update(prod/api): set /replicas to 4",
        "dev tweak",
    ]
    assert repo.read("envs/dev/api.yaml").startswith(b"# colleague\n")
    assert repo.status() == ""


def test_push_stops_on_a_conflict_and_leaves_everything_as_it_was(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = repo.clone_origin(tmp_path / "colleague")
    other.commit(
        {
            "envs/prod/api.yaml": other.read("envs/prod/api.yaml")
            .decode()
            .replace("replicas: 3", "replicas: 6")
        },
        "hotfix: scale prod",
    )
    other.git("push", "-q", "origin", "main")
    upstream = other.head()
    head, spec = repo.head(), repo.read("envs/prod/api.yaml")
    rc = push_update(repo)
    err = capsys.readouterr().err
    assert rc == 1
    assert upstream[:7] in err and "hotfix: scale prod" in err
    assert repo.head() == head and repo.read("envs/prod/api.yaml") == spec
    assert repo.status() == ""
    assert repo.git("ls-remote", "origin", "refs/heads/main").split()[0] == upstream


def test_rollback_push(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        ["--repo", str(repo.path), "rollback", "api", "--env", "prod", "--to", "v1", "--push"]
    )
    assert rc == 0, capsys.readouterr().err
    assert repo.git("ls-remote", "origin", "refs/heads/main").split()[0] == repo.head()


def test_unreachable_remote_fails_with_exit_1_and_changes_nothing(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    head = repo.head()
    rc = push_update(repo)
    assert rc == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert repo.head() == head and repo.status() == ""
