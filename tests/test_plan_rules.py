"""One test per promote rule of SPEC section 3 and per built-in preset, on realistic specs."""

from __future__ import annotations

import copy
from typing import Any

from gitops_promote.plan import MISSING, plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.presets import PRESETS
from gitops_promote.rules import RuleSet

from .planning import HELM, K8S, by_path, promote, tfy_service

# --------------------------------------------------------------------------- SPEC 3, rule 1


def test_rule1_image_overwritten() -> None:
    staging = tfy_service("staging")
    staging["image"]["image_uri"] = "registry.example.com/shop/checkout:1.5.0"
    prod = tfy_service("prod")
    plan = promote(staging, prod)
    change = by_path(plan)["/image/image_uri"]
    assert change.category == "changed"
    assert change.applied
    assert change.source == "registry.example.com/shop/checkout:1.5.0"
    assert change.target == "registry.example.com/shop/checkout:1.4.0"
    assert change.reason == "changed: overwrite /image (preset truefoundry)"
    assert plan.result[0]["image"]["image_uri"] == "registry.example.com/shop/checkout:1.5.0"
    assert plan.has_writes


def test_rule1_image_command_change_also_overwritten() -> None:
    staging = tfy_service("staging")
    staging["image"]["command"] = "gunicorn app:app"
    plan = promote(staging, tfy_service("prod"))
    assert by_path(plan)["/image/command"].category == "changed"
    assert plan.result[0]["image"]["command"] == "gunicorn app:app"


# --------------------------------------------------------------------------- SPEC 3, rule 2


def test_rule2_replicas_retained() -> None:
    plan = promote(tfy_service("staging", replicas=1), tfy_service("prod", replicas=6))
    change = by_path(plan)["/replicas"]
    assert change.category == "retained"
    assert not change.applied
    assert (change.source, change.target, change.result) == (1, 6, 6)
    assert change.reason == (
        "retained: /replicas is environment-specific (retain /replicas, preset truefoundry)"
    )
    assert plan.result[0]["replicas"] == 6


def test_rule2_autoscaling_retained_as_a_whole_subtree_when_staging_has_none() -> None:
    staging = tfy_service("staging")
    prod = tfy_service("prod")
    prod["autoscaling"] = {"min_replicas": 3, "max_replicas": 12, "target_cpu": 70}
    plan = promote(staging, prod)
    change = by_path(plan)["/autoscaling"]
    assert change.category == "retained"
    assert change.source is MISSING
    assert plan.result[0]["autoscaling"] == prod["autoscaling"]


def test_rule2_autoscaling_values_differ_each_leaf_retained() -> None:
    staging = tfy_service("staging", autoscaling={"min_replicas": 1, "max_replicas": 2})
    prod = tfy_service("prod", autoscaling={"min_replicas": 3, "max_replicas": 12})
    plan = promote(staging, prod)
    assert {p: c.category for p, c in by_path(plan).items()} == {
        "/autoscaling/min_replicas": "retained",
        "/autoscaling/max_replicas": "retained",
        "/workspace_fqn": "retained",
        "/ports/0/host": "retained",
        "/env/DATABASE_URL": "retained",
    }
    assert not plan.has_writes


def test_rule2_retained_path_absent_from_target_is_copied_and_flagged() -> None:
    staging = tfy_service("staging", autoscaling={"min_replicas": 1, "max_replicas": 2})
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/autoscaling"]
    assert change.category == "attention"
    assert change.applied
    assert "nothing to retain" in change.reason
    assert plan.result[0]["autoscaling"] == {"min_replicas": 1, "max_replicas": 2}


def test_rule2_type_change_at_retained_path_is_flagged_and_kept() -> None:
    plan = promote(tfy_service("staging", replicas="2"), tfy_service("prod", replicas=4))
    change = by_path(plan)["/replicas"]
    assert change.category == "attention"
    assert not change.applied
    assert "string in staging but a number in prod" in change.reason
    assert plan.result[0]["replicas"] == 4


