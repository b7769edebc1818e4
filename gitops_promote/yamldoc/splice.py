"""Splicing: changes planned as replacements of character ranges of the original text (replace a
node, delete an entry, an item or a document) and applied together in one pass, so that
everything they do not touch stays byte-identical."""

from __future__ import annotations

import itertools

from ..errors import GitopsPromoteError
from .parsed import ParsedText
from .render import Content, join_lines
from .tree import Node, is_merge_key, walk


class Splice:
    __slots__ = ("a", "b", "depth", "entry", "order", "text")

    def __init__(self, a: int, b: int, text: str, entry: bool = False) -> None:
        self.a = a
        self.b = b
        self.text = text
        self.entry = entry  # a new entry inserted at a boundary (may touch another insertion)
        self.order = 0
        # new entries meeting at one place: the deeper one (in the tree) goes first, being
        # a child of the entry that ends there
        self.depth = 0

    def key(self) -> tuple[int, int, int, int]:
        return (self.a, self.b, -self.depth, self.order)


def new_entry(at: int, text: str, depth: int) -> Splice:
    s = Splice(at, at, text, entry=True)
    s.depth = depth
    return s


class Sequential(Exception):
    """Edits depend on each other: apply them one at a time."""


def check_splices(splices: list[Splice]) -> None:
    """Raise :class:`Sequential` unless the planned splices can be applied in one pass."""
    ordered = sorted(splices, key=Splice.key)
    for x, y in itertools.pairwise(ordered):
        if y.a < x.b:
            raise Sequential
        both_entries = x.a == x.b == y.a == y.b and x.entry and y.entry
        if y.a == x.b and x.order != y.order and not both_entries:
            raise Sequential


def apply_splices(text: str, splices: list[Splice]) -> str:
    ordered = sorted(splices, key=Splice.key)
    parts: list[str] = []
    pos = 0
    for s in ordered:
        if s.a < pos:  # disjointness is checked before: this would be a planning bug
            raise GitopsPromoteError("internal error: overlapping changes; nothing was written")
        parts.append(text[pos : s.a])
        parts.append(s.text)
        pos = max(pos, s.b)
    parts.append(text[pos:])
    return "".join(parts)


def replace(doc: ParsedText, old: Node, new: Content) -> list[Splice]:
    """Splices writing ``new`` in place of ``old``."""
    t = doc.tree
    text = t.text
    parent = old.parent
    ctx = "root" if parent is None else ("item" if parent.kind == "seq" else "value")
    if parent is not None and parent.style == "flow":
        if new.lines or (new.inline is not None and "\n" in new.inline and new.shape != "scalar"):
            raise t.error(
                "cannot write a block value inside a flow collection; edit it by hand",
                old.start,
            )
        return [Splice(old.content, old.end, new.inline or "")]
    if old.kind in ("map", "seq") and old.block:
        # the old value occupies whole lines below its key (or starts after '- ')
        if ctx == "value":
            assert old.key is not None
            first_line = t.eol(old.colon) + 1
            block_end = doc.extent_end(old)
            props_end = old.colon
            if old.start != old.content:
                props_end = old.start
                while props_end < len(text) and text[props_end] not in "\n":
                    if text[props_end] in " \t" and text[props_end + 1 : props_end + 2] in (
                        "#",
                        "\n",
                        "",
                    ):
                        break
                    props_end += 1
                props_end = old.start + len(text[old.start : props_end].rstrip())
            out: list[Splice] = []
            if new.inline is not None:
                out.append(Splice(props_end, props_end, " " + new.inline))
            if new.lines:
                out.append(Splice(first_line, block_end, "\n".join(new.lines)))
            else:
                out.append(Splice(first_line - 1, block_end, ""))
            return out
        end = doc.extent_end(old) if ctx == "item" else old.end
        if ctx == "root":
            begin = t.bol(old.content)
            return [Splice(begin, end, "\n".join(join_lines(new)))]
        return [Splice(old.content, end, "\n".join(join_lines(new)))]
    # the old value is inline (a scalar, a flow collection, an alias) or a block scalar
    a, b = old.content, old.end
    out = []
    if old.empty:
        if ctx == "root":
            if new.lines and new.inline is None:
                if old.start == 0 and t.docs and t.docs[0].marker is None:
                    return [Splice(0, 0, "\n".join(new.lines) + "\n")]
                return [Splice(a, a, "\n" + "\n".join(new.lines))]
            return [Splice(a, a, " " + "\n".join(join_lines(new)))]
        lead = " "
        if not text[a : t.eol(a)].strip():
            b = t.eol(a)  # `key: ` with trailing spaces: write over them
    else:
        lead = ""
    tail_at = t.eol(b)
    if old.is_block_scalar:
        b = t.eol(a)
        # keep a comment on the header line
        header = text[a:b]
        hash_at = header.find(" #")
        if hash_at >= 0:
            b = a + len(header[:hash_at].rstrip())
        body_begin = t.eol(a)
        body_end = old.end
        if new.inline is None:
            # remove the header and the spaces between ':' and it
            begin = a
            if ctx == "value":
                begin = old.colon if old.start == old.content else old.content
            out.append(Splice(begin, b, ""))
        else:
            out.append(Splice(a, b, new.inline))
        if new.lines:
            out.append(Splice(body_begin, body_end, "\n" + "\n".join(new.lines)))
        else:
            out.append(Splice(body_begin, body_end, ""))
        return out
    if new.inline is None:
        # a block collection replaces an inline value: drop the value, lines go below
        begin = old.colon if ctx == "value" and old.start == old.content else a
        if ctx == "root":
            if t.bol(a) == a:
                return [Splice(a, b, "\n".join(new.lines))]
            while text[a - 1] == " ":
                a -= 1
            return [Splice(a, b, "\n" + "\n".join(new.lines))]
        out.append(Splice(begin, b, ""))
        out.append(Splice(tail_at, tail_at, "\n" + "\n".join(new.lines)))
        return out
    out.append(Splice(a, b, lead + new.inline))
    if new.lines:
        out.append(Splice(tail_at, tail_at, "\n" + "\n".join(new.lines)))
    return out


