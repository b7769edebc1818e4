"""The GitHub Action: its Python glue, and action.yml's steps run as a runner runs them."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_promote import action
from gitops_promote.errors import UsageError

from .action_harness import ActionHarness, ActionRun
from .git_http_server import GitHttpServer
from .github_standin import GithubStandin
from .gitrepo import GitRepo

# --------------------------------------------------------------------------- inputs -> argv


def argv(**inputs: str) -> list[str]:
    env = {f"INPUT_{k.upper()}": v for k, v in inputs.items()}
    return action.build_argv(env)


def test_argv_for_each_command() -> None:
    assert argv(command="history", service="api", env="prod") == ["history", "api", "--env=prod"]
    assert argv(command="show", service="api", env="prod", version="v3") == [
        "show",
        "api",
        "--env=prod",
        "--version=v3",
    ]
    assert argv(command="status") == ["status"]
    assert argv(command="check", config="ops/gp.yaml") == ["--config=ops/gp.yaml", "check"]
    assert argv(command="Diff", service="api, web", **{"from": "staging", "to": "prod"}) == [
        "diff",
        "api",
        "web",
        "--from=staging",
        "--to=prod",
    ]


def test_argv_update_one_set_per_line() -> None:
    got = argv(
        command="update",
        service="api",
        env="dev",
        set="image.image_uri=reg/api:2\r\n\n  /env/LOG_LEVEL=debug mode  \n/replicas=3\n",
        message="bump api",
    )
    assert got == [
        "update",
        "api",
        "--env=dev",
        "--set=image.image_uri=reg/api:2",
        "--set=/env/LOG_LEVEL=debug mode",
        "--set=/replicas=3",
        "--message=bump api",
        "--push",
    ]


def test_argv_rollback_dry_run_no_push() -> None:
    got = argv(
        command="rollback", service="api", env="prod", version="v5", push="false", dry_run="TRUE"
    )
    assert got == ["rollback", "api", "--env=prod", "--to=v5", "--dry-run"]


def test_argv_runner_style_input_names() -> None:
    env = {"INPUT_COMMAND": "rollback", "INPUT_SERVICE": "api", "INPUT_ENV": "prod"}
    env |= {"INPUT_VERSION": "previous", "INPUT_DRY-RUN": "true", "INPUT_PUSH": "false"}
    assert action.build_argv(env) == ["rollback", "api", "--env=prod", "--to=previous", "--dry-run"]


def test_argv_promote_provider() -> None:
    base = {"command": "promote", "service": "all", "from": "staging", "to": "prod"}
    local = ["promote", "--all", "--from=staging", "--to=prod", "--provider=local"]
    assert argv(**base) == [*local, "--push"]
    assert argv(**base, push="false") == local
    assert argv(**base, token="t0k")[-1] == "--provider=github", "github pushes by itself"
    assert argv(**base, token="t0k", provider="local")[-2:] == ["--provider=local", "--push"]
    with_env = action.build_argv(
        {"GITHUB_TOKEN": "t", **{f"INPUT_{k.upper()}": v for k, v in base.items()}}
    )
    assert with_env[-1] == "--provider=github"
    got = argv(**{**base, "service": "api web"}, dry_run="true", message="ship it", push="false")
    assert got == [
        "promote",
        "api",
        "web",
        "--from=staging",
        "--to=prod",
        "--provider=local",
        "--message=ship it",
        "--dry-run",
    ]


def test_argv_update_or_rollback_through_a_pull_request() -> None:
    got = argv(command="update", service="api", env="prod", set="/replicas=2", pr="true")
    pr_local = ["--pr", "--provider=local", "--push"]
    assert got == ["update", "api", "--env=prod", "--set=/replicas=2", *pr_local]
    got = argv(command="rollback", service="api", env="prod", version="v2", pr="true", token="t")
    assert got == ["rollback", "api", "--env=prod", "--to=v2", "--pr", "--provider=github"]
    assert "--pr" not in argv(command="status", pr="true")


def test_argv_is_verbose_when_the_runner_debugs() -> None:
    env = {"INPUT_COMMAND": "status", "RUNNER_DEBUG": "1"}
    assert action.build_argv(env) == ["-v", "status"]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "the 'command' input is required"),
        ({"command": "deploy"}, "unknown command 'deploy'"),
        ({"command": "history", "env": "prod"}, "history takes exactly one 'service' input"),
        ({"command": "history", "service": "api web", "env": "p"}, "got 2 services"),
        ({"command": "history", "service": "api"}, "history needs the 'env' input"),
        ({"command": "update", "service": "api", "env": "dev"}, "update needs the 'set' input"),
        (
            {"command": "update", "service": "api", "env": "dev", "set": "/replicas"},
            "expected PATH=VALUE",
        ),
        ({"command": "rollback", "service": "api", "env": "prod"}, "needs the 'version' input"),
        ({"command": "promote", "from": "staging", "to": "prod"}, "needs the 'service' input"),
        ({"command": "promote", "service": "api", "to": "prod"}, "needs the 'from' input"),
        ({"command": "diff", "service": "all,api", "from": "a", "to": "b"}, "'all' cannot"),
        (
            {"command": "promote", "service": "api", "env": "prod"},
            "promote does not take the input(s) 'env'",
        ),
        ({"command": "status", "service": "api"}, "status does not take"),
        ({"command": "history", "service": "--all", "env": "prod"}, "invalid service '--all'"),
        ({"command": "history", "service": "api", "env": "-v"}, "invalid environment '-v'"),
        ({"command": "update", "service": "a", "env": "b", "set": "x=1", "push": "yes"}, "true or"),
        (
            {"command": "promote", "service": "a", "from": "b", "to": "c", "provider": "gitlab"},
            "must be github or local",
        ),
        (
            {"command": "promote", "service": "a", "from": "b", "to": "c", "provider": "github"},
            "provider github needs a token",
        ),
    ],
)
def test_argv_usage_errors(inputs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as info:
        argv(**inputs)
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_values_are_never_read_as_options() -> None:
    got = argv(command="update", service="api", env="dev", set="/name=--help")
    assert "--set=/name=--help" in got
    got = argv(command="rollback", service="api", env="prod", version="v1", message="-q")
    assert "--message=-q" in got


# --------------------------------------------------------------------------- main() without the CLI


def test_main_usage_error_is_annotated_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INPUT_COMMAND", "promote")
    monkeypatch.setenv("INPUT_SERVICE", "api")
    monkeypatch.setenv("INPUT_TOKEN", "ghs_secretvalue")
    monkeypatch.setenv("GITHUB_TOKEN", "")  # main() hands the token on here; restored after
    assert action.main() == 2
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "::add-mask::ghs_secretvalue"
    assert lines[-1] == "::error::promote needs the 'from' input"
    assert captured.err == "error: promote needs the 'from' input\n"
    assert "ghs_secretvalue" not in "\n".join(lines[2:]) + captured.err


def test_git_identity_defaults_to_the_actions_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_repo: Callable[..., object]
) -> None:
    git_repo({"a": "1"})
    monkeypatch.chdir(tmp_path / "work")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMIT"))}
    action.ensure_git_identity(env)
    assert env["GIT_AUTHOR_NAME"] == env["GIT_COMMITTER_NAME"] == "github-actions[bot]"
    assert env["GIT_AUTHOR_EMAIL"] == action.BOT_EMAIL


def test_git_identity_keeps_the_jobs_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_repo: Callable[..., object]
) -> None:
    repo = git_repo({"a": "1"})
    repo.git("config", "user.name", "Release Bot")  # type: ignore[attr-defined]
    monkeypatch.chdir(tmp_path / "work")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMIT"))}
    action.ensure_git_identity(env)
    assert "GIT_AUTHOR_NAME" not in env, "the repository's user.name is kept"
    assert env["GIT_AUTHOR_EMAIL"] == action.BOT_EMAIL
    preset = {"GIT_AUTHOR_NAME": "A", "GIT_COMMITTER_NAME": "A"}
    action.ensure_git_identity(preset)
    assert preset["GIT_AUTHOR_NAME"] == "A"


# --------------------------------------------------------------------------- action.yml, end to end

CONFIG = """\
version: 1
environments:
  dev:     {path: envs/dev}
  staging: {path: envs/staging}
  prod:    {path: envs/prod}
