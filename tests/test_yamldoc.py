"""The YAML editor: every edit is a splice into the original text, checked by re-parsing."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.errors import GitopsPromoteError, SpecError
from gitops_promote.yamldoc import Edit, YamlDoc, parse_scalar, to_plain
from gitops_promote.yamldoc.render import Renderer
from gitops_promote.yamldoc.tree import Tree


def edited(src: str, *edits: Edit) -> str:
    return YamlDoc.parse(src).edit(list(edits)).text


def changed_lines(a: str, b: str) -> list[int]:
    la, lb = a.split("\n"), b.split("\n")
    assert len(la) == len(lb), "line count changed"
    return [i for i, (x, y) in enumerate(zip(la, lb, strict=True)) if x != y]


SPEC = """\
# api in prod
name: api
image:
  repository: registry.example.com/api   # the image
  tag: "1.4.2"
replicas: 3
enabled: true
env:
  LOG_LEVEL: info
  # next is the queue
  QUEUE: 'jobs'
ports:
- 80
- 443
"""


# ---------------------------------------------------------------- reading


def test_documents_are_plain_data() -> None:
    doc = YamlDoc.parse(SPEC)
    assert doc.documents() == [
        {
            "name": "api",
            "image": {"repository": "registry.example.com/api", "tag": "1.4.2"},
            "replicas": 3,
            "enabled": True,
            "env": {"LOG_LEVEL": "info", "QUEUE": "jobs"},
            "ports": [80, 443],
        }
    ]
    data = doc.documents()[0]
    assert type(data) is dict and type(data["image"]["tag"]) is str
    assert type(data["ports"]) is list


def test_scalar_types_timestamps_and_keys() -> None:
    doc = YamlDoc.parse(
        "a: 2024-01-02\nb: 2024-01-02T03:04:05Z\n1: one\nc: ~\nd:\ne: 0x1F\nf: 1_000\n"
        "g: .inf\nh: yes\ni: 012\nj: !!str 5\nk: !!int '7'\nl: 1.5\n"
    )
    assert doc.documents() == [
        {
            "a": "2024-01-02",
            "b": "2024-01-02T03:04:05Z",
            "1": "one",
            "c": None,
            "d": None,
            "e": 31,
            "f": 1000,
            "g": float("inf"),
            "h": "yes",
            "i": 12,
            "j": "5",
            "k": 7,
            "l": 1.5,
        }
    ]


def test_folded_and_literal_values() -> None:
    doc = YamlDoc.parse("a: >-\n  one\n  two\n\n  three\nb: |\n  x\n   y\n")
    assert doc.documents() == [{"a": "one two\nthree", "b": "x\n y\n"}]


def test_get_exists_line_of() -> None:
    doc = YamlDoc.parse(SPEC)
    assert doc.get(0, ("image", "tag")) == "1.4.2"
    assert doc.get(0, ("ports", 1)) == 443
    assert doc.exists(0, ("env", "QUEUE"))
    assert not doc.exists(0, ("env", "MISSING"))
    assert not doc.exists(0, ("ports", 2))
    assert not doc.exists(3, ("name",))
    with pytest.raises(KeyError):
        doc.get(0, ("nope",))
    with pytest.raises(IndexError):
        doc.get(0, ("ports", 5))
    assert doc.line_of(0, ("image", "tag")) == 5
    assert doc.line_of(0, ("env", "QUEUE")) == 11
    assert doc.line_of(0, ("ports", 1)) == 14
    assert doc.line_of(0, ()) == 2
    assert doc.line_of(0, ("nope",)) is None


def test_get_returns_a_copy() -> None:
    doc = YamlDoc.parse(SPEC)
    doc.get(0, ("env",))["X"] = "y"
    doc.documents()[0]["name"] = "other"
    assert doc.get(0, ("env",)) == {"LOG_LEVEL": "info", "QUEUE": "jobs"}
    assert doc.get(0, ("name",)) == "api"


def test_merge_keys_and_aliases_in_data() -> None:
    doc = YamlDoc.parse("base: &b\n  a: 1\n  b: 2\nsvc:\n  <<: *b\n  b: 3\nother: *b\n")
    assert doc.documents() == [
        {"base": {"a": 1, "b": 2}, "svc": {"a": 1, "b": 3}, "other": {"a": 1, "b": 2}}
    ]


def test_empty_documents() -> None:
    assert YamlDoc.parse("").documents() == []
    assert YamlDoc.parse("# only a comment\n").documents() == []
    assert YamlDoc.parse("---\n").documents() == [None]
    assert YamlDoc.parse("a: 1\n---\n").documents() == [{"a": 1}, None]


# ---------------------------------------------------------------- bytes in, bytes out


@pytest.mark.parametrize(
    "data",
    [
        b"a: 1\n",
        b"a: 1",
        b"\xef\xbb\xbfa: 1\n",
        b"a: 1\r\nb: 2\r\n",
        b"\xef\xbb\xbfa: 1\r\nb: 2",
        b"a: 1\r\nb: 2\n",  # mixed line endings are kept as they are
        b"",
        b"# c\n\n\n",
        "k: caf\u00e9 \u2603\n".encode(),
    ],
)
def test_bytes_round_trip(data: bytes) -> None:
    assert YamlDoc.from_bytes(data).to_bytes() == data


def test_crlf_and_bom_survive_an_edit() -> None:
    data = b"\xef\xbb\xbf# c\r\na: 1  # one\r\nb: x\r\n"
    doc = YamlDoc.from_bytes(data, "f.yaml")
    assert doc.text == "# c\na: 1  # one\nb: x\n"
    out = doc.edit([Edit(("a",), value=2), Edit(("c",), value="new")])
    assert out.to_bytes() == b"\xef\xbb\xbf# c\r\na: 2  # one\r\nb: x\r\nc: new\r\n"


def test_missing_final_newline_survives_an_edit() -> None:
    doc = YamlDoc.from_bytes(b"a: 1\nb: 2")
    assert doc.edit([Edit(("b",), value=3)]).to_bytes() == b"a: 1\nb: 3"
    assert doc.edit([Edit(("c",), value=3)]).to_bytes() == b"a: 1\nb: 2\nc: 3"
    assert doc.edit([Edit(("b",), delete=True)]).to_bytes() == b"a: 1"


def test_invalid_utf8_is_a_spec_error() -> None:
    with pytest.raises(SpecError) as info:
        YamlDoc.from_bytes(b"a: 1\nb: \xff\n", "x.yaml")
    assert (info.value.file, info.value.line, info.value.column) == ("x.yaml", 2, 4)


# ---------------------------------------------------------------- scalar replaced by a scalar


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        ("tag: 1.4.2  # pinned", "1.5.0", "tag: 1.5.0  # pinned"),
        ('tag: "1.4.2"  # pinned', "1.5.0", 'tag: "1.5.0"  # pinned'),
        ("tag: '1.4.2'  # pinned", "1.5.0", "tag: '1.5.0'  # pinned"),
        ("tag: 'x'", "it's", "tag: 'it''s'"),
        ('tag: "x"', 'say "hi"\\', 'tag: "say \\"hi\\"\\\\"'),
        ("tag: 'x'", "tab\there\u0007", 'tag: "tab\\there\\u0007"'),
        ("tag: x", "a: b", 'tag: "a: b"'),
        ("tag: x", "#x", 'tag: "#x"'),
        ("tag: x", "- x", 'tag: "- x"'),
        ("tag: x", " padded", 'tag: " padded"'),
        ("tag: x", "", 'tag: ""'),
        ("tag: x", "-Xmx512m", "tag: -Xmx512m"),
        ("tag: x", "http://a/b?c=d#e", "tag: http://a/b?c=d#e"),
        ("n: 3", 4, "n: 4"),
        ("n: 3", -2.5, "n: -2.5"),
        ("n: 3", 1e20, "n: 1.0e+20"),
        ("n: 3", 2.0, "n: 2.0"),
        ("n: '3'", 4, "n: 4"),
        ('n: "3"', "4", 'n: "4"'),
        ("n: 3", "4", 'n: "4"'),
        ("flag: true", False, "flag: false"),
        ("flag: True", False, "flag: False"),
        ("flag: TRUE", False, "flag: FALSE"),
        ("v: x", None, "v: null"),
        ("v: x", True, "v: true"),
        ("v: Null", None, "v: Null"),
        ("v: ~", None, "v: ~"),
        ("v: &a x", "z", "v: &a z"),
        ("v: !!str x", "z", "v: !!str z"),
        ("v: x", "y", 'v: "y"'),
        ("v:", 5, "v: 5"),
        ("v:   # empty", "x", "v: x   # empty"),
    ],
)
def test_scalar_splice(line: str, value: Any, expected: str) -> None:
    src = f"before: 1\n{line}\nafter: 2\n"
    out = edited(src, Edit((line.split(":")[0],), value=value))
    assert out == f"before: 1\n{expected}\nafter: 2\n"


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "no",
        "on",
        "Off",
        "y",
        "N",
        "True",
        "1:20",
        "0x1F",
        "012",
        "1e3",
        "~",
        "null",
        "1.0",
        "0o17",
        "+1",
        ".5",
        "-.inf",
        "2024-01-01",
        "<<",
        "=",
    ],
)
def test_strings_other_readers_would_retype_are_quoted(value: str) -> None:
    out = edited("key: plain\n", Edit(("key",), value=value))
    assert out == f'key: "{value}"\n'
    assert YamlDoc.parse(out).get(0, ("key",)) == value


def test_file_quote_preference_and_null_style() -> None:
    src = "a: 'x'\nb: 'y'\nc: ~\nd: z\n"
    assert edited(src, Edit(("d",), value="yes")) == "a: 'x'\nb: 'y'\nc: ~\nd: 'yes'\n"
    assert edited(src, Edit(("d",), value=None)) == "a: 'x'\nb: 'y'\nc: ~\nd: ~\n"


def test_one_line_changes_in_a_real_spec() -> None:
    out = edited(SPEC, Edit(("image", "tag"), value="1.5.0"))
    assert changed_lines(SPEC, out) == [4]
    assert out.split("\n")[4] == '  tag: "1.5.0"'


def test_multiline_plain_and_quoted_scalars_become_one_line() -> None:
    src = 'a: one\n  two\nb: "x\n  y"\nc: 1\n'
    out = edited(src, Edit(("a",), value="z"), Edit(("b",), value="w"))
    assert out == 'a: z\nb: "w"\nc: 1\n'


# ---------------------------------------------------------------- block scalars


def test_block_scalar_replaced_by_block_keeps_indent_and_header_comment() -> None:
    src = "script: |  # run me\n    echo a\n    echo b\nnext: 1\n"
    out = edited(src, Edit(("script",), value="echo c\necho d\n"))
    assert out == "script: |  # run me\n    echo c\n    echo d\nnext: 1\n"


def test_block_scalar_chomping_follows_the_value() -> None:
    src = "s: |\n  a\nnext: 1\n"
    assert edited(src, Edit(("s",), value="x\ny")) == "s: |-\n  x\n  y\nnext: 1\n"
    assert edited(src, Edit(("s",), value="x\n\n")) == "s: |+\n  x\n\nnext: 1\n"


def test_block_scalar_replaced_by_a_one_line_value() -> None:
    src = "s: >-\n  folded\n  text\n\nnext: 1\n"
    assert edited(src, Edit(("s",), value="short")) == "s: short\n\nnext: 1\n"


def test_scalar_replaced_by_multiline_string() -> None:
    src = "top:\n  cmd: run  # why\n  other: 1\n"
    out = edited(src, Edit(("top", "cmd"), value="line 1\nline 2\n"))
    assert out == "top:\n  cmd: |  # why\n    line 1\n    line 2\n  other: 1\n"


def test_multiline_string_that_cannot_be_a_block_is_double_quoted() -> None:
    out = edited("a: x\n", Edit(("a",), value="  leading\nspace"))
    assert out == 'a: "  leading\\nspace"\n'


def test_list_item_block_scalar() -> None:
    src = "args:\n- |\n  old\n- x\n"
    assert edited(src, Edit(("args", 0), value="n1\nn2\n")) == "args:\n- |\n  n1\n  n2\n- x\n"
    assert edited(src, Edit(("args", 1), value="a\nb")) == "args:\n- |\n  old\n- |-\n  a\n  b\n"


# ---------------------------------------------------------------- collections


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


# ---------------------------------------------------------------- inserting


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


# ---------------------------------------------------------------- deleting


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


# ---------------------------------------------------------------- copy_from


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


# ---------------------------------------------------------------- multi-document files

MULTI = """\
# Copyright header
# SPDX-License-Identifier: Apache-2.0
---
apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 2
---
# the service
kind: Service
...
---
kind: ConfigMap
"""


def test_multi_document_edit_keeps_separators_and_header() -> None:
    out = edited(MULTI, Edit(("kind",), doc=1, value="Svc"), Edit(("spec", "replicas"), value=5))
    assert out == MULTI.replace("kind: Service", "kind: Svc").replace("replicas: 2", "replicas: 5")


def test_append_document() -> None:
    out = edited(MULTI, Edit((), doc=3, value={"kind": "Secret", "data": {"a": "b"}}))
    assert out == MULTI + "---\nkind: Secret\ndata:\n  a: b\n"
    assert edited("a: 1", Edit((), doc=1, value={"b": 2})) == "a: 1\n---\nb: 2"


def test_append_document_copied_from_source() -> None:
    source = YamlDoc.parse("---\n# comment\nkind: A  # x\nspec:\n  a: 1\n")
    out = edited("kind: B\n", Edit((), doc=1, copy_from=(source, 0, ())))
    assert out == "kind: B\n---\nkind: A  # x\nspec:\n  a: 1\n"


def test_delete_documents() -> None:
    assert edited(MULTI, Edit((), doc=1, delete=True)) == MULTI.replace(
        "---\n# the service\nkind: Service\n...\n", ""
    )
    assert edited(MULTI, Edit((), doc=2, delete=True)) == MULTI.replace(
        "---\nkind: ConfigMap\n", ""
    )
    assert edited(MULTI, Edit((), doc=0, delete=True)) == (
        "# Copyright header\n# SPDX-License-Identifier: Apache-2.0\n---\n# the service\n"
        "kind: Service\n...\n---\nkind: ConfigMap\n"
    )
    assert edited("a: 1\n---\nb: 2\n", Edit((), doc=0, delete=True)) == "---\nb: 2\n"


# ---------------------------------------------------------------- several edits at once


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


def test_edit_returns_new_document_and_leaves_self() -> None:
    doc = YamlDoc.parse(SPEC, "envs/prod/api.yaml")
    new = doc.edit([Edit(("replicas",), value=9)])
    assert doc.text == SPEC and doc.get(0, ("replicas",)) == 3
    assert new.get(0, ("replicas",)) == 9 and new.filename == "envs/prod/api.yaml"
    assert doc.edit([]).text == SPEC


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("src", "line", "column", "words"),
    [
        ("a: 1\nb: [1, 2\n", 3, 1, "flow sequence"),
        ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed"),
        ("a: 'x\n", 2, 1, "quoted scalar"),
        ("a: 1\na: 2\n", 2, 1, "duplicate key 'a'"),
        ("a:\n  b: 1\n  c: 2\n  b: 3\n", 4, 3, "duplicate key 'b'"),
        ("a:\n\tb: 1\n", 2, 1, "tab character"),
        ("a:\n  \tb: 1\n", 2, 3, "tab character"),
        ("a: [\n\tb]\n", 2, 1, "tab used for indentation"),
        ("a: *nope\n", 1, 4, "nope"),
        ("? [a]\n: 1\n", 1, 3, "complex mapping keys"),
    ],
)
def test_invalid_yaml_is_a_spec_error_with_position(
    src: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(SpecError) as info:
        YamlDoc.parse(src, "envs/prod/api.yaml")
    err = info.value
    assert (err.file, err.line, err.column) == ("envs/prod/api.yaml", line, column)
    assert words in err.message
    assert "\n" not in str(err)


def test_tabs_inside_block_scalars_are_content() -> None:
    doc = YamlDoc.parse("conf: |\n  zone {\n  \tfile x;\n  }\nb: 1\n")
    assert doc.get(0, ("conf",)) == "zone {\n\tfile x;\n}\n"
    assert doc.edit([Edit(("b",), value=2)]).text == "conf: |\n  zone {\n  \tfile x;\n  }\nb: 2\n"


ANCHORED = """\
defaults: &defaults
  cpu: 1
  memory: 1Gi
