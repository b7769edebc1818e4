"""Replacing and deleting nodes by splicing their text."""

from __future__ import annotations

import pytest

from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import edited


def test_scalar_replaced_by_mapping_keeps_key_line_comment() -> None:
    src = "probe: none  # set me\nnext: 1\n"
    out = edited(src, Edit(("probe",), value={"path": "/healthz", "port": 8080}))
    assert out == "probe:  # set me\n  path: /healthz\n  port: 8080\nnext: 1\n"


def test_null_replaced_by_mapping() -> None:
    src = "probe:\nnext: 1\n"
    out = edited(src, Edit(("probe",), value={"path": "/x"}))
    assert out == "probe:\n  path: /x\nnext: 1\n"


def test_block_mapping_replaced_in_its_own_indentation_and_comments_inside_go() -> None:
    src = "probe:\n    # old probe\n    path: /old\n    port: 80\n    # trailing\nnext: 1\n"
    out = edited(src, Edit(("probe",), value={"path": "/new", "headers": ["a", "b"]}))
    assert out == "probe:\n    path: /new\n    headers:\n      - a\n      - b\nnext: 1\n"


def test_sequence_dash_offset_follows_the_file() -> None:
    indented = "a:\n  - x\nb: 1\n"
    flush = "a:\n- x\nb: 1\n"
    assert edited(indented, Edit(("b",), value=["p", "q"])) == "a:\n  - x\nb:\n  - p\n  - q\n"
    assert edited(flush, Edit(("b",), value=["p", "q"])) == "a:\n- x\nb:\n- p\n- q\n"


def test_sequence_offset_per_parent_when_the_file_mixes_styles() -> None:
    src = "one:\n  l:\n  - a\n  m: 1\ntwo:\n  l:\n    - a\n    - b\n  m: 1\nthree:\n  l:\n    - c\n"
    out = edited(src, Edit(("one", "m"), value=[1, 2]))
    assert out.startswith("one:\n  l:\n  - a\n  m:\n  - 1\n  - 2\ntwo:")


def test_list_of_mappings_rendered_like_kubernetes() -> None:
    src = "spec:\n  containers:\n  - name: app\n    image: a\n"
    out = edited(
        src,
        Edit(
            ("spec", "containers", 0, "env"),
            value=[{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"x": "z"}}],
        ),
    )
    assert out == (
        "spec:\n  containers:\n  - name: app\n    image: a\n    env:\n"
        '    - name: A\n      value: "1"\n    - name: B\n      valueFrom:\n        x: z\n'
    )


def test_mapping_replaced_by_scalar_and_by_empty() -> None:
    src = "a:  # c\n  x: 1\n  y: 2\nb: 1\n"
    assert edited(src, Edit(("a",), value="off")) == 'a: "off"  # c\nb: 1\n'
    assert edited(src, Edit(("a",), value={})) == "a: {}  # c\nb: 1\n"
    assert edited(src, Edit(("a",), value=[])) == "a: []  # c\nb: 1\n"


def test_flow_collections_stay_flow() -> None:
    src = "a: [x, y]\nb: { p: 1 }\nc: 1\n"
    out = edited(src, Edit(("a",), value=["z", "w,v"]), Edit(("b",), value={"q": [1, 2]}))
    assert out == 'a: [z, "w,v"]\nb: { q: [ 1, 2 ] }\nc: 1\n'


def test_scalar_inside_a_flow_collection() -> None:
    src = "a: [x, 'y', 3]\n"
    assert edited(src, Edit(("a", 1), value="z")) == "a: [x, 'z', 3]\n"
    assert edited(src, Edit(("a", 0), value="p q")) == "a: [p q, 'y', 3]\n"


def test_list_item_replaced_by_mapping() -> None:
    src = "items:\n- a\n- name: b\n  v: 1\n- c\n"
    out = edited(src, Edit(("items", 1), value={"name": "z", "w": [1]}))
    assert out == "items:\n- a\n- name: z\n  w:\n  - 1\n- c\n"
    out = edited(src, Edit(("items", 0), value={"k": 1, "l": 2}))
    assert out == "items:\n- k: 1\n  l: 2\n- name: b\n  v: 1\n- c\n"


def test_whole_document_replaced() -> None:
    src = "# keep me\na: 1\nb: 2\n"
    assert edited(src, Edit((), value={"c": 3})) == "# keep me\nc: 3\n"


