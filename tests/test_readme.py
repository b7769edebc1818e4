"""The README stays true: its first two commands, the test command CI runs, and the workflows
it shows (which must be the files in examples/, byte for byte)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_demo_and_the_test_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [
        line for line in first_block.group(1).splitlines() if line and not line.startswith("#")
    ]
    assert commands[0].endswith("pip install . && gitops-promote demo")
    assert commands[1].endswith("pip install -e '.[test]' && python -m pytest")


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -q -e '.[test]'" in ci
    last = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")][-1]
    assert last == "python -m pytest"


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.yml")))
def test_each_example_workflow_is_shown_verbatim(example: str) -> None:
    text = (ROOT / "examples" / example).read_text(encoding="utf-8").rstrip("\n")
    assert f"`examples/{example}`:\n\n```yaml\n{text}\n```" in README


def test_every_command_is_documented() -> None:
    for command in ("history", "show", "update", "rollback", "diff", "promote", "status", "check"):
        assert f"\n### {command}" in README or f"### diff and {command}" in README, command
