"""The documented limits and checks behind the hostile battery (README, "Exit codes and errors"),
each at its boundary: what is just allowed passes, what is just past it is refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gitops_promote.cli.output import check_output_file
from gitops_promote.config import branch_name_problem
from gitops_promote.errors import SpecError, UsageError
from gitops_promote.setpath import MAX_SET_DEPTH, parse_set
from gitops_promote.yamldoc import MAX_BYTES, MAX_DEPTH
from gitops_promote.yamldoc.doc import YamlDoc


def test_nesting_up_to_the_limit_is_read_past_it_refused() -> None:
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert YamlDoc.parse(ok, "spec.yaml").documents()
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    with pytest.raises(SpecError, match=rf"^spec\.yaml:1:\d+: .*nested more than {MAX_DEPTH}"):
        YamlDoc.parse(deep, "spec.yaml")
    block = "a:\n  " + "- " * MAX_DEPTH + "1\n"
    with pytest.raises(SpecError, match=r"^spec\.yaml:2:\d+: .*nested more than"):
        YamlDoc.parse(block, "spec.yaml")


def test_brackets_in_quotes_and_comments_are_no_nesting() -> None:
    many = "[" * (2 * MAX_DEPTH)
    text = f"a: \"{many}\"\nb: '{many}'\n# {many}\nc: [x]  # {many}\n"
    assert YamlDoc.parse(text, "spec.yaml").documents() == [{"a": many, "b": many, "c": ["x"]}]


def test_files_past_the_size_limit_are_refused_before_parsing() -> None:
    data = b"a: 1\n" + b"#" * MAX_BYTES
    with pytest.raises(SpecError, match=r"^spec\.yaml: the file is .* MB; files over 10 MB"):
        YamlDoc.from_bytes(data, "spec.yaml")


def test_alias_expansion_is_counted_not_expanded() -> None:
    shared = "base: &b {x: 1}\none: *b\ntwo: {<<: *b, y: 2}\n"
    assert YamlDoc.parse(shared, "spec.yaml").documents()[0]["two"] == {"x": 1, "y": 2}
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(SpecError, match=r"^spec\.yaml:2:\d+: aliases expand"):
        YamlDoc.parse("\n".join(lines) + "\n", "spec.yaml")
    with pytest.raises(SpecError, match="aliases expand"):
        YamlDoc.parse("a: &r [1, *r]\n", "spec.yaml")  # recursive


def test_duplicate_keys_are_found_among_many() -> None:
    text = "m:\n" + "".join(f"  k{i}: {i}\n" for i in range(5000)) + "  k17: again\n"
    with pytest.raises(SpecError, match=r"^spec\.yaml:5002:3: duplicate key 'k17'"):
        YamlDoc.parse(text, "spec.yaml")


def test_lone_surrogate_escape_is_refused_naming_line_and_column() -> None:
    with pytest.raises(SpecError, match=r"^spec\.yaml:2:7: .*surrogate"):
        YamlDoc.parse('a: 1\nnote: "\\ud800"\n', "spec.yaml")


def test_set_paths_deeper_than_a_spec_may_nest_are_refused() -> None:
    assert len(parse_set("x" + ".y" * (MAX_SET_DEPTH - 1) + "=1").segments) == MAX_SET_DEPTH
    with pytest.raises(UsageError, match=r"^--set 'x\.y.*characters\): the path has 201 seg"):
        parse_set("x" + ".y" * MAX_SET_DEPTH + "=1")
    with pytest.raises(UsageError, match="longer than the 1024 YAML allows for a key"):
        parse_set("/a/" + "1" * 5000 + "=1")


@pytest.mark.parametrize(
    "name", ["main", "release/1.2", "feature-x", "a.b", "user@host", "x_y", "v1.0"]
)
def test_valid_branch_names(name: str) -> None:
    assert branch_name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["-x", "main~1", "a..b", "x:y", "a b", "a^", "a?", "a*", "a[b", "a\\b", "a@{1}", "@", "HEAD",
     "/a", "a/", "a//b", "a.", ".a", "a/.b", "a.lock", "a/b.lock/c", "a\x00b", "a\nb", "a\x7fb"],
)  # fmt: skip
def test_invalid_branch_names(name: str) -> None:
    assert branch_name_problem(name)


def test_output_file_checked_before_anything_is_written(tmp_path: Path) -> None:
    check_output_file("--pr-body-file", str(tmp_path / "new.md"))
    with pytest.raises(UsageError, match=r"^--pr-body-file .*: the folder .* does not exist"):
        check_output_file("--pr-body-file", str(tmp_path / "missing" / "body.md"))
    read_only = tmp_path / "body.md"
    read_only.write_text("old\n")
    read_only.chmod(stat.S_IRUSR)
    with pytest.raises(UsageError, match="read-only"):
        check_output_file("--pr-body-file", str(read_only))
    with pytest.raises(UsageError, match="is a folder"):
        check_output_file("--pr-body-file", str(tmp_path))
