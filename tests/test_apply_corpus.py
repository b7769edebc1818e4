"""apply_plan over the real-world YAML corpus: a one-value promotion changes one line, byte-exact.

For each file: the file is the target; the source is its data with one scalar changed (the first,
middle and last editable scalar). Planned with the default overwrite and no rules, then applied,
the result must be byte for byte the target with that value edited in place by yamldoc, and
differ from the target in exactly one line.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gitops_promote.apply import apply_plan
from gitops_promote.errors import GitopsPromoteError
from gitops_promote.plan import plan_promotion
from gitops_promote.presets import PRESETS
from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import SHARED, shared_path

CORPUS = SHARED / "corpus" / "yaml"
FILES = sorted(p.name for p in CORPUS.glob("*.y*ml")) if CORPUS.is_dir() else ["(corpus absent)"]
# Large charts' values take over a second each (parse + two verified edits per value).
LARGE = 40_000
PARAMS = [
    pytest.param(
        n,
        id=n,
        marks=[pytest.mark.slow]
        if (CORPUS / n).is_file() and (CORPUS / n).stat().st_size > LARGE
        else [],
    )
    for n in FILES
]

YPath = tuple[str | int, ...]


def scalars(value: Any, path: YPath = ()) -> Iterator[tuple[YPath, Any]]:
    """Positional paths of single-line int and string leaves (not the names of list items)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from scalars(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict):
                for k, w in v.items():
                    if k != "name":
                        yield from scalars(w, (*path, i, k))
            else:
                yield from scalars(v, (*path, i))
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) or (isinstance(value, str) and "\n" not in value and value):
        yield path, value


def changed(value: Any) -> Any:
    return value + 1 if isinstance(value, int) else f"{value}-promoted"


def set_at(data: Any, path: YPath, value: Any) -> None:
    for seg in path[:-1]:
        data = data[seg]
    data[path[-1]] = value


def corpus_file(name: str) -> Path:
    return shared_path("corpus", "yaml", name)


@pytest.mark.parametrize("name", PARAMS)
def test_one_value_promotion_changes_one_line(name: str) -> None:
    path = corpus_file(name)
    target = YamlDoc.from_bytes(path.read_bytes(), name)
    docs = target.documents()
    lines = target.text.splitlines()
    candidates = [(d, p, v) for d, doc in enumerate(docs) for p, v in scalars(doc)]
    new_key = not candidates
    if new_key:  # nothing but empty collections: promote a new top-level key instead
        assert isinstance(docs[0], dict), f"{name} holds nothing to promote"
        candidates = [(0, ("promoted",), 0)]
    picked = {0, len(candidates) // 2, len(candidates) - 1}
    tried = 0
    for index in sorted(picked):
        doc, where, value = candidates[index]
        try:
            expected = target.edit([Edit(where, doc, value=changed(value))])
        except GitopsPromoteError:
            continue  # yamldoc refuses to edit this node (an anchor shared by aliases, say)
        tried += 1
        source_docs = copy.deepcopy(docs)
        set_at(source_docs[doc], where, changed(value))
        # (a source name no corpus value spells, so rule 5 never flags the copied value)
        plan = plan_promotion(source_docs, docs, PRESETS["none"], source_env="env-under-test")
        assert len(plan.changes) == 1, [c.path for c in plan.changes]
        (change,) = plan.changes
        # the change is at the value, or at the plain list holding it (lists are values)
        assert change.category == "changed"
        assert change.applied
        out = apply_plan(plan, expected, target)  # the source file: the edited copy
        assert out.to_bytes() == expected.to_bytes(), (name, where)
        diff = [
            line
            for line in difflib.unified_diff(lines, out.text.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        line_no = target.line_of(doc, where)
        on_one_line = line_no is not None and str(value) in lines[line_no - 1]
        # A value a mapping inherits through a merge key (<<: *anchor) stands at the anchor,
        # which YAML puts before the alias: changing it for this mapping alone means writing
        # an own copy that overrides it, more than one line (and still equal to yamldoc's edit).
        parent_line = target.line_of(doc, where[:-1]) if len(where) > 1 else None
        inherited = not new_key and (
            line_no is None or (parent_line is not None and line_no < parent_line)
        )
        if on_one_line and not inherited:  # a value written on its key's line
            assert len(diff) == 2, (name, where, diff)
        elif new_key:  # a new key: one line added
            assert len(diff) == 1 and diff[0].startswith("+"), (name, diff)
    assert tried, f"no scalar of {name} could be edited"
