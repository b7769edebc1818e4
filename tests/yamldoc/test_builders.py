"""The node tree built from libyaml's events is the one built from ruamel's: the same nodes at the
same positions, the same anchors, aliases and multi-line scalars, or the same error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc import cevents, tree
from gitops_promote.yamldoc.tree import Node, Tree

from ..conftest import shared_path
from ..hostile.cases import alias_bomb, many_keys, nested_block, one_long_line
from .test_properties import DOCS, FAST, LAYOUTS, dump


def node_shape(n: Node) -> dict[str, Any]:
    return {
        "kind": n.kind,
        "at": (n.start, n.content, n.end, n.colon, n.dash),
        "props": (n.anchor, n.tag, n.style, n.value, n.empty),
        "names": sorted(map(str, n.names)) if n.names else None,
        "items": [node_shape(c) for c in n.items],
        "pairs": [(node_shape(k), node_shape(v)) for k, v in n.pairs],
    }


def shape(text: str, *, libyaml: bool) -> Any:
    """Everything the tree of ``text`` holds (or its error), built from one parser's events."""
    try:
        t = Tree(text, "f.yaml", libyaml=libyaml)
    except SpecError as err:
        return ("error", str(err))
    return {
        "docs": [
            (d.marker, d.end_marker, None if d.root is None else node_shape(d.root)) for d in t.docs
        ],
        "anchors": {k: [(n.kind, n.start) for n in v] for k, v in t.anchors.items()},
        "aliases": [a.start for a in t.aliases],
        "scalar_lines": sorted(t.scalar_lines),
    }


def assert_same_tree(text: str) -> None:
    assert shape(text, libyaml=True) == shape(text, libyaml=False), text


