"""Promotion gates as the config states them (SPEC section 9): durations, commit dates, the gate
model (whether a gate is open is test_gatecheck's)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.gates import (
    MAX_DURATION,
    Gates,
    GateSpecError,
    format_duration,
    format_remaining,
    parse_date,
    parse_duration,
    parse_gates,
)

COMMITTED = datetime(2026, 10, 8, 12, 0, tzinfo=timezone.utc)

# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2h", 7200),
        ("30m", 1800),
        ("1d12h", 129600),
        ("90s", 90),
        ("1w", 604800),
        ("1d 12h", 129600),
        ("2H", 7200),
        (" 45m ", 2700),
        ("1h0m", 3600),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2x", "invalid duration '2x': write it like 90s, 30m, 2h or 1d12h"),
        ("30m2h", "invalid duration '30m2h': write it like 90s, 30m, 2h or 1d12h"),
        ("2h2h", "invalid duration '2h2h'"),
        ("-2h", "invalid duration '-2h'"),
        ("1.5h", "invalid duration '1.5h'"),
        ("PT2H", "invalid duration 'PT2H'"),
        ("90", "the duration '90' has no unit: write it like 90s, 30m, 2h or 1d12h"),
        (90, "the duration 90 has no unit"),
        ("", "the duration is empty"),
        ("0h", "the duration '0h' is zero: give a positive one or no gate"),
        ("4000d", "the duration '4000d' is longer than 3650d"),
        (None, "a duration must be text like 2h, not nothing"),
        (True, "a duration must be text like 2h, not bool True"),
        (["2h"], "a duration must be text like 2h, not a list"),
    ],
)
def test_bad_durations_say_what_is_wrong(value: object, message: str) -> None:
    with pytest.raises(GateSpecError) as caught:
        parse_duration(value)

    assert caught.value.message.startswith(message)
    assert caught.value.key is None
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(90, "1m30s"), (7200, "2h"), (129600, "1d12h"), (604800, "7d"), (4320, "1h12m"), (0, "0s")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(timedelta(seconds=seconds)) == text


@given(st.integers(min_value=1, max_value=int(MAX_DURATION.total_seconds())))
def test_durations_round_trip(seconds: int) -> None:
    duration = timedelta(seconds=seconds)

    text = format_duration(duration)

    assert parse_duration(text) == duration
    assert format_duration(parse_duration(text)) == text


@given(
    st.lists(st.integers(min_value=0, max_value=99), min_size=5, max_size=5).filter(any),
    st.sampled_from(["", " "]),
)
def test_any_well_formed_duration_parses_to_its_sum(counts: list[int], sep: str) -> None:
    text = sep.join(f"{n}{unit}" for n, unit in zip(counts, "wdhms", strict=True) if n)
    sizes = (604800, 86400, 3600, 60, 1)

    assert parse_duration(text).total_seconds() == sum(
        n * s for n, s in zip(counts, sizes, strict=True)
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1s"), (59, "59s"), (60, "1m"), (61, "2m"), (4271, "1h12m"), (4320, "1h12m"), (0, "0s")],
)
def test_remaining_time_is_rounded_up(seconds: float, text: str) -> None:
    assert format_remaining(timedelta(seconds=seconds)) == text


def test_commit_dates_as_git_prints_them() -> None:
    assert parse_date("2026-10-08T14:00:00+02:00") == COMMITTED
    assert parse_date("2026-10-08T12:00:00Z") == COMMITTED
    assert parse_date("2026-10-08T12:00:00") == COMMITTED


# -- the gate model -------------------------------------------------------------------------


def test_gates_of_a_promotion() -> None:
    gates = parse_gates({"from": "staging", "to": "prod", "soak": "2h", "checks": "success"})

    assert gates == Gates(soak=timedelta(hours=2), checks="success")
    assert gates.names() == ("soak", "checks")
    assert gates.describe() == "soak 2h, checks success"
    assert gates.to_json() == {"soak": "2h", "checks": "success"}
    assert bool(gates)


def test_a_promotion_without_gates() -> None:
    gates = parse_gates({"from": "dev", "to": "staging"})

    assert gates == Gates()
    assert not gates
    assert gates.describe() == ""


@pytest.mark.parametrize(
    ("options", "key", "message"),
    [
        (
            {"soak": "2 hours"},
            "soak",
            "soak: invalid duration '2 hours': write it like 90s, 30m, 2h or 1d12h",
        ),
        ({"soak": 2}, "soak", "soak: the duration 2 has no unit"),
        ({"checks": "green"}, "checks", "checks must be success, not 'green'"),
        ({"checks": True}, "checks", "checks must be success, not bool True"),
        (
            {"approvals": 2},
            "approvals",
            "unknown gate 'approvals' (a promotion knows: from, to, soak, checks)",
        ),
    ],
)
def test_bad_gates_name_their_key(options: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(GateSpecError) as caught:
        parse_gates({"from": "staging", "to": "prod", **options})

    assert caught.value.key == key
    assert caught.value.message.startswith(message)
