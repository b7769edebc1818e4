"""The remote: a bare origin, a second clone racing us; push, rebase and retry, leases."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from gitops_promote.errors import ConflictError, GitError, RefusedError
from gitops_promote.git import PushAuth, remote
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import BRANCH, SPEC, V2, Race, remote_head, snapshot


def test_remote_url_hides_credentials(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    assert repo.remote_url() is None
    work.git("remote", "add", "origin", "https://user:s3cret@example.com/org/gitops.git")
    assert repo.remote_url("origin") == "https://example.com/org/gitops.git"
    work.git("remote", "add", "ssh", "git@github.com:org/gitops.git")
    assert repo.remote_url("ssh") == "git@github.com:org/gitops.git"


# ---------------------------------------------------------------- commit_files(push=True)


def test_plain_push(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, _ = setup
    repo = GitRepository(work.path)
    start = work.head()
    result = repo.commit_files("main", {SPEC: V2}, "update(prod/api): 1.1", push=True)
    assert result.pushed is True
    assert result.rebased_onto is None
    assert result.parent == start
    assert remote_head(origin) == result.sha == work.head()
    assert work.read(SPEC) == V2
    assert work.status() == ""
    assert work.head("refs/remotes/origin/main") == result.sha


def test_remote_moved_on_with_another_file_rebases_and_fast_forwards(
    setup: tuple[GitRepo, Path, GitRepo],
) -> None:
    work, origin, other = setup
    upstream = other.commit({"README.md": "# gitops\nupstream edit\n"}, "docs: upstream edit")
    other.git("push", "-q", "origin", "main")
    start = work.head()
    work.write({"notes.txt": "my untracked notes\n"})

    repo = GitRepository(work.path)
    result = repo.commit_files("main", {SPEC: V2}, "update(prod/api): 1.1", push=True)

    assert result.pushed is True
    assert result.rebased_onto == upstream
    assert result.parent == upstream
    assert remote_head(origin) == result.sha
    assert work.head() == result.sha
    assert work.head("HEAD~1") == upstream
    assert work.head("HEAD~2") == start
    # The work tree shows both our change and the upstream file, and is otherwise clean.
    assert work.read(SPEC) == V2
    assert work.read("README.md") == b"# gitops\nupstream edit\n"
    assert work.status() == "?? notes.txt"


def test_upstream_added_and_deleted_files_reach_the_work_tree(
    setup: tuple[GitRepo, Path, GitRepo],
) -> None:
    work, _origin, other = setup
    other.commit({"envs/dev/api.yaml": None, "envs/staging/api.yaml": "image: s\n"}, "move")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(work.path)
    repo.commit_files("main", {SPEC: V2}, "update", push=True)
    assert not (work.path / "envs/dev").exists()
    assert work.read("envs/staging/api.yaml") == b"image: s\n"
    assert work.status() == ""


def test_remote_changed_the_same_file_is_a_conflict(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, other = setup
    upstream = other.commit({SPEC: b"image: api:9.9\nreplicas: 3\n"}, "hotfix(prod/api): 9.9")
    other.git("push", "-q", "origin", "main")
    work.write({"README.md": "local unstaged edit\n"})
    before = snapshot(work)

    repo = GitRepository(work.path)
    with pytest.raises(ConflictError) as info:
        repo.commit_files("main", {SPEC: V2}, "update(prod/api): 1.1", push=True)

    message = str(info.value)
    assert upstream[:7] in message
    assert "hotfix(prod/api): 9.9" in message
    assert SPEC in message
    assert info.value.exit_code == 1
    assert snapshot(work) == before
    assert remote_head(origin) == upstream


def test_remote_unreachable_changes_nothing(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, _origin, _ = setup
    work.git("remote", "set-url", "origin", str(work.path.parent / "gone.git"))
    before = snapshot(work)
    repo = GitRepository(work.path)
    with pytest.raises(GitError, match="git push to origin failed"):
        repo.commit_files("main", {SPEC: V2}, "update", push=True)
    assert snapshot(work) == before
    # A connection refused over HTTP is a GitError too.
    work.git("remote", "set-url", "origin", f"http://127.0.0.1:{_free_port()}/org/gitops.git")
    with pytest.raises(GitError):
        repo.commit_files("main", {SPEC: V2}, "update", push=True, auth=PushAuth("t0k3n"))
    assert snapshot(work) == before


def test_diverged_local_branch_is_refused(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, other = setup
    upstream = other.commit({"README.md": "upstream\n"}, "upstream")
    other.git("push", "-q", "origin", "main")
    work.commit({"envs/dev/api.yaml": "image: local-only\n"}, "local, unpushed")
    before = snapshot(work)
    repo = GitRepository(work.path)
    with pytest.raises(RefusedError, match="diverged"):
        repo.commit_files("main", {SPEC: V2}, "update", push=True)
    assert snapshot(work) == before
    assert remote_head(origin) == upstream


def test_upstream_change_to_a_locally_dirty_file_is_refused(
    setup: tuple[GitRepo, Path, GitRepo],
) -> None:
    work, origin, other = setup
    upstream = other.commit({"README.md": "upstream\n"}, "upstream")
    other.git("push", "-q", "origin", "main")
    work.write({"README.md": "mine, uncommitted\n"})
    before = snapshot(work)
    repo = GitRepository(work.path)
    with pytest.raises(RefusedError, match=r"README\.md"):
        repo.commit_files("main", {SPEC: V2}, "update", push=True)
    assert snapshot(work) == before
    assert work.read("README.md") == b"mine, uncommitted\n"
    assert remote_head(origin) == upstream


def test_local_commits_ahead_are_pushed_along(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, _ = setup
    local = work.commit({"README.md": "local\n"}, "local, unpushed")
    repo = GitRepository(work.path)
    result = repo.commit_files("main", {SPEC: V2}, "update", push=True)
    assert result.parent == local
    assert remote_head(origin) == result.sha


def test_push_a_branch_that_is_not_checked_out(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, other = setup
    other.git("push", "-q", "origin", "main:release")
    work.git("fetch", "-q", "origin")
    work.git("branch", "release", "origin/release")
    other.git("fetch", "-q", "origin")
    other.git("checkout", "-q", "release")
    moved = other.commit({"README.md": "release notes\n"}, "release notes")
    other.git("push", "-q", "origin", "release")
    before = work.status(), work.git("ls-files", "-s"), work.head("main")
    repo = GitRepository(work.path)
    result = repo.commit_files("release", {SPEC: V2}, "update on release", push=True)
    assert result.rebased_onto == moved
    assert remote_head(origin, "release") == result.sha == work.head("release")
    assert (work.status(), work.git("ls-files", "-s"), work.head("main")) == before


def test_remote_keeps_moving_gives_up_after_max_attempts(
    setup: tuple[GitRepo, Path, GitRepo], someone_pushes_after_fetch: Race
) -> None:
    work, origin, other = setup
    other.commit({"README.md": "race 0\n"}, "race 0")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(work.path)
    races = someone_pushes_after_fetch(other)
    before = snapshot(work)
    with pytest.raises(ConflictError, match="kept moving"):
        repo.commit_files("main", {SPEC: V2}, "update", push=True, max_attempts=3)
    assert snapshot(work) == before
    assert remote_head(origin) == other.head()
    assert races["n"] == 3


def test_remote_moving_twice_succeeds_within_the_bound(
    setup: tuple[GitRepo, Path, GitRepo], someone_pushes_after_fetch: Race
) -> None:
    work, origin, other = setup
    other.commit({"README.md": "race 0\n"}, "race 0")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(work.path)
    someone_pushes_after_fetch(other, times=1, name="race.txt")
    result = repo.commit_files("main", {SPEC: V2}, "update", push=True, max_attempts=3)
    assert result.rebased_onto == other.head()
    assert remote_head(origin) == result.sha == work.head()
    assert work.read("race.txt") == b"x\n"
    assert work.status() == ""


def test_shallow_clone_rebases_over_upstream(
    setup: tuple[GitRepo, Path, GitRepo], tmp_path: Path
) -> None:
    """actions/checkout clones with depth 1 by default: pushing must still work."""
    work, origin, other = setup
    work.commit({"README.md": "second\n"}, "second")
    work.git("push", "-q", "origin", "main")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(shallow)], check=True
    )
    other.git("pull", "-q", "origin", "main")
    upstream = other.commit({"envs/dev/api.yaml": "image: y\n"}, "dev bump")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(shallow)
    result = repo.commit_files("main", {SPEC: V2}, "update(prod/api): 1.1", push=True)
    assert result.rebased_onto == upstream
    assert remote_head(origin) == result.sha
    assert (shallow / "envs/dev/api.yaml").read_bytes() == b"image: y\n"
    assert (shallow / SPEC).read_bytes() == V2
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=shallow, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


# ---------------------------------------------------------------- promotion branches


def test_write_and_push_branch_then_update_it(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, _ = setup
    repo = GitRepository(work.path)
    assert repo.remote_branch_sha(BRANCH) is None
    sha1 = repo.write_branch(BRANCH, work.head(), {SPEC: V2}, "promote(api): staging -> prod")
    repo.push_branch(BRANCH, sha1)
    assert remote_head(origin, BRANCH) == sha1
    assert repo.remote_branch_sha(BRANCH) == sha1
    # Re-running the promote rewrites the branch (not a fast-forward) and updates the remote.
    sha2 = repo.write_branch(BRANCH, work.head(), {SPEC: b"image: api:1.2\n"}, "promote again")
    repo.push_branch(BRANCH, sha2)
    assert remote_head(origin, BRANCH) == sha2
    assert remote_head(origin) == work.head()  # the base branch is untouched
    repo.delete_remote_branch(BRANCH)
    assert remote_head(origin, BRANCH) is None
    repo.delete_remote_branch(BRANCH)  # already gone: fine


def test_lease_protects_a_branch_someone_else_moved(
    setup: tuple[GitRepo, Path, GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, origin, other = setup
    repo = GitRepository(work.path)
    sha1 = repo.write_branch(BRANCH, work.head(), {SPEC: V2}, "promote")
    repo.push_branch(BRANCH, sha1)
    # Someone else pushes to the promotion branch right after we looked it up.
    other.git("fetch", "-q", "origin")
    other.git("checkout", "-q", BRANCH)
    theirs = other.commit({"README.md": "reviewer fix\n"}, "reviewer fix")
    monkeypatch.setattr(remote, "remote_branch_sha", lambda *a, **k: sha1)
    sha2 = repo.write_branch(BRANCH, work.head(), {SPEC: b"image: api:1.2\n"}, "promote again")
    other.git("push", "-q", "origin", BRANCH)
    with pytest.raises(RefusedError, match="moved by someone else"):
        repo.push_branch(BRANCH, sha2)
    assert remote_head(origin, BRANCH) == theirs


def test_push_branch_without_lease_must_fast_forward(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, origin, _ = setup
    repo = GitRepository(work.path)
    sha1 = repo.write_branch(BRANCH, work.head(), {SPEC: V2}, "promote")
    repo.push_branch(BRANCH, sha1, force_with_lease=False)
    sha2 = repo.write_branch(BRANCH, work.head(), {SPEC: b"image: api:1.2\n"}, "rewrite")
    with pytest.raises(RefusedError):
        repo.push_branch(BRANCH, sha2, force_with_lease=False)
    assert remote_head(origin, BRANCH) == sha1


def test_lease_when_the_remote_branch_appeared_meanwhile(
    setup: tuple[GitRepo, Path, GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, origin, other = setup
    repo = GitRepository(work.path)
    monkeypatch.setattr(remote, "remote_branch_sha", lambda *a, **k: None)
    other.git("push", "-q", "origin", f"main:{BRANCH}")
    sha = repo.write_branch(BRANCH, work.head(), {SPEC: V2}, "promote")
    with pytest.raises(RefusedError):
        repo.push_branch(BRANCH, sha)
    assert remote_head(origin, BRANCH) == other.head()


# ---------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
