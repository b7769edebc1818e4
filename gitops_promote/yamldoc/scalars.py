"""Implicit scalar resolution: YAML 1.2, as ruamel reads files (what kubectl, Helm and PyYAML, on
YAML 1.1, would make of a new plain string is :mod:`.render`'s concern)."""

from __future__ import annotations

import math
import re
from typing import Any

BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
FLOAT_12 = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
INT_12 = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
NULL = re.compile(r"^(?:~|null|Null|NULL|)$")

TAG = "tag:yaml.org,2002:"


#: Integers longer than this stay strings: Python refuses to convert more digits (its int-string
#: conversion limit, a guard against quadratic work), and no spec value needs them.
MAX_INT_DIGITS = 4000


def resolve_plain(value: str) -> Any:
    """The value of a plain (unquoted) scalar, as ruamel reads it (YAML 1.2). Never raises: a
    scalar that only looks like a number (``0x_``, ``._``, 5,000 digits) is a string."""
    if NULL.match(value):
        return None
    first = value[0]
    if first in "tTfF" and BOOL_12.match(value):
        return value.lower() == "true"
    if first in "-+0123456789.":
        if value.isdigit() and value.isascii() and len(value) <= MAX_INT_DIGITS:
            return int(value)  # the common case, made fast
        try:
            if INT_12.match(value) and any(c.isdigit() for c in value):
                return to_int(value)
            if FLOAT_12.match(value):
                return to_float(value)
        except ValueError:
            return value
    return value


def to_int(value: str) -> int:
    """The integer a YAML int scalar spells; ValueError when it has no digits or too many."""
    s = value.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    base = {"0b": 2, "0x": 16, "0o": 8}.get(s[:2], 10)
    digits = s if base == 10 else s[2:]
    if not digits or len(digits) > MAX_INT_DIGITS:
        raise ValueError(f"not an integer of at most {MAX_INT_DIGITS} digits: {value[:20]!r}")
    return sign * int(digits, base)


def to_float(value: str) -> float:
    """The float a YAML float scalar spells; ValueError when it has no digits (``._``)."""
    s = value.replace("_", "").lower()
    if s.endswith(".inf"):
        return -math.inf if s.startswith("-") else math.inf
    if s == ".nan":
        return math.nan
    return float(s)
