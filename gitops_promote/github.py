"""Pull requests on GitHub (and GitHub Enterprise Server) through the REST API.

The only module importing PyGithub. Every GitHub or network failure leaves here as a one-line
:class:`~gitops_promote.errors.ProviderError` that says what failed and what to do about it, and
never contains the token.

Retries are this module's own (PyGithub's are switched off): server errors (5xx), timeouts and
connection failures are retried with exponential backoff; a rate limit is waited out when the
wait is short; a review or label request that GitHub rejects right after the pull request was
opened is retried briefly. Everything one operation does is bounded by ``total_retry_seconds``,
measured on ``clock``; ``sleep`` and ``clock`` are injectable so tests never really wait.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests
from github import Auth, Github, GithubException
from github.GithubException import BadAttributeException
from github.GithubObject import NotSet
from github.PullRequest import PullRequest
from github.Repository import Repository

from .errors import ProviderError, UsageError
from .gatecheck import CheckRun, CommitChecks, CommitStatus
from .provider import PullRequestRef, PullRequestSpec

__all__ = ["DEFAULT_API_URL", "MAX_BODY_CHARS", "GithubProvider", "fit_body"]

DEFAULT_API_URL = "https://api.github.com"

#: Longest rate-limit wait that is sat out instead of failing.
MAX_RATE_LIMIT_WAIT = 10.0
#: Attempts per API call for server errors and network failures.
MAX_ATTEMPTS = 6
#: Attempts for a label or review request GitHub rejects with 422 (a fresh PR settles quickly).
MAX_422_ATTEMPTS = 3
#: GitHub refuses a pull request body longer than this many characters.
MAX_BODY_CHARS = 65536
TRUNCATED_NOTE = (
    "\n\n---\n*This description was cut to fit GitHub's limit of {limit} characters; "
    "run `gitops-promote diff` (or see the job summary) for the full report.*\n"
)

T = TypeVar("T")

_PERMISSIONS = "the token needs 'contents: write' and 'pull-requests: write' permissions"
_READ_CHECKS = "the token needs 'statuses: read' and 'checks: read' permissions"
#: Pages of 100 check runs read at most (GitHub itself stops at the 1000 latest check suites).
MAX_CHECK_RUN_PAGES = 10


class _BadAnswer(RuntimeError):
    """An answer that is not the JSON the endpoint documents (reported as an unexpected answer)."""


class _Passthrough(Exception):
    """Carries a GithubException the caller asked to handle itself."""

    def __init__(self, exc: GithubException) -> None:
        super().__init__(str(exc))
        self.exc = exc


class GithubProvider:
    """Opens, updates and closes promotion pull requests on GitHub.

    ``api_url`` is the REST base URL: ``https://api.github.com`` by default, or
    ``https://HOST/api/v3`` for GitHub Enterprise Server (what ``GITHUB_API_URL`` holds inside
    GitHub Actions).
    """

    def __init__(
        self,
        token: str,
        api_url: str | None = None,
        *,
        timeout: float = 15.0,
        total_retry_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secrets = tuple(sorted({token, token.strip()} - {""}, key=len, reverse=True))
        token = token.strip()
        if not token:
            raise UsageError("a GitHub token is required: set GITHUB_TOKEN or pass --token")
        if not re.fullmatch(r"[\x21-\x7e]+", token):
            raise UsageError(
                "the GitHub token contains spaces, line breaks or non-ASCII characters: check "
                "GITHUB_TOKEN / --token"
            )
        self._token = token
        self.api_url = (api_url or DEFAULT_API_URL).strip().rstrip("/")
        parts = urlsplit(self.api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"GITHUB_API_URL must be an http(s) URL such as {DEFAULT_API_URL} or "
                f"https://HOST/api/v3, got {self.api_url!r}"
            )
        self.timeout = float(max(1, math.ceil(timeout)))
        self.total_retry_seconds = total_retry_seconds
        self._sleep = sleep
        self._clock = clock
        self._deadline = 0.0
        self._github = Github(
            auth=Auth.Token(token),
            base_url=self.api_url,
            timeout=int(self.timeout),  # PyGithub takes whole seconds
            retry=0,
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    # -- the Provider protocol -----------------------------------------------------------------

    def open_or_update(self, spec: PullRequestSpec) -> PullRequestRef:
        """Update the open pull request for ``spec.head`` (title, body) or open it; then add the
        labels and request the reviewers. Never opens a second pull request for one head."""
        self._start()
        body = fit_body(spec.body)
        repo = self._repository(spec.repository)
        existing = self._find_open(repo, spec.repository, spec.head, spec.base)
        created = False
        if existing is None:
            try:
                pull = self._call(
                    f"opening a pull request from {spec.head} into {spec.base}",
                    spec.repository,
                    lambda: repo.create_pull(
                        base=spec.base,
                        head=spec.head,
                        title=spec.title,
                        body=body,
                        draft=spec.draft,
                    ),
                    passthrough=_already_exists,
                )
                created = True
            except _Passthrough as err:
                # A pull request appeared meanwhile (or a retried create went through): use it.
                existing = self._find_open(repo, spec.repository, spec.head, None)
                if existing is None:
                    raise self._error(
                        err.exc, f"opening a pull request from {spec.head}", spec.repository
                    ) from None
        if existing is not None:
            pull = existing
            found = existing
            self._call(
                f"updating pull request #{found.number}",
                spec.repository,
                lambda: found.edit(title=spec.title, body=body),
            )
        if spec.labels:
            self._call(
                f"adding labels to pull request #{pull.number}",
                spec.repository,
                lambda: pull.add_to_labels(*spec.labels),
                retry_422=True,
            )
        if spec.reviewers or spec.team_reviewers:
            self._call(
                f"requesting reviewers on pull request #{pull.number}",
                spec.repository,
                lambda: pull.create_review_request(
                    reviewers=list(spec.reviewers) if spec.reviewers else NotSet,
                    team_reviewers=list(spec.team_reviewers) if spec.team_reviewers else NotSet,
                ),
                retry_422=True,
            )
        return PullRequestRef(number=pull.number, url=pull.html_url, created=created, state="open")

    def close_stale(self, repository: str, head: str, comment: str) -> PullRequestRef | None:
        """Comment on the open pull request for ``head`` and close it; ``None`` if none is open."""
        self._start()
        repo = self._repository(repository)
        pull = self._find_open(repo, repository, head, None)
        if pull is None:
            return None
        found = pull
        self._call(
            f"commenting on pull request #{found.number}",
            repository,
            lambda: found.create_issue_comment(comment),
        )
        self._call(
            f"closing pull request #{found.number}",
            repository,
            lambda: found.edit(state="closed"),
        )
        return PullRequestRef(
            number=found.number, url=found.html_url, created=False, state="closed"
        )

    # -- commit checks (promotion gates) -------------------------------------------------------

    def commit_checks(self, repository: str, sha: str) -> CommitChecks:
        """The combined status and the check runs of commit ``sha`` (for ``checks: success``).

        ``GET /repos/{owner}/{repo}/commits/{ref}/status`` (up to 100 status contexts: the
        combined state covers them all) and ``GET .../commits/{ref}/check-runs`` (the latest run
        of each check, every page up to :data:`MAX_CHECK_RUN_PAGES`).
        """
        self._start()
        repo = self._repository(repository)
        short = sha[:7]
        base = f"{repo.url}/commits/{quote(sha, safe='')}"
        requester = self._github.requester

        def status() -> tuple[str, tuple[CommitStatus, ...]]:
            _, data = requester.requestJsonAndCheck("GET", f"{base}/status", {"per_page": 100})
            return _combined_status(data)

        state, statuses = self._call(
            f"reading the commit status of {short}",
            repository,
            _answer_of("a combined status", status),
            permissions=_READ_CHECKS,
        )
        runs: list[CheckRun] = []
        for page in range(1, MAX_CHECK_RUN_PAGES + 1):

            def check_runs(page: int = page) -> tuple[int, list[CheckRun]]:
                _, data = requester.requestJsonAndCheck(
                    "GET",
                    f"{base}/check-runs",
                    {"filter": "latest", "per_page": 100, "page": page},
                )
                return _check_runs(data)

            total, found = self._call(
                f"reading the check runs of {short}",
                repository,
                _answer_of("a list of check runs", check_runs),
                permissions=_READ_CHECKS,
            )
            runs.extend(found)
            if not found or len(runs) >= total:
                break
        return CommitChecks(sha=sha, state=state, statuses=statuses, check_runs=tuple(runs))

    def close(self) -> None:
        """Release the HTTP connections."""
        self._github.close()

    def __enter__(self) -> GithubProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps --------------------------------------------------------------------------------

    def _start(self) -> None:
        self._deadline = self._clock() + self.total_retry_seconds

    def _repository(self, repository: str) -> Repository:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
            raise UsageError(f"invalid GitHub repository {repository!r}: expected OWNER/NAME")
        return self._call(
            f"looking up repository {repository}",
            repository,
            lambda: self._github.get_repo(repository),
            repository_lookup=True,
        )

    def _find_open(
        self, repo: Repository, repository: str, head: str, base: str | None
    ) -> PullRequest | None:
        owner = repository.split("/", 1)[0]

        def fetch() -> list[PullRequest]:
            if base is None:
                pulls = repo.get_pulls(state="open", head=f"{owner}:{head}")
            else:
                pulls = repo.get_pulls(state="open", head=f"{owner}:{head}", base=base)
            # GitHub ignores a head filter it cannot parse and returns every open PR: check.
            # (Reading attributes may fetch the full object, so this runs inside the retries.)
            return [
                p
                for p in pulls
                if p.head.ref == head
                and (p.head.repo is None or p.head.repo.full_name.lower() == repository.lower())
            ]

        mine = self._call(f"listing open pull requests for {head}", repository, fetch)
        return min(mine, key=lambda p: p.number) if mine else None

    # -- calls, retries and errors ------------------------------------------------------------

    def _call(
        self,
        action: str,
        repository: str,
        fn: Callable[[], T],
        *,
        retry_422: bool = False,
        repository_lookup: bool = False,
        passthrough: Callable[[GithubException], bool] | None = None,
        permissions: str = _PERMISSIONS,
    ) -> T:
        attempt = 0
        started = self._clock()
        while True:
            attempt += 1
            try:
                return fn()
            except GithubException as exc:
                if passthrough is not None and passthrough(exc):
                    raise _Passthrough(exc) from None
                wait = self._retry_wait(exc, attempt, retry_422)
                if wait is None or not self._can_wait(wait):
                    if _is_rate_limited(exc):
                        raise self._rate_limit_error(exc, action) from None
                    raise self._error(
                        exc, action, repository, attempt, started, repository_lookup, permissions
                    ) from None
            except _TRANSIENT_NETWORK_ERRORS as exc:
                wait = _backoff(attempt)
                if attempt >= MAX_ATTEMPTS or not self._can_wait(wait):
                    raise self._network_error(exc, action, attempt, started) from None
            except requests.exceptions.RequestException as exc:
                raise self._network_error(exc, action, attempt, started) from None
            except (
                AssertionError,
                RuntimeError,
                BadAttributeException,
                ValueError,
                TypeError,
                KeyError,
                AttributeError,
            ) as exc:
                # PyGithub asserts when an answer points at another host, raises RuntimeError
                # on redirects to another host or scheme, and BadAttributeException on answers
                # whose fields have unexpected types; an answer that is not JSON at all (an HTML
                # page, a truncated body) fails in its JSON decoding or field access.
                detail = " ".join((str(exc) or type(exc).__name__).split())[:200]
                if isinstance(exc, (ValueError, TypeError, KeyError, AttributeError)):
                    detail = f"not the JSON expected: {type(exc).__name__}"
                raise ProviderError(
                    self._scrub(
                        f"unexpected answer from the GitHub API at {self.api_url} while "
                        f"{action} ({detail}): check GITHUB_API_URL"
                    )
                ) from None
            self._sleep(wait)

    def _can_wait(self, seconds: float) -> bool:
        return self._clock() + seconds <= self._deadline

    def _retry_wait(self, exc: GithubException, attempt: int, retry_422: bool) -> float | None:
        """Seconds to wait before retrying, or ``None`` when retrying will not help."""
        status = exc.status
        if _is_rate_limited(exc):
            wait = self._rate_limit_wait(exc)
            if wait is None or wait > MAX_RATE_LIMIT_WAIT or attempt >= MAX_ATTEMPTS:
                return None
            return wait
        if status >= 500 and attempt < MAX_ATTEMPTS:
            return _backoff(attempt)
        if status == 422 and retry_422 and attempt < MAX_422_ATTEMPTS:
            return float(attempt)
        return None

    def _rate_limit_wait(self, exc: GithubException) -> float | None:
        headers = _headers(exc)
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                return None
        reset = headers.get("x-ratelimit-reset")
        if reset is not None and headers.get("x-ratelimit-remaining") == "0":
            try:
                return max(float(reset) - self._clock(), 0.0) + 1.0
            except ValueError:
                return None
        return None  # a secondary limit without a hint: GitHub asks for at least a minute

    def _rate_limit_error(self, exc: GithubException, action: str) -> ProviderError:
        headers = _headers(exc)
        wait = self._rate_limit_wait(exc)
        if wait is not None:
            when = datetime.fromtimestamp(self._clock() + wait, tz=timezone.utc)
            advice = f"retry after {when:%H:%M:%S} UTC (in {wait:.0f} s)"
        else:
            advice = "retry in a few minutes"
        limit = (
            "rate limit" if headers.get("x-ratelimit-remaining") == "0" else "secondary rate limit"
        )
        return ProviderError(
            self._scrub(f"GitHub API {limit} exceeded ({exc.status}) while {action}: {advice}")
        )

    def _error(
        self,
        exc: GithubException,
        action: str,
        repository: str,
        attempt: int = 1,
        started: float | None = None,
        repository_lookup: bool = False,
        permissions: str = _PERMISSIONS,
    ) -> ProviderError:
        status = exc.status
        message = _message(exc)
        if status == 401:
            text = (
                f"GitHub rejected the token (401 {message or 'Bad credentials'}): "
                "check GITHUB_TOKEN / --token"
            )
        elif status == 403:
            text = (
                f"GitHub denied permission while {action} in {repository} "
                f"(403 {message or 'Forbidden'}): {permissions} on {repository}"
            )
        elif status == 404 and repository_lookup:
            text = (
                f"GitHub repository {repository} not found (404) at {self.api_url}: check the "
                "name (github.repository in the config, or the origin remote); a token without "
                "access to a private repository also gets 404"
            )
        elif status == 404:
            text = (
                f"GitHub answered 404 {message or 'Not Found'} while {action} in {repository}: "
                "a token without access to the repository also gets 404"
            )
        elif status == 422:
            text = f"GitHub rejected {action} (422 {_validation_details(exc)})"
        elif status >= 500:
            text = f"GitHub API error while {action}: {status} {message or 'Server Error'}"
            text += self._gave_up(attempt, started)
        else:
            text = f"GitHub API error while {action}: {status} {message}".rstrip()
        return ProviderError(self._scrub(text))

    def _network_error(
        self, exc: requests.exceptions.RequestException, action: str, attempt: int, started: float
    ) -> ProviderError:
        if isinstance(exc, requests.exceptions.Timeout):
            reason = f"no answer within {self.timeout:g} s"
        else:
            found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
            reason = found.group(1).strip() if found else type(exc).__name__
        text = f"cannot reach the GitHub API at {self.api_url} while {action}: {reason}"
        return ProviderError(self._scrub(text + self._gave_up(attempt, started)))

    def _gave_up(self, attempt: int, started: float | None) -> str:
        if attempt <= 1 or started is None:
            return ""
        return f" (gave up after {attempt} attempts in {self._clock() - started:.0f} s)"

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        text = " ".join(text.split())
        for secret in self._secrets:
            text = text.replace(" ".join(secret.split()), "***")
        return text


_TRANSIENT_NETWORK_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def fit_body(body: str, limit: int = MAX_BODY_CHARS) -> str:
    """``body`` unchanged if GitHub takes it, else cut at a line end with a note saying so."""
    if len(body) <= limit:
        return body
    note = TRUNCATED_NOTE.format(limit=limit)
    keep = body[: max(limit - len(note), 0)]
    cut = keep.rfind("\n")
    if cut > 0:
        keep = keep[:cut]
    return keep + note


def _answer_of(what: str, fn: Callable[[], T]) -> Callable[[], T]:
    """``fn``, with an answer that is not the JSON it expects reported as such."""

    def call() -> T:
        try:
            return fn()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise _BadAnswer(f"not {what}: {type(exc).__name__}") from None

    return call


def _combined_status(data: Any) -> tuple[str, tuple[CommitStatus, ...]]:
    if not isinstance(data, dict) or data.get("state") not in ("failure", "pending", "success"):
        raise ValueError("no state")
    statuses = []
    for item in data.get("statuses") or []:
        context, state = item["context"], item["state"]
        if not isinstance(context, str) or not isinstance(state, str):
            raise TypeError("context")
        statuses.append(
            CommitStatus(
                context=context,
                state=state,
                description=str(item.get("description") or ""),
                target_url=item.get("target_url"),
            )
        )
    return str(data["state"]), tuple(statuses)


def _check_runs(data: Any) -> tuple[int, list[CheckRun]]:
    if not isinstance(data, dict) or not isinstance(data.get("check_runs"), list):
        raise ValueError("no check_runs")
    runs = []
    for item in data["check_runs"]:
        name, status, conclusion = item["name"], item["status"], item.get("conclusion")
        if not isinstance(name, str) or not isinstance(status, str):
            raise TypeError("name")
        runs.append(
            CheckRun(
                name=name,
                status=status,
                conclusion=conclusion if isinstance(conclusion, str) else None,
                url=item.get("html_url") or item.get("details_url"),
            )
        )
    total = data.get("total_count")
    return (total if isinstance(total, int) else len(runs)), runs


def _backoff(attempt: int) -> float:
    return float(min(2 ** (attempt - 1), 8))


def _headers(exc: GithubException) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}


def _message(exc: GithubException) -> str:
    data: Any = exc.data
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, str):
            return " ".join(message.split())
        raw = data.get("data")
        if isinstance(raw, str) and not raw.lstrip().startswith("<"):  # text, not an HTML page
            return " ".join(raw.split())[:200]
    return ""


def _is_rate_limited(exc: GithubException) -> bool:
    if exc.status not in (403, 429):
        return False
    headers = _headers(exc)
    if headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers:
        return True
    message = _message(exc).lower()
    return exc.status == 429 or "rate limit" in message


def _already_exists(exc: GithubException) -> bool:
    return exc.status == 422 and "already exists" in _validation_details(exc).lower()


def _validation_details(exc: GithubException) -> str:
    """``Validation Failed: A pull request already exists for o:b.; PullRequest.head invalid``."""
    data: Any = exc.data
    message = _message(exc) or "Validation Failed"
    details: list[str] = []
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list):
        for error in errors:
            if isinstance(error, str):
                details.append(error)
            elif isinstance(error, dict):
                if isinstance(error.get("message"), str):
                    details.append(error["message"])
                else:
                    parts = [str(error[k]) for k in ("resource", "field") if error.get(k)]
                    item = ".".join(parts)
                    code = error.get("code")
                    if code:
                        item = f"{item} {code}".strip()
                    if item:
                        details.append(item)
    text = message + (": " + "; ".join(details) if details else "")
    return " ".join(text.split())
