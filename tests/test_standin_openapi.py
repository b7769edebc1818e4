"""Keep the GitHub stand-in honest: what PyGithub sends to it, and what it answers, must match
GitHub's own OpenAPI description (../shared/github/openapi-subset.json, merged with the commit
status and check-run operations of tests/openapi/commit-status-and-checks.json, taken from the
same published description), checked with openapi-core.

Two allowances, both about the checker rather than GitHub:

- PyGithub sends issue labels as a bare JSON array (``["promotion"]``). GitHub accepts it, but
  the description lists only the object forms; exactly that request is let through.
- OpenAPI path templates cannot hold a ``/`` in a parameter, while GitHub's branch and ref
  parameters do (``branches/gitops-promote/staging-to-prod/api``); such a trailing parameter is
  percent-encoded before matching.
- A check run that has not completed has ``"conclusion": null``, as GitHub documents, but the
  description's enum of conclusions does not list null (OpenAPI 3.0.3 asks for it even with
  ``nullable: true``); exactly that complaint is let through.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from github import Auth, Github, GithubException
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import InvalidRequestBody

from gitops_promote.github import GithubProvider
from gitops_promote.provider import PullRequestSpec

from .conftest import shared_path
from .github_standin import Exchange, FakeClock, GithubStandin

TOKEN = "ghs_openapiStandinToken"
REPO = "acme/gitops"
HEAD = "gitops-promote/staging-to-prod/api"
GITHUB = "https://api.github.com"
_SLASHED_PARAM = re.compile(r"^(/repos/[^/]+/[^/]+/(?:branches|git/ref|git/refs|labels))/(.+/.+)$")
_LABELS = re.compile(r"^/repos/[^/]+/[^/]+/issues/\d+/labels$")


EXTENSION = Path(__file__).parent / "openapi" / "commit-status-and-checks.json"


def merged(subset: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """``subset`` with the paths and components of ``extension`` added (none may differ)."""
    out = json.loads(json.dumps(subset))
    for path, item in extension["paths"].items():
        assert out["paths"].setdefault(path, item) == item, f"{path} differs"
    for kind, items in extension["components"].items():
        for name, component in items.items():
            have = out["components"].setdefault(kind, {}).setdefault(name, component)
            assert have == component, f"component {kind}/{name} differs"
    return out


@pytest.fixture(scope="module")
def description() -> dict[str, Any]:
    with shared_path("github", "openapi-subset.json").open(encoding="utf-8") as f:
        subset: dict[str, Any] = json.load(f)
    extension = json.loads(EXTENSION.read_text(encoding="utf-8"))
    return merged(subset, extension)


@pytest.fixture(scope="module")
def openapi(description: dict[str, Any]) -> OpenAPI:
    return OpenAPI.from_dict(description)


@pytest.fixture
def gh() -> Iterator[GithubStandin]:
    with GithubStandin(token=TOKEN) as standin:
        standin.add_repo(REPO, branches={"main": "1" * 40, HEAD: "2" * 40})
        yield standin


def client(gh: GithubStandin) -> Github:
    return Github(
        auth=Auth.Token(TOKEN),
        base_url=gh.base_url,
        retry=0,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def template_path(path: str) -> str:
    """``path`` with a trailing branch/ref parameter that holds slashes percent-encoded."""
    m = _SLASHED_PARAM.match(path)
    return f"{m.group(1)}/{quote(m.group(2), safe='')}" if m else path


def as_openapi(exchange: Exchange) -> tuple[MockRequest, MockResponse]:
    req = exchange.request
    request = MockRequest(
        GITHUB,
        req.method,
        template_path(req.path),
        args=dict(req.query),
        headers=req.headers,
        data=req.body or None,
        content_type=req.headers.get("content-type", "application/json").split(";")[0],
    )
    response = MockResponse(
        exchange.body,
        exchange.status,
        exchange.headers,
        content_type=exchange.headers.get("content-type", "application/json").split(";")[0],
    )
    return request, response


def is_label_array_quirk(exchange: Exchange, error: Exception) -> bool:
    req = exchange.request
    if not isinstance(error, InvalidRequestBody):
        return False
    if req.method not in ("POST", "PUT") or not _LABELS.match(req.path):
        return False
    body = req.json
    return isinstance(body, list) and bool(body) and all(isinstance(x, str) for x in body)


def schema_errors(error: Exception) -> list[Any]:
    return [e for cause in (error, error.__cause__) for e in getattr(cause, "schema_errors", ())]


def is_null_conclusion_quirk(exchange: Exchange, error: Exception) -> bool:
    if not exchange.request.path.endswith("/check-runs"):
        return False
    errors = schema_errors(error)
    body = json.loads(exchange.body)
    return bool(errors) and all(
        len(e.absolute_path) == 3
        and e.absolute_path[0] == "check_runs"
        and e.absolute_path[2] == "conclusion"
        and e.instance is None
        and body["check_runs"][e.absolute_path[1]]["status"] != "completed"
        for e in errors
    )


def explain(error: Exception) -> str:
    """The validator's complaint in a line: each schema error with where it is."""
    details = []
    for cause in (error, error.__cause__):
        for schema_error in getattr(cause, "schema_errors", None) or ():
            where = "/".join(str(p) for p in schema_error.absolute_path)
            details.append(f"{where or '(root)'}: {schema_error.message[:160]}")
    return f"{type(error).__name__}: " + ("; ".join(details) or str(error)[:300])


