"""libyaml's event stream, for building the node tree fast (PyYAML's C parser, imported lazily).

ruamel's pure-Python event parser costs about 50 microseconds an event; libyaml's costs a
twentieth of that. The tree is built from libyaml's events wherever they are certain to be
ruamel's own: the same events, the same character positions. A text holds nothing libyaml might
read otherwise only if it has no tab, no carriage return, no NEL, line or paragraph separator
(YAML 1.1 line breaks that YAML 1.2 reads as content), no byte-order mark inside it, no NUL
(libyaml's end of input), no lone surrogate (not UTF-8) and no directive (``%YAML 1.1``
changes how ruamel reads the rest). For any other text, or without
libyaml, :func:`libyaml_events` gives ``None`` and the tree reads the text with ruamel; where
libyaml rejects a text, ruamel reads it too, for its error message (file, line and column).

libyaml counts positions in characters (its reader advances ``mark.index`` by one per character,
whatever its width in UTF-8); that is checked once, and a libyaml that counted bytes would read
ASCII texts only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: Event kinds, as the tree builder tells them apart (0: an event it ignores).
DOC_START, DOC_END, MAP_START, SEQ_START, COLLECTION_END, SCALAR, ALIAS = range(1, 8)
_KINDS = {
    "DocumentStartEvent": DOC_START,
    "DocumentEndEvent": DOC_END,
    "MappingStartEvent": MAP_START,
    "SequenceStartEvent": SEQ_START,
    "MappingEndEvent": COLLECTION_END,
    "SequenceEndEvent": COLLECTION_END,
    "ScalarEvent": SCALAR,
    "AliasEvent": ALIAS,
    "StreamStartEvent": 0,
    "StreamEndEvent": 0,
}
_NOT_VOUCHED = re.compile(r"[\x00\t\r\x85\u2028\u2029\ufeff\ud800-\udfff]|^%", re.M)
_state: dict[str, Any] = {}


def event_kinds(module: Any) -> dict[type, int]:
    """The kind of each event class of ``module`` (PyYAML's or ruamel's ``events``)."""
    return {getattr(module, name): kind for name, kind in _KINDS.items()}


def _parser() -> Any:
    """PyYAML's C parser class (``None`` without libyaml), its event kinds and its error."""
    if "parser" not in _state:
        _state["parser"] = None
        try:
            import yaml  # type: ignore[import-untyped]  # lazy: not for --help

            parser = yaml.CBaseLoader
        except (ImportError, AttributeError):
            return None
        _state["kinds"] = event_kinds(yaml.events)
        _state["error"] = yaml.YAMLError
        _state["parser"] = parser
        _state["chars"] = _counts_characters(parser)
    return _state["parser"]


def _counts_characters(parser: Any) -> bool:
    """Whether libyaml's positions count characters (as Python's string indexes do)."""
    loader = parser("\u00e9\U0001f600: x\n")
    try:
        events = list(iter(loader.get_event, None))
    finally:
        loader.dispose()
    return [e.start_mark.index for e in events if type(e).__name__ == "ScalarEvent"] == [0, 4]


def vouched(text: str) -> bool:
    """Whether libyaml reads ``text`` exactly as ruamel does (see the module's docstring)."""
    if _NOT_VOUCHED.search(text) is not None:
        return False
    return _parser() is not None and (_state["chars"] or text.isascii())


def libyaml_events(text: str) -> tuple[Iterator[Any], dict[type, int], type[Exception]] | None:
    """libyaml's events of ``text`` (read as they are asked for), their kinds and the error
    libyaml raises; ``None`` when the tree must read ``text`` with ruamel instead."""
    if not vouched(text):
        return None
    loader = _state["parser"](text)
    return iter(loader.get_event, None), _state["kinds"], _state["error"]


def read_through(text: str, max_depth: int) -> bool:
    """Whether libyaml reads all of ``text`` (a vouched text) as ruamel would, with collections
    nested at most ``max_depth`` deep: for readers that take libyaml's data without a tree."""
    found = libyaml_events(text)
    if found is None:
        return False
    events, kinds, rejected = found
    flows: list[bool] = []
    try:
        for e in events:
            kind = kinds.get(type(e), 0)
            if kind != SCALAR or e.anchor or e.tag or e.style in STYLES:
                check_event(text, e, kind, flows)
                if len(flows) > max_depth:
                    return False
                if kind == SCALAR and e.tag == "!" and e.style in STYLES:
                    return False  # PyYAML's loader resolves ! "x" as if it were plain
    except (rejected, NotVouched):
        return False
    return True


class NotVouched(Exception):
    """libyaml's events of this text may not be ruamel's: the tree reads it with ruamel."""


