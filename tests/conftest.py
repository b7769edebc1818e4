"""Test isolation: no user git config, a fixed identity, and no network beyond loopback."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .gitrepo import GitRepo

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for var in (
        "GITHUB_TOKEN",
        "GITHUB_ACTIONS",
        "GITHUB_OUTPUT",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_API_URL",
        "GITHUB_REPOSITORY",
        "GH_TOKEN",
        "XDG_CACHE_HOME",  # the config cache goes under the test's own HOME
        "GITOPS_PROMOTE_CACHE",
    ):
        monkeypatch.delenv(var, raising=False)


_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    inet = self.family in (socket.AF_INET, socket.AF_INET6)
    loopback = isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1"))
    if inet and isinstance(host, str) and not loopback:
        raise AssertionError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture
def git_repo(tmp_path: Path) -> Callable[..., GitRepo]:
    """Factory: ``git_repo(files, name="work")`` -> a repo with ``files`` as its first commit."""

    def make(files: dict[str, str | bytes] | None = None, name: str = "work") -> GitRepo:
        repo = GitRepo(tmp_path / name)
        if files:
            repo.commit(files, "initial")
        return repo

    return make


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip (fail under CI) when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{p} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{p} is absent (../shared is not beside this checkout)")
    return p
