"""Run the steps of ``action.yml`` the way a GitHub Actions runner does, without a runner.

``ActionHarness.run(inputs, cwd=...)`` reads the composite action, evaluates the ``${{ }}``
expressions it uses (``inputs.*`` with their defaults, ``steps.<id>.outputs.*``,
``github.token``), and runs each ``run:`` step in ``bash --noprofile --norc -eo pipefail`` with:
the step's ``env:``, ``GITHUB_ACTIONS=true``, ``GITHUB_ACTION_PATH`` (the project checkout),
``RUNNER_TEMP``, ``GITHUB_WORKSPACE``, and fresh ``GITHUB_OUTPUT``/``GITHUB_STEP_SUMMARY`` files
per step, read back with the runner's rules afterwards. Steps stop at the first failure.

``uses:`` steps cannot run here; the harness provides their effect instead (setup-python: the
interpreter given as ``python``). A ``run:`` step whose id is in ``provided`` is skipped the same
way (the install step, when the test already has gitops-promote installed).

Unknown expressions, unknown ``uses:`` actions and ``if:`` conditions fail loudly, so that the
harness can never silently run something other than what the runner would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

PROJECT = Path(__file__).resolve().parent.parent
ACTION_FILE = PROJECT / "action.yml"
GITHUB_TOKEN_IN_JOB = "ghs_defaultJobTokenFromTheRunner0001"

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMMAND = re.compile(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$")


def scalar(value: Any) -> str:
    """A YAML value as the runner hands it on: booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def load_action(path: Path = ACTION_FILE) -> dict[str, Any]:
    data = load_yaml(path)
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


def unescape_data(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(s: str) -> str:
    return unescape_data(s.replace("%3A", ":").replace("%2C", ","))


def parse_output_file(text: str) -> dict[str, str]:
    """Read a ``$GITHUB_OUTPUT``-style file with the runner's rules (``k=v`` and ``k<<DELIM``)."""
    result: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.strip() == "":
            continue
        eq, heredoc = line.find("="), line.find("<<")
        if heredoc != -1 and (eq == -1 or heredoc < eq):
            name, delim = line[:heredoc], line[heredoc + 2 :]
            assert name and delim, f"invalid heredoc line {line!r}"
            body: list[str] = []
            while True:
                assert i < len(lines), f"output {name!r}: delimiter {delim!r} never closes"
                if lines[i] == delim:
                    i += 1
                    break
                body.append(lines[i])
                i += 1
            result[name] = "\n".join(body)
        else:
            assert eq > 0, f"invalid output line {line!r}"
            result[line[:eq]] = line[eq + 1 :]
    return result


@dataclass
class WorkflowCommand:
    command: str
    properties: dict[str, str]
    message: str


def parse_commands(stdout: str) -> list[WorkflowCommand]:
    """The workflow commands (``::name k=v::message``) in a step's log, in order."""
    found: list[WorkflowCommand] = []
    for line in stdout.splitlines():
        m = _COMMAND.match(line)
        if not m:
            continue
        props: dict[str, str] = {}
        if m.group(2):
            for pair in m.group(2).split(","):
                key, _, value = pair.partition("=")
                props[key] = unescape_property(value)
        found.append(WorkflowCommand(m.group(1), props, unescape_data(m.group(3))))
    return found


@dataclass
class StepResult:
    id: str | None
    name: str
    skipped: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepResult]
    outputs: dict[str, str]

    @property
    def returncode(self) -> int:
        for step in self.steps:
            if step.returncode:
                return step.returncode
        return 0

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    @property
    def commands(self) -> list[WorkflowCommand]:
        return parse_commands(self.stdout)

    def annotations(self, level: str = "error") -> list[WorkflowCommand]:
        return [c for c in self.commands if c.command == level]

    def step(self, step_id: str) -> StepResult:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


