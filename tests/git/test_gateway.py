"""The gateway: opening a work tree, the one Authorization header, timeouts of network calls."""

from __future__ import annotations

import base64
import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitops_promote.errors import GitError, NotFoundError
from gitops_promote.git import PushAuth
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import BRANCH, SPEC, V2, snapshot

# ---------------------------------------------------------------- opening


def test_opens_from_a_subdirectory_and_finds_the_root(work: GitRepo) -> None:
    repo = GitRepository(work.path / "envs" / "dev")
    assert repo.root == work.path.resolve()
    assert repo.current_branch() == "main"


def test_not_a_repository_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        GitRepository(tmp_path)
    assert info.value.exit_code == 2
    assert str(tmp_path) in str(info.value)


def test_a_missing_folder_or_a_file_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x\n")
    for path in (tmp_path / "missing", tmp_path / "file.txt"):
        with pytest.raises(NotFoundError, match="not a git repository"):
            GitRepository(path)


def test_a_bare_repository_is_refused(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "b.git")], check=True)
    with pytest.raises(NotFoundError, match="is a bare git repository: a work tree is needed"):
        GitRepository(tmp_path / "b.git")


def test_opens_a_linked_worktree_at_its_own_root(work: GitRepo, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    work.git("worktree", "add", "-q", "-b", "other", str(linked))
    repo = GitRepository(linked / "envs")
    assert repo.root == linked.resolve()
    assert repo.current_branch() == "other"


def test_opening_runs_one_git_process(work: GitRepo, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_TRACE", str(trace))
        GitRepository(work.path)
    commands = [line for line in trace.read_text().splitlines() if "trace: built-in" in line]
    assert len(commands) == 1 and "rev-parse" in commands[0]


def test_opening_says_where_head_is(work: GitRepo, tmp_path: Path) -> None:
    tip = work.git("rev-parse", "HEAD").strip()
    assert GitRepository(work.path / "envs").head_at_open == ("main", tip)
    work.git("checkout", "-q", "--detach")
    assert GitRepository(work.path).head_at_open == (None, tip)
    # a file named HEAD in the work tree does not confuse it
    work.git("checkout", "-q", "main")
    (work.path / "HEAD").write_text("x\n")
    assert GitRepository(work.path).head_at_open == ("main", tip)


def test_opening_a_repository_without_commits(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path / "new")], check=True)
    repo = GitRepository(tmp_path / "new")
    assert repo.root == (tmp_path / "new").resolve()
    assert repo.head_at_open is None  # git cannot say: asked again when needed
    assert repo.current_branch() == "trunk"


def test_opening_says_whether_the_clone_is_shallow(work: GitRepo, tmp_path: Path) -> None:
    assert GitRepository(work.path).gateway.shallow_file is None
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{work.path}", str(clone)], check=True
    )
    shallow = GitRepository(clone / "envs").gateway.shallow_file
    assert shallow is not None and shallow.read_text().strip()
    assert shallow == (clone / ".git" / "shallow").resolve()


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


_INTERRUPTED_WHILE_WRITING = """
import os, signal, subprocess, sys, threading
from gitops_promote import interrupt
from gitops_promote.errors import Interrupted
from gitops_promote.git import Gateway

interrupt.install()
gw = Gateway(sys.argv[1])
head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=sys.argv[1], capture_output=True).stdout
names = head * 100_000  # 4 MB of input: the signal comes while it is being written
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
try:
    gw.run("cat-file", "--batch-check", input=names)
except Interrupted:
    print("interrupted, git reaped")
"""


def test_a_signal_while_a_git_call_takes_its_input_waits_for_it_and_never_hangs(
    work: GitRepo,
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_WHILE_WRITING, str(work.path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "interrupted, git reaped", proc.stderr
