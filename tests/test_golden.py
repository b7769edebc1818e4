"""Golden files: PR bodies and job summaries as reviewers see them, byte for byte.

The repository is the bundled sample (fixtures/), replayed with fixed dates, so the shas in the
bodies are stable. Set GITOPS_PROMOTE_UPDATE_GOLDEN=1 to rewrite the files after an intended
change, and review the diff.
"""

from __future__ import annotations

import os

import pytest

from gitops_promote import promotion, rollback, versioning
from gitops_promote.demo import build_sample_repo
from gitops_promote.render.markdown import history_md, rollback_md
from gitops_promote.render.prbody import pr_body, pr_title
from gitops_promote.workspace import Workspace

from .goldenfiles import GOLDEN


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    mp = pytest.MonkeyPatch()
    mp.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
    try:
        path = build_sample_repo(tmp_path_factory.mktemp("golden") / "gitops")
    finally:
        mp.undo()
    return Workspace.open(path)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GITOPS_PROMOTE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with GITOPS_PROMOTE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_pr_body_staging_to_prod_inference(sample: Workspace) -> None:
    res = promotion.diff(sample, ["inference"], "staging", "prod")
    assert pr_title(res) == "Promote inference to prod: 1.5.0 → 1.6.0 (⚠️ 1)"
    check_golden("pr_body_inference_staging_prod.md", pr_body(res, "diff"))


def test_pr_body_for_several_services(sample: Workspace) -> None:
    res = promotion.diff(sample, [], "staging", "prod", all_services=True)
    assert pr_title(res) == "Promote to prod: api 2.3.0 → 2.4.0, inference 1.5.0 → 1.6.0 (⚠️ 1)"
    check_golden("pr_body_all_staging_prod.md", pr_body(res, "diff"))


def test_pr_body_when_nothing_differs(sample: Workspace) -> None:
    res = promotion.diff(sample, ["worker"], "dev", "staging")
    assert not res.writes
    assert pr_title(res) == "Promote worker to staging: nothing to change"
    check_golden("pr_body_worker_in_sync.md", pr_body(res, "diff"))


def test_job_summaries(sample: Workspace) -> None:
    check_golden("summary_history.md", history_md(versioning.history(sample, "inference", "prod")))
    rb = rollback.rollback(sample, "inference", "prod", "v2", dry_run=True)
    check_golden("summary_rollback.md", rollback_md(rb))
