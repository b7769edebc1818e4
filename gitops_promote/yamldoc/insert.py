"""Inserting what the text does not have yet: new keys (creating missing parent mappings), new
list items and new documents, in the indentation of their neighbours."""

from __future__ import annotations

import copy
from typing import Any

from .content import render_value
from .copied import copied, copied_entry, copied_item
from .edit import Edit, value_of
from .expect import apply_plain
from .guard import check_editable
from .layout import Layout
from .parsed import ParsedText
from .plain import Path, index, nest, to_plain
from .render import Content, Renderer, join_lines, literal, reindent
from .splice import Splice, new_entry, open_end, replace
from .tree import Node, is_merge_key, scalar_value


def insert(doc: ParsedText, e: Edit, chain: list[Node], depth: int, *, plain: bool) -> list[Splice]:
    """``e.path[:depth]`` exists (``chain[-1]``); ``e.path[depth]`` does not."""
    t = doc.tree
    parent = chain[-1]
    missing = e.path[depth:]
    merged = parent.kind == "map" and any(is_merge_key(k) for k, _ in parent.pairs)
    inherited = doc.tree.plain(parent) if merged else {}
    name = str(missing[0])
    if e.delete and not (name in inherited and len(missing) > 1):
        where = "/" + "/".join(str(p) for p in e.path)
        if name in inherited:
            raise t.error(
                f"{where} comes from a merge key '<<' and cannot be deleted here; edit it by hand",
                parent.content,
            )
        raise KeyError(f"{where} not found in {doc.filename}")
    check_editable(doc.tree, parent, chain, e.path[:depth])
    if parent.kind == "map":
        if name in inherited and len(missing) > 1:
            # below a value brought in by '<<': this mapping gets its own copy of that
            # value, with the change, which overrides the merged one
            holder = [{name: copy.deepcopy(inherited[name])}]
            sub = Edit((name, *missing[1:]), 0, e.value, e.delete, e.copy_from, e.after)
            apply_plain(holder, sub, doc.filename)
            own = Edit(e.path[: depth + 1], e.doc, value=holder[0][name], after=None)
            return _insert_entry(doc, own, parent, missing[:1], plain=plain)
        return _insert_entry(doc, e, parent, missing, plain=plain)
    if parent.kind == "seq":
        idx = index(missing[0])
        if idx != len(parent.items):
            raise IndexError(
                f"list index {missing[0]} is out of range (the list has "
                f"{len(parent.items)} items; use {len(parent.items)} to append)"
            )
        if len(missing) > 1:
            raise IndexError("a new list item cannot be created implicitly; set the item")
        return _insert_item(doc, e, parent, plain=plain)
    if parent.kind == "scalar" and scalar_value(parent) is None:
        # a null value becomes a mapping holding the new key
        value: Any = nest(missing, value_of(e))
        if isinstance(missing[0], int):
            raise IndexError(f"list index {missing[0]} is out of range")
        pctx = (
            "root"
            if parent.parent is None
            else ("item" if parent.parent.kind == "seq" else "value")
        )
        if e.copy_from is not None:
            content = _nested_copy(doc, e, missing, parent, pctx, plain=plain)
            if content is not None:
                return replace(doc, parent, content)
        return replace(doc, parent, render_value(doc, value, parent, pctx, None, plain=plain))
    where = "/" + "/".join(str(p) for p in e.path[:depth])
    raise t.error(f"{where or 'the document'} is not a mapping or a list", parent.content)


def _nested_copy(
    doc: ParsedText, e: Edit, missing: Path, parent: Node, pctx: str, *, plain: bool
) -> Content | None:
    """Content for a null ``parent`` turned into ``{missing[0]: {...: copied}}``."""
    t = doc.tree
    if pctx == "value" and parent.key is not None:
        col = t.col(parent.key.start) + doc.layout.map_indent
    elif pctx == "item":
        col = t.col(parent.dash) + doc.layout.item_indent if parent.dash >= 0 else 2
    else:
        col = 0
    lines = _entry_lines(doc, e, missing, col, None, plain=plain)
    if lines is None:
        return None
    if pctx == "item":
        return Content(lines[0][col:], lines[1:], "map")
    return Content(None, lines, "map")


