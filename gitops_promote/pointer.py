"""JSON Pointers (RFC 6901) with ``*`` segments and ``Kind:`` qualifiers, as rule paths use them.

A *rule path* is ``[Kind:]/seg/seg/...`` where a segment ``*`` matches any key or list item.
A *report path* addresses an item of a keyed list (a list of mappings that all carry ``name``)
by its name, and is prefixed ``Kind/name:`` in a multi-document spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WILDCARD = "*"
_KIND_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*):(/.*|)$")
# a file of a directory spec before the rule: ``deploy.yaml:/spec/replicas``
_FILE_RE = re.compile(r"^([^:/][^:]*\.[A-Za-z0-9]+):(.*)$")


def escape(segment: str) -> str:
    """Escape one segment for a JSON Pointer (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    """Reverse :func:`escape`; raise ``ValueError`` on an invalid ``~`` escape."""
    if re.search(r"~(?![01])", segment):
        raise ValueError(f"invalid escape '~' in segment {segment!r} (use ~0 for '~', ~1 for '/')")
    return segment.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> tuple[str, ...]:
    """Split a JSON Pointer into unescaped segments. ``""`` is the whole document."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON Pointer: it must start with '/'")
    return tuple(unescape(s) for s in pointer[1:].split("/"))


def join(segments: tuple[str | int, ...] | list[str | int]) -> str:
    """Build a JSON Pointer from segments (ints become list indices)."""
    return "".join("/" + escape(str(s)) for s in segments)


@dataclass(frozen=True, order=True)
class RulePath:
    """A parsed rule path: optional document kind and pointer segments (``*`` allowed)."""

    kind: str | None
    segments: tuple[str, ...]
    #: in a directory spec, the file (relative to the directory) the rule is for
    file: str | None = None

    @classmethod
    def parse(cls, text: str) -> RulePath:
        """Parse ``[FILE:][Kind:]/a/b/*``; ValueError with a readable reason if invalid."""
        if not isinstance(text, str):
            raise ValueError(f"a rule path must be a string, got {type(text).__name__}")
        kind: str | None = None
        file: str | None = None
        pointer = text
        m = _FILE_RE.match(text)
        if m:
            file, pointer = m.group(1), m.group(2)
            text = pointer
        m = _KIND_RE.match(text)
        if m:
            kind, pointer = m.group(1), m.group(2)
        if pointer == "":
            raise ValueError(f"{text!r} is not a JSON Pointer: it names no path (use e.g. /image)")
        if not pointer.startswith("/"):
            raise ValueError(f"{text!r} is not a JSON Pointer: it must start with '/'")
        segments = split(pointer)
        if any(s == "" for s in segments):
            raise ValueError(f"{text!r} is not a JSON Pointer: it has an empty segment ('//')")
        return cls(kind, segments, file)

    def __str__(self) -> str:
        body = join(list(self.segments))
        body = f"{self.kind}:{body}" if self.kind else body
        return f"{self.file}:{body}" if self.file else body
