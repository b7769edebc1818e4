"""Copying a node's own text from a source document (comments, quoting and all), re-indented for
the target, when that text means the same there; ``None`` tells the caller to render the value.
In the plain form (``plain``: an edit retried after copied text met different anchors) nothing is
copied."""

from __future__ import annotations

from .parsed import ParsedText
from .plain import Path, same
from .render import Content, reindent
from .tree import Node, walk


def copied(
    src: ParsedText,
    doc: int,
    path: Path,
    target: ParsedText,
    old: Node | None,
    ctx: str,
    col: int | None,
    *,
    plain: bool,
) -> Content | None:
    """The source node's own text, re-indented for ``target``; ``None`` if it cannot be
    copied as text (then the caller renders its value)."""
    t = src.tree
    if not 0 <= doc < len(t.docs):
        raise IndexError(f"document {doc} does not exist in {src.filename}")
    node = t.docs[doc].root
    if node is None:
        return None
    for seg in path:
        child = src.child(node, seg)
        if child is None:
            return None  # only in the data (brought in by a merge key): render it
        node = child
    if not copy_safe(src, node, target, old, plain=plain) or node.empty:
        return None
    if old is not None and old.parent is not None and old.parent.style == "flow":
        return None  # inside a flow collection: render the value in flow style
    old_flow = old is not None and old.kind in ("map", "seq") and old.style == "flow"
    if old_flow and node.kind in ("map", "seq") and node.style == "block":
        return None  # keep the target's flow style: render the value
    text = t.text
    if node.kind in ("map", "seq") and node.block:
        kind = node.kind
        s_col = t.col(node.content)
        tcol = target.target_col(kind, old, ctx, col)
        if node.key is not None:
            begin = t.eol(node.colon) + 1
        elif node.parent is None:
            begin = t.bol(node.content)
        else:
            begin = node.content
        end = src.extent_end(node)
        lines = text[begin:end].split("\n")
        if begin == node.content and t.bol(begin) != begin:
            lines[0] = " " * s_col + lines[0]
        lines = reindent(lines, tcol - s_col)
        if ctx == "item":
            first = 0
            while first < len(lines) - 1 and (
                not lines[first].strip() or lines[first].lstrip().startswith("#")
            ):
                first += 1
            if first:
                return None
            return Content(lines[0][tcol:], lines[1:], kind)
        return Content(None, lines, kind)
    if node.is_block_scalar:
        header_end = t.eol(node.content)
        header = text[node.content : header_end]
        body = text[header_end + 1 : node.end].split("\n") if node.end > header_end else []
        nonblank = [ln for ln in body if ln.strip()]
        s_col = min((len(ln) - len(ln.lstrip(" ")) for ln in nonblank), default=0)
        tcol = target.literal_col(old, ctx, col)
        return Content(header, reindent(body, tcol - s_col), "literal")
    # inline: a scalar or a flow collection, possibly spanning lines
    raw = text[node.content : node.end]
    parts = raw.split("\n")
    if len(parts) > 1:
        s_ctx = src.ctx_col(node)
        t_ctx = target.ctx_col(old) if old is not None else (col or 0)
        parts = parts[:1] + reindent(parts[1:], t_ctx - s_ctx)
    shape = "flow" if node.kind in ("map", "seq") else "scalar"
    return Content("\n".join(parts), [], shape)


def copy_safe(
    src: ParsedText, node: Node, target: ParsedText, old: Node | None, *, plain: bool
) -> bool:
    """Whether ``node``'s text means the same once written into ``target`` (in place of
    ``old``): its aliases must point inside it, or at an anchor of the same name and value
    in the target; its anchors must not clash with the target's."""
    if plain:
        return False
    inside = walk(node)
    ids = {id(n) for n in inside}
    replaced = {id(n) for n in walk(old)} if old is not None else set()
    tt = target.tree
    for n in inside:
        if n.kind == "alias":
            origin = src.tree.anchor_before(n)
            if origin is not None and id(origin) in ids:
                continue
            theirs = [a for a in tt.anchors.get(n.anchor or "", []) if id(a) not in replaced]
            if len(theirs) != 1 or origin is None:
                return False
            if not same(tt.plain(theirs[0]), src.tree.plain(origin)):
                return False
        elif n.anchor is not None and any(
            id(a) not in replaced for a in tt.anchors.get(n.anchor, [])
        ):
            return False
    return True


def copied_entry(
    src: ParsedText, doc: int, path: Path, key: str, col: int, target: ParsedText, *, plain: bool
) -> list[str] | None:
    """The whole source entry ``key: value`` (key line, its comment, the value's lines)
    re-indented to ``col``, when the source node is a mapping value named ``key``."""
    t = src.tree
    node = src.node_at(doc, path) if path else None
    if node is None or node.key is None or node.key.kind != "scalar":
        return None
    if node.key.value != key or node.key.start != node.key.content:
        return None
    if node.parent is None or node.parent.style != "block" or node.empty:
        return None
    if not copy_safe(src, node, target, None, plain=plain):
        return None
    k = node.key
    if t.bol(k.start) != k.start - t.col(k.start) or t.text[t.bol(k.start) : k.start].strip():
        return None
    begin = t.bol(k.start)
    end = src.extent_end(node)
    lines = t.text[begin:end].split("\n")
    return reindent(lines, col - t.col(k.start))


def copied_item(
    src: ParsedText, doc: int, path: Path, dash_col: int, target: ParsedText, *, plain: bool
) -> list[str] | None:
    """The whole source list item (from its '-') re-indented to ``dash_col``."""
    t = src.tree
    node = src.node_at(doc, path) if path else None
    if node is None or node.dash < 0 or node.empty:
        return None
    if not copy_safe(src, node, target, None, plain=plain):
        return None
    if t.text[t.bol(node.dash) : node.dash].strip():
        return None
    lines = t.text[t.bol(node.dash) : src.extent_end(node)].split("\n")
    return reindent(lines, dash_col - t.col(node.dash))
