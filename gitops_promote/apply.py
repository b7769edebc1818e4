"""Write a Plan into the target file as a minimal, comment-preserving edit.

The edit is computed by walking the plan's result against the target's current data and, beside
them, the source's: only values that differ are written, so only their lines change in the diff.

- A changed scalar is spliced in place (its quoting style and line comment are kept).
- A subtree new to the target (a probe the target lacks) is copied from the source's text, with
  the source's comments, whenever it is exactly the source's value.
- A new key goes right after the nearest key preceding it in the source that the target has
  (at the end of its mapping when there is none), in the target's indentation.
- Items of lists of named mappings are found by name in the target (the target's order is kept);
  new items are appended. Other lists are edited item by item, extra items appended or removed.
- Documents are paired as the plan paired them (``kind`` + ``metadata.name`` in multi-document
  specs); documents only in the source are appended.

Every edit is checked by :mod:`gitops_promote.yamldoc`, which re-parses the result and refuses a
file that would not hold exactly the intended values.
"""

from __future__ import annotations

from typing import Any

from .data import keyed_items, same
from .plan import Plan, pair_documents
from .yamldoc import Path
from .yamldoc.doc import Edit, YamlDoc

__all__ = ["apply_plan", "plan_edits"]


def _keyed(items: list[Any]) -> dict[str, int] | None:
    """``{name: index}`` for a keyed list (see :func:`~gitops_promote.data.keyed_items`)."""
    keyed = keyed_items(items)
    return None if keyed is None else {name: i for i, name in enumerate(keyed)}


class _Edits:
    """Collects edits: writes in document order, then deletions (list items from the last)."""

    def __init__(self, source: YamlDoc, target_doc: int, source_doc: int | None) -> None:
        self.source = source
        self.doc = target_doc
        self.sdoc = source_doc
        self.writes: list[Edit] = []
        self.deletes: list[Edit] = []

    def write(
        self,
        tpath: Path,
        value: Any,
        spath: Path | None,
        src: Any,
        after: Any = None,
        *,
        new: bool = False,
    ) -> None:
        """Write ``value`` at ``tpath``. A new entry, or a replaced subtree, that is exactly the
        source's value is copied from the source's text (with its comments); a replaced scalar
        is spliced in place, keeping the target's quoting and line comment."""
        copy_src = (
            spath is not None
            and self.sdoc is not None
            and (new or (isinstance(value, (dict, list)) and value))
            and same(src, value)
        )
        if copy_src:
            assert spath is not None and self.sdoc is not None
            edit = Edit(tpath, self.doc, copy_from=(self.source, self.sdoc, spath), after=after)
        else:
            edit = Edit(tpath, self.doc, value=value, after=after)
        self.writes.append(edit)

    def delete(self, tpath: Path) -> None:
        self.deletes.append(Edit(tpath, self.doc, delete=True))

    def all(self) -> list[Edit]:
        def key(e: Edit) -> tuple[Any, ...]:
            # deepest and highest list index first, so earlier deletions shift nothing later
            return tuple((-1, -s) if isinstance(s, int) else (0, 0) for s in e.path)

        return self.writes + sorted(self.deletes, key=key)

    # -- the walk
    def node(self, result: Any, target: Any, source: Any, tpath: Path, spath: Path | None) -> None:
        if same(result, target):
            return
        if isinstance(result, dict) and isinstance(target, dict):
            self.mapping(result, target, source, tpath, spath)
            return
        if isinstance(result, list) and isinstance(target, list) and result and target:
            kr, kt = _keyed(result), _keyed(target)
            if kr is not None and kt is not None:
                self.keyed_list(result, target, source, kr, kt, tpath, spath)
                return
            if kr is None and kt is None:
                self.plain_list(result, target, source, tpath, spath)
                return
        self.write(tpath, result, spath, source)

    def mapping(
        self,
        result: dict[Any, Any],
        target: dict[Any, Any],
        source: Any,
        tpath: Path,
        spath: Path | None,
    ) -> None:
        src: dict[Any, Any] = source if isinstance(source, dict) else {}
        for key, value in result.items():
            s_child = src.get(key)
            s_path = (*spath, str(key)) if spath is not None and key in src else None
            if key in target:
                self.node(value, target[key], s_child, (*tpath, str(key)), s_path)
            else:
                after = _preceding(key, list(src) if key in src else list(result), target)
                self.write((*tpath, str(key)), value, s_path, s_child, after, new=True)
        for key in target:
            if key not in result:
                self.delete((*tpath, str(key)))

    def keyed_list(
        self,
        result: list[Any],
        target: list[Any],
        source: Any,
        kr: dict[str, int],
        kt: dict[str, int],
        tpath: Path,
        spath: Path | None,
    ) -> None:
        ks = _keyed(source) if isinstance(source, list) else None
        appended = 0
        for name, ri in kr.items():
            si = ks.get(name) if ks is not None else None
            s_item = source[si] if si is not None else None
            s_path = (*spath, si) if spath is not None and si is not None else None
            if name in kt:
                ti = kt[name]
                self.node(result[ri], target[ti], s_item, (*tpath, ti), s_path)
            else:
                self.write((*tpath, len(target) + appended), result[ri], s_path, s_item, new=True)
                appended += 1
        for name, ti in kt.items():
            if name not in kr:
                self.delete((*tpath, ti))

    def plain_list(
        self,
        result: list[Any],
        target: list[Any],
        source: Any,
        tpath: Path,
        spath: Path | None,
    ) -> None:
        src: list[Any] = source if isinstance(source, list) else []
        for i, value in enumerate(result):
            s_item = src[i] if i < len(src) else None
            s_path = (*spath, i) if spath is not None and i < len(src) else None
            if i < len(target):
                self.node(value, target[i], s_item, (*tpath, i), s_path)
            else:
                self.write((*tpath, i), value, s_path, s_item, new=True)
        for i in range(len(result), len(target)):
            self.delete((*tpath, i))


def _preceding(key: Any, order: list[Any], target: dict[Any, Any]) -> str | None:
    """The nearest key before ``key`` in ``order`` that the target mapping has."""
    at = order.index(key)
    for k in reversed(order[:at]):
        if k in target:
            return str(k)
    return None


def plan_edits(plan: Plan, source: YamlDoc, target: YamlDoc) -> list[Edit]:
    """The edits that turn ``target`` into ``plan.result`` (in the order they must apply)."""
    s_docs = source.documents()
    t_docs = target.documents()
    pairs = list(plan.documents) or pair_documents(s_docs, t_docs, False)
    edits: list[Edit] = []
    appended: list[Edit] = []
    for index, value in enumerate(plan.result):
        si, ti = pairs[index] if index < len(pairs) else (None, None)
        if ti is None:
            if si is not None and same(s_docs[si], value):
                edit = Edit((), len(t_docs) + len(appended), copy_from=(source, si, ()))
            else:
                edit = Edit((), len(t_docs) + len(appended), value=value)
            appended.append(edit)
            continue
        walk = _Edits(source, ti, si)
        s_doc = s_docs[si] if si is not None else None
        walk.node(value, t_docs[ti], s_doc, (), () if si is not None else None)
        edits += walk.all()
    return edits + appended


def apply_plan(plan: Plan, source: YamlDoc, target: YamlDoc) -> YamlDoc:
    """``target`` edited to hold ``plan.result``: only the lines of values that change differ.

    Raises :class:`~gitops_promote.errors.SpecError` (or another error of
    :mod:`gitops_promote.errors`) when the target cannot be edited safely; nothing is written
    then.
    """
    return target.edit(plan_edits(plan, source, target))