api:
  resources: *defaults
  image: x
worker:
  <<: *defaults
  cpu: 2
lonely: &unused 5
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("defaults", "cpu"), 1),
        (("defaults",), 1),
        (("api", "resources"), 5),
        (("api", "resources", "cpu"), 5),
    ],
)
def test_shared_values_are_refused(path: tuple[str, ...], line: int) -> None:
    doc = YamlDoc.parse(ANCHORED, "s.yaml")
    with pytest.raises(SpecError) as info:
        doc.edit([Edit(path, value=3)])
    assert info.value.line == line
    assert "edit it by hand" in info.value.message


def test_unshared_anchors_and_merge_overrides_are_editable() -> None:
    doc = YamlDoc.parse(ANCHORED)
    assert doc.edit([Edit(("lonely",), value=6)]).text == ANCHORED.replace("&unused 5", "&unused 6")
    out = doc.edit([Edit(("worker", "memory"), value="2Gi"), Edit(("api", "image"), value="z")])
    assert out.get(0, ("worker",)) == {"cpu": 2, "memory": "2Gi"}
    assert out.text == ANCHORED.replace("  cpu: 2\n", "  cpu: 2\n  memory: 2Gi\n").replace(
        "image: x", "image: z"
    )
    with pytest.raises(SpecError, match="merged in"):
        doc.edit([Edit(("worker", "cpu"), delete=True)])
    with pytest.raises(SpecError, match="shared"):
        doc.edit([Edit(("defaults",), delete=True)])


