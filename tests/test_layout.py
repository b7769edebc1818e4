"""SPEC section 8: spec patterns in the config, and the layout seam (pure)."""

from __future__ import annotations

import pytest

from gitops_promote.config import parse_config
from gitops_promote.errors import ConfigError
from gitops_promote.layout import Layout, Location, env_patterns, patterns_overlap


def _layout(text: str, env: str) -> Layout:
    config = parse_config(text.encode())
    return Layout(
        config.env(env),
        config.env(env).base_branch or "main",
        service=config.service,
        include=config.services_include,
        exclude=config.services_exclude,
    )


TREE = [
    ".gitops-promote.yaml",
    "envs/dev/api.yaml",
    "envs/dev/web.yml",
    "envs/dev/.hidden.yaml",
    "envs/dev/bad name.yaml",
    "envs/dev/sub/deep.yaml",
    "apps/staging/kustomization.yaml",
    "apps/staging/podinfo-values.yaml",
    "apps/production/podinfo-values.yaml",
    "charts/api/values-prod.yaml",
    "charts/api/values.yaml",
    "charts/api/Chart.yaml",
]


def test_path_layout_is_todays_folder_of_service_files() -> None:
    layout = _layout("environments:\n  dev: {path: envs/dev}\n", "dev")
    found = layout.services(TREE)
    assert found.paths == {"api": "envs/dev/api.yaml", "web": "envs/dev/web.yml"}
    assert any("bad name" in w for w in found.warnings)
    assert layout.candidates("api")[0] == Location("main", "envs/dev/api.yaml")


def test_spec_pattern_with_part_of_a_segment_skips_other_files() -> None:
    text = 'environments:\n  staging: {spec: "apps/staging/{service}-values.yaml"}\n'
    assert _layout(text, "staging").services(TREE).paths == {
        "podinfo": "apps/staging/podinfo-values.yaml"
    }


def test_environment_in_the_file_name() -> None:
    text = 'environments:\n  prod: {spec: "charts/{service}/values-prod.yaml"}\n'
    assert _layout(text, "prod").services(TREE).paths == {"api": "charts/api/values-prod.yaml"}


def test_services_include_and_exclude_are_globs() -> None:
    text = (
        'environments:\n  s: {spec: "apps/staging/{service}.yaml"}\n'
        "services: {exclude: [kustomization, Chart]}\n"
    )
    assert _layout(text, "s").services(TREE).paths == {
        "podinfo-values": "apps/staging/podinfo-values.yaml"
    }
    text2 = 'environments:\n  s: {spec: "apps/staging/{service}.yaml"}\nservices: {include: [k*]}\n'
    assert list(_layout(text2, "s").services(TREE).paths) == ["kustomization"]


def test_one_service_repository_names_its_service() -> None:
    text = 'service: api\nenvironments:\n  prod: {spec: "charts/api/values-prod.yaml"}\n'
    layout = _layout(text, "prod")
    assert layout.services(TREE).paths == {"api": "charts/api/values-prod.yaml"}
    assert layout.candidates("api")[0].path == "charts/api/values-prod.yaml"


def test_branch_per_environment_shares_a_pattern() -> None:
    text = (
        "environments:\n"
        '  dev: {spec: "{service}.yaml", base_branch: env/dev}\n'
        '  prod: {spec: "{service}.yaml", base_branch: env/prod}\n'
    )
    layout = _layout(text, "prod")
    assert layout.candidates("api") == [Location("env/prod", "api.yaml")]
    assert layout.services(["api.yaml", "x/y.yaml"]).paths == {"api": "api.yaml"}


def test_patterns_overlap() -> None:
    assert patterns_overlap(["apps/{service}.yaml"], ["apps/{service}-values.yaml"])
    assert not patterns_overlap(["apps/dev/{service}.yaml"], ["apps/prod/{service}.yaml"])
    config = parse_config(b"environments:\n  a: {path: envs/a}\n")
    assert env_patterns(config.env("a")) == ("envs/a/{service}.yaml", "envs/a/{service}.yml")


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            'environments:\n  a: {spec: "apps/{service}.yaml"}\n'
            '  b: {spec: "apps/{service}.yaml"}\n',
            3,
            "read the same files on the same branch",
        ),
        (
            'environments:\n  a: {spec: "apps/{service}-values.yaml"}\n'
            '  b: {spec: "apps/{service}.yaml"}\n',
            3,
            "read the same files",
        ),
        ('environments:\n  a: {spec: "{service}/{service}.yaml"}\n', 2, "2 {service}"),
        ('environments:\n  a: {spec: "apps/values.yaml"}\n', 2, "no {service} placeholder"),
        ('environments:\n  a: {spec: "../x/{service}.yaml"}\n', 2, "outside the repository"),
        ('environments:\n  a: {spec: "/x/{service}.yaml"}\n', 2, "relative"),
        ('environments:\n  a: {spec: "x/{svc}/{service}.yaml"}\n', 2, "only placeholder"),
        ("environments:\n  a: {path: a, spec: 'x/{service}.yaml'}\n", 2, "not both"),
        ("environments:\n  a: {path: a, colour: red}\n", 2, "unknown key 'colour'"),
        ("environments:\n  a: {path: a}\nservices:\n  only: [x]\n", 4, "unknown key 'only'"),
        ("environments:\n  a: {path: a}\nservice: 'a b'\n", 3, "not a valid name"),
        ("environments:\n  a: {path: a, aliases: prod}\n", 2, "list of strings"),
        (
            "environments:\n  a: {path: ., base_branch: x}\n  b: {path: ., base_branch: x}\n",
            3,
            "share the path",
        ),
    ],
)
def test_layout_config_mistakes_name_file_line_and_problem(
    text: str, line: int, needle: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text.encode(), ".gitops-promote.yaml")
    assert info.value.exit_code == 2
    assert info.value.line == line, str(info.value)
    assert needle in info.value.message, info.value.message


def test_one_service_may_leave_the_placeholder_out_and_branches_may_share_a_pattern() -> None:
    config = parse_config(
        b"service: api\nenvironments:\n"
        b"  dev: {spec: 'values.yaml', base_branch: env/dev}\n"
        b"  prod: {spec: 'values.yaml', base_branch: env/prod, aliases: [production]}\n"
        b"preset: auto\n"
    )
    assert config.service == "api"
    assert config.env("prod").names == ("prod", "production")
    assert config.rules_for("values.yaml", [{}]).preset == "helm-values"
    assert config.rules_for("k.yaml", [{"kind": "Kustomization"}]).preset == "kustomize"
    assert config.rules_for("h.yaml", [{"kind": "HelmRelease"}]).preset == "flux"
    assert config.rules_for("d.yaml", [{"kind": "Deployment"}]).preset == "kubernetes"
    assert config.rules_for("api.yaml", [{"image": "x"}]).preset == "truefoundry"


def test_readme_layouts_configs_are_valid() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layouts\n", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```yaml\n")[1:]
    assert len(blocks) == 6
    for block in blocks:
        parse_config(block.split("```", 1)[0].encode(), "README.md")
