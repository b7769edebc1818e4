"""``update --patch``: a JSON Patch applied to the data, written as minimal verified edits."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.errors import RefusedError, UsageError
from gitops_promote.patching import apply_patch, edits_for, read_patch, sources
from gitops_promote.yamldoc.doc import YamlDoc

TEXT = """\
# web
spec:
  replicas: 2  # keep low
  template:
    containers:
      - name: app
        image: "ghcr.io/acme/web:1.0"
        env:
          - name: A
            value: "1"
          - name: B
            value: "2"
  labels: {tier: web}
"""


def patched(ops: list[dict[str, Any]], text: str = TEXT) -> str:
    doc = YamlDoc.parse(text, "web.yaml")
    docs = doc.documents()
    result = apply_patch(docs, ops, "web.yaml")
    edited = doc.edit(edits_for(docs, result, doc, sources(docs, ops)))
    assert edited.holds(result)
    return edited.text


def test_replace_is_one_scalar_edit_that_keeps_quoting_and_comments() -> None:
    out = patched([{"op": "replace", "path": "/spec/replicas", "value": 5}])
    assert out == TEXT.replace("replicas: 2", "replicas: 5")
    out = patched([{"op": "replace", "path": "/spec/template/containers/0/image", "value": "x:2"}])
    assert out == TEXT.replace('"ghcr.io/acme/web:1.0"', '"x:2"')


def test_add_remove_move_copy_touch_only_their_lines() -> None:
    env = "/spec/template/containers/0/env"
    out = patched([{"op": "add", "path": f"{env}/1", "value": {"name": "M", "value": "m"}}])
    assert (
        '            value: "1"\n          - name: M\n            value: m\n          - name: B'
        in out
    )
    out = patched([{"op": "remove", "path": f"{env}/0"}])
    assert out == TEXT.replace('          - name: A\n            value: "1"\n', "")
    out = patched([{"op": "add", "path": "/spec/paused", "value": True}])
    assert out == TEXT + "  paused: true\n"
    out = patched([{"op": "move", "from": "/spec/labels", "path": "/labels"}])
    assert out == TEXT.replace("  labels: {tier: web}\n", "") + "labels: {tier: web}\n"
    out = patched([{"op": "copy", "from": "/spec/replicas", "path": "/spec/min"}])
    assert out == TEXT + "  min: 2\n"


def test_an_item_added_at_the_front_of_a_list() -> None:
    env = "/spec/template/containers/0/env"
    out = patched([{"op": "add", "path": f"{env}/0", "value": {"name": "Z", "value": "z"}}])
    doc = YamlDoc.parse(out).documents()[0]
    names = [e["name"] for e in doc["spec"]["template"]["containers"][0]["env"]]
    assert names == ["Z", "A", "B"]
    assert '            value: "1"' in out  # the first item re-added as it was written


def test_a_failing_test_operation_refuses_with_exit_1() -> None:
    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 3},
        {"op": "replace", "path": "/spec/replicas", "value": 4},
    ]
    with pytest.raises(RefusedError) as info:
        patched(ops)
    assert str(info.value) == (
        "web.yaml: the patch's test of /spec/replicas (operation 1) failed: it holds 2, not 3; "
        "nothing was written"
    )
    assert info.value.exit_code == 1
    ok = [{"op": "test", "path": "/spec/replicas", "value": 2}, ops[1]]
    assert "replicas: 4  # keep low" in patched(ok)


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "replace", "path": "/spec/nope", "value": 1}],
        [{"op": "remove", "path": "/spec/template/containers/5"}],
        [{"op": "frobnicate", "path": "/spec"}],
        [{"op": "add", "value": 1}],
    ],
)
def test_a_patch_that_does_not_apply_is_bad_input(ops: list[dict[str, Any]]) -> None:
    with pytest.raises(UsageError, match="the patch does not apply") as info:
        patched(ops)
    assert info.value.exit_code == 2


def test_several_documents_are_patched_as_a_list() -> None:
    text = "kind: Service\nspec: {}\n---\nkind: Deployment\nspec:\n  replicas: 2\n"
    out = patched([{"op": "replace", "path": "/1/spec/replicas", "value": 3}], text)
    assert out == text.replace("replicas: 2", "replicas: 3")
    with pytest.raises(UsageError, match="adds or removes documents"):
        patched([{"op": "remove", "path": "/0"}], text)


@pytest.mark.parametrize(
    ("text", "needle"),
    [("{", "not valid JSON"), ('{"op": "add"}', "array of operations"), ("[]", "no operations")],
)
def test_reading_a_patch_names_the_problem(text: str, needle: str) -> None:
    with pytest.raises(UsageError, match=needle) as info:
        read_patch(text, "patch.json")
    assert str(info.value).startswith("patch.json")
