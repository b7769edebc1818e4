"""Long values in the terminal: the text diff shows the part that differs, whole, fits the
terminal, and ``-v`` shows whole values (SPEC section 4: what a promote would do)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.data import MISSING
from gitops_promote.render.elide import ELLIPSIS, elide_pair, elide_values
from gitops_promote.textfmt import common_prefix

from .gitrepo import GitRepo
from .sample import api_spec, run, sample_repo

OLD = "us-central1-docker.pkg.dev/project/repo/frontend:v0.10.1"
NEW = "us-central1-docker.pkg.dev/project/repo/frontend:v0.10.2"


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (60, (OLD, NEW)),
        (40, ("…/project/repo/frontend:v0.10.1", "…/project/repo/frontend:v0.10.2")),
        (20, ("…/frontend:v0.10.1", "…/frontend:v0.10.2")),
        (5, ("…:v0.10.1", "…:v0.10.2")),  # the changed segment stays whole
    ],
)
def test_a_long_image_shows_the_changed_tag(width: int, shown: tuple[str, str]) -> None:
    assert elide_pair(OLD, NEW, width) == shown


def test_a_change_in_the_middle_cuts_both_ends_at_separators() -> None:
    a = "registry.example.com/team-a/app/config/with/a/very/long/tail"
    b = "registry.example.com/team-b/app/config/with/a/very/long/tail"
    assert elide_pair(a, b, 24) == ("…/team-a/app/config…", "…/team-b/app/config…")


def test_lists_show_which_items_differ() -> None:
    a = ["--port=8080", "--verbose", "--log-level=info", "--tracing=off", "--workers=4"]
    b = ["--port=8080", "--verbose", "--log-level=debug", "--tracing=off", "--workers=4"]
    assert elide_values(a, b, 30) == ('[…, "--log-level=info", …]', '[…, "--log-level=debug", …]')
    assert elide_values(a, [*a, "--new"], 30) == ("[…]", '[…, "--new"]')
    assert elide_values([OLD, "x"], [NEW, "x"], 30) == (
        '["…/repo/frontend:v0.10.1", …]',
        '["…/repo/frontend:v0.10.2", …]',
    )


def test_mappings_show_which_entries_differ() -> None:
    a = {"name": "app", "image": OLD, "pull": "Always"}
    b = {"name": "app", "image": NEW, "pull": "Always"}
    assert elide_values(a, b, 36) == (
        '{…, "image": "…/frontend:v0.10.1"}',
        '{…, "image": "…/frontend:v0.10.2"}',
    )


def test_values_that_fit_or_have_nothing_in_common() -> None:
    assert elide_values("a", "b", 10) == ("a", "b")
    assert elide_values(OLD, NEW, None) == (OLD, NEW)
    # nothing in common: cut at the end, the short side leaving its room to the other
    assert elide_values(MISSING, OLD, 20) == ("(absent)", OLD[:31] + ELLIPSIS)
    assert elide_values(3, {"k": OLD}, 10) == ("3", '{"k": "us-central1…')
    assert elide_values("short", OLD, 31) == ("short", OLD)


@given(
    st.text(alphabet="ab/:-.x", max_size=40),
    st.text(alphabet="ab/:-.x", max_size=12),
    st.text(alphabet="ab/:-.x", max_size=12),
    st.text(alphabet="ab/:-.x", max_size=40),
    st.integers(min_value=1, max_value=60),
)
def test_elision_keeps_the_difference_whole_and_cuts_only_what_both_share(
    head: str, mid_a: str, mid_b: str, tail: str, width: int
) -> None:
    a, b = head + mid_a + tail, head + mid_b + tail
    x, y = elide_pair(a, b, width)
    if len(a) <= width and len(b) <= width:
        assert (x, y) == (a, b)
        return
    p = common_prefix(a, b)
    s = common_prefix(a[p:][::-1], b[p:][::-1])
    assert a[p : len(a) - s] in x and b[p : len(b) - s] in y
    core_x, core_y = x.strip(ELLIPSIS), y.strip(ELLIPSIS)
    assert core_x in a and core_y in b
    # only what both share is cut: as many characters on both sides, at the same places
    assert len(a) - len(core_x) == len(b) - len(core_y)
    assert x.startswith(ELLIPSIS) == y.startswith(ELLIPSIS)
    assert x.endswith(ELLIPSIS) == y.endswith(ELLIPSIS)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = sample_repo(tmp_path / "gitops")
    staging = api_spec("1.3.0", 2).replace("ghcr.io/acme/api:1.3.0", NEW)
    prod = api_spec("1.2.0", 3, "warning").replace("ghcr.io/acme/api:1.2.0", OLD)
    repo.commit({"envs/staging/api.yaml": staging, "envs/prod/api.yaml": prod}, "long images")
    return repo


def test_diff_text_shows_the_part_of_a_long_value_that_differs(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert code == 0
    (line,) = [ln for ln in out.splitlines() if "/image/image_uri" in ln]
    assert line.endswith("  …/repo/frontend:v0.10.1 -> …/repo/frontend:v0.10.2")
    assert all(len(ln) <= 80 for ln in out.splitlines() if not ln.startswith("  !"))
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert f"{OLD} -> {NEW}" in out


def test_diff_text_with_verbose_shows_whole_values(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(
        repo, "-v", "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys
    )
    assert code == 0 and f"  {OLD} -> {NEW}\n" in out
    code, out, _ = run(
        repo,
        "promote",
        "api",
        "--from",
        "staging",
        "--to",
        "prod",
        "-v",
        "--dry-run",
        capsys=capsys,
    )
    assert code == 0 and f"  {OLD} -> {NEW}\n" in out
