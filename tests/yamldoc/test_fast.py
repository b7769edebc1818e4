"""The fast read-only loader gives exactly the data of the full parser, or its errors."""

from __future__ import annotations

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc import load_documents
from gitops_promote.yamldoc.doc import YamlDoc
from gitops_promote.yamldoc.fast import fast_documents
from gitops_promote.yamldoc.plain import same

from ..conftest import SHARED
from .test_builders import TRICKY

CORPUS_DIR = SHARED / "corpus" / "yaml"

SAMPLES = [
    "a: 1\nb: 0o17\nc: 017\nd: 0x1F\ne: 1_000\nf: 1.5e3\ng: .inf\nh: -.Inf\n",
    "yes: yes\nno: no\non: off\ny: n\nt: true\nf: FALSE\n",
    "n1: ~\nn2: null\nn3:\nn4: ''\nn5: 'null'\n",
    "d: 2024-01-01\nts: 2024-01-01T10:00:00Z\nsex: 1:30\n",
    "s: !!str 12\ni: !!int '12'\nb: !!bool yes\nx: ! 12\ncustom: !Ref thing\nbad: !!int abc\n",
    "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n",
    "multi: |\n  line one\n  line two\nfolded: >-\n  a\n  b\n",
    "1: one\ntrue: two\nnull: three\n'<<': quoted merge\n",
    "---\na: 1\n---\n---\n- x\n- y\n...\n",
    "# only a comment\n",
    "",
    "env:\n  - name: A\n    value: \"24\"\n  - name: B\n    value: 'true'\n",
    "a: 1\r\nb: two\r\n",
    "\ufeffa: 1\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_loader_reads_what_the_editor_reads(text: str) -> None:
    data = text.encode("utf-8")
    expected = YamlDoc.from_bytes(data, "s.yaml").documents()
    assert fast_documents(text.lstrip("\ufeff").replace("\r\n", "\n")) is not None
    assert same(load_documents(data, "s.yaml"), expected)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "a: [1\n",  # unclosed flow
        "a:\n\tb: 1\n",  # tab indentation
        "? [a, b]\n: 1\n",  # complex key
        "a: *nowhere\n",  # unknown alias
        "a: 'unterminated\n",
    ],
)
def test_invalid_yaml_gives_the_editors_error_with_line(text: str) -> None:
    with pytest.raises(SpecError) as full:
        YamlDoc.from_bytes(text.encode(), "bad.yaml")
    with pytest.raises(SpecError) as fast:
        load_documents(text.encode(), "bad.yaml")
    assert str(fast.value) == str(full.value)
    assert fast.value.line is not None


@pytest.mark.parametrize("text", TRICKY)
def test_texts_the_two_parsers_read_differently_give_the_full_parsers_answer(text: str) -> None:
    try:
        expected: object = YamlDoc.parse(text, "t.yaml").documents()
    except SpecError as err:
        with pytest.raises(SpecError) as fast:
            load_documents(text.encode(), "t.yaml")
        assert str(fast.value) == str(err)
        return
    assert same(load_documents(text.encode(), "t.yaml"), expected)


def test_aliases_past_the_editors_budget_are_refused_as_the_editor_does() -> None:
    # 2,000,000 values from a text of 21,900 characters: past 1,000,000 + 10 per character
    text = "base: &b [" + ", ".join(["x"] * 1000) + "]\n"
    text += "".join(f"k{i}: *b\n" for i in range(2000))
    with pytest.raises(SpecError, match="aliases expand") as full:
        YamlDoc.parse(text, "a.yaml")
    with pytest.raises(SpecError) as fast:
        load_documents(text.encode(), "a.yaml")
    assert str(fast.value) == str(full.value)
    fewer = text.split("k1000:")[0]  # 1,000,000 values from 11,000 characters: within it
    assert load_documents(fewer.encode(), "a.yaml") == YamlDoc.parse(fewer).documents()


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(SpecError) as err:
        load_documents(b"a: 1\nb: \xff\n", "bad.yaml")
    assert err.value.line == 2


def test_billion_laughs_is_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(SpecError, match="aliases expand"):
        load_documents("\n".join(lines).encode() + b"\n", "lol.yaml")


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason="the shared corpus is absent")
def test_corpus_files_read_the_same() -> None:
    names = sorted(p for p in CORPUS_DIR.iterdir() if p.suffix in (".yaml", ".yml"))
    assert names
    for path in names:
        data = path.read_bytes()
        try:
            expected = YamlDoc.from_bytes(data, path.name).documents()
        except SpecError:
            continue
        assert same(load_documents(data, path.name), expected), path.name
