"""Whether a promotion's gates are open (SPEC section 9): soak with an injected clock, the checks
gate over what GitHub reported (plain data here; over HTTP in test_github_checks), all gates of a
promotion."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

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
from gitops_promote.gates import Gates, parse_date, parse_duration

SHA = "0123456789abcdef0123456789abcdef01234567"
COMMITTED = datetime(2026, 10, 8, 12, 0, tzinfo=timezone.utc)


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
