"""Properties of the YAML editor on generated documents dumped in several layouts."""

from __future__ import annotations

import copy
import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gitops_promote.yamldoc.doc import Edit, YamlDoc

KEYS = st.sampled_from(
    ["name", "image", "tag", "replicas", "env", "port", "a", "b-c", "x_y", "on", "yes", "1", "k"]
)
STRINGS = st.one_of(
    st.sampled_from(
        [
            "",
            "yes",
            "no",
            "on",
            "true",
            "null",
            "~",
            "1:20",
            "0x1F",
            "012",
            "1e3",
            "1.10",
            "a: b",
            "#x",
            "x #y",
            "- x",
            "it's",
            'say "hi"',
            " pad ",
            "v1.2.3",
            "@at",
            "*star",
            "&amp",
            "!bang",
            "%p",
            "|",
            ">",
            "[x]",
            "{y}",
            "a,b",
            "caf\u00e9",
            "\\back",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12),
)
SCALARS = st.one_of(
    STRINGS,
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: round(f, 3)),
)


def _tree(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(KEYS, children, max_size=4),
        ),
        max_leaves=14,
    )


DOCS = st.dictionaries(KEYS, _tree(SCALARS), min_size=1, max_size=5)
LAYOUTS = st.sampled_from(
    [
        {"mapping": 2, "sequence": 2, "offset": 0, "flow": False},  # kubectl: `- x` under key
        {"mapping": 2, "sequence": 4, "offset": 2, "flow": False},  # helm: `  - x`
        {"mapping": 4, "sequence": 4, "offset": 2, "flow": False},
        {"mapping": 2, "sequence": 2, "offset": 0, "flow": None},  # leaf collections in flow
        # a comment above every line and at the end of every line
        {"mapping": 2, "sequence": 2, "offset": 0, "flow": False, "comments": True},
        {"mapping": 4, "sequence": 4, "offset": 2, "flow": None, "comments": True},
    ]
)
FAST = settings(
    max_examples=int(os.environ.get("YAMLDOC_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def dump(data: Any, layout: dict[str, Any]) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.indent(mapping=layout["mapping"], sequence=layout["sequence"], offset=layout["offset"])
    yaml.default_flow_style = layout["flow"]
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    if layout.get("comments"):
        # every line is one whole node here (no string holds a line break, lines are not
        # folded): a comment fits above it, at its indentation, and after it
        lines = []
        for n, line in enumerate(text.splitlines()):
            indent = len(line) - len(line.lstrip(" "))
            lines += [" " * indent + f"# above {n}", f"{line}  # after {n}"]
        text = "\n".join(lines) + "\n"
    try:  # the dumper can emit text that does not read back (a plain `?0` in a flow list)
        assume(YAML(typ="safe", pure=True).load(text) == data)
    except Exception:
        assume(False)
    return text


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in leaves(v, (*path, i))]
    return [(path, value)]


def mappings(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += mappings(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += mappings(v, (*path, i))
    return found


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for seg in path:
        data = data[seg]
    return data


@FAST
@given(DOCS, LAYOUTS)
def test_no_op_round_trip_is_identity(data: dict[str, Any], layout: dict[str, Any]) -> None:
    text = dump(data, layout)
    doc = YamlDoc.parse(text)
    assert doc.text == text
    assert doc.to_bytes() == text.encode()
    assert doc.documents() == [data]
    assert doc.edit([]).text == text


@FAST
@given(DOCS, LAYOUTS, st.data(), SCALARS.filter(lambda v: not (isinstance(v, str) and "\n" in v)))
def test_editing_a_leaf_changes_only_its_line(
    data: dict[str, Any], layout: dict[str, Any], pick: st.DataObject, value: Any
) -> None:
    text = dump(data, layout)
    doc = YamlDoc.parse(text)
    candidates = [(p, v) for p, v in leaves(data) if p and not (isinstance(v, str) and "\n" in v)]
    if not candidates:
        return
    path, _old = pick.draw(st.sampled_from(candidates))
    out = doc.edit([Edit(path, value=value)])
    expected = copy.deepcopy(data)
    at(expected, path[:-1])[path[-1]] = value
    assert out.documents() == [expected]
    before, after = text.split("\n"), out.text.split("\n")
    assert len(before) == len(after)
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    line = doc.line_of(0, path)
    assert line is not None
    assert changed in ([], [line - 1])


@FAST
@given(DOCS, LAYOUTS, st.data(), KEYS, _tree(SCALARS))
def test_inserting_a_key_gives_the_expected_data(
    data: dict[str, Any], layout: dict[str, Any], pick: st.DataObject, key: str, value: Any
) -> None:
    text = dump(data, layout)
    doc = YamlDoc.parse(text)
    parent = pick.draw(st.sampled_from(mappings(data)))
    target = at(data, parent)
    siblings = list(target)
    after = pick.draw(st.sampled_from([None, *siblings])) if siblings else None
    out = doc.edit([Edit((*parent, key), value=value, after=after)])
    expected = copy.deepcopy(data)
    at(expected, parent)[key] = value
    assert out.documents() == [expected]
    if key not in target and siblings and layout["flow"] is not None:
        # a new key is only added: every old line is still there, in order
        old_lines = text.split("\n")
        new_lines = iter(out.text.split("\n"))
        assert all(any(line == n for n in new_lines) for line in old_lines)


@FAST
@given(DOCS, LAYOUTS, st.data())
def test_deleting_a_key_gives_the_expected_data(
    data: dict[str, Any], layout: dict[str, Any], pick: st.DataObject
) -> None:
    text = dump(data, layout)
    doc = YamlDoc.parse(text)
    parents = [p for p in mappings(data) if at(data, p)]
    parent = pick.draw(st.sampled_from(parents))
    key = pick.draw(st.sampled_from(list(at(data, parent))))
    out = doc.edit([Edit((*parent, key), delete=True)])
    expected = copy.deepcopy(data)
    del at(expected, parent)[key]
    assert out.documents() == [expected]


@FAST
@given(DOCS, LAYOUTS, LAYOUTS, st.data())
def test_copy_from_another_layout_gives_the_source_value(
    source: dict[str, Any],
    src_layout: dict[str, Any],
    dst_layout: dict[str, Any],
    pick: st.DataObject,
) -> None:
    target = {"keep": 1, **{k: "old" for k in source}}
    src = YamlDoc.parse(dump(source, src_layout))
    dst = YamlDoc.parse(dump(target, dst_layout))
    key = pick.draw(st.sampled_from(list(source)))
    out = dst.edit([Edit((key,), copy_from=(src, 0, (key,)))])
    assert out.get(0, (key,)) == source[key]
    assert out.get(0, ("keep",)) == 1


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            found += nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += nodes(v, (*path, i))
    return found


@FAST
@given(DOCS, DOCS, LAYOUTS, LAYOUTS, st.data())
def test_copy_any_node_anywhere(
    source: dict[str, Any],
    target: dict[str, Any],
    src_layout: dict[str, Any],
    dst_layout: dict[str, Any],
    pick: st.DataObject,
) -> None:
    src = YamlDoc.parse(dump(source, src_layout))
    dst = YamlDoc.parse(dump(target, dst_layout))
    spath = pick.draw(st.sampled_from([p for p in nodes(source) if p]))
    places: list[tuple[Any, ...]] = [p for p in nodes(target) if p]
    for p in nodes(target):
        holder = at(target, p)
        if isinstance(holder, dict):
            places.append((*p, "new_key"))
        elif isinstance(holder, list):
            places.append((*p, len(holder)))
    tpath = pick.draw(st.sampled_from(places))
    out = dst.edit([Edit(tpath, copy_from=(src, 0, spath))])
    expected = copy.deepcopy(target)
    holder = at(expected, tpath[:-1])
    if isinstance(holder, list) and tpath[-1] == len(holder):
        holder.append(at(source, spath))
    else:
        holder[tpath[-1]] = at(source, spath)
    assert out.documents() == [expected]


@FAST
@given(SCALARS, st.sampled_from(["plain", "'single'", '"double"']))
def test_written_scalars_read_the_same_in_a_yaml_1_1_reader(value: Any, old: str) -> None:
    # kubectl, Helm and PyYAML read YAML 1.1: `on` is a boolean there, `012` octal, `1:20` a
    # number. A new value must mean the same to them as to a YAML 1.2 reader.
    pyyaml = pytest.importorskip("yaml")
    doc = YamlDoc.parse(f"key: {old}  # c\nflow: [{old}, x]\n")
    out = doc.edit([Edit(("key",), value=value), Edit(("flow", 0), value=value)])
    assert out.get(0, ("key",)) == value
    assert pyyaml.safe_load(out.text) == {"key": value, "flow": [value, "x"]}