def test_delete_key_with_block_value_leaves_neighbours_comments() -> None:
    src = "a: 1\n# about b\nb:\n  x: 1\n  # inner\n# about c\nc: 3\n"
    assert edited(src, Edit(("b",), delete=True)) == "a: 1\n# about b\n# about c\nc: 3\n"


def test_delete_list_items() -> None:
    src = "l:\n- a\n- name: b\n  v: 1\n- c\n"
    assert edited(src, Edit(("l", 1), delete=True)) == "l:\n- a\n- c\n"
    assert edited(src, Edit(("l", 0), delete=True)) == "l:\n- name: b\n  v: 1\n- c\n"


def test_delete_first_key_of_a_list_item_mapping() -> None:
    src = "l:\n- name: b\n  v: 1\n"
    assert edited(src, Edit(("l", 0, "name"), delete=True)) == "l:\n- v: 1\n"


def test_delete_only_key_or_item_leaves_empty_collection() -> None:
    assert edited("a:\n  x: 1\nb: 2\n", Edit(("a", "x"), delete=True)) == "a: {}\nb: 2\n"
    assert edited("a:\n- x\nb: 2\n", Edit(("a", 0), delete=True)) == "a: []\nb: 2\n"


def test_delete_in_flow_collections() -> None:
    assert edited("a: [x, y, z]\n", Edit(("a", 1), delete=True)) == "a: [x, z]\n"
    assert edited("a: [x, y]\n", Edit(("a", 0), delete=True)) == "a: [y]\n"
    assert edited("a: {p: 1, q: 2}\n", Edit(("a", "q"), delete=True)) == "a: {p: 1}\n"
    assert edited("a: {p: 1}\n", Edit(("a", "p"), delete=True)) == "a: {}\n"


def test_delete_missing_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        YamlDoc.parse("a: 1\n").edit([Edit(("b",), delete=True)])


def test_empty_values_with_trailing_spaces() -> None:
    assert edited("l:\n- \n- b\n", Edit(("l", 0), value="z")) == "l:\n- z\n- b\n"
    assert edited("k: \nb: 1\n", Edit(("k",), value=1)) == "k: 1\nb: 1\n"
    assert edited("k: \nb: 1\n", Edit(("k",), value={"z": 1})) == "k:\n  z: 1\nb: 1\n"


def test_scalar_document_and_empty_file() -> None:
    assert edited("--- hello\n", Edit((), value="bye")) == "--- bye\n"
    assert edited("--- hello\n", Edit((), value={"a": 1})) == "---\na: 1\n"
    assert edited("", Edit((), doc=0, value={"a": 1})) == "a: 1\n"
    assert edited("# c\n", Edit((), doc=0, value=[1])) == "# c\n---\n- 1\n"


def test_document_end_marker_and_directives_stay() -> None:
    assert edited("a: 1\n...\n", Edit(("b",), value=2)) == "a: 1\nb: 2\n...\n"
    src = "%YAML 1.2\n---\na: 1\n"
    assert edited(src, Edit(("a",), value=2)) == "%YAML 1.2\n---\na: 2\n"


def test_mapping_indentation_follows_the_siblings_where_the_file_mixes_styles() -> None:
    src = "a:\n  x: 1\nb:\n  c:\n      d: 1\n  e: 1\n"
    out = edited(src, Edit(("b", "e"), value={"k": 1}), Edit(("a", "x"), value={"k": 1}))
    assert out == "a:\n  x:\n    k: 1\nb:\n  c:\n      d: 1\n  e:\n      k: 1\n"


def test_deleting_below_a_block_scalar_keeps_spaces_only_lines_out_of_it() -> None:
    # `    ` (more indented than `x`) after the removed key would become part of the `|` text
    src = "job:\n  if: |\n    x\n  steps:\n  - a\n\n      \nnext: 1\n"
    assert edited(src, Edit(("job", "steps"), delete=True)) == "job:\n  if: |\n    x\n\n\nnext: 1\n"


def test_replacing_a_compact_nested_sequence_item_lines_up_with_its_text() -> None:
    # `-   - x`: the inner sequence starts after the spaces, not at the usual item indent
    doc = YamlDoc.parse("tag:\n  -   - \nafter: 1\n")
    out = doc.edit([Edit(("tag", 0), value={"a": 1, "b": 2})])
    assert out.text == "tag:\n  -   a: 1\n      b: 2\nafter: 1\n"
    assert out.documents() == [{"tag": [{"a": 1, "b": 2}], "after": 1}]
