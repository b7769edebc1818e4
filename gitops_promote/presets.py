"""The built-in rule presets of SPEC section 2, exactly as its table gives them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from .pointer import RulePath
from .rules import EnvVarsRule, RuleSet

_K8S_CONTAINER = "/spec/template/spec/containers/*"
_K8S_OVERWRITE = (
    f"{_K8S_CONTAINER}/image",
    f"{_K8S_CONTAINER}/readinessProbe",
    f"{_K8S_CONTAINER}/livenessProbe",
    f"{_K8S_CONTAINER}/startupProbe",
)
_K8S_RETAIN = (
    "Deployment:/spec/replicas",
    "StatefulSet:/spec/replicas",
    "HorizontalPodAutoscaler:/spec/minReplicas",
    "HorizontalPodAutoscaler:/spec/maxReplicas",
    "/metadata/namespace",
    f"{_K8S_CONTAINER}/resources",
)


def _paths(*texts: str) -> tuple[RulePath, ...]:
    return tuple(RulePath.parse(t) for t in texts)


def _preset(
    name: str,
    overwrite: tuple[RulePath, ...],
    retain: tuple[RulePath, ...],
    env_path: str | None,
    *,
    multi_document: bool = False,
) -> RuleSet:
    origin = f"preset {name}"
    return RuleSet(
        overwrite=overwrite,
        retain=retain,
        env_vars=EnvVarsRule(RulePath.parse(env_path)) if env_path else None,
        default="overwrite",
        multi_document=multi_document,
        preset=name,
        origins={str(p): origin for p in (*overwrite, *retain)},
    )


PRESETS: dict[str, RuleSet] = {
    "truefoundry": _preset(
        "truefoundry",
        _paths("/image", "/liveness_probe", "/readiness_probe", "/startup_probe"),
        _paths("/replicas", "/autoscaling", "/resources", "/workspace_fqn", "/ports/*/host"),
        "/env",
    ),
    "kubernetes": _preset(
        "kubernetes",
        _paths(*_K8S_OVERWRITE),
        _paths(*_K8S_RETAIN),
        f"{_K8S_CONTAINER}/env",
        multi_document=True,
    ),
    "kustomize": _preset(
        "kustomize",
        _paths("/images", *_K8S_OVERWRITE),
        _paths(
            "/namespace",
            "/namePrefix",
            "/nameSuffix",
            "/replicas",
            "/labels",
            "/commonLabels",
            "/commonAnnotations",
            *_K8S_RETAIN,
        ),
        f"{_K8S_CONTAINER}/env",
    ),
    "flux": _preset(
        "flux",
        _paths(
            "HelmRelease:/spec/chart/spec/version",
            "HelmRelease:/spec/values/image",
            "Kustomization:/spec/images",
        ),
        _paths(
            "HelmRelease:/spec/values/replicaCount",
            "HelmRelease:/spec/values/autoscaling",
            "HelmRelease:/spec/values/resources",
            "HelmRelease:/spec/values/ingress",
            "Kustomization:/spec/path",
            "Kustomization:/spec/targetNamespace",
            "Kustomization:/spec/patches",
        ),
        "/spec/values/env",
        multi_document=True,
    ),
    "helm-values": _preset(
        "helm-values",
        _paths("/image/repository", "/image/tag", "/image/digest"),
        _paths("/replicaCount", "/autoscaling", "/resources", "/ingress"),
        "/env",
    ),
    "none": _preset("none", (), (), None),
}

AUTO = "auto"
#: the presets ``auto`` chooses among, per spec file
AUTO_CANDIDATES = ("truefoundry", "kubernetes", "kustomize", "flux", "helm-values")


def select_preset(path: str, documents: Sequence[Any]) -> str:
    """The preset ``auto`` uses for a spec file: from its documents' ``kind`` and its name."""
    kinds = [d.get("kind") for d in documents if isinstance(d, dict)]
    apis = [str(d.get("apiVersion", "")) for d in documents if isinstance(d, dict)]
    name = PurePosixPath(path).name
    if "HelmRelease" in kinds or any("fluxcd.io" in a for a in apis):
        return "flux"
    if "Kustomization" in kinds or name in ("kustomization.yaml", "kustomization.yml"):
        return "kustomize"
    if any(isinstance(k, str) for k in kinds):
        return "kubernetes"
    if name.startswith("values"):
        return "helm-values"
    return "truefoundry"
