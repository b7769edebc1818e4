"""SPEC section 8: every command on real repositories of each layout, with history built here.

The shapes follow widely used public examples (a kustomize base with an overlay per stage, Flux
HelmRelease patches per environment, Helm values per environment, one branch per environment);
the files are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .gitrepo import GitRepo
from .sample import run, run_json

Files = dict[str, str | bytes | None]


def _repo(tmp_path: Path, config: str, *versions: Files) -> GitRepo:
    repo = GitRepo(tmp_path / "gitops")
    repo.commit({".gitops-promote.yaml": config, **versions[0]}, "initial")
    for i, files in enumerate(versions[1:], start=2):
        repo.commit(files, f"change {i}")
    return repo


def _cells(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["service"]: s["envs"] for s in status["services"]}


def _promote(
    repo: GitRepo, service: str, source: str, target: str, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """promote with the local provider: the branch is created, the PR body printed."""
    return run_json(
        repo, "promote", service, "--from", source, "--to", target, "--provider", "local",
        capsys=capsys,
    )  # fmt: skip


def _by_path(service: dict[str, Any]) -> dict[str, str]:
    out = {}
    for category in ("changed", "retained", "attention"):
        for c in service[category]:
            out[c["path"]] = category
    return out


# -- 1. today's layout --------------------------------------------------------------------------

TODAY = """\
environments:
  dev: {path: envs/dev}
  prod: {path: envs/prod}
"""


def test_layout_today_envs_folder_and_invalid_names_are_skipped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = "image: reg/api:{tag}\nreplicas: {n}\nenv:\n  DB: pg://{env}-db\n"
    repo = _repo(
        tmp_path,
        TODAY,
        {
            "envs/dev/api.yaml": spec.format(tag="1", n=1, env="dev"),
            "envs/prod/api.yaml": spec.format(tag="1", n=3, env="prod"),
            "envs/dev/bad name.yaml": "image: x\n",
        },
        {"envs/dev/api.yaml": spec.format(tag="2", n=1, env="dev")},
    )
    history = run_json(repo, "history", "api", "--env", "dev", capsys=capsys)
    assert [v["version"] for v in history["versions"]] == ["v2", "v1"]
    code, out, err = run(repo, "--output", "json", "status", capsys=capsys)
    assert code == 0 and "'bad name' is not a valid service name" in err
    assert _cells(json.loads(out))["api"]["dev"]["image"] == "reg/api:2"
    data = run_json(repo, "diff", "api", "--from", "dev", "--to", "prod", capsys=capsys)
    assert _by_path(data["services"][0]) == {
        "/image": "changed",
        "/replicas": "retained",
        "/env/DB": "retained",
    }


# -- 2. kustomize: base + one overlay per stage -------------------------------------------------

BASE = {
    "base/kustomization.yaml": "resources:\n- namespace.yaml\n- deployment.yaml\n- service.yaml\n",
    "base/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    "base/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n"
        "  template:\n    spec:\n      containers:\n      - name: app\n"
        "        image: ghcr.io/org/app\n"
    ),
    "base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n",
}


def _overlay(stage: str, tag: str) -> str:
    return (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources:\n- ../../base\n"
        f"namespace: shop-{stage}  # one namespace per stage\n"
        f"images:\n- name: ghcr.io/org/app\n  newTag: {tag}\n"
    )


KUSTOMIZE = """\
service: shop
preset: kustomize
environments:
  dev: {spec: env/dev/kustomization.yaml}
  staging: {spec: env/staging/kustomization.yaml}
  prod: {spec: env/prod/kustomization.yaml, aliases: [production]}
