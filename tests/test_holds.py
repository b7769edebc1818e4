"""Holds (SPEC section 9): a spec whose current version is a rollback is held, until an update or a
forced promote writes the next version. Histories are real git repositories; the commit messages
are the ones the tool writes (messages.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gitops_promote.git.repository import GitRepository
from gitops_promote.history import Version, versions
from gitops_promote.holds import FORCED_TRAILER, find_hold
from gitops_promote.messages import promote_message, rollback_message, update_message

from .gitrepo import GitRepo

MakeRepo = Callable[..., GitRepo]
SPEC = "envs/prod/api.yaml"


def ten_versions(work: GitRepo) -> list[str]:
    """v1..v10 of prod/api, each a different image; returns their shas."""
    shas = [work.commit({SPEC: "image: api:1\n"}, "add api to prod")]
    for n in range(2, 11):
        shas.append(
            work.commit(
                {SPEC: f"image: api:{n}\n"},
                update_message("prod", "api", [("/image", f"api:{n - 1}", f"api:{n}")], None),
            )
        )
    return shas


def roll_back(
    work: GitRepo, monkeypatch: pytest.MonkeyPatch, shas: list[str], to: int, current: int
) -> str:
    """Marco Rossi rolls prod/api back to ``v{to}`` on 2026-10-08, as ``rollback`` does."""
    with monkeypatch.context() as m:
        m.setenv("GIT_AUTHOR_NAME", "Marco Rossi")
        m.setenv("GIT_AUTHOR_DATE", "2026-10-08T09:30:00+02:00")
        message = rollback_message(
            "prod", "api", f"v{current}", f"v{to}", shas[to - 1], f"v{current + 1}", None
        )
        return work.commit({SPEC: f"image: api:{to}\n"}, message)


def history(work: GitRepo) -> list[Version]:
    return versions(GitRepository(work.path), SPEC)


@pytest.fixture(scope="module")
def _built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """v1..v10 and the rollback v11, built once (git is slow on a busy machine)."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        m.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        m.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for var in ("GIT_AUTHOR", "GIT_COMMITTER"):
            m.setenv(f"{var}_NAME", "Test Author")
            m.setenv(f"{var}_EMAIL", "author@example.com")
        work = GitRepo(tmp_path_factory.mktemp("holds") / "work")
        shas = ten_versions(work)
        shas.append(roll_back(work, m, shas, to=5, current=10))
    yield work.path, shas


@pytest.fixture
def rolled_back(_built: tuple[Path, list[str]], tmp_path: Path) -> tuple[GitRepo, list[str]]:
    """A fresh copy of the built history: prod/api v10 rolled back to v5 as v11."""
    path, shas = _built
    shutil.copytree(path, tmp_path / "work")
    return GitRepo(tmp_path / "work"), list(shas)  # git init leaves an existing repository be


