"""Reading what CI reported on a commit (the ``checks: success`` gate) from the GitHub stand-in over
real HTTP: green, failing, pending, and the API failing, always as one line without the token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gitops_promote.errors import EXIT_FAILED, ProviderError
from gitops_promote.gatecheck import CheckRun, CommitStatus, evaluate_checks
from gitops_promote.github import MAX_ATTEMPTS, GithubProvider

from .github_standin import FakeClock, GithubStandin

TOKEN = "ghp_SecretChecksToken77"
REPO = "acme/gitops"
SHA = "5" * 40
STATUS = rf"/commits/{SHA}/status$"
RUNS = rf"/commits/{SHA}/check-runs$"


@pytest.fixture
def gh() -> Iterator[GithubStandin]:
    with GithubStandin(token=TOKEN) as standin:
        standin.add_repo(REPO, branches={"main": SHA})
        yield standin


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1_800_000_000.0)


def provider(gh: GithubStandin, clock: FakeClock, **kwargs: float) -> GithubProvider:
    options = {"timeout": 5.0, **kwargs}
    return GithubProvider(TOKEN, gh.base_url, sleep=clock.sleep, clock=clock, **options)


def fails(gh: GithubStandin, clock: FakeClock, **kwargs: float) -> str:
    with pytest.raises(ProviderError) as caught:
        provider(gh, clock, **kwargs).commit_checks(REPO, SHA)
    text = str(caught.value)
    assert caught.value.exit_code == EXIT_FAILED
    assert "\n" not in text
    assert TOKEN not in text
    return text


def test_green_commit(gh: GithubStandin, clock: FakeClock) -> None:
    gh.set_commit_status(REPO, SHA, "ci/jenkins", "pending")
    gh.set_commit_status(REPO, SHA, "ci/jenkins", "success", target_url="https://ci/7")
    gh.set_check_run(REPO, SHA, "test")
    gh.set_check_run(REPO, SHA, "docs", "completed", "skipped")

    checks = provider(gh, clock).commit_checks(REPO, SHA)

    assert checks.sha == SHA
    assert checks.state == "success"
    assert checks.statuses == (CommitStatus("ci/jenkins", "success", "", "https://ci/7"),)
    assert [(r.name, r.status, r.conclusion) for r in checks.check_runs] == [
        ("docs", "completed", "skipped"),
        ("test", "completed", "success"),
    ]
    assert evaluate_checks(checks).open
    [runs] = gh.requests_to("GET", RUNS)
    assert runs.query["filter"] == ["latest"]
    assert runs.headers["authorization"] == f"token {TOKEN}"


def test_failing_commit_names_the_failing_checks(gh: GithubStandin, clock: FakeClock) -> None:
    gh.set_commit_status(REPO, SHA, "ci/jenkins", "failure", description="3 tests failed")
    gh.set_check_run(REPO, SHA, "lint", "completed", "failure")
    gh.set_check_run(REPO, SHA, "build", "completed", "success")

    checks = provider(gh, clock).commit_checks(REPO, SHA)
    result = evaluate_checks(checks)

    assert checks.state == "failure"
    assert checks.statuses[0].description == "3 tests failed"
    assert not result.open
    assert result.failing == ("ci/jenkins", "lint")
    assert result.summary == "checks failing on 5555555: ci/jenkins, lint"


def test_pending_commit_names_the_pending_checks(gh: GithubStandin, clock: FakeClock) -> None:
    gh.set_commit_status(REPO, SHA, "ci/jenkins", "pending")
    gh.set_check_run(REPO, SHA, "e2e", "in_progress", None)

    result = evaluate_checks(provider(gh, clock).commit_checks(REPO, SHA))

    assert (result.open, result.state, result.pending) == (False, "pending", ("ci/jenkins", "e2e"))


def test_commit_without_any_checks(gh: GithubStandin, clock: FakeClock) -> None:
    checks = provider(gh, clock).commit_checks(REPO, SHA)

    assert (checks.state, checks.statuses, checks.check_runs) == ("pending", (), ())
    assert evaluate_checks(checks).state == "none"


def test_every_page_of_check_runs_is_read(gh: GithubStandin, clock: FakeClock) -> None:
    for i in range(250):
        gh.set_check_run(REPO, SHA, f"shard-{i:03}")
    gh.set_check_run(REPO, SHA, "shard-000", "completed", "failure")

    checks = provider(gh, clock).commit_checks(REPO, SHA)

    assert len(checks.check_runs) == 250
    assert gh.count("GET", RUNS) == 3
    assert CheckRun("shard-000", "completed", "failure") in [
        CheckRun(r.name, r.status, r.conclusion) for r in checks.check_runs
    ]


# -- the API failing --------------------------------------------------------------------------


def test_server_error_is_retried_then_reported(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(STATUS, 500, method="GET", times=100)

    text = fails(gh, clock)

    assert text.startswith(
        "GitHub API error while reading the commit status of 5555555: 500 Server Error "
        f"(gave up after {MAX_ATTEMPTS} attempts in "
    )
    assert gh.count("GET", STATUS) == MAX_ATTEMPTS


def test_a_passing_server_error_is_retried(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(RUNS, 502, method="GET", times=1)
    gh.set_check_run(REPO, SHA, "test")

    checks = provider(gh, clock).commit_checks(REPO, SHA)

    assert [r.name for r in checks.check_runs] == ["test"]
    assert clock.sleeps == [1.0]


def test_timeout(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(RUNS, None, method="GET", delay=3.0, times=1000)

    text = fails(gh, clock, timeout=0.3, total_retry_seconds=2.5)

    assert text.startswith(
        f"cannot reach the GitHub API at {gh.base_url} while reading the check runs of 5555555: "
        "no answer within 1 s"
    )


def test_html_error_page(gh: GithubStandin, clock: FakeClock) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n"
    gh.fail(STATUS, 502, method="GET", body=page, times=100)

    text = fails(gh, clock)

    assert text.startswith(
        "GitHub API error while reading the commit status of 5555555: 502 Server Error"
    )
    assert "<html>" not in text


@pytest.mark.parametrize(
    ("route", "body", "what"),
    [
        (STATUS, b"<html><body>Sign in to your proxy</body></html>", "a combined status"),
        (STATUS, {"statuses": []}, "a combined status"),
        (STATUS, {"state": "success", "statuses": [{"state": "success"}]}, "a combined status"),
        (RUNS, b"<html>maintenance</html>", "a list of check runs"),
        (RUNS, {"check_runs": [{"name": 7, "status": "completed"}]}, "a list of check runs"),
        (RUNS, ["not", "an", "object"], "a list of check runs"),
    ],
)
def test_an_answer_that_is_not_the_documented_json(
    gh: GithubStandin, clock: FakeClock, route: str, body: object, what: str
) -> None:
    gh.fail(route, 200, method="GET", body=body)

    text = fails(gh, clock)

    assert text.startswith(f"unexpected answer from the GitHub API at {gh.base_url} while reading")
    assert f"(not {what}: " in text
    assert text.endswith("): check GITHUB_API_URL")


def test_broken_json(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(STATUS, 200, method="GET", body=b'{"state": "succ')

    text = fails(gh, clock)

    assert "unexpected answer from the GitHub API" in text
    assert "(not a combined status: JSONDecodeError)" in text


def test_permission_denied_names_the_permissions_to_read_checks(
    gh: GithubStandin, clock: FakeClock
) -> None:
    gh.fail(RUNS, 403, method="GET", body={"message": "Resource not accessible by integration"})

    text = fails(gh, clock)

    assert text == (
        "GitHub denied permission while reading the check runs of 5555555 in acme/gitops "
        "(403 Resource not accessible by integration): the token needs 'statuses: read' and "
        "'checks: read' permissions on acme/gitops"
    )


def test_commit_github_does_not_know(gh: GithubStandin, clock: FakeClock) -> None:
    with pytest.raises(ProviderError) as caught:
        provider(gh, clock).commit_checks(REPO, "not-a-commit")

    assert str(caught.value) == (
        "GitHub answered 404 No commit found for SHA: not-a-commit while reading the commit "
        "status of not-a-c in acme/gitops: a token without access to the repository also gets 404"
    )


def test_bad_credentials(gh: GithubStandin, clock: FakeClock) -> None:
    bad = GithubProvider("ghp_wrong", gh.base_url, sleep=clock.sleep, clock=clock)

    with pytest.raises(ProviderError, match=r"^GitHub rejected the token \(401 Bad credentials\)"):
        bad.commit_checks(REPO, SHA)


def test_token_echoed_by_a_proxy_is_never_shown(gh: GithubStandin, clock: FakeClock) -> None:
    gh.fail(STATUS, 418, method="GET", body={"message": f"bad header: token {TOKEN}"})

    text = fails(gh, clock)

    assert text == (
        "GitHub API error while reading the commit status of 5555555: 418 bad header: token ***"
    )