"""


@pytest.fixture
def kustomize(tmp_path: Path) -> GitRepo:
    return _repo(
        tmp_path,
        KUSTOMIZE,
        {
            **BASE,
            **{f"env/{s}/kustomization.yaml": _overlay(s, "v0.0.1") for s in ("dev", "staging")},
            "env/prod/kustomization.yaml": _overlay("production", "v0.0.1"),
        },
        {"env/dev/kustomization.yaml": _overlay("dev", "v0.0.2")},
    )


def test_layout_kustomize_update_promote_rollback_status_check(
    kustomize: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = kustomize
    pointer = "/images/ghcr.io~1org~1app/newTag"
    data = run_json(
        repo, "update", "shop", "--env", "dev", "--set", f"{pointer}=v0.0.3", capsys=capsys
    )
    assert data["version"] == "v3"
    assert "newTag: v0.0.3\n" in repo.read("env/dev/kustomization.yaml").decode()
    history = run_json(repo, "history", "shop", "--env", "dev", capsys=capsys)
    assert [v["version"] for v in history["versions"]] == ["v3", "v2", "v1"]

    diff = run_json(repo, "diff", "shop", "--from", "dev", "--to", "staging", capsys=capsys)
    paths = _by_path(diff["services"][0])
    assert paths[pointer] == "changed"
    assert paths["/namespace"] == "retained"

    head = repo.head()
    promoted = _promote(repo, "shop", "dev", "staging", capsys)
    branch = promoted["branch"]
    new = repo.show(branch, "env/staging/kustomization.yaml").decode()
    assert new == _overlay("staging", "v0.0.3")  # newTag only; namespace and comment kept
    assert repo.head() == head and repo.status() == ""

    # staging -> prod: the alias production is the same environment for rule 5
    repo.commit({"env/staging/kustomization.yaml": new}, "merge promotion")
    diff = run_json(repo, "diff", "shop", "--from", "staging", "--to", "prod", capsys=capsys)
    assert _by_path(diff["services"][0]) == {pointer: "changed", "/namespace": "retained"}

    rolled = run_json(repo, "rollback", "shop", "--env", "dev", "--to", "v1", capsys=capsys)
    assert rolled["new_version"] == "v4"
    assert repo.read("env/dev/kustomization.yaml").decode() == _overlay("dev", "v0.0.1")
    code, out, _ = run(repo, "show", "shop", "--env", "dev", "--version", "v3", capsys=capsys)
    assert code == 0 and "newTag: v0.0.3" in out

    status = run_json(repo, "status", capsys=capsys)
    assert _cells(status)["shop"]["staging"]["image"] == "ghcr.io/org/app:v0.0.3"
    assert list(_cells(status)) == ["shop"]
    assert run_json(repo, "check", capsys=capsys)["ok"] is True


def test_layout_kustomize_namespace_is_flagged_without_a_preset_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule 5 on its own: with no preset the namespace is still never copied silently."""
    repo = _repo(
        tmp_path,
        KUSTOMIZE.replace("preset: kustomize", "preset: none"),
        {
            "env/dev/kustomization.yaml": _overlay("dev", "v2"),
            "env/staging/kustomization.yaml": _overlay("staging", "v1"),
            "env/prod/kustomization.yaml": _overlay("prod", "v1"),
        },
    )
    diff = run_json(repo, "diff", "shop", "--from", "dev", "--to", "staging", capsys=capsys)
    paths = _by_path(diff["services"][0])
    assert paths["/namespace"] == "attention"
    assert paths["/images/ghcr.io~1org~1app/newTag"] == "changed"


# -- 3. Flux: HelmRelease patches per environment -----------------------------------------------


def _release(version: str, host: str, replicas: int) -> str:
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
        "  name: podinfo\n  namespace: podinfo\nspec:\n  chart:\n    spec:\n"
        f'      version: "{version}"\n  values:\n    replicaCount: {replicas}\n'
        f"    image:\n      repository: ghcr.io/stefanprodan/podinfo\n      tag: {version}\n"
        f"    httpRoute:\n      hostnames:\n      - {host}\n"
    )


FLUX_KUSTOMIZATION = (
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    "resources:\n- ../base/podinfo\npatches:\n- path: podinfo-values.yaml\n"
)
FLUX = """\
preset: flux
environments:
  staging: {spec: "apps/staging/{service}-values.yaml"}
  production: {spec: "apps/production/{service}-values.yaml", aliases: [prod]}
"""


def test_layout_flux_helmrelease_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(
        tmp_path,
        FLUX,
        {
            "apps/staging/kustomization.yaml": FLUX_KUSTOMIZATION,
            "apps/production/kustomization.yaml": FLUX_KUSTOMIZATION,
            "apps/staging/podinfo-values.yaml": _release("6.5.0", "podinfo.staging", 1),
            "apps/production/podinfo-values.yaml": _release("6.5.0", "podinfo.prod", 3),
        },
        {"apps/staging/podinfo-values.yaml": _release("6.6.0", "podinfo.staging", 1)},
    )
    status = run_json(repo, "status", capsys=capsys)
    assert list(_cells(status)) == ["podinfo"]  # kustomization.yaml is not a service
    assert _cells(status)["podinfo"]["staging"] == {
        "version": "v2",
        "image": "ghcr.io/stefanprodan/podinfo:6.6.0",
        "sha": repo.head(),
        "held": False,
    }
    data = _promote(repo, "--all", "staging", "production", capsys)
    paths = _by_path(data["services"][0])
    assert paths["HelmRelease/podinfo:/spec/chart/spec/version"] == "changed"
    assert paths["HelmRelease/podinfo:/spec/values/replicaCount"] == "retained"
    assert paths["HelmRelease/podinfo:/spec/values/httpRoute/hostnames"] == "attention"
    promoted = repo.show(data["branch"], "apps/production/podinfo-values.yaml").decode()
    assert promoted == _release("6.6.0", "podinfo.prod", 3)
    assert "podinfo.staging" not in promoted
    assert run_json(repo, "check", capsys=capsys)["ok"] is True


