"""Promotion gates (SPEC section 9): durations, the gate model, soak with an injected clock, and
the checks gate over what GitHub reported (plain data here; over HTTP in test_github_checks)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.gatecheck import (
    CheckRun,
    CommitChecks,
    CommitStatus,
    closed,
    evaluate,
    evaluate_checks,
    evaluate_soak,
    refusal,
)
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

SHA = "0123456789abcdef0123456789abcdef01234567"
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


# -- soak -----------------------------------------------------------------------------------


def test_soak_closed_says_when_it_opens() -> None:
    now = COMMITTED + timedelta(minutes=48)

    result = evaluate_soak(timedelta(hours=2), COMMITTED, now)

    assert not result.open
    assert result.state == "soaking"
    assert result.summary == "soaking, opens in 1h12m (2026-10-08 14:00 UTC)"
    assert result.opens_at == datetime(2026, 10, 8, 14, 0, tzinfo=timezone.utc)
    assert result.to_json() == {
        "gate": "soak",
        "open": False,
        "state": "soaking",
        "summary": "soaking, opens in 1h12m (2026-10-08 14:00 UTC)",
        "opens_at": "2026-10-08T14:00:00Z",
    }


def test_soak_open_after_the_duration() -> None:
    result = evaluate_soak(timedelta(hours=2), COMMITTED, COMMITTED + timedelta(days=1))

    assert result.open
    assert (result.state, result.summary) == ("open", "soaked 2h")


def test_soak_counts_from_the_commit_in_its_own_time_zone() -> None:
    since = parse_date("2026-10-08T14:00:00+02:00")  # 12:00 UTC

    result = evaluate_soak(
        timedelta(hours=2), since, datetime(2026, 10, 8, 13, 30, tzinfo=timezone.utc)
    )

    assert result.summary == "soaking, opens in 30m (2026-10-08 14:00 UTC)"


@given(
    st.integers(min_value=1, max_value=10 * 86400),
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    ),
)
def test_soak_opens_exactly_at_commit_time_plus_duration(seconds: int, since: datetime) -> None:
    soak = timedelta(seconds=seconds)
    opens = since + soak

    before = evaluate_soak(soak, since, opens - timedelta(microseconds=1))
    at = evaluate_soak(soak, since, opens)

    assert not before.open
    assert before.opens_at == opens
    assert before.summary.startswith("soaking, opens in ")
    assert at.open


@given(st.integers(min_value=1, max_value=10 * 86400), st.integers(min_value=0, max_value=864000))
def test_announced_wait_is_never_shorter_than_the_real_one(seconds: int, elapsed: int) -> None:
    soak = timedelta(seconds=seconds)
    now = COMMITTED + timedelta(seconds=elapsed)

    result = evaluate_soak(soak, COMMITTED, now)

    if elapsed >= seconds:
        assert result.open
    else:
        announced = parse_duration(result.summary.split()[3])
        assert COMMITTED + soak <= now + announced < COMMITTED + soak + timedelta(minutes=1)


# -- checks ---------------------------------------------------------------------------------


def checks(
    state: str = "success",
    statuses: tuple[tuple[str, str], ...] = (),
    runs: tuple[tuple[str, str, str | None], ...] = (),
) -> CommitChecks:
    return CommitChecks(
        sha=SHA,
        state=state,
        statuses=tuple(CommitStatus(context, s) for context, s in statuses),
        check_runs=tuple(CheckRun(name, status, conclusion) for name, status, conclusion in runs),
    )


def test_checks_green() -> None:
    result = evaluate_checks(
        checks(
            "success",
            (("ci/jenkins", "success"),),
            (("test", "completed", "success"), ("docs", "completed", "skipped")),
        )
    )

    assert result.open
    assert (result.state, result.summary) == ("success", "3 checks passed on 0123456")


def test_check_runs_alone_are_enough_though_the_combined_state_is_pending() -> None:
    # GitHub says "pending" for a commit without status contexts, as with GitHub Actions only.
    result = evaluate_checks(checks("pending", (), (("build", "completed", "success"),)))

    assert result.open
    assert result.summary == "1 check passed on 0123456"


def test_failing_checks_are_named() -> None:
    result = evaluate_checks(
        checks(
            "failure",
            (("ci/jenkins", "failure"), ("ci/lint", "success"), ("ci/deps", "error")),
            (
                ("test", "completed", "failure"),
                ("e2e", "completed", "timed_out"),
                ("build", "completed", "success"),
                ("preview", "in_progress", None),
            ),
        )
    )

    assert not result.open
    assert result.state == "failing"
    assert result.failing == ("ci/jenkins", "ci/deps", "test", "e2e")
    assert result.pending == ("preview",)
    assert result.summary == (
        "checks failing on 0123456: ci/jenkins, ci/deps, test, e2e (pending: preview)"
    )
    assert result.to_json() == {
        "gate": "checks",
        "open": False,
        "state": "failing",
        "summary": result.summary,
        "failing": ["ci/jenkins", "ci/deps", "test", "e2e"],
        "pending": ["preview"],
    }


@pytest.mark.parametrize("conclusion", ["cancelled", "action_required", "stale", "startup_failure"])
def test_unsuccessful_conclusions_fail(conclusion: str) -> None:
    result = evaluate_checks(checks(runs=(("test", "completed", conclusion),)))

    assert (result.open, result.failing) == (False, ("test",))


def test_pending_checks_are_named() -> None:
    result = evaluate_checks(
        checks(
            "pending",
            (("ci/jenkins", "pending"), ("ci/lint", "success")),
            (("test", "queued", None), ("build", "completed", "success")),
        )
    )

    assert not result.open
    assert result.state == "pending"
    assert result.pending == ("ci/jenkins", "test")
    assert result.summary == "checks pending on 0123456: ci/jenkins, test"


def test_nothing_reported_keeps_the_gate_closed() -> None:
    result = evaluate_checks(checks("pending"))

    assert (result.open, result.state) == (False, "none")
    assert result.summary == "no checks reported on 0123456"


def test_a_failing_combined_state_without_a_failing_context_still_fails() -> None:
    result = evaluate_checks(checks("failure", (("ci/a", "success"),)))

    assert (result.open, result.failing) == (False, ("combined status",))


def test_checks_that_could_not_be_read() -> None:
    result = evaluate_checks(None)

    assert (result.open, result.state) == (False, "unknown")


def test_a_check_reported_twice_is_named_once() -> None:
    result = evaluate_checks(
        checks("failure", (("ci", "failure"),), (("ci", "completed", "failure"),))
    )

    assert result.failing == ("ci",)


# -- all gates of a promotion ---------------------------------------------------------------


def test_evaluate_every_gate_in_order() -> None:
    gates = Gates(soak=timedelta(hours=2), checks="success")
    red = checks("failure", (), (("lint", "completed", "failure"),))

    results = evaluate(gates, since=COMMITTED, now=COMMITTED + timedelta(minutes=48), checks=red)

    assert [r.gate for r in results] == ["soak", "checks"]
    assert closed(results) == results
    assert refusal("promoting api from staging v7 to prod", results) == (
        "promoting api from staging v7 to prod is refused: soak gate closed: soaking, opens in "
        "1h12m (2026-10-08 14:00 UTC); checks gate closed: checks failing on 0123456: lint; "
        "promote with --force to override"
    )


def test_open_gates_refuse_nothing() -> None:
    gates = Gates(soak=timedelta(hours=2), checks="success")
    green = checks("success", (("ci", "success"),))

    results = evaluate(gates, since=COMMITTED, now=COMMITTED + timedelta(hours=2), checks=green)

    assert closed(results) == ()
    assert refusal("promoting api", results) is None


def test_no_gates_nothing_to_evaluate() -> None:
    assert evaluate(Gates(), since=None, now=COMMITTED) == ()


def test_a_soak_gate_needs_the_version_date() -> None:
    with pytest.raises(ValueError, match="date"):
        evaluate(Gates(soak=timedelta(hours=1)), since=None, now=COMMITTED)
