"""The YAML editor on real-world files (../shared/corpus/yaml): no edit, one scalar edit, and a
subtree or list item deleted then copied back must leave every other byte as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ruamel.yaml import YAML

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc import to_plain
from gitops_promote.yamldoc.doc import Edit, YamlDoc

from ..conftest import SHARED, shared_path

CORPUS_DIR = SHARED / "corpus" / "yaml"
# Files the editor must refuse, with the reason it gives. None of the corpus files is: the
# one with tab characters has them only inside block scalars, where they are content.
REFUSED: dict[str, str] = {}
BIG = 20_000  # bytes: files above this can take a second or more for the edit checks


def _corpus_params() -> list[Any]:
    if not CORPUS_DIR.is_dir():
        return [pytest.param("<corpus absent>", id="corpus-absent")]
    names = sorted(p.name for p in CORPUS_DIR.iterdir() if p.suffix in (".yaml", ".yml"))
    return [
        pytest.param(
            n, id=n, marks=[pytest.mark.slow] if (CORPUS_DIR / n).stat().st_size > BIG else []
        )
        for n in names
    ]


FILES = _corpus_params()


def load(name: str) -> tuple[bytes, YamlDoc]:
    path = shared_path("corpus", "yaml") / name
    data = path.read_bytes()
    if name in REFUSED:
        with pytest.raises(SpecError, match=REFUSED[name]):
            YamlDoc.from_bytes(data, name)
        pytest.skip(f"{name} is refused, as it must be")
    return data, YamlDoc.from_bytes(data, name)


def test_corpus_is_present_and_complete() -> None:
    corpus = shared_path("corpus", "yaml")
    files = [p for p in corpus.iterdir() if p.suffix in (".yaml", ".yml")]
    assert len(files) >= 50
    assert set(REFUSED) <= {p.name for p in files}


@pytest.mark.parametrize("name", FILES)
def test_no_edit_is_byte_identical_and_data_matches_a_plain_load(name: str) -> None:
    data, doc = load(name)
    assert doc.to_bytes() == data
    assert doc.edit([]).to_bytes() == data
    reference = [to_plain(d) for d in YAML(typ="safe", pure=True).load_all(doc.text)]
    assert doc.documents() == reference


def _leaves(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path, value


def _kind(value: Any, line: str) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if value is None:
        return "null"
    if "\n" in value:
        return None
    if f"'{value}'" in line:
        return "single"
    if f'"{value}"' in line:
        return "double"
    return "plain" if value and value in line else None


def scalar_candidates(doc: YamlDoc) -> list[tuple[int, tuple[Any, ...], str]]:
    """Per document (the first three): the first int, bool, float, null, plain, 'single' and
    "double" string found, and the deepest scalar."""
    lines = doc.text.split("\n")
    out = []
    for i, data in enumerate(doc.documents()[:3]):
        found: dict[str, tuple[Any, ...]] = {}
        for path, value in _leaves(data):
            line_no = doc.line_of(i, path) if path else None
            if line_no is None:
                continue
            kind = _kind(value, lines[line_no - 1])
            if kind is None:
                continue
            found.setdefault(kind, path)
            if len(path) > len(found.get("deep", ())):
                found["deep"] = path
        out.extend((i, p, k) for k, p in found.items())
    return out


def new_value(old: Any) -> Any:
    if isinstance(old, bool):
        return not old
    if isinstance(old, (int, float)):
        return old + 1
    if old is None:
        return "set"
    return old + "-x"


@pytest.mark.parametrize("name", FILES)
def test_one_scalar_edit_changes_exactly_one_line(name: str) -> None:
    _, doc = load(name)
    candidates = scalar_candidates(doc)
    if not candidates:
        # only empty collections: nothing to edit (asserted, not assumed)
        assert not [v for d in doc.documents() for _, v in _leaves(d)]
        return
    edited = 0
    for i, path, kind in candidates:
        value = new_value(doc.get(i, path))
        try:
            out = doc.edit([Edit(path, doc=i, value=value)])
        except SpecError as err:
            # a value shared through an anchor is refused, never edited in two places
            assert "shared through" in err.message, (kind, path, err)
            continue
        before, after = doc.text.split("\n"), out.text.split("\n")
        assert len(before) == len(after), (kind, path)
        changed = [n for n, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
        assert len(changed) == 1, (kind, path, changed)
        expected = doc.documents()
        holder = expected[i]
        for seg in path[:-1]:
            holder = holder[seg]
        holder[path[-1]] = value
        assert out.documents() == expected
        assert out.get(i, path) == value
        edited += 1
    assert edited >= 1


def subtree_candidates(doc: YamlDoc, limit: int = 3) -> list[tuple[int, tuple[Any, ...], str]]:
    """Mapping-valued keys (not first in their mapping) directly below their previous sibling's
    lines, so that deleting and re-inserting them can give back the same bytes."""
    lines = doc.text.split("\n")
    out: list[tuple[int, tuple[Any, ...], str]] = []

    def walk(i: int, mapping: dict[str, Any], path: tuple[Any, ...]) -> None:
        keys = list(mapping)
        for n, key in enumerate(keys):
            if len(out) >= limit:
                return
            value = mapping[key]
            if not isinstance(value, dict):
                continue
            here = (*path, key)
            line = doc.line_of(i, here)
            if n and value and line and line >= 2:
                above = lines[line - 2].strip()
                if above and not above.startswith("#"):
                    out.append((i, here, keys[n - 1]))
            walk(i, value, here)

    for i, data in enumerate(doc.documents()[:3]):
        if isinstance(data, dict):
            walk(i, data, ())
    return out


@pytest.mark.parametrize("name", FILES)
def test_subtree_deleted_then_copied_back_is_byte_identical(name: str) -> None:
    data, doc = load(name)
    for i, path, after in subtree_candidates(doc):
        try:
            without = doc.edit([Edit(path, doc=i, delete=True)])
        except SpecError as err:
            # shared through an anchor, or also brought in by a merge key: refused
            assert "edit it by hand" in err.message, (path, err)
            continue
        assert not without.exists(i, path)
        back = without.edit([Edit(path, doc=i, copy_from=(doc, i, path), after=after)])
        assert back.to_bytes() == data, path


def test_tabs_inside_block_scalars_of_the_corpus_are_content() -> None:
    name = "cert-manager__cert-manager__make__config__bind__configmap.yaml"
    data, doc = load(name)
    assert b"\t" in data
    conf = doc.get(0, ("data",))
    assert any("\t" in v for v in conf.values())


def item_candidates(doc: YamlDoc, limit: int = 3) -> list[tuple[int, tuple[Any, ...], int]]:
    """(document, list path, index): items (not first) of block lists whose '-' line directly
    follows the previous item's lines."""
    lines = doc.text.split("\n")
    out: list[tuple[int, tuple[Any, ...], int]] = []

    def walk(i: int, value: Any, path: tuple[Any, ...]) -> None:
        if len(out) >= limit:
            return
        if isinstance(value, list) and len(value) > 1:
            for k in range(1, len(value)):
                line = doc.line_of(i, (*path, k))
                if line and line != doc.line_of(i, path) and line >= 2:
                    above = lines[line - 2].strip()
                    if above and not above.startswith("#"):
                        out.append((i, path, k))
                        break
        if isinstance(value, dict):
            for key, child in value.items():
                walk(i, child, (*path, key))
        elif isinstance(value, list):
            for n, child in enumerate(value):
                walk(i, child, (*path, n))

    for i, data in enumerate(doc.documents()[:3]):
        walk(i, data, ())
    return out


@pytest.mark.parametrize("name", FILES)
def test_list_item_deleted_then_copied_back_is_byte_identical(name: str) -> None:
    data, doc = load(name)
    for i, path, k in item_candidates(doc):
        size = len(doc.get(i, path))
        try:
            without = doc.edit([Edit((*path, k), doc=i, delete=True)])
        except SpecError as err:
            assert "edit it by hand" in err.message, (path, err)
            continue
        assert len(without.get(i, path)) == size - 1
        back = without.edit(
            [Edit((*path, size - 1), doc=i, copy_from=(doc, i, (*path, k)), after=k - 1)]
        )
        assert back.to_bytes() == data, (path, k)