# -- 4. Helm values per environment ---------------------------------------------------------------


def _values(tag: str, host: str) -> str:
    return f"image:\n  repository: reg/api\n  tag: {tag}\nreplicaCount: 2\nhost: {host}\n"


def test_layout_helm_values_folder_per_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "preset: helm-values\nenvironments:\n"
        '  dev: {spec: "apps/dev/{service}/values.yaml"}\n'
        '  prod: {spec: "apps/prod/{service}/values.yaml"}\n'
        "services: {exclude: [legacy-*]}\n"
    )
    repo = _repo(
        tmp_path,
        config,
        {
            "apps/dev/api/values.yaml": _values("1.0", "api.dev.acme.com"),
            "apps/prod/api/values.yaml": _values("1.0", "api.acme.com"),
            "apps/dev/legacy-x/values.yaml": _values("0.1", "x"),
            "apps/dev/api/Chart.yaml": "name: api\n",
        },
        {"apps/dev/api/values.yaml": _values("1.1", "api.dev.acme.com")},
    )
    status = run_json(repo, "status", capsys=capsys)
    assert list(_cells(status)) == ["api"]
    data = run_json(repo, "diff", "api", "--from", "dev", "--to", "prod", capsys=capsys)
    paths = _by_path(data["services"][0])
    assert paths["/image/tag"] == "changed"
    assert paths["/host"] == "attention"  # copied but names dev: flagged (rule 5)
    code, _, err = run(repo, "history", "legacy-x", "--env", "dev", capsys=capsys)
    assert code == 2 and "not a service" in err


def test_layout_helm_values_environment_in_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "preset: auto\nenvironments:\n"
        '  staging: {spec: "charts/{service}/values-staging.yaml"}\n'
        '  prod: {spec: "charts/{service}/values-prod.yaml"}\n'
    )
    repo = _repo(
        tmp_path,
        config,
        {
            "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
            "charts/api/values.yaml": _values("0", "x"),
            "charts/api/values-staging.yaml": _values("2.0", "api.staging.acme.com"),
            "charts/api/values-prod.yaml": _values("1.0", "api.prod.acme.com"),
        },
    )
    data = _promote(repo, "api", "staging", "prod", capsys)
    assert repo.show(data["branch"], "charts/api/values-prod.yaml").decode() == _values(
        "2.0", "api.prod.acme.com"
    )
    assert _cells(run_json(repo, "status", capsys=capsys))["api"]["prod"]["image"] == "reg/api:1.0"


# -- 5. one branch per environment --------------------------------------------------------------

BRANCHES = """\
preset: auto
environments:
  dev: {spec: "{service}.yaml", base_branch: env/dev}
  staging: {spec: "{service}.yaml", base_branch: env/staging}
  prod: {spec: "{service}.yaml", base_branch: env/prod}
"""


def _api(tag: str, env: str, replicas: int) -> str:
    return f"image: reg/api:{tag}\nreplicas: {replicas}\nenv:\n  QUEUE: {env}-queue\n"


@pytest.fixture
def branches(tmp_path: Path) -> GitRepo:
    repo = _repo(tmp_path, BRANCHES, {"README.md": "config only\n"})
    for env, replicas in (("dev", 1), ("staging", 2), ("prod", 3)):
        repo.git("checkout", "-q", "--orphan", f"env/{env}")
        repo.git("rm", "-rfq", ".")
        repo.commit({"api.yaml": _api("1", env, replicas)}, f"{env}: api")
    repo.commit({"api.yaml": _api("2", "prod", 3)}, "prod: api 2")
    repo.git("checkout", "-q", "env/dev")
    repo.commit({"api.yaml": _api("2", "dev", 1)}, "dev: api 2")
    repo.commit({"api.yaml": _api("3", "dev", 1)}, "dev: api 3")
    repo.git("checkout", "-q", "main")
    return repo


