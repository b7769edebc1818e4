"""Output of git that does not have the expected shape is a GitError (exit 1, one line), never
an internal ValueError or IndexError: the git layer converts where git's output enters."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_promote.errors import GitError
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import SPEC, SPEC_V1, MakeRepo


@pytest.fixture
def garbled(git_repo: MakeRepo, tmp_path: Path) -> tuple[GitRepo, GitRepository]:
    """A repository whose git answers every command with a line of nonsense."""
    work = git_repo({SPEC: SPEC_V1})
    fake = tmp_path / "fake-git"
    fake.write_text("#!/bin/sh\nprintf 'x\\000\\377\\376'\n")
    fake.chmod(0o755)
    repo = GitRepository(work.path)
    repo.gateway._exe = str(fake)
    return work, repo


def test_garbled_cat_file_is_a_git_error(garbled: tuple[GitRepo, GitRepository]) -> None:
    with pytest.raises(GitError, match="git cat-file --batch returned an answer"):
        garbled[1].read_files("HEAD", [SPEC])


def test_garbled_ls_tree_is_a_git_error(garbled: tuple[GitRepo, GitRepository]) -> None:
    with pytest.raises(GitError, match="git ls-tree returned an answer"):
        garbled[1].list_dir("HEAD", "envs/prod")
