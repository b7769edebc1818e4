"""The table-driven hostile battery (issue 15; SPEC sections 4 and 7).

Every case: build the state, run the command (in-process, or as the installed executable), then
check the exit code, the single stderr line (no traceback) and, for a refused command, that
nothing changed in the checkout, its ``.git`` or the remote.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from ..gitrepo import GitRepo
from .cases import CASES, Case
from .harness import World, assert_one_error_line, make_world, run_cli, run_process, snapshot
from .xfails import XFAIL

_template: dict[str, Path] = {}


def fresh_world(tmp_path: Path, factory: pytest.TempPathFactory) -> World:
    """A copy of one sample repository and origin built once (copying beats re-committing)."""
    if "dir" not in _template:
        base = factory.mktemp("template")
        make_world(base)
        _template["dir"] = base
    base = _template["dir"]
    shutil.copytree(base / "work", tmp_path / "work", symlinks=True)
    shutil.copytree(base / "origin.git", tmp_path / "origin.git", symlinks=True)
    repo = GitRepo.__new__(GitRepo)
    repo.path = tmp_path / "work"
    repo.git("remote", "set-url", "origin", str(tmp_path / "origin.git"))
    return World(repo, tmp_path / "origin.git", tmp_path)


def _param(case: Case) -> object:
    reason = XFAIL.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    if case.timeout is not None or case.slow:
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    world = fresh_world(tmp_path, tmp_path_factory)
    case.setup(world)
    repo = world.path
    argv = [a.replace("{tmp}", str(world.tmp)) for a in case.argv]
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    before = snapshot(repo, world.origin)
    if case.timeout is not None or case.process:
        env = dict(os.environ, TMPDIR=str(private_tmp))
        result = run_process(repo, argv, timeout=case.timeout or 30.0, env=env)
        if case.timeout is not None:
            assert result.seconds < case.timeout
        assert not list(private_tmp.iterdir()), "a temp folder was left behind"
    else:
        result = run_cli(repo, argv)
    assert result.code in case.codes(), (
        f"exit {result.code} (expected {case.code}); stderr: {result.err[-800:]!r}"
    )
    if result.code == 0:
        assert "Traceback" not in result.err
        if case.out is not None:
            assert re.search(case.out, result.out), result.out[-1500:]
        return
    if case.argv[-1] == "check" and result.code == 1 and not result.err.strip():
        # check's findings are its report (stdout), one line per problem, naming file and line
        assert "Traceback" not in result.out
        pattern = (case.pattern or "").removeprefix("^error: ")
        assert re.search(pattern, result.out, re.M), result.out[-800:]
    else:
        assert_one_error_line(result, case.pattern)
    after = snapshot(repo, world.origin)
    changes = before.diff(after)
    if case.fetch_ok:
        changes = [c for c in changes if not c.startswith("tracking:")]
    if case.remote_ok:
        changes = [c for c in changes if not c.startswith("remote_refs:")]
    assert not changes, f"a refused command changed things: {changes}"