def _entry_lines(
    doc: ParsedText, e: Edit, keys: Path, col: int, parent: Node | None, *, plain: bool
) -> list[str] | None:
    """Lines of ``keys[0]: {keys[1]: ... value}`` at ``col`` (None: copy not possible)."""
    r = Renderer(doc.layout, literals=not plain)
    mi = doc.map_indent_for(parent)
    head: list[str] = []
    c = col
    for k in keys[:-1]:
        head.append(" " * c + r.key(str(k)) + ":")
        c += mi
    last = str(keys[-1])
    seq_off = doc.seq_offset_for(parent) if parent is not None and len(keys) == 1 else None
    if e.copy_from is None:
        return head + r.keyed(" " * c + r.key(last) + ":", to_plain(e.value), c, seq_off)
    src, sdoc, spath = e.copy_from
    whole = copied_entry(src, sdoc, spath, last, c, doc, plain=plain)
    if whole is not None:
        return head + whole
    content = copied(src, sdoc, spath, doc, None, "value", c + mi, plain=plain)
    if content is None:
        return None
    # re-indent the copied block to this key's children
    kind = content.shape
    if kind in ("map", "seq") and content.lines:
        want = c + (
            mi if kind == "map" else (seq_off if seq_off is not None else doc.layout.seq_offset)
        )
        have = min(
            (
                len(ln) - len(ln.lstrip(" "))
                for ln in content.lines
                if ln.strip() and not ln.lstrip().startswith("#")
            ),
            default=want,
        )
        content.lines = reindent(content.lines, want - have)
    elif kind == "literal":
        have = min((len(ln) - len(ln.lstrip(" ")) for ln in content.lines if ln.strip()), default=0)
        content.lines = reindent(content.lines, c + mi - have)
    key_line = " " * c + r.key(last) + ":"
    if content.inline is not None:
        key_line += " " + content.inline
    return [*head, key_line, *content.lines]


def _insert_entry(
    doc: ParsedText, e: Edit, parent: Node, missing: Path, *, plain: bool
) -> list[Splice]:
    t = doc.tree
    depth = len(e.path) - len(missing) + 1
    if parent.style == "flow":
        value = value_of(e)
        if len(missing) > 1:
            value = nest(missing[1:], value)
        r = Renderer(doc.layout, literals=not plain)
        pad = t.text[parent.content + 1 : parent.content + 2] == " "
        entry = f"{r.key(str(missing[0]))}: {r.flow(value, pad)}"
        if not parent.pairs:
            return [Splice(parent.content + 1, parent.end - 1, entry)]
        prev = _after_pair(parent, e.after if len(missing) == 1 else None)
        return [new_entry(prev[1].end, ", " + entry, depth)]
    col = t.col(parent.content)
    if parent.pairs and t.col(parent.pairs[0][0].start) != col:
        col = t.col(parent.pairs[0][0].start)
    lines = _entry_lines(doc, e, missing, col, parent, plain=plain)
    if lines is None:
        value = value_of(e)
        e2 = Edit(path=e.path, doc=e.doc, value=value, after=e.after)
        lines = _entry_lines(doc, e2, missing, col, parent, plain=plain)
        assert lines is not None
    _prev_key, prev_val = _after_pair(parent, e.after if len(missing) == 1 else None)
    at = doc.extent_end(prev_val)
    if at == len(t.text):
        return [*open_end(doc), new_entry(at, "\n" + "\n".join(lines), depth)]
    return [new_entry(at, "\n" + "\n".join(lines), depth)]


def _after_pair(parent: Node, after: str | int | None) -> tuple[Node, Node]:
    if after is not None:
        for k, v in parent.pairs:
            if k.kind == "scalar" and k.value == str(after):
                return k, v
    return parent.pairs[-1]


