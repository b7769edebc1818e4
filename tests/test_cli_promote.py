"""diff, promote (local provider), status and check through the CLI on real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_promote import overview
from gitops_promote.render.markdown import status_md
from gitops_promote.render.text import status_text
from gitops_promote.workspace import Workspace

from .gitrepo import GitRepo
from .sample import api_spec, run, run_json, sample_repo

BRANCH = "gitops-promote/staging-to-prod/api"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "gitops")


def test_diff_reports_every_difference_in_one_category_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head, branches = repo.head(), repo.git("branch", "--list")
    data = run_json(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert data["from"] == "staging" and data["to"] == "prod"
    assert data["branch"] is None and data["commit"] is None and data["pr_url"] is None
    svc = data["services"][0]
    assert svc["service"] == "api"
    by_path = {c["path"]: cat for cat in ("changed", "retained", "attention") for c in svc[cat]}
    assert by_path == {
        "/image/image_uri": "changed",
        "/replicas": "retained",
        "/env/LOG_LEVEL": "retained",
        "/env/NEW_QUEUE": "attention",
    }
    image = svc["changed"][0]
    assert image["source"] == "ghcr.io/acme/api:1.3.0"
    assert image["target"] == "ghcr.io/acme/api:1.2.0"
    assert set(image) >= {"path", "source", "target", "reason"}
    assert repo.head() == head and repo.git("branch", "--list") == branches


def test_promote_commits_on_the_promotion_branch_without_touching_the_checkout(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    worktree = repo.read("envs/prod/api.yaml")
    data = run_json(
        repo,
        "promote",
        "api",
        "--from",
        "staging",
        "--to",
        "prod",
        "--provider",
        "local",
        capsys=capsys,
    )
    assert data["branch"] == BRANCH
    assert data["commit"] == repo.head(BRANCH)
    assert repo.head() == head and repo.read("envs/prod/api.yaml") == worktree
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert repo.status() == ""
    assert repo.head(f"{BRANCH}~1") == head
    promoted = repo.show(BRANCH, "envs/prod/api.yaml").decode()
    expected = api_spec("1.3.0", 3, "warning", extra_env="  NEW_QUEUE: q-staging\n")
    assert promoted == expected
    msg = repo.git("log", "-1", "--format=%B", BRANCH)
    staging_sha = repo.git("log", "-1", "--format=%H", "--", "envs/staging/api.yaml")
    assert msg.splitlines()[0] == "promote(api): staging v2 -> prod"
    assert "Gitops-Promote-Kind: promote" in msg
    assert f"Gitops-Promote-Source: staging v2 {staging_sha}" in msg
    assert data["pr_title"] == "Promote api to prod: 1.2.0 → 1.3.0 (⚠️ 1)"
    assert "## Promote `api` staging → prod" in data["pr_body"]


def test_promote_is_idempotent(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    first = run_json(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    second = run_json(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert second["commit"] == first["commit"]
    assert repo.git("branch", "--list", "gitops-promote/*").split() == [BRANCH]


def test_promote_after_the_merge_has_nothing_to_change(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge promotion", BRANCH)
    hist = run_json(repo, "history", "api", "--env", "prod", capsys=capsys)
    assert hist["versions"][0]["kind"] == "promote"
    head = repo.head()
    code, out, _ = run(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 0 and "Nothing to change: 2 differences kept by the rules." in out
    assert repo.head() == head
    assert repo.git("branch", "--list", "gitops-promote/*") == ""  # the stale branch is gone


def test_promote_dry_run_writes_nothing(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        repo, "promote", "api", "--from", "staging", "--to", "prod", "--dry-run", capsys=capsys
    )
    assert data["branch"] is None and data["commit"] is None
    assert repo.git("branch", "--list", "gitops-promote/*") == ""


def test_promote_pr_body_file(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "pr.md"
    title = tmp_path / "title.txt"
    code, out, _ = run(
        repo,
        "promote",
        "api",
        "--from",
        "staging",
        "--to",
        "prod",
        "--pr-body-file",
        str(body),
        "--pr-title-file",
        str(title),
        capsys=capsys,
    )
    assert code == 0 and str(body) in out and str(title) in out
    assert title.read_text() == "Promote api to prod: 1.2.0 → 1.3.0 (⚠️ 1)\n"
    text = body.read_text()
    assert text.startswith("<!-- gitops-promote: staging->prod api -->\n## Promote `api`")
    assert "- `/image/image_uri`: " in text and "NEW\\_QUEUE" in text
    assert "--- pull request ---" not in out


def test_promote_push_with_local_provider(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.make_origin(tmp_path / "origin.git")
    data = run_json(
        repo, "promote", "api", "--from", "staging", "--to", "prod", "--push", capsys=capsys
    )
    remote = repo.git("ls-remote", "origin", f"refs/heads/{BRANCH}").split()[0]
    assert remote == data["commit"]
    assert repo.git("ls-remote", "origin", "refs/heads/main").split()[0] == repo.head()


def test_added_fail_stops_the_promote_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = repo.read(".gitops-promote.yaml").decode() + "rules:\n  env_vars: {added: fail}\n"
    repo.commit({".gitops-promote.yaml": cfg}, "fail on new env vars")
    code, _, err = run(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 1 and "NEW_QUEUE" in err
    assert repo.git("branch", "--list", "gitops-promote/*") == ""


def test_promote_all_and_several_services(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        {
            "envs/staging/web.yaml": "name: web\nimage:\n  image_uri: web:2\nreplicas: 1\n",
            "envs/prod/web.yaml": "name: web\nimage:\n  image_uri: web:1\nreplicas: 5\n",
        },
        "add web",
    )
    data = run_json(repo, "promote", "--all", "--from", "staging", "--to", "prod", capsys=capsys)
    assert data["branch"] == "gitops-promote/staging-to-prod/all"
    assert [s["service"] for s in data["services"]] == ["api", "web"]
    subjects = repo.git("log", "--format=%s", "-2", data["branch"]).splitlines()
    assert subjects == ["promote(web): staging v1 -> prod", "promote(api): staging v2 -> prod"]
    assert b"image_uri: web:2\nreplicas: 5\n" in repo.show(data["branch"], "envs/prod/web.yaml")


def test_promote_to_an_environment_without_the_service_creates_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/staging/web.yaml": "name: web\nreplicas: 1\n"}, "add web to staging")
    data = run_json(repo, "promote", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    assert repo.show(data["branch"], "envs/prod/web.yaml") == b"name: web\nreplicas: 1\n"
    assert data["services"][0]["attention"][0]["path"] == ""


def test_status_shows_versions_images_and_drift(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(repo, "status", capsys=capsys)
    assert data["environments"] == ["dev", "staging", "prod"]
    (api,) = data["services"]
    assert api["service"] == "api"
    assert api["envs"]["prod"] == {
        "version": "v3",
        "image": "ghcr.io/acme/api:1.2.0",
        "sha": repo.git("log", "-1", "--format=%H", "--", "envs/prod/api.yaml"),
        "held": False,
    }
    assert api["envs"]["staging"]["version"] == "v2"
    drift = {(d["from"], d["to"]): d for d in api["drift"]}
    assert drift[("staging", "prod")]["pending"] == 2  # image + NEW_QUEUE
    assert drift[("staging", "prod")]["in_sync"] is False
    code, out, _ = run(repo, "status", capsys=capsys)
    assert code == 0 and out.splitlines()[0].split() == [
        "SERVICE",
        "DEV",
        "STAGING",
        "PROD",
        "DEV->STAGING",
        "STAGING->PROD",
    ]


def test_check_reports_env_vars_missing_higher_up(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(repo, "--output", "json", "check", capsys=capsys)
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    (problem,) = data["problems"]
    assert problem["file"] == "envs/prod/api.yaml"
    assert problem["line"] == 7  # the env: block of prod
    assert "NEW_QUEUE" in problem["message"] and "staging" in problem["message"]


def test_check_passes_on_a_consistent_repository_and_flags_invalid_yaml(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write({"envs/staging/api.yaml": api_spec("1.3.0", 2)})
    code, out, _ = run(repo, "check", capsys=capsys)
    assert code == 0 and out.startswith("ok: 3 spec files")
    repo.write({"envs/dev/api.yaml": "name: api\n  bad: indent\n"})
    code, out, _ = run(repo, "check", capsys=capsys)
    assert code == 1 and out.startswith("envs/dev/api.yaml:2:")


def test_status_reports_an_invalid_spec_instead_of_failing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/dev/api.yaml": "name: api\nimage: [unclosed\n"}, "broken dev spec")
    data = run_json(repo, "status", capsys=capsys)
    (api,) = data["services"]
    assert "envs/dev/api.yaml:" in api["envs"]["dev"]["error"]
    assert api["envs"]["prod"]["version"] == "v3"
    drift = {(d["from"], d["to"]): d for d in api["drift"]}
    assert drift[("dev", "staging")]["in_sync"] is False
    assert drift[("staging", "prod")]["pending"] == 2


def test_environments_on_different_branches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """staging deploys from branch staging, prod from main: each spec is read at its own
    branch, and the promotion is based on prod's branch."""
    repo = GitRepo(tmp_path / "gitops")
    config = (
        "environments:\n"
        "  staging: {path: envs/staging, base_branch: staging}\n"
        "  prod: {path: envs/prod, base_branch: main}\n"
    )
    repo.commit(
        {
            ".gitops-promote.yaml": config,
            "envs/staging/api.yaml": api_spec("1.0.0", 2),
            "envs/prod/api.yaml": api_spec("1.0.0", 5),
        },
        "Add api",
    )
    repo.git("branch", "staging")
    repo.git("checkout", "-q", "staging")
    repo.commit({"envs/staging/api.yaml": api_spec("2.0.0", 2)}, "staging: 2.0.0")
    repo.git("checkout", "-q", "main")
    main_tip = repo.head()
    data = run_json(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert data["services"][0]["changed"][0]["source"] == "ghcr.io/acme/api:2.0.0"
    assert repo.head(f"{data['branch']}~1") == main_tip
    assert repo.show(data["branch"], "envs/prod/api.yaml").decode() == api_spec("2.0.0", 5)
    hist = run_json(repo, "history", "api", "--env", "staging", capsys=capsys)
    assert [v["version"] for v in hist["versions"]] == ["v2", "v1"]  # read on branch staging


def test_status_summary_does_not_call_an_invalid_spec_in_sync(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/dev/api.yaml": "name: api\nimage: [unclosed\n"}, "broken dev spec")
    res = overview.status(Workspace.open(repo.path))
    md = status_md(res)
    text = status_text(res)
    assert "dev->staging: error" in md and "v2 (invalid spec)" in md
    assert "v2 invalid spec" in text and "error: invalid spec" in text
    assert "dev->staging: 0 in sync, 0 to change, 1 with an invalid spec" in text
    assert "| `api` | v2 (invalid spec) | v2 ghcr.io/acme/api:1.3.0 |" in md


def test_a_command_over_many_services_reads_each_branch_once(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitops_promote.git import Gateway

    repo.commit(
        {
            f"envs/{env}/svc{i}.yaml": f"name: svc{i}\n"
            for env in ("staging", "prod")
            for i in range(4)
        },
        "four more services",
    )
    calls: list[str] = []
    real = Gateway.run

    def counting(self: Gateway, *args: str, **kwargs: object) -> object:
        calls.append(" ".join(args))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Gateway, "run", counting)
    run_json(repo, "diff", "--all", "--from", "staging", "--to", "prod", capsys=capsys)
    # the rev-parse that found the work tree said which branch is checked out and its commit:
    # staging and prod both deploy from it, and neither is asked for again
    assert calls.count("symbolic-ref -q HEAD") == 0
    tip_reads = [c for c in calls if c.startswith("rev-parse") and "refs/heads/" in c]
    assert tip_reads == []


def _reject_pushes(bare: Path) -> None:
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["promote", "api", "--from", "staging", "--to", "prod", "--push"],
        ["rollback", "api", "--env", "prod", "--to", "v1", "--pr", "--push"],
        ["update", "api", "--env", "prod", "--set", "replicas=9", "--pr", "--push"],
    ],
)
def test_a_failed_push_leaves_no_orphan_branch(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    _reject_pushes(repo.make_origin(tmp_path / "origin.git"))
    head = repo.head()
    code, _, err = run(repo, *args, capsys=capsys)
    assert code == 1 and "pushes are frozen" in err
    assert repo.git("branch", "--list", "gitops-promote/*") == ""
    assert repo.head() == head and repo.status() == ""


def test_a_failed_push_puts_an_earlier_promotion_branch_back(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = run_json(repo, "promote", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    repo.commit({"envs/staging/api.yaml": api_spec("1.4.0", 2)}, "staging: 1.4.0")
    _reject_pushes(repo.make_origin(tmp_path / "origin.git"))
    code, _, _ = run(
        repo, "promote", "api", "--from", "staging", "--to", "prod", "--push", capsys=capsys
    )
    assert code == 1
    assert repo.head(BRANCH) == earlier["commit"]
