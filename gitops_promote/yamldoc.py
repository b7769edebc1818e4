"""Edit YAML specs without disturbing them.

The parser (ruamel.yaml, imported only here) is used to *find* things: every node's exact start
and end in the text. Writing never re-dumps a document: a change is spliced into the original
text, so comments, quoting, indentation, blank lines and everything the edit does not touch stay
byte-identical. New content (a key that did not exist, a subtree copied from another
environment) is rendered in the file's own indentation and inserted as text. After every edit
the new text is parsed again and checked to mean exactly the intended data; if it does not, the
edit is refused instead of returning a wrong file.
"""

from __future__ import annotations

import bisect
import contextvars
import copy
import datetime
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from .errors import GitopsPromoteError, SpecError

__all__ = ["Edit", "Path", "YamlDoc", "parse_scalar", "to_plain"]

Path = tuple[str | int, ...]

_BOM = "\ufeff"

# Implicit scalar resolution (YAML 1.2 as ruamel reads files; YAML 1.1 for what kubectl, Helm and
# PyYAML would make of a new plain string).
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL_11 = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
_FLOAT_12 = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_FLOAT_11 = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_12 = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_INT_11 = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0?[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_NONPRINTABLE = re.compile("[^\x09\x0a\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAKS = re.compile("[\r\x85\u2028\u2029]")

_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Edit:
    """One change to a document; see :meth:`YamlDoc.edit`."""

    path: Path
    doc: int = 0
    value: Any = None
    delete: bool = False
    copy_from: tuple[YamlDoc, int, Path] | None = None
    after: str | int | None = None


# --------------------------------------------------------------------------------------------
# plain values


def to_plain(value: Any) -> Any:
    """Convert parser values (and tuples, dates) to plain dict/list/str/int/float/bool/None."""
    if value is None or isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) and type(value) is not str else value
    if isinstance(value, ScalarBoolean):  # an anchored boolean: an int subclass
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


def _same(a: Any, b: Any) -> bool:
    """Structural equality that tells ``True`` from ``1`` and ``1`` from ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _resolve_plain(value: str) -> Any:
    """The value of a plain (unquoted) scalar, as ruamel reads it (YAML 1.2)."""
    if _NULL.match(value):
        return None
    first = value[0]
    if first in "tTfF" and _BOOL_12.match(value):
        return value.lower() == "true"
    if first in "-+0123456789.":
        if _INT_12.match(value) and any(c.isdigit() for c in value):
            return _to_int(value)
        if _FLOAT_12.match(value):
            return _to_float(value)
    return value


def _to_int(value: str) -> int:
    s = value.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s.startswith("0b"):
        return sign * int(s[2:], 2)
    if s.startswith("0x"):
        return sign * int(s[2:], 16)
    if s.startswith("0o"):
        return sign * int(s[2:], 8)
    return sign * int(s, 10)


def _to_float(value: str) -> float:
    s = value.replace("_", "").lower()
    if s.endswith(".inf"):
        return -math.inf if s.startswith("-") else math.inf
    if s == ".nan":
        return math.nan
    return float(s)


def _scalar_value(node: _Node) -> Any:
    if node.tag and node.tag not in ("!",):
        tag = node.tag
        if tag.startswith(_TAG):
            name = tag[len(_TAG) :]
            try:
                if name == "int":
                    return _to_int(node.value)
                if name == "float":
                    return _to_float(node.value)
                if name == "bool":
                    return node.value.lower() in ("true", "yes", "on", "y")
                if name == "null":
                    return None
            except ValueError:
                return node.value
        return node.value
    if node.tag == "!" or node.style is not None:
        return node.value
    return _resolve_plain(node.value)


# --------------------------------------------------------------------------------------------
# parse tree with positions


@dataclass(eq=False)
class _Node:
    kind: str  # "scalar" | "map" | "seq" | "alias"
    start: int  # first character, anchor/tag included
    content: int  # first character of the node itself (after anchor/tag)
    end: int  # end of the node's own text (exclusive)
    anchor: str | None = None
    tag: str | None = None
    style: str | None = None  # scalars: None, "'", '"', "|", ">"; collections: "flow"/"block"
    value: str = ""
    items: list[_Node] = field(default_factory=list)
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)
    parent: _Node | None = None
    key: _Node | None = None  # for a mapping value: its key
    colon: int = -1  # for a mapping value: index just after the key's ':'
    dash: int = -1  # for a block sequence item: index of its '-'
    empty: bool = False  # a plain scalar with no text at all (null)

    @property
    def block(self) -> bool:
        return self.style == "block"

    @property
    def is_block_scalar(self) -> bool:
        return self.kind == "scalar" and self.style in ("|", ">")


@dataclass(eq=False)
class _Doc:
    marker: int | None  # index of an explicit '---'
    root: _Node | None = None
    end_marker: int | None = None  # index of an explicit '...'


@dataclass
class _Layout:
    map_indent: int = 2
    seq_offset: int = 2  # column of '-' relative to the parent key
    item_indent: int = 2  # column of an item's content relative to its '-'
    null_text: str = "null"
    quote: str = '"'


class _Splice:
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


_EXPANSION_BASE = 1_000_000
_EXPANSION_PER_CHAR = 10


def _is_merge_key(key: _Node) -> bool:
    """``<<`` written plain is a merge key; a quoted ``"<<"`` is an ordinary key."""
    return key.kind == "scalar" and key.value == "<<" and key.style is None


class _Sequential(Exception):
    """Edits depend on each other: apply them one at a time."""


def _event_parser() -> YAML:
    """ruamel's plain event parser: no comment gathering (3x faster than round-trip mode) and
    folded scalars read exactly; older ruamel versions without ``base`` have ``safe``."""
    try:
        return YAML(typ="base", pure=True)
    except (NotImplementedError, ValueError, KeyError):  # pragma: no cover - old ruamel
        return YAML(typ="safe", pure=True)


def _yaml_error(err: YAMLError, filename: str) -> SpecError:
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        parts = [p for p in (err.context, err.problem) if p]
        message = ": ".join(parts) if parts else "invalid YAML"
        message = " ".join(message.split())
        if "'\\t'" in message:
            message = "a tab character where YAML allows only spaces (indentation must be spaces)"
        if mark is not None:
            return SpecError(
                f"invalid YAML: {message}",
                file=filename,
                line=mark.line + 1,
                column=mark.column + 1,
            )
        return SpecError(f"invalid YAML: {message}", file=filename)
    first = " ".join(str(err).split("\n")[0].split())
    return SpecError(f"invalid YAML: {first}", file=filename)


class _Tree:
    """Documents of one text, with every node's position."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.docs: list[_Doc] = []
        self.anchors: dict[str, list[_Node]] = {}
        self.aliases: list[_Node] = []
        self.scalar_lines: set[int] = set()  # lines inside multi-line scalars (content, not layout)
        self._build()
        self._check_tabs()

    # ---- positions
    def line(self, index: int) -> int:
        return bisect.bisect_right(self.line_starts, index) - 1

    def col(self, index: int) -> int:
        return index - self.line_starts[self.line(index)]

    def bol(self, index: int) -> int:
        return self.line_starts[self.line(index)]

    def eol(self, index: int) -> int:
        n = self.text.find("\n", index)
        return len(self.text) if n < 0 else n

    def error(self, message: str, index: int | None = None) -> SpecError:
        if index is None:
            return SpecError(message, file=self.filename)
        return SpecError(
            message, file=self.filename, line=self.line(index) + 1, column=self.col(index) + 1
        )

    # ---- building
    def _build(self) -> None:
        text = self.text
        stack: list[_Node] = []
        pending_key: list[_Node | None] = []
        doc: _Doc | None = None
        try:
            for e in _event_parser().parse(text):
                if isinstance(e, ev.DocumentStartEvent):
                    doc = _Doc(marker=e.start_mark.index if e.explicit else None)
                elif isinstance(e, ev.DocumentEndEvent):
                    assert doc is not None
                    if e.explicit:
                        doc.end_marker = e.start_mark.index
                    self.docs.append(doc)
                elif isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                    flow = bool(e.flow_style)
                    s = e.start_mark.index
                    has_props = e.anchor is not None or e.tag is not None
                    content = (
                        (e.end_mark.index - 1) if flow else (e.end_mark.index if has_props else s)
                    )
                    node = _Node(
                        kind="map" if isinstance(e, ev.MappingStartEvent) else "seq",
                        start=s,
                        content=content,
                        end=content,
                        anchor=e.anchor,
                        tag=str(e.tag) if e.tag is not None else None,
                        style="flow" if flow else "block",
                    )
                    self._attach(node, stack, pending_key, doc)
                    stack.append(node)
                    pending_key.append(None)
                elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                    node = stack.pop()
                    pending_key.pop()
                    if node.style == "flow":
                        node.end = e.end_mark.index
                    else:
                        last = (
                            node.pairs[-1][1]
                            if node.pairs
                            else (node.items[-1] if node.items else None)
                        )
                        node.end = last.end if last is not None else node.content
                elif isinstance(e, ev.ScalarEvent):
                    node = self._scalar(e)
                    self._attach(node, stack, pending_key, doc)
                elif isinstance(e, ev.AliasEvent):
                    node = _Node(
                        kind="alias",
                        start=e.start_mark.index,
                        content=e.start_mark.index,
                        end=e.end_mark.index,
                        anchor=e.anchor,
                    )
                    self.aliases.append(node)
                    self._attach(node, stack, pending_key, doc)
        except YAMLError as err:
            raise _yaml_error(err, self.filename) from None

    def _scalar(self, e: ev.ScalarEvent) -> _Node:
        text = self.text
        s = e.start_mark.index
        end = e.end_mark.index
        content = s
        tag = str(e.tag) if e.tag is not None else None
        if e.anchor is not None or (tag is not None and not (e.implicit and e.implicit[0])):
            # skip the properties (&anchor, !tag) in front of the scalar itself
            i = s
            while i < end and text[i] in "&!":
                while i < end and text[i] not in " \t\n":
                    i += 1
                while i < end and text[i] in " \t\n":
                    i += 1
            content = i
        style = e.style if e.style in ("'", '"', "|", ">") else None
        node = _Node(
            kind="scalar",
            start=s,
            content=content,
            end=end,
            anchor=e.anchor,
            tag=tag
            if (tag is not None and not (e.implicit and (e.implicit[0] or e.implicit[1])))
            else None,
            style=style,
            value=e.value,
        )
        if style in ("|", ">"):
            header_end = self.eol(content)
            seg = text[content:end]
            if "+" in text[content:header_end].split("#")[0]:
                if end > content and text[end - 1] == "\n" and end - 1 > header_end:
                    end -= 1
            else:
                seg_lines = seg.split("\n")
                last = 0
                for i, piece in enumerate(seg_lines):
                    if piece.strip():
                        last = i
                end = content + sum(len(x) + 1 for x in seg_lines[:last]) + len(seg_lines[last])
                if last == 0:
                    end = header_end
            node.end = max(end, header_end)
            for ln in range(self.line(content) + 1, self.line(node.end) + 1):
                self.scalar_lines.add(ln)
        elif style is None and e.value == "" and tag is None:
            node.empty = True
        else:
            first, last_line = self.line(content), self.line(end)
            for ln in range(first + 1, last_line + 1):
                self.scalar_lines.add(ln)
        if node.anchor is not None:
            self.anchors.setdefault(node.anchor, []).append(node)
        return node

    def _attach(
        self, node: _Node, stack: list[_Node], pending_key: list[_Node | None], doc: _Doc | None
    ) -> None:
        if node.anchor is not None and node.kind in ("map", "seq"):
            self.anchors.setdefault(node.anchor, []).append(node)
        if not stack:
            assert doc is not None
            doc.root = node
            if node.empty:
                at = self.eol(doc.marker) if doc.marker is not None else node.start
                node.start = node.content = node.end = at
            return
        parent = stack[-1]
        node.parent = parent
        if parent.kind == "seq":
            if parent.block:
                i = node.start - 1
                while i >= 0 and self.text[i] in " \t\n":
                    i -= 1
                node.dash = i if i >= 0 and self.text[i] == "-" else -1
                if node.empty and node.dash >= 0:
                    node.start = node.content = node.end = node.dash + 1
                if not parent.items:
                    parent.content = node.dash if node.dash >= 0 else parent.content
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if node.kind != "scalar" and node.kind != "alias":
                raise self.error("complex mapping keys are not supported", node.start)
            pending_key[-1] = node
            return
        pending_key[-1] = None
        i = key.end
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        node.colon = i + 1 if i < len(self.text) and self.text[i] == ":" else key.end
        node.key = key
        if node.empty:
            node.start = node.content = node.end = node.colon
        name = key.value if key.kind == "scalar" else f"*{key.anchor}"
        for k, _v in parent.pairs:
            same = k.kind == key.kind and (
                (k.value if k.kind == "scalar" else f"*{k.anchor}") == name
            )
            if same and not (_is_merge_key(key)):
                raise self.error(f"duplicate key {name!r}", key.start)
        parent.pairs.append((key, node))

    def _check_tabs(self) -> None:
        for ln, start in enumerate(self.line_starts):
            if ln in self.scalar_lines:
                continue
            end = self.eol(start)
            line = self.text[start:end]
            stripped = line.lstrip(" \t")
            if stripped and "\t" in line[: len(line) - len(stripped)]:
                raise SpecError(
                    "tab used for indentation; YAML indentation must be spaces",
                    file=self.filename,
                    line=ln + 1,
                    column=line.index("\t") + 1,
                )

    # ---- plain data
    def plain(self, node: _Node | None) -> Any:
        """The plain value of ``node``, aliases expanded. Aliases nested in anchors grow the
        data exponentially (a "billion laughs" file): past a budget proportional to the text
        the spec is refused instead of taking minutes and all memory."""
        self._budget = _EXPANSION_BASE + _EXPANSION_PER_CHAR * len(self.text)
        return self._plain(node)

    def _plain(self, node: _Node | None) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise self.error(
                "aliases expand to far more values than the file holds (nested anchors?); "
                "refusing to expand them",
                node.start if node is not None else 0,
            )
        if node is None:
            return None
        if node.kind == "scalar":
            return _scalar_value(node)
        if node.kind == "alias":
            target = self.anchor_before(node)
            if target is None:
                raise self.error(f"unknown alias *{node.anchor}", node.start)
            return self._plain(target)
        if node.kind == "seq":
            return [self._plain(n) for n in node.items]
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for k, v in node.pairs:
            if _is_merge_key(k):
                value = self._plain(v)
                sources = value if isinstance(value, list) else [value]
                for src in sources:
                    if not isinstance(src, dict):
                        raise self.error("a merge key '<<' must refer to mappings", v.start)
                    for mk, mv in src.items():
                        merged.setdefault(mk, mv)
                continue
            if k.kind == "alias":
                kv = self._plain(k)
                if isinstance(kv, (dict, list)):
                    raise self.error("complex mapping keys are not supported", k.start)
                name = _key_string(kv)
            else:
                name = k.value
            out[name] = self._plain(v)
        if merged:
            result = dict(merged)
            result.update(out)
            return result
        return out

    def anchor_before(self, alias: _Node) -> _Node | None:
        best: _Node | None = None
        for n in self.anchors.get(alias.anchor or "", []):
            if n.start < alias.start:
                best = n
        return best

    def referenced(self, node: _Node) -> bool:
        if node.anchor is None:
            return False
        return any(self.anchor_before(a) is node for a in self.aliases)


def _key_string(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _walk(node: _Node) -> list[_Node]:
    out = [node]
    for n in node.items:
        out.extend(_walk(n))
    for k, v in node.pairs:
        out.extend(_walk(k))
        out.extend(_walk(v))
    return out


# --------------------------------------------------------------------------------------------
# rendering new text


def _plain_ok(s: str, flow: bool = False) -> bool:
    """Whether ``s`` can be written unquoted and read back as the same string by YAML 1.1 and
    1.2 readers alike."""
    if not s or s != s.strip() or "\n" in s or _NONPRINTABLE.search(s) or _LINE_BREAKS.search(s):
        return False
    if "\t" in s or "\ufeff" in s:
        return False
    if s[0] in "[]{},#&*!|>'\"%@`":
        return False
    if s[0] in "?:" or (s[0] == "-" and (flow or len(s) == 1 or s[1] in " \t")):
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and not all(c.isalnum() or c in "._-/+@=() " for c in s):
        return False  # flow context: readers differ on `?`, `:`, `,`... keep to safe text
    if s in ("<<", "=") or s.startswith("---") or s.startswith("..."):
        return False
    for pattern in (_NULL, _BOOL_11, _BOOL_12, _INT_11, _INT_12, _FLOAT_11, _FLOAT_12, _TIMESTAMP):
        if pattern.match(s):
            return False
    return True


def _double(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    return (
        out.replace("\u2028", "\\L")
        .replace("\u2029", "\\P")
        .replace("\x85", "\\N")
        .replace("\ufeff", "\\uFEFF")
    )


def _single_ok(s: str) -> bool:
    return (
        "\n" not in s
        and "\ufeff" not in s
        and not _NONPRINTABLE.search(s)
        and not _LINE_BREAKS.search(s)
    )


def _single(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# Off while an edit is retried in the plainest form (after a block scalar met text around it
# that changed its meaning, e.g. spaces-only lines below it).
_LITERALS: contextvars.ContextVar[bool] = contextvars.ContextVar("_LITERALS", default=True)


def _literal_ok(s: str) -> bool:
    if not _LITERALS.get():
        return False
    if "\n" not in s or _LINE_BREAKS.search(s) or _NONPRINTABLE.search(s):
        return False
    lines = s.rstrip("\n").split("\n")
    if not s.strip("\n"):
        return False
    first = next(ln for ln in lines if ln)
    if first[0] in " \t":
        return False
    return all(ln == "" or ln.strip(" ") != "" for ln in lines)


def _literal(s: str, indent: int) -> tuple[str, list[str]]:
    """A ``|`` block scalar: header and body lines at ``indent``."""
    if s.endswith("\n\n"):
        header, body = "|+", s[:-1]
    elif s.endswith("\n"):
        header, body = "|", s[:-1]
    else:
        header, body = "|-", s
    pad = " " * indent
    return header, [pad + ln if ln else "" for ln in body.split("\n")]


class _Renderer:
    def __init__(self, layout: _Layout) -> None:
        self.lay = layout

    def string(self, s: str, old_style: str | None = None, flow: bool = False) -> str:
        if old_style == '"':
            return _double(s)
        if old_style == "'" and _single_ok(s):
            return _single(s)
        if old_style not in ("'", '"') and _plain_ok(s, flow):
            return s
        if self.lay.quote == "'" and _single_ok(s) and "\\" not in s:
            return _single(s)
        return _double(s)

    def scalar(self, value: Any, old: _Node | None = None, flow: bool = False) -> str:
        old_text = old.value if old is not None and old.kind == "scalar" else ""
        old_plain = old is not None and old.kind == "scalar" and old.style is None
        if value is None:
            if old_plain and old is not None and not old.empty and _NULL.match(old_text):
                return old_text
            return self.lay.null_text
        if isinstance(value, bool):
            word = "true" if value else "false"
            if old_plain and _BOOL_12.match(old_text):
                if old_text.isupper():
                    return word.upper()
                if old_text[0].isupper():
                    return word.capitalize()
            return word
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isnan(value):
                return ".nan"
            if math.isinf(value):
                return ".inf" if value > 0 else "-.inf"
            r = repr(value)
            if "." not in r:
                r = r.replace("e", ".0e") if "e" in r else r + ".0"
            return r
        if isinstance(value, str):
            style = old.style if old is not None and old.kind == "scalar" else None
            return self.string(value, style if style in ("'", '"') else None, flow)
        if isinstance(value, (dict, list)):
            return self.flow(value)
        raise TypeError(f"cannot write a value of type {type(value).__name__} to YAML")

    def key(self, k: str) -> str:
        return k if _plain_ok(k) else _double(k)

    def flow(self, value: Any, pad: bool = False) -> str:
        sp = " " if pad else ""
        if isinstance(value, dict):
            if not value:
                return "{}"
            inner = ", ".join(f"{self.key(k)}: {self.flow(v, pad)}" for k, v in value.items())
            return "{" + sp + inner + sp + "}"
        if isinstance(value, list):
            if not value:
                return "[]"
            return "[" + sp + ", ".join(self.flow(v, pad) for v in value) + sp + "]"
        if isinstance(value, str):
            return self.string(value, None, flow=True)
        return self.scalar(value, flow=True)

    def block(self, value: Any, col: int, seq_offset: int | None = None) -> list[str]:
        """Lines of a non-empty collection in block style, starting at ``col``."""
        lines: list[str] = []
        if isinstance(value, dict):
            pad = " " * col
            for k, v in value.items():
                head = pad + self.key(k) + ":"
                lines.extend(self.keyed(head, v, col, seq_offset))
            return lines
        for item in value:
            lines.extend(self.item(item, col))
        return lines

    def keyed(self, head: str, v: Any, col: int, seq_offset: int | None = None) -> list[str]:
        if isinstance(v, dict) and v:
            return [head, *self.block(v, col + self.lay.map_indent)]
        if isinstance(v, list) and v:
            off = self.lay.seq_offset if seq_offset is None else seq_offset
            return [head, *self.block(v, col + off)]
        if isinstance(v, str) and _literal_ok(v):
            header, body = _literal(v, col + self.lay.map_indent)
            return [head + " " + header, *body]
        return [head + " " + self.scalar(v)]

    def item(self, v: Any, dash_col: int) -> list[str]:
        inner = dash_col + self.lay.item_indent
        dash = " " * dash_col + "-" + " " * (self.lay.item_indent - 1)
        if isinstance(v, (dict, list)) and v:
            sub = self.block(v, inner)
            return [dash + sub[0][inner:], *sub[1:]]
        if isinstance(v, str) and _literal_ok(v):
            header, body = _literal(v, inner)
            return [dash + header, *body]
        return [dash + self.scalar(v)]


def _reindent(lines: list[str], delta: int) -> list[str]:
    out = []
    for ln in lines:
        if not ln.strip():
            out.append(ln)
        elif delta >= 0:
            out.append(" " * delta + ln)
        else:
            lead = len(ln) - len(ln.lstrip(" "))
            out.append(ln[min(lead, -delta) :])
    return out


# --------------------------------------------------------------------------------------------
# new content: either rendered from a plain value or copied from another document's text


@dataclass
class _Content:
    """New text for a node. ``inline`` goes where the node starts (after ``key: `` or ``- ``);
    ``lines`` follow on their own lines, fully indented. ``shape`` is the new node's kind."""

    inline: str | None
    lines: list[str]
    shape: str  # "scalar" | "map" | "seq" | "flow" | "literal"


class YamlDoc:
    """A YAML file (one or more documents) that can be edited without disturbing it.

    ``text`` is the file's exact text, except that a byte-order mark and CRLF line endings
    (when every line ends with CRLF) are taken off; :meth:`to_bytes` puts them back. A missing
    final newline, trailing spaces, comments and everything else are kept as they are.
    Parsing refuses (:class:`SpecError` with file, line and column) invalid YAML, duplicate
    keys, tabs used for indentation and complex (non-scalar) keys.
    """

    filename: str
    text: str

    def __init__(
        self, text: str, filename: str = "<spec>", *, bom: bool = False, crlf: bool = False
    ) -> None:
        self.text = text
        self.filename = filename
        self._bom = bom
        self._crlf = crlf
        self._tree = _Tree(text, filename)
        self._data = [self._tree.plain(d.root) for d in self._tree.docs]
        self._layout: _Layout | None = None
        self._copy_text = True

    # ---- construction / serialisation
    @classmethod
    def parse(cls, text: str, filename: str = "<spec>") -> YamlDoc:
        """Parse YAML text (a leading BOM and CRLF endings are remembered for ``to_bytes``)."""
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        if crlf:
            text = text.replace("\r\n", "\n")
        return cls(text, filename, bom=bom, crlf=crlf)

    @classmethod
    def from_bytes(cls, data: bytes, filename: str = "<spec>") -> YamlDoc:
        """Parse a file's bytes (UTF-8, optionally with a BOM); ``to_bytes`` gives them back."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            before = data[: err.start]
            line = before.count(b"\n") + 1
            column = err.start - (before.rfind(b"\n") + 1) + 1
            raise SpecError(
                "not valid UTF-8 text", file=filename, line=line, column=column
            ) from None
        return cls.parse(text, filename)

    def to_bytes(self) -> bytes:
        """The file's bytes: the exact inverse of :meth:`from_bytes`."""
        text = self.text.replace("\n", "\r\n") if self._crlf else self.text
        return ((_BOM if self._bom else "") + text).encode("utf-8")

    def _derive(self, text: str) -> YamlDoc:
        return YamlDoc(text, self.filename, bom=self._bom, crlf=self._crlf)

    def __repr__(self) -> str:
        return f"YamlDoc({self.filename!r}, {len(self._data)} document(s))"

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
            value = _step(value, seg)
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
        if not 0 <= doc < len(self._tree.docs):
            return None
        node = self._tree.docs[doc].root
        if node is None:
            return None
        for seg in path:
            found = self._child(node, seg)
            if found is None:
                return None
            node = found
        t = self._tree
        if node.key is not None:
            return t.line(node.key.start) + 1
        if node.dash >= 0:
            return t.line(node.dash) + 1
        return t.line(node.content) + 1

    def _present(self, doc: int, path: Path) -> int:
        """How many leading segments of ``path`` are nodes written in the text."""
        if not 0 <= doc < len(self._tree.docs):
            return 0
        node = self._tree.docs[doc].root
        for n, seg in enumerate(path):
            node = self._child(node, seg) if node is not None else None
            if node is None:
                return n
        return len(path)

    def _child(self, node: _Node, seg: str | int) -> _Node | None:
        while node.kind == "alias":
            target = self._tree.anchor_before(node)
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
            idx = _index(seg)
            if idx is None or not 0 <= idx < len(node.items):
                return None
            return node.items[idx]
        return None

    # ---- layout of this file
    @property
    def layout(self) -> _Layout:
        if self._layout is None:
            self._layout = self._detect_layout()
        return self._layout

    def _detect_layout(self) -> _Layout:
        t = self._tree
        map_ind: dict[int, int] = {}
        seq_off: dict[int, int] = {}
        item_ind: dict[int, int] = {}
        quotes = {"'": 0, '"': 0}
        tilde = 0
        nulls = 0
        for d in t.docs:
            if d.root is None:
                continue
            for n in _walk(d.root):
                if n.kind == "scalar":
                    if n.style in quotes:
                        quotes[n.style] += 1
                    elif n.style is None and n.tag is None and not n.empty and _NULL.match(n.value):
                        nulls += 1
                        tilde += n.value == "~"
                if n.key is not None and n.block and n.kind in ("map", "seq"):
                    delta = t.col(n.content) - t.col(n.key.start)
                    bucket = map_ind if n.kind == "map" else seq_off
                    if delta >= 0:
                        bucket[delta] = bucket.get(delta, 0) + 1
                if (
                    n.dash >= 0
                    and n.kind == "map"
                    and n.block
                    and t.line(n.content) == t.line(n.dash)
                ):
                    delta = n.content - n.dash
                    item_ind[delta] = item_ind.get(delta, 0) + 1
        lay = _Layout()
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

    def _seq_offset_for(self, parent: _Node) -> int:
        """Sequence indentation used by block sequences that are values in ``parent``."""
        t = self._tree
        for k, v in parent.pairs:
            if v.kind == "seq" and v.block:
                return t.col(v.content) - t.col(k.start)
        return self.layout.seq_offset

    def _map_indent_for(self, parent: _Node | None) -> int:
        """Indentation of block mappings that are values in ``parent`` (the file's otherwise)."""
        t = self._tree
        if parent is not None:
            for k, v in parent.pairs:
                if v.kind == "map" and v.block and t.col(v.content) > t.col(k.start):
                    return t.col(v.content) - t.col(k.start)
        return self.layout.map_indent

    # ---- editing
    def edit(self, edits: Sequence[Edit]) -> YamlDoc:
        """A new document with ``edits`` applied in order; ``self`` is unchanged.

        Each edit is spliced into the original text: a changed scalar keeps its quoting style
        and the comment on its line; a new key is inserted in its mapping's indentation after
        ``after`` (or at the end; a missing ``after`` key also means the end), creating missing
        parent mappings; a list item is appended with ``path[-1] == len(list)`` (after index
        ``after`` if given); ``delete`` removes a key's lines, a list item or (``path == ()``)
        a whole document; ``copy_from`` writes the source node's own text, re-indented. The
        result is parsed again and must hold exactly the intended data, otherwise a
        :class:`GitopsPromoteError` is raised. Edits touching values shared through anchors,
        or that cannot be written without reflowing the file, raise :class:`SpecError`;
        a missing path to delete or a list index beyond the end raise KeyError/IndexError.
        """
        edits = list(edits)
        if not edits:
            return self  # a YamlDoc never changes once built
        expected = self.documents()
        for e in edits:
            try:
                _apply_plain(expected, e, self.filename)
            except SpecError as err:
                lines = [self.line_of(e.doc, e.path[:n]) for n in range(len(e.path) + 1)]
                err.line = max((ln for ln in lines if ln is not None), default=None)
                raise
        sources = {id(e.copy_from[0]): e.copy_from[0] for e in edits if e.copy_from is not None}
        try:
            return self._edit(edits, expected)
        except GitopsPromoteError as err:
            if type(err) is not GitopsPromoteError:
                raise
        # The text did not mean what was intended: a copied text met different anchors, or a
        # new block scalar met the text around it. Retry in the plainest form: values rendered
        # from data, multi-line strings double-quoted. The result is verified all the same.
        for src in sources.values():
            src._copy_text = False
        token = _LITERALS.set(False)
        try:
            return self._edit(edits, expected)
        finally:
            _LITERALS.reset(token)
            for src in sources.values():
                src._copy_text = True

    def _edit(self, edits: list[Edit], expected: list[Any]) -> YamlDoc:
        # Edits are planned in batches against one parse and spliced together; an edit that
        # addresses what an earlier one creates, moves or removes starts a new batch, planned
        # on the text the earlier batch produced.
        cur = self
        batch: list[Edit] = []
        memo: dict[tuple[int, Path], tuple[int, bool]] = {}  # about ``cur``'s text
        for e in edits:
            if batch and _depends(cur, batch, e, memo):
                cur = cur._reparse(cur._splice(batch))
                batch = []
                memo = {}
            batch.append(e)
        result = cur._reparse(cur._splice(batch))
        if not _same(result._data, expected):
            raise GitopsPromoteError(
                "internal error: the edited file would not contain the intended values; "
                "nothing was written",
                file=self.filename,
            )
        return result

    def _splice(self, batch: list[Edit]) -> str:
        """The text with ``batch`` applied. Splices are gathered while they stay disjoint; when
        an edit's splice meets one gathered before, those are applied and parsed once, and the
        edit is planned again on that text (one parse per conflict, not one per edit)."""
        cur = self
        splices: list[_Splice] = []
        for i, e in enumerate(batch):
            new = cur._plan(e)
            for s in new:
                s.order = i
            try:
                _check_splices(splices + new)
            except _Sequential:
                if not splices:  # this edit's own splices overlap: apply it on its own
                    cur = cur._reparse(_apply(cur.text, new))
                    continue
                cur = cur._reparse(_apply(cur.text, splices))
                splices = []
                new = cur._plan(e)
                for s in new:
                    s.order = i
            splices += new
        return _apply(cur.text, splices)

    def _reparse(self, text: str) -> YamlDoc:
        try:
            return self._derive(text)
        except SpecError as err:
            raise GitopsPromoteError(
                f"internal error: the edit would produce invalid YAML ({err.message}); "
                "nothing was written",
                file=self.filename,
            ) from None

    # planning one edit -------------------------------------------------------------------
    def _plan(self, e: Edit) -> list[_Splice]:
        t = self._tree
        docs = t.docs
        if e.path == ():
            if e.delete:
                if not 0 <= e.doc < len(docs):
                    raise IndexError(f"document {e.doc} does not exist in {self.filename}")
                return self._delete_document(e.doc)
            if e.doc == len(docs):
                return self._append_document(e)
            if not 0 <= e.doc < len(docs):
                raise IndexError(f"document {e.doc} does not exist in {self.filename}")
            root = docs[e.doc].root
            assert root is not None
            self._check_editable(root, [root], e.path)
            return self._replace(root, self._content_for(e, root, "root"))
        if not 0 <= e.doc < len(docs):
            raise IndexError(f"document {e.doc} does not exist in {self.filename}")
        root = docs[e.doc].root
        assert root is not None
        chain = [root]
        node = root
        for depth, seg in enumerate(e.path):
            if node.kind == "alias":
                raise self._shared_error(node, e.path)
            child = self._child(node, seg)
            if child is None:
                return self._insert(e, chain, depth)
            node = child
            chain.append(node)
        self._check_editable(node, chain, e.path)
        if e.delete:
            return self._delete(node)
        parent = node.parent
        ctx = "root" if parent is None else ("item" if parent.kind == "seq" else "value")
        return self._replace(node, self._content_for(e, node, ctx))

    def _shared_error(self, node: _Node, path: Path) -> SpecError:
        where = "/" + "/".join(str(p) for p in path)
        if node.kind == "alias":
            return self._tree.error(
                f"{where}: value is shared through alias *{node.anchor}; edit it by hand",
                node.start,
            )
        return self._tree.error(
            f"{where}: value is shared through anchor &{node.anchor}; edit it by hand",
            node.start,
        )

    def _check_editable(self, node: _Node, chain: list[_Node], path: Path) -> None:
        t = self._tree
        for n in chain:
            if n.kind == "alias" or t.referenced(n):
                raise self._shared_error(n, path)
        inside = {id(n) for n in _walk(node)}
        for n in _walk(node):
            if n.anchor is not None and n.kind != "alias":
                for a in t.aliases:
                    if id(a) not in inside and t.anchor_before(a) is n:
                        raise self._shared_error(n, path)
        p = node.parent
        if node.dash == -1 and p is not None and p.kind == "seq" and p.block:
            raise t.error("cannot locate the '-' of this list item", node.start)

    # content ------------------------------------------------------------------------------
    def _content_for(
        self, e: Edit, old: _Node | None, ctx: str, col: int | None = None
    ) -> _Content:
        """New text for the node at ``e.path`` (``old`` is what is there now, if anything)."""
        if e.copy_from is not None:
            src, sdoc, spath = e.copy_from
            copied = src._copied(sdoc, spath, self, old, ctx, col)
            if copied is not None:
                return copied
            value = src.get(sdoc, spath)
        else:
            value = to_plain(e.value)
        return self._render(value, old, ctx, col)

    def _target_col(self, value_kind: str, old: _Node | None, ctx: str, col: int | None) -> int:
        """Column of a new block collection of ``value_kind`` replacing ``old``."""
        t = self._tree
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
            return key_col + self._seq_offset_for(old.parent)
        return key_col + self._map_indent_for(old.parent)

    def _literal_col(self, old: _Node | None, ctx: str, col: int | None) -> int:
        t = self._tree
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

    def _render(self, value: Any, old: _Node | None, ctx: str, col: int | None) -> _Content:
        r = _Renderer(self.layout)
        if old is not None and old.parent is not None and old.parent.style == "flow":
            if isinstance(value, (dict, list)):
                return _Content(r.flow(value), [], "flow")
            return _Content(r.scalar(value, old, flow=True), [], "scalar")
        flow_old = old is not None and old.kind in ("map", "seq") and old.style == "flow"
        if flow_old and old is not None and isinstance(value, (dict, list)):
            pad = self._tree.text[old.content + 1 : old.content + 2] == " "
            return _Content(r.flow(value, pad), [], "flow")
        if isinstance(value, (dict, list)) and value:
            kind = "map" if isinstance(value, dict) else "seq"
            c = self._target_col(kind, old, ctx, col)
            seq_off = None
            if kind == "map" and old is not None and old.kind == "map":
                seq_off = self._seq_offset_for(old)
            lines = r.block(value, c, seq_off)
            if ctx == "item":
                return _Content(lines[0][c:], lines[1:], kind)
            return _Content(None, lines, kind)
        if isinstance(value, str) and "\n" in value and _literal_ok(value):
            header, body = _literal(value, self._literal_col(old, ctx, col))
            return _Content(header, body, "literal")
        return _Content(r.scalar(value, old), [], "scalar")

    def _copied(
        self,
        doc: int,
        path: Path,
        target: YamlDoc,
        old: _Node | None,
        ctx: str,
        col: int | None,
    ) -> _Content | None:
        """The source node's own text, re-indented for ``target``; ``None`` if it cannot be
        copied as text (then the caller renders its value)."""
        t = self._tree
        if not 0 <= doc < len(t.docs):
            raise IndexError(f"document {doc} does not exist in {self.filename}")
        node = t.docs[doc].root
        if node is None:
            return None
        for seg in path:
            child = self._child(node, seg)
            if child is None:
                return None  # only in the data (brought in by a merge key): render it
            node = child
        if not self._copy_safe(node, target, old) or node.empty:
            return None
        if old is not None and old.parent is not None and old.parent.style == "flow":
            return None  # inside a flow collection: render the value in flow style
        old_flow = old is not None and old.kind in ("map", "seq") and old.style == "flow"
        if old_flow and node.kind in ("map", "seq") and node.style == "block":
            return None  # keep the target's flow style: render the value
        text = t.text
        if node.kind in ("map", "seq") and node.block:
            kind = node.kind
            s_col = t.col(node.content)
            tcol = target._target_col(kind, old, ctx, col)
            if node.key is not None:
                begin = t.eol(node.colon) + 1
            elif node.parent is None:
                begin = t.bol(node.content)
            else:
                begin = node.content
            end = self._extent_end(node)
            lines = text[begin:end].split("\n")
            if begin == node.content and t.bol(begin) != begin:
                lines[0] = " " * s_col + lines[0]
            lines = _reindent(lines, tcol - s_col)
            if ctx == "item":
                first = 0
                while first < len(lines) - 1 and (
                    not lines[first].strip() or lines[first].lstrip().startswith("#")
                ):
                    first += 1
                if first:
                    return None
                return _Content(lines[0][tcol:], lines[1:], kind)
            return _Content(None, lines, kind)
        if node.is_block_scalar:
            header_end = t.eol(node.content)
            header = text[node.content : header_end]
            body = text[header_end + 1 : node.end].split("\n") if node.end > header_end else []
            nonblank = [ln for ln in body if ln.strip()]
            s_col = min((len(ln) - len(ln.lstrip(" ")) for ln in nonblank), default=0)
            tcol = target._literal_col(old, ctx, col)
            return _Content(header, _reindent(body, tcol - s_col), "literal")
        # inline: a scalar or a flow collection, possibly spanning lines
        raw = text[node.content : node.end]
        parts = raw.split("\n")
        if len(parts) > 1:
            s_ctx = self._ctx_col(node)
            t_ctx = target._ctx_col(old) if old is not None else (col or 0)
            parts = parts[:1] + _reindent(parts[1:], t_ctx - s_ctx)
        shape = "flow" if node.kind in ("map", "seq") else "scalar"
        return _Content("\n".join(parts), [], shape)

    def _ctx_col(self, node: _Node) -> int:
        t = self._tree
        if node.key is not None:
            return t.col(node.key.start)
        if node.dash >= 0:
            return t.col(node.dash)
        return 0

    # extents ------------------------------------------------------------------------------
    def _extent_end(self, node: _Node) -> int:
        """End (before the newline) of the last line that belongs to ``node``: its last line,
        plus comment lines below it that are indented deeper than its key or '-'."""
        t = self._tree
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

    # replace ------------------------------------------------------------------------------
    def _replace(self, old: _Node, new: _Content) -> list[_Splice]:
        t = self._tree
        text = t.text
        parent = old.parent
        ctx = "root" if parent is None else ("item" if parent.kind == "seq" else "value")
        if parent is not None and parent.style == "flow":
            if new.lines or (
                new.inline is not None and "\n" in new.inline and new.shape != "scalar"
            ):
                raise t.error(
                    "cannot write a block value inside a flow collection; edit it by hand",
                    old.start,
                )
            return [_Splice(old.content, old.end, new.inline or "")]
        if old.kind in ("map", "seq") and old.block:
            # the old value occupies whole lines below its key (or starts after '- ')
            if ctx == "value":
                assert old.key is not None
                first_line = t.eol(old.colon) + 1
                block_end = self._extent_end(old)
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
                out: list[_Splice] = []
                if new.inline is not None:
                    out.append(_Splice(props_end, props_end, " " + new.inline))
                if new.lines:
                    out.append(_Splice(first_line, block_end, "\n".join(new.lines)))
                else:
                    out.append(_Splice(first_line - 1, block_end, ""))
                return out
            end = self._extent_end(old) if ctx == "item" else old.end
            if ctx == "root":
                begin = t.bol(old.content)
                return [_Splice(begin, end, "\n".join(_join(new)))]
            return [_Splice(old.content, end, "\n".join(_join(new)))]
        # the old value is inline (a scalar, a flow collection, an alias) or a block scalar
        a, b = old.content, old.end
        out = []
        if old.empty:
            if ctx == "root":
                if new.lines and new.inline is None:
                    if old.start == 0 and t.docs and t.docs[0].marker is None:
                        return [_Splice(0, 0, "\n".join(new.lines) + "\n")]
                    return [_Splice(a, a, "\n" + "\n".join(new.lines))]
                return [_Splice(a, a, " " + "\n".join(_join(new)))]
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
                out.append(_Splice(begin, b, ""))
            else:
                out.append(_Splice(a, b, new.inline))
            if new.lines:
                out.append(_Splice(body_begin, body_end, "\n" + "\n".join(new.lines)))
            else:
                out.append(_Splice(body_begin, body_end, ""))
            return out
        if new.inline is None:
            # a block collection replaces an inline value: drop the value, lines go below
            begin = old.colon if ctx == "value" and old.start == old.content else a
            if ctx == "root":
                if t.bol(a) == a:
                    return [_Splice(a, b, "\n".join(new.lines))]
                while text[a - 1] == " ":
                    a -= 1
                return [_Splice(a, b, "\n" + "\n".join(new.lines))]
            out.append(_Splice(begin, b, ""))
            out.append(_Splice(tail_at, tail_at, "\n" + "\n".join(new.lines)))
            return out
        out.append(_Splice(a, b, lead + new.inline))
        if new.lines:
            out.append(_Splice(tail_at, tail_at, "\n" + "\n".join(new.lines)))
        return out

    # insert -------------------------------------------------------------------------------
    def _insert(self, e: Edit, chain: list[_Node], depth: int) -> list[_Splice]:
        """``e.path[:depth]`` exists (``chain[-1]``); ``e.path[depth]`` does not."""
        t = self._tree
        parent = chain[-1]
        missing = e.path[depth:]
        merged = parent.kind == "map" and any(_is_merge_key(k) for k, _ in parent.pairs)
        inherited = self._tree.plain(parent) if merged else {}
        name = str(missing[0])
        if e.delete and not (name in inherited and len(missing) > 1):
            where = "/" + "/".join(str(p) for p in e.path)
            if name in inherited:
                raise t.error(
                    f"{where} comes from a merge key '<<' and cannot be deleted here; "
                    "edit it by hand",
                    parent.content,
                )
            raise KeyError(f"{where} not found in {self.filename}")
        self._check_editable(parent, chain, e.path[:depth])
        if parent.kind == "map":
            if name in inherited and len(missing) > 1:
                # below a value brought in by '<<': this mapping gets its own copy of that
                # value, with the change, which overrides the merged one
                holder = [{name: copy.deepcopy(inherited[name])}]
                sub = Edit((name, *missing[1:]), 0, e.value, e.delete, e.copy_from, e.after)
                _apply_plain(holder, sub, self.filename)
                own = Edit(e.path[: depth + 1], e.doc, value=holder[0][name], after=None)
                return self._insert_entry(own, parent, missing[:1])
            return self._insert_entry(e, parent, missing)
        if parent.kind == "seq":
            idx = _index(missing[0])
            if idx != len(parent.items):
                raise IndexError(
                    f"list index {missing[0]} is out of range (the list has "
                    f"{len(parent.items)} items; use {len(parent.items)} to append)"
                )
            if len(missing) > 1:
                raise IndexError("a new list item cannot be created implicitly; set the item")
            return self._insert_item(e, parent)
        if parent.kind == "scalar" and _scalar_value(parent) is None:
            # a null value becomes a mapping holding the new key
            value: Any = _nest(missing, self._value_of(e))
            if isinstance(missing[0], int):
                raise IndexError(f"list index {missing[0]} is out of range")
            pctx = (
                "root"
                if parent.parent is None
                else ("item" if parent.parent.kind == "seq" else "value")
            )
            if e.copy_from is not None:
                content = self._nested_copy(e, missing, parent, pctx)
                if content is not None:
                    return self._replace(parent, content)
            return self._replace(parent, self._render(value, parent, pctx, None))
        where = "/" + "/".join(str(p) for p in e.path[:depth])
        raise t.error(f"{where or 'the document'} is not a mapping or a list", parent.content)

    def _value_of(self, e: Edit) -> Any:
        if e.copy_from is not None:
            src, sdoc, spath = e.copy_from
            return src.get(sdoc, spath)
        return to_plain(e.value)

    def _nested_copy(self, e: Edit, missing: Path, parent: _Node, pctx: str) -> _Content | None:
        """Content for a null ``parent`` turned into ``{missing[0]: {...: copied}}``."""
        t = self._tree
        if pctx == "value" and parent.key is not None:
            col = t.col(parent.key.start) + self.layout.map_indent
        elif pctx == "item":
            col = t.col(parent.dash) + self.layout.item_indent if parent.dash >= 0 else 2
        else:
            col = 0
        lines = self._entry_lines(e, missing, col, None)
        if lines is None:
            return None
        if pctx == "item":
            return _Content(lines[0][col:], lines[1:], "map")
        return _Content(None, lines, "map")

    def _entry_lines(self, e: Edit, keys: Path, col: int, parent: _Node | None) -> list[str] | None:
        """Lines of ``keys[0]: {keys[1]: ... value}`` at ``col`` (None: copy not possible)."""
        r = _Renderer(self.layout)
        mi = self._map_indent_for(parent)
        head: list[str] = []
        c = col
        for k in keys[:-1]:
            head.append(" " * c + r.key(str(k)) + ":")
            c += mi
        last = str(keys[-1])
        seq_off = self._seq_offset_for(parent) if parent is not None and len(keys) == 1 else None
        if e.copy_from is None:
            return head + r.keyed(" " * c + r.key(last) + ":", to_plain(e.value), c, seq_off)
        src, sdoc, spath = e.copy_from
        whole = src._copied_entry(sdoc, spath, last, c, self)
        if whole is not None:
            return head + whole
        content = src._copied(sdoc, spath, self, None, "value", c + mi)
        if content is None:
            return None
        # re-indent the copied block to this key's children
        kind = content.shape
        if kind in ("map", "seq") and content.lines:
            want = c + (
                mi
                if kind == "map"
                else (seq_off if seq_off is not None else self.layout.seq_offset)
            )
            have = min(
                (
                    len(ln) - len(ln.lstrip(" "))
                    for ln in content.lines
                    if ln.strip() and not ln.lstrip().startswith("#")
                ),
                default=want,
            )
            content.lines = _reindent(content.lines, want - have)
        elif kind == "literal":
            have = min(
                (len(ln) - len(ln.lstrip(" ")) for ln in content.lines if ln.strip()), default=0
            )
            content.lines = _reindent(content.lines, c + mi - have)
        key_line = " " * c + r.key(last) + ":"
        if content.inline is not None:
            key_line += " " + content.inline
        return [*head, key_line, *content.lines]

    def _copy_safe(self, node: _Node, target: YamlDoc, old: _Node | None) -> bool:
        """Whether ``node``'s text means the same once written into ``target`` (in place of
        ``old``): its aliases must point inside it, or at an anchor of the same name and value
        in the target; its anchors must not clash with the target's."""
        if not self._copy_text:
            return False
        inside = _walk(node)
        ids = {id(n) for n in inside}
        replaced = {id(n) for n in _walk(old)} if old is not None else set()
        tt = target._tree
        for n in inside:
            if n.kind == "alias":
                src = self._tree.anchor_before(n)
                if src is not None and id(src) in ids:
                    continue
                theirs = [a for a in tt.anchors.get(n.anchor or "", []) if id(a) not in replaced]
                if len(theirs) != 1 or src is None:
                    return False
                if not _same(tt.plain(theirs[0]), self._tree.plain(src)):
                    return False
            elif n.anchor is not None and any(
                id(a) not in replaced for a in tt.anchors.get(n.anchor, [])
            ):
                return False
        return True

    def _copied_entry(
        self, doc: int, path: Path, key: str, col: int, target: YamlDoc
    ) -> list[str] | None:
        """The whole source entry ``key: value`` (key line, its comment, the value's lines)
        re-indented to ``col``, when the source node is a mapping value named ``key``."""
        t = self._tree
        if not path or not 0 <= doc < len(t.docs):
            return None
        node = t.docs[doc].root
        for seg in path:
            if node is None:
                return None
            node = self._child(node, seg)
        if node is None or node.key is None or node.key.kind != "scalar":
            return None
        if node.key.value != key or node.key.start != node.key.content:
            return None
        if node.parent is None or node.parent.style != "block" or node.empty:
            return None
        if not self._copy_safe(node, target, None):
            return None
        k = node.key
        if t.bol(k.start) != k.start - t.col(k.start) or t.text[t.bol(k.start) : k.start].strip():
            return None
        begin = t.bol(k.start)
        end = self._extent_end(node)
        lines = t.text[begin:end].split("\n")
        return _reindent(lines, col - t.col(k.start))

    def _insert_entry(self, e: Edit, parent: _Node, missing: Path) -> list[_Splice]:
        t = self._tree
        depth = len(e.path) - len(missing) + 1
        if parent.style == "flow":
            value = self._value_of(e)
            if len(missing) > 1:
                value = _nest(missing[1:], value)
            r = _Renderer(self.layout)
            pad = t.text[parent.content + 1 : parent.content + 2] == " "
            entry = f"{r.key(str(missing[0]))}: {r.flow(value, pad)}"
            if not parent.pairs:
                return [_Splice(parent.content + 1, parent.end - 1, entry)]
            prev = self._after_pair(parent, e.after if len(missing) == 1 else None)
            return [_entry(prev[1].end, ", " + entry, depth)]
        col = t.col(parent.content)
        if parent.pairs and t.col(parent.pairs[0][0].start) != col:
            col = t.col(parent.pairs[0][0].start)
        lines = self._entry_lines(e, missing, col, parent)
        if lines is None:
            value = self._value_of(e)
            e2 = Edit(path=e.path, doc=e.doc, value=value, after=e.after)
            lines = self._entry_lines(e2, missing, col, parent)
            assert lines is not None
        _prev_key, prev_val = self._after_pair(parent, e.after if len(missing) == 1 else None)
        at = self._extent_end(prev_val)
        if at == len(t.text):
            return [*self._open_end(), _entry(at, "\n" + "\n".join(lines), depth)]
        return [_entry(at, "\n" + "\n".join(lines), depth)]

    def _after_pair(self, parent: _Node, after: str | int | None) -> tuple[_Node, _Node]:
        if after is not None:
            for k, v in parent.pairs:
                if k.kind == "scalar" and k.value == str(after):
                    return k, v
        return parent.pairs[-1]

    def _insert_item(self, e: Edit, parent: _Node) -> list[_Splice]:
        t = self._tree
        value = self._value_of(e)
        after = _index(e.after) if e.after is not None else None
        if after is not None and not 0 <= after < len(parent.items):
            raise IndexError(f"list index {e.after} is out of range")
        if parent.style == "flow":
            if not parent.items:
                if (
                    isinstance(value, (dict, list))
                    and value
                    and parent.parent is not None
                    and (parent.parent.style == "block")
                ):
                    pctx = "item" if parent.parent.kind == "seq" else "value"
                    # an empty flow list becomes a block list holding the new item
                    old = _Node(
                        kind="scalar", start=parent.start, content=parent.content, end=parent.end
                    )
                    old.key, old.colon, old.parent = parent.key, parent.colon, parent.parent
                    old.dash = parent.dash
                    return self._replace(old, self._render([value], old, pctx, None))
                r = _Renderer(self.layout)
                return [_Splice(parent.content + 1, parent.end - 1, r.flow(value))]
            r = _Renderer(self.layout)
            pad = t.text[parent.content + 1 : parent.content + 2] == " "
            prev = parent.items[after if after is not None else -1]
            return [_entry(prev.end, ", " + r.flow(value, pad), len(e.path))]
        prev = parent.items[after if after is not None else -1]
        if prev.dash < 0:
            raise t.error("cannot locate the '-' of this list item", prev.start)
        dash_col = t.col(prev.dash)
        lines: list[str] | None = None
        if e.copy_from is not None:
            src, sdoc, spath = e.copy_from
            lines = src._copied_item(sdoc, spath, dash_col, self)
        if lines is None:
            lay = self.layout
            first = parent.items[0]
            if (
                first.kind in ("map", "seq")
                and first.block
                and first.dash >= 0
                and (t.line(first.content) == t.line(first.dash))
            ):
                lay = _Layout(**{**lay.__dict__, "item_indent": first.content - first.dash})
            lines = _Renderer(lay).item(value, dash_col)
        at = self._extent_end(prev)
        if at == len(t.text):
            return [*self._open_end(), _entry(at, "\n" + "\n".join(lines), len(e.path))]
        return [_entry(at, "\n" + "\n".join(lines), len(e.path))]

    def _copied_item(
        self, doc: int, path: Path, dash_col: int, target: YamlDoc
    ) -> list[str] | None:
        t = self._tree
        if not path or not 0 <= doc < len(t.docs):
            return None
        node = t.docs[doc].root
        for seg in path:
            if node is None:
                return None
            node = self._child(node, seg)
        if node is None or node.dash < 0 or node.empty:
            return None
        if not self._copy_safe(node, target, None):
            return None
        if t.text[t.bol(node.dash) : node.dash].strip():
            return None
        lines = t.text[t.bol(node.dash) : self._extent_end(node)].split("\n")
        return _reindent(lines, dash_col - t.col(node.dash))

    # delete -------------------------------------------------------------------------------
    def _delete(self, node: _Node) -> list[_Splice]:
        t = self._tree
        text = t.text
        parent = node.parent
        assert parent is not None
        if parent.kind == "map":
            assert node.key is not None
            if _is_merge_key(node.key):
                raise t.error("cannot delete a merge key '<<'; edit it by hand", node.key.start)
            for k, v in parent.pairs:
                if _is_merge_key(k):
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
                return [_Splice(parent.content + 1, parent.end - 1, "")]
            gp = parent.parent
            pctx = "root" if gp is None else ("item" if gp.kind == "seq" else "value")
            return (
                self._replace(parent, _Content(empty, [], "flow"))
                if pctx != "root"
                else [_Splice(t.bol(parent.content), self._extent_end(parent), empty)]
            )
        if parent.style == "flow":
            start = node.key.start if node.key is not None else node.start
            if pos == 0:
                nxt = siblings[1]
                nstart = nxt.key.start if nxt.key is not None else nxt.start
                return [_Splice(start, nstart, "")]
            return [_Splice(siblings[pos - 1].end, node.end, "")]
        anchor = node.key.start if node.key is not None else node.dash
        if anchor < 0:
            raise t.error("cannot locate the '-' of this list item", node.start)
        line_start = t.bol(anchor)
        before = text[line_start:anchor]
        end = self._extent_end(node)
        if not before.strip():
            if end >= len(text):
                return [_Splice(max(line_start - 1, 0), end, "")]
            gone = _Splice(line_start, end + 1, "")
            return [gone, *self._spaces_below_block(line_start, end + 1)]
        # the entry shares its line with a '- ' (first key of a list item): pull the next up
        if pos == 0:
            nxt = siblings[1]
            nstart = nxt.key.start if nxt.key is not None else nxt.dash
            return [_Splice(anchor, nstart, "")]
        raise t.error("cannot delete this entry without reflowing its line", anchor)

    def _spaces_below_block(self, removed: int, pos: int) -> list[_Splice]:
        """Once the lines from ``removed`` to ``pos`` are gone, lines of only spaces at ``pos``
        would join a block scalar ending above them (being more indented than its text):
        empty those lines."""
        t = self._tree
        text = t.text
        last = text[:removed].rstrip(" \n")
        if not last:
            return []
        line = t.line(len(last) - 1)
        if not any(
            n.is_block_scalar and t.line(n.end) == line
            for d in t.docs
            if d.root is not None
            for n in _walk(d.root)
        ):
            return []
        out = []
        i = pos
        while i < len(text):
            j = t.eol(i)
            if text[i:j].strip():
                break
            if i < j:
                out.append(_Splice(i, j, ""))
            i = j + 1
        return out

    # documents ----------------------------------------------------------------------------
    def _doc_begin(self, i: int) -> int:
        t = self._tree
        d = t.docs[i]
        if d.marker is not None:
            return t.bol(d.marker)
        assert d.root is not None
        if i == 0:
            return t.bol(d.root.content) if not d.root.empty else d.root.content
        return t.bol(d.root.content)

    def _delete_document(self, i: int) -> list[_Splice]:
        t = self._tree
        begin = self._doc_begin(i)
        if i + 1 < len(t.docs):
            if t.docs[i + 1].marker is None:
                raise t.error("cannot find the '---' of the next document", begin)
            return [_Splice(begin, self._doc_begin(i + 1), "")]
        return [_Splice(begin, len(t.text), "")]

    def _append_document(self, e: Edit) -> list[_Splice]:
        t = self._tree
        text = t.text
        lines: list[str]
        if e.copy_from is not None:
            src, sdoc, spath = e.copy_from
            copied = src._copied(sdoc, spath, self, None, "root", 0)
            if copied is not None and copied.inline is None:
                lines = copied.lines
            elif copied is not None:
                lines = _join(copied)
            else:
                lines = self._doc_lines(src.get(sdoc, spath))
        else:
            lines = self._doc_lines(to_plain(e.value))
        sep = "---"
        if (
            lines
            and not lines[0].startswith(" ")
            and lines[0]
            and not (isinstance(self._value_of(e), (dict, list)) and self._value_of(e))
        ):
            body = sep + " " + "\n".join(lines)
        else:
            body = sep + "\n" + "\n".join(lines)
        n = len(text)
        if not t.docs and not text.strip():
            return [_Splice(0, n, "\n".join(lines) + "\n")]
        if text.endswith("\n"):
            return [_Splice(n, n, body + "\n")]
        return [*self._open_end(), _Splice(n, n, "\n" + body)]

    def _open_end(self) -> list[_Splice]:
        """Before text is appended to a file that ends without a newline: a block scalar ending
        the file has no final line break, which clip (or keep) chomping would gain once a line
        follows; strip chomping (`|-`) keeps its value."""
        t = self._tree
        if t.text.endswith("\n") or not t.docs or t.docs[-1].root is None:
            return []
        node: _Node = t.docs[-1].root
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
            return [_Splice(node.content + plus, node.content + plus + 1, "-")]
        return [_Splice(node.content + 1, node.content + 1, "-")]

    def _doc_lines(self, value: Any) -> list[str]:
        r = _Renderer(self.layout)
        if isinstance(value, (dict, list)) and value:
            return r.block(value, 0)
        if isinstance(value, str) and _literal_ok(value):
            header, body = _literal(value, 2)
            return [header, *body]
        return [r.scalar(value)]


def _entry(at: int, text: str, depth: int) -> _Splice:
    s = _Splice(at, at, text, entry=True)
    s.depth = depth
    return s


def _join(c: _Content) -> list[str]:
    head = [c.inline] if c.inline is not None else []
    return head + c.lines


def _nest(keys: Path, value: Any) -> Any:
    for k in reversed(keys[1:]):
        value = {str(k): value}
    return {str(keys[0]): value} if keys else value


def _index(seg: Any) -> int | None:
    if isinstance(seg, bool):
        return None
    if isinstance(seg, int):
        return seg
    if isinstance(seg, str) and seg.isdigit():
        return int(seg)
    return None


def _step(value: Any, seg: str | int) -> Any:
    if isinstance(value, dict):
        key = str(seg)
        if key not in value:
            raise KeyError(key)
        return value[key]
    if isinstance(value, list):
        idx = _index(seg)
        if idx is None or not 0 <= idx < len(value):
            raise IndexError(seg)
        return value[idx]
    raise KeyError(seg)


def _apply_plain(docs: list[Any], e: Edit, filename: str) -> None:
    """What the data should look like after ``e`` (the reference the edited text is checked
    against)."""
    if e.copy_from is not None:
        src, sdoc, spath = e.copy_from
        value = src.get(sdoc, spath)
    else:
        value = to_plain(e.value)
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
            idx = _index(seg)
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
        idx = _index(last)
        if idx is None:
            raise not_container(len(e.path) - 1, cur)
        if not 0 <= idx <= len(cur) or (e.delete and idx == len(cur)):
            raise IndexError(last)
        if e.delete:
            del cur[idx]
        elif idx == len(cur):
            after = _index(e.after) if e.after is not None else None
            cur.insert(len(cur) if after is None else after + 1, value)
        else:
            cur[idx] = value
    elif e.delete:
        raise KeyError(last)
    else:
        raise not_container(len(e.path) - 1, cur)


def _depends(
    doc: YamlDoc, batch: list[Edit], e: Edit, memo: dict[tuple[int, Path], tuple[int, bool]]
) -> bool:
    """Whether ``e`` addresses what an edit of ``batch`` creates, moves or removes: a path
    inside (or above) another's, a list whose items another inserts or deletes, any
    whole-document edit. ``memo`` keeps, per (document, path) of ``doc``, how much of the path
    exists and whether all of it does, so each edit's path is walked once, not once per pair."""

    def present(x: Edit) -> int:
        return _known(x)[0]

    def exists(x: Edit) -> bool:
        return _known(x)[1]

    def _known(x: Edit) -> tuple[int, bool]:
        key = (x.doc, x.path)
        if key not in memo:
            memo[key] = (doc._present(x.doc, x.path), doc.exists(x.doc, x.path))
        return memo[key]

    if e.path == () or any(b.path == () for b in batch):
        return True
    s1 = [str(x) for x in e.path]
    for b in batch:
        if b.doc != e.doc:
            continue
        s2 = [str(x) for x in b.path]
        n = min(len(s1), len(s2))
        if s1[:n] == s2[:n]:
            return True
        common = 0
        while s1[common] == s2[common]:
            common += 1
        # both would create the same missing mapping (or own copy of a merged value)
        if present(e) < common or present(b) < common:
            return True
        for x in (e, b):
            item = len(x.path) == common + 1 and _index(x.path[common]) is not None
            if item and (x.delete or not exists(x)):
                return True
    return False


def _check_splices(splices: list[_Splice]) -> None:
    """Raise :class:`_Sequential` unless the planned splices can be applied in one pass."""
    ordered = sorted(splices, key=_Splice.key)
    for x, y in itertools.pairwise(ordered):
        if y.a < x.b:
            raise _Sequential
        both_entries = x.a == x.b == y.a == y.b and x.entry and y.entry
        if y.a == x.b and x.order != y.order and not both_entries:
            raise _Sequential


def _apply(text: str, splices: list[_Splice]) -> str:
    ordered = sorted(splices, key=_Splice.key)
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


def parse_scalar(text: str) -> Any:
    """Read a command-line value as a YAML scalar: ``3`` -> 3, ``'3'`` -> "3", ``true`` ->
    True, ``null`` or nothing -> None, ``a b`` -> "a b"."""
    try:
        doc = YamlDoc.parse(text, "<value>")
    except SpecError as err:
        raise SpecError(f"{text!r} is not a valid YAML value: {err.message}") from None
    docs = doc.documents()
    if not docs:
        return None
    if len(docs) > 1 or isinstance(docs[0], (dict, list)):
        raise SpecError(f"{text!r} is not a single value (a mapping, list or several documents)")
    return docs[0]