def _insert_item(doc: ParsedText, e: Edit, parent: Node, *, plain: bool) -> list[Splice]:
    t = doc.tree
    value = value_of(e)
    after = index(e.after) if e.after is not None else None
    if after is not None and not 0 <= after < len(parent.items):
        raise IndexError(f"list index {e.after} is out of range")
    if parent.style == "flow":
        if not parent.items:
            if (
                isinstance(value, (dict, list))
                and value
                and parent.parent is not None
                and (parent.parent.style == "block")
            ):
                pctx = "item" if parent.parent.kind == "seq" else "value"
                # an empty flow list becomes a block list holding the new item
                old = Node(
                    kind="scalar", start=parent.start, content=parent.content, end=parent.end
                )
                old.key, old.colon, old.parent = parent.key, parent.colon, parent.parent
                old.dash = parent.dash
                return replace(doc, old, render_value(doc, [value], old, pctx, None, plain=plain))
            r = Renderer(doc.layout, literals=not plain)
            return [Splice(parent.content + 1, parent.end - 1, r.flow(value))]
        r = Renderer(doc.layout, literals=not plain)
        pad = t.text[parent.content + 1 : parent.content + 2] == " "
        prev = parent.items[after if after is not None else -1]
        return [new_entry(prev.end, ", " + r.flow(value, pad), len(e.path))]
    prev = parent.items[after if after is not None else -1]
    if prev.dash < 0:
        raise t.error("cannot locate the '-' of this list item", prev.start)
    dash_col = t.col(prev.dash)
    lines: list[str] | None = None
    if e.copy_from is not None:
        src, sdoc, spath = e.copy_from
        lines = copied_item(src, sdoc, spath, dash_col, doc, plain=plain)
    if lines is None:
        lay = doc.layout
        first = parent.items[0]
        if (
            first.kind in ("map", "seq")
            and first.block
            and first.dash >= 0
            and (t.line(first.content) == t.line(first.dash))
        ):
            lay = Layout(**{**lay.__dict__, "item_indent": first.content - first.dash})
        lines = Renderer(lay, literals=not plain).item(value, dash_col)
    at = doc.extent_end(prev)
    if at == len(t.text):
        return [*open_end(doc), new_entry(at, "\n" + "\n".join(lines), len(e.path))]
    return [new_entry(at, "\n" + "\n".join(lines), len(e.path))]


def append_document(doc: ParsedText, e: Edit, *, plain: bool) -> list[Splice]:
    t = doc.tree
    text = t.text
    lines: list[str]
    if e.copy_from is not None:
        src, sdoc, spath = e.copy_from
        found = copied(src, sdoc, spath, doc, None, "root", 0, plain=plain)
        if found is not None and found.inline is None:
            lines = found.lines
        elif found is not None:
            lines = join_lines(found)
        else:
            lines = _doc_lines(doc, src.get(sdoc, spath), plain=plain)
    else:
        lines = _doc_lines(doc, to_plain(e.value), plain=plain)
    sep = "---"
    if (
        lines
        and not lines[0].startswith(" ")
        and lines[0]
        and not (isinstance(value_of(e), (dict, list)) and value_of(e))
    ):
        body = sep + " " + "\n".join(lines)
    else:
        body = sep + "\n" + "\n".join(lines)
    n = len(text)
    if not t.docs and not text.strip():
        return [Splice(0, n, "\n".join(lines) + "\n")]
    if text.endswith("\n"):
        return [Splice(n, n, body + "\n")]
    return [*open_end(doc), Splice(n, n, "\n" + body)]


def _doc_lines(doc: ParsedText, value: Any, *, plain: bool) -> list[str]:
    r = Renderer(doc.layout, literals=not plain)
    if isinstance(value, (dict, list)) and value:
        return r.block(value, 0)
    if isinstance(value, str) and r.literal_ok(value):
        header, body = literal(value, 2)
        return [header, *body]
    return [r.scalar(value)]
