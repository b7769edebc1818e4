"""``promote --provider github`` end to end: the branch is pushed over real HTTP with the token
(git http-backend), the pull request goes through PyGithub to the REST stand-in on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_promote.cli import main

from .git_http_server import GitHttpServer, git_available
from .github_standin import GithubStandin
from .gitrepo import GitRepo, git
from .sample import api_spec, sample_repo

pytestmark = pytest.mark.skipif(not git_available(), reason="git http-backend is not installed")

TOKEN = "ghs_CliPromoteToken0123456789"
REPO = "acme/gitops"
BRANCH = "gitops-promote/staging-to-prod/api"


@dataclass
class World:
    work: GitRepo
    bare: Path
    git_server: GitHttpServer
    api: GithubStandin

    def run(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
        """The CLI with --output json in the work repository: (exit code, JSON, stderr)."""
        code = main(["--repo", str(self.work.path), "--output", "json", *args])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else {}), err

    def promote(
        self, capsys: pytest.CaptureFixture[str], *extra: str, service: str = "api"
    ) -> tuple[int, dict, str]:  # type: ignore[type-arg]
        return self.run(capsys, "promote", service, "--from", "staging", "--to", "prod", *extra)

    def remote_sha(self, branch: str) -> str | None:
        out = git(self.bare, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return out or None

    def land_on_main(self, files: dict[str, str], message: str) -> None:
        """Someone else changes main on the remote (a merge, a staging deploy...)."""
        self.work.commit(files, message)
        git(self.work.path, "push", "-q", str(self.bare), "main")

    def no_token_anywhere(self, *texts: str) -> None:
        for path in (self.work.path / ".git").rglob("*"):
            if path.is_file():
                assert TOKEN.encode() not in path.read_bytes(), path
        for text in texts:
            assert TOKEN not in text


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    work = sample_repo(tmp_path / "gitops")
    cfg = work.read(".gitops-promote.yaml").decode() + "github:\n  labels: [promotion]\n"
    work.commit({".gitops-promote.yaml": cfg}, "label promotions")
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    bare = work.make_origin(remotes / "gitops.git")
    with GitHttpServer(remotes, TOKEN) as server, GithubStandin(token=TOKEN) as api:
        work.git("remote", "set-url", "origin", server.url("gitops.git"))
        api.add_repo(REPO, git_dir=bare)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", api.base_url)
        monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
        yield World(work, bare, server, api)


def test_promote_pushes_the_branch_and_opens_one_labelled_pr(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, err = world.promote(capsys)
    assert code == 0, err
    assert world.remote_sha(BRANCH) == data["commit"]
    (pr,) = world.api.pulls(REPO)
    assert data["pr_url"] == pr["html_url"] and data["pr_number"] == pr["number"]
    assert pr["head"]["ref"] == BRANCH and pr["base"]["ref"] == "main"
    assert pr["title"] == "Promote api to prod: 1.2.0 → 1.3.0 (⚠️ 1)"
    assert "- `/image/image_uri`: " in pr["body"] and "NEW\\_QUEUE" in pr["body"]
    assert [label["name"] for label in pr["labels"]] == ["promotion"]
    world.no_token_anywhere(err, json.dumps(data))
    # One look at the remote branch (ls-remote) serves both the reuse check and the lease.
    reads = [r for r in world.git_server.requests if "service=git-upload-pack" in r.path]
    assert len(reads) == 1, [r.path for r in world.git_server.requests]


def test_rerun_updates_the_same_pr_and_never_opens_a_second(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, _ = world.promote(capsys)
    _, again, _ = world.promote(capsys)  # nothing new: the branch is reused as it is
    assert again["commit"] == first["commit"] and again["pr_number"] == first["pr_number"]
    world.land_on_main(
        {"envs/staging/api.yaml": api_spec("1.4.0", 2, extra_env="  NEW_QUEUE: q-staging\n")},
        "staging: 1.4.0",
    )
    code, third, err = world.promote(capsys)
    assert code == 0, err
    assert third["pr_number"] == first["pr_number"] and third["commit"] != first["commit"]
    (pr,) = world.api.pulls(REPO)
    assert "**`1.4.0`**" in pr["body"] and pr["title"] == "Promote api to prod: 1.2.0 → 1.4.0 (⚠️ 1)"
    assert world.remote_sha(BRANCH) == third["commit"]


def test_nothing_left_to_change_closes_the_stale_pr_with_a_comment(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, _ = world.promote(capsys)
    # Someone applies the same values to prod by hand and pushes them to main.
    promoted = git(world.bare, "show", f"{first['commit']}:envs/prod/api.yaml")
    world.land_on_main({"envs/prod/api.yaml": promoted + "\n"}, "prod: same as staging")
    code, data, err = world.promote(capsys)
    assert code == 0, err
    assert data["commit"] is None and data["closed_pr_url"] == first["pr_url"]
    (pr,) = world.api.pulls(REPO)
    assert pr["state"] == "closed"
    (comment,) = world.api.comments(REPO, pr["number"])
    assert "nothing left to change" in comment


def test_pr_failure_after_push_says_so_and_a_rerun_finishes_the_job(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # The token may push but not open pull requests (a 403 is not retried).
    world.api.fail(
        r"/pulls$",
        403,
        body={"message": "Resource not accessible by integration"},
        times=50,
    )
    code, _, err = world.promote(capsys, "--provider", "github")
    assert code == 1
    assert f"branch {BRANCH} was pushed" in err and "re-run" in err
    assert err.count("\n") == 1
    pushed = world.remote_sha(BRANCH)
    assert pushed is not None
    world.api.clear_faults()  # the token is given the permission
    code, data, err = world.promote(capsys)
    assert code == 0, err
    assert data["commit"] == pushed  # the pushed branch is reused, not rewritten
    assert len(world.api.pulls(REPO)) == 1


def test_bad_token_is_one_line_exit_1_and_never_printed(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_wrong")
    code, _, err = world.promote(capsys)
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
    assert "rejected the credentials" in err and "GITHUB_TOKEN" in err
    assert "ghs_wrong" not in err
    assert world.remote_sha(BRANCH) is None


def _spawn(world: World, service: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gitops_promote",
            "--repo",
            str(world.work.path),
            "--output",
            "json",
            "promote",
            service,
            "--from",
            "staging",
            "--to",
            "prod",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


@pytest.mark.slow
def test_concurrent_promotions_of_different_services_both_succeed(world: World) -> None:
    world.land_on_main(
        {
            "envs/staging/web.yaml": "name: web\nimage:\n  image_uri: web:2\n",
            "envs/prod/web.yaml": "name: web\nimage:\n  image_uri: web:1\n",
        },
        "add web",
    )
    procs = [_spawn(world, "api"), _spawn(world, "web")]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    heads = sorted(pr["head"]["ref"] for pr in world.api.pulls(REPO))
    assert heads == [BRANCH, "gitops-promote/staging-to-prod/web"]


@pytest.mark.slow
def test_concurrent_promotions_of_the_same_service_end_with_one_branch_and_one_pr(
    world: World,
) -> None:
    procs = [_spawn(world, "api"), _spawn(world, "api")]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results  # the later run adopts the branch
    prs = world.api.pulls(REPO)
    assert len(prs) == 1 and prs[0]["state"] == "open"
    assert world.remote_sha(BRANCH) is not None
    branches = git(world.bare, "for-each-ref", "--format=%(refname)", "refs/heads/gitops-promote")
    assert branches.split() == [f"refs/heads/{BRANCH}"]


def test_rollback_pr_opens_a_pull_request_with_the_diff(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    head = world.work.head()
    code, data, err = world.run(capsys, "rollback", "api", "--env", "prod", "--to", "v1", "--pr")
    assert code == 0, err
    branch = "gitops-promote/rollback/prod/api"
    assert data["branch"] == branch and data["to_version"] == "v1"
    assert world.remote_sha(branch) == data["commit"]
    assert world.work.head() == head  # main is untouched: the rollback waits for review
    (pr,) = world.api.pulls(REPO)
    assert pr["head"]["ref"] == branch and pr["number"] == data["pr_number"]
    assert pr["title"] == "rollback(prod/api): v3 -> v1 as v4"
    assert "```diff" in pr["body"] and '-  image_uri: "ghcr.io/acme/api:1.2.0"' in pr["body"]
    v1 = git(world.work.path, "show", "HEAD~4:envs/prod/api.yaml")
    assert git(world.bare, "show", f"{data['commit']}:envs/prod/api.yaml") == v1


def test_update_pr_opens_a_pull_request(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = world.run(
        capsys, "update", "api", "--env", "prod", "--set", "replicas=5", "--pr"
    )
    assert code == 0, err
    assert data["branch"] == "gitops-promote/update/prod/api" and data["pr_url"]
    (pr,) = world.api.pulls(REPO)
    assert "-replicas: 3\n+replicas: 5" in pr["body"]


def test_token_given_with_the_option(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, data, err = world.promote(capsys, "--provider", "github", "--token", TOKEN)
    assert code == 0, err
    assert data["pr_url"] and world.remote_sha(BRANCH) == data["commit"]
    world.no_token_anywhere(err, json.dumps(data))
