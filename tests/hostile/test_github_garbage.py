"""The GitHub API answering garbage (issue 15): non-JSON, truncated JSON and HTML error pages.

``promote --provider github`` against the REST stand-in over real HTTP: one clear error line
(exit 1) naming GitHub, no traceback, no token, and the local checkout unchanged.
"""

from __future__ import annotations

import pytest

from ..git_http_server import git_available
from ..test_cli_github import TOKEN, World, world  # noqa: F401  (the fixture)
from .harness import assert_one_error_line, run_cli, snapshot

pytestmark = pytest.mark.skipif(not git_available(), reason="git http-backend is not installed")

GARBAGE = {
    "non-json": (200, b"this is not JSON at all\n"),
    "truncated-json": (200, b'{"number": 1, "html_url": "https://github.example/acme/git'),
    "html-502": (502, b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n"),
    "html-200": (200, b"<!DOCTYPE html><html><body>Sign in to continue</body></html>\n"),
}
TODAY = {
    "non-json": "internal error: TypeError: string indices must be integers",
    "truncated-json": "internal error: JSONDecodeError: Unterminated string",
    "html-502": "clear error, but the local gitops-promote/* branch is left behind",
    "html-200": "internal error: TypeError: string indices must be integers",
}


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            k,
            marks=[
                pytest.mark.xfail(strict=True, reason=TODAY[k]),
                *([pytest.mark.slow] if k == "html-502" else []),  # retried with back-off
            ],
        )
        for k in GARBAGE
    ],
)
def test_github_answers_garbage(world: World, kind: str) -> None:  # noqa: F811
    """The pull-request listing answers garbage."""
    status, body = GARBAGE[kind]
    world.api.fail("/pulls", status, body=body, times=100)
    repo = world.work.path
    before = snapshot(repo)
    result = run_cli(repo, ["promote", "api", "--from", "staging", "--to", "prod"])
    assert result.code == 1, (result.code, result.err[-600:])
    assert_one_error_line(result, r"^error: .*GitHub")
    assert TOKEN not in result.err + result.out
    changes = [c for c in before.diff(snapshot(repo)) if not c.startswith("tracking:")]
    assert not changes, changes
