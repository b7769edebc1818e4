"""Offline linting of action.yml and the example workflows.

check-jsonschema (GitHub's action and workflow schemas, vendored in the tool), zizmor (template
injection, credentials, permissions, pinning), shellcheck over every ``run:`` script when it is
installed, and the consistency of the examples with the action's inputs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .action_harness import ACTION_FILE, PROJECT, load_action, load_yaml

EXAMPLES = sorted((PROJECT / "examples").glob("*.yml"))
BIN = Path(sys.executable).parent
ACTION_REF = re.compile(r"^your-org/gitops-promote@v\d+$")

# zizmor's only configuration: the examples name the action by a placeholder (`your-org/...@v1`)
# that each user replaces with their own reference, so it cannot be pinned to a commit here.
# Everything else keeps zizmor's defaults (actions pinned to a full commit sha).
ZIZMOR_CONFIG = """\
rules:
  unpinned-uses:
    config:
      policies:
        "your-org/gitops-promote": ref-pin
        "*": hash-pin
"""


def tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed (it is in the project's test extras)")
    return on_path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for job in (workflow.get("jobs") or {}).values():
        found.extend(job.get("steps") or [])
    return found


def run_scripts() -> list[tuple[str, str]]:
    """(where, script) for every ``run:`` of the action and of the examples."""
    scripts: list[tuple[str, str]] = []
    for i, step in enumerate(load_action()["runs"]["steps"]):
        if "run" in step:
            scripts.append((f"action.yml step {i + 1}", str(step["run"])))
    for path in EXAMPLES:
        for i, step in enumerate(steps_of(load_yaml(path))):
            if "run" in step:
                scripts.append((f"{path.name} step {i + 1}", str(step["run"])))
    return scripts


def test_there_are_five_examples() -> None:
    names = {p.name for p in EXAMPLES}
    assert len(names) >= 5, names


def test_action_matches_the_github_actions_schema() -> None:
    proc = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION_FILE)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_examples_match_the_github_workflows_schema() -> None:
    proc = run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, EXAMPLES),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_can_fail(tmp_path: Path) -> None:
    """The schema check rejects a broken action (so a pass above means something)."""
    broken = tmp_path / "action.yml"
    broken.write_text(
        "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo\n"
        "      shelll: bash\n"
    )
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(broken))
    assert proc.returncode != 0


def zizmor(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "zizmor.yml"
    config.write_text(ZIZMOR_CONFIG)
    return run(
        tool("zizmor"),
        "--offline",
        "--no-progress",
        "--persona",
        "pedantic",
        "--config",
        str(config),
        *map(str, paths),
    )


def test_zizmor_finds_nothing(tmp_path: Path) -> None:
    proc = zizmor(tmp_path, ACTION_FILE, *EXAMPLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_catches_an_input_expanded_in_a_script(tmp_path: Path) -> None:
    """The injection the action avoids: ``${{ inputs.x }}`` inside ``run:`` is reported."""
    text = ACTION_FILE.read_text()
    bad = text.replace(
        "run: '\"${GITOPS_PROMOTE_PYTHON}\" -m gitops_promote.action'",
        "run: 'echo ${{ inputs.service }}'",
    )
    assert bad != text
    (tmp_path / "bad").mkdir()
    target = tmp_path / "bad" / "action.yml"
    target.write_text(bad)
    proc = zizmor(tmp_path, target)
    assert proc.returncode != 0
    assert "template-injection" in proc.stdout + proc.stderr


def test_no_expression_inside_any_run_script() -> None:
    for where, script in run_scripts():
        assert "${{" not in script, f"{where}: pass values through env:, not ${{{{ }}}}"


def test_run_steps_pass_inputs_only_through_env() -> None:
    action = load_action()
    declared = set(action["inputs"])
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", str(run_step["env"])))
    # Every input the tool reads reaches it; the others are consumed by the action itself.
    assert used == declared - {"working-directory", "python-version"}


def test_every_with_key_of_the_examples_is_an_input_of_the_action() -> None:
    inputs = set(load_action()["inputs"])
    used_somewhere = False
    for path in EXAMPLES:
        for step in steps_of(load_yaml(path)):
            uses = str(step.get("uses", ""))
            if "gitops-promote" not in uses:
                continue
            used_somewhere = True
            assert ACTION_REF.match(uses), f"{path.name}: {uses}"
            keys = set(step.get("with") or {})
            assert keys <= inputs, f"{path.name}: unknown inputs {sorted(keys - inputs)}"
            assert "command" in keys, f"{path.name}: the command input is required"
    assert used_somewhere


def test_examples_ask_for_the_least_permissions() -> None:
    for path in EXAMPLES:
        workflow = load_yaml(path)
        assert workflow.get("permissions") == {}, f"{path.name}: no permissions at the top"
        for job in workflow["jobs"].values():
            perms = job["permissions"]
            commands = {
                str((s.get("with") or {}).get("command"))
                for s in job["steps"]
                if "gitops-promote" in str(s.get("uses", ""))
            }
            if commands <= {"check", "history", "status", "diff"}:
                assert perms == {"contents": "read"}, path.name
            elif "promote" in commands:
                writes = {"contents": "write", "pull-requests": "write"}
                # a checks gate reads the source commit's statuses and check runs
                gated = {**writes, "statuses": "read", "checks": "read"}
                assert perms in (writes, gated), path.name
            else:
                assert perms == {"contents": "write"}, path.name


def test_promotions_share_a_concurrency_group_per_target() -> None:
    for path in EXAMPLES:
        workflow = load_yaml(path)
        commands = {str((s.get("with") or {}).get("command")) for s in steps_of(workflow)}
        if commands & {"promote", "rollback"}:
            group = workflow["concurrency"]["group"]
            assert group.startswith("gitops-promote-"), path.name
            assert workflow["concurrency"]["cancel-in-progress"] is False, path.name


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_on_every_run_script(tmp_path: Path) -> None:
    scripts = run_scripts()
    assert scripts
    for i, (where, script) in enumerate(scripts):
        f = tmp_path / f"script{i}.sh"
        f.write_text("#!/usr/bin/env bash\n" + script)
        proc = run("shellcheck", "--shell=bash", "--severity=style", str(f))
        assert proc.returncode == 0, f"{where}:\n{proc.stdout}{proc.stderr}"


def test_action_inputs_and_outputs_are_the_spec_contract() -> None:
    """SPEC section 5: every input (with its default) and every output, by name."""
    action = load_action()
    inputs = action["inputs"]
    spec_inputs = {
        "command": None,
        "service": "",
        "env": "",
        "from": "",
        "to": "",
        "version": "",
        "set": "",
        "dry-run": "false",
        "push": "true",
        "config": "",
        "working-directory": ".",
        "token": "${{ github.token }}",
        "python-version": "3.11",
    }
    for name, default in spec_inputs.items():
        assert name in inputs, name
        assert inputs[name].get("default") == default, name
    assert inputs["command"].get("required") is True
    extra = set(inputs) - set(spec_inputs)
    assert extra == {"message", "pr", "provider", "force"}, extra  # documented additions
    assert list(action["outputs"]) == [
        "pr-url", "pr-number", "branch", "commit", "version", "changed", "held", "json",
    ]  # fmt: skip
    assert action["runs"]["using"] == "composite"