def test_values_inside_flow_collections_are_written_flow() -> None:
    src = "a: [x, y]\n"
    out = edited(src, Edit(("a", 0), value="multi\nline"), Edit(("a", 1), value={"k": [1]}))
    assert out == 'a: ["multi\\nline", {k: [1]}]\n'


def test_a_wrong_splice_is_caught_by_the_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    # the safety net: if rendering ever produced text meaning something else, nothing is returned
    monkeypatch.setattr(Renderer, "scalar", lambda self, value, old=None, flow=False: "7")
    with pytest.raises(GitopsPromoteError, match="internal error") as info:
        YamlDoc.parse("a: 1\n", "f.yaml").edit([Edit(("a",), value=2)])
    assert not isinstance(info.value, SpecError)


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("'3'", "3"),
        ('"3"', "3"),
        ("true", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("a b", "a b"),
        ("1.5", 1.5),
        ("v1.2.3", "v1.2.3"),
        ("registry/app:1.0", "registry/app:1.0"),
        ("yes", "yes"),
        ("-1", -1),
    ],
)
def test_parse_scalar(text: str, value: Any) -> None:
    result = parse_scalar(text)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("text", ["a: b", "[1, 2]", "{a: 1}", "- x", "'unterminated", "a\n---\nb"])
def test_parse_scalar_refuses_non_scalars(text: str) -> None:
    with pytest.raises(SpecError):
        parse_scalar(text)


