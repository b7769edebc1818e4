"""The positioned node tree: every node of a YAML text with its exact start and end.

A parser's events are used to *find* things: libyaml's (:mod:`.cevents`, 20 times faster)
wherever they are certain to be ruamel's, ruamel's otherwise, and ruamel's for every message
about invalid YAML; both give the same tree. This is the only module that imports ruamel.yaml,
and only when a text is parsed (not on import), so that ``--help`` stays fast. The plain data is
read from the tree here as well (aliases and merge keys applied).
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from .cevents import (
    ALIAS,
    COLLECTION_END,
    DOC_END,
    DOC_START,
    MAP_START,
    SCALAR,
    SEQ_START,
    STYLES,
    NotVouched,
    check_event,
    event_kinds,
    libyaml_events,
    skip_properties,
)
from .scalars import TAG, resolve_plain, to_float, to_int

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError


@dataclass(eq=False, slots=True)
class Node:
    kind: str  # "scalar" | "map" | "seq" | "alias"
    start: int  # first character, anchor/tag included
    content: int  # first character of the node itself (after anchor/tag)
    end: int  # end of the node's own text (exclusive)
    anchor: str | None = None
    tag: str | None = None
    style: str | None = None  # scalars: None, "'", '"', "|", ">"; collections: "flow"/"block"
    value: str = ""
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    parent: Node | None = None
    key: Node | None = None  # for a mapping value: its key
    colon: int = -1  # for a mapping value: index just after the key's ':'
    dash: int = -1  # for a block sequence item: index of its '-'
    empty: bool = False  # a plain scalar with no text at all (null)
    names: set[str | tuple[str, str]] | None = None  # a mapping's keys, to find duplicates fast

    @property
    def block(self) -> bool:
        return self.style == "block"

    @property
    def is_block_scalar(self) -> bool:
        return self.kind == "scalar" and self.style in ("|", ">")


@dataclass(eq=False)
class Doc:
    marker: int | None  # index of an explicit '---'
    root: Node | None = None
    end_marker: int | None = None  # index of an explicit '...'


_EXPANSION_BASE = 1_000_000
_EXPANSION_PER_CHAR = 10
#: Collections nested deeper than this are refused while parsing (README, "Exit codes and
#: errors"): no spec needs them, and every reader after the parser may then recurse safely.
MAX_DEPTH = 200
#: Files larger than this are refused before they are decoded or parsed.
MAX_BYTES = 10_000_000
# brackets, skipping comments and quoted scalars (a quote opens one only where a scalar starts)
_BRACKETS = re.compile(
    r"""(?<!\S)\#[^\n]*|(?<![^\s\[{,:])(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')|[\[\]{}]"""
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAB_INDENT = re.compile(r"^[ \t]*\t[ \t]*(?=[^ \t\n])", re.M)  # a tab in an indentation


def expansion_budget(size: int) -> int:
    """How many values a text of ``size`` characters may expand to through its aliases."""
    return _EXPANSION_BASE + _EXPANSION_PER_CHAR * size


def is_merge_key(key: Node) -> bool:
    """``<<`` written plain is a merge key; a quoted ``"<<"`` is an ordinary key."""
    return key.kind == "scalar" and key.value == "<<" and key.style is None


def walk(node: Node) -> list[Node]:
    out = [node]
    for n in node.items:
        out.extend(walk(n))
    for k, v in node.pairs:
        out.extend(walk(k))
        out.extend(walk(v))
    return out


def scalar_value(node: Node) -> Any:
    """The value of a scalar node, as ruamel reads it (tags applied)."""
    if node.tag and node.tag not in ("!",):
        tag = node.tag
        if tag.startswith(TAG):
            name = tag[len(TAG) :]
            try:
                if name == "int":
                    return to_int(node.value)
                if name == "float":
                    return to_float(node.value)
                if name == "bool":
                    return node.value.lower() in ("true", "yes", "on", "y")
                if name == "null":
                    return None
            except ValueError:
                return node.value
        return node.value
    if node.tag == "!" or node.style is not None:
        return node.value
    return resolve_plain(node.value)


def is_ruamel_bool(value: Any) -> bool:
    """Whether ``value`` is ruamel's boolean that carries an anchor (an int subclass). One can
    only exist once ruamel is loaded, so this never imports it."""
    module = sys.modules.get("ruamel.yaml.scalarbool")
    return module is not None and isinstance(value, module.ScalarBoolean)