def test_rule2_resources_and_workspace_retained() -> None:
    staging = tfy_service("staging")
    prod = tfy_service("prod", resources={"cpu_request": 2, "cpu_limit": 4})
    plan = promote(staging, prod)
    changes = by_path(plan)
    assert changes["/workspace_fqn"].category == "retained"
    assert changes["/resources/cpu_request"].category == "retained"
    assert changes["/resources/memory_limit"].source == 1024
    assert changes["/resources/memory_limit"].target is MISSING
    # prod has /resources: its block is kept as it is, staging's extra keys are not merged in
    assert changes["/resources/memory_limit"].category == "retained"
    assert not changes["/resources/memory_limit"].applied
    assert "whose /resources is environment-specific" in changes["/resources/memory_limit"].reason
    assert plan.result[0]["resources"] == {"cpu_request": 2, "cpu_limit": 4}
    assert plan.result[0]["workspace_fqn"] == "tfy-cluster:prod-shop"


def test_preset_kubernetes_container_without_resources_in_prod_gets_staging_s_flagged() -> None:
    staging = k8s_deployment("staging", 1, "shop/checkout:2")
    prod = k8s_deployment("prod", 3, "shop/checkout:2")
    del prod["spec"]["template"]["spec"]["containers"][0]["resources"]
    plan = plan_promotion([staging], [prod], K8S, source_env="staging", target_env="prod")
    change = by_path(plan)["Deployment/checkout:/spec/template/spec/containers/checkout/resources"]
    assert (change.category, change.applied) == ("attention", True)
    assert "nothing to retain" in change.reason
    container = plan.result[0]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "256Mi"}}


def test_rule2_port_host_retained_while_port_number_follows_staging() -> None:
    staging = tfy_service("staging")
    staging["ports"][0]["port"] = 8080
    plan = promote(staging, tfy_service("prod"))
    changes = by_path(plan)
    assert changes["/ports/0/port"].category == "changed"
    assert changes["/ports/0/host"].category == "retained"
    assert plan.result[0]["ports"][0] == {
        "port": 8080,
        "protocol": "TCP",
        "expose": True,
        "app_protocol": "http",
        "host": "checkout-prod.shop.example.com",
    }


# --------------------------------------------------------------------------- SPEC 3, rule 3


def test_rule3_probes_overwritten() -> None:
    staging = tfy_service("staging")
    staging["liveness_probe"]["initial_delay_seconds"] = 30
    staging["readiness_probe"]["config"]["path"] = "/readyz"
    plan = promote(staging, tfy_service("prod"))
    changes = by_path(plan)
    live = changes["/liveness_probe/initial_delay_seconds"]
    ready = changes["/readiness_probe/config/path"]
    assert (live.category, live.source, live.target) == ("changed", 30, 10)
    assert live.reason == "changed: overwrite /liveness_probe (preset truefoundry)"
    assert (ready.category, ready.result) == ("changed", "/readyz")
    assert plan.result[0]["readiness_probe"]["config"]["path"] == "/readyz"


def test_rule3_probe_missing_in_prod_is_added_whole() -> None:
    staging = tfy_service("staging")
    staging["startup_probe"] = {"config": {"type": "tcp", "port": 8000}, "failure_threshold": 30}
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/startup_probe"]
    assert change.category == "changed"
    assert change.target is MISSING
    assert change.result == staging["startup_probe"]
    assert change.reason == (
        "changed: added from staging: overwrite /startup_probe (preset truefoundry)"
    )


def test_rule3_probe_removed_in_staging_is_removed_from_prod() -> None:
    staging = tfy_service("staging")
    del staging["readiness_probe"]
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/readiness_probe"]
    assert change.category == "changed"
    assert change.applied
    assert change.result is MISSING
    assert "readiness_probe" not in plan.result[0]


