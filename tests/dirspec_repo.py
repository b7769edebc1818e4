"""A kustomize overlay repository of one service (``simple``) with four environments, each a
folder of patches: ``envs/{qa,staging-us,prod-us,prod-eu}/`` holding kustomization.yml,
version.yml, settings.yml, replicas.yml and deployment.yml, built with a history."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import GitRepo

ENVS = ("qa", "staging-us", "prod-us", "prod-eu")

CONFIG = """\
version: 1
service: simple
preset: kustomize
environments:
  qa:         {spec: "envs/qa/"}
  staging-us: {spec: "envs/staging-us/"}
  prod-us:    {spec: "envs/prod-us/"}
  prod-eu:    {spec: "envs/prod-eu/"}
promotions: [qa->staging-us, staging-us->prod-us, staging-us->prod-eu]
"""


CONTAINER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: simple-deployment
spec:
  template:
    spec:
      containers:
        - name: webserver-simple
"""


def kustomization(env: str) -> str:
    return f"""\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {env}
namePrefix: {env}-
resources:
  - ../../base
patches:
  - path: version.yml
  - path: settings.yml
  - path: replicas.yml
  - path: deployment.yml
"""


def _container_patch(body: str) -> str:
    """A partial Deployment setting ``body`` on the container ``webserver-simple``."""
    return CONTAINER + body


def version(tag: str) -> str:
    return _container_patch(f"          image: docker.io/example/simple:{tag}  # the app version\n")


def settings(theme: str, cache: str) -> str:
    return _container_patch(
        "          env:\n"
        f'            - name: UI_THEME\n              value: "{theme}"\n'
        f'            - name: CACHE_SIZE\n              value: "{cache}"\n'
    )


def replicas(n: int) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: simple-deployment
spec:
  replicas: {n}
"""


def deployment(env: str) -> str:
    return _container_patch(
        f"          env:\n            - name: ENV\n              value: {env}\n"
    )


BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: simple-deployment
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: webserver-simple
          image: docker.io/example/simple:1.0.0
"""

SETTINGS = {
    "qa": ("dark", "1024kb"),
    "staging-us": ("dark", "2048kb"),
    "prod-us": ("light", "4096kb"),
    "prod-eu": ("light", "4096kb"),
}
REPLICAS = {"qa": 1, "staging-us": 2, "prod-us": 5, "prod-eu": 4}


def overlay(env: str, tag: str) -> dict[str, str]:
    theme, cache = SETTINGS[env]
    return {
        f"envs/{env}/kustomization.yml": kustomization(env),
        f"envs/{env}/version.yml": version(tag),
        f"envs/{env}/settings.yml": settings(theme, cache),
        f"envs/{env}/replicas.yml": replicas(REPLICAS[env]),
        f"envs/{env}/deployment.yml": deployment(env),
    }


def build(path: Path) -> GitRepo:
    """The overlay repository, with history: every environment created, then qa and staging-us
    moved on to newer versions; prod-us has three versions."""
    repo = GitRepo(path)
    files: dict[str, str | bytes | None] = {".gitops-promote.yaml": CONFIG, "base/deploy.yml": BASE}
    tags = {"qa": "1.2.0", "staging-us": "1.1.0", "prod-us": "1.0.0", "prod-eu": "1.0.0"}
    for env in ENVS:
        files.update(overlay(env, tags[env]))
    repo.commit(files, "initial overlays")
    repo.commit({"envs/prod-us/version.yml": version("1.0.1")}, "prod-us: 1.0.1")
    repo.commit({"envs/prod-us/extra.yml": replicas(9)}, "prod-us: extra patch")
    repo.commit({"base/deploy.yml": BASE.replace("replicas: 1", "replicas: 2")}, "base only")
    repo.commit({"envs/staging-us/version.yml": version("1.2.0")}, "staging-us: 1.2.0")
    repo.commit({"envs/qa/version.yml": version("1.3.0")}, "qa: 1.3.0")
    return repo
