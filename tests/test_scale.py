"""Commands over many services: a fixed number of git processes whatever the number of specs,
status (filters, wording, layouts, colour), promote of several services on one branch,
progress on a terminal only, and a light --help."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_promote.cli.output import Options, progress
from gitops_promote.overview import Cell, Drift, ServiceStatus, StatusResult
from gitops_promote.render.text import status_text
from gitops_promote.textfmt import differences

from .gitrepo import GitRepo
from .sample import api_spec, run, run_json, sample_repo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "gitops")


def add_services(repo: GitRepo, count: int, start: int = 0) -> None:
    """``count`` more services in every environment, each with a few versions."""
    names = [f"svc{i:02d}" for i in range(start, start + count)]
    for env in ("dev", "staging", "prod"):
        repo.commit({f"envs/{env}/{n}.yaml": api_spec(replicas=2) for n in names}, f"add {env}")
    repo.commit({f"envs/dev/{n}.yaml": api_spec("2.0.0", 2) for n in names}, "dev: 2.0.0")


def git_calls(
    monkeypatch: pytest.MonkeyPatch, repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
) -> list[str]:
    """The git commands one CLI run starts: every process, however the gateway starts it."""
    calls: list[str] = []
    real = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def spy(self: subprocess.Popen[bytes], argv: list[str], *rest: object, **kw: object) -> None:
        calls.append(" ".join(argv[1:]))
        real(self, argv, *rest, **kw)

    with monkeypatch.context() as m:
        m.setattr(subprocess.Popen, "_execute_child", spy)
        code, _, err = run(repo, "--output", "json", *args, capsys=capsys)
    assert code in (0, 1), err
    return calls


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["check"],
        ["promote", "--all", "--from", "staging", "--to", "prod", "--dry-run"],
        ["diff", "--all", "--from", "dev", "--to", "staging"],
    ],
    ids=["status", "check", "promote-all", "diff-all"],
)
def test_git_processes_do_not_grow_with_the_number_of_specs(
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    add_services(repo, 2)
    few = git_calls(monkeypatch, repo, capsys, *args)
    add_services(repo, 10, start=2)
    many = git_calls(monkeypatch, repo, capsys, *args)
    assert len(many) == len(few), (few, many)
    logs = [c for c in many if c.startswith(("-c log.showSignature=false log", "log"))]
    assert all("--follow" not in c for c in logs)
    assert sum("cat-file" in c for c in many) <= 1


def test_status_versions_match_history(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    add_services(repo, 3)
    data = run_json(repo, "status", capsys=capsys)
    for svc in data["services"]:
        for env, cell in svc["envs"].items():
            hist = run_json(repo, "history", svc["service"], "--env", env, capsys=capsys)
            newest = hist["versions"][0]
            assert (cell["version"], cell["sha"]) == (newest["version"], newest["sha"])


def test_status_filters_environments_and_services(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    add_services(repo, 3)
    data = run_json(
        repo, "status", "--env", "staging", "--env", "prod", "--service", "svc0[12]",
        capsys=capsys,
    )  # fmt: skip
    assert data["environments"] == ["staging", "prod"]
    assert [s["service"] for s in data["services"]] == ["svc01", "svc02"]
    assert all(set(s["envs"]) == {"staging", "prod"} for s in data["services"])
    assert all([(d["from"], d["to"]) for d in s["drift"]] == [("staging", "prod")]
               for s in data["services"])  # fmt: skip
    code, _, err = run(repo, "status", "--env", "qa", capsys=capsys)
    assert code == 2 and "qa" in err


def test_in_sync_only_when_nothing_differs_and_one_wording_everywhere(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # staging and prod differ only where the rules keep prod's values (replicas, LOG_LEVEL)
    repo.commit({"envs/prod/api.yaml": api_spec("1.3.0", 3, "warning",
                 extra_env="  NEW_QUEUE: q-staging\n")}, "prod: 1.3.0")  # fmt: skip
    data = run_json(repo, "status", capsys=capsys)
    (drift,) = [d for d in data["services"][0]["drift"] if d["to"] == "prod"]
    assert drift["in_sync"] is False and drift["pending"] == 0 and drift["kept"] == 2
    assert drift["state"] == "nothing to change: 2 differences kept by the rules"
    _, out, _ = run(repo, "status", capsys=capsys)
    assert "nothing to change: 2 differences kept by the rules" in out
    assert "in sync" not in out.split("\n\n")[0]
    _, out, _ = run(repo, "diff", "api", "--from", "staging", "--to", "prod", capsys=capsys)
    assert "Nothing to change: 2 differences kept by the rules." in out
    assert "already matches" not in out
    # dev -> staging has differences to write: status and diff count them the same way
    status_state = next(d for d in data["services"][0]["drift"] if d["to"] == "staging")["state"]
    _, out, _ = run(repo, "diff", "api", "--from", "dev", "--to", "staging", capsys=capsys)
    assert status_state[0].upper() + status_state[1:] + "." in out.splitlines()


def test_the_wording() -> None:
    assert differences(0, 0) == "in sync"
    assert differences(0, 3, 1) == "nothing to change: 3 differences kept by the rules"
    assert differences(3, 0, 1) == "3 to change (1 needs attention)"
    assert differences(4, 1, 2) == "4 to change (2 need attention), 1 kept by the rules"


def _result(envs: list[str], held: bool = False) -> StatusResult:
    cell = Cell("v3", "ghcr.io/acme/api:1.2.0", "a" * 40, None, "2026-01-01T00:00:00+00:00",
                "update", "rolled back" if held else None)  # fmt: skip
    drift = [Drift(a, b, 1, 0, None, 2) for a, b in itertools.pairwise(envs)]
    return StatusResult(envs, [ServiceStatus("api", dict.fromkeys(envs, cell), drift)])


def test_status_table_fits_the_terminal_or_goes_one_row_per_environment() -> None:
    wide = status_text(_result(["dev", "staging", "prod"]), width=400)
    assert wide.splitlines()[0].split()[:4] == ["SERVICE", "DEV", "STAGING", "PROD"]
    assert "v3 1.2.0 aaaaaaa" in wide
    narrow = status_text(_result(["dev", "staging", "prod"]), width=60)
    assert narrow.splitlines()[0].split() == [
        "SERVICE", "ENV", "VERSION", "IMAGE", "COMMIT", "AGE", "PROMOTION",
    ]  # fmt: skip
    assert "from staging: 1 to change, 2 kept by the rules" in narrow
    seven = status_text(_result([f"e{i}" for i in range(7)]), width=None)
    assert seven.splitlines()[0].startswith("SERVICE  ENV")
    assert len([ln for ln in seven.splitlines() if " e" in ln and "ghcr.io" in ln]) == 7


def test_status_colours_only_when_asked() -> None:
    res = _result(["dev", "staging", "prod"])
    assert "\x1b[" not in status_text(res, width=400)
    coloured = status_text(res, width=400, colour=True)
    assert "\x1b[33m1 to change" in coloured
    plain = status_text(res, width=400)
    strip = coloured.replace("\x1b[33m", "").replace("\x1b[0m", "")
    assert strip == plain  # colour never moves a column


def test_a_held_cell_is_marked() -> None:
    assert " held" in status_text(_result(["dev", "prod"], held=True), width=400)


def test_promote_several_services_one_branch(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    add_services(repo, 3)
    data = run_json(repo, "promote", "svc00", "svc01", "svc02", "--from", "dev", "--to",
                    "staging", capsys=capsys)  # fmt: skip
    branch = data["branch"]
    assert repo.git("branch", "--list", "gitops-promote/*").split() == [branch]
    changed = repo.git("diff", "--name-only", f"main...{branch}").split()
    assert changed == [f"envs/staging/svc0{i}.yaml" for i in range(3)]
    body = data["pr_body"]
    assert all(f"svc0{i}" in body for i in range(3))


def test_promote_all_lists_services_in_sync_once(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    add_services(repo, 3)
    code, out, _ = run(repo, "diff", "--all", "--from", "staging", "--to", "prod",
                       capsys=capsys)  # fmt: skip
    assert code == 0
    assert "In sync (3): svc00, svc01, svc02" in out
    assert out.count("svc01") == 1


class _Tty:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_only_on_a_terminal_and_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    text = Options(".", None, "text", 0, False)
    show = progress(text, "status")
    assert show is not None
    show(0, 300)
    show(300, 300)
    assert "status: 0/300 services" in tty.text and tty.text.endswith("\x1b[2K")
    assert progress(Options(".", None, "json", 0, False), "status") is None
    assert progress(Options(".", None, "text", 0, True), "status") is None
    monkeypatch.setenv("CI", "true")
    assert progress(text, "status") is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", sys.__stderr__)
    if not sys.__stderr__.isatty():
        assert progress(text, "status") is None


def test_help_loads_no_core_module() -> None:
    code = (
        "import sys\n"
        "from gitops_promote.cli import main\n"
        "main(['--help'])\n"
        "core = ('render', 'plan', 'workspace', 'config', 'demo', 'publish', 'yamldoc')\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('gitops_promote.')"
        " and m.split('.')[1] in core or m.split('.')[0] == 'yaml'))\n"
        "print('ALL', ' '.join(m for m in sys.modules if m.startswith('gitops_promote.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "LOADED []" in out
    # the command group and what every command line needs; no command's module
    (loaded,) = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("ALL ")]
    assert set(loaded.split()) <= {
        "gitops_promote.cli",
        "gitops_promote.cli.app",
        "gitops_promote.cli.output",
        "gitops_promote.errors",
        "gitops_promote.interrupt",
        "gitops_promote.workflow",
    }


def test_history_starts_three_git_processes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # finding the work tree (and HEAD, and whether the clone is shallow), the tree listing,
    # the log: the spec's content is not read, no ref is asked for twice
    calls = git_calls(monkeypatch, repo, capsys, "history", "api", "--env", "prod")
    commands = [c.removeprefix("-c log.showSignature=false ").split()[0] for c in calls]
    assert commands == ["rev-parse", "ls-tree", "log"], calls


def test_reading_commands_load_no_writing_module() -> None:
    # history and show (their command module, and the modules it loads) load neither the YAML
    # editor, nor commits, pushes and pull requests, nor JSON patches: a reading command pays
    # at start-up only for what it reads with
    code = "import sys\nimport gitops_promote.cli.versions\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(out.split())
    writing = {
        "gitops_promote.yamldoc.doc",
        "gitops_promote.yamldoc.batch",
        "gitops_promote.nextversion",
        "gitops_promote.publish",
        "gitops_promote.provider",
        "gitops_promote.specdoc",
        "gitops_promote.gatecheck",
        "gitops_promote.git.repository",
        "gitops_promote.git.commit",
        "gitops_promote.git.remote",
        "gitops_promote.git.worktree",
        "gitops_promote.messages",
        "jsonpatch",
        "ruamel.yaml",
    }
    assert not loaded & writing, sorted(loaded & writing)


def test_history_reads_no_yaml_once_the_config_is_kept(repo: GitRepo) -> None:
    # the real CLI, twice: the first run reads the config with libyaml and keeps its data in
    # the user's cache; the second loads no YAML code at all (ours or a library's), and prints
    # the same
    cmd = [sys.executable, "-X", "importtime", "-m", "gitops_promote"]
    cmd += ["history", "api", "--env", "prod"]
    runs = [subprocess.run(cmd, cwd=repo.path, capture_output=True, text=True) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr[-500:]

    def loaded(stderr: str) -> set[str]:
        return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines()}

    def yaml_modules(names: set[str]) -> set[str]:
        yamlish = ("yaml.", "ruamel", "gitops_promote.yamldoc")
        return {n for n in names if n == "yaml" or n.startswith(yamlish)}

    first, second = (loaded(r.stderr) for r in runs)
    assert "yaml" in yaml_modules(first)
    assert yaml_modules(second) == set()
    # nor what only other paths need: suggestions, scratch folders, terminal width, credentials
    # (PyYAML, in the first run, loads base64 for itself)
    assert not {"difflib", "tempfile", "shutil", "base64"} & second
    assert runs[1].stdout == runs[0].stdout
    assert " versions" in runs[0].stdout.splitlines()[0]
    # the cache is the user's (SPEC section 7): nothing was written in the repository
    assert repo.git("status", "--porcelain", "--ignored", "--untracked-files=all") == ""
