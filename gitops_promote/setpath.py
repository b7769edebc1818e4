"""``update --set PATH=VALUE``: parse the expression and resolve PATH inside a spec (pure).

PATH is a JSON Pointer (``/image/image_uri``) or dotted (``image.image_uri``, ``env.LOG_LEVEL``),
optionally after a prefix naming where it applies: a document (``Deployment/api:`` then either
form); in a directory spec, the file comes first (``version.yml:Deployment/api:/spec/replicas``,
see :func:`split_file`). Prefixes are parsed in one place, :func:`split_prefix`.

Items of keyed lists (lists of mappings that all carry ``name``) are addressed by name; a number
addresses the item at that index when no item bears it as its name (RFC 6901). Setting a scalar
on such an item sets its ``value`` (``containers.app.env.LOG_LEVEL=debug``).

Nothing is created unless asked: a key or list item that does not exist is refused (with the
nearest existing names as suggestions) unless ``create`` is given. VALUE is read as a YAML
scalar, except that a value replacing a string stays a string (``"24"`` set to ``50`` is
``"50"``), ``--set-string`` always writes a string, and the values of env vars (under an ``env``
key) are strings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .data import keyed_items
from .errors import NotFoundError, UsageError
from .pointer import join, split

Segment = str | int
_DOC_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)/([^:/]+):(.*)$")
ENV_KEY = "env"  # the key of env-var lists and mappings: their values are strings


@dataclass(frozen=True)
class Prefix:
    """Where a path applies: a document by kind and name (``None``: the only document)."""

    kind: str | None = None
    name: str | None = None


_INDEX_RE = re.compile(r"[0-9]+\Z")  # ASCII digits only: "²".isdigit() is true
_INDEX_DIGITS = 12
#: deeper paths are refused: a spec nests at most this deep (yamldoc's parser limit)
MAX_SET_DEPTH = 200
MAX_KEY_CHARS = 1024  # YAML's limit for an implicit (simple) key


def _is_index(seg: str) -> bool:
    """A list index: ASCII digits only (``"²".isdigit()`` is true)."""
    return _INDEX_RE.match(seg) is not None


def _index(seg: str) -> int:
    """An index's value; more digits than any list has items reads as past every end."""
    return int(seg) if len(seg) <= _INDEX_DIGITS else 10**_INDEX_DIGITS


def _shown(text: str) -> str:
    """The --set argument for a message, cut short when it is long."""
    return repr(text) if len(text) <= 80 else repr(text[:60]) + f"... ({len(text)} characters)"


@dataclass(frozen=True)
class SetExpr:
    """One parsed ``--set``: where (prefix + segments) and the raw value text."""

    text: str
    kind: str | None
    name: str | None
    segments: tuple[str, ...]
    value_text: str
    string: bool = False  # --set-string: VALUE is the string as given

    @property
    def option(self) -> str:
        return "--set-string" if self.string else "--set"

    @property
    def label(self) -> str:
        return f"{self.option} {self.text!r}"


@dataclass(frozen=True)
class ResolvedSet:
    """Where a ``--set`` lands: document index, positional path, and the value to write there."""

    doc: int
    path: tuple[Segment, ...]
    value: Any
    report_path: str
    old: Any
    exists: bool
    new: Any = None  # the value the user set (``value`` is the new item when one is added)


_ABSENT = object()


def split_prefix(path: str) -> tuple[Prefix, str]:
    """Split ``Kind/name:rest`` into its prefix and the path after it (either form)."""
    m = _DOC_RE.match(path)
    if m:
        return Prefix(m.group(1), m.group(2)), m.group(3)
    return Prefix(), path


def parse_set(text: str, *, string: bool = False) -> SetExpr:
    option = "--set-string" if string else "--set"
    if "=" not in text:
        raise UsageError(f"{option} {text!r}: expected PATH=VALUE")
    path, _, value = text.partition("=")
    path = path.strip()
    if not path:
        raise UsageError(f"{option} {text!r}: the path is empty")
    if not value.strip():
        how = f"{path}=null for null or {path}='' for an empty string"
        raise UsageError(f"{option} {text!r}: the value is empty; write {how}")
    prefix, path = split_prefix(path)
    if path.startswith("/"):
        try:
            segments = split(path)
        except ValueError as exc:
            raise UsageError(f"{option} {text!r}: {exc}") from None
    else:
        segments = tuple(path.split("."))
    if len(segments) > MAX_SET_DEPTH:
        raise UsageError(
            f"{option} {_shown(text)}: the path has {len(segments)} segments, more than "
            f"the {MAX_SET_DEPTH} a spec may nest"
        )
    longest = max((len(s) for s in segments), default=0)
    if longest > MAX_KEY_CHARS:
        raise UsageError(
            f"{option} {_shown(text)}: a path segment of {longest} characters is longer than the "
            f"{MAX_KEY_CHARS} YAML allows for a key"
        )
    if not segments or any(s == "" for s in segments):
        raise UsageError(f"{option} {text!r}: the path has an empty segment")
    return SetExpr(text, prefix.kind, prefix.name, segments, value, string)


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
            f"{expr.label}: {file} holds {len(docs)} documents; prefix the path with "
            "the document, e.g. Deployment/api:/spec/replicas or Deployment/api:spec.replicas"
        )
    for i, doc in enumerate(docs):
        if (
            isinstance(doc, dict)
            and doc.get("kind") == expr.kind
            and isinstance(doc.get("metadata"), dict)
            and str(doc["metadata"].get("name")) == expr.name
        ):
            return i
    raise NotFoundError(f"{expr.label}: {file} has no document {expr.kind}/{expr.name}")