def _event_parser() -> YAML:
    """ruamel's plain event parser: no comment gathering (3x faster than round-trip mode) and
    folded scalars read exactly; older ruamel versions without ``base`` have ``safe``."""
    from ruamel.yaml import YAML  # lazy: importing ruamel costs more than ``--help`` may

    try:
        return YAML(typ="base", pure=True)
    except (NotImplementedError, ValueError, KeyError):  # pragma: no cover - old ruamel
        return YAML(typ="safe", pure=True)


def _yaml_error(err: YAMLError, filename: str) -> SpecError:
    from ruamel.yaml.error import MarkedYAMLError  # lazy, as above

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


class Tree:
    """Documents of one text, with every node's position."""

    def __init__(self, text: str, filename: str, *, libyaml: bool = True) -> None:
        self.text = text
        self.filename = filename
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.docs: list[Doc] = []
        self.anchors: dict[str, list[Node]] = {}
        self.aliases: list[Node] = []
        self.scalar_lines: set[int] = set()  # lines inside multi-line scalars (content, not layout)
        self._sizes: dict[int, int] | None = None  # values each node expands to (aliases)
        self._strict = False  # reading libyaml's events: refuse what ruamel may read otherwise
        self._flows: list[bool] = []  # whether each open collection is a flow one (_strict)
        self._too_deep = False
        self._check_flow_depth()
        self._build(libyaml)
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
    def _build(self, libyaml: bool) -> None:
        """Read the text's events into the tree: libyaml's where it vouches for the text
        (:mod:`.cevents`), ruamel's otherwise and for every error message of the parser."""
        found = libyaml_events(self.text) if libyaml else None
        if found is not None:
            events, kinds, rejected = found
            self._strict = True
            try:
                self._read(events, kinds)
                return
            except (rejected, NotVouched):
                pass  # ruamel reads it again (for its error message)
            except SpecError:
                # a refusal of the tree's own: a limit (nesting too deep) holds at once; for the
                # others (a duplicate key, ...), ruamel meets them at the same event unless the
                # rest of the text is not YAML at all
                if self._too_deep or self._reads_to_end(events, kinds, rejected):
                    raise
            finally:
                self._strict = False
            self.docs, self.anchors, self.aliases, self.scalar_lines = [], {}, [], set()
        from ruamel.yaml import events as ev  # lazy, as in _event_parser
        from ruamel.yaml.error import YAMLError

        try:
            self._read(_event_parser().parse(self.text), event_kinds(ev))
        except YAMLError as err:
            raise _yaml_error(err, self.filename) from None

    def _reads_to_end(
        self, events: Iterator[Any], kinds: dict[type, int], rejected: type[Exception]
    ) -> bool:
        """Whether the rest of libyaml's ``events`` reads without an error, as ruamel would."""
        flows = self._flows  # as far as _read came
        try:
            for e in events:
                check_event(self.text, e, kinds.get(type(e), 0), flows)
        except (rejected, NotVouched):
            return False
        return True

    def _read(self, events: Iterator[Any], kinds: dict[type, int]) -> None:
        text = self.text
        strict = self._strict
        stack: list[Node] = []
        pending_key: list[Node | None] = []
        doc: Doc | None = None
        flows: list[bool] = []
        self._flows = flows
        for e in events:
            kind = kinds.get(type(e), 0)
            if kind == SCALAR:
                if e.anchor is None and e.tag is None and e.style not in STYLES:
                    # the common case, made fast: a plain scalar without properties
                    s, end, value = e.start_mark.index, e.end_mark.index, e.value
                    node = Node("scalar", s, s, end, None, None, None, value)
                    if not value:
                        node.empty = True
                    elif text.find("\n", s, end) >= 0:
                        self.scalar_lines.update(range(self.line(s) + 1, self.line(end) + 1))
                else:
                    if strict:
                        check_event(text, e, kind, flows)
                    node = self._scalar(e)
                self._attach(node, stack, pending_key, doc)
                continue
            if strict:
                check_event(text, e, kind, flows)
            if kind == COLLECTION_END:
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
            elif kind in (MAP_START, SEQ_START):
                flow = bool(e.flow_style)
                s = e.start_mark.index
                has_props = e.anchor is not None or e.tag is not None
                content = (e.end_mark.index - 1) if flow else (e.end_mark.index if has_props else s)
                node = Node(
                    kind="map" if kind == MAP_START else "seq",
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
                if len(stack) > MAX_DEPTH:
                    self._too_deep = True
                    raise self.error(
                        f"collections nested more than {MAX_DEPTH} deep; refusing to read on", s
                    )
            elif kind == ALIAS:
                node = Node(
                    kind="alias",
                    start=e.start_mark.index,
                    content=e.start_mark.index,
                    end=e.end_mark.index,
                    anchor=e.anchor,
                )
                self.aliases.append(node)
                self._attach(node, stack, pending_key, doc)
            elif kind == DOC_START:
                doc = Doc(marker=e.start_mark.index if e.explicit else None)
            elif kind == DOC_END:
                assert doc is not None
                if e.explicit:
                    doc.end_marker = e.start_mark.index
                self.docs.append(doc)

    def _check_flow_depth(self) -> None:
        """Refuse flow collections nested past MAX_DEPTH before the parser sees them: its
        scanner reads a whole flow collection before the first event and costs the square of
        the depth."""
        text = self.text
        if text.count("[") + text.count("{") <= MAX_DEPTH:
            return
        depth = 0
        for m in _BRACKETS.finditer(text):
            bracket = m.group()
            if len(bracket) != 1:
                continue  # a comment or a quoted scalar
            depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
            if depth > MAX_DEPTH:
                raise self.error(
                    f"collections nested more than {MAX_DEPTH} deep; refusing to read on",
                    m.start(),
                )

    def _scalar(self, e: Any) -> Node:
        text = self.text
        s = e.start_mark.index
        end = e.end_mark.index
        content = s
        tag = str(e.tag) if e.tag is not None else None
        if e.anchor is not None or (tag is not None and not (e.implicit and e.implicit[0])):
            content = skip_properties(text, s, end)  # after &anchor, !tag
        style = e.style if e.style in STYLES else None
        if style == '"' and _SURROGATE.search(e.value):
            raise self.error(
                "a double-quoted string holds an escaped UTF-16 surrogate (such as \\ud800) "
                "that is not a character; write the character itself",
                s,
            )
        node = Node(
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
            self.scalar_lines.update(range(self.line(content) + 1, self.line(node.end) + 1))
        elif style is None and e.value == "" and tag is None:
            node.empty = True
        elif text.find("\n", content, end) >= 0:
            self.scalar_lines.update(range(self.line(content) + 1, self.line(end) + 1))
        if node.anchor is not None:
            self.anchors.setdefault(node.anchor, []).append(node)
        return node

    def _attach(
        self, node: Node, stack: list[Node], pending_key: list[Node | None], doc: Doc | None
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
            if parent.style == "block":
                i = node.start - 1
                while i >= 0 and self.text[i] in " \t\n":
                    i -= 1
                node.dash = i if i >= 0 and self.text[i] == "-" else -1
                if node.empty and node.dash >= 0:
                    node.start = node.content = node.end = node.dash + 1
                if not parent.items:
                    parent.content = node.dash if node.dash >= 0 else parent.content
            if node.empty and self._strict and node.dash < 0:
                raise NotVouched  # where an empty item is, the two parsers do not agree
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if node.kind != "scalar" and node.kind != "alias":
                raise self.error("complex mapping keys are not supported", node.start)
            if node.empty and self._strict:
                raise NotVouched  # nor where an empty key is
            pending_key[-1] = node
            return
        pending_key[-1] = None
        text = self.text
        i = key.end
        if text.startswith(":", i):
            node.colon = i + 1
        else:
            while i < len(text) and text[i] in " \t":
                i += 1
            node.colon = i + 1 if text.startswith(":", i) else key.end
        node.key = key
        if node.empty:
            node.start = node.content = node.end = node.colon
        # a key's name: its text, or ("*", anchor) for an alias
        seen: str | tuple[str, str] = key.value if key.kind == "scalar" else ("*", key.anchor or "")
        names = parent.names
        if names is None:
            names = parent.names = set()
        if seen in names and not is_merge_key(key):
            name = key.value if key.kind == "scalar" else f"*{key.anchor}"
            raise self.error(f"duplicate key {name!r}", key.start)
        names.add(seen)
        parent.pairs.append((key, node))

    def _check_tabs(self) -> None:
        """Refuse a tab in a line's indentation (not inside a multi-line scalar)."""
        if "\t" not in self.text:
            return
        for m in _TAB_INDENT.finditer(self.text):
            ln = self.line(m.start())
            if ln not in self.scalar_lines:
                raise SpecError(
                    "tab used for indentation; YAML indentation must be spaces",
                    file=self.filename,
                    line=ln + 1,
                    column=m.group().index("\t") + 1,
                )

    # ---- plain data
    def plain(self, node: Node | None) -> Any:
        """The plain value of ``node``, aliases expanded. Aliases nested in anchors grow the
        data exponentially (a "billion laughs" file): past a budget proportional to the text
        the spec is refused instead of taking minutes and all memory."""
        self._budget = expansion_budget(len(self.text))
        if node is not None and self.aliases and self._expanded_size(node) > self._budget:
            first = min(
                (a.start for a in self.aliases if node.start <= a.start < node.end),
                default=node.start,
            )
            raise self.error(
                "aliases expand to far more values than the file holds (nested anchors?); "
                "refusing to expand them",
                first,
            )
        return self._plain(node, 0)

    def _expanded_size(self, node: Node) -> int:
        """How many values ``node`` holds once its aliases are expanded, counted for every node
        of every document in one pass (remembered) without expanding anything; past the budget
        it stops counting. An anchor comes before its aliases, so its size is known when they are
        reached; an alias to an enclosing anchor (a recursive structure) counts as endless."""
        if self._sizes is None:
            over = self._budget + 1
            sizes: dict[int, int] = {}
            stack: list[tuple[Node, bool]] = [
                (d.root, False) for d in reversed(self.docs) if d.root is not None
            ]
            while stack:
                item, done = stack.pop()
                if item.kind == "alias":
                    target = self.anchor_before(item)
                    sizes[id(item)] = 1 if target is None else sizes.get(id(target), over)
                    continue
                children = [*item.items, *(n for pair in item.pairs for n in pair)]
                if not done and children:
                    stack.append((item, True))
                    stack.extend((child, False) for child in reversed(children))
                    continue
                sizes[id(item)] = min(over, 1 + sum(sizes[id(c)] for c in children))
            self._sizes = sizes
        return self._sizes.get(id(node), 1)

    def _plain(self, node: Node | None, depth: int, via: Node | None = None) -> Any:
        """``node``'s value, ``depth`` collections deep, reached through the alias ``via``."""
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
            return scalar_value(node)
        if node.kind == "alias":
            target = self.anchor_before(node)
            if target is None:
                raise self.error(f"unknown alias *{node.anchor}", node.start)
            return self._plain(target, depth, node)
        if depth >= MAX_DEPTH:  # only through aliases: the text itself is nested less deep
            raise self.error(
                f"aliases nest collections more than {MAX_DEPTH} deep; refusing to expand them",
                (via or node).start,
            )
        if node.kind == "seq":
            return [self._plain(n, depth + 1, via) for n in node.items]
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for k, v in node.pairs:
            if is_merge_key(k):
                value = self._plain(v, depth + 1, via)
                sources = value if isinstance(value, list) else [value]
                for src in sources:
                    if not isinstance(src, dict):
                        raise self.error("a merge key '<<' must refer to mappings", v.start)
                    for mk, mv in src.items():
                        merged.setdefault(mk, mv)
                continue
            if k.kind == "alias":
                kv = self._plain(k, depth + 1, via)
                if isinstance(kv, (dict, list)):
                    raise self.error("complex mapping keys are not supported", k.start)
                name = _key_string(kv)
            else:
                name = k.value
            out[name] = self._plain(v, depth + 1, via)
        if merged:
            result = dict(merged)
            result.update(out)
            return result
        return out

    def anchor_before(self, alias: Node) -> Node | None:
        best: Node | None = None
        for n in self.anchors.get(alias.anchor or "", []):
            if n.start < alias.start:
                best = n
        return best

    def referenced(self, node: Node) -> bool:
        if node.anchor is None:
            return False
        return any(self.anchor_before(a) is node for a in self.aliases)


def _key_string(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
