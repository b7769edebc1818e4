"""``gitops-promote demo``: the whole flow on the bundled sample, with real commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops_promote.cli import main
from gitops_promote.demo import build_sample_repo

from .gitrepo import git


def test_demo_walks_through_the_whole_flow_and_cleans_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    repo = Path(re.search(r"Sample GitOps repository: (\S+)", out).group(1))  # type: ignore[union-attr]
    assert not repo.exists(), "the temporary repository is removed"
    for expected in (
        "$ gitops-promote status",
        "inference in prod (envs/prod/inference.yaml on main): 5 versions",
        "env var FEATURE_STORE_URL is set in staging",
        "Updated staging/inference: v4",
        "CHANGED    /image/image_uri",
        "RETAINED   /replicas",
        "ATTENTION  /env/FEATURE_STORE_URL",
        "--- pull request ---",
        "*v6       promote",
        "Rolled back prod/inference: v6 -> v5 as v7",
    ):
        assert expected in out, expected


def test_demo_dir_keeps_the_repository_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    repo = tmp_path / "gitops"
    assert (repo / ".gitops-promote.yaml").is_file()
    assert git(repo, "status", "--porcelain") == ""
    capsys.readouterr()
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_sample_history_has_real_trailers(tmp_path: Path) -> None:
    repo = build_sample_repo(tmp_path / "gitops")
    log = git(repo, "log", "--format=%s%n%(trailers:only,unfold)", "--", "envs/prod/inference.yaml")
    assert "rollback(prod/inference): v4 -> v3 as v5" in log
    assert "Gitops-Promote-Restores: v3 " in log
    assert re.search(r"Gitops-Promote-Source: staging v2 [0-9a-f]{40}", log)
