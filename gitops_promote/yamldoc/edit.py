"""One change to a document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .parsed import ParsedText
from .plain import Path, to_plain


@dataclass(frozen=True)
class Edit:
    """One change to a document; see :meth:`YamlDoc.edit`. ``copy_from`` names a source
    document (a :class:`YamlDoc`), a document index in it and a path."""

    path: Path
    doc: int = 0
    value: Any = None
    delete: bool = False
    copy_from: tuple[ParsedText, int, Path] | None = None
    after: str | int | None = None


def value_of(e: Edit) -> Any:
    """The plain value ``e`` writes."""
    if e.copy_from is not None:
        src, sdoc, spath = e.copy_from
        return src.get(sdoc, spath)
    return to_plain(e.value)