preset: truefoundry
"""

STAGING = """\
# api in staging
name: api
type: service
image:
  type: image
  image_uri: registry.example.com/api:1.4.0  # staging build
replicas: 1
env:
  LOG_LEVEL: debug
  DB_URL: postgres://staging-db/api
  NEW_QUEUE: jobs-v2
readiness_probe:
  config:
    type: http
    path: /ready
    port: 8000
"""

PROD_V1 = """\
# api in prod
name: api
type: service
image:
  type: image
  image_uri: registry.example.com/api:1.2.0  # release
replicas: 3
env:
  LOG_LEVEL: info
  DB_URL: postgres://prod-db/api
readiness_probe:
  config:
    type: http
    path: /healthz
    port: 8000
"""

PROD_V2 = PROD_V1.replace("api:1.2.0", "api:1.3.0")
TOKEN = "ghs_harnessToken0123456789abcdef"


@pytest.fixture
def gitops(tmp_path: Path) -> GitRepo:
    """A GitOps repository in workspace/gitops with a bare origin; prod/api has v1 and v2."""
    repo = GitRepo(tmp_path / "workspace" / "gitops")
    repo.commit(
        {
            ".gitops-promote.yaml": CONFIG,
            "envs/dev/api.yaml": STAGING.replace("staging", "dev"),
            "envs/staging/api.yaml": STAGING,
            "envs/prod/api.yaml": PROD_V1,
        },
        "Add api to every environment",
    )
    repo.commit({"envs/prod/api.yaml": PROD_V2}, "update(prod/api): image 1.3.0")
    repo.make_origin(tmp_path / "origin.git")
    return repo


@pytest.fixture
def harness(tmp_path: Path) -> ActionHarness:
    return ActionHarness(tmp_path / "runner")


def run_action(harness: ActionHarness, repo: GitRepo, **inputs: str) -> ActionRun:
    """Run the action with the repo as the workspace, the way a workflow step would."""
    inputs = {"token": "", **inputs}
    return harness.run(inputs, cwd=repo.path)


def explain(run: ActionRun) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"


def remote_head(repo: GitRepo, ref: str) -> str:
    out = repo.git("ls-remote", "origin", ref)
    return out.split()[0] if out else ""


def test_history_through_the_action(harness: ActionHarness, gitops: GitRepo) -> None:
    workspace = gitops.path.parent
    run = harness.run(
        {"command": "history", "service": "api", "env": "prod", "working-directory": "gitops"},
        cwd=workspace,
    )
    assert run.returncode == 0, explain(run)
    result = json.loads(run.outputs["json"])
    versions = result["versions"]
    assert [v["version"] for v in versions] == ["v2", "v1"]
    assert versions[0]["sha"] == gitops.head()
    assert run.outputs["changed"] == "false"
    assert run.outputs["commit"] == run.outputs["pr-url"] == ""
    assert "v2" in run.summary
    assert run.step("run").outputs["json"].count("\n") > 1, "multi-line output (heredoc form)"


def test_update_commits_pushes_and_sets_outputs(harness: ActionHarness, gitops: GitRepo) -> None:
    run = run_action(
        harness,
        gitops,
        command="update",
        service="api",
        env="prod",
        set="image.image_uri=registry.example.com/api:1.5.0\n/replicas=4\n",
    )
    assert run.returncode == 0, explain(run)
    head = gitops.head()
    assert run.outputs["version"] == "v3"
    assert run.outputs["commit"] == head
    assert run.outputs["changed"] == "true"
    assert remote_head(gitops, "refs/heads/main") == head, "pushed (push defaults to true)"
    text = gitops.read("envs/prod/api.yaml").decode()
    assert text == PROD_V2.replace("api:1.3.0", "api:1.5.0").replace("replicas: 3", "replicas: 4")
    assert gitops.status() == ""
    assert run.summary.strip()


def test_update_dry_run_writes_nothing(harness: ActionHarness, gitops: GitRepo) -> None:
    before = gitops.head()
    run = run_action(
        harness,
        gitops,
        command="update",
        service="api",
        env="prod",
        set="/replicas=9",
        **{"dry-run": "true"},
    )
    assert run.returncode == 0, explain(run)
    assert gitops.head() == before
    assert run.outputs["changed"] == "false"
    assert run.outputs["commit"] == ""
    assert gitops.read("envs/prod/api.yaml").decode() == PROD_V2


def test_rollback_restores_bytes_as_a_new_version(harness: ActionHarness, gitops: GitRepo) -> None:
    run = run_action(
        harness, gitops, command="rollback", service="api", env="prod", version="v1", push="false"
    )
    assert run.returncode == 0, explain(run)
    assert run.outputs["version"] == "v3"
    assert run.outputs["commit"] == gitops.head()
    assert run.outputs["changed"] == "true"
    assert gitops.read("envs/prod/api.yaml").decode() == PROD_V1
    assert remote_head(gitops, "refs/heads/main") != gitops.head(), "push: false"
    result = json.loads(run.outputs["json"])
    assert (result["from_version"], result["to_version"], result["new_version"]) == (
        "v2",
        "v1",
        "v3",
    )


def test_diff_reports_the_pr_body_in_the_summary(harness: ActionHarness, gitops: GitRepo) -> None:
    before = gitops.head()
    run = run_action(
        harness, gitops, command="diff", service="api", **{"from": "staging", "to": "prod"}
    )
    assert run.returncode == 0, explain(run)
    assert gitops.head() == before and gitops.status() == ""
    result = json.loads(run.outputs["json"])
    (svc,) = result["services"]
    changed = {c["path"] for c in svc["changed"]}
    retained = {c["path"] for c in svc["retained"]}
    attention = {c["path"] for c in svc["attention"]}
    assert "/image/image_uri" in changed
    assert "/replicas" in retained
    assert any("NEW_QUEUE" in p for p in attention)
    assert run.outputs["changed"] == "false"
    assert run.summary.startswith("> **Preview** (`gitops-promote diff`): nothing was written")
    assert "written (" not in run.summary and "Opened by" not in run.summary
    assert "- `/image/image_uri`: " in run.summary
    assert "NEW\\_QUEUE" in run.summary
    (warning,) = run.annotations("warning")
    assert warning.message.startswith("api /env/NEW_QUEUE: ")


def test_check_annotates_problems_and_fails(harness: ActionHarness, gitops: GitRepo) -> None:
    gitops.commit({"envs/dev/web.yaml": "name: web\nimage: [unclosed\n"}, "add a broken spec")
    run = run_action(harness, gitops, command="check")
    assert run.returncode == 1, explain(run)
    errors = run.annotations("error")
    assert errors, explain(run)
    files = {e.properties.get("file") for e in errors}
    assert "envs/dev/web.yaml" in files
    result = json.loads(run.outputs["json"])
    assert result["ok"] is False
    assert len(result["problems"]) == len(errors)
    assert run.summary.strip()


def test_promote_with_the_local_provider(harness: ActionHarness, gitops: GitRepo) -> None:
    run = run_action(
        harness, gitops, command="promote", service="api", **{"from": "staging", "to": "prod"}
    )
    assert run.returncode == 0, explain(run)
    branch = "gitops-promote/staging-to-prod/api"
    assert run.outputs["branch"] == branch
    assert run.outputs["changed"] == "true"
    assert run.outputs["commit"] == gitops.head(branch)
    assert run.outputs["pr-url"] == run.outputs["pr-number"] == ""
    assert remote_head(gitops, f"refs/heads/{branch}") == run.outputs["commit"]
    promoted = gitops.show(branch, "envs/prod/api.yaml").decode()
    assert "api:1.4.0" in promoted and "replicas: 3" in promoted
    assert gitops.read("envs/prod/api.yaml").decode() == PROD_V2, "worktree untouched"
    assert "/image/image_uri" in run.summary


def test_inputs_reach_the_tool_literally(
    harness: ActionHarness, gitops: GitRepo, tmp_path: Path
) -> None:
    nasty = "$(touch pwned) `touch pwned2` \"dq\" 'sq' ${HOME} ; touch pwned3"
    run = run_action(
        harness,
        gitops,
        command="update",
        service="api",
        env="prod",
        set=f"/env/LOG_LEVEL={nasty}",
        push="false",
    )
    assert run.returncode == 0, explain(run)
    assert not list(tmp_path.rglob("pwned*")), "an input was run by a shell"
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(gitops.read("envs/prod/api.yaml"))
    assert data["env"]["LOG_LEVEL"] == nasty


def test_a_bad_input_value_is_an_error_not_a_command(
    harness: ActionHarness, gitops: GitRepo, tmp_path: Path
) -> None:
    run = run_action(harness, gitops, command="history", service="api", env="prod$(touch pwned)")
    assert run.returncode == 2
    assert not list(tmp_path.rglob("pwned*"))
    assert "prod$(touch pwned)" in run.stderr
    (err,) = run.annotations("error")
    assert "prod$(touch pwned)" in err.message


def test_missing_inputs_fail_with_an_annotation(harness: ActionHarness, gitops: GitRepo) -> None:
    run = run_action(harness, gitops, command="promote", service="api", to="prod")
    assert run.returncode == 2
    (err,) = run.annotations("error")
    assert err.message == "promote needs the 'from' input"
    run = harness.run({"command": ""}, cwd=gitops.path)
    assert run.returncode == 2
    assert "the 'command' input is required" in run.annotations("error")[0].message


def test_the_token_is_masked_first_and_never_shown(harness: ActionHarness, gitops: GitRepo) -> None:
    run = harness.run(
        {"command": "history", "service": "api", "env": "prod", "token": TOKEN},
        cwd=gitops.path,
    )
    assert run.returncode == 0, explain(run)
    first = run.step("run").stdout.splitlines()[0]
    assert first == f"::add-mask::{TOKEN}"
    masks = {c.message for c in run.commands if c.command == "add-mask"}
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert {TOKEN, basic} <= masks
    log = [ln for ln in run.stdout.splitlines() if not ln.startswith("::add-mask::")]
    for text in ("\n".join(log), run.stderr, run.summary, *run.outputs.values()):
        assert TOKEN not in text and basic not in text
    assert TOKEN not in (gitops.path / ".git" / "config").read_text()


def test_the_default_token_is_the_jobs_token(harness: ActionHarness, gitops: GitRepo) -> None:
    run = harness.run({"command": "history", "service": "api", "env": "dev"}, cwd=gitops.path)
    assert run.returncode == 0, explain(run)
    assert run.step("run").stdout.splitlines()[0] == f"::add-mask::{harness.github_token}"
    assert harness.github_token not in run.summary + run.stderr


def local_pip_indexes() -> dict[str, str]:
    """Point pip at the ``file://`` package indexes pip is configured with, if it has any.

    Keeps the install test offline on machines with a local mirror; elsewhere pip uses its
    configured index, as the runner would.
    """
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    urls = re.findall(r"file://[^\s'\"]+", proc.stdout)
    if not urls:
        return {}
    return {"PIP_INDEX_URL": urls[0], "PIP_EXTRA_INDEX_URL": " ".join(urls[1:])}


@pytest.mark.slow
def test_install_step_builds_a_venv_and_reuses_it(tmp_path: Path, gitops: GitRepo) -> None:
    """The whole action for real: venv from setup-python's interpreter, pip install, run."""
    harness = ActionHarness(tmp_path / "runner", provided={})
    inputs = {"command": "history", "service": "api", "env": "prod", "token": ""}
    run = harness.run(inputs, cwd=gitops.path, env=local_pip_indexes(), timeout=600)
    assert run.returncode == 0, explain(run)
    venv = harness.runner_temp / "gitops-promote-venv"
    python = run.step("install").outputs["python"]
    assert python == str(venv / "bin" / "python")
    assert run.step("install").env["GITOPS_PROMOTE_BASE_PYTHON"] == sys.executable
    assert run.step("run").env["GITOPS_PROMOTE_PYTHON"] == python
    where = subprocess.run(
        [python, "-c", "import gitops_promote; print(gitops_promote.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(venv)), "the tool runs from the action's own venv"
    assert [v["version"] for v in json.loads(run.outputs["json"])["versions"]] == ["v2", "v1"]

    again = harness.run(inputs, cwd=gitops.path, timeout=120)
    assert again.returncode == 0, explain(again)
    assert "already installed" in again.step("install").stdout


@pytest.mark.slow
def test_promote_through_github_sets_the_pull_request_outputs(
    harness: ActionHarness, gitops: GitRepo, tmp_path: Path
) -> None:
    """Real pushes over HTTP with the token, a GitHub API stand-in, and the PR outputs."""
    bare = tmp_path / "origin.git"
    GitHttpServer.enable_push(bare)
    with GitHttpServer(tmp_path, TOKEN) as server, GithubStandin(token=TOKEN) as gh:
        gh.add_repo("acme/gitops", git_dir=bare)
        gitops.git("remote", "set-url", "origin", server.url("origin.git"))
        job_env = {"GITHUB_API_URL": gh.base_url, "GITHUB_REPOSITORY": "acme/gitops"}
        inputs = {"command": "promote", "service": "api", "from": "staging", "to": "prod"}
        run = harness.run({**inputs, "token": TOKEN}, cwd=gitops.path, env=job_env)
        assert run.returncode == 0, explain(run)
        (pr,) = gh.pulls("acme/gitops")
        again = harness.run({**inputs, "token": TOKEN}, cwd=gitops.path, env=job_env)
        assert again.returncode == 0, explain(again)
        assert len(gh.pulls("acme/gitops")) == 1, "a re-run updates the same pull request"
        seen = list(server.requests)
    branch = "gitops-promote/staging-to-prod/api"
    assert run.outputs["pr-number"] == str(pr["number"])
    assert run.outputs["pr-url"] == pr["html_url"]
    assert run.outputs["branch"] == branch == pr["head"]["ref"]
    assert run.outputs["changed"] == "true"
    pushed = subprocess.run(
        ["git", "--git-dir", str(bare), "rev-parse", f"refs/heads/{branch}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert pushed == run.outputs["commit"]
    assert any(r.method == "POST" for r in seen), "the branch was pushed over HTTP"
    assert "/image/image_uri" in run.summary
    log = "\n".join(ln for ln in run.stdout.splitlines() if not ln.startswith("::add-mask::"))
    for text in (log, run.stderr, run.summary, *run.outputs.values()):
        assert TOKEN not in text
    assert TOKEN not in (gitops.path / ".git" / "config").read_text()


def test_status_through_the_action(harness: ActionHarness, gitops: GitRepo) -> None:
    run = run_action(harness, gitops, command="status")
    assert run.returncode == 0, explain(run)
    result = json.loads(run.outputs["json"])
    (svc,) = result["services"]
    assert svc["service"] == "api"
    assert svc["envs"]["prod"]["version"] == "v2"
    assert run.outputs["changed"] == "false"
    assert "api" in run.summary