# Node properties the two parsers read alike: an anchor of letters, digits, '-' and '_' (ruamel
# reads further, to ':' and beyond) and a tag of a plain name or '!' (not a verbatim '!<...>',
# nor '!!!x'); a node has one or the other, not both (with both, the two put its start at
# different properties).
_PROPERTY = re.compile(r"&[A-Za-z0-9_-]+|!|!!?[A-Za-z0-9_-][A-Za-z0-9_\-./:;=+$]*")
_HEADER = re.compile(r"[|>]([1-9][-+]?|[-+][1-9]?)?(?: +#.*| *)")  # group 1: the indicators
_AFTER_ALIAS = frozenset(" \n,]}")
# the rest of a '...' line, blank or comment lines, and another '...'
_ANOTHER_END = re.compile(r"[^\n]*(?:\n *(?:#[^\n]*)?)*\n\.\.\.(?:[ \n]|$)")
#: The scalar styles (a plain scalar's is None or "").
STYLES = frozenset(("'", '"', "|", ">"))


def check_event(text: str, e: Any, kind: int, flows: list[bool]) -> None:
    """Raise :class:`NotVouched` where ruamel may read the text around event ``e`` otherwise
    (``flows``: whether each open collection is a flow one, kept up to date here)."""
    if kind == SCALAR:
        start, end = e.start_mark.index, e.end_mark.index
        if e.anchor is not None or e.tag is not None:
            _check_properties(text, start, skip_properties(text, start, end), e.anchor)
            if e.tag == "!" and not e.value:
                raise NotVouched  # '!' on nothing: its implicit flags differ
        if e.style in ("'", '"'):
            _check_adjacent_value(text, end)
        elif e.style in ("|", ">"):
            if not flows:  # a document that is a block scalar: where it ends, they disagree
                raise NotVouched
            _check_header(text, skip_properties(text, start, end))
    elif kind in (MAP_START, SEQ_START):
        flow = bool(e.flow_style)
        flows.append(flow)
        if e.anchor is not None or e.tag is not None:
            content = e.end_mark.index - 1 if flow else e.end_mark.index
            _check_properties(text, e.start_mark.index, content, e.anchor)
    elif kind == COLLECTION_END:
        if flows.pop():
            _check_adjacent_value(text, e.end_mark.index)
    elif kind == ALIAS:
        _check_alias(text, e.start_mark.index, e.end_mark.index, e.anchor)
    elif kind == DOC_END and e.explicit and _ANOTHER_END.match(text, e.end_mark.index):
        raise NotVouched  # '...' again: libyaml reads on, ruamel refuses


def skip_properties(text: str, start: int, end: int) -> int:
    """Where a node's own text begins after its properties (``&anchor``, ``!tag``)."""
    i = start
    while i < end and text[i] in "&!":
        while i < end and text[i] not in " \t\n":
            i += 1
        while i < end and text[i] in " \t\n":
            i += 1
    return i


def _check_properties(text: str, start: int, content: int, anchor: str | None) -> None:
    """The properties written from ``start`` to ``content``: one anchor or one tag."""
    tokens = text[start:content].split()
    if len(tokens) != 1 or _PROPERTY.fullmatch(tokens[0]) is None:
        raise NotVouched
    if anchor is not None and tokens[0] != "&" + anchor:
        raise NotVouched
    after = start + len(tokens[0])  # ruamel's anchor goes on past ':' and more
    if after < len(text) and text[after] not in " \n":
        raise NotVouched


def _check_alias(text: str, start: int, end: int, anchor: str) -> None:
    """An alias ``*name`` that ends where ruamel's does (ruamel reads ``*a:b`` as one name)."""
    if text[start:end] != "*" + anchor or _PROPERTY.fullmatch("&" + anchor) is None:
        raise NotVouched
    if end < len(text) and text[end] not in _AFTER_ALIAS:
        raise NotVouched


def _check_header(text: str, content: int) -> None:
    """A block scalar's header: indicators, then nothing or a comment after a space; without an
    indentation indicator, no line of spaces before the first line of text (ruamel refuses
    some that libyaml reads)."""
    eol = text.find("\n", content)
    eol = len(text) if eol < 0 else eol
    header = _HEADER.fullmatch(text, content, eol)
    if header is None:
        raise NotVouched
    if not any(c.isdigit() for c in header.group(1) or ""):
        start = eol + 1
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            if text[start:end].strip(" "):
                break
            if start < end:
                raise NotVouched
            start = end + 1


def _check_adjacent_value(text: str, end: int) -> None:
    """After a quoted scalar or a flow collection, a ':' right before a value (``'a':b``) is
    read by YAML 1.2 rules by ruamel (a mapping in some places, an error in others)."""
    i = end
    n = len(text)
    while i < n and text[i] == " ":
        i += 1
    if i < n and text[i] == ":" and i + 1 < n and text[i + 1] not in " \n":
        raise NotVouched