def test_to_plain_converts_parser_and_python_values() -> None:
    from ruamel.yaml import YAML

    loaded = YAML(typ="rt").load("a: !!omap [x: 1]\nb: [1, 2.5, true, 'q']\nc: 2024-01-02\n")
    assert to_plain(loaded) == {"a": {"x": 1}, "b": [1, 2.5, True, "q"], "c": "2024-01-02"}
    assert to_plain((1, {2: "x"})) == [1, {"2": "x"}]
    anchored = YAML(typ="rt").load("a: &t true\nb: &n 5\nc: &s x\n")
    plain = to_plain(anchored)
    assert plain == {"a": True, "b": 5, "c": "x"}
    assert [type(v) for v in plain.values()] == [bool, int, str]
    with pytest.raises(TypeError):
        to_plain(object())


# ---------------------------------------------------------------- edge cases


def test_keep_chomped_block_scalar_keeps_its_trailing_lines() -> None:
    src = "a: |+\n  x\n\n\nb: 1\n"
    assert edited(src, Edit(("c",), value=2, after="a")) == "a: |+\n  x\n\n\nc: 2\nb: 1\n"
    assert edited(src, Edit(("a",), value="z")) == "a: z\nb: 1\n"


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


def test_quoted_and_numeric_keys() -> None:
    src = "\"key\": 1\n'k2': 2\n8080: x\n"
    out = edited(src, Edit(("key",), value=5), Edit(("k2",), delete=True), Edit((8080,), value=1))
    assert out == '"key": 5\n8080: 1\n'


