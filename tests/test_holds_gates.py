"""SPEC section 9 through the commands: holds (a rollback stays put) and gates (soak, checks) on
real repositories, the CLI in-process, and the GitHub stand-in over real HTTP for the checks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gitops_promote import promotion
from gitops_promote.config import parse_config
from gitops_promote.errors import ConfigError, RefusedError
from gitops_promote.gates import parse_date
from gitops_promote.overview import status
from gitops_promote.render.jsondata import status_json
from gitops_promote.render.text import status_text
from gitops_promote.workspace import Workspace

from .gitrepo import GitRepo, git
from .planning import promote_services
from .sample import CONFIG, api_spec, run, run_json, sample_repo
from .test_cli_github import TOKEN, World, world  # noqa: F401 (world is a fixture)

BRANCH = "gitops-promote/staging-to-prod/api"
ALL = "gitops-promote/staging-to-prod/all"
PROMOTE = ("promote", "--from", "staging", "--to", "prod", "--provider", "local")
HELD_LINE = (
    "error: prod/api is held: v4 rolls back to v1 (by Marco Rossi, 2026-10-08); "
    "promote with --force to replace it"
)


def web_spec(image: str, replicas: int) -> str:
    return f'name: web\nimage:\n  image_uri: "ghcr.io/acme/web:{image}"\nreplicas: {replicas}\n'


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The sample (api: staging v2 ahead of prod v3) and a second service, web, also ahead."""
    work = sample_repo(tmp_path / "gitops")
    work.commit(
        {
            "envs/staging/web.yaml": web_spec("2.0.0", 2),
            "envs/prod/web.yaml": web_spec("1.0.0", 4),
        },
        "Add web",
    )
    return work


