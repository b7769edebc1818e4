"""Commits and branches: index-only commits, the user's checkout left alone, undo on failure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from gitops_promote.errors import GitError, NotFoundError, RefusedError, UsageError
from gitops_promote.git import commit, remote
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import SPEC, SPEC_V1, SPEC_V2, V1, V2, remote_head

# ---------------------------------------------------------------- commit_files, local


def test_commit_refuses_to_write_through_a_symlink_out_of_the_repo(
    work: GitRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, work.path / "envs" / "linked")
    repo = GitRepository(work.path)
    before = work.head()
    with pytest.raises(UsageError):
        repo.commit_files("main", {"envs/linked/api.yaml": b"x: 1\n"}, "update")
    assert work.head() == before
    assert list(outside.iterdir()) == []


def test_commit_on_checked_out_branch_touches_only_that_path(work: GitRepo) -> None:
    # The user has a staged change, an unstaged change and an untracked file elsewhere.
    work.write({"envs/dev/api.yaml": "staged: yes\n"})
    work.git("add", "envs/dev/api.yaml")
    work.write({"envs/dev/api.yaml": "staged: yes\nthen: unstaged\n"})
    work.write({"README.md": "# gitops\nedited, not staged\n"})
    work.write({"notes.txt": "untracked\n"})
    status_before = work.status()
    staged_before = work.git("diff", "--cached", "--", "envs/dev/api.yaml")

    repo = GitRepository(work.path)
    old_head = work.head()
    result = repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update(prod/api): bump image")

    assert result.parent == old_head
    assert result.pushed is False and result.rebased_onto is None
    assert work.head() == result.sha
    assert work.head("HEAD~1") == old_head
    assert work.log_subjects()[0] == "update(prod/api): bump image"
    assert work.show("HEAD", SPEC) == SPEC_V2.encode()
    # The commit changes only the spec.
    assert work.git("diff", "--name-only", old_head, "HEAD") == SPEC
    # Work tree file and index entry of the spec now match the commit.
    assert work.read(SPEC) == SPEC_V2.encode()
    assert work.git("diff", "--cached", "--name-only", "--", SPEC) == ""
    assert work.git("diff", "--name-only", "--", SPEC) == ""
    # Everything else is exactly as the user left it.
    assert work.status() == status_before
    assert work.git("diff", "--cached", "--", "envs/dev/api.yaml") == staged_before
    assert work.read("envs/dev/api.yaml") == b"staged: yes\nthen: unstaged\n"
    assert work.read("README.md") == b"# gitops\nedited, not staged\n"
    assert work.read("notes.txt") == b"untracked\n"
    # Plumbing agrees that the spec is clean (stat information was refreshed).
    assert SPEC not in work.git("diff-files", "--name-only")


def test_commit_can_create_a_new_file(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    result = repo.commit_files("main", {"envs/staging/api.yaml": b"image: a\n"}, "create")
    assert work.show(result.sha, "envs/staging/api.yaml") == b"image: a\n"
    assert work.read("envs/staging/api.yaml") == b"image: a\n"
    assert work.status() == ""


def test_commit_keeps_executable_mode(work: GitRepo) -> None:
    work.write({"envs/dev/run.sh": "#!/bin/sh\n"})
    os.chmod(work.path / "envs/dev/run.sh", 0o755)
    work.git("add", "-A")
    work.git("commit", "-q", "-m", "script")
    repo = GitRepository(work.path)
    result = repo.commit_files("main", {"envs/dev/run.sh": b"#!/bin/sh\necho hi\n"}, "edit")
    assert work.git("ls-tree", result.sha, "envs/dev/run.sh").startswith("100755 ")
    assert os.access(work.path / "envs/dev/run.sh", os.X_OK)
    assert work.status() == ""


def test_dirty_target_is_refused_and_nothing_changes(work: GitRepo) -> None:
    work.write({SPEC: SPEC_V1 + "# my local edit\n"})
    status_before = work.status()
    head = work.head()
    repo = GitRepository(work.path)
    with pytest.raises(RefusedError, match=r"uncommitted changes to envs/prod/api\.yaml") as info:
        repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update")
    assert info.value.exit_code == 1
    assert work.head() == head
    assert work.read(SPEC) == (SPEC_V1 + "# my local edit\n").encode()
    assert work.status() == status_before


def test_staged_target_is_refused(work: GitRepo) -> None:
    work.write({SPEC: "staged\n"})
    work.git("add", SPEC)
    repo = GitRepository(work.path)
    head = work.head()
    with pytest.raises(RefusedError):
        repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update")
    assert work.head() == head
    assert work.git("diff", "--cached", "--name-only") == SPEC


def test_untracked_target_is_refused(work: GitRepo) -> None:
    work.write({"envs/staging/api.yaml": "mine\n"})
    repo = GitRepository(work.path)
    with pytest.raises(RefusedError):
        repo.commit_files("main", {"envs/staging/api.yaml": b"theirs\n"}, "create")
    assert work.read("envs/staging/api.yaml") == b"mine\n"


def test_branch_not_checked_out_moves_only_the_ref(work: GitRepo) -> None:
    work.git("branch", "release")
    work.write({SPEC: "dirty in the work tree\n"})  # irrelevant: release is not checked out
    status_before = work.status()
    index_before = work.git("ls-files", "-s")
    main_before = work.head()
    repo = GitRepository(work.path)
    result = repo.commit_files("release", {SPEC: SPEC_V2.encode()}, "update on release")
    assert work.head("release") == result.sha
    assert work.head("release~1") == main_before
    assert work.head("main") == main_before
    assert work.show("release", SPEC) == SPEC_V2.encode()
    assert work.status() == status_before
    assert work.git("ls-files", "-s") == index_before
    assert work.read(SPEC) == b"dirty in the work tree\n"


def test_expected_tip_mismatch_is_refused(work: GitRepo) -> None:
    first = work.head()
    work.commit({"README.md": "moved on\n"}, "someone else")
    repo = GitRepository(work.path)
    head = work.head()
    with pytest.raises(RefusedError, match="moved"):
        repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update", expected_tip=first)
    assert work.head() == head
    assert work.read(SPEC) == SPEC_V1.encode()
    ok = repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update", expected_tip=head[:10])
    assert ok.parent == head


@pytest.mark.parametrize(
    "data",
    [
        b"image: a\r\nreplicas: 2\r\n",
        b"no final newline",
        b"\x00\x01\x02\xff binary \r\n\r",
        b"",
        "unicode: caf\u00e9 \u2603\n".encode(),
    ],
)
def test_bytes_are_preserved_exactly(work: GitRepo, data: bytes) -> None:
    repo = GitRepository(work.path)
    result = repo.commit_files("main", {SPEC: data}, "exact bytes")
    assert work.show(result.sha, SPEC) == data
    assert work.read(SPEC) == data
    assert repo.read_file("HEAD", SPEC) == data


def test_crlf_preserved_even_with_autocrlf_input(work: GitRepo) -> None:
    work.git("config", "core.autocrlf", "input")
    repo = GitRepository(work.path)
    data = b"a: 1\r\nb: 2\r\n"
    result = repo.commit_files("main", {SPEC: data}, "crlf")
    assert work.show(result.sha, SPEC) == data


def test_commit_several_files_at_once(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    changes = {SPEC: b"a: 1\n", "envs/dev/api.yaml": b"b: 2\n", "envs/new/x.yaml": b"c\n"}
    result = repo.commit_files("main", changes, "many")
    for path, data in changes.items():
        assert work.show(result.sha, path) == data
        assert work.read(path) == data
    assert work.status() == ""


def test_commit_message_and_trailers_are_kept(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    msg = "rollback(prod/api): v2 -> v1 as v3\n\nGitops-Promote-Kind: rollback\n"
    result = repo.commit_files("main", {SPEC: b"x\n"}, msg)
    assert work.git("log", "-1", "--format=%B", result.sha) == msg.rstrip("\n")
    assert work.git("log", "-1", "--format=%(trailers:key=Gitops-Promote-Kind,valueonly)") == (
        "rollback"
    )


def test_unknown_branch_and_bad_names(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    with pytest.raises(NotFoundError):
        repo.commit_files("nope", {SPEC: b"x"}, "m")
    with pytest.raises(UsageError):
        repo.commit_files("bad..name", {SPEC: b"x"}, "m")
    with pytest.raises(UsageError):
        repo.commit_files("main", {}, "m")


def test_branch_checked_out_in_another_worktree_is_refused(work: GitRepo, tmp_path: Path) -> None:
    work.git("worktree", "add", "-q", "-b", "release", str(tmp_path / "wt"))
    repo = GitRepository(work.path)
    with pytest.raises(RefusedError, match="another work tree"):
        repo.commit_files("release", {SPEC: b"x\n"}, "m")
    with pytest.raises(RefusedError):
        repo.write_branch("release", "HEAD", {SPEC: b"x\n"}, "m")


@pytest.mark.parametrize("path", ["envs/dev", "envs/prod/api.yaml/inner.yaml"])
def test_file_directory_clash_is_refused_and_leaves_nothing(work: GitRepo, path: str) -> None:
    repo = GitRepository(work.path)
    head = work.head()
    status = work.status()
    with pytest.raises(UsageError, match=r"is a (directory|file)"):
        repo.commit_files("main", {path: b"x\n"}, "m")
    with pytest.raises(UsageError):
        repo.write_branch("promo", head, {path: b"x\n"}, "m")
    assert work.head() == head
    assert work.status() == status
    assert repo.rev_parse("refs/heads/promo") is None


def test_without_a_git_identity_actions_commit_as_the_bot(
    work: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("NAME", "EMAIL"):
        monkeypatch.delenv(f"GIT_AUTHOR_{var}")
        monkeypatch.delenv(f"GIT_COMMITTER_{var}")
    work.git("config", "user.useConfigOnly", "true")
    repo = GitRepository(work.path)
    head = work.head()
    with pytest.raises(GitError, match="commit-tree"):
        repo.commit_files("main", {SPEC: b"x\n"}, "update")
    assert work.head() == head
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = repo.commit_files("main", {SPEC: b"x\n"}, "update")
    assert work.git("log", "-1", "--format=%an <%ae>", result.sha) == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    )


# ---------------------------------------------------------------- undo


def test_a_locked_index_is_refused_before_anything_is_written(work: GitRepo) -> None:
    # The index is locked by another git process: the commit must not stay half-applied.
    (work.path / ".git" / "index.lock").write_bytes(b"")
    repo = GitRepository(work.path)
    head = work.head()
    try:
        with pytest.raises(RefusedError, match=r"index\.lock exists.*remove it"):
            repo.commit_files("main", {SPEC: SPEC_V2.encode()}, "update")
    finally:
        (work.path / ".git" / "index.lock").unlink()
    assert work.head() == head
    assert work.read(SPEC) == SPEC_V1.encode()
    assert work.status() == ""


def test_checkout_update_failing_after_the_push_leaves_the_checkout_as_it_was(
    setup: tuple[GitRepo, Path, GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, origin, _ = setup
    start = work.head()
    # the index gets locked by someone else between the checks and the push
    real_push = remote.push_rebasing

    def push_then_lock(*args: Any, **kwargs: Any) -> Any:
        pushed = real_push(*args, **kwargs)
        (work.path / ".git" / "index.lock").write_bytes(b"")
        return pushed

    monkeypatch.setattr(commit, "push_rebasing", push_then_lock)
    repo = GitRepository(work.path)
    try:
        with pytest.raises(GitError, match="run git pull") as info:
            repo.commit_files("main", {SPEC: V2}, "update", push=True)
    finally:
        (work.path / ".git" / "index.lock").unlink()
    assert work.head() == start
    assert work.read(SPEC) == V1
    assert work.status() == ""
    assert remote_head(origin) != start  # the push itself went through, and the error says so
    assert "pushed" in str(info.value)


# ---------------------------------------------------------------- write_branch and delete_branch


def test_write_branch_never_touches_work_tree_or_index(work: GitRepo) -> None:
    work.write({SPEC: "local edit\n", "envs/dev/api.yaml": "other edit\n"})
    work.git("add", "envs/dev/api.yaml")
    status_before = work.status()
    index_before = work.git("ls-files", "-s")
    base = work.head()
    repo = GitRepository(work.path)
    branch = "gitops-promote/staging-to-prod/api"
    sha = repo.write_branch(branch, base, {SPEC: SPEC_V2.encode()}, "promote(api): staging -> prod")
    assert work.head(branch) == sha
    assert work.head(f"{branch}~1") == base
    assert work.show(sha, SPEC) == SPEC_V2.encode()
    assert work.head() == base
    assert work.status() == status_before
    assert work.git("ls-files", "-s") == index_before
    # Re-running replaces the branch with a fresh commit on the (new) base.
    new_base = work.commit({"README.md": "moved\n"}, "base moved")
    sha2 = repo.write_branch(branch, new_base, {SPEC: b"again\n"}, "promote again")
    assert work.head(branch) == sha2
    assert work.head(f"{branch}~1") == new_base


def test_write_branch_refuses_the_checked_out_branch(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    head = work.head()
    with pytest.raises(RefusedError):
        repo.write_branch("main", head, {SPEC: b"x\n"}, "m")
    assert work.head() == head


def test_write_branch_unknown_base(work: GitRepo) -> None:
    with pytest.raises(NotFoundError):
        GitRepository(work.path).write_branch("p", "nope", {SPEC: b"x\n"}, "m")


def test_delete_branch(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    sha = repo.write_branch("gitops-promote/a-to-b/x", "HEAD", {SPEC: b"x\n"}, "m")
    assert repo.rev_parse("gitops-promote/a-to-b/x") == sha
    repo.delete_branch("gitops-promote/a-to-b/x")
    assert repo.rev_parse("refs/heads/gitops-promote/a-to-b/x") is None
    repo.delete_branch("gitops-promote/a-to-b/x")  # already gone: fine
    with pytest.raises(RefusedError):
        repo.delete_branch("main")
