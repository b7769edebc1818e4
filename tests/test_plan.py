"""The planner's mechanics: diff granularity, keyed lists, documents, category views."""

from __future__ import annotations

from typing import Any

from gitops_promote.data import same
from gitops_promote.plan import MISSING, Change, Plan, pair_documents, plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.rules import RuleSet

from .planning import paths, rules

# --------------------------------------------------------------------------- granularity


def test_difference_reported_at_deepest_differing_path() -> None:
    s = {"a": {"b": {"c": 1, "d": 2}}}
    t = {"a": {"b": {"c": 1, "d": 3}}}
    plan = plan_promotion([s], [t], rules())
    assert [(c.path, c.source, c.target) for c in plan.changes] == [("/a/b/d", 2, 3)]


def test_key_on_one_side_reported_at_that_key_with_whole_subtree() -> None:
    s = {"a": 1, "probe": {"path": "/h", "port": 80}}
    t = {"a": 1, "old": {"x": [1, 2]}}
    plan = plan_promotion([s], [t], rules())
    by = {c.path: c for c in plan.changes}
    assert by["/probe"].source == {"path": "/h", "port": 80}
    assert by["/probe"].target is MISSING
    assert by["/old"].source is MISSING
    assert by["/old"].result is MISSING
    assert plan.result == [s]


def test_plain_lists_are_atomic() -> None:
    s = {"args": ["--port", "8080", "--verbose"]}
    t = {"args": ["--port", "8000"]}
    plan = plan_promotion([s], [t], rules())
    assert [(c.path, c.source, c.target) for c in plan.changes] == [
        ("/args", ["--port", "8080", "--verbose"], ["--port", "8000"])
    ]


def test_keyed_list_matched_by_name_target_order_kept_new_items_appended() -> None:
    s = {"containers": [{"name": "b", "image": "b:2"}, {"name": "c", "image": "c:1"}]}
    t = {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}
    plan = plan_promotion([s], [t], rules(retain=("/containers/a",)))
    assert paths(plan) == {
        "/containers/a": "retained",
        "/containers/b/image": "changed",
        "/containers/c": "changed",
    }
    assert plan.result == [
        {
            "containers": [
                {"name": "a", "image": "a:1"},
                {"name": "b", "image": "b:2"},
                {"name": "c", "image": "c:1"},
            ]
        }
    ]


def test_reordered_keyed_list_is_not_a_difference() -> None:
    s = {"ports": [{"name": "grpc", "port": 9090}, {"name": "http", "port": 80}]}
    t = {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 9090}]}
    plan = plan_promotion([s], [t], rules())
    assert plan.changes == ()
    assert plan.result == [t]


