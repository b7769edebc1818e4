"""GithubProvider against the GitHub stand-in over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitops_promote.github import MAX_BODY_CHARS, TRUNCATED_NOTE, GithubProvider, fit_body
from gitops_promote.provider import PullRequestRef, PullRequestSpec, repository_from_remote

from .github_standin import FakeClock, GithubStandin, describe
from .gitrepo import GitRepo

TOKEN = "ghs_standinToken0123456789"
REPO = "acme/gitops"
HEAD = "gitops-promote/staging-to-prod/api"
MAIN_SHA = "1" * 40
HEAD_SHA = "2" * 40


@pytest.fixture
def gh() -> Iterator[GithubStandin]:
    with GithubStandin(token=TOKEN) as standin:
        standin.add_repo(REPO, branches={"main": MAIN_SHA, HEAD: HEAD_SHA})
        yield standin


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def provider(gh: GithubStandin, clock: FakeClock) -> GithubProvider:
    return GithubProvider(TOKEN, gh.base_url, timeout=5, sleep=clock.sleep, clock=clock)


def spec(**overrides: object) -> PullRequestSpec:
    values: dict[str, object] = {
        "repository": REPO,
        "head": HEAD,
        "base": "main",
        "title": "promote(api): staging v7 -> prod",
        "body": "| path | staging | prod |\n|---|---|---|\n| /image | a:2 | a:1 |\n",
    }
    values.update(overrides)
    return PullRequestSpec(**values)  # type: ignore[arg-type]


def test_opens_a_pull_request(gh: GithubStandin, provider: GithubProvider) -> None:
    ref = provider.open_or_update(spec(labels=("promotion",), reviewers=("alice",)))

    assert ref == PullRequestRef(
        number=1, url=f"{gh.host_url}/{REPO}/pull/1", created=True, state="open"
    )
    [pull] = gh.pulls(REPO)
    assert pull["title"] == "promote(api): staging v7 -> prod"
    assert pull["body"].startswith("| path | staging | prod |")
    assert pull["head"]["ref"] == HEAD
    assert pull["base"]["ref"] == "main"
    assert pull["draft"] is False
    assert [label["name"] for label in pull["labels"]] == ["promotion"]
    assert [user["login"] for user in pull["requested_reviewers"]] == ["alice"]
    # The open-PR lookup uses GitHub's OWNER:branch form (GitHub ignores a bare branch name).
    [listing] = gh.requests_to("GET", r"/pulls$")
    assert listing.query["head"] == [f"acme:{HEAD}"]
    assert listing.query["base"] == ["main"]
    assert listing.query["state"] == ["open"]
    # The token travels only in the Authorization header.
    for request in gh.requests:
        assert request.headers["authorization"] == f"token {TOKEN}"
        assert TOKEN not in request.raw_path
        assert TOKEN.encode() not in request.body


def test_rerun_updates_the_same_pull_request(gh: GithubStandin, provider: GithubProvider) -> None:
    first = provider.open_or_update(spec())
    second = provider.open_or_update(spec(title="promote(api): staging v8 -> prod", body="v8"))

    assert first.created is True
    assert second == PullRequestRef(number=first.number, url=first.url, created=False)
    [pull] = gh.pulls(REPO)
    assert pull["title"] == "promote(api): staging v8 -> prod"
    assert pull["body"] == "v8"
    assert gh.count("POST", r"/pulls$") == 1, describe(gh.requests)
    assert gh.count("PATCH", r"/pulls/1$") == 1


def test_draft_and_team_reviewers(gh: GithubStandin, provider: GithubProvider) -> None:
    provider.open_or_update(spec(draft=True, team_reviewers=("platform",)))

    [pull] = gh.pulls(REPO)
    assert pull["draft"] is True
    assert [team["slug"] for team in pull["requested_teams"]] == ["platform"]
    [request] = gh.requests_to("POST", r"/requested_reviewers$")
    assert request.json == {"team_reviewers": ["platform"]}


def test_labels_are_added_to_existing_ones(gh: GithubStandin, provider: GithubProvider) -> None:
    number = gh.add_pull(REPO, head=HEAD, base="main", title="old")
    gh.label_pull(REPO, number, "keep-me")

    ref = provider.open_or_update(spec(labels=("promotion", "prod")))

    assert ref.number == number and ref.created is False
    labels = [label["name"] for label in gh.pull(REPO, number)["labels"]]
    assert labels == ["keep-me", "promotion", "prod"]


def test_transient_422_on_reviewers_is_retried(
    gh: GithubStandin, provider: GithubProvider, clock: FakeClock
) -> None:
    gh.fail(
        r"/requested_reviewers$",
        422,
        method="POST",
        body={
            "message": "Validation Failed",
            "errors": [{"resource": "PullRequest", "field": "reviewers", "code": "invalid"}],
            "documentation_url": "https://docs.github.com/rest",
        },
    )

    ref = provider.open_or_update(spec(reviewers=("alice", "bob")))

    assert ref.created is True
    assert gh.count("POST", r"/requested_reviewers$") == 2
    assert clock.sleeps == [1.0]
    logins = [user["login"] for user in gh.pull(REPO, 1)["requested_reviewers"]]
    assert logins == ["alice", "bob"]


def test_transient_422_on_labels_is_retried(
    gh: GithubStandin, provider: GithubProvider, clock: FakeClock
) -> None:
    gh.fail(r"/issues/1/labels$", 422, method="POST", times=2)

    provider.open_or_update(spec(labels=("promotion",)))

    assert gh.count("POST", r"/labels$") == 3
    assert clock.sleeps == [1.0, 2.0]
    assert [label["name"] for label in gh.pull(REPO, 1)["labels"]] == ["promotion"]


def test_create_answering_already_exists_updates_that_pull_request(
    gh: GithubStandin, provider: GithubProvider
) -> None:
    # Someone opened the PR between our lookup and our create: the lookup sees nothing...
    number = gh.add_pull(REPO, head=HEAD, base="main", title="opened meanwhile")
    gh.fail(r"/pulls$", 200, method="GET", body=[])

    ref = provider.open_or_update(spec(title="ours"))

    # ...the create answers 422 "A pull request already exists", and that one is updated.
    assert ref == PullRequestRef(number=number, url=ref.url, created=False)
    assert [p["title"] for p in gh.pulls(REPO)] == ["ours"]
    assert gh.count("POST", r"/pulls$") == 1


def test_retried_create_whose_first_answer_was_lost(
    gh: GithubStandin, provider: GithubProvider, clock: FakeClock
) -> None:
    # The first create went through but its answer was a 502; the retry gets 422.
    gh.fail(r"/pulls$", 502, method="POST", handled=True)

    ref = provider.open_or_update(spec(labels=("promotion",)))

    assert ref.number == 1
    assert len(gh.pulls(REPO)) == 1
    assert gh.count("POST", r"/pulls$") == 2
    assert clock.sleeps == [1.0]
    assert [label["name"] for label in gh.pull(REPO, 1)["labels"]] == ["promotion"]


def test_pull_request_into_another_base_is_left_alone(
    gh: GithubStandin, provider: GithubProvider
) -> None:
    # As on GitHub, one head may have open PRs into several bases; the lookup names the base.
    gh.set_branch(REPO, "release", MAIN_SHA)
    other = gh.add_pull(REPO, head=HEAD, base="release", title="to release")

    ref = provider.open_or_update(spec(base="main", title="to main"))

    assert ref.created is True and ref.number != other
    assert gh.pull(REPO, other)["title"] == "to release"
    assert [p["base"]["ref"] for p in gh.pulls(REPO)] == ["release", "main"]


def test_unrelated_pull_requests_are_never_touched(
    gh: GithubStandin, provider: GithubProvider
) -> None:
    gh.set_branch(REPO, "feature/x", "3" * 40)
    other = gh.add_pull(REPO, head="feature/x", base="main", title="someone's work")
    # A server that ignores the head filter answers with every open PR.
    everything = [gh.pull(REPO, other)]
    gh.fail(r"/pulls$", 200, method="GET", body=everything)

    ref = provider.open_or_update(spec())

    assert ref.created is True and ref.number != other
    assert gh.pull(REPO, other)["title"] == "someone's work"


def test_closed_pull_requests_are_not_reopened(gh: GithubStandin, provider: GithubProvider) -> None:
    old = provider.open_or_update(spec())
    assert provider.close_stale(REPO, HEAD, "nothing to promote") is not None

    new = provider.open_or_update(spec(title="again"))

    assert new.created is True and new.number != old.number
    assert [p["state"] for p in gh.pulls(REPO)] == ["closed", "open"]


def test_close_stale_comments_and_closes(gh: GithubStandin, provider: GithubProvider) -> None:
    opened = provider.open_or_update(spec())
    comment = "Closing: prod already matches staging for api, nothing to promote."

    closed = provider.close_stale(REPO, HEAD, comment)

    assert closed == PullRequestRef(
        number=opened.number, url=opened.url, created=False, state="closed"
    )
    assert gh.pull(REPO, opened.number)["state"] == "closed"
    assert gh.comments(REPO, opened.number) == [comment]
    # The comment comes before the close, so watchers see why.
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in gh.requests[-2:]]
    assert methods == [("POST", "comments"), ("PATCH", str(opened.number))]


def test_close_stale_without_open_pull_request(gh: GithubStandin, provider: GithubProvider) -> None:
    assert provider.close_stale(REPO, HEAD, "nothing to do") is None
    assert gh.count("POST") == 0 and gh.count("PATCH") == 0


def test_enterprise_base_url_with_api_v3_prefix(clock: FakeClock) -> None:
    with GithubStandin(token=TOKEN, prefix="/api/v3") as ghe:
        ghe.add_repo(REPO, branches={"main": MAIN_SHA, HEAD: HEAD_SHA})
        provider = GithubProvider(
            TOKEN, ghe.base_url + "/", timeout=5, sleep=clock.sleep, clock=clock
        )

        ref = provider.open_or_update(spec(labels=("promotion",), reviewers=("alice",)))
        closed = provider.close_stale(REPO, HEAD, "stale")

    assert ref.url == f"{ghe.host_url}/{REPO}/pull/1"
    assert closed is not None and closed.state == "closed"
    assert ghe.requests, "no request reached the stand-in"
    for request in ghe.requests:
        assert request.raw_path.startswith("/api/v3/repos/acme/gitops"), request.raw_path


def test_branches_mirror_a_bare_git_repository(
    git_repo: Callable[..., GitRepo], tmp_path: Path, clock: FakeClock
) -> None:
    work = git_repo({"envs/prod/api.yaml": "image: a:1\n"})
    bare = work.make_origin(tmp_path / "origin.git")
    work.git("switch", "-q", "-c", HEAD)
    sha = work.commit({"envs/prod/api.yaml": "image: a:2\n"}, "promote(api): staging v2 -> prod")
    work.git("push", "-q", "origin", HEAD)

    with GithubStandin(token=TOKEN) as standin:
        standin.add_repo(REPO, git_dir=bare)
        provider = GithubProvider(TOKEN, standin.base_url, sleep=clock.sleep, clock=clock)
        ref = provider.open_or_update(spec())
        assert standin.pull(REPO, ref.number)["head"]["sha"] == sha


def test_a_branch_that_was_not_pushed_is_a_clear_error(
    gh: GithubStandin, provider: GithubProvider
) -> None:
    from gitops_promote.errors import ProviderError

    with pytest.raises(ProviderError) as caught:
        provider.open_or_update(spec(head="gitops-promote/never-pushed"))

    assert str(caught.value) == (
        "GitHub rejected opening a pull request from gitops-promote/never-pushed into main "
        "(422 Validation Failed: PullRequest.head invalid)"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/gitops", "acme/gitops"),
        ("https://github.com/acme/gitops.git", "acme/gitops"),
        ("https://github.com/acme/gitops/", "acme/gitops"),
        ("https://x-access-token:ghs_abc@github.com/acme/gitops.git", "acme/gitops"),
        ("http://127.0.0.1:8080/acme/gitops.git", "acme/gitops"),
        ("git@github.com:acme/gitops.git", "acme/gitops"),
        ("git@github.com:acme/gitops", "acme/gitops"),
        ("ssh://git@github.com/acme/gitops.git", "acme/gitops"),
        ("ssh://git@ghe.example.com:2222/acme/gitops.git", "acme/gitops"),
        ("https://ghe.example.com/acme/gitops.git", "acme/gitops"),
        ("git@ghe.example.com:acme/my.repo-name_1.git", "acme/my.repo-name_1"),
        ("  https://github.com/acme/gitops.git\n", "acme/gitops"),
        ("/srv/git/gitops.git", None),
        ("../origin.git", None),
        ("file:///srv/git/acme/gitops.git", None),
        ("https://github.com/acme", None),
        ("", None),
        ("not a url", None),
    ],
)
def test_repository_from_remote(url: str, expected: str | None) -> None:
    assert repository_from_remote(url) == expected


def test_an_over_long_body_is_cut_to_fit(gh: GithubStandin, provider: GithubProvider) -> None:
    rows = "".join(f"| /env/VAR_{i} | a | b |\n" for i in range(5000))
    assert len(rows) > MAX_BODY_CHARS

    provider.open_or_update(spec(body=rows))
    provider.open_or_update(spec(body=rows + "| /image | a:3 | a:1 |\n"))

    body = gh.pull(REPO, 1)["body"]
    assert len(body) <= MAX_BODY_CHARS
    kept, note = body.split("\n\n---\n")
    assert rows.startswith(kept + "\n"), "the body is cut at a line end"
    assert "cut to fit GitHub's limit of 65536 characters" in note


def test_fit_body_leaves_a_body_that_fits_alone() -> None:
    assert fit_body("x" * MAX_BODY_CHARS) == "x" * MAX_BODY_CHARS
    note = TRUNCATED_NOTE.format(limit=400)
    lines = "".join(f"line {i:03d}\n" for i in range(100))  # 900 characters
    short = fit_body(lines, limit=400)
    assert len(short) <= 400 and short.endswith(note)
    kept = short[: -len(note)]
    assert lines.startswith(kept + "\n") and kept.endswith(f"line {len(kept) // 9:03d}")


def test_standin_refuses_an_over_long_body_like_github(gh: GithubStandin) -> None:
    from github import Auth, Github, GithubException

    client = Github(auth=Auth.Token(TOKEN), base_url=gh.base_url, retry=0)
    repo = client.get_repo(REPO)
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head=HEAD, title="t", body="x" * (MAX_BODY_CHARS + 1))
    assert caught.value.status == 422
    assert "body is too long (maximum is 65536 characters)" in str(caught.value)


def test_a_rerun_after_an_outage_finishes_the_job(
    gh: GithubStandin, provider: GithubProvider, clock: FakeClock
) -> None:
    from gitops_promote.errors import ProviderError

    gh.fail(r"/pulls$", 502, method="POST", times=100)
    with pytest.raises(ProviderError, match=r"502 .*gave up after 6 attempts"):
        provider.open_or_update(spec())
    gh.clear_faults()  # GitHub is back

    ref = provider.open_or_update(spec())

    assert ref.created is True and len(gh.pulls(REPO)) == 1


def test_standin_head_filter_and_pagination_behave_like_github(gh: GithubStandin) -> None:
    from github import Auth, Github

    for i in range(3):
        gh.set_branch(REPO, f"feature/{i}", f"{i + 3}" * 40)
        gh.add_pull(REPO, head=f"feature/{i}", base="main")
    client = Github(auth=Auth.Token(TOKEN), base_url=gh.base_url, retry=0, per_page=2)
    repo = client.get_repo(REPO)

    # Without the OWNER: prefix GitHub ignores the head filter and lists every open PR.
    assert len(list(repo.get_pulls(state="open", head="feature/1"))) == 3
    [only] = list(repo.get_pulls(state="open", head="acme:feature/1"))
    assert only.head.ref == "feature/1"
    # Pages follow the Link header, on the stand-in's own host.
    numbers = [p.number for p in repo.get_pulls(state="all")]
    assert numbers == [3, 2, 1]
    pages = gh.requests_to("GET", r"/pulls$")[-2:]
    assert [r.query.get("page") for r in pages] == [None, ["2"]]
