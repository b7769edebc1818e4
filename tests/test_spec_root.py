"""SPEC section 2: a spec whose root is not a mapping is bad input (exit 2 naming the file)
everywhere a spec is read for planning or editing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gitrepo import GitRepo
from .sample import CONFIG, api_spec, run, run_json, sample_repo

NOT_A_MAPPING = [
    ("- name: api\n  image: x\n", "envs/prod/api.yaml: the spec is a list, not a mapping"),
    ("just a string\n", "envs/prod/api.yaml: the spec is a string ('just a string'), not a"),
    ("3\n", "envs/prod/api.yaml: the spec is a number (3), not a mapping"),
    ("null\n", "envs/prod/api.yaml: the spec is null (empty), not a mapping"),
    ("~\n", "envs/prod/api.yaml: the spec is null (empty), not a mapping"),
    ("", "envs/prod/api.yaml: the spec is empty (no YAML document), not a mapping"),
    ("# only a comment\n\n", "envs/prod/api.yaml: the spec is empty (no YAML document)"),
    ("# header\n- a\n- b\n", "envs/prod/api.yaml:2: the spec is a list, not a mapping"),
    (
        api_spec() + "---\nname: other\n",
        "envs/prod/api.yaml:17: the spec holds 2 YAML documents, but preset truefoundry reads "
        "one mapping",
    ),
]

COMMANDS = [
    ["diff", "api", "--from", "staging", "--to", "prod"],
    ["promote", "api", "--from", "staging", "--to", "prod"],
    ["promote", "--all", "--from", "staging", "--to", "prod", "--dry-run"],
    ["update", "api", "--env", "prod", "--set", "replicas=2"],
    ["rollback", "api", "--env", "prod", "--to", "v1", "--retain"],
]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "gitops")


@pytest.mark.parametrize(("content", "message"), NOT_A_MAPPING)
def test_a_spec_whose_root_is_not_a_mapping_is_bad_input(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    repo.commit({"envs/prod/api.yaml": content}, "prod spec is not a mapping")
    head, branches = repo.head(), repo.git("branch", "--list")
    for args in COMMANDS:
        code, out, err = run(repo, *args, capsys=capsys)
        assert code == 2, (args, out, err)
        assert err.startswith(f"error: {message}"), (args, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert repo.head() == head and repo.git("branch", "--list") == branches


def test_a_source_spec_that_is_not_a_mapping_is_bad_input_too(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/staging/api.yaml": "- 1\n- 2\n"}, "staging spec is a list")
    code, _, err = run(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 2
    assert err == "error: envs/staging/api.yaml: the spec is a list, not a mapping\n"


def test_check_and_status_report_a_spec_that_is_not_a_mapping(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/prod/api.yaml": "- name: api\n"}, "prod spec is a list")
    code, out, _ = run(repo, "check", capsys=capsys)
    assert code == 1
    assert out.startswith("envs/prod/api.yaml: the spec is a list, not a mapping\n")
    data = run_json(repo, "status", capsys=capsys)
    (api,) = data["services"]
    assert api["envs"]["prod"]["error"] == ("envs/prod/api.yaml: the spec is a list, not a mapping")
    drift = {(d["from"], d["to"]): d for d in api["drift"]}
    assert drift[("staging", "prod")]["in_sync"] is False


def test_a_multi_document_preset_takes_several_documents_and_empty_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        "spec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n"
        "        - name: web\n          image: ghcr.io/acme/web:{tag}\n"
    )
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    repo = GitRepo(tmp_path / "k8s")
    repo.commit(
        {
            ".gitops-promote.yaml": CONFIG.replace("truefoundry", "kubernetes"),
            "envs/staging/web.yaml": deployment.format(replicas=2, tag="2.0") + "---\n" + service,
            "envs/prod/web.yaml": deployment.format(replicas=5, tag="1.0")
            + "---\n"
            + service
            + "---\n",
        },
        "web",
    )
    data = run_json(repo, "diff", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    (svc,) = data["services"]
    assert [c["path"] for c in svc["changed"]] == [
        "Deployment/web:/spec/template/spec/containers/web/image"
    ]
    repo.commit({"envs/prod/web.yaml": "---\n- web\n---\n" + service}, "a list in prod")
    code, _, err = run(repo, "diff", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 2
    assert err == "error: envs/prod/web.yaml:2: document 1 of the spec is a list, not a mapping\n"
    repo.commit({"envs/prod/web.yaml": "---\n---\n# nothing\n"}, "only empty documents")
    code, _, err = run(repo, "diff", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 2
    assert err == "error: envs/prod/web.yaml: the spec holds only empty documents, not a mapping\n"
