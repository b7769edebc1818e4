"""apply_plan: the target file edited minimally, byte for byte, on realistic specs."""

from __future__ import annotations

import difflib
import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gitops_promote.apply import apply_plan, plan_edits
from gitops_promote.plan import Plan, plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.presets import PRESETS
from gitops_promote.rules import EnvVarsRule, RuleSet
from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .goldenfiles import golden_text


def promote(
    staging: str, prod: str, rules: RuleSet | str
) -> tuple[Plan, YamlDoc, YamlDoc, YamlDoc]:
    rule_set = PRESETS[rules] if isinstance(rules, str) else rules
    src = YamlDoc.parse(staging, "envs/staging/checkout.yaml")
    dst = YamlDoc.parse(prod, "envs/prod/checkout.yaml")
    plan = plan_promotion(
        src.documents(), dst.documents(), rule_set, source_env="staging", target_env="prod"
    )
    return plan, src, dst, apply_plan(plan, src, dst)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) between two texts."""
    removed: list[str] = []
    added: list[str] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def plain_sorted(value: Any) -> Any:
    """Data with keyed-list order and mapping order normalised, to compare file and plan."""
    if isinstance(value, dict):
        return {k: plain_sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [plain_sorted(v) for v in value]
        if items and all(isinstance(i, dict) and "name" in i for i in items):
            return sorted(items, key=lambda i: str(i["name"]))
        return items
    return value


def assert_holds_result(plan: Plan, out: YamlDoc) -> None:
    assert plain_sorted(out.documents()) == plain_sorted(plan.result)


# --------------------------------------------------------------------------- TrueFoundry

TFY_STAGING = golden_text("apply/truefoundry_staging.yaml")

TFY_PROD = golden_text("apply/truefoundry_prod.yaml")

TFY_EXPECTED = golden_text("apply/truefoundry_expected.yaml")


def test_truefoundry_promotion_byte_exact() -> None:
    plan, _, dst, out = promote(TFY_STAGING, TFY_PROD, "truefoundry")
    assert out.text == TFY_EXPECTED
    removed, added = changed_lines(dst.text, out.text)
    # only the lines of values that change: the image, the new env var, the new probe
    assert removed == ['  image_uri: "registry.example.com/shop/checkout:1.4.0"  # bumped by CI']
    assert added == [
        '  image_uri: "registry.example.com/shop/checkout:1.5.0"  # bumped by CI',
        "  LOG_FORMAT: json  # structured logs",
        *TFY_STAGING.split("replicas: 1\n")[1].splitlines(),
    ]
    assert_holds_result(plan, out)


def test_truefoundry_retained_only_writes_nothing() -> None:
    staging = TFY_PROD.replace("replicas: 6", "replicas: 1").replace("checkout.example", "x")
    plan, _, dst, out = promote(staging, TFY_PROD, "truefoundry")
    assert plan.changes and not plan.has_writes
    assert plan_edits(plan, YamlDoc.parse(staging), dst) == []
    assert out.to_bytes() == dst.to_bytes()


def test_removals_delete_only_their_lines() -> None:
    rules = RuleSet(
        overwrite=PRESETS["truefoundry"].overwrite,
        retain=PRESETS["truefoundry"].retain,
        env_vars=EnvVarsRule(RulePath.parse("/env"), removed="remove"),
    )
    prod = TFY_EXPECTED.replace(
        "  LOG_FORMAT: json  # structured logs\n",
        "  LOG_FORMAT: json  # structured logs\n  LEGACY_CART: 'on'   # until Q3\n",
    )
    staging = TFY_STAGING.replace(
        "readiness_probe:\n  # checked by the mesh\n  config:\n    type: http\n"
        "    path: /ready   # fast path\n    port: 8000\n  period_seconds: 5\n",
        "",
    )
    plan, _, dst, out = promote(staging, prod, rules)
    removed, added = changed_lines(dst.text, out.text)
    assert added == []
    assert removed == [
        "  LEGACY_CART: 'on'   # until Q3",
        "readiness_probe:",
        "  # checked by the mesh",
        "  config:",
        "    type: http",
        "    path: /ready   # fast path",
        "    port: 8000",
        "  period_seconds: 5",
    ]
    assert_holds_result(plan, out)


# --------------------------------------------------------------------------- Kubernetes

K8S_STAGING = golden_text("apply/kubernetes_staging.yaml")

K8S_PROD = golden_text("apply/kubernetes_prod.yaml")

K8S_EXPECTED = golden_text("apply/kubernetes_expected.yaml")


def test_kubernetes_multi_document_byte_exact() -> None:
    plan, _, dst, out = promote(K8S_STAGING, K8S_PROD, "kubernetes")
    assert out.text == K8S_EXPECTED
    removed, added = changed_lines(dst.text, out.text)
    assert removed == [
        "        image: ghcr.io/shop/checkout:1.4.2   # release 1.4",
        "          httpGet: {path: /ready, port: http}",
    ]
    assert added == [
        "        image: ghcr.io/shop/checkout:1.5.0   # release 1.4",
        "        - name: NEW_QUEUE   # orders v2 rollout",
        "          value: orders-v2",
        "          httpGet: {path: /readyz, port: http}",
        "      - name: otel",
        "        # collector sidecar",
        "        image: otel/opentelemetry-collector:0.98.0",
        "---",
        "apiVersion: policy/v1",
        "kind: PodDisruptionBudget",
        "metadata:",
        "  name: checkout",
        "spec:",
        "  minAvailable: 1",
    ]
    assert_holds_result(plan, out)


def test_kubernetes_promoting_the_result_again_writes_nothing() -> None:
    _, src, _, out = promote(K8S_STAGING, K8S_PROD, "kubernetes")
    again = plan_promotion(src.documents(), out.documents(), PRESETS["kubernetes"])
    assert not again.has_writes
    assert apply_plan(again, src, out).to_bytes() == out.to_bytes()


# --------------------------------------------------------------------------- Helm values

HELM_STAGING = golden_text("apply/helm_staging.yaml")

HELM_PROD = golden_text("apply/helm_prod.yaml")


def test_helm_values_byte_exact() -> None:
    plan, _, dst, out = promote(HELM_STAGING, HELM_PROD, "helm-values")
    expected = HELM_PROD.replace(
        "  tag: '1.4.2'   # pinned by the release train\n  pullPolicy: IfNotPresent\n",
        "  tag: '1.5.0'   # pinned by the release train\n  pullPolicy: Always\n"
        "podAnnotations:\n"
        '  prometheus.io/scrape: "true"   # scraped by the shared Prometheus\n',
    ).replace("  LOG_LEVEL: warn\n", '  LOG_LEVEL: warn\n  CART_TTL: "3600"\n')
    assert out.text == expected
    removed, added = changed_lines(dst.text, out.text)
    assert len(removed) == 2 and len(added) == 5
    assert_holds_result(plan, out)


# --------------------------------------------------------------------------- mechanics


def test_crlf_and_bom_survive() -> None:
    staging = "\ufeffimage: app:2\r\nreplicas: 1\r\n"
    prod = "\ufeffimage: app:1   # current\r\nreplicas: 3\r\n"
    src = YamlDoc.from_bytes(staging.encode(), "s.yaml")
    dst = YamlDoc.from_bytes(prod.encode(), "p.yaml")
    rules = RuleSet(retain=(RulePath.parse("/replicas"),))
    plan = plan_promotion(src.documents(), dst.documents(), rules)
    out = apply_plan(plan, src, dst)
    assert out.to_bytes() == "\ufeffimage: app:2   # current\r\nreplicas: 3\r\n".encode()


def test_plain_list_edited_item_by_item() -> None:
    staging = "args:\n  - --port=8080   # new port\n  - --workers=4\n  - --verbose\n"
    prod = "args:\n  - --port=8000   # old port\n  - --workers=4\n"
    plan, _, _, out = promote(staging, prod, "none")
    assert [c.path for c in plan.changes] == ["/args"]
    assert out.text == "args:\n  - --port=8080   # old port\n  - --workers=4\n  - --verbose\n"


def test_new_keys_follow_their_source_predecessor_or_go_to_the_end() -> None:
    # region and zone follow image, as in staging; team and owner precede every key prod has,
    # so they go to the end; keys new together keep staging's order
    staging = "team: shop\nowner: ana\nimage: a:1\nregion: eu\nzone: b\n"
    prod = "image: a:1\nport: 80\n"
    plan, _, _, out = promote(staging, prod, RuleSet(retain=(RulePath.parse("/port"),)))
    assert out.text == "image: a:1\nregion: eu\nzone: b\nport: 80\nteam: shop\nowner: ana\n"
    assert list(plan.result[0]) == ["image", "region", "zone", "port", "team", "owner"]


def test_keyed_items_found_by_name_in_the_target_order() -> None:
    staging = (
        "containers:\n  - name: web\n    image: web:2\n  - name: worker\n    image: worker:2\n"
    )
    prod = (
        "containers:\n"
        "  - name: worker   # background jobs\n    image: worker:1\n"
        "  - name: web\n    image: web:1\n"
        "  - name: legacy\n    image: legacy:1\n"
    )
    plan, _, _, out = promote(staging, prod, "none")
    assert out.text == (
        "containers:\n"
        "  - name: worker   # background jobs\n    image: worker:2\n"
        "  - name: web\n    image: web:2\n"
    )
    assert_holds_result(plan, out)


def test_deletions_in_one_list_run_from_the_last_item() -> None:
    staging = "ports:\n  - name: http\n    port: 80\n"
    prod = (
        "ports:\n  - name: a\n    port: 1\n  - name: http\n    port: 80\n  - name: b\n    port: 2\n"
    )
    src, dst = YamlDoc.parse(staging), YamlDoc.parse(prod)
    plan = plan_promotion(src.documents(), dst.documents(), PRESETS["none"])
    edits = plan_edits(plan, src, dst)
    assert edits == [
        Edit(("ports", 2), 0, delete=True),
        Edit(("ports", 0), 0, delete=True),
    ]
    assert apply_plan(plan, src, dst).text == "ports:\n  - name: http\n    port: 80\n"


def test_type_change_replaces_the_value() -> None:
    plan, _, _, out = promote("autoscaling:\n  min: 2\n", "autoscaling: false\n", "none")
    assert out.text == "autoscaling:\n  min: 2\n"
    assert_holds_result(plan, out)


@pytest.mark.parametrize("preset", ["truefoundry", "helm-values", "none"])
def test_identical_specs_give_identical_bytes(preset: str) -> None:
    plan, _, dst, out = promote(TFY_PROD, TFY_PROD, preset)
    assert plan.changes == ()
    assert out.to_bytes() == dst.to_bytes()


# --------------------------------------------------------------------------- generated specs

_scalars = st.one_of(
    st.integers(-5, 500),
    st.booleans(),
    st.none(),
    st.sampled_from(["info", "debug", "a b", "yes", "1.5", "tfy-secret://o:g:k", "x: y", ""]),
)
_keys = st.sampled_from(["image", "replicas", "env", "probe", "ports", "labels", "x", "y"])
_trees = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.dictionaries(_keys, inner, min_size=1, max_size=4),
        st.lists(inner, min_size=1, max_size=3),
        st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(["a", "b", "c"])}, optional={"v": inner}
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda d: d["name"],
        ),
    ),
    max_leaves=12,
)
_docs = st.dictionaries(_keys, _trees, min_size=1, max_size=5)


def _dump(data: Any) -> str:
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, out)
    return out.getvalue()


@settings(
    max_examples=int(os.environ.get("PLAN_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_docs, _docs, st.sampled_from(["truefoundry", "helm-values", "none"]))
def test_applied_file_holds_the_plan_result(source: Any, target: Any, preset: str) -> None:
    src = YamlDoc.parse(_dump(source), "staging.yaml")
    dst = YamlDoc.parse(_dump(target), "prod.yaml")
    plan = plan_promotion(src.documents(), dst.documents(), PRESETS[preset])
    out = apply_plan(plan, src, dst)
    assert_holds_result(plan, out)
    if not plan.has_writes:
        assert out.text == dst.text
