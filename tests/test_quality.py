"""ruff (lint and format) and mypy --strict are part of the test suite, so CI enforces them."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [found]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    proc = _run([*_tool("ruff"), "check", "."])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = _run([*_tool("ruff"), "format", "--check", "."])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    proc = _run([*_tool("mypy")])
    assert proc.returncode == 0, proc.stdout + proc.stderr


#: what a function may import inside itself: the heavy libraries, loaded only when a text is
#: parsed or GitHub is called, so that --help and the read-only commands stay fast
LAZY_IMPORTS = ("ruamel.yaml", "yaml", "github", "..github")

#: and, module by module, what only some runs need while every run would pay for loading it:
#: the YAML reader when the config cache misses, and standard modules of rare paths
LAZY_HERE = {
    "gitops_promote/config.py": {".yamldoc"},
    "gitops_promote/git/gateway.py": {"base64", "tempfile", "shutil"},
    "gitops_promote/workspace.py": {"difflib"},
    "gitops_promote/render/text.py": {"shutil"},
    "gitops_promote/workflow.py": {"base64"},
}


def test_no_function_imports_inside_itself_except_the_listed_lazy_ones() -> None:
    found = []
    for path in sorted((ROOT / "gitops_promote").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom):
                    names = ["." * sub.level + (sub.module or "")]
                elif isinstance(sub, ast.Import):
                    names = [alias.name for alias in sub.names]
                else:
                    continue
                here = LAZY_HERE.get(path.relative_to(ROOT).as_posix(), set())
                for name in names:
                    if name in here:
                        continue
                    if not any(name == lib or name.startswith(lib + ".") for lib in LAZY_IMPORTS):
                        found.append(f"{path.relative_to(ROOT)}:{sub.lineno}: {name}")
    assert found == []
