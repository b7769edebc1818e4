"""SPEC 7: never commit into the middle of a merge, rebase, cherry-pick or revert, nor past a
locked index: refused with exit 1 and one line, nothing changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitops_promote.errors import RefusedError
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import SPEC, SPEC_V1, V2, MakeRepo


def _state(work: GitRepo) -> tuple[str, str, str]:
    return work.head("main"), work.status(), work.git("ls-files", "-s")


@pytest.fixture
def forked(git_repo: MakeRepo) -> GitRepo:
    """main and a branch ``other`` that both changed README.md (a conflict to stop on)."""
    work = git_repo({SPEC: SPEC_V1, "README.md": "a\n"})
    work.git("branch", "other")
    work.commit({"README.md": "main\n"}, "main side")
    work.git("checkout", "-q", "other")
    work.commit({"README.md": "other\n"}, "other side")
    work.git("checkout", "-q", "main")
    return work


def _refused(work: GitRepo, pattern: str, branch: str = "main") -> None:
    before = _state(work)
    with pytest.raises(RefusedError, match=pattern):
        GitRepository(work.path).commit_files(branch, {SPEC: V2}, "update")
    assert _state(work) == before


def test_refuses_during_a_conflicted_merge(forked: GitRepo) -> None:
    forked.git("merge", "other", check=False)
    _refused(forked, r"^a merge is in progress: finish or abort it first; nothing was changed$")


def test_refuses_during_a_merge_without_commit(git_repo: MakeRepo) -> None:
    work = git_repo({SPEC: SPEC_V1, "README.md": "a\n"})
    work.git("checkout", "-q", "-b", "other")
    work.commit({"other.txt": "x\n"}, "other")
    work.git("checkout", "-q", "main")
    work.commit({"main.txt": "x\n"}, "main")
    work.git("merge", "--no-commit", "--no-ff", "other")
    _refused(work, r"^a merge is in progress")


@pytest.mark.parametrize("backend", ["--merge", "--apply"])
def test_refuses_during_a_rebase_of_the_branch(forked: GitRepo, backend: str) -> None:
    forked.git("rebase", backend, "other", check=False)
    marker = "rebase-merge" if backend == "--merge" else "rebase-apply"
    assert (forked.path / ".git" / marker).is_dir()
    _refused(forked, r"^a rebase is in progress on main: finish or abort it first")


def test_refuses_during_a_cherry_pick(forked: GitRepo) -> None:
    forked.git("cherry-pick", "other", check=False)
    _refused(forked, r"^a cherry-pick is in progress")


def test_refuses_during_a_revert(forked: GitRepo) -> None:
    forked.commit({"README.md": "again\n"}, "again")
    forked.git("revert", "--no-edit", "HEAD~1", check=False)
    _refused(forked, r"^a revert is in progress")


def test_a_rebase_in_a_linked_work_tree_is_seen(forked: GitRepo, tmp_path: Path) -> None:
    forked.git("checkout", "-q", "--detach")
    forked.git("worktree", "add", "-q", str(tmp_path / "wt"), "main")
    subprocess.run(
        ["git", "rebase", "--merge", "other"], cwd=tmp_path / "wt", capture_output=True, check=False
    )
    _refused(forked, r"^a rebase is in progress on main")


def test_a_rebase_of_another_branch_does_not_stop_a_commit_elsewhere(forked: GitRepo) -> None:
    forked.git("checkout", "-q", "other")
    forked.git("rebase", "--merge", "main", check=False)
    result = GitRepository(forked.path).commit_files("main", {SPEC: V2}, "update")
    assert forked.head("main") == result.sha


def test_a_locked_index_names_the_file_and_how_to_clear_it(git_repo: MakeRepo) -> None:
    work = git_repo({SPEC: SPEC_V1})
    lock = work.path / ".git" / "index.lock"
    lock.write_bytes(b"")
    _refused(work, r"index\.lock exists: .* if no git process is running, remove it \(rm ")
    assert lock.exists()
