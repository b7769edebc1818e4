"""Small text helpers shared by the renderings and the pull request text: one value on one line,
short shas, aligned tables, Markdown table cells."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .data import MISSING

ABSENT = "(absent)"
CELL_LIMIT = 120


def common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def value_text(value: Any, limit: int | None = None) -> str:
    """A value as one line: strings as they are written, everything else as compact JSON."""
    if value is MISSING:
        return ABSENT
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", "\\n")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def short(sha: str | None) -> str:
    return sha[:7] if sha else "-"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, no trailing blanks."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers).rstrip()]
    lines += [fmt.format(*row).rstrip() for row in rows]
    return lines


def esc(text: str) -> str:
    """Escape a Markdown table cell's pipes."""
    return text.replace("|", "\\|")


def md_value(value: Any) -> str:
    """A value in a Markdown table cell: inline code, pipes escaped, long values cut."""
    text = value_text(value, CELL_LIMIT)
    if text == ABSENT:
        return "*absent*"
    text = esc(text).replace("`", "'")
    return f"`{text}`"


def md_path(path: str) -> str:
    return f"`{esc(path or '/')}`"


def counts(categories: Iterable[str]) -> dict[str, int]:
    """How many differences of each category."""
    out = {"changed": 0, "retained": 0, "attention": 0}
    for category in categories:
        out[category] += 1
    return out


def differences(to_change: int, kept: int, attention: int = 0) -> str:
    """How a promotion stands, in the one wording status, diff, promote and the job summary
    share: ``in sync`` only when nothing differs; ``nothing to change: 2 differences kept by the
    rules`` when every difference is kept; else ``3 to change (1 needs attention), 1 kept by the
    rules``. ``to_change``: differences a promote writes; ``kept``: those it leaves as they are;
    ``attention``: of all of them, those flagged for a reviewer."""
    if to_change == 0 and kept == 0:
        return "in sync"
    if to_change == 0:
        return f"nothing to change: {plural(kept, 'difference')} kept by the rules"
    text = f"{to_change} to change"
    if attention:
        text += f" ({attention} {'needs' if attention == 1 else 'need'} attention)"
    if kept:
        text += f", {kept} kept by the rules"
    return text
