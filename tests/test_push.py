"""Pushing through GitRepository: a bare origin, a second clone racing us, tokens over HTTP."""

from __future__ import annotations

import base64
import http.server
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitops_promote.errors import ConflictError, GitError, RefusedError
from gitops_promote.repo import GitRepository, PushAuth

from .gitrepo import GitRepo

MakeRepo = Callable[..., GitRepo]

SPEC = "envs/prod/api.yaml"
V1 = b"image: api:1.0\nreplicas: 3\n"
V2 = b"image: api:1.1\nreplicas: 3\n"


@pytest.fixture
def setup(git_repo: MakeRepo, tmp_path: Path) -> tuple[GitRepo, Path, GitRepo]:
    """(our work repo, bare origin, a second clone of origin pushing on its own)."""
    work = git_repo({SPEC: V1, "README.md": "# gitops\n", "envs/dev/api.yaml": "image: x\n"})
    origin = work.make_origin(tmp_path / "origin.git")
    other = work.clone_origin(tmp_path / "other")
    return work, origin, other


def remote_head(origin: Path, branch: str = "main") -> str | None:
    proc = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
        cwd=origin,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def snapshot(work: GitRepo) -> tuple[str, str, str, bytes]:
    return work.head("main"), work.status(), work.git("ls-files", "-s"), work.read(SPEC)


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
    setup: tuple[GitRepo, Path, GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, origin, other = setup
    other.commit({"README.md": "race 0\n"}, "race 0")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(work.path)
    real_fetch = repo._fetch_branch
    races = {"n": 0}

    def fetch_then_someone_pushes(*args: object, **kwargs: object) -> str | None:
        sha = real_fetch(*args, **kwargs)  # type: ignore[arg-type]
        races["n"] += 1
        other.commit({f"race{races['n']}.txt": "x\n"}, f"race {races['n']}")
        other.git("push", "-q", "origin", "main")
        return sha

    monkeypatch.setattr(repo, "_fetch_branch", fetch_then_someone_pushes)
    before = snapshot(work)
    with pytest.raises(ConflictError, match="kept moving"):
        repo.commit_files("main", {SPEC: V2}, "update", push=True, max_attempts=3)
    assert snapshot(work) == before
    assert remote_head(origin) == other.head()
    assert races["n"] == 3


def test_remote_moving_twice_succeeds_within_the_bound(
    setup: tuple[GitRepo, Path, GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, origin, other = setup
    other.commit({"README.md": "race 0\n"}, "race 0")
    other.git("push", "-q", "origin", "main")
    repo = GitRepository(work.path)
    real_fetch = repo._fetch_branch
    races = {"n": 0}

    def fetch_then_someone_pushes_once(*args: object, **kwargs: object) -> str | None:
        sha = real_fetch(*args, **kwargs)  # type: ignore[arg-type]
        if races["n"] == 0:
            races["n"] += 1
            other.commit({"race.txt": "x\n"}, "race 1")
            other.git("push", "-q", "origin", "main")
        return sha

    monkeypatch.setattr(repo, "_fetch_branch", fetch_then_someone_pushes_once)
    result = repo.commit_files("main", {SPEC: V2}, "update", push=True, max_attempts=3)
    assert result.rebased_onto == other.head()
    assert remote_head(origin) == result.sha == work.head()
    assert work.read("race.txt") == b"x\n"
    assert work.status() == ""


# ---------------------------------------------------------------- promotion branches


BRANCH = "gitops-promote/staging-to-prod/api"


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
    monkeypatch.setattr(repo, "remote_branch_sha", lambda *a, **k: sha1)
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
    monkeypatch.setattr(repo, "remote_branch_sha", lambda *a, **k: None)
    other.git("push", "-q", "origin", f"main:{BRANCH}")
    sha = repo.write_branch(BRANCH, work.head(), {SPEC: V2}, "promote")
    with pytest.raises(RefusedError):
        repo.push_branch(BRANCH, sha)
    assert remote_head(origin, BRANCH) == other.head()


# ---------------------------------------------------------------- tokens over HTTP


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records the Authorization headers of every request and refuses it."""

    seen: list[list[str]]

    def _refuse(self) -> None:
        self.seen.append(self.headers.get_all("Authorization") or [])
        body = b"denied\n"
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _refuse
    do_POST = _refuse

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[list[str]]]]:
    seen: list[list[str]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_token_goes_only_in_one_header_and_never_leaks(
    setup: tuple[GitRepo, Path, GitRepo],
    recorder: tuple[str, list[list[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work, _origin, _ = setup
    base, seen = recorder
    url = f"{base}/org/gitops.git"
    work.git("remote", "set-url", "origin", url)
    # What actions/checkout persists: a URL-specific header with another token.
    work.git("config", f"http.{base}/.extraheader", "AUTHORIZATION: basic b2xkOm9sZA==")
    token = "ghs_S3cretTokenValue"
    expected = "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()

    spawned: list[list[str]] = []
    real = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def spy(self: subprocess.Popen[bytes], args: list[str], *rest: object, **kw: object) -> None:
        spawned.append(list(args))
        real(self, args, *rest, **kw)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", spy)
    repo = GitRepository(work.path)
    before = snapshot(work)
    config_before = (work.path / ".git" / "config").read_text()
    auth = PushAuth(token)
    with pytest.raises(GitError) as push_error:
        repo.commit_files("main", {SPEC: V2}, "update", push=True, auth=auth)
    with pytest.raises(GitError) as ls_error:
        repo.remote_branch_sha(BRANCH, auth=auth)
    with pytest.raises(GitError):
        repo.push_branch(BRANCH, work.head(), auth=auth)

    assert seen, "git never reached the server"
    for headers in seen:
        assert headers == [expected]
    encoded = expected.split(" ")[1]
    for text in (str(push_error.value), str(ls_error.value), repr(auth)):
        assert token not in text and encoded not in text
    for args in spawned:
        assert not any(token in a or encoded in a for a in args)
    assert (work.path / ".git" / "config").read_text() == config_before
    assert snapshot(work) == before


def test_without_token_config_headers_are_left_alone(
    setup: tuple[GitRepo, Path, GitRepo], recorder: tuple[str, list[list[str]]]
) -> None:
    work, _origin, _ = setup
    base, seen = recorder
    work.git("remote", "set-url", "origin", f"{base}/org/gitops.git")
    work.git("config", f"http.{base}/.extraheader", "AUTHORIZATION: basic b2xkOm9sZA==")
    with pytest.raises(GitError):
        GitRepository(work.path).remote_branch_sha(BRANCH)
    assert seen and all(h == ["basic b2xkOm9sZA=="] for h in seen)


def test_network_calls_time_out(setup: tuple[GitRepo, Path, GitRepo]) -> None:
    work, _origin, _ = setup
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    try:
        port = listener.getsockname()[1]
        work.git("remote", "set-url", "origin", f"http://127.0.0.1:{port}/org/gitops.git")
        repo = GitRepository(work.path)
        repo.network_timeout = 0.5
        before = snapshot(work)
        started = time.monotonic()
        with pytest.raises(GitError, match=r"[Tt]imeout|timed out"):
            repo.commit_files("main", {SPEC: V2}, "update", push=True, auth=PushAuth("tok"))
        assert time.monotonic() - started < 5
        assert snapshot(work) == before
    finally:
        listener.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_push_url_gets_the_header_too(
    setup: tuple[GitRepo, Path, GitRepo], recorder: tuple[str, list[list[str]]]
) -> None:
    work, _origin, _ = setup
    base, seen = recorder
    work.git("remote", "set-url", "origin", "https://fetch.invalid/org/gitops.git")
    work.git("remote", "set-url", "--push", "origin", f"{base}/org/gitops.git")
    work.git("config", f"http.{base}/.extraheader", "AUTHORIZATION: basic b2xkOm9sZA==")
    repo = GitRepository(work.path)
    with pytest.raises(GitError):
        repo.push_branch(BRANCH, work.head(), auth=PushAuth("tok"), force_with_lease=False)
    expected = "Basic " + base64.b64encode(b"x-access-token:tok").decode()
    assert seen and all(h == [expected] for h in seen)


def test_checkout_update_failing_after_the_push_leaves_the_checkout_as_it_was(
    setup: tuple[GitRepo, Path, GitRepo],
) -> None:
    work, origin, _ = setup
    start = work.head()
    (work.path / ".git" / "index.lock").write_bytes(b"")
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