def problems(openapi: OpenAPI, exchanges: list[Exchange]) -> tuple[list[str], int]:
    """Every mismatch with the description, and how many label-array quirks were let through."""
    found: list[str] = []
    quirks = 0
    for exchange in exchanges:
        request, response = as_openapi(exchange)
        where = f"{exchange.request.method} {exchange.request.path} -> {exchange.status}"
        try:
            openapi.validate_request(request)
        except Exception as error:
            if is_label_array_quirk(exchange, error):
                quirks += 1
            else:
                found.append(f"request {where}: {explain(error)}")
        if exchange.injected:
            continue  # a test's own fault body, not the stand-in's model
        try:
            openapi.validate_response(request, response)
        except Exception as error:
            if is_null_conclusion_quirk(exchange, error):
                quirks += 1
            else:
                found.append(f"response {where}: {explain(error)}")
    return found, quirks


def operations(description: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in description["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def covered(description: dict[str, Any], exchanges: list[Exchange]) -> set[tuple[str, str]]:
    hits = set()
    for method, template in operations(description):
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for exchange in exchanges:
            req = exchange.request
            if req.method == method and pattern.match(template_path(req.path)):
                hits.add((method, template))
    return hits


def test_provider_traffic_matches_the_description(gh: GithubStandin, openapi: OpenAPI) -> None:
    clock = FakeClock()
    provider = GithubProvider(TOKEN, gh.base_url, sleep=clock.sleep, clock=clock)
    spec = PullRequestSpec(
        repository=REPO,
        head=HEAD,
        base="main",
        title="promote(api): staging v7 -> prod",
        body="| path | staging | prod |",
        labels=("promotion", "prod"),
        reviewers=("alice",),
        team_reviewers=("platform",),
        draft=True,
    )
    provider.open_or_update(spec)
    provider.open_or_update(replace(spec, title="promote(api): staging v8 -> prod"))
    provider.close_stale(REPO, HEAD, "Closing: nothing left to promote.")
    # A create that races with someone else's: the lookup misses, GitHub answers 422.
    gh.add_pull(REPO, head=HEAD, base="main", title="someone else's")
    gh.fail(r"/pulls$", 200, method="GET", body=[])
    provider.open_or_update(spec)

    found, quirks = problems(openapi, gh.exchanges)

    assert found == []
    assert quirks == 3, "each label request is the known bare-array quirk, and only that"
    statuses = {(e.request.method, e.request.path, e.status) for e in gh.exchanges}
    assert ("POST", f"/repos/{REPO}/pulls", 422) in statuses


def test_every_endpoint_of_the_description_is_served(
    gh: GithubStandin, openapi: OpenAPI, description: dict[str, Any]
) -> None:
    github = client(gh)
    repo = github.get_repo(REPO)
    repo.get_branch(HEAD)
    ref = repo.create_git_ref("refs/heads/gitops-promote/dev-to-staging/api", "1" * 40)
    repo.get_git_ref("heads/gitops-promote/dev-to-staging/api")
    ref.edit("2" * 40, force=True)
    repo.create_label("promotion", "0e8a16", "opened by gitops-promote")
    repo.get_label("promotion")
    list(repo.get_labels())
    pull = repo.create_pull(base="main", head=HEAD, title="promote", body="body")
    list(repo.get_pulls(state="open", head=f"acme:{HEAD}", base="main"))
    pull = repo.get_pull(pull.number)
    pull.edit(body="updated")
    pull.add_to_labels("promotion")
    pull.set_labels("promotion", "prod")
    list(pull.get_labels())
    pull.create_review_request(reviewers=["alice"])
    pull.create_issue_comment("stale")
    list(pull.get_issue_comments())
    ref.delete()
    # PyGithub's Commit would GET the commit first: read the two endpoints as the provider does.
    commit = f"{repo.url}/commits/{'2' * 40}"
    github.requester.requestJsonAndCheck("GET", f"{commit}/status")
    github.requester.requestJsonAndCheck("GET", f"{commit}/check-runs", {"filter": "latest"})

    found, quirks = problems(openapi, gh.exchanges)

    assert found == []
    assert quirks == 2  # add_to_labels and set_labels
    assert covered(description, gh.exchanges) == operations(description)


def test_every_reference_of_the_merged_description_resolves(description: dict[str, Any]) -> None:
    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    missing = set()
    for ref in refs(description):
        _, _, kind, name = ref.split("/")
        if name not in description["components"].get(kind, {}):
            missing.add(ref)
    assert missing == set()
    assert "/repos/{owner}/{repo}/commits/{ref}/check-runs" in description["paths"]


def test_commit_checks_traffic_matches_the_description(gh: GithubStandin, openapi: OpenAPI) -> None:
    green, red, waiting, bare = "a" * 40, "b" * 40, "c" * 40, "d" * 40
    gh.set_commit_status(REPO, green, "ci/jenkins", "success", target_url="https://ci/1")
    gh.set_check_run(REPO, green, "test")
    gh.set_commit_status(REPO, red, "ci/jenkins", "failure", description="2 tests failed")
    gh.set_check_run(REPO, red, "lint", "completed", "failure")
    gh.set_commit_status(REPO, waiting, "ci/jenkins", "pending")
    gh.set_check_run(REPO, waiting, "deploy-preview", "in_progress", None)
    for name in (f"check-{i:03}" for i in range(130)):  # more than one page of check runs
        gh.set_check_run(REPO, green, name)
    clock = FakeClock()
    provider = GithubProvider(TOKEN, gh.base_url, sleep=clock.sleep, clock=clock)

    for sha in (green, red, waiting, bare):
        provider.commit_checks(REPO, sha)
    with pytest.raises(GithubException):  # 404 No commit found
        client(gh).requester.requestJsonAndCheck("GET", f"/repos/{REPO}/commits/nope/status")

    found, quirks = problems(openapi, gh.exchanges)

    assert found == []
    assert quirks == 1, "the in-progress run's null conclusion, and only that"
    assert gh.count("GET", r"/commits/a{40}/check-runs$") == 2
    assert sorted({e.status for e in gh.exchanges}) == [200, 404]


def test_error_answers_match_the_description(gh: GithubStandin, openapi: OpenAPI) -> None:
    github = client(gh)
    repo = github.get_repo(REPO)
    attempts: list[Callable[[], object]] = [
        lambda: github.get_repo("acme/missing"),  # 404
        lambda: repo.create_pull(base="main", head="no-such-branch", title="t", body=""),  # 422
        lambda: repo.get_pull(99),  # 404
        lambda: repo.get_label("nope"),  # 404
        lambda: repo.create_git_ref("refs/heads/main", "1" * 40),  # 422 already exists
    ]
    repo.create_label("promotion", "ededed")
    attempts.append(lambda: repo.create_label("promotion", "ededed"))  # 422 already_exists
    for attempt in attempts:
        with pytest.raises(GithubException):
            attempt()

    found, _ = problems(openapi, gh.exchanges)

    assert found == []
    assert sorted(e.status for e in gh.exchanges if e.status >= 400) == [
        404,
        404,
        404,
        422,
        422,
        422,
    ]


def test_the_check_catches_what_github_would_reject(gh: GithubStandin, openapi: OpenAPI) -> None:
    # A request GitHub's description forbids (draft must be a boolean) ...
    data = json.dumps({"title": "t", "head": HEAD, "base": "main", "draft": "yes"}).encode()
    post = urllib.request.Request(
        f"{gh.base_url}/repos/{REPO}/pulls",
        data=data,
        method="POST",
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(post, timeout=5) as answer:
        assert answer.status == 201
    # ... and an answer missing a required field are both reported.
    [exchange] = gh.exchanges
    body = json.loads(exchange.body)
    del body["number"]
    broken = replace(exchange, body=json.dumps(body).encode())

    found, quirks = problems(openapi, [broken])

    assert quirks == 0
    assert len(found) == 2
    assert found[0].startswith("request POST /repos/acme/gitops/pulls -> 201")
    assert found[1].startswith("response POST /repos/acme/gitops/pulls -> 201")
    assert "draft: 'yes' is not of type 'boolean'" in found[0]
    assert "'number' is a required property" in found[1]
