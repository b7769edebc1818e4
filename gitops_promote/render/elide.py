"""Two values side by side on one terminal line: the part that differs stays whole, the part
both share is cut to ``…`` when the pair does not fit.

Pure functions over text and plain data. The pull request body has its own elision, tuned for
Markdown table cells of a fixed size (:func:`.prvalues.elide_pair`); this one fits a
given terminal width, widening the kept context a segment at a time while it fits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..textfmt import ABSENT, common_prefix, value_text

ELLIPSIS = "…"
# Cut only where a reader sees a boundary: before one of these, so the shown part starts with it
SEPARATORS = frozenset("/:@-=,; ")
MIN_CUT = 4  # fewer characters than this are shown rather than cut


def _cuts_left(text: str, limit: int) -> list[int]:
    """Where the shown part may start, nearest to ``limit`` first: at a separator, or 0."""
    return [i for i in range(limit, 0, -1) if text[i] in SEPARATORS] + [0]


def _cuts_right(text: str, start: int) -> list[int]:
    """Where the shown part may end (exclusive), nearest to ``start`` first: before a
    separator, or at the end."""
    return [i for i in range(start, len(text)) if text[i] in SEPARATORS] + [len(text)]


def elide_pair(a: str, b: str, width: int) -> tuple[str, str]:
    """``a`` and ``b`` cut to about ``width`` characters each, keeping where they differ.

    A pair that fits is returned whole. Otherwise the common prefix and common suffix are cut
    at separators (``/ : @ - = , ;``) and replaced by ``…``, keeping as much around the
    difference as fits; the differing part itself is never cut, even when it alone is wider
    than ``width``. Both sides are cut at the same places, so what is shown differs exactly
    where ``a`` and ``b`` do.
    """
    if a == b or (len(a) <= width and len(b) <= width):
        return a, b
    p = common_prefix(a, b)
    s = common_prefix(a[p:][::-1], b[p:][::-1])
    a_end, b_end = len(a) - s, len(b) - s  # the common suffix is a[a_end:] == b[b_end:]
    suffix = a[a_end:]

    def shown(start: int, keep: int) -> tuple[str, str]:
        head = ELLIPSIS if start else ""
        tail = ELLIPSIS if keep < len(suffix) else ""
        return (
            head + a[start:a_end] + suffix[:keep] + tail,
            head + b[start:b_end] + suffix[:keep] + tail,
        )

    def fits(start: int, keep: int) -> bool:
        x, y = shown(start, keep)
        return max(len(x), len(y)) <= width

    starts = _cuts_left(a, min(p, len(a) - 1))
    keeps = _cuts_right(suffix, 0)
    start, keep = starts[0], keeps[0]
    for candidate in starts[1:]:  # widen to the left, a segment at a time, while it fits
        if not fits(candidate, keep):
            break
        start = candidate
    for candidate in keeps[1:]:  # then to the right
        if not fits(start, candidate):
            break
        keep = candidate
    while not (a[start:a_end] + suffix[:keep] and b[start:b_end] + suffix[:keep]):
        # one side lost a part the other has: show some of what follows (or precedes) it
        later = [k for k in keeps if k > keep]
        earlier = [i for i in starts if i < start]
        if later:
            keep = later[0]
        elif earlier:
            start = earlier[0]
        else:
            break
    if start < MIN_CUT:  # an ellipsis for a few characters hides more than it saves
        start = 0
    if len(suffix) - keep < MIN_CUT:
        keep = len(suffix)
    return shown(start, keep)


def _json(value: Any) -> str:
    """A value inside a list or mapping: JSON, strings quoted, on one line."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("\n", "\\n")


def _items(values: list[str], head: bool, tail: bool) -> list[str]:
    return ([ELLIPSIS] if head else []) + values + ([ELLIPSIS] if tail else [])