class ActionHarness:
    """Runs ``action.yml``'s steps for a test, in temporary runner directories."""

    def __init__(
        self,
        tmp: Path,
        *,
        python: str = sys.executable,
        provided: Mapping[str, Mapping[str, str]] | None = None,
        action_file: Path = ACTION_FILE,
        github_token: str = GITHUB_TOKEN_IN_JOB,
    ) -> None:
        self.tmp = tmp
        self.action_file = action_file
        self.action_path = action_file.parent
        self.action = load_action(action_file)
        self.python = python
        self.github_token = github_token
        # By default gitops-promote is the one installed for the tests (no venv step).
        self.provided: dict[str, Mapping[str, str]] = (
            {"install": {"python": python}} if provided is None else dict(provided)
        )
        self.runner_temp = tmp / "runner-temp"
        self.runner_temp.mkdir(parents=True, exist_ok=True)
        self._files = 0

    # ----------------------------------------------------------------- expressions

    def _input_values(self, inputs: Mapping[str, str]) -> dict[str, str]:
        declared: dict[str, Any] = self.action.get("inputs") or {}
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs not declared in action.yml: {sorted(unknown)}"
        values: dict[str, str] = {}
        for name, spec in declared.items():
            if name in inputs:
                values[name] = inputs[name]
            else:
                default = (spec or {}).get("default", "")
                values[name] = self._evaluate(scalar(default), {}, {})
        return values

    def _lookup(self, expr: str, inputs: Mapping[str, str], steps: Mapping[str, Any]) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            assert parts[1] in inputs, f"unknown input in expression: {expr}"
            return inputs[parts[1]]
        if parts[0] == "github" and len(parts) == 2:
            if parts[1] == "token":
                return self.github_token
            if parts[1] == "action_path":
                return str(self.action_path)
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            # Like the runner: an output a step did not set (or a step not run) is empty.
            step_outputs: Mapping[str, str] = steps.get(parts[1], {})
            return step_outputs.get(parts[3], "")
        raise AssertionError(f"expression the harness does not know: ${{{{ {expr} }}}}")

    def _evaluate(self, text: str, inputs: Mapping[str, str], steps: Mapping[str, Any]) -> str:
        return _EXPR.sub(lambda m: self._lookup(m.group(1), inputs, steps), text)

    # ----------------------------------------------------------------- running

    def _new_file(self, kind: str) -> Path:
        self._files += 1
        p = self.runner_temp / "_runner_file_commands" / f"{kind}_{self._files}"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
        return p

    def run(
        self,
        inputs: Mapping[str, str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = 120,
    ) -> ActionRun:
        """Run the action with ``inputs`` in workspace ``cwd``; ``env`` adds job-level env."""
        values = self._input_values(inputs)
        steps_outputs: dict[str, dict[str, str]] = {}
        results: list[StepResult] = []
        runs = self.action["runs"]
        assert runs["using"] == "composite"
        for step in runs["steps"]:
            step_id = step.get("id")
            name = step.get("name") or step.get("uses") or "run"
            assert "if" not in step, "the harness does not evaluate if: conditions"
            if "uses" in step:
                outputs = self._uses(step, values, steps_outputs)
                results.append(StepResult(step_id, name, skipped=True, outputs=outputs))
            elif step_id in self.provided:
                outputs = dict(self.provided[step_id])
                results.append(StepResult(step_id, name, skipped=True, outputs=outputs))
            else:
                result = self._run_step(step, values, steps_outputs, cwd, env or {}, timeout)
                results.append(result)
                outputs = result.outputs
            if step_id:
                # A failed step's outputs still count (the runner keeps what it wrote).
                steps_outputs[step_id] = outputs
            if results[-1].returncode != 0:
                break
        declared = self.action.get("outputs") or {}
        action_outputs = {
            name: self._evaluate(str(spec["value"]), values, steps_outputs)
            for name, spec in declared.items()
        }
        return ActionRun(results, action_outputs)

    def _uses(
        self, step: Mapping[str, Any], inputs: Mapping[str, str], steps: Mapping[str, Any]
    ) -> dict[str, str]:
        uses = str(step["uses"])
        with_ = {
            k: self._evaluate(scalar(v), inputs, steps) for k, v in (step.get("with") or {}).items()
        }
        if uses.startswith("actions/setup-python@"):
            assert with_.get("update-environment") == "false", "setup-python must not touch PATH"
            assert with_.get("python-version"), "setup-python needs a python-version"
            return {"python-path": self.python, "python-version": with_["python-version"]}
        raise AssertionError(f"the harness cannot provide the effect of {uses}")

    def _run_step(
        self,
        step: Mapping[str, Any],
        inputs: Mapping[str, str],
        steps: Mapping[str, Any],
        cwd: Path,
        job_env: Mapping[str, str],
        timeout: float,
    ) -> StepResult:
        assert step.get("shell") == "bash", "composite run steps must name their shell"
        script = str(step["run"])
        assert "${{" not in script, "expressions inside a run: script are injectable"
        output_file = self._new_file("set_output")
        summary_file = self._new_file("step_summary")
        script_file = self._new_file("script")
        script_file.write_text(script, encoding="utf-8")
        step_env = {
            k: self._evaluate(scalar(v), inputs, steps) for k, v in (step.get("env") or {}).items()
        }
        env = dict(os.environ)
        env.update(job_env)
        env.update(
            {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_ACTION_PATH": str(self.action_path),
                "GITHUB_WORKSPACE": str(cwd),
                "RUNNER_TEMP": str(self.runner_temp),
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_STEP_SUMMARY": str(summary_file),
            }
        )
        env.update(step_env)
        workdir = cwd
        if "working-directory" in step:
            workdir = cwd / self._evaluate(str(step["working-directory"]), inputs, steps)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return StepResult(
            id=step.get("id"),
            name=str(step.get("name") or "run"),
            skipped=False,
            returncode=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            outputs=parse_output_file(output_file.read_text(encoding="utf-8")),
            summary=summary_file.read_text(encoding="utf-8"),
            env=step_env,
        )
