"""New text for a node: the source's own text when an edit copies and that is safe, otherwise
the value rendered in the target's layout."""

from __future__ import annotations

from typing import Any

from .copied import copied
from .edit import Edit, value_of
from .parsed import ParsedText
from .render import Content, Renderer, literal
from .tree import Node


def content_for(
    doc: ParsedText, e: Edit, old: Node | None, ctx: str, col: int | None = None, *, plain: bool
) -> Content:
    """New text for the node at ``e.path`` (``old`` is what is there now, if anything)."""
    if e.copy_from is not None:
        src, sdoc, spath = e.copy_from
        found = copied(src, sdoc, spath, doc, old, ctx, col, plain=plain)
        if found is not None:
            return found
    return render_value(doc, value_of(e), old, ctx, col, plain=plain)


def render_value(
    doc: ParsedText, value: Any, old: Node | None, ctx: str, col: int | None, *, plain: bool
) -> Content:
    """``value`` rendered to replace ``old`` (or to go where ``ctx`` and ``col`` say)."""
    r = Renderer(doc.layout, literals=not plain)
    if old is not None and old.parent is not None and old.parent.style == "flow":
        if isinstance(value, (dict, list)):
            return Content(r.flow(value), [], "flow")
        return Content(r.scalar(value, old, flow=True), [], "scalar")
    flow_old = old is not None and old.kind in ("map", "seq") and old.style == "flow"
    if flow_old and old is not None and isinstance(value, (dict, list)):
        pad = doc.tree.text[old.content + 1 : old.content + 2] == " "
        return Content(r.flow(value, pad), [], "flow")
    if isinstance(value, (dict, list)) and value:
        kind = "map" if isinstance(value, dict) else "seq"
        c = doc.target_col(kind, old, ctx, col)
        seq_off = None
        if kind == "map" and old is not None and old.kind == "map":
            seq_off = doc.seq_offset_for(old)
        lines = r.block(value, c, seq_off)
        if ctx == "item":
            return Content(lines[0][c:], lines[1:], kind)
        return Content(None, lines, kind)
    if isinstance(value, str) and "\n" in value and r.literal_ok(value):
        header, body = literal(value, doc.literal_col(old, ctx, col))
        return Content(header, body, "literal")
    return Content(r.scalar(value, old), [], "scalar")
