"""What a forced promote went through (SPEC section 9): a hold or a closed gate, per service.

A ``--force`` promote records each override twice: as a ``Gitops-Promote-Forced`` trailer of the
service's commit (so that history keeps it) and in the pull request's "Forced" section (so that
reviewers see it). Plain data, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .gates import GateResult
from .messages import FORCED
from .textfmt import esc

if TYPE_CHECKING:  # holds reads history, which loads the git layer: the type only
    from .holds import Hold

__all__ = ["Override", "of_gate", "of_hold", "overrides_md"]


@dataclass(frozen=True)
class Override:
    """``service`` was promoted over ``what`` (``hold`` or ``soak gate``): ``detail`` says why
    it was closed (``v11 rolls back to v5 (by Marco Rossi, 2026-10-08)``)."""

    service: str
    what: str  # hold | soak gate | checks gate
    detail: str
    trailer_value: str

    @property
    def trailer(self) -> tuple[str, str]:
        return FORCED, self.trailer_value

    @property
    def line(self) -> str:
        """``api: hold overridden: v11 rolls back to v5 (by Marco Rossi, 2026-10-08)``."""
        return f"{self.service}: {self.what} overridden: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "overridden": self.what, "detail": self.detail}


def of_hold(hold: Hold) -> Override:
    detail = f"{hold.env}/{hold.service} {hold.what} (by {hold.author}, {hold.date})"
    return Override(hold.service, "hold", detail, hold.forced_trailer[1])


def of_gate(service: str, result: GateResult) -> Override:
    what = f"{result.gate} gate"
    return Override(service, what, result.summary, f"{what}: {result.summary}")


def _md(text: str) -> str:
    return esc(" ".join(text.split()))


def overrides_md(held: Sequence[Hold], forced: Sequence[Override]) -> list[str]:
    """The pull request's "Held" and "Forced" sections (Markdown lines, empty when neither).

    ``held``: services skipped because their target is held (a rollback that stays put);
    ``forced``: what ``--force`` overrode, service by service.
    """
    out: list[str] = []
    if held:
        out += [
            f"### Held ({len(held)}): not promoted",
            "",
            "A rollback is in place; promote with `--force` to replace it.",
            "",
        ]
        out += [
            f"- `{h.service}`: {_md(h.env)} {_md(h.what)} (by {_md(h.author)}, {h.date})"
            for h in held
        ]
        out.append("")
    if forced:
        out += [
            f"### ⚠️ Forced ({len(forced)}): promoted with `--force` over",
            "",
        ]
        out += [f"- `{o.service}`: {o.what}: {_md(o.detail)}" for o in forced]
        out.append("")
    return out
