"""Replaying edits on plain data: what the edited text must mean, checked by parsing it again."""

from __future__ import annotations

from typing import Any

from ..errors import SpecError
from .edit import Edit, value_of
from .plain import index


def apply_plain(docs: list[Any], e: Edit, filename: str) -> None:
    """What the data should look like after ``e`` (the reference the edited text is checked
    against)."""
    value = value_of(e)
    if e.path == ():
        if e.delete:
            if not 0 <= e.doc < len(docs):
                raise IndexError(f"document {e.doc} does not exist in {filename}")
            del docs[e.doc]
        elif e.doc == len(docs):
            docs.append(value)
        elif 0 <= e.doc < len(docs):
            docs[e.doc] = value
        else:
            raise IndexError(f"document {e.doc} does not exist in {filename}")
        return
    if not 0 <= e.doc < len(docs):
        raise IndexError(f"document {e.doc} does not exist in {filename}")
    holder: Any = docs
    slot: Any = e.doc

    def not_container(depth: int, value: Any) -> SpecError:
        where = "/" + "/".join(str(p) for p in e.path[:depth]) if depth else "the document"
        full = "/" + "/".join(str(p) for p in e.path)
        if isinstance(value, list):
            why = f"{where} is a list and {e.path[depth]!r} is not an index"
        else:
            why = f"{where} holds {value!r}, not a mapping"
        return SpecError(f"cannot set {full}: {why}", file=filename)

    for depth, seg in enumerate(e.path[:-1]):
        cur = holder[slot]
        if cur is None and not e.delete:
            cur = holder[slot] = {}
        if isinstance(cur, dict):
            key = str(seg)
            if key not in cur:
                if e.delete:
                    raise KeyError(key)
                cur[key] = {}
            holder, slot = cur, key
        elif isinstance(cur, list):
            idx = index(seg)
            if idx is None:
                raise not_container(depth, cur)
            if not 0 <= idx < len(cur):
                raise IndexError(seg)
            holder, slot = cur, idx
        elif e.delete:
            raise KeyError(seg)
        else:
            raise not_container(depth, cur)
    cur = holder[slot]
    last = e.path[-1]
    if cur is None and not e.delete:
        cur = holder[slot] = {}
    if isinstance(cur, dict):
        key = str(last)
        if e.delete:
            if key not in cur:
                raise KeyError(key)
            del cur[key]
        else:
            cur[key] = value
    elif isinstance(cur, list):
        idx = index(last)
        if idx is None:
            raise not_container(len(e.path) - 1, cur)
        if not 0 <= idx <= len(cur) or (e.delete and idx == len(cur)):
            raise IndexError(last)
        if e.delete:
            del cur[idx]
        elif idx == len(cur):
            after = index(e.after) if e.after is not None else None
            cur.insert(len(cur) if after is None else after + 1, value)
        else:
            cur[idx] = value
    elif e.delete:
        raise KeyError(last)
    else:
        raise not_container(len(e.path) - 1, cur)
