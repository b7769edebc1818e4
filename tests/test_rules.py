"""Rule matching: which rule governs a path, and how specific each rule is."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.plan import plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.presets import PRESETS
from gitops_promote.rules import RuleSet, governed, match_rule

from .planning import rules

# --------------------------------------------------------------------------- match_rule


def test_match_rule_default_when_nothing_matches() -> None:
    assert match_rule(rules(("/image",)), "/replicas", None) == ("overwrite", None)
    assert match_rule(rules(default="retain"), "/x") == ("retain", None)


def test_match_rule_covers_the_subtree() -> None:
    r = rules(retain=("/autoscaling",))
    assert match_rule(r, "/autoscaling/min_replicas") == ("retain", RulePath.parse("/autoscaling"))
    assert match_rule(r, "/autoscaling") == ("retain", RulePath.parse("/autoscaling"))
    assert match_rule(r, "/autoscalingX")[1] is None


def test_match_rule_more_segments_wins() -> None:
    r = rules(overwrite=("/resources/gpu",), retain=("/resources",))
    assert match_rule(r, "/resources/gpu/count")[0] == "overwrite"
    assert match_rule(r, "/resources/cpu")[0] == "retain"


def test_match_rule_literal_beats_wildcard_at_earliest_difference() -> None:
    r = rules(overwrite=("/a/*/c",), retain=("/*/b/c",))
    assert match_rule(r, "/a/b/c") == ("overwrite", RulePath.parse("/a/*/c"))
    r2 = rules(overwrite=("/c/*/x",), retain=("/c/d/*",))
    assert match_rule(r2, "/c/d/x") == ("retain", RulePath.parse("/c/d/*"))


def test_match_rule_kind_qualified_beats_unqualified_and_only_matches_its_kind() -> None:
    r = rules(overwrite=("/spec/replicas",), retain=("Deployment:/spec/replicas",))
    assert match_rule(r, "/spec/replicas", "Deployment")[0] == "retain"
    assert match_rule(r, "/spec/replicas", "StatefulSet")[0] == "overwrite"
    assert match_rule(r, "Deployment/api:/spec/replicas")[0] == "retain"
    assert match_rule(r, "#0:/spec/replicas")[0] == "overwrite"


def test_match_rule_retain_wins_an_exact_tie() -> None:
    r = rules(overwrite=("/image",), retain=("/image",))
    assert match_rule(r, "/image/tag") == ("retain", RulePath.parse("/image"))


def test_match_rule_wildcard_matches_keyed_item_names_and_segments() -> None:
    k8s = PRESETS["kubernetes"]
    action, rule = match_rule(k8s, ("spec", "template", "spec", "containers", "web", "image"))
    assert action == "overwrite"
    assert str(rule) == "/spec/template/spec/containers/*/image"
    assert match_rule(k8s, "/metadata/namespace", "ConfigMap")[0] == "retain"


def test_match_rule_escaped_segments() -> None:
    r = rules(retain=("/metadata/annotations/example.com~1owner",))
    assert match_rule(r, "/metadata/annotations/example.com~1owner")[0] == "retain"
    assert match_rule(r, ("metadata", "annotations", "example.com/owner"))[0] == "retain"


@pytest.mark.parametrize("bad", ["api/x", "no-slash"])
def test_match_rule_rejects_bad_report_paths(bad: Any) -> None:
    with pytest.raises(ValueError):
        match_rule(rules(), bad)


def test_a_paths_rule_is_worked_out_once_for_every_plan_over_equal_rule_sets() -> None:
    def make() -> RuleSet:
        return RuleSet(overwrite=(RulePath.parse("/image"),), retain=(RulePath.parse("/replicas"),))

    first, second = make(), make()
    assert first is not second and governed(first) is governed(second)
    source = {"image": "a:2", "replicas": 1, "port": 80}
    target = {"image": "a:1", "replicas": 3, "port": 80}
    plan_promotion([source], [target], first)
    memo = dict(governed(first))
    assert memo[(("replicas",), None)] == ("retain", RulePath.parse("/replicas"))
    assert memo[(("image",), None)] == ("overwrite", RulePath.parse("/image"))
    plan = plan_promotion([source], [target], second)
    assert governed(second) == memo  # the second plan found every answer there
    assert [c.path for c in plan.changes if c.category != "retained"] == ["/image"]
