"""``update --set`` on real-world files (../shared/corpus/yaml) at deep index paths: an integer
inside a list of mappings that carry ``name``, set to another number through the same code path
as the command, must change that one number and nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from gitops_promote.pointer import join
from gitops_promote.update import apply_sets
from gitops_promote.yamldoc.doc import YamlDoc

from .conftest import shared_path
from .yamldoc.test_corpus import BIG, CORPUS_DIR, FILES

PER_FILE = 6  # values updated per file (spread over the file)
_DIGITS = re.compile(r"[0-9]+")


def _named_ints(
    value: Any, path: tuple[Any, ...] = (), inside: bool = False
) -> Iterator[tuple[tuple[Any, ...], int]]:
    """(index path, value) of every integer inside an item of a list of named mappings."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _named_ints(v, (*path, k), inside)
    elif isinstance(value, list):
        named = bool(value) and all(isinstance(x, dict) and "name" in x for x in value)
        for i, v in enumerate(value):
            yield from _named_ints(v, (*path, i), inside or named)
    elif inside and isinstance(value, int) and not isinstance(value, bool):
        yield path, value


def _prefix(docs: list[Any], i: int) -> str | None:
    """The ``Kind/name:`` prefix of document ``i`` (``""`` in a one-document file), or None
    when the document cannot be named uniquely."""
    if len(docs) == 1:
        return ""
    doc = docs[i]
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or not isinstance(doc.get("kind"), str) or "name" not in meta:
        return None
    key = (doc["kind"], str(meta["name"]))
    same = [
        d for d in docs
        if isinstance(d, dict) and isinstance(d.get("metadata"), dict)
        and (d.get("kind"), str(d["metadata"].get("name"))) == key
    ]  # fmt: skip
    return None if len(same) > 1 else f"{key[0]}/{key[1]}:"


def _targets(doc: YamlDoc) -> list[tuple[str, int, tuple[Any, ...], int]]:
    docs = doc.documents()
    found = []
    for i, d in enumerate(docs):
        prefix = _prefix(docs, i)
        if prefix is None:
            continue
        found += [(prefix, i, path, v) for path, v in _named_ints(d)]
    step = max(1, len(found) // PER_FILE)
    return found[::step][:PER_FILE]


def _corpus_files() -> list[Any]:
    return [
        p if p.id == "corpus-absent" else pytest.param(
            *p.values, id=p.id,
            marks=[pytest.mark.slow] if (CORPUS_DIR / p.values[0]).stat().st_size > BIG else [],
        )
        for p in FILES
    ]  # fmt: skip


@pytest.mark.parametrize("name", _corpus_files())
def test_update_by_index_path_changes_that_one_number_only(name: str) -> None:
    data = (shared_path("corpus", "yaml") / name).read_bytes()
    doc = YamlDoc.from_bytes(data, name)
    targets = _targets(doc)
    if not targets:
        pytest.skip(f"{name} has no integer inside a list of named mappings")
    lines = doc.text.splitlines(keepends=True)
    for prefix, i, path, value in targets:
        new_value = value + 1 if value < 10**9 else value - 1
        edited, changes = apply_sets(doc, [f"{prefix}{join(list(path))}={new_value}"], file=name)
        assert len(changes) == 1 and changes[0].old == value and changes[0].new == new_value
        expected = doc.documents()
        holder = expected[i]
        for seg in path[:-1]:
            holder = holder[seg]
        holder[path[-1]] = new_value
        assert edited.holds(expected), (name, path)
        new_lines = edited.text.splitlines(keepends=True)
        assert len(new_lines) == len(lines), (name, path)
        differ = [(a, b) for a, b in zip(lines, new_lines, strict=True) if a != b]
        assert len(differ) == 1, (name, path, differ)
        before, after = differ[0]
        assert _DIGITS.sub("#", before) == _DIGITS.sub("#", after), (name, path, differ)
        assert str(new_value) in after