@pytest.mark.parametrize(
    ("src", "path", "line", "words"),
    [
        ("x: 1\na: b\n", ("a", "c"), 2, "/a holds 'b', not a mapping"),
        ("a: [1, 2]\n", ("a", "x"), 1, "/a is a list and 'x' is not an index"),
    ],
)
def test_setting_below_a_scalar_or_list_is_a_spec_error(
    src: str, path: tuple[str, ...], line: int, words: str
) -> None:
    with pytest.raises(SpecError) as info:
        YamlDoc.parse(src, "f.yaml").edit([Edit(path, value=1)])
    assert info.value.line == line and words in info.value.message


def test_appending_after_a_block_scalar_that_ends_the_file_without_newline() -> None:
    # `|` at the very end has no final line break; once a line follows it would gain one
    assert edited("a: |\n  x", Edit(("b",), value=1)) == "a: |-\n  x\nb: 1"
    assert edited("a: |+\n  x", Edit(("b",), value=1)) == "a: |-\n  x\nb: 1"
    assert edited("l:\n- >\n  x", Edit(("l", 1), value=1)) == "l:\n- >-\n  x\n- 1"
    assert edited("a: |\n  x", Edit((), doc=1, value={"b": 1})) == "a: |-\n  x\n---\nb: 1"


