"""Parsing: plain data, positions, and the texts refused (the node tree)."""

from __future__ import annotations

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc import load_documents
from gitops_promote.yamldoc.doc import Edit, YamlDoc
from gitops_promote.yamldoc.tree import Tree

from .conftest import SPEC, edited


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


def test_quoted_and_numeric_keys() -> None:
    src = "\"key\": 1\n'k2': 2\n8080: x\n"
    out = edited(src, Edit(("key",), value=5), Edit(("k2",), delete=True), Edit((8080,), value=1))
    assert out == '"key": 5\n8080: 1\n'


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


def test_aliases_that_nest_past_the_depth_limit_are_refused() -> None:
    lines = ["a0: &a0 x"]
    lines += [f"a{i}: &a{i} " + "[" * 150 + f"*a{i - 1}" + "]" * 150 for i in range(1, 61)]
    text = "\n".join(lines) + "\n"
    with pytest.raises(SpecError, match="aliases nest collections more than 200 deep") as info:
        YamlDoc.parse(text, "deep.yaml")
    assert info.value.line == 3  # the third anchor's collections are the ones past 200
    with pytest.raises(SpecError, match="aliases nest"):
        load_documents(text.encode(), "deep.yaml")
    assert YamlDoc.parse("\n".join(lines[:2]) + "\n").get(0, ("a1",) + (0,) * 149) == ["x"]


def test_ordinary_anchor_reuse_is_fine() -> None:
    text = "defaults: &d {cpu: 1, mem: 2}\n" + "".join(f"s{i}: *d\n" for i in range(500))
    assert YamlDoc.parse(text).documents()[0]["s499"] == {"cpu": 1, "mem": 2}


@pytest.mark.parametrize(
    "text",
    ["k: &s\n- 1\n- 2\n", "k: !!seq\n- a\n", "k: &s # c\n  # d\n  - 1\n", "- a\n- b\n"],
    ids=["anchored-indentless", "tagged-indentless", "anchor-then-comment", "top-level"],
)
def test_a_block_sequence_itself_starts_at_its_first_dash(text: str) -> None:
    # after an anchor or a tag, a block sequence's own text begins at its first '-', under
    # libyaml's events and ruamel's alike
    for libyaml in (True, False):
        root = Tree(text, "f", libyaml=libyaml).docs[0].root
        assert root is not None
        seq = root if root.kind == "seq" else root.pairs[0][1]
        assert seq.content == seq.items[0].dash == text.index("-")
