"""Several edits at once: planned in batches, verified by one parse of the result."""

from __future__ import annotations

import pytest

from gitops_promote.errors import GitopsPromoteError, SpecError
from gitops_promote.yamldoc.doc import Edit, YamlDoc
from gitops_promote.yamldoc.render import Renderer
from gitops_promote.yamldoc.tree import Tree

from .conftest import SPEC, edited


def test_many_edits_in_one_call() -> None:
    out = edited(
        SPEC,
        Edit(("image", "tag"), value="2.0.0"),
        Edit(("replicas",), value=4),
        Edit(("env", "A"), value="1"),
        Edit(("env", "B"), value="2"),
        Edit(("env", "LOG_LEVEL"), delete=True),
        Edit(("ports", 2), value=8080),
    )
    assert out == (
        "# api in prod\nname: api\nimage:\n  repository: registry.example.com/api   # the image\n"
        '  tag: "2.0.0"\nreplicas: 4\nenabled: true\nenv:\n  # next is the queue\n'
        '  QUEUE: \'jobs\'\n  A: "1"\n  B: "2"\nports:\n- 80\n- 443\n- 8080\n'
    )


def test_dependent_edits_apply_in_order() -> None:
    out = edited(
        "a: 1\n",
        Edit(("b",), value={}),
        Edit(("b", "c"), value=1),
        Edit(("a",), delete=True),
        Edit(("l",), value=["x"]),
        Edit(("l", 1), value="y"),
        Edit(("l", 0), delete=True),
    )
    assert out == 'b: {c: 1}\nl:\n  - "y"\n'


def test_a_wrong_splice_is_caught_by_the_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    # the safety net: if rendering ever produced text meaning something else, nothing is returned
    monkeypatch.setattr(Renderer, "scalar", lambda self, value, old=None, flow=False: "7")
    with pytest.raises(GitopsPromoteError, match="internal error") as info:
        YamlDoc.parse("a: 1\n", "f.yaml").edit([Edit(("a",), value=2)])
    assert not isinstance(info.value, SpecError)


def test_independent_edits_are_verified_with_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = YamlDoc.parse(SPEC)
    parses = []
    real = Tree.__init__

    def counting(self: Tree, text: str, filename: str) -> None:
        parses.append(text)
        real(self, text, filename)

    monkeypatch.setattr(Tree, "__init__", counting)
    edits = [Edit(("image", "tag"), value="2"), Edit(("replicas",), value=4)]
    edits += [Edit(("env", f"K{i}"), value=i) for i in range(8)]
    doc.edit(edits)
    assert len(parses) == 1
    # a list delete shifts indices: the edits after it are planned on the new text
    parses.clear()
    doc.edit(
        [Edit(("ports", 0), delete=True), Edit(("ports", 0), value=1), Edit(("name",), value="x")]
    )
    assert len(parses) == 2


def test_edits_that_create_the_same_parent_are_planned_one_after_the_other() -> None:
    out = edited("a: 1\n", Edit(("x", "p", "c"), value=5), Edit(("x", "p", "d"), value=6))
    assert out == "a: 1\nx:\n  p:\n    c: 5\n    d: 6\n"
    src = "base: &b\n  l: [1, 2, 3]\nsvc:\n  <<: *b\n"
    out = edited(src, Edit(("svc", "l", 0), value=5), Edit(("svc", "l", 2), value=6))
    assert YamlDoc.parse(out).get(0, ("svc",)) == {"l": [5, 2, 6]}
    assert out.startswith(src)