def test_multiline_string_falls_back_to_double_quotes_when_a_block_would_change() -> None:
    # a spaces-only line below would become part of a `|` block: write it double-quoted
    src = "a:\n  - x\n  - y\n      \nb: 1\n"
    out = edited(src, Edit(("a", 1), value="m\nl\n"))
    assert out == 'a:\n  - x\n  - "m\\nl\\n"\n      \nb: 1\n'
    # at the end of a file without a final newline, a clipped block cannot end the value
    assert edited("a: x", Edit(("a",), value="m\nl\n")) == 'a: "m\\nl\\n"'


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


def test_mapping_indentation_follows_the_siblings_where_the_file_mixes_styles() -> None:
    src = "a:\n  x: 1\nb:\n  c:\n      d: 1\n  e: 1\n"
    out = edited(src, Edit(("b", "e"), value={"k": 1}), Edit(("a", "x"), value={"k": 1}))
    assert out == "a:\n  x:\n    k: 1\nb:\n  c:\n      d: 1\n  e:\n      k: 1\n"


def test_copy_from_a_value_brought_in_by_a_merge_key() -> None:
    source = YamlDoc.parse("base: &b\n  image: x\nsvc:\n  <<: *b\n  port: 1\n")
    out = edited(
        "svc:\n  port: 2\n", Edit(("svc", "image"), copy_from=(source, 0, ("svc", "image")))
    )
    assert out == "svc:\n  port: 2\n  image: x\n"


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


def test_edits_that_create_the_same_parent_are_planned_one_after_the_other() -> None:
    out = edited("a: 1\n", Edit(("x", "p", "c"), value=5), Edit(("x", "p", "d"), value=6))
    assert out == "a: 1\nx:\n  p:\n    c: 5\n    d: 6\n"
    src = "base: &b\n  l: [1, 2, 3]\nsvc:\n  <<: *b\n"
    out = edited(src, Edit(("svc", "l", 0), value=5), Edit(("svc", "l", 2), value=6))
    assert YamlDoc.parse(out).get(0, ("svc",)) == {"l": [5, 2, 6]}
    assert out.startswith(src)


def test_new_keys_meeting_at_one_place_nest_correctly() -> None:
    src = "on:\n  push: 1\n  pull_request:\n    branches: [a]\njobs: 1\n"
    out = edited(src, Edit(("on", "x"), value=1), Edit(("on", "pull_request", "z"), value=2))
    assert out == "on:\n  push: 1\n  pull_request:\n    branches: [a]\n    z: 2\n  x: 1\njobs: 1\n"


def test_new_item_and_new_key_meeting_at_one_place() -> None:
    src = "probe:\n  headers:\n  - a\nnext: 1\n"
    out = edited(src, Edit(("probe", "port"), value=1), Edit(("probe", "headers", 1), value="b"))
    assert out == "probe:\n  headers:\n  - a\n  - b\n  port: 1\nnext: 1\n"


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


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    doc = YamlDoc.parse('a: 1\n"<<": 2\nb: 3\n')
    assert doc.edit([Edit(("<<",), value=5)]).text == 'a: 1\n"<<": 5\nb: 3\n'
    assert doc.edit([Edit(("<<",), delete=True)]).text == "a: 1\nb: 3\n"


def test_nested_aliases_that_explode_are_refused_quickly() -> None:
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    start = time.perf_counter()
    with pytest.raises(SpecError, match="aliases expand to far more values") as info:
        YamlDoc.parse("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - start < 10
    assert info.value.file == "bomb.yaml" and info.value.line is not None


def test_ordinary_anchor_reuse_is_fine() -> None:
    text = "defaults: &d {cpu: 1, mem: 2}\n" + "".join(f"s{i}: *d\n" for i in range(500))
    assert YamlDoc.parse(text).documents()[0]["s499"] == {"cpu": 1, "mem": 2}
