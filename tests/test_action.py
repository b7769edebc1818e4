"""The GitHub Action: its Python glue, and action.yml's steps run as a runner runs them."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_promote import action
from gitops_promote.errors import ConflictError, SpecError, UsageError

from .action_harness import parse_commands, parse_output_file

# --------------------------------------------------------------------------- workflow commands


def test_in_actions() -> None:
    assert action.in_actions({"GITHUB_ACTIONS": "true"})
    assert not action.in_actions({"GITHUB_ACTIONS": "false"})
    assert not action.in_actions({})


def test_in_actions_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not action.in_actions()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert action.in_actions()


def test_escaping() -> None:
    assert action.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert action.escape_property("envs/prod/a:b,c%\n") == "envs/prod/a%3Ab%2Cc%25%0A"


def test_mask_prints_add_mask_and_masks_each_line(capsys: pytest.CaptureFixture[str]) -> None:
    action.mask("s3cr%t")
    action.mask("line one\nline two")
    action.mask("   ")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "::add-mask::s3cr%25t",
        "::add-mask::line one%0Aline two",
        "::add-mask::line one",
        "::add-mask::line two",
    ]


def test_mask_token_also_masks_the_basic_auth_form(capsys: pytest.CaptureFixture[str]) -> None:
    action.mask_token("ghp_abc")
    action.mask_token("")
    encoded = base64.b64encode(b"x-access-token:ghp_abc").decode()
    assert capsys.readouterr().out.splitlines() == [
        "::add-mask::ghp_abc",
        f"::add-mask::{encoded}",
    ]


def test_emit_annotation(capsys: pytest.CaptureFixture[str]) -> None:
    action.emit_annotation(
        "warning", "env var NEW_QUEUE\nneeds a value", file="envs/prod/a,b.yaml", line=3, col=5
    )
    action.emit_annotation("notice", "done", title="gitops-promote: ok")
    action.emit_annotation("error", "no place", line=4)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "::warning file=envs/prod/a%2Cb.yaml,line=3,col=5::env var NEW_QUEUE%0Aneeds a value",
        "::notice title=gitops-promote%3A ok::done",
        "::error::no place",
    ]
    cmd = parse_commands(out[0])[0]
    assert cmd.properties["file"] == "envs/prod/a,b.yaml"
    assert cmd.message == "env var NEW_QUEUE\nneeds a value"


def test_emit_annotation_rejects_unknown_levels() -> None:
    with pytest.raises(ValueError):
        action.emit_annotation("fatal", "x")


def test_emit_error_places_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    action.emit_error(SpecError("mapping values are not allowed", file="envs/a.yaml", line=2))
    action.emit_error(ConflictError("envs/prod/api.yaml changed upstream"))
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "::error file=envs/a.yaml,line=2::mapping values are not allowed",
        "::error::envs/prod/api.yaml changed upstream",
    ]


# --------------------------------------------------------------------------- outputs and summary


@pytest.fixture
def runner_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    out, summary = tmp_path / "output", tmp_path / "summary"
    out.write_text("")
    summary.write_text("")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return out, summary


def test_set_outputs_single_and_multi_line(runner_files: tuple[Path, Path]) -> None:
    out, _ = runner_files
    tricky = "line 1\nEOF\nname=value\nghadelimiter_x\n\nlast"
    action.set_outputs({"commit": "abc", "json": tricky, "empty": ""})
    action.set_outputs({"changed": "true"})
    text = out.read_text()
    assert "commit=abc\n" in text
    assert "json<<ghadelimiter_" in text
    assert parse_output_file(text) == {
        "commit": "abc",
        "json": tricky,
        "empty": "",
        "changed": "true",
    }


def test_set_outputs_uses_a_fresh_delimiter_each_time(runner_files: tuple[Path, Path]) -> None:
    out, _ = runner_files
    action.set_outputs({"a": "1\n2"})
    action.set_outputs({"b": "1\n2"})
    delims = [ln.split("<<")[1] for ln in out.read_text().splitlines() if "<<" in ln]
    assert len(delims) == 2 and delims[0] != delims[1]


def test_set_outputs_rejects_bad_names(runner_files: tuple[Path, Path]) -> None:
    with pytest.raises(ValueError):
        action.set_outputs({"bad name": "x"})


def test_outputs_and_summary_are_skipped_without_runner_files() -> None:
    action.set_outputs({"a": "b"})
    action.append_summary("# hi")
    action.report("history", {"versions": []}, "# hi")


def test_append_summary(runner_files: tuple[Path, Path]) -> None:
    _, summary = runner_files
    action.append_summary("## one")
    action.append_summary("## two\n")
    assert summary.read_text() == "## one\n## two\n"


def test_append_summary_stays_within_one_mib(runner_files: tuple[Path, Path]) -> None:
    _, summary = runner_files
    action.append_summary("# first report\n")
    row = "| /env/KEY | 'é value' | kept |\n"
    action.append_summary("# big\n" + row * 60_000)
    data = summary.read_bytes()
    assert len(data) <= action.SUMMARY_LIMIT
    text = data.decode("utf-8")
    assert text.startswith("# first report\n# big\n")
    assert "Report truncated" in text
    body = text.split("\n\n> **Report truncated**")[0]
    assert body.endswith(row.rstrip("\n")), "cut at a line boundary"
    action.append_summary("# more")
    assert len(summary.read_bytes()) <= action.SUMMARY_LIMIT


UPDATE = {
    "service": "api",
    "env": "prod",
    "version": "v4",
    "commit": "a" * 40,
    "changed": ["/image/image_uri"],
}
ROLLBACK = {
    "service": "api",
    "env": "prod",
    "from_version": "v4",
    "to_version": "v2",
    "new_version": "v5",
    "commit": "b" * 40,
}
PROMOTE = {
    "from": "staging",
    "to": "prod",
    "services": [{"service": "api", "changed": [], "retained": [], "attention": []}],
    "branch": "gitops-promote/staging-to-prod/api",
    "commit": "c" * 40,
    "pr_url": "https://github.example.com/org/gitops/pull/17",
}


def test_outputs_for_update_and_rollback() -> None:
    up = action.outputs_for("update", UPDATE)
    assert up["version"] == "v4"
    assert up["commit"] == "a" * 40
    assert up["changed"] == "true"
    assert up["pr-url"] == up["pr-number"] == up["branch"] == ""
    assert json.loads(up["json"]) == UPDATE
    rb = action.outputs_for("rollback", ROLLBACK)
    assert (rb["version"], rb["changed"], rb["commit"]) == ("v5", "true", "b" * 40)


def test_outputs_for_promote_and_read_only_commands() -> None:
    pr = action.outputs_for("promote", PROMOTE)
    assert pr["pr-url"] == PROMOTE["pr_url"]
    assert pr["pr-number"] == "17"
    assert pr["branch"] == "gitops-promote/staging-to-prod/api"
    assert pr["changed"] == "true"
    assert pr["version"] == ""
    assert action.outputs_for("promote", {**PROMOTE, "pr_number": 18})["pr-number"] == "18"
    local = action.outputs_for("promote", {**PROMOTE, "pr_url": None})
    assert local["pr-url"] == local["pr-number"] == ""
    dry = action.outputs_for("update", {**UPDATE, "commit": None})
    assert dry["changed"] == "false" and dry["commit"] == ""
    hist = action.outputs_for("history", {"service": "api", "env": "prod", "versions": []})
    assert hist["changed"] == "false"
    assert hist["version"] == ""


def test_report_sets_outputs_and_summary(runner_files: tuple[Path, Path]) -> None:
    out, summary = runner_files
    action.report("promote", PROMOTE, "## Promotion staging → prod\n\n| path | change |\n")
    outputs = parse_output_file(out.read_text())
    assert outputs["pr-number"] == "17"
    assert json.loads(outputs["json"]) == PROMOTE
    assert "Promotion staging → prod" in summary.read_text()


def test_report_does_nothing_outside_actions(
    runner_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS")
    action.report("update", UPDATE, "# x")
    assert runner_files[0].read_text() == runner_files[1].read_text() == ""


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
