"""Env vars at ``env_vars.path``: reconciled key by key (SPEC section 3, rule 4)."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.errors import RefusedError
from gitops_promote.plan import MISSING, plan_promotion
from gitops_promote.pointer import RulePath
from gitops_promote.rules import EnvVarsRule, RuleSet

from .planning import TFY, by_path, paths, promote, rules, tfy_service

# --------------------------------------------------------------------------- env var edge cases


def test_env_absent_from_target_all_keys_added_and_flagged() -> None:
    plan = plan_promotion([{"env": {"A": "1", "B": "2"}}], [{}], rules(env="/env"))
    assert paths(plan) == {"/env/A": "attention", "/env/B": "attention"}
    assert plan.result == [{"env": {"A": "1", "B": "2"}}]


def test_env_null_in_target_takes_source_form() -> None:
    plan = plan_promotion(
        [{"env": [{"name": "A", "value": "1"}]}], [{"env": None}], rules(env="/env")
    )
    assert plan.result == [{"env": [{"name": "A", "value": "1"}]}]


def test_env_empty_versus_absent_is_reported_not_silent() -> None:
    plan = plan_promotion([{"env": {}}], [{}], rules(env="/env"))
    (change,) = plan.changes
    assert (change.path, change.category, change.applied) == ("/env", "retained", False)
    assert plan.result == [{}]


def test_env_per_container_with_wildcard_path() -> None:
    s = {"containers": [{"name": "a", "env": {"X": "1", "Y": "2"}}]}
    t = {"containers": [{"name": "a", "env": {"X": "9"}}]}
    plan = plan_promotion([s], [t], rules(env="/containers/*/env"))
    assert paths(plan) == {"/containers/a/env/X": "retained", "/containers/a/env/Y": "attention"}


# --------------------------------------------------------------------------- SPEC 3, rule 4


def test_rule4_env_var_in_both_keeps_prod_value() -> None:
    staging = tfy_service("staging")
    staging["env"]["LOG_LEVEL"] = "debug"
    prod = tfy_service("prod")
    prod["env"]["LOG_LEVEL"] = "warning"
    plan = promote(staging, prod)
    change = by_path(plan)["/env/LOG_LEVEL"]
    assert change.category == "retained"
    assert (change.source, change.target, change.result) == ("debug", "warning", "warning")
    assert "keeps prod's value" in change.reason
    assert plan.result[0]["env"]["LOG_LEVEL"] == "warning"


def test_rule4_equal_env_var_is_not_a_change() -> None:
    plan = promote(tfy_service("staging"), tfy_service("prod"))
    assert all(not c.path.startswith("/env/LOG_LEVEL") for c in plan.changes)


def test_rule4_new_env_var_added_and_flagged() -> None:
    staging = tfy_service("staging")
    staging["env"]["LOG_FORMAT"] = "json"
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/env/LOG_FORMAT"]
    assert change.category == "attention"
    assert change.applied
    assert (change.source, change.target, change.result) == ("json", MISSING, "json")
    assert change.reason == (
        "attention: new env var LOG_FORMAT copied from staging — set prod's value if it differs"
    )
    # placed after the key that precedes it in staging
    assert list(plan.result[0]["env"]) == [
        "LOG_LEVEL",
        "DATABASE_URL",
        "FEATURE_NEW_CART",
        "LOG_FORMAT",
    ]


def test_rule4_env_var_only_in_prod_kept_and_flagged() -> None:
    prod = tfy_service("prod")
    prod["env"]["LEGACY_PAYMENTS"] = "on"
    plan = promote(tfy_service("staging"), prod)
    change = by_path(plan)["/env/LEGACY_PAYMENTS"]
    assert change.category == "attention"
    assert not change.applied
    assert change.result == "on"
    assert plan.result[0]["env"]["LEGACY_PAYMENTS"] == "on"
    assert not plan.has_writes


def test_rule4_env_var_only_in_prod_removed_with_removed_remove() -> None:
    rules = RuleSet(
        overwrite=TFY.overwrite,
        retain=TFY.retain,
        env_vars=EnvVarsRule(RulePath.parse("/env"), removed="remove"),
    )
    prod = tfy_service("prod")
    prod["env"]["LEGACY_PAYMENTS"] = "on"
    plan = promote(tfy_service("staging"), prod, rules)
    change = by_path(plan)["/env/LEGACY_PAYMENTS"]
    assert change.category == "attention"
    assert change.applied
    assert change.result is MISSING
    assert "LEGACY_PAYMENTS" not in plan.result[0]["env"]


def test_rule4_added_fail_refuses_and_lists_the_keys() -> None:
    rules = RuleSet(
        overwrite=TFY.overwrite,
        retain=TFY.retain,
        env_vars=EnvVarsRule(RulePath.parse("/env"), added="fail"),
    )
    staging = tfy_service("staging")
    staging["env"]["LOG_FORMAT"] = "json"
    staging["env"]["CART_TTL"] = "3600"
    with pytest.raises(RefusedError) as info:
        promote(staging, tfy_service("prod"), rules)
    assert info.value.exit_code == 1
    assert "LOG_FORMAT, CART_TTL" in info.value.message
    assert "staging" in info.value.message and "prod" in info.value.message


def test_rule4_added_fail_passes_when_nothing_is_new() -> None:
    rules = RuleSet(env_vars=EnvVarsRule(RulePath.parse("/env"), added="fail"))
    prod = tfy_service("prod")
    prod["env"]["EXTRA"] = "1"
    plan = promote(tfy_service("staging"), prod, rules)
    assert by_path(plan)["/env/EXTRA"].category == "attention"


def test_rule4_new_secret_reference_is_copied_but_flagged() -> None:
    staging = tfy_service("staging")
    staging["env"]["STRIPE_KEY"] = "tfy-secret://shop:staging-stripe:key"
    plan = promote(staging, tfy_service("prod"))
    change = by_path(plan)["/env/STRIPE_KEY"]
    assert change.category == "attention"
    assert change.applied
    assert "secret reference from staging" in change.reason
    assert "right for prod" in change.reason


@pytest.mark.parametrize(
    "value",
    [
        "tfy-secret://org:group:key",
        "${{ secrets.API_TOKEN }}",
        "vault:secret/data/shop#token",
        "sm://projects/shop/secrets/token",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-token",
        {"secretKeyRef": {"name": "shop", "key": "token"}},
    ],
)
def test_rule4_secret_reference_forms_are_recognised(value: Any) -> None:
    staging = tfy_service("staging")
    staging["env"]["TOKEN"] = value
    change = by_path(promote(staging, tfy_service("prod")))["/env/TOKEN"]
    assert change.category == "attention"
    assert "secret reference" in change.reason


def test_rule4_env_vars_never_follow_default_overwrite() -> None:
    rules = RuleSet(env_vars=EnvVarsRule(RulePath.parse("/env")), default="overwrite")
    staging = {"env": {"A": "staging"}}
    prod = {"env": {"A": "prod"}}
    plan = promote(staging, prod, rules)
    assert by_path(plan)["/env/A"].category == "retained"
    assert plan.result == [{"env": {"A": "prod"}}]


def test_rule4_env_list_form_matched_by_name() -> None:
    rules = RuleSet(env_vars=EnvVarsRule(RulePath.parse("/env")))
    staging = {"env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]}
    prod = {"env": [{"name": "A", "value": "one"}, {"name": "B", "value": "2"}]}
    plan = promote(staging, prod, rules)
    assert [c.path for c in plan.changes] == ["/env/A"]
    assert plan.changes[0].category == "retained"
    assert plan.result[0]["env"] == prod["env"]


def test_rule4_env_form_mismatch_is_flagged_not_merged() -> None:
    rules = RuleSet(env_vars=EnvVarsRule(RulePath.parse("/env")))
    staging = {"env": {"A": "1"}}
    prod = {"env": [{"name": "A", "value": "1"}]}
    plan = promote(staging, prod, rules)
    change = by_path(plan)["/env"]
    assert change.category == "attention"
    assert not change.applied
    assert plan.result[0] == prod
