"""One parsed YAML text: its plain data, its node tree, and where things are in it (nodes by
path, the lines a node owns, the columns new text takes)."""

from __future__ import annotations

import copy
from typing import Any

from .layout import Layout, detect_layout
from .plain import Path, index, same, step
from .tree import Node, Tree


class ParsedText:
    """A YAML text (one or more documents) parsed into its node tree and its plain data.
    Parsing refuses (:class:`SpecError` with file, line and column) invalid YAML, duplicate
    keys, tabs used for indentation and complex (non-scalar) keys."""

    def __init__(self, text: str, filename: str = "<spec>") -> None:
        self.text = text
        self.filename = filename
        self.tree = Tree(text, filename)
        self._data = [self.tree.plain(d.root) for d in self.tree.docs]
        self._layout: Layout | None = None

    # ---- reading
    def documents(self) -> list[Any]:
        """Plain data per document (dict with str keys, list, str, int, float, bool, None;
        timestamps as their text; an empty document is None; merge keys applied). A copy."""
        return copy.deepcopy(self._data)

    def _lookup(self, doc: int, path: Path) -> Any:
        if not 0 <= doc < len(self._data):
            raise IndexError(f"document {doc} does not exist in {self.filename}")
        value = self._data[doc]
        for seg in path:
            value = step(value, seg)
        return value

    def get(self, doc: int, path: Path) -> Any:
        """The plain value at ``path`` (a copy); KeyError/IndexError if it is absent."""
        return copy.deepcopy(self._lookup(doc, path))

    def exists(self, doc: int, path: Path) -> bool:
        """Whether ``path`` exists in document ``doc``."""
        try:
            self._lookup(doc, path)
        except (KeyError, IndexError):
            return False
        return True

    def line_of(self, doc: int, path: Path) -> int | None:
        """1-based line where the node at ``path`` starts (its key's line for a mapping value,
        its '-' for a list item); None if there is no such node in the text."""
        node = self.node_at(doc, path)
        if node is None:
            return None
        t = self.tree
        if node.key is not None:
            return t.line(node.key.start) + 1
        if node.dash >= 0:
            return t.line(node.dash) + 1
        return t.line(node.content) + 1

    def present(self, doc: int, path: Path) -> int:
        """How many leading segments of ``path`` are nodes written in the text."""
        if not 0 <= doc < len(self.tree.docs):
            return 0
        node = self.tree.docs[doc].root
        for n, seg in enumerate(path):
            node = self.child(node, seg) if node is not None else None
            if node is None:
                return n
        return len(path)

    def node_at(self, doc: int, path: Path) -> Node | None:
        """The node at ``path`` as written in the text (None if the text has no such node)."""
        if not 0 <= doc < len(self.tree.docs):
            return None
        node = self.tree.docs[doc].root
        for seg in path:
            if node is None:
                return None
            node = self.child(node, seg)
        return node

    def holds(self, expected: list[Any]) -> bool:
        """Whether the documents are exactly ``expected``."""
        return same(self._data, expected)

    def child(self, node: Node, seg: str | int) -> Node | None:
        while node.kind == "alias":
            target = self.tree.anchor_before(node)
            if target is None:
                return None
            node = target
        if node.kind == "map":
            name = str(seg)
            for k, v in node.pairs:
                if k.kind == "scalar" and k.value == name:
                    return v
            return None
        if node.kind == "seq":
            idx = index(seg)
            if idx is None or not 0 <= idx < len(node.items):
                return None
            return node.items[idx]
        return None

    # ---- layout of this text
    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = detect_layout(self.tree)
        return self._layout

    def seq_offset_for(self, parent: Node) -> int:
        """Sequence indentation used by block sequences that are values in ``parent``."""
        t = self.tree
        for k, v in parent.pairs:
            if v.kind == "seq" and v.block:
                return t.col(v.content) - t.col(k.start)
        return self.layout.seq_offset

    def map_indent_for(self, parent: Node | None) -> int:
        """Indentation of block mappings that are values in ``parent`` (the file's otherwise)."""
        t = self.tree
        if parent is not None:
            for k, v in parent.pairs:
                if v.kind == "map" and v.block and t.col(v.content) > t.col(k.start):
                    return t.col(v.content) - t.col(k.start)
        return self.layout.map_indent

    # ---- columns and extents of new text
    def target_col(self, value_kind: str, old: Node | None, ctx: str, col: int | None) -> int:
        """Column of a new block collection of ``value_kind`` replacing ``old``."""
        t = self.tree
        if old is not None and old.kind == value_kind and old.block:
            return t.col(old.content)
        if ctx == "root":
            return 0
        if ctx == "item" and old is not None:
            if old.dash >= 0 and not (old.kind in ("map", "seq") and old.block):
                return t.col(old.dash) + self.layout.item_indent
            # a block collection item is replaced where its text starts (``-   - x``: after
            # the spaces), so the new block's lines line up with that column
            return t.col(old.content)
        if col is not None:
            return col
        assert old is not None and old.key is not None and old.parent is not None
        key_col = t.col(old.key.start)
        if value_kind == "seq":
            return key_col + self.seq_offset_for(old.parent)
        return key_col + self.map_indent_for(old.parent)

    def literal_col(self, old: Node | None, ctx: str, col: int | None) -> int:
        t = self.tree
        if old is not None and old.is_block_scalar:
            body = [ln for ln in t.text[t.eol(old.content) + 1 : old.end].split("\n") if ln.strip()]
            if body:
                return min(len(ln) - len(ln.lstrip(" ")) for ln in body)
        if ctx == "root":
            return 2
        if ctx == "item" and old is not None:
            base = t.col(old.dash) if old.dash >= 0 else t.col(old.content) - 2
            return base + self.layout.item_indent
        if col is not None:
            return col
        assert old is not None and old.key is not None
        return t.col(old.key.start) + self.layout.map_indent

    def ctx_col(self, node: Node) -> int:
        t = self.tree
        if node.key is not None:
            return t.col(node.key.start)
        if node.dash >= 0:
            return t.col(node.dash)
        return 0

    def extent_end(self, node: Node) -> int:
        """End (before the newline) of the last line that belongs to ``node``: its last line,
        plus comment lines below it that are indented deeper than its key or '-'."""
        t = self.tree
        text = t.text
        owner = None
        if node.key is not None:
            owner = t.col(node.key.start)
        elif node.dash >= 0:
            owner = t.col(node.dash)
        e = t.eol(node.end)
        if owner is None:
            return e
        i = e
        n = len(text)
        while i < n:
            s = i + 1
            j = t.eol(s)
            line = text[s:j]
            stripped = line.lstrip(" ")
            if not stripped.strip():
                i = j
                if j >= n:
                    break
                continue
            if stripped.startswith("#") and len(line) - len(stripped) > owner:
                e = j
                i = j
                continue
            break
        return e
