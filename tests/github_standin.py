"""An in-memory GitHub REST API over real HTTP on 127.0.0.1, for tests.

``GithubStandin`` answers the endpoints a promotion bot uses (repository, branches, git refs,
pulls, requested reviewers, issue labels and comments, labels) the way api.github.com does,
with response bodies shaped like GitHub's (see ../shared/github/openapi-subset.json) and every
URL in them pointing back at the stand-in (PyGithub refuses to follow foreign hosts).

It records every request, and it can be told to answer the next N requests to a route with a
given status, headers and body, or to answer slowly (timeouts)::

    with GithubStandin(token="t0ken") as gh:
        gh.add_repo("acme/gitops", branches={"main": SHA, "feature": SHA2})
        gh.fail(r"/pulls$", 502, method="POST", times=2)
        provider = GithubProvider("t0ken", gh.base_url)
        ...
        assert gh.count("POST", r"/pulls$") == 3

A repository can mirror the branches of a bare git repository (``git_dir=``): what a test pushes
there with real git is what the API sees.

What CI reported on a commit is set per sha: status contexts (``set_commit_status``, the latest
per context counts, as on GitHub) and check runs (``set_check_run``, one per name)::

    gh.set_commit_status("acme/gitops", SHA, "ci/jenkins", "success")
    gh.set_check_run("acme/gitops", SHA, "test", "completed", "failure")
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .loopback import LoopbackServer

JSON = Any
DOCS = "https://docs.github.com/rest"
MAX_BODY = 65536  # characters GitHub takes in a pull request or comment body
RATE_LIMIT = 5000


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the stand-in received it."""

    method: str
    path: str  # below the API prefix, unquoted, without the query string
    raw_path: str  # exactly as sent (prefix, percent-encoding and query included)
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def json(self) -> JSON:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Exchange:
    """A request and the answer the stand-in gave it."""

    request: RecordedRequest
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    injected: bool  # the answer came from a fault, not from the stand-in's model


@dataclass
class Fault:
    """Answer the next ``times`` requests matching ``method``/``route`` this way instead."""

    route: re.Pattern[str]
    method: str | None
    status: int | None  # None: answer normally, after ``delay``
    headers: dict[str, str]
    body: JSON
    times: int
    delay: float
    handled: bool = False  # carry the request out first, then answer with the fault

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.route.search(path) is not None


