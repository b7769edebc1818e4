"""SPEC section 4, JSON output: each service of ``diff`` and ``promote`` carries ``"patch"``, the
RFC 6902 operations that turn the target into the promoted result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonpatch
import pytest

from gitops_promote.yamldoc.doc import YamlDoc

from .gitrepo import GitRepo
from .sample import CONFIG, run_json, sample_repo

PROMOTE = ["promote", "--from", "staging", "--to", "prod", "--provider", "local"]


def plain(data: bytes) -> list[Any]:
    return YamlDoc.from_bytes(data).documents()


def test_the_patch_turns_the_target_into_the_promoted_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = sample_repo(tmp_path / "gitops")
    target = plain(repo.read("envs/prod/api.yaml"))[0]
    data = run_json(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    (svc,) = data["services"]
    assert svc["patch"] == [
        {"op": "replace", "path": "/image/image_uri", "value": "ghcr.io/acme/api:1.3.0"},
        {"op": "add", "path": "/env/NEW_QUEUE", "value": "q-staging"},
    ]
    promoted = run_json(repo, *PROMOTE, "api", capsys=capsys)
    assert promoted["services"][0]["patch"] == svc["patch"]
    written = plain(repo.show(promoted["branch"], "envs/prod/api.yaml"))[0]
    assert jsonpatch.apply_patch(target, svc["patch"]) == written


def test_nothing_to_change_is_an_empty_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = sample_repo(tmp_path / "gitops")
    repo.commit({"envs/staging/api.yaml": repo.read("envs/prod/api.yaml")}, "same")
    data = run_json(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert data["services"][0]["patch"] == []


def test_a_new_service_is_one_add_of_the_whole_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = sample_repo(tmp_path / "gitops")
    repo.commit({"envs/staging/web.yaml": "name: web\nreplicas: 2\n"}, "web in staging")
    data = run_json(repo, "diff", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    assert data["services"][0]["patch"] == [
        {"op": "add", "path": "", "value": {"name": "web", "replicas": 2}}
    ]


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:{tag}
          env:
            - name: LOG_LEVEL
              value: info
{extra}"""
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: '1'\n"


def test_a_multi_document_patch_is_over_the_list_of_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_var = "            - name: QUEUE\n              value: q1\n"
    repo = GitRepo(tmp_path / "k8s")
    repo.commit(
        {
            ".gitops-promote.yaml": CONFIG.replace("truefoundry", "kubernetes"),
            "envs/staging/web.yaml": "---\n".join(
                [DEPLOYMENT.format(replicas=2, tag="2.0", extra=new_var), SERVICE, CONFIGMAP]
            ),
            "envs/prod/web.yaml": "---\n".join(
                [SERVICE, DEPLOYMENT.format(replicas=5, tag="1.0", extra="")]
            ),
        },
        "web",
    )
    target = plain(repo.read("envs/prod/web.yaml"))
    data = run_json(repo, *PROMOTE, "web", capsys=capsys)
    patch = data["services"][0]["patch"]
    container = "/1/spec/template/spec/containers/0"
    assert patch == [
        {"op": "replace", "path": f"{container}/image", "value": "ghcr.io/acme/web:2.0"},
        {"op": "add", "path": f"{container}/env/1", "value": {"name": "QUEUE", "value": "q1"}},
        {"op": "add", "path": "/2", "value": plain(CONFIGMAP.encode())[0]},
    ]
    written = plain(repo.show(data["branch"], "envs/prod/web.yaml"))
    assert jsonpatch.apply_patch(target, patch) == written
