"""Shared helpers of the planner's tests: rule sets from strings, a TrueFoundry service spec
per environment, and short views of a Plan; and a promote run as the CLI runs it (prepare,
render the pull request, publish)."""

from __future__ import annotations

from typing import Any

from gitops_promote import promotion
from gitops_promote.plan import Change, Plan, plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.presets import PRESETS
from gitops_promote.publish import Publisher
from gitops_promote.render.prbody import pr_body, pr_title
from gitops_promote.rules import EnvVarsRule, RuleSet
from gitops_promote.workspace import Workspace

TFY = PRESETS["truefoundry"]
K8S = PRESETS["kubernetes"]
HELM = PRESETS["helm-values"]


def tfy_service(env: str, **overrides: Any) -> dict[str, Any]:
    """A TrueFoundry service spec as a workspace would hold it for ``env``."""
    spec: dict[str, Any] = {
        "name": "checkout",
        "type": "service",
        "image": {
            "type": "image",
            "image_uri": "registry.example.com/shop/checkout:1.4.0",
            "command": "uvicorn app:app --port 8000",
        },
        "ports": [
            {
                "port": 8000,
                "protocol": "TCP",
                "expose": True,
                "app_protocol": "http",
                "host": f"checkout-{env}.shop.example.com",
            }
        ],
        "env": {
            "LOG_LEVEL": "info",
            "DATABASE_URL": f"tfy-secret://shop:{env}-db:url",
            "FEATURE_NEW_CART": "false",
        },
        "resources": {
            "cpu_request": 0.5,
            "cpu_limit": 1,
            "memory_request": 512,
            "memory_limit": 1024,
        },
        "replicas": 1,
        "liveness_probe": {
            "config": {"type": "http", "path": "/healthz", "port": 8000},
            "initial_delay_seconds": 10,
            "period_seconds": 10,
        },
        "readiness_probe": {
            "config": {"type": "http", "path": "/ready", "port": 8000},
            "period_seconds": 5,
        },
        "workspace_fqn": f"tfy-cluster:{env}-shop",
    }
    spec.update(overrides)
    return spec


def by_path(plan: Plan) -> dict[str, Change]:
    return {c.path: c for c in plan.changes}


def promote(source: Any, target: Any, rules: RuleSet = TFY) -> Plan:
    return plan_promotion([source], [target], rules, source_env="staging", target_env="prod")


def rules(
    overwrite: tuple[str, ...] = (),
    retain: tuple[str, ...] = (),
    env: str | None = None,
    default: str = "overwrite",
    multi: bool = False,
) -> RuleSet:
    return RuleSet(
        overwrite=tuple(RulePath.parse(p) for p in overwrite),
        retain=tuple(RulePath.parse(p) for p in retain),
        env_vars=EnvVarsRule(RulePath.parse(env)) if env else None,
        default=default,  # type: ignore[arg-type]
        multi_document=multi,
    )


def paths(plan: Plan) -> dict[str, str]:
    return {c.path: c.category for c in plan.changes}


def promote_services(
    ws: Workspace,
    services: list[str],
    source_env: str,
    target_env: str,
    *,
    message: str | None = None,
    publisher: Publisher | None = None,
    **prepare: Any,
) -> tuple[promotion.PromotionResult, str, str]:
    """``promote`` as the CLI runs it: prepare (holds and gates), render the pull request's
    title and body, publish; (the published result, title, body)."""
    res = promotion.prepare(ws, services, source_env, target_env, **prepare)
    title, body = pr_title(res), pr_body(res, "promote")
    published = promotion.publish(ws, res, title, body, message=message, publisher=publisher)
    return published, title, body