# --------------------------------------------------------------------------- every difference


def test_every_difference_lands_in_one_category_and_equal_specs_plan_nothing() -> None:
    same_plan = promote(tfy_service("prod"), tfy_service("prod"))
    assert same_plan.changes == ()
    assert not same_plan.has_writes
    assert same_plan.result == [tfy_service("prod")]

    staging = tfy_service("staging", team="payments")
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/team"]
    assert change.category == "changed"
    assert change.reason == "changed: added from staging: default overwrite (no rule names /team)"
    categories = {c.category for c in plan.changes}
    assert categories <= {"changed", "retained", "attention"}
    assert len(plan.changes) == len(plan.changed) + len(plan.retained) + len(plan.attention)


def test_default_retain_keeps_unnamed_paths() -> None:
    rules = RuleSet(overwrite=(RulePath.parse("/image"),), default="retain")
    staging = tfy_service("staging", team="payments", owner="alice")
    prod = tfy_service("prod", owner="bob")
    plan = promote(staging, prod, rules)
    changes = by_path(plan)
    assert changes["/owner"].category == "retained"
    assert "default retain" in changes["/owner"].reason
    assert changes["/team"].category == "attention"  # nothing to retain: copied, flagged
    assert plan.result[0]["owner"] == "bob"


def test_inputs_are_not_modified() -> None:
    staging = tfy_service("staging", replicas=2)
    staging["env"]["NEW"] = "x"
    prod = tfy_service("prod", replicas=5)
    before = copy.deepcopy((staging, prod))
    plan = promote(staging, prod)
    plan.result[0]["env"]["MUTATED"] = "1"
    assert (staging, prod) == before


# --------------------------------------------------------------------------- presets


def test_preset_truefoundry_full_promotion() -> None:
    staging = tfy_service("staging", replicas=1)
    staging["image"]["image_uri"] = "registry.example.com/shop/checkout:1.5.0"
    staging["env"]["LOG_FORMAT"] = "json"
    prod = tfy_service("prod", replicas=4, autoscaling={"min_replicas": 4, "max_replicas": 10})
    plan = promote(staging, prod)
    assert {c.path for c in plan.changed} == {"/image/image_uri"}
    assert {c.path for c in plan.retained} == {
        "/ports/0/host",
        "/env/DATABASE_URL",
        "/replicas",
        "/autoscaling",
        "/workspace_fqn",
    }
    assert {c.path for c in plan.attention} == {"/env/LOG_FORMAT"}
    expected = copy.deepcopy(prod)
    expected["image"]["image_uri"] = "registry.example.com/shop/checkout:1.5.0"
    expected["env"]["LOG_FORMAT"] = "json"
    assert plan.result == [expected]


def k8s_deployment(env: str, replicas: int, image: str, **container: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "name": "checkout",
        "image": image,
        "ports": [{"name": "http", "containerPort": 8080}],
        "env": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "ENVIRONMENT", "value": env},
        ],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
    }
    app.update(container)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "checkout", "namespace": f"shop-{env}", "labels": {"app": "checkout"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "checkout"}},
            "template": {
                "metadata": {"labels": {"app": "checkout"}},
                "spec": {"containers": [app, {"name": "envoy", "image": "envoyproxy/envoy:v1.29"}]},
            },
        },
    }


def k8s_hpa(env: str, low: int, high: int) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "checkout", "namespace": f"shop-{env}"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout"},
            "minReplicas": low,
            "maxReplicas": high,
        },
    }


