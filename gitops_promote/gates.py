"""Promotion gates (SPEC section 9): ``soak: DURATION`` and ``checks: success``. Pure.

A promotion in the config may carry gates::

    promotions: [dev->staging, {from: staging, to: prod, soak: 2h, checks: success}]

:func:`parse_gates` reads the gate keys of such a mapping into :class:`Gates`;
:func:`evaluate` decides, for one source version, whether each gate is open, with an injected
``now`` (no clock is read here) and the commit's checks as plain data (:class:`CommitChecks`,
which the GitHub provider reads). Every result is a :class:`GateResult`: plain data that
``status``, ``promote``, the pull-request body and the Action render as they need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "CHECKS",
    "CHECKS_VALUES",
    "GATE_NAMES",
    "MAX_DURATION",
    "SOAK",
    "CheckRun",
    "CommitChecks",
    "CommitStatus",
    "GateResult",
    "GateSpecError",
    "Gates",
    "closed",
    "evaluate",
    "evaluate_checks",
    "evaluate_soak",
    "format_duration",
    "format_remaining",
    "parse_date",
    "parse_duration",
    "parse_gates",
    "refusal",
]

SOAK = "soak"
CHECKS = "checks"
GATE_NAMES = (SOAK, CHECKS)
#: What ``checks:`` may say.
CHECKS_VALUES = ("success",)
#: The longest soak accepted: beyond it a typo is likelier than intent.
MAX_DURATION = timedelta(days=3650)

_UNITS = (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_DURATION_RE = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_DURATION_HINT = "write it like 90s, 30m, 2h or 1d12h"

#: Check-run conclusions that count as passed; any other completed conclusion is a failure.
_PASSING_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})
#: Commit status states.
_FAILING_STATES = frozenset({"failure", "error"})


class GateSpecError(ValueError):
    """A gate in the config is wrong. ``key`` is the gate's key (``soak``), for the config
    loader to find its line; ``message`` says what is wrong without a location."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


# -- durations ------------------------------------------------------------------------------


def parse_duration(value: object) -> timedelta:
    """``2h``, ``30m``, ``1d12h``, ``90s`` (also ``w``eeks; units largest first, each once).

    Raises :class:`GateSpecError` (without a key) saying what is wrong and how to write it.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise GateSpecError(f"a duration must be text like 2h, not {_describe(value)}")
    if isinstance(value, (int, float)):
        raise GateSpecError(f"the duration {value!r} has no unit: {_DURATION_HINT}")
    text = "".join(value.split()).lower()
    if not text:
        raise GateSpecError(f"the duration is empty: {_DURATION_HINT}")
    if text.isdigit():
        raise GateSpecError(f"the duration {value!r} has no unit: {_DURATION_HINT}")
    m = _DURATION_RE.fullmatch(text)
    if m is None:
        raise GateSpecError(
            f"invalid duration {value!r}: {_DURATION_HINT} (units w, d, h, m, s, largest first)"
        )
    seconds = sum(int(n) * size for n, (_, size) in zip(m.groups(), _UNITS, strict=True) if n)
    if seconds == 0:
        raise GateSpecError(f"the duration {value!r} is zero: give a positive one or no gate")
    if seconds > MAX_DURATION.total_seconds():
        raise GateSpecError(
            f"the duration {value!r} is longer than {format_duration(MAX_DURATION)}"
        )
    return timedelta(seconds=seconds)


def format_duration(duration: timedelta) -> str:
    """``1d12h``, ``1h12m``, ``1m30s``, ``0s``: whole seconds, largest unit first, no weeks.

    ``parse_duration(format_duration(d)) == d`` for every positive whole-second ``d``.
    """
    total = int(duration.total_seconds())
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in _UNITS[1:]:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def format_remaining(duration: timedelta) -> str:
    """A wait as people read it: seconds under a minute, else rounded UP to whole minutes
    (``1h12m`` for 1h11m01s), so a gate never opens before the time it announced."""
    seconds = math.ceil(duration.total_seconds())
    if seconds <= 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    return format_duration(timedelta(minutes=math.ceil(seconds / 60)))


def parse_date(text: str) -> datetime:
    """A commit date as git prints it (``%aI``/``%cI``: ISO 8601 with an offset), timezone-aware.

    A date without an offset is taken as UTC.
    """
    parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# -- the gates of a promotion -----------------------------------------------------------------


@dataclass(frozen=True)
class Gates:
    """The gates of one promotion; no gates at all is ``Gates()`` (falsy)."""

    soak: timedelta | None = None
    checks: str | None = None  # "success"

    def __bool__(self) -> bool:
        return self.soak is not None or self.checks is not None

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, value in ((SOAK, self.soak), (CHECKS, self.checks)) if value)

    def describe(self) -> str:
        """``soak 2h, checks success`` (empty when there are none)."""
        parts = []
        if self.soak is not None:
            parts.append(f"soak {format_duration(self.soak)}")
        if self.checks is not None:
            parts.append(f"checks {self.checks}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, str]:
        out = {}
        if self.soak is not None:
            out[SOAK] = format_duration(self.soak)
        if self.checks is not None:
            out[CHECKS] = self.checks
        return out


def parse_gates(options: Mapping[str, Any]) -> Gates:
    """The gates among a promotion mapping's keys (``from`` and ``to`` are the caller's).

    Raises :class:`GateSpecError` whose ``key`` names the offending key.
    """
    soak: timedelta | None = None
    checks: str | None = None
    for key, value in options.items():
        if key in ("from", "to"):
            continue
        if key == SOAK:
            try:
                soak = parse_duration(value)
            except GateSpecError as err:
                raise GateSpecError(f"soak: {err.message}", SOAK) from None
        elif key == CHECKS:
            if not isinstance(value, str) or value.strip().lower() not in CHECKS_VALUES:
                allowed = ", ".join(CHECKS_VALUES)
                raise GateSpecError(f"checks must be {allowed}, not {_describe(value)}", CHECKS)
            checks = value.strip().lower()
        else:
            known = ", ".join(("from", "to", *GATE_NAMES))
            raise GateSpecError(f"unknown gate {str(key)!r} (a promotion knows: {known})", str(key))
    return Gates(soak=soak, checks=checks)


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (bool, int, float)):
        return f"{type(value).__name__} {value!r}"
    return f"a {type(value).__name__}"


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