@dataclass
class _Repo:
    owner: str
    name: str
    id: int
    default_branch: str
    private: bool
    branches: dict[str, str]
    git_dir: Path | None
    labels: dict[str, dict[str, JSON]] = field(default_factory=dict)
    issues: dict[int, dict[str, JSON]] = field(default_factory=dict)  # number -> pull state
    statuses: dict[str, list[dict[str, JSON]]] = field(default_factory=dict)  # sha -> newest last
    check_runs: dict[str, dict[str, dict[str, JSON]]] = field(default_factory=dict)  # sha, name

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class ApiError(Exception):
    """Raised by a route to answer with a GitHub error body."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[JSON] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = dict(headers or {})

    def body(self) -> JSON:
        body: dict[str, JSON] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        if self.status in (400, 401, 403, 404, 409, 422) or self.status >= 500:
            body["status"] = str(self.status)
        return body


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class GithubStandin(LoopbackServer):
    """A threaded loopback HTTP server that behaves like the GitHub REST API.

    ``prefix`` is the API path prefix: ``""`` like api.github.com, ``"/api/v3"`` like GitHub
    Enterprise Server. With ``token`` set, requests must carry ``Authorization: token TOKEN``
    (or ``Bearer TOKEN``) or get GitHub's 401 "Bad credentials".
    """

    thread_name = "github-standin"

    def __init__(self, *, prefix: str = "", token: str | None = None, login: str = "gitops-bot"):
        self.prefix = prefix.rstrip("/")
        self.token = token
        self.login = login
        self.requests: list[RecordedRequest] = []
        self.exchanges: list[Exchange] = []
        self._faults: list[Fault] = []
        self._repos: dict[str, _Repo] = {}
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1000)
        super().__init__()
        self.rate_remaining = RATE_LIMIT

    # -- life cycle ---------------------------------------------------------------------------

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(_Handler):
            owner = standin

        return Handler

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    @property
    def host_url(self) -> str:
        """``http://127.0.0.1:PORT`` (what ``html_url`` values start with)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL to hand to a client (host URL plus ``prefix``)."""
        return self.host_url + self.prefix

    # -- set-up -------------------------------------------------------------------------------

    def add_repo(
        self,
        full_name: str,
        *,
        default_branch: str = "main",
        branches: Mapping[str, str] | None = None,
        git_dir: Path | str | None = None,
        private: bool = True,
    ) -> None:
        """Add a repository. Its branches are ``branches`` or those of the bare repo ``git_dir``."""
        owner, name = full_name.split("/", 1)
        with self._lock:
            self._repos[full_name.lower()] = _Repo(
                owner=owner,
                name=name,
                id=next(self._ids),
                default_branch=default_branch,
                private=private,
                branches=dict(branches or {}),
                git_dir=Path(git_dir) if git_dir is not None else None,
            )

    def set_branch(self, full_name: str, branch: str, sha: str) -> None:
        with self._lock:
            repo = self._repo(full_name)
            self._write_branch(repo, branch, sha)

    def set_commit_status(
        self,
        full_name: str,
        sha: str,
        context: str,
        state: str,
        *,
        description: str | None = None,
        target_url: str | None = None,
    ) -> None:
        """Report ``state`` (error, failure, pending, success) for ``context`` on commit ``sha``,
        as a CI system would (``POST /repos/{owner}/{repo}/statuses/{sha}``)."""
        if state not in ("error", "failure", "pending", "success"):
            raise ValueError(f"not a commit status state: {state}")
        with self._lock:
            repo = self._repo(full_name)
            now = _now()
            repo.statuses.setdefault(sha, []).append(
                {
                    "id": next(self._ids),
                    "context": context,
                    "state": state,
                    "description": description,
                    "target_url": target_url,
                    "created_at": now,
                    "updated_at": now,
                }
            )

    def set_check_run(
        self,
        full_name: str,
        sha: str,
        name: str,
        status: str = "completed",
        conclusion: str | None = "success",
    ) -> None:
        """Create or replace the check run ``name`` on commit ``sha`` (the latest run per name is
        what ``filter=latest`` lists). ``conclusion`` is ``None`` until ``status`` is completed."""
        if status not in ("queued", "in_progress", "completed", "waiting", "requested", "pending"):
            raise ValueError(f"not a check run status: {status}")
        if (status == "completed") != (conclusion is not None):
            raise ValueError("a check run has a conclusion exactly when it is completed")
        with self._lock:
            repo = self._repo(full_name)
            repo.check_runs.setdefault(sha, {})[name] = {
                "id": next(self._ids),
                "name": name,
                "status": status,
                "conclusion": conclusion,
                "started_at": _now(),
                "completed_at": _now() if status == "completed" else None,
            }

    def fail(
        self,
        route: str,
        status: int | None,
        *,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: JSON = None,
        times: int = 1,
        delay: float = 0.0,
        handled: bool = False,
    ) -> Fault:
        """Answer the next ``times`` requests whose path matches the regex ``route`` (searched in
        the path below the prefix) with ``status``/``headers``/``body``; ``status=None`` answers
        normally after ``delay`` seconds. A ``body`` of None becomes GitHub's error shape, a
        ``bytes`` body is sent as it is (as HTML). With
        ``handled=True`` the request is carried out before the fault answers (an answer lost on
        the way back)."""
        fault = Fault(
            route=re.compile(route),
            method=method.upper() if method else None,
            status=status,
            headers=dict(headers or {}),
            body=body,
            times=times,
            delay=delay,
            handled=handled,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Forget every fault not yet used up (GitHub is back)."""
        with self._lock:
            self._faults.clear()

    # -- inspection ---------------------------------------------------------------------------

    def requests_to(self, method: str | None = None, route: str = "") -> list[RecordedRequest]:
        pattern = re.compile(route)
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method.upper()) and pattern.search(r.path)
            ]

    def count(self, method: str | None = None, route: str = "") -> int:
        return len(self.requests_to(method, route))

    def pulls(self, full_name: str) -> list[dict[str, JSON]]:
        """Every pull request of the repository (as the API would show it), oldest first."""
        with self._lock:
            repo = self._repo(full_name)
            return [self._pull_json(repo, p) for _, p in sorted(repo.issues.items())]

    def pull(self, full_name: str, number: int) -> dict[str, JSON]:
        with self._lock:
            repo = self._repo(full_name)
            return self._pull_json(repo, repo.issues[number])

    def comments(self, full_name: str, number: int) -> list[str]:
        with self._lock:
            return [c["body"] for c in self._repo(full_name).issues[number]["comments"]]

    def add_pull(
        self, full_name: str, *, head: str, base: str, title: str = "", body: str = ""
    ) -> int:
        """Open a pull request directly (as someone else would have); returns its number."""
        with self._lock:
            repo = self._repo(full_name)
            data = {"head": head, "base": base, "title": title or head, "body": body}
            return int(self._create_pull(repo, data)["number"])

    def label_pull(self, full_name: str, number: int, *names: str) -> None:
        """Put labels on a pull request directly (as someone else would have)."""
        with self._lock:
            repo = self._repo(full_name)
            for name in names:
                key = self._ensure_label(repo, name)
                if key not in repo.issues[number]["labels"]:
                    repo.issues[number]["labels"].append(key)

    # -- request handling ---------------------------------------------------------------------

    def _record(self, req: RecordedRequest) -> Fault | None:
        with self._lock:
            self.requests.append(req)
            for fault in self._faults:
                if fault.matches(req.method, req.path):
                    fault.times -= 1
                    return fault
        return None

    def _rate_headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(self.rate_remaining),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-used": str(RATE_LIMIT - self.rate_remaining),
            "x-ratelimit-resource": "core",
        }

    def handle(self, req: RecordedRequest) -> tuple[int, dict[str, str], JSON, bool]:
        """Route one request; returns (status, headers, body, whether a fault answered)."""
        fault = self._record(req)
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        if fault is not None and fault.status is not None and not fault.handled:
            return (*self._fault_answer(fault), True)
        answer = self._answer(req)
        if fault is not None and fault.status is not None:
            return (*self._fault_answer(fault), True)
        return (*answer, False)

    def _record_exchange(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _fault_answer(self, fault: Fault) -> tuple[int, dict[str, str], JSON]:
        assert fault.status is not None
        headers = self._rate_headers()
        headers.update(fault.headers)
        body = fault.body
        if body is None and fault.status >= 400:
            body = ApiError(fault.status, _REASONS.get(fault.status, "Error")).body()
        return fault.status, headers, body

    def _answer(self, req: RecordedRequest) -> tuple[int, dict[str, str], JSON]:
        headers = self._rate_headers()
        if self.token is not None:
            auth = req.headers.get("authorization", "")
            scheme, _, value = auth.partition(" ")
            if scheme.lower() not in ("token", "bearer") or value != self.token:
                return 401, headers, ApiError(401, "Bad credentials").body()
        try:
            with self._lock:
                status, extra, body = self._route(req)
        except ApiError as err:
            headers.update(err.headers)
            return err.status, headers, err.body()
        headers.update(extra)
        return status, headers, body

    def _route(self, req: RecordedRequest) -> tuple[int, dict[str, str], JSON]:
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", req.path)
        if not m:
            raise ApiError(404, "Not Found")
        repo = self._repos.get(f"{m.group(1)}/{m.group(2)}".lower())
        if repo is None:
            raise ApiError(404, "Not Found")
        rest = m.group(3) or ""
        method = req.method
        for pattern, verb, handler in _ROUTES:
            hit = re.fullmatch(pattern, rest)
            if hit and verb == method:
                answer: Route = handler(self, repo, req, *hit.groups())
                return answer
        raise ApiError(404, "Not Found")

    # -- representations ----------------------------------------------------------------------

    def _user(self, login: str) -> dict[str, JSON]:
        api = self.base_url
        uid = sum(login.encode()) + 1
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "avatar_url": f"{self.host_url}/avatars/{login}",
            "gravatar_id": "",
            "url": f"{api}/users/{login}",
            "html_url": f"{self.host_url}/{login}",
            "followers_url": f"{api}/users/{login}/followers",
            "following_url": f"{api}/users/{login}/following{{/other_user}}",
            "gists_url": f"{api}/users/{login}/gists{{/gist_id}}",
            "starred_url": f"{api}/users/{login}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/users/{login}/subscriptions",
            "organizations_url": f"{api}/users/{login}/orgs",
            "repos_url": f"{api}/users/{login}/repos",
            "events_url": f"{api}/users/{login}/events{{/privacy}}",
            "received_events_url": f"{api}/users/{login}/received_events",
            "type": "User",
            "site_admin": False,
        }

    def _team(self, repo: _Repo, slug: str) -> dict[str, JSON]:
        api = self.base_url
        tid = sum(slug.encode()) + 7
        return {
            "id": tid,
            "node_id": f"T_{tid}",
            "url": f"{api}/orgs/{repo.owner}/teams/{slug}",
            "html_url": f"{self.host_url}/orgs/{repo.owner}/teams/{slug}",
            "members_url": f"{api}/orgs/{repo.owner}/teams/{slug}/members{{/member}}",
            "repositories_url": f"{api}/orgs/{repo.owner}/teams/{slug}/repos",
            "name": slug,
            "slug": slug,
            "description": None,
            "privacy": "closed",
            "permission": "pull",
            "type": "organization",
            "parent": None,
        }

    def _repo_json(self, repo: _Repo) -> dict[str, JSON]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.host_url}/{repo.full_name}"
        urls = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        open_count = sum(1 for p in repo.issues.values() if p["state"] == "open")
        body: dict[str, JSON] = {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self._user(repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "html_url": html,
            "description": None,
            "fork": False,
            "url": api,
            **{key: api + suffix for key, suffix in urls.items()},
            "git_url": f"git://127.0.0.1:{self.port}/{repo.full_name}.git",
            "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "mirror_url": None,
            "homepage": None,
            "language": None,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 1,
            "default_branch": repo.default_branch,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": True,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "pushed_at": "2026-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
            "allow_rebase_merge": True,
            "allow_squash_merge": True,
            "allow_merge_commit": True,
            "allow_auto_merge": False,
            "delete_branch_on_merge": False,
            "license": None,
            "network_count": 0,
            "subscribers_count": 0,
        }
        return body

    def _label_json(self, repo: _Repo, name: str) -> dict[str, JSON]:
        label = repo.labels[name.lower()]
        return {
            "id": label["id"],
            "node_id": f"LA_{label['id']}",
            "url": f"{self.base_url}/repos/{repo.full_name}/labels/{quote(label['name'], safe='')}",
            "name": label["name"],
            "description": label["description"],
            "color": label["color"],
            "default": False,
        }

    def _ensure_label(self, repo: _Repo, name: str, color: str = "ededed") -> str:
        key = name.lower()
        if key not in repo.labels:
            repo.labels[key] = {
                "id": next(self._ids),
                "name": name,
                "color": color,
                "description": None,
            }
        return key

    def _branch_ref(self, repo: _Repo, branch: str, sha: str) -> dict[str, JSON]:
        return {
            "label": f"{repo.owner}:{branch}",
            "ref": branch,
            "sha": sha,
            "user": self._user(repo.owner),
            "repo": self._repo_json(repo),
        }

    def _pull_json(
        self, repo: _Repo, pull: dict[str, JSON], simple: bool = False
    ) -> dict[str, JSON]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.host_url}/{repo.full_name}/pull/{pull['number']}"
        n = pull["number"]
        labels = [self._label_json(repo, key) for key in pull["labels"]]
        if simple:
            # The pull-request-simple schema types a label's description as a plain string.
            for label in labels:
                label["description"] = label["description"] or ""
        branches = self._branches(repo)
        head_sha: str = branches.get(pull["head"]) or pull["head_sha"]
        base_sha: str = branches.get(pull["base"]) or pull["base_sha"]
        body: dict[str, JSON] = {
            "url": f"{api}/pulls/{n}",
            "id": pull["id"],
            "node_id": f"PR_{pull['id']}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{api}/issues/{n}",
            "commits_url": f"{api}/pulls/{n}/commits",
            "review_comments_url": f"{api}/pulls/{n}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{api}/issues/{n}/comments",
            "statuses_url": f"{api}/statuses/{head_sha}",
            "number": n,
            "state": pull["state"],
            "locked": False,
            "title": pull["title"],
            "user": self._user(pull["author"]),
            "body": pull["body"],
            "labels": labels,
            "milestone": None,
            "active_lock_reason": None,
            "created_at": pull["created_at"],
            "updated_at": pull["updated_at"],
            "closed_at": pull["closed_at"],
            "merged_at": None,
            "merge_commit_sha": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [self._user(u) for u in pull["reviewers"]],
            "requested_teams": [self._team(repo, t) for t in pull["teams"]],
            "head": self._branch_ref(repo, pull["head"], head_sha),
            "base": self._branch_ref(repo, pull["base"], base_sha),
            "_links": {
                "self": {"href": f"{api}/pulls/{n}"},
                "html": {"href": html},
                "issue": {"href": f"{api}/issues/{n}"},
                "comments": {"href": f"{api}/issues/{n}/comments"},
                "review_comments": {"href": f"{api}/pulls/{n}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{api}/pulls/{n}/commits"},
                "statuses": {"href": f"{api}/statuses/{head_sha}"},
            },
            "author_association": "MEMBER",
            "auto_merge": None,
            "draft": pull["draft"],
        }
        if not simple:
            body.update(
                {
                    "merged": False,
                    "mergeable": None,
                    "rebaseable": None,
                    "mergeable_state": "unknown",
                    "merged_by": None,
                    "comments": len(pull["comments"]),
                    "review_comments": 0,
                    "maintainer_can_modify": False,
                    "commits": 1,
                    "additions": 1,
                    "deletions": 1,
                    "changed_files": 1,
                }
            )
        return body

    def _comment_json(self, repo: _Repo, number: int, comment: dict[str, JSON]) -> dict[str, JSON]:
        api = f"{self.base_url}/repos/{repo.full_name}"
        html = f"{self.host_url}/{repo.full_name}/pull/{number}"
        return {
            "id": comment["id"],
            "node_id": f"IC_{comment['id']}",
            "url": f"{api}/issues/comments/{comment['id']}",
            "html_url": f"{html}#issuecomment-{comment['id']}",
            "body": comment["body"],
            "user": self._user(comment["author"]),
            "created_at": comment["created_at"],
            "updated_at": comment["created_at"],
            "issue_url": f"{api}/issues/{number}",
            "author_association": "MEMBER",
        }

    # -- state helpers ------------------------------------------------------------------------

    def _repo(self, full_name: str) -> _Repo:
        return self._repos[full_name.lower()]

    def _branches(self, repo: _Repo) -> dict[str, str]:
        if repo.git_dir is None:
            return dict(repo.branches)
        out = subprocess.run(
            [
                "git",
                "--git-dir",
                str(repo.git_dir),
                "for-each-ref",
                "--format=%(objectname) %(refname)",
                "refs/heads/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        branches = {}
        for line in out.splitlines():
            sha, ref = line.split(" ", 1)
            branches[ref[len("refs/heads/") :]] = sha
        return branches

    def _write_branch(self, repo: _Repo, branch: str, sha: str | None) -> None:
        if repo.git_dir is None:
            if sha is None:
                repo.branches.pop(branch, None)
            else:
                repo.branches[branch] = sha
            return
        args = ["git", "--git-dir", str(repo.git_dir), "update-ref"]
        args += ["-d", f"refs/heads/{branch}"] if sha is None else [f"refs/heads/{branch}", sha]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise ApiError(422, "Object does not exist")

    def _issue(self, repo: _Repo, number: str) -> dict[str, JSON]:
        pull = repo.issues.get(int(number))
        if pull is None:
            raise ApiError(404, "Not Found")
        return pull

    def _create_pull(self, repo: _Repo, data: JSON) -> dict[str, JSON]:
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        for key in ("head", "base"):
            if not isinstance(data.get(key), str):
                raise ApiError(
                    422,
                    "Validation Failed",
                    [{"resource": "PullRequest", "field": key, "code": "missing_field"}],
                )
        if not isinstance(data.get("title"), str) or not data["title"].strip():
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "title", "code": "missing_field"}],
            )
        head = data["head"]
        owner, sep, branch = head.partition(":")
        if not sep:
            owner, branch = repo.owner, head
        branches = self._branches(repo)
        base = data["base"]
        if base not in branches:
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "base", "code": "invalid"}],
            )
        if owner.lower() != repo.owner.lower() or branch not in branches:
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
            )
        for pull in repo.issues.values():
            if pull["state"] == "open" and pull["head"] == branch and pull["base"] == base:
                raise _already_exists(repo, branch)
        if branches[branch] == branches[base]:
            raise ApiError(
                422,
                "Validation Failed",
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"No commits between {base} and {branch}",
                    }
                ],
            )
        now = _now()
        number = max(repo.issues, default=0) + 1
        pull = {
            "number": number,
            "id": next(self._ids),
            "state": "open",
            "title": data["title"],
            "body": data.get("body"),
            "head": branch,
            "base": base,
            "head_sha": branches[branch],
            "base_sha": branches[base],
            "draft": bool(data.get("draft", False)),
            "author": self.login,
            "labels": [],
            "reviewers": [],
            "teams": [],
            "comments": [],
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
        }
        repo.issues[number] = pull
        return pull

    def _paginate(
        self, req: RecordedRequest, items: list[JSON]
    ) -> tuple[int, dict[str, str], JSON]:
        per_page = min(int(req.query.get("per_page", ["30"])[0]), 100)
        page = max(int(req.query.get("page", ["1"])[0]), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(p: int, rel: str) -> str:
            query = {k: v[0] for k, v in req.query.items()}
            query["page"] = str(p)
            query["per_page"] = str(per_page)
            qs = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in sorted(query.items()))
            return f'<{self.base_url}{quote(req.path)}?{qs}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return 200, ({"link": ", ".join(links)} if links else {}), chunk


# -- routes -----------------------------------------------------------------------------------

Route = tuple[int, dict[str, str], JSON]


def _get_repo(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    return 200, {}, gh._repo_json(repo)


def _get_branch(gh: GithubStandin, repo: _Repo, req: RecordedRequest, branch: str) -> Route:
    branches = gh._branches(repo)
    if branch not in branches:
        raise ApiError(404, "Branch not found")
    sha = branches[branch]
    api = f"{gh.base_url}/repos/{repo.full_name}"
    user = gh._user(gh.login)
    commit = {
        "sha": sha,
        "node_id": f"C_{sha}",
        "url": f"{api}/commits/{sha}",
        "html_url": f"{gh.host_url}/{repo.full_name}/commit/{sha}",
        "comments_url": f"{api}/commits/{sha}/comments",
        "commit": {
            "url": f"{api}/git/commits/{sha}",
            "author": None,
            "committer": None,
            "message": "",
            "comment_count": 0,
            "tree": {"sha": sha, "url": f"{api}/git/trees/{sha}"},
        },
        "author": user,
        "committer": user,
        "parents": [],
    }
    return (
        200,
        {},
        {
            "name": branch,
            "commit": commit,
            "_links": {
                "self": f"{api}/branches/{branch}",
                "html": f"{gh.host_url}/{repo.full_name}/tree/{branch}",
            },
            "protected": False,
            "protection": {"enabled": False},
            "protection_url": f"{api}/branches/{branch}/protection",
        },
    )


def _list_pulls(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    state = req.query.get("state", ["open"])[0]
    if state not in ("open", "closed", "all"):
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "Issue", "field": "state", "code": "invalid"}],
        )
    pulls = [p for _, p in sorted(repo.issues.items(), reverse=True)]
    if state != "all":
        pulls = [p for p in pulls if p["state"] == state]
    head = req.query.get("head", [None])[0]
    if head is not None and ":" in head:
        # GitHub honours the head filter only in its ``owner:branch`` form.
        owner, _, branch = head.partition(":")
        pulls = [p for p in pulls if owner.lower() == repo.owner.lower() and p["head"] == branch]
    base = req.query.get("base", [None])[0]
    if base is not None:
        pulls = [p for p in pulls if p["base"] == base]
    return gh._paginate(req, [gh._pull_json(repo, p, simple=True) for p in pulls])


def _create_pull(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    data = _json_body(req)
    _check_body(data, "Issue")
    pull = gh._create_pull(repo, data)
    body = gh._pull_json(repo, pull)
    return 201, {"location": body["url"]}, body


def _get_pull(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    return 200, {}, gh._pull_json(repo, gh._issue(repo, number))


def _update_pull(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    data = _json_body(req)
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    _check_body(data, "Issue")
    if "state" in data:
        if data["state"] not in ("open", "closed"):
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "state", "code": "invalid"}],
            )
        if data["state"] == "open" and pull["state"] == "closed":
            for other in repo.issues.values():
                if (
                    other is not pull
                    and other["state"] == "open"
                    and other["head"] == pull["head"]
                    and other["base"] == pull["base"]
                ):
                    raise _already_exists(repo, pull["head"])
        pull["state"] = data["state"]
        pull["closed_at"] = _now() if data["state"] == "closed" else None
    for key in ("title", "body"):
        if key in data:
            pull[key] = data[key]
    if "base" in data:
        if data["base"] not in gh._branches(repo):
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "base", "code": "invalid"}],
            )
        pull["base"] = data["base"]
    pull["updated_at"] = _now()
    return 200, {}, gh._pull_json(repo, pull)


def _request_reviewers(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    data = _json_body(req)
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    users = data.get("reviewers", [])
    teams = data.get("team_reviewers", [])
    if not users and not teams:
        raise ApiError(
            422,
            'Invalid request.\n\nNo subschema in "anyOf" matched.',
        )
    if pull["author"] in users:
        raise ApiError(422, "Review cannot be requested from pull request author.")
    for user in users:
        if user not in pull["reviewers"]:
            pull["reviewers"].append(user)
    for team in teams:
        if team not in pull["teams"]:
            pull["teams"].append(team)
    return 201, {}, gh._pull_json(repo, pull, simple=True)


def _list_issue_labels(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    return gh._paginate(req, [gh._label_json(repo, k) for k in pull["labels"]])


def _label_names(data: JSON) -> list[str]:
    if isinstance(data, dict):
        data = data.get("labels", [])
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise ApiError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
    return list(data)


def _add_issue_labels(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    for name in _label_names(_json_body(req)):
        key = gh._ensure_label(repo, name)
        if key not in pull["labels"]:
            pull["labels"].append(key)
    return 200, {}, [gh._label_json(repo, k) for k in pull["labels"]]


def _set_issue_labels(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    pull["labels"] = []
    for name in _label_names(_json_body(req)):
        key = gh._ensure_label(repo, name)
        if key not in pull["labels"]:
            pull["labels"].append(key)
    return 200, {}, [gh._label_json(repo, k) for k in pull["labels"]]


def _list_comments(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    n = int(number)
    return gh._paginate(req, [gh._comment_json(repo, n, c) for c in pull["comments"]])


def _create_comment(gh: GithubStandin, repo: _Repo, req: RecordedRequest, number: str) -> Route:
    pull = gh._issue(repo, number)
    data = _json_body(req)
    if not isinstance(data, dict) or not isinstance(data.get("body"), str):
        raise ApiError(
            422,
            'Invalid request.\n\n"body" wasn\'t supplied.',
        )
    _check_body(data, "IssueComment")
    comment = {"id": next(gh._ids), "body": data["body"], "author": gh.login, "created_at": _now()}
    pull["comments"].append(comment)
    pull["updated_at"] = comment["created_at"]
    body = gh._comment_json(repo, int(number), comment)
    return 201, {"location": body["url"]}, body


def _ref_json(gh: GithubStandin, repo: _Repo, ref: str, sha: str) -> dict[str, JSON]:
    api = f"{gh.base_url}/repos/{repo.full_name}"
    return {
        "ref": ref,
        "node_id": f"REF_{abs(hash(ref)) % 10**8}",
        "url": f"{api}/git/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{api}/git/commits/{sha}"},
    }


def _get_ref(gh: GithubStandin, repo: _Repo, req: RecordedRequest, ref: str) -> Route:
    if not ref.startswith("heads/"):
        raise ApiError(404, "Not Found")
    branch = ref[len("heads/") :]
    branches = gh._branches(repo)
    if branch not in branches:
        raise ApiError(404, "Not Found")
    return 200, {}, _ref_json(gh, repo, f"refs/{ref}", branches[branch])


def _create_ref(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    data = _json_body(req)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("ref"), str)
        or not isinstance(data.get("sha"), str)
    ):
        raise ApiError(422, 'Invalid request.\n\n"ref", "sha" weren\'t supplied.')
    ref = data["ref"]
    if not ref.startswith("refs/heads/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    branch = ref[len("refs/heads/") :]
    if branch in gh._branches(repo):
        raise ApiError(422, "Reference already exists")
    gh._write_branch(repo, branch, data["sha"])
    return 201, {}, _ref_json(gh, repo, ref, data["sha"])


def _update_ref(gh: GithubStandin, repo: _Repo, req: RecordedRequest, ref: str) -> Route:
    data = _json_body(req)
    if not isinstance(data, dict) or not isinstance(data.get("sha"), str):
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if not ref.startswith("heads/") or ref[len("heads/") :] not in gh._branches(repo):
        raise ApiError(422, "Reference does not exist")
    gh._write_branch(repo, ref[len("heads/") :], data["sha"])
    return 200, {}, _ref_json(gh, repo, f"refs/{ref}", data["sha"])


def _delete_ref(gh: GithubStandin, repo: _Repo, req: RecordedRequest, ref: str) -> Route:
    if not ref.startswith("heads/") or ref[len("heads/") :] not in gh._branches(repo):
        raise ApiError(422, "Reference does not exist")
    gh._write_branch(repo, ref[len("heads/") :], None)
    return 204, {}, None


def _list_labels(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    return gh._paginate(req, [gh._label_json(repo, k) for k in sorted(repo.labels)])


def _create_label(gh: GithubStandin, repo: _Repo, req: RecordedRequest) -> Route:
    data = _json_body(req)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ApiError(422, 'Invalid request.\n\n"name" wasn\'t supplied.')
    if data["name"].lower() in repo.labels:
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    key = gh._ensure_label(repo, data["name"], str(data.get("color", "ededed")).lstrip("#"))
    repo.labels[key]["description"] = data.get("description")
    return 201, {}, gh._label_json(repo, key)


def _get_label(gh: GithubStandin, repo: _Repo, req: RecordedRequest, name: str) -> Route:
    if name.lower() not in repo.labels:
        raise ApiError(404, "Not Found")
    return 200, {}, gh._label_json(repo, name)


def _commit_sha(gh: GithubStandin, repo: _Repo, ref: str) -> str | None:
    """The commit ``ref`` (a branch or a sha) names, or ``None`` when GitHub would not find it."""
    branches = gh._branches(repo)
    if ref in branches:
        return branches[ref]
    if not re.fullmatch(r"[0-9a-f]{40}", ref):
        return None
    if repo.git_dir is None or ref in repo.statuses or ref in repo.check_runs:
        return ref
    found = subprocess.run(
        ["git", "--git-dir", str(repo.git_dir), "cat-file", "-e", f"{ref}^{{commit}}"],
        capture_output=True,
    )
    return ref if found.returncode == 0 else None


def _combined_status(gh: GithubStandin, repo: _Repo, req: RecordedRequest, ref: str) -> Route:
    sha = _commit_sha(gh, repo, ref)
    if sha is None:
        raise ApiError(404, f"No commit found for SHA: {ref}")
    latest: dict[str, dict[str, JSON]] = {}
    for status in repo.statuses.get(sha, []):
        latest[status["context"]] = status  # the newest report of a context wins
    states = [s["state"] for s in latest.values()]
    if any(state in ("error", "failure") for state in states):
        combined = "failure"
    elif not states or "pending" in states:
        combined = "pending"
    else:
        combined = "success"
    api = f"{gh.base_url}/repos/{repo.full_name}"
    per_page = min(int(req.query.get("per_page", ["30"])[0]), 100)
    page = max(int(req.query.get("page", ["1"])[0]), 1)
    ordered = sorted(latest.values(), key=lambda s: s["id"], reverse=True)
    shown = ordered[(page - 1) * per_page : page * per_page]
    body = {
        "state": combined,
        "statuses": [
            {
                "url": f"{api}/statuses/{sha}",
                "avatar_url": f"{gh.host_url}/avatars/ci",
                "id": s["id"],
                "node_id": f"SC_{s['id']}",
                "state": s["state"],
                "description": s["description"],
                "target_url": s["target_url"],
                "context": s["context"],
                "created_at": s["created_at"],
                "updated_at": s["updated_at"],
            }
            for s in shown
        ],
        "sha": sha,
        "total_count": len(latest),
        "repository": gh._repo_json(repo),
        "commit_url": f"{api}/commits/{sha}",
        "url": f"{api}/commits/{sha}/status",
    }
    return 200, {}, body


def _check_run_json(gh: GithubStandin, repo: _Repo, sha: str, run: dict[str, JSON]) -> JSON:
    api = f"{gh.base_url}/repos/{repo.full_name}"
    html = f"{gh.host_url}/{repo.full_name}/runs/{run['id']}"
    app_owner = gh._user("github")
    return {
        "id": run["id"],
        "head_sha": sha,
        "node_id": f"CR_{run['id']}",
        "external_id": "",
        "url": f"{api}/check-runs/{run['id']}",
        "html_url": html,
        "details_url": html,
        "status": run["status"],
        "conclusion": run["conclusion"],
        "started_at": run["started_at"],
        "completed_at": run["completed_at"],
        "output": {
            "title": None,
            "summary": None,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{api}/check-runs/{run['id']}/annotations",
        },
        "name": run["name"],
        "check_suite": {"id": run["id"] + 1},
        "app": {
            "id": 15368,
            "slug": "github-actions",
            "node_id": "MDM6QXBwMTUzNjg=",
            "owner": app_owner,
            "name": "GitHub Actions",
            "description": "Automate your workflow from idea to production",
            "external_url": "https://help.github.com/en/actions",
            "html_url": f"{gh.host_url}/apps/github-actions",
            "created_at": "2018-07-30T09:30:17Z",
            "updated_at": "2024-04-10T20:33:16Z",
            "permissions": {"checks": "write", "contents": "write", "metadata": "read"},
            "events": ["check_run", "check_suite", "push"],
        },
        "pull_requests": [],
    }


def _list_check_runs(gh: GithubStandin, repo: _Repo, req: RecordedRequest, ref: str) -> Route:
    sha = _commit_sha(gh, repo, ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    runs = sorted(repo.check_runs.get(sha, {}).values(), key=lambda r: r["id"], reverse=True)
    name = req.query.get("check_name", [None])[0]
    if name is not None:
        runs = [r for r in runs if r["name"] == name]
    status, headers, page = gh._paginate(req, [_check_run_json(gh, repo, sha, r) for r in runs])
    return status, headers, {"total_count": len(runs), "check_runs": page}


def _check_body(data: JSON, resource: str) -> None:
    body = data.get("body") if isinstance(data, dict) else None
    if isinstance(body, str) and len(body) > MAX_BODY:
        message = f"body is too long (maximum is {MAX_BODY} characters)"
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": resource, "code": "custom", "field": "body", "message": message}],
        )


def _already_exists(repo: _Repo, branch: str) -> ApiError:
    message = f"A pull request already exists for {repo.owner}:{branch}."
    return ApiError(
        422,
        "Validation Failed",
        [{"resource": "PullRequest", "code": "custom", "message": message}],
    )


def _json_body(req: RecordedRequest) -> JSON:
    try:
        return req.json
    except ValueError as err:
        raise ApiError(400, "Problems parsing JSON") from err


_ROUTES: list[tuple[str, str, Any]] = [
    (r"", "GET", _get_repo),
    (r"/branches/(.+)", "GET", _get_branch),
    (r"/pulls", "GET", _list_pulls),
    (r"/pulls", "POST", _create_pull),
    (r"/pulls/(\d+)", "GET", _get_pull),
    (r"/pulls/(\d+)", "PATCH", _update_pull),
    (r"/pulls/(\d+)/requested_reviewers", "POST", _request_reviewers),
    (r"/issues/(\d+)/labels", "GET", _list_issue_labels),
    (r"/issues/(\d+)/labels", "POST", _add_issue_labels),
    (r"/issues/(\d+)/labels", "PUT", _set_issue_labels),
    (r"/issues/(\d+)/comments", "GET", _list_comments),
    (r"/issues/(\d+)/comments", "POST", _create_comment),
    (r"/git/refs", "POST", _create_ref),
    (r"/git/ref/(.+)", "GET", _get_ref),
    (r"/git/refs/(.+)", "PATCH", _update_ref),
    (r"/git/refs/(.+)", "DELETE", _delete_ref),
    (r"/labels", "GET", _list_labels),
    (r"/labels", "POST", _create_label),
    (r"/labels/(.+)", "GET", _get_label),
    (r"/commits/([^/]+)/status", "GET", _combined_status),
    (r"/commits/([^/]+)/check-runs", "GET", _list_check_runs),
]

_REASONS = {
    400: "Problems parsing JSON",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time.",
}


class _Handler(BaseHTTPRequestHandler):
    owner: GithubStandin
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server_version = "GitHub.com"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        path = split.path
        prefix = self.owner.prefix
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
        elif prefix:
            path = "/__outside_the_api_prefix__" + path
        req = RecordedRequest(
            method=self.command,
            path=unquote(path),
            raw_path=self.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        status, headers, payload, injected = self.owner.handle(req)
        if isinstance(payload, bytes):  # a fault's raw body (an HTML error page from a proxy)
            data, content_type = payload, "text/html; charset=utf-8"
        else:
            data = b"" if payload is None else json.dumps(payload).encode()
            content_type = "application/json; charset=utf-8"
        sent = {
            "x-github-request-id": f"STANDIN:{len(self.owner.requests)}",
            **({"content-type": content_type} if data else {}),
            **{name.lower(): value for name, value in headers.items()},
            "content-length": str(len(data)),
        }
        self.owner._record_exchange(Exchange(req, status, sent, data, injected))
        try:
            self.send_response(status)
            for name, value in sent.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = _serve
    do_POST = _serve
    do_PATCH = _serve
    do_PUT = _serve
    do_DELETE = _serve


class FakeClock:
    """A wall clock that only moves when something sleeps on it; records every sleep."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def describe(requests: list[RecordedRequest]) -> str:
    """``METHOD path`` lines, for a readable assertion message."""
    return "\n".join(f"{r.method} {r.path}" for r in requests)
