"""Plain YAML data as the core compares it: the absent-value marker, equality as YAML means it,
keyed lists, secret references, deep copies, where new keys go; and a Change, one difference
between two specs.

Shared by the planner, the env-var reconciler, the editor (:mod:`gitops_promote.apply`), ``--set``
and ``status``/``check``; no imports beyond the standard library.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

Category = Literal["changed", "retained", "attention"]
"""What a promote does with one difference: takes the source's value, keeps the target's, or
asks a reviewer to look."""


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __str__(self) -> str:
        return "(absent)"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing.MISSING
"""A value absent on one side (JSON renders it as ``null``; text as ``(absent)``)."""


def type_class(value: Any) -> str:
    """The YAML type of a value, for reasons: ``boolean``, ``number``, ``string``, ``mapping``..."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def same(a: Any, b: Any) -> bool:
    """Equality as YAML means it: ``1``, ``1.0`` and ``true`` are three different values; two
    lists of named mappings holding the same items in another order are equal."""
    if type(a) is not type(b):
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return False
        if not (isinstance(a, type(b)) or isinstance(b, type(a))):
            return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        if len(a) != len(b):
            return False
        if all(same(x, y) for x, y in zip(a, b, strict=False)):
            return True
        ka, kb = (
            keyed_items(a),
            keyed_items(b),
        )  # keyed lists: the order of items is not a difference
        return (
            ka is not None
            and kb is not None
            and all(k in kb and same(v, kb[k]) for k, v in ka.items())
        )
    return bool(a == b)


def keyed_items(items: list[Any]) -> dict[str, Any] | None:
    """``{name: item}`` in list order when every item is a mapping with a scalar, unique
    ``name`` (containers, env, ports...): such lists are matched by name, never by position.
    ``None`` for any other list. The one definition of a keyed list, for every module."""
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            return None
        name = item["name"]
        if isinstance(name, (dict, list)) or name is None:
            return None
        key = str(name)
        if key in out:
            return None
        out[key] = item
    return out


_SECRET_TEXT = re.compile(
    r"tfy-secret://|\$\{\{\s*secrets\.|^vault:|ref\+vault://|sm://|arn:aws:secretsmanager:"
    r"|\{\{resolve:secretsmanager:|@Microsoft\.KeyVault\(",
    re.IGNORECASE,
)
_SECRET_KEYS = frozenset({"secretKeyRef", "secretRef"})


def looks_like_secret_ref(value: Any) -> bool:
    """A secret reference (``tfy-secret://``, ``${{ secrets.X }}``, ``vault:``, ``sm://``,
    ``arn:aws:secretsmanager:``, ``valueFrom.secretKeyRef``, ``secretRef``...) anywhere inside
    ``value``."""
    if isinstance(value, str):
        return bool(_SECRET_TEXT.search(value))
    if isinstance(value, dict):
        return any(
            (isinstance(k, str) and k in _SECRET_KEYS) or looks_like_secret_ref(v)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(looks_like_secret_ref(v) for v in value)
    return False


def deep_copy(value: Any) -> Any:
    """A copy of plain data (mappings and lists copied, scalars shared)."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value


def merged_order(source_keys: Sequence[Any], target_keys: Sequence[Any]) -> list[Any]:
    """Target keys in order; each key only in the source right after the nearest key preceding
    it in the source that the target has (at the end when there is none), keys new together
    staying in the source's order. This is where :func:`gitops_promote.apply.apply_plan` writes
    them."""
    order = list(target_keys)
    present = set(order)
    anchor: Any = MISSING  # the nearest preceding source key the target has
    inserted_at: dict[Any, int] = {}  # anchor -> how many new keys already follow it
    for key in source_keys:
        if key in present:
            anchor = key
            continue
        if anchor is MISSING:
            order.append(key)
        else:
            at = order.index(anchor) + 1 + inserted_at.get(anchor, 0)
            order.insert(at, key)
            inserted_at[anchor] = inserted_at.get(anchor, 0) + 1
    return order


class Finding(NamedTuple):
    """What a promote does with one difference and why: the category, the reason for reviewers,
    the rule that decided it, whether it writes, and the value afterwards."""

    category: Category
    reason: str
    rule: str
    applied: bool
    result: Any


@dataclass(frozen=True)
class Change:
    """One difference between source and target, and what the promote does with it.

    ``path`` is a report path (keyed-list items by name, ``Kind/name:`` prefix in multi-document
    specs). ``source``/``target`` are plain values or :data:`MISSING`. ``applied``: the promote
    writes something at ``path``; ``result`` is the value there afterwards (``MISSING`` when
    removed). ``reason`` says all of it in a sentence; ``rule`` names the rule that decided it,
    as a reviewer's table shows it (``preset truefoundry``, ``retain /replicas, config``).
    """

    path: str
    source: Any
    target: Any
    category: Category
    reason: str
    applied: bool
    result: Any
    rule: str = ""

    @classmethod
    def at(cls, path: str, source: Any, target: Any, found: Finding) -> Change:
        """The difference at ``path`` and what the promote does with it (values are copied)."""
        return cls(
            path,
            deep_copy(source),
            deep_copy(target),
            found.category,
            found.reason,
            found.applied,
            found.result,
            found.rule,
        )
