"""copy_from: the source node's own text, re-indented, when it means the same in the target."""

from __future__ import annotations

from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import edited

SOURCE = """\
image:
    repository: registry.example.com/api
    tag: "1.5.0"   # from CI
readinessProbe:
    # checked by the kubelet
    httpGet:
        path: /ready
        port: 8080
    periodSeconds: 5
"""


def test_copy_from_replaces_keeping_source_comments_reindented() -> None:
    source = YamlDoc.parse(SOURCE)
    target = "image:\n  repository: registry.example.com/api\n  tag: 1.4.0\nreadinessProbe:\n"
    target += "  httpGet:\n    path: /\n    port: 80\nreplicas: 3\n"
    out = edited(target, Edit(("readinessProbe",), copy_from=(source, 0, ("readinessProbe",))))
    # shifted as a whole to the target's column; inside, the source's own layout stays
    assert out == (
        "image:\n  repository: registry.example.com/api\n  tag: 1.4.0\nreadinessProbe:\n"
        "  # checked by the kubelet\n  httpGet:\n      path: /ready\n      port: 8080\n"
        "  periodSeconds: 5\nreplicas: 3\n"
    )


def test_copy_from_scalar_keeps_source_quoting() -> None:
    source = YamlDoc.parse(SOURCE)
    out = edited(
        "image:\n  tag: 1.4.0  # prod\n",
        Edit(("image", "tag"), copy_from=(source, 0, ("image", "tag"))),
    )
    assert out == 'image:\n  tag: "1.5.0"  # prod\n'


def test_copy_from_inserts_missing_key_with_its_comments() -> None:
    source = YamlDoc.parse(SOURCE)
    out = edited(
        "image: x\nreplicas: 3\n",
        Edit(("readinessProbe",), copy_from=(source, 0, ("readinessProbe",)), after="image"),
    )
    assert out == (
        "image: x\nreadinessProbe:\n    # checked by the kubelet\n    httpGet:\n"
        "        path: /ready\n        port: 8080\n    periodSeconds: 5\nreplicas: 3\n"
    )


def test_copy_from_list_item() -> None:
    source = YamlDoc.parse("env:\n  - name: A  # a\n    value: '1'\n  - name: B\n    value: x\n")
    out = edited(
        "env:\n- name: C\n  value: z\n", Edit(("env", 1), copy_from=(source, 0, ("env", 0)))
    )
    assert out == "env:\n- name: C\n  value: z\n- name: A  # a\n  value: '1'\n"


def test_copy_from_into_flow_target_renders_flow() -> None:
    source = YamlDoc.parse("a:\n  - 1\n  - 2\n")
    assert edited("a: [0]\n", Edit(("a",), copy_from=(source, 0, ("a",)))) == "a: [1, 2]\n"


def test_copy_from_with_an_alias_renders_the_value() -> None:
    source = YamlDoc.parse("base: &b\n  x: 1\nsvc:\n  conf: *b\n")
    out = edited(
        "svc:\n  conf: {}\n", Edit(("svc", "conf"), copy_from=(source, 0, ("svc", "conf")))
    )
    assert out == "svc:\n  conf: {x: 1}\n"


def test_copy_from_a_value_brought_in_by_a_merge_key() -> None:
    source = YamlDoc.parse("base: &b\n  image: x\nsvc:\n  <<: *b\n  port: 1\n")
    out = edited(
        "svc:\n  port: 2\n", Edit(("svc", "image"), copy_from=(source, 0, ("svc", "image")))
    )
    assert out == "svc:\n  port: 2\n  image: x\n"
