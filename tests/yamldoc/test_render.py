"""New scalars: quoting that every reader reads back the same, block scalars, flow values."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import SPEC, changed_lines, edited


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


def test_values_inside_flow_collections_are_written_flow() -> None:
    src = "a: [x, y]\n"
    out = edited(src, Edit(("a", 0), value="multi\nline"), Edit(("a", 1), value={"k": [1]}))
    assert out == 'a: ["multi\\nline", {k: [1]}]\n'


def test_keep_chomped_block_scalar_keeps_its_trailing_lines() -> None:
    src = "a: |+\n  x\n\n\nb: 1\n"
    assert edited(src, Edit(("c",), value=2, after="a")) == "a: |+\n  x\n\n\nc: 2\nb: 1\n"
    assert edited(src, Edit(("a",), value="z")) == "a: z\nb: 1\n"


def test_multiline_string_falls_back_to_double_quotes_when_a_block_would_change() -> None:
    # a spaces-only line below would become part of a `|` block: write it double-quoted
    src = "a:\n  - x\n  - y\n      \nb: 1\n"
    out = edited(src, Edit(("a", 1), value="m\nl\n"))
    assert out == 'a:\n  - x\n  - "m\\nl\\n"\n      \nb: 1\n'
    # at the end of a file without a final newline, a clipped block cannot end the value
    assert edited("a: x", Edit(("a",), value="m\nl\n")) == 'a: "m\\nl\\n"'