def typed_value(expr: SetExpr, parsed: Any, old: Any, exists: bool, env: bool) -> Any:
    """The value to write: ``parsed`` (VALUE read as YAML), except that ``--set-string``, a
    value replacing a string and an env var's value are strings (null stays null)."""
    if expr.string:
        return expr.value_text
    if parsed is None or isinstance(parsed, str):
        return parsed
    if (exists and isinstance(old, str)) or (env and not exists):
        return expr.value_text.strip()
    return parsed


def _missing(expr: SetExpr, where: str, seg: str, names: list[str], what: str) -> NotFoundError:
    near = difflib.get_close_matches(seg, names, n=3, cutoff=0.6)
    if near:
        hint = "did you mean " + " or ".join(near) + "?"
    elif names:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        hint = f"it has {shown}"
    else:
        hint = "it is empty"
    return NotFoundError(
        f"{expr.label}: {where or '/'} has no {what} {seg!r} ({hint}); add --create to create it"
    )


def resolve_set(
    docs: list[Any], expr: SetExpr, value: Any, file: str, *, create: bool = False
) -> ResolvedSet:
    """Turn a parsed ``--set`` into a positional path in the spec's data (``value``: VALUE
    read as YAML; the value written follows :func:`typed_value`)."""
    doc = select_document(docs, expr, file)
    node: Any = docs[doc]
    path: list[Segment] = []
    report: list[Segment] = []
    segs = expr.segments
    parent_key: Segment | None = None
    env = False  # whether the segment being walked is an env var (a key or item under env)
    for i, seg in enumerate(segs):
        rest = segs[i + 1 :]
        here = join(report)
        env = parent_key == ENV_KEY
        if node is _ABSENT:
            path.append(seg)
            report.append(seg)
        elif isinstance(node, dict):
            if seg not in node and not create:
                raise _missing(expr, here, seg, [str(k) for k in node], "key")
            path.append(seg)
            report.append(seg)
            node = node.get(seg, _ABSENT)
        elif isinstance(node, list):
            names = list(keyed_items(node) or {}) if is_keyed_list(node) else None
            if names is not None and seg in names:
                idx = names.index(seg)
                path.append(idx)
                report.append(seg)
                node = node[idx]
                if not rest and isinstance(node, dict) and not isinstance(value, (dict, list)):
                    # containers.app.env.LOG_LEVEL=debug sets that item's value
                    if "valueFrom" in node and "value" not in node:
                        raise UsageError(
                            f"{expr.label}: {seg} takes its value from valueFrom; "
                            "edit that by hand or set a subkey"
                        )
                    old = node.get("value", _ABSENT)
                    exists = old is not _ABSENT
                    if not exists and not create:
                        raise _missing(expr, join(report), "value", list(node), "key")
                    new = typed_value(expr, value, old, exists, env)
                    return _resolved(doc, (*path, "value"), new, tuple(report), old, new)
                parent_key = seg
                continue
            if _is_index(seg) and _index(seg) < len(node):
                idx = _index(seg)
                path.append(idx)
                report.append(idx)
                node = node[idx]
                parent_key = None
                continue
            if not create:
                if names is not None and not (_is_index(seg) or seg == "-"):
                    raise _missing(expr, here, seg, names, "item named")
                if _is_index(seg) or seg == "-":
                    hint = "" if rest else "; add --create to append an item"
                    raise NotFoundError(
                        f"{expr.label}: index {seg} is past the end of {here or '/'} "
                        f"({len(node)} items){hint}"
                    )
                raise UsageError(
                    f"{expr.label}: {here or '/'} is a list; address an item by its index"
                )
            if names is not None and not (_is_index(seg) or seg == "-"):
                # A new item of a keyed list: {name: seg, <rest or "value">: value}
                if len(rest) > 1:
                    raise NotFoundError(f"{expr.label}: no item named {seg!r} in {here or '/'}")
                key = rest[0] if rest else "value"
                new = typed_value(expr, value, None, False, env)
                new_item = {"name": seg, key: new}
                return _resolved(doc, (*path, len(node)), new_item, (*report, seg), _ABSENT, new)
            if _is_index(seg) or seg == "-":
                idx = len(node) if seg == "-" else _index(seg)
                if idx > len(node) or rest:
                    raise NotFoundError(
                        f"{expr.label}: index {seg} is past the end of {here or '/'} "
                        f"({len(node)} items); a new item can only be appended, with its index "
                        f"{len(node)} or -"
                    )
                path.append(idx)
                report.append(idx)
                node = _ABSENT
                continue
            raise UsageError(f"{expr.label}: {here or '/'} is a list; address an item by its index")
        else:
            raise UsageError(f"{expr.label}: {here or '/'} is a single value, not a mapping")
        parent_key = seg
    exists = node is not _ABSENT
    new = typed_value(expr, value, node if exists else None, exists, env)
    return _resolved(doc, tuple(path), new, tuple(report), node, new)


def _resolved(
    doc: int, path: tuple[Segment, ...], value: Any, report: tuple[Segment, ...], old: Any, new: Any
) -> ResolvedSet:
    exists = old is not _ABSENT
    return ResolvedSet(doc, path, value, join(list(report)), old if exists else None, exists, new)