def _inner(a: Any, b: Any, width: int, text: Callable[[Any], str]) -> tuple[str, str]:
    """The one item (or entry value) that differs on each side, elided in turn."""
    x, y = text(a), text(b)
    if len(x) <= width and len(y) <= width:
        return x, y
    if isinstance(a, list) and isinstance(b, list):
        return _elide_list(a, b, width)
    if isinstance(a, dict) and isinstance(b, dict):
        return _elide_mapping(a, b, width)
    if isinstance(a, str) and isinstance(b, str):
        if text is value_text:
            return elide_pair(x, y, width)
        x, y = elide_pair(x[1:-1], y[1:-1], width - 2)  # inside the quotes of a JSON string
        return f'"{x}"', f'"{y}"'
    return _cut_end(x, width), _cut_end(y, width)  # nothing in common to cut


def _elide_list(a: list[Any], b: list[Any], width: int) -> tuple[str, str]:
    """Two lists with the items both start and end with shown as ``…``; when one item differs
    on each side, that item elided in turn."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[len(a) - 1 - s] == b[len(b) - 1 - s]:
        s += 1
    middle_a, middle_b = a[p : len(a) - s], b[p : len(b) - s]
    if len(middle_a) == len(middle_b) == 1:
        frame = len(", ".join(_items([""], p > 0, s > 0))) + 2
        x, y = _inner(middle_a[0], middle_b[0], width - frame, _json)
        shown_a, shown_b = [x], [y]
    else:
        shown_a, shown_b = [_json(v) for v in middle_a], [_json(v) for v in middle_b]
    x_items, y_items = _items(shown_a, p > 0, s > 0), _items(shown_b, p > 0, s > 0)
    return "[" + ", ".join(x_items) + "]", "[" + ", ".join(y_items) + "]"


def _elide_mapping(a: dict[Any, Any], b: dict[Any, Any], width: int) -> tuple[str, str]:
    """Two mappings with the entries both hold alike shown as one ``…``; when one key differs
    on both sides, its values elided in turn."""
    differ = [k for k in a if k not in b or a[k] != b[k]]
    differ += [k for k in b if k not in a]
    same = any(k in b and a[k] == b[k] for k in a)
    key = differ[0] if len(differ) == 1 and differ[0] in a and differ[0] in b else None

    def side(own: dict[Any, Any], inner: str | None) -> str:
        entries = []
        for k in differ:
            if k in own:
                value = inner if inner is not None else _json(own[k])
                entries.append(f"{_json(str(k))}: {value}")
        return "{" + ", ".join(_items(entries, same, False)) + "}"

    if key is None:
        return side(a, None), side(b, None)
    frame = len(_json(str(key))) + 2 + (3 if same else 0) + 2
    x, y = _inner(a[key], b[key], width - frame, _json)
    return side(a, x), side(b, y)


def _cut_end(text: str, width: int) -> str:
    if text == ABSENT or len(text) <= width:
        return text
    return text[: max(width - 1, 1)] + ELLIPSIS


def elide_values(a: Any, b: Any, width: int | None) -> tuple[str, str]:
    """Two plain values (``MISSING`` for absent) as one line each, for ``a -> b``.

    ``width`` is the room for each (a side that needs less leaves the rest to the other);
    ``None`` shows them whole. Strings keep their differing
    part (:func:`elide_pair`); lists show the items that differ, mappings the entries that
    differ, with ``…`` for what both share; two values with nothing in common are cut at the end.
    """
    x, y = value_text(a), value_text(b)
    if width is None or len(x) + len(y) <= 2 * width:
        return x, y  # together they fit: a short side leaves its room to the other
    if not _alike(a, b):
        if len(x) <= width:
            return x, _cut_end(y, 2 * width - len(x))
        if len(y) <= width:
            return _cut_end(x, 2 * width - len(y)), y
    return _inner(a, b, width, value_text)


def _alike(a: Any, b: Any) -> bool:
    """Both strings, both lists or both mappings: values with parts in common to cut."""
    return any(isinstance(a, t) and isinstance(b, t) for t in (str, list, dict))