def test_types_are_compared_as_yaml_means_them() -> None:
    assert not same(1, True)
    assert not same(1, 1.0)
    assert not same("1", 1)
    assert same({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    plan = plan_promotion([{"flag": True, "n": 1.0}], [{"flag": 1, "n": 1}], rules())
    assert paths(plan) == {"/flag": "changed", "/n": "changed"}


def test_change_order_follows_the_target_with_new_keys_where_the_source_has_them() -> None:
    s = {"a": 1, "new": 0, "b": 2, "c": 3}
    t = {"c": 0, "a": 0, "b": 0}
    plan = plan_promotion([s], [t], rules())
    assert [c.path for c in plan.changes] == ["/c", "/a", "/new", "/b"]
    assert list(plan.result[0]) == ["c", "a", "new", "b"]


def test_descends_into_one_sided_subtree_to_apply_a_deeper_rule() -> None:
    # the target lacks /spec entirely; /spec/replicas is retained: nothing to retain there,
    # copied and flagged, while the rest of /spec is plainly added
    s = {"spec": {"replicas": 2, "selector": {"app": "x"}}}
    plan = plan_promotion([s], [{}], rules(retain=("/spec/replicas",)))
    by = {c.path: c.category for c in plan.changes}
    assert by == {"/spec/replicas": "attention", "/spec/selector": "changed"}
    assert plan.result == [s]


def test_descends_into_subtree_missing_from_source_so_retained_part_stays() -> None:
    t = {"container": {"image": "x:1", "resources": {"cpu": 2}}}
    plan = plan_promotion([{}], [t], rules(retain=("/container/resources",)))
    by = {c.path: c for c in plan.changes}
    assert by["/container/image"].category == "changed"
    assert by["/container/image"].result is MISSING
    assert by["/container/resources"].category == "retained"
    assert plan.result == [{"container": {"resources": {"cpu": 2}}}]


def test_keyed_item_only_in_target_holding_retained_paths_is_kept_and_flagged() -> None:
    s = {"containers": [{"name": "app", "image": "a:2"}]}
    t = {
        "containers": [
            {"name": "app", "image": "a:1"},
            {"name": "sidecar", "image": "s:1", "resources": {"cpu": 1}},
        ]
    }
    plan = plan_promotion([s], [t], rules(retain=("/containers/*/resources",)))
    by = {c.path: c for c in plan.changes}
    assert by["/containers/sidecar"].category == "attention"
    assert not by["/containers/sidecar"].applied
    assert [c["name"] for c in plan.result[0]["containers"]] == ["app", "sidecar"]


def test_type_change_above_a_retained_path_keeps_target_and_flags() -> None:
    s = {"scaling": "auto"}
    t = {"scaling": {"replicas": 3}}
    plan = plan_promotion([s], [t], rules(retain=("/scaling/replicas",)))
    (change,) = plan.changes
    assert (change.path, change.category, change.applied) == ("/scaling", "attention", False)
    assert plan.result == [t]


def test_positional_list_descends_only_for_a_rule_inside_it() -> None:
    s = {"ports": [{"port": 80, "host": "s.example.com"}, {"port": 9090, "host": "m.s"}]}
    t = {"ports": [{"port": 81, "host": "p.example.com"}]}
    plan = plan_promotion([s], [t], rules(retain=("/ports/*/host",)))
    by = {c.path: c for c in plan.changes}
    assert by["/ports/0/port"].category == "changed"
    assert by["/ports/0/host"].category == "retained"
    assert by["/ports/1"].category == "attention"  # new item with an env-specific host
    assert plan.result == [
        {"ports": [{"port": 80, "host": "p.example.com"}, {"port": 9090, "host": "m.s"}]}
    ]


def test_secret_reference_outside_env_vars_is_never_copied_silently() -> None:
    # (a reference naming each environment, org:staging:db vs org:prod:db, is rule 5's: kept)
    s = {"db": {"password": "tfy-secret://org:shop:db-v2"}}
    t = {"db": {"password": "tfy-secret://org:shop:db"}}
    plan = plan_promotion([s], [t], rules(), source_env="staging", target_env="prod")
    (change,) = plan.changes
    assert change.category == "attention"
    assert change.applied
    assert "secret reference" in change.reason


# --------------------------------------------------------------------------- documents


def test_single_document_preset_matches_documents_by_position_with_index_prefix() -> None:
    plan = plan_promotion([{"a": 1}, {"b": 2}], [{"a": 0}, {"b": 2}], rules())
    assert paths(plan) == {"#0:/a": "changed"}
    plan1 = plan_promotion([{"a": 1}], [{"a": 0}], rules())
    assert paths(plan1) == {"/a": "changed"}


def test_single_document_preset_extra_documents_flagged() -> None:
    plan = plan_promotion([{"a": 1}, {"b": 2}], [{"a": 1}], rules())
    (change,) = plan.changes
    assert (change.path, change.category, change.applied) == ("#1:", "attention", True)
    assert plan.result == [{"a": 1}, {"b": 2}]
    plan2 = plan_promotion([{"a": 1}], [{"a": 1}, {"b": 2}], rules())
    assert [(c.path, c.applied) for c in plan2.changes] == [("#1:", False)]
    assert plan2.result == [{"a": 1}, {"b": 2}]


def test_pair_documents_without_kind_and_name_by_position() -> None:
    src = [{"kind": "Service", "metadata": {"name": "a"}}, None, {"x": 1}]
    dst = [{"x": 2}, {"kind": "Service", "metadata": {"name": "a"}}]
    assert pair_documents(src, dst, True) == [(1, 0), (0, 1), (2, None)]


def test_multi_document_paths_prefixed_by_kind_and_name() -> None:
    cm_s = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": "2"}}
    cm_t = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": "1"}}
    plan = plan_promotion([cm_s], [cm_t], rules(multi=True))
    assert paths(plan) == {"ConfigMap/cfg:/data/k": "changed"}


def test_plan_category_views_and_has_writes() -> None:
    c1 = Change("/a", 1, 2, "retained", "r", False, 2)
    c2 = Change("/b", 1, MISSING, "attention", "r", True, 1)
    plan = Plan((c1, c2), [{}])
    assert plan.retained == (c1,)
    assert plan.attention == (c2,)
    assert plan.changed == ()
    assert plan.has_writes
    assert not Plan((c1,), [{}]).has_writes


def test_fill_missing_false_keeps_absent_retained_paths_absent() -> None:
    # rollback --retain: the current spec planned onto the old one, retained paths overwritten
    current = {"image": "a:9", "replicas": 7, "team": "shop"}
    old = {"image": "a:5", "replicas": 2}
    keep = RuleSet(overwrite=(RulePath.parse("/replicas"),), default="retain")
    plan = plan_promotion([current], [old], keep, fill_missing=False)
    assert paths(plan) == {"/image": "retained", "/replicas": "changed", "/team": "retained"}
    assert plan.result == [{"image": "a:5", "replicas": 7}]
    filled = plan_promotion([current], [old], keep)
    assert paths(filled)["/team"] == "attention"
    assert filled.result == [{"image": "a:5", "replicas": 7, "team": "shop"}]


def test_repeated_kind_and_name_pair_in_order_and_are_numbered() -> None:
    def cm(value: str) -> dict[str, Any]:
        return {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": value}}

    svc = {"kind": "Service", "metadata": {"name": "cfg"}, "spec": {"port": 80}}
    plan = plan_promotion([svc, cm("1"), cm("2")], [cm("1"), cm("9")], rules(multi=True))
    assert plan.documents == ((1, 0), (2, 1), (0, None))
    assert paths(plan) == {"#1:/data/k": "changed", "Service/cfg:": "attention"}
