"""Plain data: dict/list/str/int/float/bool/None values, compared and walked by path."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any

from .tree import is_ruamel_bool

Path = tuple[str | int, ...]


def to_plain(value: Any) -> Any:
    """Convert parser values (and tuples, dates) to plain dict/list/str/int/float/bool/None."""
    if value is None or isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) and type(value) is not str else value
    if is_ruamel_bool(value):  # an anchored boolean: an int subclass
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_plain(k)): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes))
    ):
        return [to_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {str(to_plain(k)): None for k in value}
    raise TypeError(f"cannot write a value of type {type(value).__name__} to YAML")


def same(a: Any, b: Any) -> bool:
    """Structural equality that tells ``True`` from ``1`` and ``1`` from ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def nest(keys: Path, value: Any) -> Any:
    for k in reversed(keys[1:]):
        value = {str(k): value}
    return {str(keys[0]): value} if keys else value


def index(seg: Any) -> int | None:
    if isinstance(seg, bool):
        return None
    if isinstance(seg, int):
        return seg
    if isinstance(seg, str) and seg.isascii() and seg.isdigit() and len(seg) < 19:
        return int(seg)
    return None


def step(value: Any, seg: str | int) -> Any:
    if isinstance(value, dict):
        key = str(seg)
        if key not in value:
            raise KeyError(key)
        return value[key]
    if isinstance(value, list):
        idx = index(seg)
        if idx is None or not 0 <= idx < len(value):
            raise IndexError(seg)
        return value[idx]
    raise KeyError(seg)
