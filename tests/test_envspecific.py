"""SPEC section 3, rule 5: environment-specific values, as a pure function and in the planner."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.config import parse_config
from gitops_promote.envspecific import is_env_specific, names_env
from gitops_promote.plan import plan_promotion

STAGING = ("staging", "stg")
PROD = ("prod", "production")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("shop-staging", "shop-prod"),
        ("./staging", "./production"),
        ("pg://staging-db", "pg://prod-db"),
        ("api.staging.acme.com", "api.prod.acme.com"),
        ("api.stg.acme.com", "api.production.acme.com"),  # aliases on both sides
        (["podinfo.staging"], ["podinfo.production"]),
        ({"host": "staging.acme.com"}, {"host": "prod.acme.com"}),
    ],
)
def test_rule_5_env_name_as_a_word_is_environment_specific(source: object, target: object) -> None:
    assert is_env_specific(source, target, STAGING, PROD)


@pytest.mark.parametrize(
    ("value", "names"),
    [("devices", ("dev",)), ("aqua", ("qa",)), ("staginghost", STAGING), ("production2", PROD)],
)
def test_rule_5_a_name_inside_a_word_is_not_an_environment(value: str, names: tuple[str]) -> None:
    assert names_env(value, names) is None


def test_rule_5_values_that_differ_otherwise_are_not_environment_specific() -> None:
    assert not is_env_specific("v2", "v1", STAGING, PROD)
    assert not is_env_specific("shop-staging-v2", "shop-prod-v1", STAGING, PROD)
    assert not is_env_specific("devices-a", "devices-b", ("dev",), ("prod",))
    assert not is_env_specific(3, 5, STAGING, PROD)


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_sep = st.sampled_from(["-", ".", "/", "://", "_", ":", " "])


@given(left=_word, right=_word, sep1=_sep, sep2=_sep)
def test_rule_5_property_name_between_separators(
    left: str, right: str, sep1: str, sep2: str
) -> None:
    """Any value naming staging as a word, with the name swapped, is prod's own value."""
    source = f"{left}{sep1}staging{sep2}{right}"
    target = f"{left}{sep1}prod{sep2}{right}"
    assert names_env(source, STAGING) == "staging"
    assert is_env_specific(source, target, STAGING, PROD)


@given(word=_word, glue=_word)
def test_rule_5_property_name_glued_to_alphanumerics_never_matches(word: str, glue: str) -> None:
    assert names_env(f"{glue}dev{word}", ("dev",)) is None
    assert names_env(f"{glue}dev", ("dev",)) is None
    assert names_env(f"dev{word}", ("dev",)) is None


@given(value=st.one_of(_word, st.integers(), st.booleans()))
def test_rule_5_property_equal_values_are_never_a_difference(value: object) -> None:
    assert not is_env_specific(value, value, STAGING, PROD)


def _rules(text: str):  # type: ignore[no-untyped-def]
    base = "environments:\n  staging: {path: s}\n  prod: {path: p, aliases: [production]}\n"
    return parse_config((base + text).encode()).rules


def test_rule_5_in_the_planner_keeps_the_target_and_flags_it() -> None:
    plan = plan_promotion(
        [{"namespace": "shop-staging", "tag": "v2"}],
        [{"namespace": "shop-production", "tag": "v1"}],
        _rules("preset: none\n"),
        source_env="staging",
        target_env="prod",
    )
    by_path = {c.path: c for c in plan.changes}
    assert by_path["/namespace"].category == "attention" and not by_path["/namespace"].applied
    assert plan.result == [{"namespace": "shop-production", "tag": "v2"}]
    assert by_path["/tag"].category == "changed"


def test_rule_5_a_copied_value_naming_the_source_is_flagged() -> None:
    plan = plan_promotion(
        [{"url": "https://staging.acme.com/x"}],
        [{}],
        _rules("preset: none\n"),
        source_env="staging",
        target_env="prod",
    )
    (change,) = plan.changes
    assert change.applied and change.category == "attention" and "names staging" in change.reason


def test_rule_5_a_rule_naming_the_exact_path_overrides_it() -> None:
    rules = _rules("preset: none\nrules: {overwrite: [/namespace], retain: [/x/*]}\n")
    plan = plan_promotion(
        [{"namespace": "shop-staging", "x": {"a": "a-staging"}}],
        [{"namespace": "shop-prod", "x": {"a": "a-prod"}}],
        rules,
        source_env="staging",
        target_env="prod",
    )
    by_path = {c.path: c for c in plan.changes}
    assert by_path["/namespace"].category == "changed"
    assert plan.result[0]["namespace"] == "shop-staging"
