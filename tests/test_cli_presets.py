"""Promotions end to end with the kubernetes and helm-values presets, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gitrepo import GitRepo
from .sample import run, run_json

K8S_CONFIG = """\
environments:
  staging: {path: envs/staging}
  prod:    {path: envs/prod}
preset: kubernetes
"""


def k8s(env: str, image: str, replicas: int, hpa: tuple[int, int], extra_env: str = "") -> str:
    return f"""\
# checkout service ({env})
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop-{env}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/checkout:{image}   # bumped by CI
          env:
            - name: LOG_LEVEL
              value: "{"debug" if env == "staging" else "warn"}"
{extra_env}          readinessProbe:
            httpGet: {{path: /ready, port: 8080}}
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout
  namespace: shop-{env}
spec:
  minReplicas: {hpa[0]}
  maxReplicas: {hpa[1]}
"""


@pytest.fixture
def k8s_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "k8s")
    new_var = (
        "            - name: PAYMENTS_URL\n"
        "              valueFrom:\n"
        "                secretKeyRef: {name: payments, key: url}\n"
    )
    repo.commit(
        {
            ".gitops-promote.yaml": K8S_CONFIG,
            "envs/staging/checkout.yaml": k8s("staging", "2.0.0", 1, (1, 2), new_var),
            "envs/prod/checkout.yaml": k8s("prod", "1.9.0", 6, (6, 30)),
        },
        "checkout",
    )
    return repo


def test_kubernetes_promote_moves_images_keeps_replicas_and_flags_the_secret(
    k8s_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        k8s_repo, "promote", "checkout", "--from", "staging", "--to", "prod", capsys=capsys
    )
    (svc,) = data["services"]
    changed = {c["path"] for c in svc["changed"]}
    retained = {c["path"] for c in svc["retained"]}
    attention = {c["path"] for c in svc["attention"]}
    assert "Deployment/checkout:/spec/template/spec/containers/app/image" in changed
    assert "Deployment/checkout:/spec/replicas" in retained
    assert "Deployment/checkout:/metadata/namespace" in retained
    assert "HorizontalPodAutoscaler/checkout:/spec/minReplicas" in retained
    assert "HorizontalPodAutoscaler/checkout:/spec/maxReplicas" in retained
    assert "Deployment/checkout:/spec/template/spec/containers/app/env/LOG_LEVEL" in retained
    assert "Deployment/checkout:/spec/template/spec/containers/app/env/PAYMENTS_URL" in attention

    promoted = k8s_repo.show(data["branch"], "envs/prod/checkout.yaml").decode()
    before = k8s_repo.read("envs/prod/checkout.yaml").decode()
    expected = before.replace("checkout:1.9.0", "checkout:2.0.0").replace(
        '              value: "warn"\n',
        '              value: "warn"\n'
        "            - name: PAYMENTS_URL\n"
        "              valueFrom:\n"
        "                secretKeyRef: {name: payments, key: url}\n",
    )
    assert promoted == expected  # comments, flow maps, separators and order survive


def test_kubernetes_env_var_missing_in_prod_is_a_check_problem(
    k8s_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(k8s_repo, "check", capsys=capsys)
    assert code == 1
    assert "envs/prod/checkout.yaml:" in out and "app/PAYMENTS_URL" in out


def test_helm_values_promote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo(tmp_path / "helm")
    values = """\
replicaCount: {replicas}
image:
  repository: ghcr.io/acme/web
  tag: "{tag}"   # the release
  pullPolicy: IfNotPresent
ingress:
  enabled: {ingress}
  hosts: [{host}]
resources:
  limits: {{cpu: "{cpu}"}}
podAnnotations:
  team: web
"""
    repo.commit(
        {
            ".gitops-promote.yaml": "environments:\n  staging: {path: s}\n  prod: {path: p}\n"
            "preset: helm-values\n",
            "s/web.yaml": values.format(
                replicas=1, tag="3.2.0", ingress="false", host="web.staging", cpu="500m"
            ),
            "p/web.yaml": values.format(
                replicas=4, tag="3.1.0", ingress="true", host="web.example.com", cpu="2"
            ),
        },
        "web",
    )
    data = run_json(repo, "promote", "web", "--from", "staging", "--to", "prod", capsys=capsys)
    (svc,) = data["services"]
    assert [c["path"] for c in svc["changed"]] == ["/image/tag"]
    assert {c["path"] for c in svc["retained"]} == {
        "/replicaCount",
        "/ingress/enabled",
        "/ingress/hosts",
        "/resources/limits/cpu",
    }
    promoted = repo.show(data["branch"], "p/web.yaml").decode()
    assert promoted == repo.read("p/web.yaml").decode().replace('"3.1.0"', '"3.2.0"')
