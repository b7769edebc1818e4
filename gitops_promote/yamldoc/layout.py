"""The file's own style, which new text follows: indentation, list dash offset, null and quote."""

from __future__ import annotations

from dataclasses import dataclass

from .scalars import NULL
from .tree import Tree, walk


@dataclass
class Layout:
    map_indent: int = 2
    seq_offset: int = 2  # column of '-' relative to the parent key
    item_indent: int = 2  # column of an item's content relative to its '-'
    null_text: str = "null"
    quote: str = '"'


def detect_layout(t: Tree) -> Layout:
    """The style most of ``t``'s nodes use."""
    map_ind: dict[int, int] = {}
    seq_off: dict[int, int] = {}
    item_ind: dict[int, int] = {}
    quotes = {"'": 0, '"': 0}
    tilde = 0
    nulls = 0
    for d in t.docs:
        if d.root is None:
            continue
        for n in walk(d.root):
            if n.kind == "scalar":
                if n.style in quotes:
                    quotes[n.style] += 1
                elif n.style is None and n.tag is None and not n.empty and NULL.match(n.value):
                    nulls += 1
                    tilde += n.value == "~"
            if n.key is not None and n.block and n.kind in ("map", "seq"):
                delta = t.col(n.content) - t.col(n.key.start)
                bucket = map_ind if n.kind == "map" else seq_off
                if delta >= 0:
                    bucket[delta] = bucket.get(delta, 0) + 1
            if n.dash >= 0 and n.kind == "map" and n.block and t.line(n.content) == t.line(n.dash):
                delta = n.content - n.dash
                item_ind[delta] = item_ind.get(delta, 0) + 1
    lay = Layout()
    if map_ind:
        lay.map_indent = max(map_ind, key=lambda k: (map_ind[k], -k)) or 2
    if seq_off:
        lay.seq_offset = max(seq_off, key=lambda k: (seq_off[k], k))
    if item_ind:
        lay.item_indent = max(item_ind, key=lambda k: (item_ind[k], -k))
    if tilde and tilde * 2 >= nulls:
        lay.null_text = "~"
    if quotes["'"] > quotes['"']:
        lay.quote = "'"
    return lay
