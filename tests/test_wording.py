"""Messages that say what happened: no such commit, every difference retained, did you mean
(SPEC section 4: errors are one clear line; rollback --retain)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gitrepo import GitRepo
from .sample import run, run_json, sample_repo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "gitops")


def test_a_sha_that_names_no_commit_is_said_to_be_no_commit(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["rollback", "api", "--env", "prod", "--to"],
        ["show", "api", "--env", "prod", "--version"],
    ):
        code, out, err = run(repo, *args, "deadbeef", capsys=capsys)
        assert code == 2 and out == ""
        assert err == "error: there is no commit deadbeef in this repository\n"


def test_a_commit_that_did_not_change_the_spec_is_not_a_version(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    other = repo.commit({"README.md": "docs\n"}, "docs")
    # a prefix of digits only would be read as a version number: take one with a letter in it
    prefix = other[: next(n for n in range(9, 41) if not other[:n].isdigit())]
    code, _, err = run(repo, "rollback", "api", "--env", "prod", "--to", prefix, capsys=capsys)
    assert code == 2
    assert err == (
        f"error: commit {prefix} is not a version of envs/prod/api.yaml "
        "(it did not change the file)\n"
    )
    code, _, err = run(repo, "rollback", "api", "--env", "prod", "--to", "12", capsys=capsys)
    assert code == 2 and err == "error: there is no version v12 (v1..v3 exist)\n"


def test_rollback_retain_where_every_difference_is_retained_says_so(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(repo, "update", "api", "--env", "prod", "--set", "replicas=8", capsys=capsys)
    head = repo.head()
    code, out, _ = run(
        repo, "rollback", "api", "--env", "prod", "--to", "v3", "--retain", capsys=capsys
    )
    assert code == 0 and repo.head() == head
    assert out == (
        "prod/api: nothing to roll back: every difference between v4 and v3 is in a path the "
        "rules retain, and --retain keeps them:\n"
        "  kept current /replicas: 8 (v3: 3)\n"
    )
    data = run_json(
        repo, "rollback", "api", "--env", "prod", "--to", "v3", "--retain", capsys=capsys
    )
    assert data["new_version"] is None and data["commit"] is None
    assert [(c["path"], c["source"], c["target"]) for c in data["retained"]] == [
        ("/replicas", 8, 3)
    ]
    code, out, _ = run(repo, "rollback", "api", "--env", "prod", "--to", "v4", capsys=capsys)
    assert out == "prod/api is already at the content of v4 (v4): nothing to roll back\n"


def test_an_unknown_service_gets_a_did_you_mean(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(repo, "diff", "apii", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 2
    assert err == (
        "error: service 'apii' has no spec in environment 'staging' (looked for "
        "envs/staging/apii.yaml on branch main); did you mean 'api'?\n"
    )
    code, _, err = run(repo, "history", "ap", "--env", "prod", capsys=capsys)
    assert code == 2 and err.endswith("; did you mean 'api'?\n")
    code, _, err = run(repo, "history", "billing", "--env", "prod", capsys=capsys)
    assert code == 2 and "did you mean" not in err