def test_preset_kubernetes_keeps_replicas() -> None:
    staging = [
        k8s_deployment("staging", 1, "shop/checkout:1.5.0"),
        k8s_hpa("staging", 1, 2),
    ]
    prod = [
        k8s_deployment("prod", 3, "shop/checkout:1.4.0"),
        k8s_hpa("prod", 3, 20),
    ]
    plan = plan_promotion(staging, prod, K8S, source_env="staging", target_env="prod")
    changes = by_path(plan)
    assert changes["Deployment/checkout:/spec/replicas"].category == "retained"
    assert changes["Deployment/checkout:/spec/replicas"].reason == (
        "retained: /spec/replicas is environment-specific "
        "(retain Deployment:/spec/replicas, preset kubernetes)"
    )
    assert changes["HorizontalPodAutoscaler/checkout:/spec/minReplicas"].category == "retained"
    assert changes["HorizontalPodAutoscaler/checkout:/spec/maxReplicas"].category == "retained"
    assert changes["Deployment/checkout:/metadata/namespace"].category == "retained"
    image = changes["Deployment/checkout:/spec/template/spec/containers/checkout/image"]
    assert (image.category, image.result) == ("changed", "shop/checkout:1.5.0")
    env = changes["Deployment/checkout:/spec/template/spec/containers/checkout/env/ENVIRONMENT"]
    assert (env.category, env.result) == ("retained", "prod")
    assert plan.result[0]["spec"]["replicas"] == 3
    assert plan.result[1]["spec"]["maxReplicas"] == 20
    assert plan.result[0]["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "shop/checkout:1.5.0"
    )


def test_preset_kubernetes_documents_matched_by_kind_and_name_not_position() -> None:
    staging = [k8s_hpa("staging", 1, 2), k8s_deployment("staging", 1, "shop/checkout:2")]
    prod = [k8s_deployment("prod", 3, "shop/checkout:1"), k8s_hpa("prod", 3, 20)]
    plan = plan_promotion(staging, prod, K8S, source_env="staging", target_env="prod")
    assert plan.documents == ((1, 0), (0, 1))
    assert [d["kind"] for d in plan.result] == ["Deployment", "HorizontalPodAutoscaler"]
    assert plan.result[0]["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "shop/checkout:2"
    )


def test_preset_kubernetes_new_env_var_in_container_list_added_and_flagged() -> None:
    staging = k8s_deployment("staging", 1, "shop/checkout:2")
    staging["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "NEW_QUEUE", "value": "orders-v2"}
    )
    staging["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
    )
    prod = k8s_deployment("prod", 3, "shop/checkout:2")
    plan = plan_promotion([staging], [prod], K8S, source_env="staging", target_env="prod")
    changes = by_path(plan)
    base = "Deployment/checkout:/spec/template/spec/containers/checkout/env"
    assert changes[f"{base}/NEW_QUEUE"].category == "attention"
    assert changes[f"{base}/NEW_QUEUE"].source == "orders-v2"
    secret = changes[f"{base}/DB_PASSWORD"]
    assert secret.category == "attention"
    assert secret.source == {"valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
    assert "secret reference" in secret.reason
    env = plan.result[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["name"] for e in env] == ["LOG_LEVEL", "ENVIRONMENT", "NEW_QUEUE", "DB_PASSWORD"]


def test_preset_kubernetes_keeps_container_resources_and_probes_follow_staging() -> None:
    staging = k8s_deployment(
        "staging",
        1,
        "shop/checkout:2",
        resources={"requests": {"cpu": "100m"}},
        readinessProbe={"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5},
    )
    prod = k8s_deployment("prod", 3, "shop/checkout:2", resources={"requests": {"cpu": "2"}})
    plan = plan_promotion([staging], [prod], K8S, source_env="staging", target_env="prod")
    changes = by_path(plan)
    base = "Deployment/checkout:/spec/template/spec/containers/checkout"
    assert changes[f"{base}/resources/requests/cpu"].category == "retained"
    assert changes[f"{base}/readinessProbe/httpGet/path"].category == "changed"


def test_preset_kubernetes_document_only_in_one_side_flagged() -> None:
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "checkout"},
        "spec": {"minAvailable": 1},
    }
    staging = [k8s_deployment("staging", 1, "shop/checkout:2"), pdb]
    prod = [k8s_deployment("prod", 3, "shop/checkout:2"), k8s_hpa("prod", 3, 20)]
    plan = plan_promotion(staging, prod, K8S, source_env="staging", target_env="prod")
    changes = by_path(plan)
    added = changes["PodDisruptionBudget/checkout:"]
    kept = changes["HorizontalPodAutoscaler/checkout:"]
    assert (added.category, added.applied) == ("attention", True)
    assert (kept.category, kept.applied) == ("attention", False)
    assert [d["kind"] for d in plan.result] == [
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    ]
    assert plan.documents == ((0, 0), (None, 1), (1, None))


