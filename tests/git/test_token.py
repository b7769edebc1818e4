"""Pushing with a token over real HTTP: the token travels as a header and is stored nowhere.

The remote is ``git http-backend`` behind :class:`GitHttpServer`, which accepts only
``Authorization: Basic base64(x-access-token:TOKEN)`` like GitHub does.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitops_promote.errors import GitError, GitopsPromoteError
from gitops_promote.git import PushAuth
from gitops_promote.git.repository import GitRepository

from ..git_http_server import GitHttpServer, git_available
from ..gitrepo import GitRepo, git

pytestmark = pytest.mark.skipif(not git_available(), reason="git http-backend is not installed")

TOKEN = "ghs_PushToken1234567890abcdef"
WRONG = "ghs_WrongToken0987654321fedcba"
BRANCH = "gitops-promote/staging-to-prod/api"
SPEC = "envs/prod/api.yaml"


def secrets_of(token: str) -> list[bytes]:
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return [token.encode(), basic.encode()]


class Setup:
    def __init__(self, work: GitRepo, bare: Path, server: GitHttpServer) -> None:
        self.work = work
        self.bare = bare
        self.server = server
        self.repo = GitRepository(work.path)

    def remote_sha(self, branch: str) -> str | None:
        out = git(self.bare, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return out or None

    def assert_token_stored_nowhere(self, *captured: str) -> None:
        needles = secrets_of(TOKEN) + secrets_of(WRONG)
        config = (self.work.path / ".git" / "config").read_bytes()
        remotes = self.work.git("remote", "-v").encode()
        for needle in needles:
            assert needle not in config
            assert needle not in remotes
            for text in captured:
                assert needle.decode() not in text
        for path in (self.work.path / ".git").rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for needle in needles:
                    assert needle not in data, f"token found in {path}"
        for request in self.server.requests:
            for needle in needles:
                assert needle.decode() not in request.path


@pytest.fixture
def setup(git_repo: Callable[..., GitRepo], tmp_path: Path) -> Iterator[Setup]:
    work = git_repo({SPEC: "image: registry/api:1\nreplicas: 3\n"})
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    bare = work.make_origin(remotes / "gitops.git")
    with GitHttpServer(remotes, TOKEN) as server:
        work.git("remote", "set-url", "origin", server.url("gitops.git"))
        yield Setup(work, bare, server)


def test_right_token_pushes_a_promotion_branch(
    setup: Setup, capfd: pytest.CaptureFixture[str]
) -> None:
    work = setup.work
    work.git("branch", BRANCH)
    sha = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:2\n"}, "promote")

    setup.repo.push_branch(BRANCH, sha, remote="origin", auth=PushAuth(TOKEN))

    assert setup.remote_sha(BRANCH) == sha
    assert setup.repo.remote_branch_sha(BRANCH, "origin", PushAuth(TOKEN)) == sha
    expected = "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert setup.server.requests, "nothing reached the server"
    for request in setup.server.requests:
        assert request.headers.get("authorization") == expected
        assert request.status == 200
    captured = capfd.readouterr()
    setup.assert_token_stored_nowhere(captured.out, captured.err)


def test_promotion_branch_is_replaced_with_lease(setup: Setup) -> None:
    auth = PushAuth(TOKEN)
    first = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:2\n"}, "v2")
    setup.repo.push_branch(BRANCH, first, auth=auth)
    second = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:3\n"}, "v3")

    setup.repo.push_branch(BRANCH, second, auth=auth)

    assert setup.remote_sha(BRANCH) == second
    setup.assert_token_stored_nowhere()


def test_right_token_pushes_a_commit_on_main(
    setup: Setup, capfd: pytest.CaptureFixture[str]
) -> None:
    result = setup.repo.commit_files(
        "main",
        {SPEC: b"image: registry/api:1\nreplicas: 4\n"},
        "update(prod/api): replicas 4",
        push=True,
        auth=PushAuth(TOKEN),
    )

    assert result.pushed is True
    assert setup.remote_sha("main") == result.sha
    assert setup.work.read(SPEC) == b"image: registry/api:1\nreplicas: 4\n"
    captured = capfd.readouterr()
    setup.assert_token_stored_nowhere(captured.out, captured.err)


def _rejected(action: Callable[[], object]) -> str:
    with pytest.raises(GitopsPromoteError) as caught:
        action()
    assert isinstance(caught.value, GitError)
    text = str(caught.value)
    assert "\n" not in text
    for needle in secrets_of(TOKEN) + secrets_of(WRONG):
        assert needle.decode() not in text
    return text


def test_wrong_token_is_rejected_and_nothing_moves(
    setup: Setup, capfd: pytest.CaptureFixture[str]
) -> None:
    main_before = setup.remote_sha("main")
    local_before = setup.work.head()
    sha = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:2\n"}, "promote")

    push_error = _rejected(lambda: setup.repo.push_branch(BRANCH, sha, auth=PushAuth(WRONG)))
    commit_error = _rejected(
        lambda: setup.repo.commit_files(
            "main", {SPEC: b"replicas: 9\n"}, "update", push=True, auth=PushAuth(WRONG)
        )
    )

    assert push_error and commit_error
    assert setup.remote_sha(BRANCH) is None
    assert setup.remote_sha("main") == main_before
    assert setup.work.head() == local_before, "a failed push must leave the local branch alone"
    assert setup.work.status() == ""
    assert {r.status for r in setup.server.requests} == {401}
    captured = capfd.readouterr()
    setup.assert_token_stored_nowhere(captured.out, captured.err)


def test_no_token_is_rejected(setup: Setup) -> None:
    sha = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:2\n"}, "promote")

    _rejected(lambda: setup.repo.push_branch(BRANCH, sha))

    assert setup.remote_sha(BRANCH) is None
    assert all("authorization" not in r.headers for r in setup.server.requests)


@pytest.mark.parametrize(
    "config_key",
    [
        "http.extraHeader",
        # what actions/checkout persists for the GitHub host
        "http.{url}.extraheader",
    ],
)
def test_persisted_stale_header_does_not_win(setup: Setup, config_key: str) -> None:
    stale = "AUTHORIZATION: basic " + base64.b64encode(b"x-access-token:expired").decode()
    url = setup.server.url("gitops.git")
    setup.work.git("config", "--add", config_key.format(url=url), stale)
    sha = setup.repo.write_branch(BRANCH, "main", {SPEC: b"image: registry/api:2\n"}, "promote")

    setup.repo.push_branch(BRANCH, sha, auth=PushAuth(TOKEN))

    assert setup.remote_sha(BRANCH) == sha
    assert all(r.status == 200 for r in setup.server.requests)
    setup.assert_token_stored_nowhere()
