"""Writing new text: scalars quoted so that every YAML reader gets the same value back, and
plain values rendered as block or flow collections in the file's layout."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .layout import Layout
from .scalars import BOOL_12, FLOAT_12, INT_12, NULL
from .tree import Node

# YAML 1.1's implicit types: what kubectl, Helm and PyYAML would make of a new plain string
BOOL_11 = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
FLOAT_11 = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
INT_11 = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0?[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
#: what YAML may not hold: the complement of tab, LF, printable ASCII, NEL and the printable
#: ranges above (written as the complement's own ranges, which compile in a fraction of the time)
NONPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _plain_ok(s: str, flow: bool = False) -> bool:
    """Whether ``s`` can be written unquoted and read back as the same string by YAML 1.1 and
    1.2 readers alike."""
    if not s or s != s.strip() or "\n" in s or NONPRINTABLE.search(s) or LINE_BREAKS.search(s):
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
    for pattern in (NULL, BOOL_11, BOOL_12, INT_11, INT_12, FLOAT_11, FLOAT_12, TIMESTAMP):
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
        and not NONPRINTABLE.search(s)
        and not LINE_BREAKS.search(s)
    )


def _single(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def literal_ok(s: str) -> bool:
    """Whether ``s`` can be written as a ``|`` block scalar."""
    if "\n" not in s or LINE_BREAKS.search(s) or NONPRINTABLE.search(s):
        return False
    lines = s.rstrip("\n").split("\n")
    if not s.strip("\n"):
        return False
    first = next(ln for ln in lines if ln)
    if first[0] in " \t":
        return False
    return all(ln == "" or ln.strip(" ") != "" for ln in lines)


def literal(s: str, indent: int) -> tuple[str, list[str]]:
    """A ``|`` block scalar: header and body lines at ``indent``."""
    if s.endswith("\n\n"):
        header, body = "|+", s[:-1]
    elif s.endswith("\n"):
        header, body = "|", s[:-1]
    else:
        header, body = "|-", s
    pad = " " * indent
    return header, [pad + ln if ln else "" for ln in body.split("\n")]


class Renderer:
    """Text for plain values in ``layout``. With ``literals`` off (an edit retried in the
    plainest form, after a block scalar met text around it that changed its meaning), a
    multi-line string is double-quoted instead of written as a ``|`` block."""

    def __init__(self, layout: Layout, literals: bool = True) -> None:
        self.lay = layout
        self.literals = literals

    def literal_ok(self, s: str) -> bool:
        return self.literals and literal_ok(s)

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

    def scalar(self, value: Any, old: Node | None = None, flow: bool = False) -> str:
        old_text = old.value if old is not None and old.kind == "scalar" else ""
        old_plain = old is not None and old.kind == "scalar" and old.style is None
        if value is None:
            if old_plain and old is not None and not old.empty and NULL.match(old_text):
                return old_text
            return self.lay.null_text
        if isinstance(value, bool):
            word = "true" if value else "false"
            if old_plain and BOOL_12.match(old_text):
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
        if isinstance(v, str) and self.literal_ok(v):
            header, body = literal(v, col + self.lay.map_indent)
            return [head + " " + header, *body]
        return [head + " " + self.scalar(v)]

    def item(self, v: Any, dash_col: int) -> list[str]:
        inner = dash_col + self.lay.item_indent
        dash = " " * dash_col + "-" + " " * (self.lay.item_indent - 1)
        if isinstance(v, (dict, list)) and v:
            sub = self.block(v, inner)
            return [dash + sub[0][inner:], *sub[1:]]
        if isinstance(v, str) and self.literal_ok(v):
            header, body = literal(v, inner)
            return [dash + header, *body]
        return [dash + self.scalar(v)]


def reindent(lines: list[str], delta: int) -> list[str]:
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
class Content:
    """New text for a node. ``inline`` goes where the node starts (after ``key: `` or ``- ``);
    ``lines`` follow on their own lines, fully indented. ``shape`` is the new node's kind."""

    inline: str | None
    lines: list[str]
    shape: str  # "scalar" | "map" | "seq" | "flow" | "literal"


def join_lines(c: Content) -> list[str]:
    head = [c.inline] if c.inline is not None else []
    return head + c.lines
