"""``update --set PATH=VALUE``: parse the expression and resolve PATH inside a spec (pure).

PATH is a JSON Pointer (``/image/image_uri``) or dotted (``image.image_uri``, ``env.LOG_LEVEL``).
In a multi-document spec it may be prefixed by the document: ``Deployment/api:/spec/replicas``;
in a directory spec by the file first: ``version.yml:Deployment/api:/spec/replicas``.
Items of keyed lists (lists of mappings that all carry ``name``) are addressed by name; setting a
scalar on such an item sets its ``value`` (``containers.app.env.LOG_LEVEL=debug``); a name that
does not exist yet adds an item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .data import keyed_items
from .errors import NotFoundError, UsageError
from .pointer import join, split

Segment = str | int
_DOC_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)/([^:/]+):(/.*)$")


@dataclass(frozen=True)
class SetExpr:
    """One parsed ``--set``: where (document selector + segments) and the raw value text."""

    text: str
    kind: str | None
    name: str | None
    segments: tuple[str, ...]
    value_text: str


@dataclass(frozen=True)
class ResolvedSet:
    """Where a ``--set`` lands: document index, positional path, and the value to write there."""

    doc: int
    path: tuple[Segment, ...]
    value: Any
    report_path: str
    old: Any
    exists: bool


_ABSENT = object()


def parse_set(text: str) -> SetExpr:
    if "=" not in text:
        raise UsageError(f"--set {text!r}: expected PATH=VALUE")
    path, _, value = text.partition("=")
    path = path.strip()
    if not path:
        raise UsageError(f"--set {text!r}: the path is empty")
    kind = name = None
    m = _DOC_RE.match(path)
    if m:
        kind, name, path = m.group(1), m.group(2), m.group(3)
    if path.startswith("/"):
        try:
            segments = split(path)
        except ValueError as exc:
            raise UsageError(f"--set {text!r}: {exc}") from None
    else:
        segments = tuple(path.split("."))
    if not segments or any(s == "" for s in segments):
        raise UsageError(f"--set {text!r}: the path has an empty segment")
    return SetExpr(text, kind, name, segments, value)


def split_file(text: str, files: Sequence[str]) -> tuple[str | None, str]:
    """(FILE, the rest) of a ``--set FILE:PATH=VALUE`` in a directory spec whose files are
    ``files``; ``(None, text)`` when the expression names no file of them."""
    path = text.partition("=")[0]
    for name in sorted(files, key=len, reverse=True):
        if path.startswith(f"{name}:"):
            return name, text[len(name) + 1 :]
    return None, text


def is_keyed_list(value: Any) -> bool:
    """A non-empty list whose items are addressed by name (the planner's definition)."""
    return isinstance(value, list) and bool(value) and keyed_items(value) is not None


def select_document(docs: list[Any], expr: SetExpr, file: str) -> int:
    if expr.kind is None:
        if len(docs) == 1:
            return 0
        raise UsageError(
            f"--set {expr.text!r}: {file} holds {len(docs)} documents; prefix the path with "
            "the document, e.g. Deployment/api:/spec/replicas"
        )
    for i, doc in enumerate(docs):
        if (
            isinstance(doc, dict)
            and doc.get("kind") == expr.kind
            and isinstance(doc.get("metadata"), dict)
            and doc["metadata"].get("name") == expr.name
        ):
            return i
    raise NotFoundError(f"--set {expr.text!r}: {file} has no document {expr.kind}/{expr.name}")


def resolve_set(docs: list[Any], expr: SetExpr, value: Any, file: str) -> ResolvedSet:
    """Turn a parsed ``--set`` into a positional path in the spec's data."""
    doc = select_document(docs, expr, file)
    node: Any = docs[doc]
    path: list[Segment] = []
    report: list[Segment] = []
    segs = expr.segments
    for i, seg in enumerate(segs):
        rest = segs[i + 1 :]
        if node is _ABSENT:
            path.append(seg)
            report.append(seg)
            continue
        if isinstance(node, dict):
            path.append(seg)
            report.append(seg)
            node = node.get(seg, _ABSENT)
            continue
        if isinstance(node, list):
            if is_keyed_list(node):
                names = list(keyed_items(node) or {})
                idx = names.index(seg) if seg in names else None
                if idx is None:
                    # A new item of a keyed list: {name: seg, <rest or "value">: value}
                    if len(rest) > 1:
                        raise NotFoundError(
                            f"--set {expr.text!r}: no item named {seg!r} in {join(report) or '/'}"
                        )
                    key = rest[0] if rest else "value"
                    new_item = {"name": seg, key: value}
                    return _resolved(doc, (*path, len(node)), new_item, (*report, seg), None, False)
                path.append(idx)
                report.append(seg)
                node = node[idx]
                if not rest and isinstance(node, dict) and not isinstance(value, (dict, list)):
                    # containers.app.env.LOG_LEVEL=debug sets that item's value
                    if "valueFrom" in node and "value" not in node:
                        raise UsageError(
                            f"--set {expr.text!r}: {seg} takes its value from valueFrom; "
                            "edit that by hand or set a subkey"
                        )
                    old = node.get("value", _ABSENT)
                    return _resolved(
                        doc, (*path, "value"), value, tuple(report), old, old is not _ABSENT
                    )
                continue
            if seg.isdigit() or seg == "-":
                idx = len(node) if seg == "-" else int(seg)
                if idx > len(node) or (idx == len(node) and rest):
                    raise NotFoundError(
                        f"--set {expr.text!r}: index {seg} is past the end of "
                        f"{join(report) or '/'} ({len(node)} items)"
                    )
                path.append(idx)
                report.append(idx)
                node = node[idx] if idx < len(node) else _ABSENT
                continue
            raise UsageError(
                f"--set {expr.text!r}: {join(report) or '/'} is a list; address an item by "
                "its index"
            )
        raise UsageError(
            f"--set {expr.text!r}: {join(report) or '/'} is a single value, not a mapping"
        )
    exists = node is not _ABSENT
    return _resolved(doc, tuple(path), value, tuple(report), node if exists else None, exists)


def _resolved(
    doc: int,
    path: tuple[Segment, ...],
    value: Any,
    report: tuple[Segment, ...],
    old: Any,
    exists: bool,
) -> ResolvedSet:
    if old is _ABSENT:
        old, exists = None, False
    return ResolvedSet(doc, path, value, join(list(report)), old, exists)
