"""Whether a promotion's gates (SPEC section 9) are open for one source version. Pure.

:func:`evaluate` decides each gate of a :class:`.gates.Gates` with an injected ``now`` (no
clock is read here) and the commit's checks as plain data (:class:`CommitChecks`, which the
GitHub provider reads). Every result is a :class:`GateResult`: plain data that ``status``,
``promote``, the pull-request body and the Action render as they need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .gates import CHECKS, SOAK, Gates, format_duration, format_remaining

__all__ = [
    "CheckRun",
    "CommitChecks",
    "CommitStatus",
    "GateResult",
    "closed",
    "evaluate",
    "evaluate_checks",
    "evaluate_soak",
    "refusal",
]

#: Check-run conclusions that count as passed; any other completed conclusion is a failure.
_PASSING_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})
#: Commit status states.
_FAILING_STATES = frozenset({"failure", "error"})


# -- what the provider reads about a commit -----------------------------------------------------


@dataclass(frozen=True)
class CommitStatus:
    """One context of a commit's combined status (``ci/jenkins``: ``success``)."""

    context: str
    state: str  # error | failure | pending | success
    description: str = ""
    target_url: str | None = None


@dataclass(frozen=True)
class CheckRun:
    """One check run of a commit (``test``: completed, failure)."""

    name: str
    status: str  # queued | in_progress | completed | waiting | requested | pending
    conclusion: str | None = None  # success | failure | neutral | cancelled | ... when completed
    url: str | None = None


@dataclass(frozen=True)
class CommitChecks:
    """Everything reported on a commit: its combined status and its check runs."""

    sha: str
    state: str  # the combined status: failure | pending | success
    statuses: tuple[CommitStatus, ...] = ()
    check_runs: tuple[CheckRun, ...] = ()


# -- evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateResult:
    """One gate, evaluated. ``state`` is a short word for tables and JSON:

    - soak: ``open`` or ``soaking`` (then ``opens_at`` is the instant it opens);
    - checks: ``success``, ``failing`` (``failing`` names them), ``pending`` (``pending`` names
      them), ``none`` (nothing reported on the commit) or ``unknown`` (not read: no GitHub).

    ``summary`` is the phrase to show (``soaking, opens in 1h12m``).
    """

    gate: str
    open: bool
    state: str
    summary: str
    opens_at: datetime | None = None
    failing: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "gate": self.gate,
            "open": self.open,
            "state": self.state,
            "summary": self.summary,
        }
        if self.gate == SOAK:
            out["opens_at"] = _iso(self.opens_at) if self.opens_at else None
        if self.gate == CHECKS:
            out["failing"] = list(self.failing)
            out["pending"] = list(self.pending)
        return out


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def evaluate_soak(soak: timedelta, since: datetime, now: datetime) -> GateResult:
    """Open from ``since + soak`` on (exactly at that instant, not a second later)."""
    opens_at = since + soak
    if now >= opens_at:
        return GateResult(SOAK, True, "open", f"soaked {format_duration(soak)}", opens_at)
    when = f"{opens_at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return GateResult(
        SOAK,
        False,
        "soaking",
        f"soaking, opens in {format_remaining(opens_at - now)} ({when})",
        opens_at,
    )


def evaluate_checks(checks: CommitChecks | None) -> GateResult:
    """``checks: success``: no failing or pending status context or check run, and something
    reported at all (a gate never passes by finding nothing).

    GitHub's combined state is ``pending`` for a commit without any status contexts (common when
    CI reports only check runs); that alone does not hold the gate.
    """
    if checks is None:
        return GateResult(
            CHECKS, False, "unknown", "checks unknown: they are read from GitHub (give a token)"
        )
    failing: list[str] = []
    pending: list[str] = []
    for status in checks.statuses:
        if status.state in _FAILING_STATES:
            failing.append(status.context)
        elif status.state != "success":
            pending.append(status.context)
    for run in checks.check_runs:
        if run.status != "completed" or run.conclusion is None:
            pending.append(run.name)
        elif run.conclusion not in _PASSING_CONCLUSIONS:
            failing.append(run.name)
    if checks.statuses and checks.state in _FAILING_STATES and not failing:
        failing.append("combined status")  # GitHub says failure but listed no failing context
    failing_t, pending_t = _unique(failing), _unique(pending)
    short = checks.sha[:7]
    if failing_t:
        text = f"checks failing on {short}: {', '.join(failing_t)}"
        if pending_t:
            text += f" (pending: {', '.join(pending_t)})"
        return GateResult(CHECKS, False, "failing", text, None, failing_t, pending_t)
    if pending_t:
        text = f"checks pending on {short}: {', '.join(pending_t)}"
        return GateResult(CHECKS, False, "pending", text, None, (), pending_t)
    if not checks.statuses and not checks.check_runs:
        return GateResult(CHECKS, False, "none", f"no checks reported on {short}")
    count = len(checks.statuses) + len(checks.check_runs)
    noun = "check" if count == 1 else "checks"
    return GateResult(CHECKS, True, "success", f"{count} {noun} passed on {short}")


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def evaluate(
    gates: Gates,
    *,
    since: datetime | None,
    now: datetime,
    checks: CommitChecks | None = None,
) -> tuple[GateResult, ...]:
    """Every gate of ``gates`` for one source version, in a fixed order (soak, checks).

    ``since`` is the source version's commit date (:func:`parse_date` of ``Version.date``);
    ``checks`` what the provider read for its commit (``None`` when it could not be read).
    """
    results: list[GateResult] = []
    if gates.soak is not None:
        if since is None:
            raise ValueError("a soak gate needs the source version's date")
        results.append(evaluate_soak(gates.soak, since, now))
    if gates.checks is not None:
        results.append(evaluate_checks(checks))
    return tuple(results)


def closed(results: Sequence[GateResult]) -> tuple[GateResult, ...]:
    """The results that hold the promotion back."""
    return tuple(r for r in results if not r.open)


def refusal(subject: str, results: Sequence[GateResult]) -> str | None:
    """The one-line reason to refuse a promotion, or ``None`` when every gate is open.

    ``subject`` names the promotion: ``promoting api from staging v7 to prod``.
    """
    shut = closed(results)
    if not shut:
        return None
    reasons = "; ".join(f"{r.gate} gate closed: {r.summary}" for r in shut)
    return f"{subject} is refused: {reasons}; promote with --force to override"
