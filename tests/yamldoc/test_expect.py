"""Replaying edits on plain data: an edit the data cannot take is refused with its line."""

from __future__ import annotations

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc.doc import Edit, YamlDoc


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