# Texts where the two parsers, left to themselves, disagree (YAML 1.1 against 1.2, or where an
# empty node is put): the fast path must notice and leave them to ruamel. And texts that use
# everything it does read.
TRICKY = [
    "a: &x:y 1\n",  # ruamel's anchor is 'x:y', libyaml's 'x'
    "a: &x 1\nb: *x:y\n",
    "*x: 1\n",
    "&xmeta:\n  name: x\n",  # an anchored empty key for libyaml, an error for ruamel
    "a: !\n",  # a non-specific tag on an empty value: implicit flags differ
    '!\n"\\n"',  # on a quoted scalar: a string, not read as plain
    "!t &x a\n",  # tag before anchor: the node starts at different properties
    "a: !<tag:x> b\n",
    "a: !!!str b\n",
    "[ ? ]\n",  # an empty key
    "? \n: a\n",
    "['a':b]\n",  # a JSON-like key: a mapping for libyaml, an error for ruamel
    "{'a':b}\n",
    "a: |\n  \n    x\n",  # a blank line with fewer spaces first: ruamel refuses
    "a: |#c\n  x\n",
    "a: | # 2 spaces\n  \n    x\n",  # a digit in the comment is no indentation indicator
    "--- |\n...\n",  # a document that is a block scalar
    "a: 1\n...\n# c\n...\n",  # '...' twice: libyaml reads on, ruamel refuses
    "%YAML 1.1\n---\na: yes\n",
    "a: 1\r\nb: 2\n",
    "a: b\u2028c\n",
    "a:\n\tb: 1\n",
    "a: 1\x00\n",
    "? *x: nullnull{\n",  # a tree error (complex key) before text ruamel reads otherwise
    # what the fast path reads
    "name: api\nimage:\n  tag: '1.0'  # pinned\nenv:\n  - name: A\n    value: \"x\"\n",
    "a: &base {x: 1, y: [1, 2]}\nb:\n  <<: *base\n  y: 3\nc: [*base, *base]\n",
    "a: !!str 5\nb: !Ref thing\nc: !!int '7'\nd: ! x\n",
    "k: |+\n  x\n\n\nl: >-\n  a\n  b\nm: |2\n    x\n",
    "---\na: 1\n...\n---\n- x\n- \n-\n---\n",
    "é: [ö, 'ä', \"😀\"]\nkey: x y\n  z\n",
    "a:\n\nb: ~\nc: null\nd: ''\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "? [a, b]\n: 1\n",
    "a: [1, 2\n",
    "a: *nowhere\n",
    'a: "\\ud800"\n',
    nested_block(300),
    "deep: " + "[" * 150 + "]" * 150 + "\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_both_builders_give_the_same_tree(text: str) -> None:
    assert_same_tree(text)


TOKENS = st.sampled_from(
    [
        *("a", "k", "1", "é", "~", "null", "x y", "<<: ", "@", "`", "%", "\\", "=", "."),
        *(":", ": ", " ", "  ", "\n", "\n  ", "\n    ", "- ", "-", "? ", "?"),
        *("[", "]", "{", "}", ", ", ","),
        *("'x'", '"y"', "'", '"', '"\\n"', "# c", "#", "|", ">", "|-", ">+", "...", "---", "--- "),
        *("&x ", "&x", "*x", "*x ", "&a.b ", "*a:b", "!t ", "!!str ", "!", "!<x> "),
    ]
)


@FAST
@given(st.lists(TOKENS, min_size=1, max_size=14).map("".join))
def test_both_builders_agree_on_token_soup(text: str) -> None:
    assert_same_tree(text)


@FAST
@given(DOCS, LAYOUTS)
def test_both_builders_agree_on_generated_specs(data: dict[str, Any], layout: Any) -> None:
    assert_same_tree(dump(data, layout))


def test_both_builders_agree_on_the_corpus() -> None:
    corpus = shared_path("corpus", "yaml")
    names = sorted(p for p in corpus.iterdir() if p.suffix in (".yaml", ".yml"))
    fast = 0
    for path in names:
        text = path.read_text(encoding="utf-8")
        assert_same_tree(text)
        fast += cevents.vouched(text)
    assert fast >= len(names) - 3, "the fast path should read nearly every real-world file"


def test_the_bombs_are_read_from_libyaml_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_ruamel() -> None:
        raise AssertionError("ruamel's parser was used")

    monkeypatch.setattr(tree, "_event_parser", no_ruamel)
    for text in (many_keys(2000), one_long_line(20_000), alias_bomb()):
        Tree(text, "f.yaml")
    for text in (nested_block(300), many_keys(2000) + "deep:\n  " + "- " * 5000 + "1\n"):
        with pytest.raises(SpecError, match="nested more than"):
            Tree(text, "f.yaml")  # a limit: refused at once
    with pytest.raises(SpecError, match="duplicate key"):
        Tree(many_keys(10) + "name: again\n", "f.yaml")  # libyaml reads the rest: it stands
    with pytest.raises(AssertionError, match="ruamel"):
        Tree("a: [1\n", "f.yaml")  # invalid: ruamel reads it, for its message


def test_without_libyaml_ruamel_builds_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = TRICKY[-14]
    expected = shape(text, libyaml=True)
    monkeypatch.setitem(cevents._state, "parser", None)
    assert cevents.libyaml_events(text) is None
    assert shape(text, libyaml=True) == expected


def test_libyaml_positions_count_characters() -> None:
    assert cevents.vouched("a: 1\n")
    assert cevents._state["chars"] is True
    text = 'é😀: [ü, "ö"]\nb: 1\n'
    t = Tree(text, "f.yaml")
    assert t.docs[0].root is not None
    (_, v1), (k2, _) = t.docs[0].root.pairs
    assert text[v1.items[1].start : v1.items[1].end] == '"ö"'
    assert text[k2.start] == "b"


def test_a_libyaml_counting_bytes_reads_ascii_texts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    cevents.vouched("")
    monkeypatch.setitem(cevents._state, "chars", False)
    assert cevents.vouched("a: 1\n")
    assert not cevents.vouched("a: é\n")
