"""Config loading: every mistake exits 2 with one line naming file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_promote.config import load_config, parse_config
from gitops_promote.errors import ConfigError
from gitops_promote.pointer import RulePath
from gitops_promote.presets import PRESETS

GOOD = """\
version: 1
environments:            # ordered, lowest first
  dev:     {path: envs/dev}
  staging: {path: envs/staging}
  prod:    {path: envs/prod, base_branch: main}
promotions: [dev->staging, staging->prod]   # allowed
preset: truefoundry
rules:
  overwrite: [/image, /liveness_probe, /readiness_probe]
  retain:    [/replicas, /autoscaling, /workspace_fqn]
  env_vars:
    path: /env
    added: copy
    removed: keep
  default: overwrite
github:
  repository: org/gitops
  labels: [promotion]
"""


def test_the_spec_example_config_loads() -> None:
    cfg = parse_config(GOOD.encode())
    assert cfg.env_names == ("dev", "staging", "prod")
    assert cfg.env("prod").base_branch == "main" and cfg.env("dev").base_branch is None
    assert cfg.promotions == (("dev", "staging"), ("staging", "prod"))
    assert cfg.github.repository == "org/gitops" and cfg.github.labels == ("promotion",)
    assert cfg.rules.env_vars is not None and cfg.rules.env_vars.added == "copy"


def test_promotions_default_to_each_env_to_the_next() -> None:
    cfg = parse_config(b"environments:\n  a: {path: a}\n  b: {path: b}\n  c: {path: c}\n")
    assert cfg.promotions == (("a", "b"), ("b", "c"))
    assert cfg.rules.preset == "truefoundry"


def test_config_rules_extend_the_preset() -> None:
    cfg = parse_config(
        b"environments: {a: {path: a}}\npreset: helm-values\n"
        b"rules:\n  retain: [/podAnnotations]\n  overwrite: [/args]\n"
    )
    assert RulePath.parse("/podAnnotations") in cfg.rules.retain
    assert RulePath.parse("/replicaCount") in cfg.rules.retain  # from the preset
    assert RulePath.parse("/args") in cfg.rules.overwrite
    assert cfg.rules.origins["/podAnnotations"] == "config"
    assert cfg.rules.origins["/replicaCount"] == "preset helm-values"


def test_a_config_rule_for_the_same_path_overrides_the_preset() -> None:
    cfg = parse_config(b"environments: {a: {path: a}}\nrules:\n  overwrite: [/resources]\n")
    assert RulePath.parse("/resources") in cfg.rules.overwrite
    assert RulePath.parse("/resources") not in cfg.rules.retain
    assert PRESETS["truefoundry"].retain != cfg.rules.retain


def test_env_vars_can_be_switched_off_or_tuned() -> None:
    off = parse_config(b"environments: {a: {path: a}}\nrules: {env_vars: null}\n")
    assert off.rules.env_vars is None
    tuned = parse_config(b"environments: {a: {path: a}}\nrules: {env_vars: {added: fail}}\n")
    assert tuned.rules.env_vars is not None
    assert tuned.rules.env_vars.added == "fail" and str(tuned.rules.env_vars.path) == "/env"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("version: 1\nenvironment: {}\n", 2, "unknown key 'environment'"),
        ("version: 2\nenvironments: {a: {path: a}}\n", 1, "unsupported config version"),
        ("environments: [a, b]\n", 1, "environments must be a mapping"),
        ("environments:\n  a: {path: a}\n  b: {pth: b}\n", 3, "unknown key 'pth'"),
        ("environments:\n  a: {path: /abs}\n", 2, "must be relative"),
        ("environments:\n  a: {path: ../outside}\n", 2, "leads outside the repository"),
        ("environments:\n  a: {path: x/../../y}\n", 2, "leads outside the repository"),
        ("environments:\n  a: {path: 3}\n", 2, "must be a non-empty string"),
        ("environments:\n  a: {path: a}\n  b: {path: a}\n", 3, "share the path"),
        ("environments:\n  a: {path: a}\npreset: openshift\n", 3, "unknown preset 'openshift'"),
        ("environments:\n  a: {path: a}\npromotions: [a->z]\n", 3, "unknown environment 'z'"),
        ("environments:\n  a: {path: a}\npromotions: [a=>b]\n", 3, "must look like"),
        ("environments:\n  a: {path: a}\npromotions: [a->a]\n", 3, "to itself"),
        (
            "environments:\n  a: {path: a}\nrules:\n  retain:\n    - /ok\n    - replicas\n",
            6,
            "not a JSON Pointer",
        ),
        ("environments:\n  a: {path: a}\nrules:\n  retain: [/a//b]\n", 4, "empty segment"),
        ("environments:\n  a: {path: a}\nrules:\n  default: merge\n", 4, "overwrite, retain"),
        ("environments:\n  a: {path: a}\nrules:\n  env_vars: {added: ask}\n", 4, "copy, fail"),
        (
            "environments:\n  a: {path: a}\nrules:\n  overwrite: [/x]\n  retain: [/x]\n",
            5,
            "both overwrite and retain",
        ),
        ("environments:\n  a: {path: a}\ngithub: {repository: nope}\n", 3, "OWNER/NAME"),
        ("environments:\n  a: {path: a}\ngithub:\n  draft: maybe\n", 4, "true or false"),
        ("environments:\n  a: {path: a\n", 3, "invalid YAML"),  # unclosed at the end
        ("environments: {}\n", 1, "at least one environment"),
        ("version: 1\n", 1, "no 'environments'"),
    ],
)
def test_each_config_mistake_names_file_line_and_problem(text: str, line: int, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text.encode(), ".gitops-promote.yaml")
    err = info.value
    assert err.exit_code == 2
    assert err.file == ".gitops-promote.yaml"
    assert err.line == line, str(err)
    assert needle in err.message
    assert "\n" not in str(err)


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path)


def test_config_path_is_shown_relative_to_the_repository(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "promote.yaml").write_text("environments: {a: {path: a}}\nbogus: 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, tmp_path / "ops" / "promote.yaml")
    assert str(info.value).startswith("ops/promote.yaml:2:")
