"""Renderings of results: terminal text (:mod:`.text`), Markdown job summaries
(:mod:`.markdown`) and the JSON documents of ``--output json`` (:mod:`.jsondata`).

Pure functions over result values; nothing here prints, reads files or calls git. Only the outer
layer (the CLI) imports this package; the use cases return results and know nothing of it.
"""

from __future__ import annotations

from ..textfmt import short, value_text
from .jsondata import (
    change_json,
    check_json,
    history_json,
    promotion_json,
    rollback_json,
    show_json,
    status_json,
    update_json,
)
from .markdown import check_md, history_md, promotion_md, rollback_md, status_md, update_md
from .text import (
    check_text,
    history_text,
    promotion_text,
    rollback_text,
    status_text,
    update_text,
)

__all__ = [
    "change_json",
    "check_json",
    "check_md",
    "check_text",
    "history_json",
    "history_md",
    "history_text",
    "promotion_json",
    "promotion_md",
    "promotion_text",
    "rollback_json",
    "rollback_md",
    "rollback_text",
    "short",
    "show_json",
    "status_json",
    "status_md",
    "status_text",
    "update_json",
    "update_md",
    "update_text",
    "value_text",
]
