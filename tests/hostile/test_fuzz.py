"""Fuzzing the YAML loader and editor through the public facade (issue 15).

YAML-ish text (real YAML tokens mixed with tabs, odd scalars, tags, anchors, stray brackets and
control characters) and random ``--set``-like edits (paths of existing and new keys, values of
every kind). The loader may only refuse with the documented errors; an edit may only refuse with
the documented errors, and whatever it returns must parse back to exactly the intended data.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gitops_promote.errors import GitopsPromoteError, SpecError
from gitops_promote.yamldoc.doc import Edit, YamlDoc

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

TOKENS = st.sampled_from(
    [
        "a", "name", "image", "1", "0o8", "1_000", "1e", ".inf", "~", "null", "yes",
        "true", "2026-13-45", "12:60:00", "\u00b2", "-", "- ", ": ", ":", "? ", "[", "]", "{", "}",
        ",", "'", '"', "\\", "#", " #c", "&a ", "*a", "!!str ", "!!int ", "!!python/object ",
        "!Ref ", "!<tag:x> ", "|", ">-", "---", "...", "%YAML 1.2", "\t", "  ", "    ", "\n",
        "\r\n", "\x00", "\x85", "\u2028", "\ufeff", "\udcff", '"\\ud800"', '"\\x41"', "<<: ",
    ]
)  # fmt: skip
YAMLISH = st.lists(TOKENS | st.text(max_size=4), max_size=40).map("".join)

BASE = """\
# the service
name: api
image:
  image_uri: "ghcr.io/acme/api:1.0.0"  # set by CI
replicas: 3
env:
  LOG_LEVEL: info
ports:
  - name: http
    port: 8000
flow: {a: 1, b: [x, y]}
"""

SEGMENTS = st.sampled_from(
    ["name", "image", "image_uri", "replicas", "env", "LOG_LEVEL", "ports", "flow", "a", "b",
     "new", "x y", "0", "1", "-", "~1", "0x1", "\u00b9", "é", "a:b", "#", "'q'"]
) | st.text(min_size=1, max_size=6)  # fmt: skip
VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(["yes", "no", "~", "", "1:20", "# x", "a: b", "- x", "9" * 5000])
    | st.text(max_size=20)
)

# Scalars that used to crash the resolver (issue 15): each reads as a string.
ODD_SCALARS = {
    "hex-underscore": ("replicas: 0x_\n", "0x_"),
    "dot-underscore": ("replicas: ._\n", "._"),
    "5000-digit-int": ("replicas: " + "9" * 5000 + "\n", "9" * 5000),
    "octal-underscore": ("replicas: 0o_\n", "0o_"),
}


@pytest.mark.parametrize("text,value", list(ODD_SCALARS.values()), ids=list(ODD_SCALARS))
def test_scalars_that_only_look_like_numbers_are_strings(text: str, value: str) -> None:
    assert YamlDoc.parse(text, "spec.yaml").documents() == [{"replicas": value}]


def test_superscript_digit_is_no_list_index() -> None:
    doc = YamlDoc.parse(BASE, "spec.yaml")
    with pytest.raises(SpecError, match="is not an index"):
        doc.edit([Edit(path=("ports", "\u00b2", "port"), value=1)])


def plain_ok(value: Any) -> bool:
    """Plain data: str-keyed dicts, lists, scalars."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_ok(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_ok(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


@given(YAMLISH)
@example('s: "\\ud800"\n')
@example("a:\n\tb: 1\n")
@FUZZ
def test_loader_raises_only_documented_errors(text: str) -> None:
    try:
        doc = YamlDoc.parse(text, "fuzz.yaml")
    except GitopsPromoteError as err:
        assert "\n" not in str(err)
        assert str(err).startswith("fuzz.yaml"), str(err)
        return
    assert all(plain_ok(d) for d in doc.documents())
    assert doc.to_bytes().decode("utf-8", "surrogatepass") == text


@given(st.binary(max_size=200))
@FUZZ
def test_loader_on_bytes_raises_only_documented_errors(data: bytes) -> None:
    try:
        doc = YamlDoc.from_bytes(data, "fuzz.yaml")
    except GitopsPromoteError:
        return
    assert doc.to_bytes() == data


def _index(seg: str) -> bool:
    return seg.isascii() and seg.isdigit()


def intended(data: Any, path: tuple[str, ...], value: Any) -> Any:
    """The data a ``--set`` of ``value`` at ``path`` should give (creating missing mappings),
    or None when the path goes through a scalar (the edit must then refuse)."""
    data = copy.deepcopy(data)
    cur = data
    for seg in path[:-1]:
        if isinstance(cur, dict):
            cur = cur.setdefault(seg, {})
        elif isinstance(cur, list) and _index(seg) and int(seg) < len(cur):
            cur = cur[int(seg)]
        else:
            return None
    if isinstance(cur, dict):
        cur[path[-1]] = value
    elif isinstance(cur, list) and _index(path[-1]) and int(path[-1]) < len(cur):
        cur[int(path[-1])] = value
    else:
        return None
    return data


def _as_path(doc: YamlDoc, segments: tuple[str, ...]) -> tuple[str | int, ...]:
    """List segments as indexes, as the editor addresses list items."""
    out: list[str | int] = []
    cur: Any = doc.documents()[0]
    for seg in segments:
        if isinstance(cur, list) and _index(seg):
            out.append(int(seg))
            cur = cur[int(seg)] if int(seg) < len(cur) else None
        else:
            out.append(seg)
            cur = cur.get(seg) if isinstance(cur, dict) else None
    return tuple(out)


@given(st.lists(SEGMENTS, min_size=1, max_size=6).map(tuple), VALUES)
@example(("x",) * 300, 1)
@example(("replicas",), "9" * 5000)
@FUZZ
def test_edit_writes_exactly_the_intended_data(segments: tuple[str, ...], value: Any) -> None:
    doc = YamlDoc.parse(BASE, "envs/prod/api.yaml")
    want = intended(doc.documents()[0], segments, value)
    try:
        new = doc.edit([Edit(path=_as_path(doc, segments), value=value)])
    except (GitopsPromoteError, KeyError, IndexError):
        return  # documented refusals (an index beyond the end is IndexError)
    assert want is not None, "an edit through a scalar must be refused"
    reread = YamlDoc.parse(new.text, "again.yaml").documents()
    assert reread == [want]
    assert doc.text == BASE, "the original document must not change"


@given(YAMLISH, st.lists(SEGMENTS, min_size=1, max_size=3).map(tuple), VALUES)
@FUZZ
def test_edit_of_fuzzed_text(text: str, segments: tuple[str, ...], value: Any) -> None:
    try:
        doc = YamlDoc.parse(text, "fuzz.yaml")
    except GitopsPromoteError:
        return
    docs = doc.documents()
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return
    want = intended(docs[0], segments, value)
    try:
        new = doc.edit([Edit(path=_as_path(doc, segments), value=value)])
    except (GitopsPromoteError, KeyError, IndexError):
        return
    assert want is not None
    assert YamlDoc.parse(new.text, "again.yaml").documents() == [want]


@given(VALUES.filter(lambda v: isinstance(v, str)) | st.text(max_size=30))
@example('"\\ud800"')
@FUZZ
def test_set_value_text_is_read_or_refused(value_text: str) -> None:
    """A ``--set`` VALUE is read as YAML: a scalar, or one documented error."""
    try:
        YamlDoc.parse(value_text, "<value>").documents()
    except GitopsPromoteError as err:
        assert "\n" not in str(err)
