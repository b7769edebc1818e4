"""The built-in rule presets of SPEC section 2, exactly as its table gives them."""

from __future__ import annotations

from .pointer import RulePath
from .rules import EnvVarsRule, RuleSet

_K8S_CONTAINER = "/spec/template/spec/containers/*"


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
        _paths(
            f"{_K8S_CONTAINER}/image",
            f"{_K8S_CONTAINER}/readinessProbe",
            f"{_K8S_CONTAINER}/livenessProbe",
            f"{_K8S_CONTAINER}/startupProbe",
        ),
        _paths(
            "Deployment:/spec/replicas",
            "StatefulSet:/spec/replicas",
            "HorizontalPodAutoscaler:/spec/minReplicas",
            "HorizontalPodAutoscaler:/spec/maxReplicas",
            "/metadata/namespace",
            f"{_K8S_CONTAINER}/resources",
        ),
        f"{_K8S_CONTAINER}/env",
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
