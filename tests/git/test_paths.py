"""Repository-relative paths: normalization, and symlinks leading out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitops_promote.errors import UsageError
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("envs/prod/api.yaml", "envs/prod/api.yaml"),
        ("./envs//prod/./api.yaml", "envs/prod/api.yaml"),
        ("envs/prod/", "envs/prod"),
    ],
)
def test_safe_path_normalizes(work: GitRepo, given: str, expected: str) -> None:
    assert GitRepository(work.path).safe_path(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "../outside.yaml",
        "envs/../../outside.yaml",
        "envs/prod/../api.yaml",
        "/etc/passwd",
        "",
        ".",
        ".git/config",
        "envs/.GIT/x",
        "envs/a\nb.yaml",
    ],
)
def test_safe_path_rejects(work: GitRepo, bad: str) -> None:
    with pytest.raises(UsageError) as info:
        GitRepository(work.path).safe_path(bad)
    assert info.value.exit_code == 2


def test_safe_path_rejects_symlinks_leading_outside(work: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "api.yaml").write_text("secret: 1\n")
    os.symlink(outside, work.path / "envs" / "linked")
    os.symlink(outside / "api.yaml", work.path / "envs" / "dev" / "escape.yaml")
    os.symlink(work.path / ".git", work.path / "envs" / "dotgit")
    os.symlink("../prod/api.yaml", work.path / "envs" / "dev" / "inside.yaml")
    repo = GitRepository(work.path)
    with pytest.raises(UsageError, match="outside the repository"):
        repo.safe_path("envs/linked/api.yaml")
    with pytest.raises(UsageError, match="outside the repository"):
        repo.safe_path("envs/dev/escape.yaml")
    with pytest.raises(UsageError, match=r"\.git"):
        repo.safe_path("envs/dotgit/config")
    assert repo.safe_path("envs/dev/inside.yaml") == "envs/dev/inside.yaml"
