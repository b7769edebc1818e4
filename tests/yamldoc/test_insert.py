"""Inserting new keys and list items in the indentation of their neighbours."""

from __future__ import annotations

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import SPEC, changed_lines, edited


def test_insert_at_end_of_mapping_in_its_indentation() -> None:
    src = "env:\n    A: 1\n    B: 2\nnext: 1\n"
    assert edited(src, Edit(("env", "C"), value="x")) == (
        "env:\n    A: 1\n    B: 2\n    C: x\nnext: 1\n"
    )


def test_insert_after_sibling_and_before_next_keys_comments() -> None:
    out = edited(SPEC, Edit(("env", "NEW"), value="yes", after="LOG_LEVEL"))
    assert '  LOG_LEVEL: info\n  NEW: "yes"\n  # next is the queue\n' in out
    assert changed_lines(SPEC, out.replace('  NEW: "yes"\n', "")) == []


def test_insert_keeps_trailing_comment_block_of_next_key() -> None:
    src = "a:\n  x: 1\n\n# about b\nb: 2\n"
    assert edited(src, Edit(("a", "w"), value=2)) == "a:\n  x: 1\n  w: 2\n\n# about b\nb: 2\n"


def test_insert_after_a_block_value_with_deeper_trailing_comment() -> None:
    src = "a:\n  x:\n    p: 1\n    # q: 2\n  z: 1\n"
    out = edited(src, Edit(("a", "w"), value=5, after="x"))
    assert out == "a:\n  x:\n    p: 1\n    # q: 2\n  w: 5\n  z: 1\n"


def test_insert_creates_missing_mappings() -> None:
    src = "a:\n  b: 1\n"
    out = edited(src, Edit(("a", "c", "d", "e"), value=[1]))
    # no list in the file to learn from: lists are indented under their key
    assert out == "a:\n  b: 1\n  c:\n    d:\n      e:\n        - 1\n"


def test_insert_into_null_and_into_empty_flow_mapping() -> None:
    assert edited("a:\nb: 1\n", Edit(("a", "x"), value=1)) == "a:\n  x: 1\nb: 1\n"
    assert edited("a: {}\nb: 1\n", Edit(("a", "x"), value=1)) == "a: {x: 1}\nb: 1\n"
    assert edited("a: {p: 1}\n", Edit(("a", "x"), value=[1])) == "a: {p: 1, x: [1]}\n"


def test_insert_into_empty_document() -> None:
    assert edited("---\n", Edit(("a",), value=1)) == "---\na: 1\n"


def test_keys_needing_quotes() -> None:
    out = edited("a: 1\n", Edit(("on",), value=1), Edit(("x: y",), value=2))
    assert out == 'a: 1\n"on": 1\n"x: y": 2\n'


def test_append_and_insert_list_items() -> None:
    src = "l:\n  - a  # first\n  - b\nn: 1\n"
    assert edited(src, Edit(("l", 2), value="c")) == "l:\n  - a  # first\n  - b\n  - c\nn: 1\n"
    assert edited(src, Edit(("l", 2), value="c", after=0)) == (
        "l:\n  - a  # first\n  - c\n  - b\nn: 1\n"
    )
    with pytest.raises(IndexError):
        YamlDoc.parse(src).edit([Edit(("l", 5), value="c")])


def test_append_mapping_item_matches_existing_item_layout() -> None:
    src = "env:\n-   name: A\n    value: '1'\n"
    out = edited(src, Edit(("env", 1), value={"name": "B", "value": "2"}))
    # the file quotes with '...': so does the new value
    assert out == "env:\n-   name: A\n    value: '1'\n-   name: B\n    value: '2'\n"


def test_append_to_empty_flow_lists() -> None:
    assert edited("l: []\n", Edit(("l", 0), value="x")) == "l: [x]\n"
    assert edited("l: [a]\n", Edit(("l", 1), value="x")) == "l: [a, x]\n"
    src = "c:\n  env: []\nl:\n- x\n"
    out = edited(src, Edit(("c", "env", 0), value={"name": "A", "value": "b"}))
    assert out == "c:\n  env:\n  - name: A\n    value: b\nl:\n- x\n"


def test_appending_after_a_block_scalar_that_ends_the_file_without_newline() -> None:
    # `|` at the very end has no final line break; once a line follows it would gain one
    assert edited("a: |\n  x", Edit(("b",), value=1)) == "a: |-\n  x\nb: 1"
    assert edited("a: |+\n  x", Edit(("b",), value=1)) == "a: |-\n  x\nb: 1"
    assert edited("l:\n- >\n  x", Edit(("l", 1), value=1)) == "l:\n- >-\n  x\n- 1"
    assert edited("a: |\n  x", Edit((), doc=1, value={"b": 1})) == "a: |-\n  x\n---\nb: 1"


def test_changing_below_a_merged_value_overrides_it_with_an_own_copy() -> None:
    src = "base: &b\n  res:\n    cpu: 1\n    mem: 2\n  vols:\n  - a\nsvc:\n  <<: *b\n  port: 1\n"
    assert (
        edited(src, Edit(("svc", "res", "cpu"), value=3))
        == src + "  res:\n    cpu: 3\n    mem: 2\n"
    )
    assert edited(src, Edit(("svc", "vols", 1), value="b")) == src + "  vols:\n  - a\n  - b\n"
    assert edited(src, Edit(("svc", "res", "mem"), delete=True)) == src + "  res:\n    cpu: 1\n"
    with pytest.raises(SpecError, match="merge key") as info:
        YamlDoc.parse(src).edit([Edit(("svc", "res"), delete=True)])
    assert info.value.line == 8


def test_new_keys_meeting_at_one_place_nest_correctly() -> None:
    src = "on:\n  push: 1\n  pull_request:\n    branches: [a]\njobs: 1\n"
    out = edited(src, Edit(("on", "x"), value=1), Edit(("on", "pull_request", "z"), value=2))
    assert out == "on:\n  push: 1\n  pull_request:\n    branches: [a]\n    z: 2\n  x: 1\njobs: 1\n"


def test_new_item_and_new_key_meeting_at_one_place() -> None:
    src = "probe:\n  headers:\n  - a\nnext: 1\n"
    out = edited(src, Edit(("probe", "port"), value=1), Edit(("probe", "headers", 1), value="b"))
    assert out == "probe:\n  headers:\n  - a\n  - b\n  port: 1\nnext: 1\n"
