"""The installed command: console script, ``python -m``, a plain (non-editable) install, and a
``--help`` that does not pay for GitPython, PyGithub, ruamel.yaml or PyYAML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .sample import sample_repo

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("git", "github", "ruamel", "yaml", "_yaml")


def _script() -> str:
    candidate = Path(sys.executable).parent / "gitops-promote"
    found = str(candidate) if candidate.exists() else shutil.which("gitops-promote")
    if not found:
        pytest.fail("the gitops-promote console script is not installed in this environment")
    return found


def test_help_does_not_import_gitpython_pygithub_or_ruamel() -> None:
    code = (
        "import sys\n"
        "from gitops_promote.cli import main\n"
        "rc = main(['--help'])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('HEAVY', heavy, rc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY [] 0" in out
    assert "Usage: gitops-promote" in out


def test_console_script_runs_history_as_a_subprocess(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "gitops")
    proc = subprocess.run(
        [_script(), "--output", "json", "history", "api", "--env", "prod"],
        cwd=repo.path / "envs",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"version": "v3"' in proc.stdout


def test_console_script_exit_code_and_single_error_line(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "gitops")
    proc = subprocess.run(
        [_script(), "--repo", str(repo.path), "history", "api", "--env", "qa"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown environment 'qa'")
    assert proc.stderr.count("\n") == 1


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gitops_promote", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.startswith("gitops-promote, version ")


@pytest.mark.slow
def test_plain_install_runs_the_demo_from_any_directory(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "gitops_promote" / "fixtures" / "history.yaml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, gitops_promote; print(gitops_promote.__file__);"
            "from gitops_promote.cli import main; sys.exit(main(['demo']))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith(str(target)), first
    assert "promote(inference): staging" in proc.stdout
    assert "Rolled back prod/inference" in proc.stdout


def test_commands_run_git_through_the_gateway_and_load_no_git_library(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "gitops")
    code = (
        "import sys\n"
        "from gitops_promote.cli import main\n"
        "rc = main(['--output', 'json', 'status'])\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in ('git', 'gitdb')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo.path, capture_output=True, text=True, check=True
    )
    assert "LOADED []" in proc.stdout, proc.stderr