def test_layout_branch_per_environment_never_touches_the_checkout(
    branches: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = branches
    main = repo.head()
    history = run_json(repo, "history", "api", "--env", "dev", capsys=capsys)
    assert [v["version"] for v in history["versions"]] == ["v3", "v2", "v1"]

    dev_tip = repo.head("env/dev")
    data = run_json(repo, "update", "api", "--env", "dev", "--set", "replicas=2", capsys=capsys)
    assert data["version"] == "v4"
    assert repo.head("env/dev~1") == dev_tip
    assert "replicas: 2" in repo.show("env/dev", "api.yaml").decode()
    rolled = run_json(repo, "rollback", "api", "--env", "dev", "--to", "v3", capsys=capsys)
    assert rolled["new_version"] == "v5"
    assert repo.show("env/dev", "api.yaml").decode() == _api("3", "dev", 1)

    staging_tip = repo.head("env/staging")
    promoted = _promote(repo, "api", "dev", "staging", capsys)
    branch = promoted["branch"]
    assert repo.head(f"{branch}~1") == staging_tip  # starts from the target's branch
    assert repo.show(branch, "api.yaml").decode() == _api("3", "staging", 2)
    paths = _by_path(promoted["services"][0])
    assert paths["/image"] == "changed" and paths["/env/QUEUE"] == "retained"

    status = run_json(repo, "status", capsys=capsys)
    assert {e: c["image"] for e, c in _cells(status)["api"].items()} == {
        "dev": "reg/api:3",
        "staging": "reg/api:1",
        "prod": "reg/api:2",
    }
    assert run_json(repo, "check", capsys=capsys)["ok"] is True
    assert repo.head() == main and repo.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert repo.status() == "" and not (repo.path / "api.yaml").exists()


def test_layout_branch_per_environment_kustomize_folder_per_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path, BRANCHES.replace("{service}.yaml", "{service}/kustomization.yaml"), {})
    for env in ("dev", "staging", "prod"):
        repo.git("checkout", "-q", "--orphan", f"env/{env}")
        repo.git("rm", "-rfq", ".")
        repo.commit({"web/kustomization.yaml": _overlay(env, "v1")}, f"{env}: web")
    repo.git("checkout", "-q", "env/dev")
    repo.commit({"web/kustomization.yaml": _overlay("dev", "v2")}, "dev: web v2")
    repo.git("checkout", "-q", "main")
    data = _promote(repo, "web", "dev", "staging", capsys)
    assert repo.show(data["branch"], "web/kustomization.yaml").decode() == _overlay("staging", "v2")
    status = run_json(repo, "status", capsys=capsys)
    assert _cells(status)["web"]["dev"]["image"] == "ghcr.io/org/app:v2"


# -- 6. bad input ---------------------------------------------------------------------------------


def test_layout_check_and_status_fail_when_the_config_matches_no_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(
        tmp_path,
        'environments:\n  dev: {spec: "apps/dev/{service}.yaml"}\n',
        {"envs/dev/api.yaml": "image: x\n", "apps/dev/README.md": "moved\n"},
    )
    code, out, _ = run(repo, "--output", "json", "check", capsys=capsys)
    assert code == 1 and "matches no spec" in out
    code, _, err = run(repo, "status", capsys=capsys)
    assert code == 1 and "matches any spec" in err


def test_layout_a_spec_symlink_out_of_the_repository_under_a_pattern_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path, FLUX, {"apps/staging/podinfo-values.yaml": "a: 1\n"})
    (repo.path / "apps/production").mkdir(parents=True)
    (repo.path / "apps/production/podinfo-values.yaml").symlink_to("/etc/hostname")
    repo.commit({}, "link")
    before = repo.head()
    code, _, err = run(
        repo, "update", "podinfo", "--env", "production", "--set", "a=2", capsys=capsys
    )
    assert code == 2 and "leads outside the repository" in err and len(err.splitlines()) == 1
    assert repo.head() == before


def test_layout_config_mistake_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(
        tmp_path,
        'environments:\n  a: {spec: "x/{service}.yaml"}\n  b: {spec: "x/{service}.yaml"}\n',
        {},
    )
    code, _, err = run(repo, "status", capsys=capsys)
    assert code == 2 and err.startswith("error: .gitops-promote.yaml:3")
