"""The facade: bytes in and out, a new document per edit, parse_scalar and to_plain."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc import parse_scalar, to_plain
from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import SPEC


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


def test_edit_returns_new_document_and_leaves_self() -> None:
    doc = YamlDoc.parse(SPEC, "envs/prod/api.yaml")
    new = doc.edit([Edit(("replicas",), value=9)])
    assert doc.text == SPEC and doc.get(0, ("replicas",)) == 3
    assert new.get(0, ("replicas",)) == 9 and new.filename == "envs/prod/api.yaml"
    assert doc.edit([]).text == SPEC


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