def delete(doc: ParsedText, node: Node) -> list[Splice]:
    """Splices removing a mapping entry or a list item."""
    t = doc.tree
    text = t.text
    parent = node.parent
    assert parent is not None
    if parent.kind == "map":
        assert node.key is not None
        if is_merge_key(node.key):
            raise t.error("cannot delete a merge key '<<'; edit it by hand", node.key.start)
        for k, v in parent.pairs:
            if is_merge_key(k):
                merged = t.plain(v)
                sources = merged if isinstance(merged, list) else [merged]
                if any(isinstance(m, dict) and node.key.value in m for m in sources):
                    raise t.error(
                        f"{node.key.value!r} is also merged in through '<<'; deleting it here "
                        "would not remove it: edit it by hand",
                        node.key.start,
                    )
        siblings = [v for _, v in parent.pairs]
    else:
        siblings = parent.items
    pos = siblings.index(node)
    if len(siblings) == 1:
        empty = "{}" if parent.kind == "map" else "[]"
        if parent.style == "flow":
            return [Splice(parent.content + 1, parent.end - 1, "")]
        gp = parent.parent
        pctx = "root" if gp is None else ("item" if gp.kind == "seq" else "value")
        return (
            replace(doc, parent, Content(empty, [], "flow"))
            if pctx != "root"
            else [Splice(t.bol(parent.content), doc.extent_end(parent), empty)]
        )
    if parent.style == "flow":
        start = node.key.start if node.key is not None else node.start
        if pos == 0:
            nxt = siblings[1]
            nstart = nxt.key.start if nxt.key is not None else nxt.start
            return [Splice(start, nstart, "")]
        return [Splice(siblings[pos - 1].end, node.end, "")]
    anchor = node.key.start if node.key is not None else node.dash
    if anchor < 0:
        raise t.error("cannot locate the '-' of this list item", node.start)
    line_start = t.bol(anchor)
    before = text[line_start:anchor]
    end = doc.extent_end(node)
    if not before.strip():
        if end >= len(text):
            return [Splice(max(line_start - 1, 0), end, "")]
        gone = Splice(line_start, end + 1, "")
        return [gone, *spaces_below_block(doc, line_start, end + 1)]
    # the entry shares its line with a '- ' (first key of a list item): pull the next up
    if pos == 0:
        nxt = siblings[1]
        nstart = nxt.key.start if nxt.key is not None else nxt.dash
        return [Splice(anchor, nstart, "")]
    raise t.error("cannot delete this entry without reflowing its line", anchor)


def spaces_below_block(doc: ParsedText, removed: int, pos: int) -> list[Splice]:
    """Once the lines from ``removed`` to ``pos`` are gone, lines of only spaces at ``pos``
    would join a block scalar ending above them (being more indented than its text):
    empty those lines."""
    t = doc.tree
    text = t.text
    last = text[:removed].rstrip(" \n")
    if not last:
        return []
    line = t.line(len(last) - 1)
    if not any(
        n.is_block_scalar and t.line(n.end) == line
        for d in t.docs
        if d.root is not None
        for n in walk(d.root)
    ):
        return []
    out = []
    i = pos
    while i < len(text):
        j = t.eol(i)
        if text[i:j].strip():
            break
        if i < j:
            out.append(Splice(i, j, ""))
        i = j + 1
    return out


def _doc_begin(doc: ParsedText, i: int) -> int:
    t = doc.tree
    d = t.docs[i]
    if d.marker is not None:
        return t.bol(d.marker)
    assert d.root is not None
    if i == 0:
        return t.bol(d.root.content) if not d.root.empty else d.root.content
    return t.bol(d.root.content)


def delete_document(doc: ParsedText, i: int) -> list[Splice]:
    t = doc.tree
    begin = _doc_begin(doc, i)
    if i + 1 < len(t.docs):
        if t.docs[i + 1].marker is None:
            raise t.error("cannot find the '---' of the next document", begin)
        return [Splice(begin, _doc_begin(doc, i + 1), "")]
    return [Splice(begin, len(t.text), "")]


def open_end(doc: ParsedText) -> list[Splice]:
    """Before text is appended to a file that ends without a newline: a block scalar ending
    the file has no final line break, which clip (or keep) chomping would gain once a line
    follows; strip chomping (`|-`) keeps its value."""
    t = doc.tree
    if t.text.endswith("\n") or not t.docs or t.docs[-1].root is None:
        return []
    node: Node = t.docs[-1].root
    while node.kind in ("map", "seq") and node.block and (node.pairs or node.items):
        node = node.pairs[-1][1] if node.kind == "map" else node.items[-1]
    if not node.is_block_scalar or node.end != len(t.text):
        return []
    header_end = t.eol(node.content)
    header = t.text[node.content : header_end].split("#")[0].rstrip()
    if "-" in header:
        return []
    plus = header.find("+")
    if plus >= 0:
        return [Splice(node.content + plus, node.content + plus + 1, "-")]
    return [Splice(node.content + 1, node.content + 1, "-")]