def test_a_rollback_holds_the_spec(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, shas = rolled_back

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert hold.message == (
        "prod/api is held: v11 rolls back to v5 (by Marco Rossi, 2026-10-08); "
        "promote with --force to replace it"
    )
    assert hold.held.label == "v11"
    assert hold.held.sha == shas[10]
    assert (hold.restores, hold.restores_sha) == ("v5", shas[4])
    assert (hold.author, hold.date) == ("Marco Rossi", "2026-10-08")


def test_hold_does_not_depend_on_the_order_of_versions(
    rolled_back: tuple[GitRepo, list[str]],
) -> None:
    work, _ = rolled_back
    oldest_first = history(work)

    assert find_hold("prod", "api", oldest_first[::-1]) == find_hold("prod", "api", oldest_first)


def test_hold_as_json(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, shas = rolled_back

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert hold.to_json() == {
        "service": "api",
        "env": "prod",
        "version": "v11",
        "sha": shas[10],
        "restores": "v5",
        "restores_sha": shas[4],
        "author": "Marco Rossi",
        "date": "2026-10-08T09:30:00+02:00",
        "message": hold.message,
    }


def test_forced_promote_trailer_names_the_hold(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, shas = rolled_back

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert hold.forced_trailer == (FORCED_TRAILER, f"hold v11 rolls back to v5 ({shas[10][:7]})")


def test_an_update_ends_the_hold(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, _ = rolled_back
    work.commit(
        {SPEC: "image: api:12\n"},
        update_message("prod", "api", [("/image", "api:5", "api:12")], None),
    )

    assert find_hold("prod", "api", history(work)) is None


def test_a_forced_promote_ends_the_hold(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, _ = rolled_back
    work.commit(
        {SPEC: "image: api:11\n"},
        promote_message("api", "staging", "v7", "c" * 40, "prod", None),
    )

    vs = history(work)

    assert vs[-1].kind == "promote"
    assert find_hold("prod", "api", vs) is None


def test_a_second_rollback_holds_again(
    rolled_back: tuple[GitRepo, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, shas = rolled_back
    shas.append(work.commit({SPEC: "image: api:12\n"}, "update(prod/api): 12"))
    roll_back(work, monkeypatch, shas, to=3, current=12)

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert hold.what == "v13 rolls back to v3"


def test_commits_that_do_not_touch_the_spec_keep_the_hold(
    rolled_back: tuple[GitRepo, list[str]],
) -> None:
    work, _ = rolled_back
    work.commit({"envs/prod/web.yaml": "image: web:2\n"}, "update(prod/web): 2")
    work.commit({"README.md": "docs\n"}, "docs")

    hold = find_hold("prod", "api", history(work))

    assert hold is not None and hold.held.label == "v11"


def test_no_versions_no_hold() -> None:
    assert find_hold("prod", "api", []) is None


def test_never_rolled_back_is_not_held(git_repo: MakeRepo) -> None:
    work = git_repo()
    ten_versions(work)

    assert find_hold("prod", "api", history(work)) is None


def test_a_rollback_committed_by_hand_with_only_the_kind_trailer(git_repo: MakeRepo) -> None:
    # No Restores trailer: the restored version is the newest earlier one with the same content.
    work = git_repo()
    shas = ten_versions(work)
    work.commit({SPEC: "image: api:4\n"}, "back to 4\n\nGitops-Promote-Kind: rollback\n")

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert (hold.restores, hold.restores_sha) == ("v4", shas[3])
    assert hold.message.startswith("prod/api is held: v11 rolls back to v4 (by Test Author, ")


def test_a_rollback_that_restored_no_earlier_content_is_still_a_hold(git_repo: MakeRepo) -> None:
    # rollback --retain keeps some current values: the content matches no earlier version.
    work = git_repo()
    ten_versions(work)
    work.commit({SPEC: "image: api:4\nreplicas: 3\n"}, "by hand\n\nGitops-Promote-Kind: rollback\n")

    hold = find_hold("prod", "api", history(work))

    assert hold is not None
    assert hold.restores is None
    assert "prod/api is held: v11 is a rollback (by Test Author, " in hold.message


def test_the_restores_sha_wins_over_its_label(rolled_back: tuple[GitRepo, list[str]]) -> None:
    work, shas = rolled_back
    vs = history(work)
    wrong_label = {"Gitops-Promote-Restores": f"v9 {shas[4][:10]}"}
    vs[-1] = replace(vs[-1], trailers=wrong_label)

    hold = find_hold("prod", "api", vs)

    assert hold is not None
    assert (hold.restores, hold.restores_sha) == ("v5", shas[4])


def test_a_restores_label_without_a_known_sha_is_kept(
    rolled_back: tuple[GitRepo, list[str]],
) -> None:
    work, _ = rolled_back
    vs = history(work)
    vs[-1] = replace(vs[-1], trailers={"gitops-promote-restores": "v5 0123abcd"})

    hold = find_hold("prod", "api", vs)

    assert hold is not None
    assert (hold.restores, hold.restores_sha) == ("v5", "0123abcd")
