"""A small GitOps repository for command tests: config, three environments, one service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_promote.cli import main

from .gitrepo import GitRepo

CONFIG = """\
version: 1
environments:
  dev:     {path: envs/dev}
  staging: {path: envs/staging}
  prod:    {path: envs/prod}
promotions: [dev->staging, staging->prod]
preset: truefoundry
"""


def api_spec(
    image: str = "1.0.0",
    replicas: int = 1,
    log_level: str = "info",
    extra_env: str = "",
    probe_path: str = "/health",
) -> str:
    return f"""\
# API service
name: api
image:
  type: image
  image_uri: "ghcr.io/acme/api:{image}"  # set by CI
replicas: {replicas}
env:
  LOG_LEVEL: {log_level}
{extra_env}readiness_probe:
  config:
    type: http
    path: {probe_path}
    port: 8000

workspace_fqn: cluster:ws
"""


def make_sample(repo: GitRepo) -> GitRepo:
    """v1 everywhere, then two updates of prod (v2, v3) and a staging change (v2)."""
    repo.commit(
        {
            ".gitops-promote.yaml": CONFIG,
            "envs/dev/api.yaml": api_spec(),
            "envs/staging/api.yaml": api_spec(replicas=2),
            "envs/prod/api.yaml": api_spec(replicas=3, log_level="warning"),
        },
        "Add api",
    )
    repo.commit({"envs/prod/api.yaml": api_spec("1.1.0", 3, "warning")}, "prod: 1.1.0")
    repo.commit({"envs/prod/api.yaml": api_spec("1.2.0", 3, "warning")}, "prod: 1.2.0")
    repo.commit(
        {"envs/staging/api.yaml": api_spec("1.3.0", 2, extra_env="  NEW_QUEUE: q-staging\n")},
        "staging: 1.3.0",
    )
    return repo


def sample_repo(path: Path) -> GitRepo:
    return make_sample(GitRepo(path))


def run(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process against ``repo``: (exit code, stdout, stderr)."""
    code = main(["--repo", str(repo.path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Run with ``--output json``, expect exit 0, return the parsed document."""
    code, out, err = run(repo, "--output", "json", *args, capsys=capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data
