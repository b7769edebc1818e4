"""A directory spec's files as ``show`` prints them: each file under a ``==> FILE <==`` header
(as ``head`` prints several files), its bytes exactly as stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..versioning import ShowResult


def files_text(res: ShowResult) -> bytes:
    chunks: list[bytes] = []
    for i, (rel, data) in enumerate((res.files or {}).items()):
        head = f"{'' if i == 0 else chr(10)}==> {rel} <==\n".encode("utf-8", "surrogateescape")
        chunks += [head, data if data.endswith(b"\n") or not data else data + b"\n"]
    return b"".join(chunks)
