"""Promotion gates (SPEC section 9) as the config states them: ``soak: DURATION`` and
``checks: success``. Pure.

A promotion in the config may carry gates::

    promotions: [dev->staging, {from: staging, to: prod, soak: 2h, checks: success}]

:func:`parse_gates` reads the gate keys of such a mapping into :class:`Gates`; durations and
commit dates are read and written here. Whether a gate is open for one version is
:mod:`.gatecheck`'s work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "CHECKS",
    "CHECKS_VALUES",
    "GATE_NAMES",
    "MAX_DURATION",
    "SOAK",
    "GateSpecError",
    "Gates",
    "format_duration",
    "format_remaining",
    "parse_date",
    "parse_duration",
    "parse_gates",
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
