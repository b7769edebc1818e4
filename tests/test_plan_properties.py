"""Properties of the planner over generated specs and rule sets (hypothesis).

The raw structural difference used as the oracle comes from jsonpatch, run on a normalised form
(keyed lists as mappings by name, other lists and scalars as typed atoms), independently of the
planner's own walk.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from typing import Any

import jsonpatch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_promote.errors import RefusedError
from gitops_promote.plan import MISSING, Plan, plan_promotion
from gitops_promote.pointer import RulePath, split
from gitops_promote.presets import PRESETS
from gitops_promote.rules import EnvVarsRule, RuleSet, match_rule

KEYS = ["image", "replicas", "autoscaling", "resources", "probe", "ports", "env", "x"]
NAMES = ["app", "sidecar", "init"]
ENV_KEYS = ["A", "B", "C", "SECRET"]

scalars = st.one_of(
    st.integers(-2, 3),
    st.booleans(),
    st.none(),
    st.sampled_from(["a", "b", "1", "tfy-secret://o:g:k", ""]),
    st.sampled_from([0.5, 1.0]),
)


@functools.cache
def trees(depth: int = 3) -> st.SearchStrategy[Any]:
    if depth == 0:
        return scalars
    sub = trees(depth - 1)
    mapping = st.dictionaries(st.sampled_from(KEYS), sub, max_size=4)
    plain_list = st.lists(st.one_of(scalars, mapping), max_size=3)
    keyed_list = st.lists(
        st.fixed_dictionaries({"name": st.sampled_from(NAMES)}, optional={"v": sub, "x": sub}),
        max_size=3,
        unique_by=lambda d: d["name"],
    )
    env_map = st.dictionaries(st.sampled_from(ENV_KEYS), scalars, max_size=3)
    env_list = st.lists(
        st.fixed_dictionaries({"name": st.sampled_from(ENV_KEYS), "value": scalars}),
        max_size=3,
        unique_by=lambda d: d["name"],
    )
    return st.one_of(scalars, mapping, plain_list, keyed_list, env_map, env_list)


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 3) -> Any:
    """A variant of ``value``: mostly the same, with some keys changed, added or removed."""
    choice = draw(st.integers(0, 9))
    if choice == 0 or depth == 0:
        return draw(trees(min(depth, 2)))
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            op = draw(st.integers(0, 7)) if k != "name" else 7
            if op == 0:
                continue
            out[k] = draw(mutated(v, depth - 1)) if op < 5 else v
        if draw(st.booleans()):
            out[draw(st.sampled_from(KEYS))] = draw(trees(depth - 1))
        return out
    if isinstance(value, list):
        items = [draw(mutated(v, depth - 1)) if draw(st.booleans()) else v for v in value]
        if items and draw(st.booleans()):
            items = items[::-1]
        return items
    return value if choice < 5 else draw(scalars)


RULE_PATHS = [
    "/image",
    "/replicas",
    "/autoscaling",
    "/resources",
    "/resources/x",
    "/probe",
    "/ports/*/x",
    "/ports/app",
    "/x/*/image",
    "/*/replicas",
    "/x",
]


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    overwrite = draw(st.lists(st.sampled_from(RULE_PATHS), max_size=5, unique=True))
    retain = draw(st.lists(st.sampled_from(RULE_PATHS), max_size=5, unique=True))
    env = draw(st.sampled_from([None, "/env", "/x/env", "/ports/*/env"]))
    return RuleSet(
        overwrite=tuple(RulePath.parse(p) for p in overwrite),
        retain=tuple(RulePath.parse(p) for p in retain),
        env_vars=(
            EnvVarsRule(RulePath.parse(env), removed=draw(st.sampled_from(["keep", "remove"])))
            if env
            else None
        ),
        default=draw(st.sampled_from(["overwrite", "retain"])),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], RuleSet]:
    source = draw(
        st.fixed_dictionaries(
            {}, optional={k: trees(2) if k in ("replicas", "image") else trees() for k in KEYS}
        )
    )
    target = draw(mutated(source))
    if not isinstance(target, dict):
        target = {}
    return source, target, draw(rule_sets())


# PLAN_PROPERTY_EXAMPLES=2000 for a deeper run than the default suite's.
EXAMPLES = int(os.environ.get("PLAN_PROPERTY_EXAMPLES", "150"))
PROPS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- helpers


def keyed(items: Any) -> dict[str, Any] | None:
    if not isinstance(items, list):
        return None
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            return None
        name = item["name"]
        if isinstance(name, (dict, list)) or name is None or str(name) in out:
            return None
        out[str(name)] = item
    return out


def get(value: Any, segs: tuple[str, ...]) -> Any:
    """The value at a report path (keyed-list items by name, other list items by index)."""
    for seg in segs:
        if isinstance(value, dict):
            found = [v for k, v in value.items() if str(k) == seg]
            if not found:
                return MISSING
            value = found[0]
        elif isinstance(value, list):
            by_name = keyed(value)
            if by_name is not None and value and seg in by_name:
                value = by_name[seg]
            elif seg.isdigit() and int(seg) < len(value):
                value = value[int(seg)]
            else:
                return MISSING
        else:
            return MISSING
    return value


def atom(value: Any) -> str:
    return f"{type(value).__name__}:{json.dumps(value, sort_keys=True)}"


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        by_name = keyed(value)
        if by_name is not None and value:
            return {k: normalise(v) for k, v in by_name.items()}
        return atom(value)
    return atom(value)


def raw_differences(source: Any, target: Any) -> set[tuple[str, ...]]:
    """Every path where the normalised documents differ, from jsonpatch."""
    patch = jsonpatch.make_patch(normalise(target), normalise(source))
    out: set[tuple[str, ...]] = set()
    for op in patch.patch:
        out.add(split(op["path"]))
        if "from" in op:
            out.add(split(op["from"]))
    return out


def related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def plan_or_none(source: Any, target: Any, rules: RuleSet) -> Plan:
    return plan_promotion([source], [target], rules, source_env="staging", target_env="prod")


def report_paths(value: Any, segs: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield segs
    if isinstance(value, dict):
        for k, v in value.items():
            yield from report_paths(v, (*segs, str(k)))
    elif isinstance(value, list):
        by_name = keyed(value)
        if by_name is not None and value:
            for k, v in by_name.items():
                yield from report_paths(v, (*segs, k))
        else:
            for i, v in enumerate(value):
                yield from report_paths(v, (*segs, str(i)))


def under_env(rules: RuleSet, segs: tuple[str, ...]) -> bool:
    env = rules.env_vars
    if env is None:
        return False
    n = len(env.path.segments)
    return len(segs) >= n and all(
        r in ("*", s) for r, s in zip(env.path.segments, segs[:n], strict=False)
    )


# --------------------------------------------------------------------------- properties


@PROPS
@given(cases())
def test_promoting_twice_equals_promoting_once(case: Any) -> None:
    source, target, rules = case
    first = plan_or_none(source, target, rules)
    second = plan_or_none(source, first.result[0], rules)
    assert not second.has_writes, [c for c in second.changes if c.applied]
    assert second.result == first.result


@PROPS
@given(cases())
def test_categories_partition_the_differences(case: Any) -> None:
    source, target, rules = case
    plan = plan_or_none(source, target, rules)
    diffs = raw_differences(source, target)
    change_paths = [split(c.path) for c in plan.changes]
    # nothing differs silently: every raw difference is covered by a change
    for d in diffs:
        assert any(related(d, p) for p in change_paths), (d, change_paths)
    # no change without a difference, and no two changes over the same path
    for i, p in enumerate(change_paths):
        assert any(related(p, d) for d in diffs), (p, diffs)
        for q in change_paths[i + 1 :]:
            assert not related(p, q), (p, q)
    assert {c.category for c in plan.changes} <= {"changed", "retained", "attention"}
    assert (not diffs) == (plan.changes == ())


@PROPS
@given(cases())
def test_result_matches_each_change(case: Any) -> None:
    source, target, rules = case
    plan = plan_or_none(source, target, rules)
    for c in plan.changes:
        segs = split(c.path)
        if under_env(rules, segs):
            continue  # env-var changes report a list item's value, not the item
        assert c.source == get(source, segs)
        assert c.target == get(target, segs)
        got = get(plan.result[0], segs)
        assert got == c.result, (c, got)
        if c.category == "changed":
            assert c.applied
            assert got == get(source, segs)
        if not c.applied:
            assert got == get(target, segs)


@PROPS
@given(cases())
def test_retained_paths_never_change(case: Any) -> None:
    source, target, rules = case
    plan = plan_or_none(source, target, rules)
    result = plan.result[0]
    for segs in report_paths(target):
        if not segs or under_env(rules, segs):
            continue
        action, rule = match_rule(rules, segs)
        if action != "retain" or rule is None or len(rule.segments) != len(segs):
            continue
        if any(rule_below_any(r, segs) for r in rules.overwrite):
            continue
        if rules.env_vars is not None and rule_below_any(rules.env_vars.path, segs):
            continue
        assert get(result, segs) == get(target, segs), (segs, rule)


def rule_below_any(rule: RulePath, segs: tuple[str, ...]) -> bool:
    return len(rule.segments) > len(segs) and all(
        r in ("*", s) for r, s in zip(rule.segments, segs, strict=False)
    )


@PROPS
@given(cases())
def test_env_vars_in_both_keep_the_target_value(case: Any) -> None:
    source, target, rules = case
    rules = RuleSet(
        overwrite=rules.overwrite,
        retain=rules.retain,
        env_vars=EnvVarsRule(RulePath.parse("/env")),
        default=rules.default,
    )
    plan = plan_or_none(source, target, rules)
    s_env, t_env, r_env = source.get("env"), target.get("env"), plan.result[0].get("env")
    if isinstance(s_env, dict) and isinstance(t_env, dict):
        for key in set(s_env) & set(t_env):
            assert r_env[key] == t_env[key]
        for key in set(s_env) - set(t_env):
            assert r_env[key] == s_env[key]
        for key in set(t_env) - set(s_env):
            assert r_env[key] == t_env[key]


@settings(max_examples=60, deadline=None)
@given(cases())
def test_added_fail_refuses_exactly_when_a_key_is_new(case: Any) -> None:
    source, target, _ = case
    rules = RuleSet(env_vars=EnvVarsRule(RulePath.parse("/env"), added="fail"))
    s_env, t_env = source.get("env"), target.get("env")
    s_keys = set(s_env) if isinstance(s_env, dict) else set()
    t_keys = set(t_env) if isinstance(t_env, dict) else set()
    comparable = isinstance(s_env, dict) and (t_env is None or isinstance(t_env, dict))
    try:
        plan_or_none(source, target, rules)
        refused = False
    except RefusedError:
        refused = True
    if comparable:
        assert refused == bool(s_keys - t_keys)


@st.composite
def manifests(draw: st.DrawFn) -> list[Any]:
    """Kubernetes-like documents: a kind and a name from small sets, a spec from the trees."""
    docs = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["Deployment", "HorizontalPodAutoscaler", "Service"]))
        name = draw(st.sampled_from(["api", "worker"]))
        spec = draw(st.dictionaries(st.sampled_from(["replicas", "minReplicas", "x"]), trees(2)))
        docs.append({"kind": kind, "metadata": {"name": name}, "spec": spec})
    return docs


@PROPS
@given(manifests(), manifests())
def test_multi_document_promoting_twice_equals_promoting_once(
    source: list[Any], target: list[Any]
) -> None:
    rules = PRESETS["kubernetes"]
    first = plan_promotion(source, target, rules)
    second = plan_promotion(source, first.result, rules)
    assert not second.has_writes, [c for c in second.changes if c.applied]
    # every target document is still there, in its place; new ones appended
    assert first.result[: len(target)] == [
        first.result[i] for i, (_, ti) in enumerate(first.documents) if ti is not None
    ]
    assert len(first.result) >= len(target)
    for change in first.changes:
        assert change.path.split(":", 1)[0] in {
            f"{d['kind']}/{d['metadata']['name']}" for d in [*source, *target]
        } or change.path.startswith("#")
