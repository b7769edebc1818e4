"""GitHub Actions workflow commands, step outputs and the job summary."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gitops_promote import workflow as action
from gitops_promote.errors import ConflictError, SpecError

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


def test_a_full_summary_takes_nothing_more(runner_files: tuple[Path, Path]) -> None:
    _, summary = runner_files
    summary.write_bytes(b"x" * (action.SUMMARY_LIMIT - 10))
    action.append_summary("# a report longer than what is left")
    assert summary.stat().st_size == action.SUMMARY_LIMIT - 10


def test_debug_messages(capsys: pytest.CaptureFixture[str]) -> None:
    action.emit_annotation("debug", "resolved api: envs/prod/api.yaml", file="ignored")
    assert capsys.readouterr().out == "::debug::resolved api: envs/prod/api.yaml\n"


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


def test_report_warns_about_differences_that_need_attention(
    runner_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    change = {"path": "/env/NEW_QUEUE", "source": "q2", "target": None, "reason": "new env var"}
    result = {**PROMOTE, "services": [{"service": "api", "attention": [change]}]}
    action.report("promote", result, "# report")
    (warning,) = parse_commands(capsys.readouterr().out)
    assert warning.command == "warning"
    assert warning.message == "api /env/NEW_QUEUE: new env var"
    assert warning.properties == {"title": "gitops-promote: needs attention"}
    action.report("update", UPDATE, "# report")
    assert capsys.readouterr().out == ""


def test_report_does_nothing_outside_actions(
    runner_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS")
    action.report("update", UPDATE, "# x")
    assert runner_files[0].read_text() == runner_files[1].read_text() == ""