def roll_back_prod_api(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Marco Rossi rolls prod/api back from v3 to v1 on 2026-10-08: v4, a rollback."""
    with monkeypatch.context() as m:
        m.setenv("GIT_AUTHOR_NAME", "Marco Rossi")
        m.setenv("GIT_AUTHOR_DATE", "2026-10-08T09:30:00+00:00")
        code, _, err = run(repo, "rollback", "api", "--env", "prod", "--to", "v1", capsys=capsys)
    assert code == 0, err


def branches(repo: GitRepo) -> list[str]:
    return repo.git("branch", "--list", "--format=%(refname:short)").split()


# -- holds ----------------------------------------------------------------------------------------


def test_promote_into_a_held_target_refuses_naming_the_rollback(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    head = repo.head()
    code, out, err = run(repo, *PROMOTE[:1], "api", *PROMOTE[1:], capsys=capsys)
    assert code == 1
    assert err.strip() == HELD_LINE
    assert out == ""
    assert repo.head() == head and branches(repo) == ["main"], "nothing written"


def test_promote_all_skips_the_held_service_and_promotes_the_others(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    data = run_json(repo, *PROMOTE, "--all", capsys=capsys)
    assert data["held"] == ["api"]
    assert [h["message"] for h in data["holds"]] == [HELD_LINE.removeprefix("error: ")]
    assert [s["service"] for s in data["services"]] == ["web"]
    assert data["branch"] == ALL and data["commit"] == repo.head(ALL)
    assert repo.show(ALL, "envs/prod/api.yaml") == repo.read("envs/prod/api.yaml"), "api kept"
    assert b"web:2.0.0" in repo.show(ALL, "envs/prod/web.yaml")
    body = data["pr_body"]
    assert "### Held (1): not promoted" in body
    assert "- `api`: prod v4 rolls back to v1 (by Marco Rossi, 2026-10-08)" in body
    # the text names it too, and so does a promote of several named services
    code, out, err = run(repo, *PROMOTE[:1], "api", "web", *PROMOTE[1:], capsys=capsys)
    assert code == 0, err
    assert "held: api: prod v4 rolls back to v1 (by Marco Rossi, 2026-10-08)" in out
    assert "### Held (1): not promoted" in out


def test_promote_all_when_every_service_is_held_writes_nothing_and_succeeds(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    code, _, err = run(repo, "update", "web", "--env", "prod", "--set", "replicas=5", capsys=capsys)
    assert code == 0, err
    code, _, err = run(repo, "rollback", "web", "--env", "prod", "--to", "v1", capsys=capsys)
    assert code == 0, err
    code, out, err = run(repo, *PROMOTE, "--all", capsys=capsys)
    assert code == 0, err
    assert "Nothing promoted: every service is held in prod." in out
    assert ALL not in branches(repo)


def test_force_promotes_a_held_target_and_says_so_in_the_trailers_and_the_pr_body(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    rollback_sha = repo.head()
    data = run_json(repo, *PROMOTE[:1], "api", *PROMOTE[1:], "--force", capsys=capsys)
    assert data["held"] == [] and data["commit"] == repo.head(BRANCH)
    assert data["forced"] == [
        {
            "service": "api",
            "overridden": "hold",
            "detail": "prod/api v4 rolls back to v1 (by Marco Rossi, 2026-10-08)",
        }
    ]
    message = repo.git("log", "-1", "--format=%B", BRANCH)
    assert f"Gitops-Promote-Forced: hold v4 rolls back to v1 ({rollback_sha[:7]})" in message
    assert "Gitops-Promote-Kind: promote" in message
    body = data["pr_body"]
    assert "### ⚠️ Forced (1): promoted with `--force` over" in body
    assert "- `api`: hold: prod/api v4 rolls back to v1 (by Marco Rossi, 2026-10-08)" in body


def test_a_forced_promote_ends_the_hold(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    run_json(repo, *PROMOTE[:1], "api", *PROMOTE[1:], "--force", capsys=capsys)
    repo.git("merge", "-q", "--no-ff", "-m", "merge the promotion", BRANCH)
    data = run_json(repo, "status", capsys=capsys)
    (api,) = [s for s in data["services"] if s["service"] == "api"]
    assert api["envs"]["prod"]["held"] is False
    code, _, err = run(repo, *PROMOTE[:1], "api", *PROMOTE[1:], capsys=capsys)
    assert code == 0, err


def test_an_update_ends_the_hold(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    code, _, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=6", capsys=capsys)
    assert code == 0, err
    data = run_json(repo, *PROMOTE[:1], "api", *PROMOTE[1:], capsys=capsys)
    assert data["held"] == [] and data["forced"] == []
    assert data["commit"] == repo.head(BRANCH)


def test_holds_false_turns_holds_off(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({".gitops-promote.yaml": CONFIG + "holds: false\n"}, "no holds")
    roll_back_prod_api(repo, monkeypatch, capsys)
    data = run_json(repo, *PROMOTE[:1], "api", *PROMOTE[1:], capsys=capsys)
    assert data["held"] == [] and data["forced"] == []
    assert "Gitops-Promote-Forced" not in repo.git("log", "-1", "--format=%B", BRANCH)
    cells = run_json(repo, "status", capsys=capsys)["services"]
    assert all(not cell["held"] for s in cells for cell in s["envs"].values() if cell)


def test_status_marks_held_cells_and_diff_lists_them(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_prod_api(repo, monkeypatch, capsys)
    data = run_json(repo, "status", capsys=capsys)
    (api,) = [s for s in data["services"] if s["service"] == "api"]
    assert api["envs"]["prod"]["held"] is True
    assert api["envs"]["prod"]["hold"]["restores"] == "v1"
    assert api["envs"]["staging"]["held"] is False
    code, out, _ = run(repo, "status", capsys=capsys)
    assert code == 0
    (line,) = [ln for ln in out.splitlines() if ln.startswith("api")]
    assert re.search(r"v4 1\.0\.0 \w+ \S+ held", line), line
    diff = run_json(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert diff["held"] == ["api"] and diff["services"][0]["changed"], "diff still shows it"


# -- gates: soak ----------------------------------------------------------------------------------

SOAK_CONFIG = CONFIG.replace(
    "promotions: [dev->staging, staging->prod]",
    "promotions:\n  - dev->staging\n  - {from: staging, to: prod, soak: 2h}",
)


@pytest.fixture
def soaking(repo: GitRepo) -> Workspace:
    repo.commit({".gitops-promote.yaml": SOAK_CONFIG}, "soak 2h before prod")
    return Workspace.open(repo.path)


def _landed(ws: Workspace) -> datetime:
    sp = promotion.plan_service(ws, "api", "staging", "prod")
    return parse_date(sp.source_version.committed)


def test_soak_closed_refuses_and_says_when_it_opens(soaking: Workspace) -> None:
    now = _landed(soaking) + timedelta(minutes=48)
    with pytest.raises(RefusedError) as refused:
        promote_services(soaking, ["api"], "staging", "prod", now=now)
    message = refused.value.message
    assert message.startswith("promoting api from staging v2 to prod is refused: soak gate closed")
    assert "soaking, opens in 1h12m" in message and "promote with --force" in message
    assert "\n" not in message
    assert branches_of(soaking) == ["main"]


def test_soak_open_from_the_announced_instant(soaking: Workspace) -> None:
    now = _landed(soaking) + timedelta(hours=2)
    res, _, _ = promote_services(soaking, ["api"], "staging", "prod", now=now)
    assert res.published is not None and res.forced == ()
    (sp,) = res.services
    assert [(g.gate, g.open) for g in sp.gates] == [("soak", True)]


def test_soak_measures_when_the_version_landed_not_when_it_was_written(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({".gitops-promote.yaml": SOAK_CONFIG}, "soak 2h before prod")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00+00:00")  # written long ago
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-03-01T12:00:00+00:00")  # landed now
    repo.commit({"envs/staging/api.yaml": api_spec("1.4.0", 2)}, "staging: 1.4.0")
    ws = Workspace.open(repo.path)
    now = datetime(2026, 3, 1, 13, 0, tzinfo=timezone.utc)
    with pytest.raises(RefusedError, match="soaking, opens in 1h "):
        promote_services(ws, ["api"], "staging", "prod", now=now)


def test_force_overrides_a_closed_soak_and_the_pr_body_says_which(soaking: Workspace) -> None:
    now = _landed(soaking) + timedelta(minutes=30)
    res, _, body = promote_services(soaking, ["api"], "staging", "prod", now=now, force=True)
    assert res.published is not None
    (forced,) = res.forced
    assert forced.what == "soak gate" and forced.detail.startswith("soaking, opens in 1h30m")
    message = git(soaking.root, "log", "-1", "--format=%B", res.published.commit)
    assert "Gitops-Promote-Forced: soak gate: soaking, opens in 1h30m" in message
    assert "- `api`: soak gate: soaking, opens in 1h30m" in body


def test_soak_closed_through_the_cli_is_one_line_exit_1(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({".gitops-promote.yaml": SOAK_CONFIG}, "soak 2h before prod")
    just_now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    monkeypatch.setenv("GIT_COMMITTER_DATE", just_now)
    repo.commit({"envs/staging/api.yaml": api_spec("1.4.0", 2)}, "staging: 1.4.0")
    code, out, err = run(repo, *PROMOTE, "--all", capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "soak gate closed: soaking, opens in " in err
    assert ALL not in branches(repo)


def test_status_shows_closed_gates_per_pending_promotion(soaking: Workspace) -> None:
    now = _landed(soaking) + timedelta(minutes=48)
    res = status(soaking, now=now)
    (api,) = [s for s in res.services if s.service == "api"]
    (drift,) = [d for d in api.drift if d.target == "prod"]
    assert [g.summary.split(" (")[0] for g in drift.gates] == ["soaking, opens in 1h12m"]
    (line,) = [ln for ln in status_text(res).splitlines() if ln.startswith("api")]
    assert "2 to change (1 needs attention), 2 kept by the rules (soaking, opens in 1h12m (" in line
    (gate,) = status_json(res)["services"][0]["drift"][1]["gates"]
    assert gate["gate"] == "soak" and gate["open"] is False and gate["state"] == "soaking"
    later = status(soaking, now=now + timedelta(hours=2))
    assert all(not d.gates for s in later.services for d in s.drift)


def branches_of(ws: Workspace) -> list[str]:
    return git(ws.root, "branch", "--list", "--format=%(refname:short)").split()


# -- gates: checks, over the GitHub stand-in ------------------------------------------------------

GH_REPO = "acme/gitops"
CHECKS_CONFIG = CONFIG.replace(
    "promotions: [dev->staging, staging->prod]",
    "promotions: [dev->staging, {from: staging, to: prod, checks: success}]",
)


@pytest.fixture
def gated(request: pytest.FixtureRequest) -> World:
    """The GitHub world of ``test_cli_github`` with a checks gate on staging -> prod."""
    found: World = request.getfixturevalue("world")
    found.work.commit({".gitops-promote.yaml": CHECKS_CONFIG}, "green checks before prod")
    return found


def staging_sha(w: World) -> str:
    return w.work.git("log", "-1", "--format=%H", "--", "envs/staging/api.yaml")


def pushed(w: World) -> list[str]:
    return sorted(git(w.bare, "branch", "--list", "--format=%(refname:short)").split())


def test_checks_green_promotes(gated: World, capsys: pytest.CaptureFixture[str]) -> None:
    gated.api.set_commit_status(GH_REPO, staging_sha(gated), "ci/jenkins", "success")
    gated.api.set_check_run(GH_REPO, staging_sha(gated), "test")
    code, data, err = gated.promote(capsys)
    assert code == 0, err
    assert pushed(gated) == [BRANCH, "main"]
    (pr,) = gated.api.pulls(GH_REPO)
    assert data["pr_url"] == pr["html_url"]
    (gate,) = data["services"][0]["gates"]
    assert gate["gate"] == "checks" and gate["open"] is True and gate["state"] == "success"


def test_checks_failing_refuses_naming_them(
    gated: World, capsys: pytest.CaptureFixture[str]
) -> None:
    gated.api.set_commit_status(GH_REPO, staging_sha(gated), "ci/jenkins", "success")
    gated.api.set_check_run(GH_REPO, staging_sha(gated), "lint", "completed", "failure")
    gated.api.set_check_run(GH_REPO, staging_sha(gated), "test")
    code, data, err = gated.promote(capsys)
    assert code == 1 and data == {}
    assert err.count("\n") == 1
    assert "checks gate closed: checks failing on " in err and ": lint;" in err
    assert pushed(gated) == ["main"] and gated.api.pulls(GH_REPO) == []
    assert BRANCH not in branches(gated.work)


def test_checks_pending_refuses_naming_them(
    gated: World, capsys: pytest.CaptureFixture[str]
) -> None:
    gated.api.set_commit_status(GH_REPO, staging_sha(gated), "ci/jenkins", "success")
    gated.api.set_check_run(GH_REPO, staging_sha(gated), "e2e", "in_progress", None)
    code, _, err = gated.promote(capsys)
    assert code == 1
    assert "checks gate closed: checks pending on " in err and ": e2e;" in err
    assert pushed(gated) == ["main"] and gated.api.pulls(GH_REPO) == []


def test_checks_api_failing_is_one_line_exit_1_and_nothing_pushed(
    gated: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # a token without 'statuses: read': GitHub answers 403 (a 5xx is retried, then the same)
    gated.api.fail(
        r"/commits/[0-9a-f]+/status$",
        403,
        body={"message": "Resource not accessible by integration"},
        times=5,
    )
    code, data, err = gated.promote(capsys)
    assert code == 1 and data == {}
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "status" in err and "statuses: read" in err and TOKEN not in err
    assert pushed(gated) == ["main"] and gated.api.pulls(GH_REPO) == []
    assert BRANCH not in branches(gated.work)


def test_checks_with_the_local_provider_cannot_be_read(
    gated: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = gated.promote(capsys, "--provider", "local")
    assert code == 1
    assert "checks unknown" in err and "give a token" in err and "--force" in err


def test_force_overrides_failing_checks_and_the_pr_body_names_the_gate(
    gated: World, capsys: pytest.CaptureFixture[str]
) -> None:
    gated.api.set_check_run(GH_REPO, staging_sha(gated), "lint", "completed", "failure")
    code, data, err = gated.promote(capsys, "--force")
    assert code == 0, err
    (pr,) = gated.api.pulls(GH_REPO)
    assert "### ⚠️ Forced (1)" in pr["body"]
    assert "- `api`: checks gate: checks failing on " in pr["body"]
    message = gated.work.git("log", "-1", "--format=%B", data["commit"])
    assert "Gitops-Promote-Forced: checks gate: checks failing on " in message


# -- config ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promotions", "at", "needle"),
    [
        ("[{from: staging, to: prod, soak: 2 hours}]", "soak", "soak: invalid duration"),
        ("[{from: staging, to: prod, soak: 90}]", "soak", "has no unit"),
        ("[{from: staging, to: prod, check: success}]", "check", "unknown gate 'check'"),
        ("[{from: staging, to: prod, checks: green}]", "checks", "checks must be success"),
        ("[staging->prod, {from: staging, to: prod, soak: 1h}]", "{", "listed twice"),
        ("[{from: staging, to: qa, soak: 1h}]", "{", "its gates apply to no allowed"),
        ("[{from: staging, soak: 1h}]", "{", "needs 'to'"),
        ("[{from: staging, to: staging, soak: 1h}]", "{", "from an environment to itself"),
    ],
)
def test_gate_config_errors_name_file_line_and_column(
    promotions: str, at: str, needle: str
) -> None:
    text = CONFIG.replace("[dev->staging, staging->prod]", promotions)
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode())
    assert caught.value.exit_code == 2
    line = text.splitlines().index(f"promotions: {promotions}") + 1
    column = len("promotions: ") + promotions.index(at) + 1
    where = f".gitops-promote.yaml:{line}:{column}: "
    assert str(caught.value).startswith(where), str(caught.value)
    assert needle in caught.value.message


def test_holds_must_be_a_boolean(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".gitops-promote.yaml": CONFIG + "holds: no way\n"}, "bad holds")
    code, _, err = run(repo, "status", capsys=capsys)
    assert code == 2
    assert err.startswith("error: .gitops-promote.yaml:8:1: holds must be true or false")


def test_gates_are_kept_per_promotion_pair() -> None:
    config = parse_config(SOAK_CONFIG.encode())
    assert config.promotions == (("dev", "staging"), ("staging", "prod"))
    assert config.gates_for("staging", "prod").describe() == "soak 2h"
    assert not config.gates_for("dev", "staging")
    assert config.holds is True
