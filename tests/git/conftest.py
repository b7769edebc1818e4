"""Fixtures of the git layer's tests: a work repository, a bare origin and a clone, races."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_promote.git import remote

from ..gitrepo import GitRepo
from .repos import SPEC, SPEC_V1, V1, MakeRepo, Race


@pytest.fixture
def work(git_repo: MakeRepo) -> GitRepo:
    return git_repo(
        {
            SPEC: SPEC_V1,
            "envs/dev/api.yaml": "image: registry/api:1.2\n",
            "envs/dev/web.yml": "image: registry/web:2\n",
            "envs/dev/sub/deep.yaml": "x: 1\n",
            "README.md": "# gitops\n",
        }
    )


@pytest.fixture
def setup(git_repo: MakeRepo, tmp_path: Path) -> tuple[GitRepo, Path, GitRepo]:
    """(our work repo, bare origin, a second clone of origin pushing on its own)."""
    work = git_repo({SPEC: V1, "README.md": "# gitops\n", "envs/dev/api.yaml": "image: x\n"})
    origin = work.make_origin(tmp_path / "origin.git")
    other = work.clone_origin(tmp_path / "other")
    return work, origin, other


@pytest.fixture
def someone_pushes_after_fetch(monkeypatch: pytest.MonkeyPatch) -> Race:
    """Simulate a race: right after each fetch of a push retry, ``other`` pushes to origin/main.

    ``race(other, times=None, name="race{n}.txt")`` arms it: the n-th race commits the file
    ``name.format(n=n)`` as ``race n`` and pushes it, ``times`` times at most (None: every fetch).
    It returns the counter ``{"n": races so far}``.
    """

    def race(other: GitRepo, times: int | None = None, name: str = "race{n}.txt") -> dict[str, int]:
        real_fetch = remote.fetch_branch
        races = {"n": 0}

        def fetch_then_someone_pushes(*args: object, **kwargs: object) -> str | None:
            sha = real_fetch(*args, **kwargs)  # type: ignore[arg-type]
            if times is None or races["n"] < times:
                races["n"] += 1
                other.commit({name.format(n=races["n"]): "x\n"}, f"race {races['n']}")
                other.git("push", "-q", "origin", "main")
            return sha

        monkeypatch.setattr(remote, "fetch_branch", fetch_then_someone_pushes)
        return races

    return race
