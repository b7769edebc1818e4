"""Every GitHub failure becomes one clear ProviderError line without the token; retries are bounded.

The provider runs against the stand-in over real HTTP; ``FakeClock`` stands in for sleeping so the
retry schedules are checked without waiting.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from gitops_promote.errors import EXIT_FAILED, EXIT_USAGE, ProviderError, UsageError
from gitops_promote.github import MAX_ATTEMPTS, GithubProvider
from gitops_promote.provider import PullRequestSpec

from .github_standin import FakeClock, GithubStandin, describe

TOKEN = "ghp_SecretStandinToken42"
REPO = "acme/gitops"
HEAD = "gitops-promote/staging-to-prod/api"
SPEC = PullRequestSpec(
    repository=REPO,
    head=HEAD,
    base="main",
    title="promote(api): staging v7 -> prod",
    body="body",
    labels=("promotion",),
    reviewers=("alice",),
)
DOCS = "https://docs.github.com/rest"


@pytest.fixture
def gh() -> Iterator[GithubStandin]:
    with GithubStandin(token=TOKEN) as standin:
        standin.add_repo(REPO, branches={"main": "1" * 40, HEAD: "2" * 40})
        yield standin


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1_800_000_000.0)  # 2027-01-15T08:00:00Z


def make(gh: GithubStandin, clock: FakeClock, **kwargs: object) -> GithubProvider:
    options: dict[str, object] = {"timeout": 5.0, "sleep": clock.sleep, "clock": clock}
    options.update(kwargs)
    return GithubProvider(TOKEN, gh.base_url, **options)  # type: ignore[arg-type]


def fails(provider: GithubProvider, spec: PullRequestSpec = SPEC) -> str:
    with pytest.raises(ProviderError) as caught:
        provider.open_or_update(spec)
    error = caught.value
    text = str(error)
    assert error.exit_code == EXIT_FAILED
    assert "\n" not in text
    assert TOKEN not in text
    assert "Traceback" not in text
    return text


# -- authentication and permissions -------------------------------------------------------------


def test_bad_credentials(gh: GithubStandin, clock: FakeClock) -> None:
    provider = GithubProvider("ghp_wrongToken", gh.base_url, sleep=clock.sleep, clock=clock)

    with pytest.raises(ProviderError) as caught:
        provider.open_or_update(SPEC)

    assert str(caught.value) == (
        "GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN / --token"
    )
    assert gh.count() == 1, "a rejected token must not be retried"
    assert clock.sleeps == []


def test_no_permission_to_open_pull_requests(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(
        r"/pulls$",
        403,
        method="POST",
        body={"message": "Resource not accessible by integration", "documentation_url": DOCS},
    )

    text = fails(make(gh, clock))

    assert text == (
        "GitHub denied permission while opening a pull request from "
        f"{HEAD} into main in {REPO} (403 Resource not accessible by integration): the token "
        "needs 'contents: write' and 'pull-requests: write' permissions on acme/gitops"
    )
    assert gh.count("POST", r"/pulls$") == 1
    assert clock.sleeps == []


def test_repository_not_found(gh: GithubStandin, clock: FakeClock) -> None:
    spec = PullRequestSpec(repository="acme/missing", head=HEAD, base="main", title="t", body="")

    text = fails(make(gh, clock), spec)

    assert text == (
        f"GitHub repository acme/missing not found (404) at {gh.base_url}: check the name "
        "(github.repository in the config, or the origin remote); a token without access to a "
        "private repository also gets 404"
    )
    assert gh.count() == 1


def test_close_stale_reports_missing_repository_too(gh: GithubStandin, clock: FakeClock) -> None:
    with pytest.raises(ProviderError, match=r"^GitHub repository acme/nope not found \(404\)"):
        make(gh, clock).close_stale("acme/nope", HEAD, "stale")


def test_not_found_after_the_repository_was_found(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 404, method="GET")

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub answered 404 Not Found while listing open pull requests for {HEAD} in "
        f"{REPO}: a token without access to the repository also gets 404"
    )


def test_malformed_repository_name_is_bad_input(gh: GithubStandin, clock: FakeClock) -> None:
    spec = PullRequestSpec(repository="acme", head=HEAD, base="main", title="t", body="")

    with pytest.raises(UsageError) as caught:
        make(gh, clock).open_or_update(spec)

    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == "invalid GitHub repository 'acme': expected OWNER/NAME"
    assert gh.count() == 0


def test_empty_token_is_bad_input() -> None:
    with pytest.raises(UsageError, match="GITHUB_TOKEN"):
        GithubProvider("", "http://127.0.0.1:9")


# -- validation ---------------------------------------------------------------------------------


def test_validation_messages_are_passed_on(gh: GithubStandin, clock: FakeClock) -> None:
    gh.set_branch(REPO, HEAD, "1" * 40)  # same commit as main: nothing to merge

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub rejected opening a pull request from {HEAD} into main (422 Validation Failed: "
        f"No commits between main and {HEAD})"
    )
    assert gh.count("POST", r"/pulls$") == 1


def test_several_validation_errors_in_one_line(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(
        r"/pulls$",
        422,
        method="POST",
        body={
            "message": "Validation Failed",
            "errors": [
                {"resource": "PullRequest", "field": "base", "code": "invalid"},
                {"resource": "PullRequest", "code": "custom", "message": "Title is\ntoo long"},
            ],
            "documentation_url": DOCS,
        },
    )

    text = fails(make(gh, clock))

    assert text.endswith("(422 Validation Failed: PullRequest.base invalid; Title is too long)"), (
        text
    )


def test_review_request_rejected_for_good(gh: GithubStandin, clock: FakeClock) -> None:
    # GitHub will never request a review from the PR's author: a brief retry, then a clear error.
    spec = PullRequestSpec(
        repository=REPO, head=HEAD, base="main", title="t", body="", reviewers=("gitops-bot",)
    )

    text = fails(make(gh, clock), spec)

    assert text == (
        "GitHub rejected requesting reviewers on pull request #1 "
        "(422 Review cannot be requested from pull request author.)"
    )
    assert gh.count("POST", r"/requested_reviewers$") == 3
    assert clock.sleeps == [1.0, 2.0]
    assert len(gh.pulls(REPO)) == 1, "the pull request itself stays open"


# -- rate limits --------------------------------------------------------------------------------


def _primary_limit(clock: FakeClock, seconds: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": str(int(clock.now + seconds)),
    }


RATE_BODY = {"message": "API rate limit exceeded for installation ID 1.", "documentation_url": DOCS}


def test_short_primary_rate_limit_is_waited_out(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 403, method="GET", headers=_primary_limit(clock, 5), body=RATE_BODY)

    ref = make(gh, clock).open_or_update(SPEC)

    assert ref.created is True
    assert clock.sleeps == [6.0]  # until the reset, plus a second
    assert gh.count("GET", r"/pulls$") == 2


def test_long_primary_rate_limit_fails_saying_when(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 403, method="GET", headers=_primary_limit(clock, 1800), body=RATE_BODY)

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub API rate limit exceeded (403) while listing open pull requests for {HEAD}: "
        "retry after 08:30:01 UTC (in 1801 s)"
    )
    assert clock.sleeps == []
    assert gh.count("GET", r"/pulls$") == 1


def test_429_with_short_retry_after_is_retried(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/issues/\d+/labels$", 429, method="POST", headers={"retry-after": "3"}, times=2)

    ref = make(gh, clock).open_or_update(SPEC)

    assert ref.number == 1
    assert clock.sleeps == [3.0, 3.0]
    assert gh.count("POST", r"/labels$") == 3


def test_429_with_long_retry_after_fails(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 429, method="POST", headers={"retry-after": "120"})

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub API secondary rate limit exceeded (429) while opening a pull request from "
        f"{HEAD} into main: retry after 08:02:00 UTC (in 120 s)"
    )
    assert clock.sleeps == []


def test_429_without_any_hint_fails_at_once(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"^/repos/acme/gitops$", 429, method="GET")

    text = fails(make(gh, clock))

    assert text == (
        "GitHub API secondary rate limit exceeded (429) while looking up repository "
        "acme/gitops: retry in a few minutes"
    )
    assert gh.count() == 1


def test_secondary_rate_limit_403_by_message(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(
        r"/pulls$",
        403,
        method="POST",
        body={
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
            "before you try again.",
            "documentation_url": DOCS,
        },
    )

    text = fails(make(gh, clock))

    assert "secondary rate limit exceeded (403)" in text
    assert "retry in a few minutes" in text
    assert "permission" not in text


def test_rate_limit_waits_stop_at_the_time_budget(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 429, method="GET", headers={"retry-after": "8"}, times=100)

    text = fails(make(gh, clock, total_retry_seconds=20))

    assert clock.sleeps == [8.0, 8.0]
    assert gh.count("GET", r"/pulls$") == 3
    assert "retry after" in text


# -- server errors, timeouts, connection failures -----------------------------------------------


def test_transient_server_errors_are_retried_with_backoff(
    gh: GithubStandin, clock: FakeClock
) -> None:
    gh.fail(r"/pulls$", 502, method="GET", times=1)
    gh.fail(r"/pulls$", 503, method="POST", times=2)

    ref = make(gh, clock).open_or_update(SPEC)

    assert ref.created is True and ref.number == 1
    assert clock.sleeps == [1.0, 1.0, 2.0]
    assert len(gh.pulls(REPO)) == 1
    assert gh.count("POST", r"/pulls$") == 3


def test_persistent_server_error_gives_up_after_bounded_attempts(
    gh: GithubStandin, clock: FakeClock
) -> None:
    gh.fail(r"^/repos/acme/gitops$", 502, method="GET", times=1000)

    text = fails(make(gh, clock))

    assert gh.count() == MAX_ATTEMPTS, describe(gh.requests)
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert text == (
        "GitHub API error while looking up repository acme/gitops: 502 Server Error "
        f"(gave up after {MAX_ATTEMPTS} attempts in 23 s)"
    )


def test_server_errors_stop_at_the_time_budget(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 500, method="POST", times=1000)

    text = fails(make(gh, clock, total_retry_seconds=5))

    assert clock.sleeps == [1.0, 2.0]
    assert gh.count("POST", r"/pulls$") == 3
    assert text.endswith("500 Server Error (gave up after 3 attempts in 3 s)")


def test_budget_covers_the_whole_operation(gh: GithubStandin, clock: FakeClock) -> None:
    # Waits spent on one call are not given back to the next one.
    gh.fail(r"/pulls$", 500, method="GET", times=2)
    gh.fail(r"/pulls$", 500, method="POST", times=1000)

    fails(make(gh, clock, total_retry_seconds=6))

    assert clock.sleeps == [1.0, 2.0, 1.0, 2.0]
    assert sum(clock.sleeps) <= 6


@pytest.mark.slow
def test_timeout_is_retried(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", None, method="GET", delay=3.0, times=1)

    ref = make(gh, clock, timeout=1).open_or_update(SPEC)

    assert ref.created is True
    assert clock.sleeps == [1.0]
    assert gh.count("GET", r"/pulls$") == 2


@pytest.mark.slow
def test_persistent_timeouts_give_up(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"^/repos/acme/gitops$", None, method="GET", delay=3.0, times=1000)

    text = fails(make(gh, clock, timeout=0.3, total_retry_seconds=2.5))

    assert text == (
        "cannot reach the GitHub API at "
        f"{gh.base_url} while looking up repository acme/gitops: no answer within 1 s "
        "(gave up after 2 attempts in 1 s)"
    )
    assert gh.count() == 2


def test_connection_refused(clock: FakeClock) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = GithubProvider(
        TOKEN, f"http://127.0.0.1:{port}", sleep=clock.sleep, clock=clock, total_retry_seconds=4
    )

    with pytest.raises(ProviderError) as caught:
        provider.close_stale(REPO, HEAD, "stale")

    text = str(caught.value)
    assert text == (
        f"cannot reach the GitHub API at http://127.0.0.1:{port} while looking up repository "
        "acme/gitops: Connection refused (gave up after 3 attempts in 3 s)"
    )
    assert TOKEN not in text
    assert clock.sleeps == [1.0, 2.0]


def test_answer_pointing_at_another_host(gh: GithubStandin, clock: FakeClock) -> None:
    # A proxy that rewrites nothing: PyGithub refuses to follow URLs to another host.
    gh.fail(
        r"/pulls$",
        200,
        method="GET",
        body=[{"number": 9, "url": "https://api.github.com/repos/acme/gitops/pulls/9"}],
    )

    text = fails(make(gh, clock))

    assert text.startswith(
        f"unexpected answer from the GitHub API at {gh.base_url} while listing open pull "
        f"requests for {HEAD}"
    )
    assert text.endswith(": check GITHUB_API_URL")


def test_token_never_appears_even_when_github_echoes_it(
    gh: GithubStandin, clock: FakeClock
) -> None:
    gh.fail(
        r"/pulls$",
        422,
        method="POST",
        body={"message": f"Validation Failed for token {TOKEN}", "documentation_url": DOCS},
    )

    text = fails(make(gh, clock))

    assert "Validation Failed for token ***" in text


# -- bad input ------------------------------------------------------------------------------------


def test_token_with_a_trailing_line_break_is_trimmed(gh: GithubStandin, clock: FakeClock) -> None:
    # A token pasted from a file often ends with a newline.
    provider = GithubProvider(TOKEN + "\n", gh.base_url, sleep=clock.sleep, clock=clock)

    assert provider.open_or_update(SPEC).created is True
    assert {r.headers["authorization"] for r in gh.requests} == {f"token {TOKEN}"}


@pytest.mark.parametrize(
    "token", [f"{TOKEN[:8]} {TOKEN[8:]}", f"{TOKEN}é", f"{TOKEN[:5]}\n{TOKEN}"]
)
def test_malformed_token_is_bad_input_and_never_echoed(token: str) -> None:
    with pytest.raises(UsageError) as caught:
        GithubProvider(token, "http://127.0.0.1:9")

    text = str(caught.value)
    assert text == (
        "the GitHub token contains spaces, line breaks or non-ASCII characters: check "
        "GITHUB_TOKEN / --token"
    )
    assert TOKEN[:8] not in text


@pytest.mark.parametrize("url", ["api.github.com", "ftp://ghe.example.com/api/v3", "https://"])
def test_api_url_must_be_http(url: str) -> None:
    with pytest.raises(UsageError, match=r"^GITHUB_API_URL must be an http\(s\) URL"):
        GithubProvider(TOKEN, url)


# -- odd answers ----------------------------------------------------------------------------------


def test_html_error_page_from_a_proxy(gh: GithubStandin, clock: FakeClock) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n"
    gh.fail(r"/pulls$", 502, method="GET", body=page, times=100)

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub API error while listing open pull requests for {HEAD}: 502 Server Error "
        f"(gave up after {MAX_ATTEMPTS} attempts in 23 s)"
    )


def test_plain_text_error_is_passed_on(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 400, method="POST", body=b"Problems parsing JSON")

    text = fails(make(gh, clock))

    assert text == (
        f"GitHub API error while opening a pull request from {HEAD} into main: "
        "400 Problems parsing JSON"
    )


def test_conflict_status_is_reported_as_is(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(
        r"/pulls$",
        409,
        method="POST",
        body={"message": "Git Repository is empty.", "documentation_url": DOCS},
    )

    text = fails(make(gh, clock))

    assert text.endswith("into main: 409 Git Repository is empty.")
    assert clock.sleeps == []


def test_redirect_to_another_host(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(
        r"^/repos/acme/gitops$",
        301,
        method="GET",
        headers={"location": "http://ghe.example.com/api/v3/repositories/1"},
        body={"message": "Moved Permanently", "url": "http://ghe.example.com/api/v3/x"},
    )

    text = fails(make(gh, clock))

    assert text.startswith(
        f"unexpected answer from the GitHub API at {gh.base_url} while looking up repository "
        "acme/gitops (Github server redirected from host 127.0.0.1 to ghe.example.com"
    ), text
    assert text.endswith(": check GITHUB_API_URL")


def test_unparseable_retry_after_is_not_waited_on(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(r"/pulls$", 429, method="GET", headers={"retry-after": "Wed, 21 Oct 2026 07:28 GMT"})

    text = fails(make(gh, clock))

    assert text.endswith("retry in a few minutes")
    assert clock.sleeps == []
