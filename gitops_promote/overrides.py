"""What a forced promote went through (SPEC section 9): a hold or a closed gate, per service.

A ``--force`` promote records each override twice: as a ``Gitops-Promote-Forced`` trailer of the
service's commit (so that history keeps it) and in the pull request's "Forced" section (so that
reviewers see it: :func:`gitops_promote.render.prbody.overrides_md`). Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .gatecheck import GateResult
from .messages import FORCED

if TYPE_CHECKING:  # holds reads history, which loads the git layer: the type only
    from .holds import Hold

__all__ = ["Override", "of_gate", "of_hold"]


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
