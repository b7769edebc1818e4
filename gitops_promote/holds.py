"""Holds (SPEC section 9): a spec whose current version is a rollback stays put. Pure.

A rollback is a decision someone took on purpose; the next scheduled promote must not undo it.
So while a spec's newest version is a rollback, the spec is *held*: ``promote`` into it refuses
unless ``--force``, ``promote --all`` skips it. The next version written by ``update`` or by a
forced promote is not a rollback, and that ends the hold: nothing needs to be stored anywhere,
the history says it all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .history import Version, Versions
from .messages import FORCED, RESTORES

__all__ = ["FORCED_TRAILER", "Hold", "find_hold"]

#: Trailer of a promote commit that went through a hold or a gate with ``--force``.
FORCED_TRAILER = FORCED


@dataclass(frozen=True)
class Hold:
    """``env/service`` is held by the rollback ``held``, which restored ``restores`` (``v5``)."""

    env: str
    service: str
    held: Version
    restores: str | None  # "v5"; None when the rollback does not say which version it restored
    restores_sha: str | None

    @property
    def author(self) -> str:
        return self.held.author

    @property
    def date(self) -> str:
        """The rollback's day, ``2026-10-08`` (its author date, as git recorded it)."""
        return self.held.date[:10]

    @property
    def what(self) -> str:
        """``v11 rolls back to v5``."""
        if self.restores:
            return f"{self.held.label} rolls back to {self.restores}"
        return f"{self.held.label} is a rollback"

    @property
    def message(self) -> str:
        """``prod/api is held: v11 rolls back to v5 (by Marco Rossi, 2026-10-08); promote with
        --force to replace it``: the refusal of a promote, one line."""
        return (
            f"{self.env}/{self.service} is held: {self.what} (by {self.author}, {self.date}); "
            "promote with --force to replace it"
        )

    @property
    def forced_trailer(self) -> tuple[str, str]:
        """The trailer a forced promote writes: ``Gitops-Promote-Forced: hold v11 (...)``."""
        return FORCED_TRAILER, f"hold {self.what} ({self.held.short_sha})"

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "env": self.env,
            "version": self.held.label,
            "sha": self.held.sha,
            "restores": self.restores,
            "restores_sha": self.restores_sha,
            "author": self.author,
            "date": self.held.date,
            "message": self.message,
        }


def find_hold(env: str, service: str, versions: Sequence[Version]) -> Hold | None:
    """The hold on ``env/service`` if its current version is a rollback, else ``None``.

    ``versions`` are the spec's versions in any order (``history.versions`` gives them oldest
    first; ``history`` prints them newest first): the current one is the highest-numbered.
    Which version the rollback restored comes from its ``Gitops-Promote-Restores: v5 <sha>``
    trailer, the sha winning over the label when it names a known version; without the trailer,
    from the newest earlier version with the same content.
    """
    if not versions:
        return None
    # a pass's versions are oldest first: the current one is the last, read without making
    # a Version of every other
    current = versions[-1] if isinstance(versions, Versions) else max(versions, key=_number)
    if current.kind != "rollback":
        return None
    label, sha = _restores(current)
    earlier = [v for v in versions if v.number < current.number]
    if sha:
        found = [v for v in earlier if v.sha.startswith(sha.lower())]
        if len(found) == 1:
            label, sha = found[0].label, found[0].sha
    if label is None:
        same = [v for v in earlier if v.blob == current.blob]
        if same:
            newest = max(same, key=_number)
            label, sha = newest.label, newest.sha
    return Hold(env=env, service=service, held=current, restores=label, restores_sha=sha)


def _number(version: Version) -> int:
    return version.number


def _restores(version: Version) -> tuple[str | None, str | None]:
    """``("v5", "<sha>")`` from the Restores trailer (either part may be missing)."""
    value = None
    for key, text in version.trailers.items():
        if key.lower() == RESTORES.lower():
            value = text
    if not value:
        return None, None
    label: str | None = None
    sha: str | None = None
    for word in value.split():
        low = word.lower()
        if label is None and low[:1] == "v" and low[1:].isdigit():
            label = low
        elif sha is None and len(low) >= 4 and all(c in "0123456789abcdef" for c in low):
            sha = low
    return label, sha