def test_preset_kubernetes_new_sidecar_container_added_and_flagged() -> None:
    staging = k8s_deployment("staging", 1, "shop/checkout:2")
    staging["spec"]["template"]["spec"]["containers"].append(
        {"name": "otel", "image": "otel/collector:0.98", "resources": {"limits": {"cpu": "1"}}}
    )
    prod = k8s_deployment("prod", 3, "shop/checkout:2")
    plan = plan_promotion([staging], [prod], K8S, source_env="staging", target_env="prod")
    change = by_path(plan)["Deployment/checkout:/spec/template/spec/containers/otel"]
    assert change.category == "attention"
    assert change.applied
    names = [c["name"] for c in plan.result[0]["spec"]["template"]["spec"]["containers"]]
    assert names == ["checkout", "envoy", "otel"]


def test_preset_helm_values_keeps_replica_count_and_ingress() -> None:
    staging = {
        "replicaCount": 1,
        "image": {"repository": "ghcr.io/shop/checkout", "tag": "1.5.0", "pullPolicy": "Always"},
        "ingress": {"enabled": True, "hosts": [{"host": "checkout.staging.example.com"}]},
        "resources": {"limits": {"cpu": "500m"}},
        "env": {"LOG_LEVEL": "debug", "NEW_FLAG": "1"},
        "podAnnotations": {"prometheus.io/scrape": "true"},
    }
    prod = {
        "replicaCount": 4,
        "image": {
            "repository": "ghcr.io/shop/checkout",
            "tag": "1.4.2",
            "pullPolicy": "IfNotPresent",
        },
        "ingress": {"enabled": True, "hosts": [{"host": "checkout.example.com"}]},
        "resources": {"limits": {"cpu": "2"}},
        "env": {"LOG_LEVEL": "warn"},
    }
    plan = plan_promotion([staging], [prod], HELM, source_env="staging", target_env="prod")
    changes = by_path(plan)
    assert changes["/replicaCount"].category == "retained"
    assert changes["/ingress/hosts"].category == "retained"
    assert changes["/resources/limits/cpu"].category == "retained"
    assert changes["/image/tag"].category == "changed"
    assert changes["/image/pullPolicy"].category == "changed"  # default overwrite
    assert changes["/image/pullPolicy"].reason.startswith("changed: default overwrite")
    assert changes["/env/LOG_LEVEL"].category == "retained"
    assert changes["/env/NEW_FLAG"].category == "attention"
    assert changes["/podAnnotations"].category == "changed"
    assert changes["/podAnnotations"].result == {"prometheus.io/scrape": "true"}
    assert changes["/podAnnotations"].path == "/podAnnotations"
    result = plan.result[0]
    assert (result["replicaCount"], result["image"]["tag"]) == (4, "1.5.0")


def test_preset_none_overwrites_everything_including_env() -> None:
    staging = {"replicas": 1, "env": {"A": "1"}, "image": "x:2"}
    prod = {"replicas": 5, "env": {"A": "2"}, "image": "x:1"}
    plan = plan_promotion([staging], [prod], PRESETS["none"])
    assert {c.path: c.category for c in plan.changes} == {
        "/replicas": "changed",
        "/env/A": "changed",
        "/image": "changed",
    }
    assert plan.result == [staging]
