"""Applying a list of edits with as few parses as possible: edits are planned in batches against
one parse and spliced together; the result is parsed once more and must hold exactly the data
the edits were replayed on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import GitopsPromoteError
from .edit import Edit
from .parsed import ParsedText
from .plain import Path, index
from .plan import plan
from .splice import Sequential, Splice, apply_splices, check_splices

D = TypeVar("D", bound=ParsedText)


def apply_edits(
    doc: D, edits: list[Edit], expected: list[Any], *, plain: bool, reparse: Callable[[str], D]
) -> D:
    """``doc`` with ``edits`` applied; ``reparse`` parses an edited text (``plain``: write
    everything in the plainest form: no copied text, no block scalars)."""
    # Edits are planned in batches against one parse and spliced together; an edit that
    # addresses what an earlier one creates, moves or removes starts a new batch, planned
    # on the text the earlier batch produced.
    cur = doc
    batch: list[Edit] = []
    memo: dict[tuple[int, Path], tuple[int, bool]] = {}  # about ``cur``'s text
    for e in edits:
        if batch and depends(cur, batch, e, memo):
            cur = reparse(splice_batch(cur, batch, reparse, plain=plain))
            batch = []
            memo = {}
        batch.append(e)
    result = reparse(splice_batch(cur, batch, reparse, plain=plain))
    if not result.holds(expected):
        raise GitopsPromoteError(
            "internal error: the edited file would not contain the intended values; "
            "nothing was written",
            file=doc.filename,
        )
    return result


def splice_batch(doc: D, batch: list[Edit], reparse: Callable[[str], D], *, plain: bool) -> str:
    """The text with ``batch`` applied. Splices are gathered while they stay disjoint; when
    an edit's splice meets one gathered before, those are applied and parsed once, and the
    edit is planned again on that text (one parse per conflict, not one per edit)."""
    cur = doc
    splices: list[Splice] = []
    for i, e in enumerate(batch):
        new = plan(cur, e, plain=plain)
        for s in new:
            s.order = i
        try:
            check_splices(splices + new)
        except Sequential:
            if not splices:  # this edit's own splices overlap: apply it on its own
                cur = reparse(apply_splices(cur.text, new))
                continue
            cur = reparse(apply_splices(cur.text, splices))
            splices = []
            new = plan(cur, e, plain=plain)
            for s in new:
                s.order = i
        splices += new
    return apply_splices(cur.text, splices)


def depends(
    doc: ParsedText, batch: list[Edit], e: Edit, memo: dict[tuple[int, Path], tuple[int, bool]]
) -> bool:
    """Whether ``e`` addresses what an edit of ``batch`` creates, moves or removes: a path
    inside (or above) another's, a list whose items another inserts or deletes, any
    whole-document edit. ``memo`` keeps, per (document, path) of ``doc``, how much of the path
    exists and whether all of it does, so each edit's path is walked once, not once per pair."""

    def present(x: Edit) -> int:
        return _known(x)[0]

    def exists(x: Edit) -> bool:
        return _known(x)[1]

    def _known(x: Edit) -> tuple[int, bool]:
        key = (x.doc, x.path)
        if key not in memo:
            memo[key] = (doc.present(x.doc, x.path), doc.exists(x.doc, x.path))
        return memo[key]

    if e.path == () or any(b.path == () for b in batch):
        return True
    s1 = [str(x) for x in e.path]
    for b in batch:
        if b.doc != e.doc:
            continue
        s2 = [str(x) for x in b.path]
        n = min(len(s1), len(s2))
        if s1[:n] == s2[:n]:
            return True
        common = 0
        while s1[common] == s2[common]:
            common += 1
        # both would create the same missing mapping (or own copy of a merged value)
        if present(e) < common or present(b) < common:
            return True
        for x in (e, b):
            item = len(x.path) == common + 1 and index(x.path[common]) is not None
            if item and (x.delete or not exists(x)):
                return True
    return False
