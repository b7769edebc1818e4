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

_sample: dict[str, Path] = {}
# One built state per setup (the commands of one state share it): setup id -> (folder, repo)
_states: dict[int, tuple[Path, Path]] = {}


def _copy_world(base: Path, repo: Path, dest: Path) -> World:
    """A copy of the folder ``base`` (the checkout, its origin and whatever the setup put
    beside them) at ``dest``, with ``origin`` pointing at the copied remote."""
    for child in base.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.copytree(child, dest / child.name, symlinks=True)
        else:
            shutil.copy2(child, dest / child.name, follow_symlinks=False)
    world_repo = GitRepo.__new__(GitRepo)
    world_repo.path = dest / repo.relative_to(base)
    url = world_repo.git("remote", "get-url", "origin", check=False)
    if url and str(base) in url:
        world_repo.git("remote", "set-url", "origin", url.replace(str(base), str(dest)))
    origin = dest / "origin.git"
    return World(world_repo, origin if origin.exists() else None, dest)


def fresh_world(case: Case, tmp_path: Path, factory: pytest.TempPathFactory) -> World:
    """The case's state, built once per setup and copied for each command that runs on it
    (copying beats re-committing); the sample repository under every state is built once."""
    if "dir" not in _sample:
        base = factory.mktemp("sample")
        make_world(base)
        _sample["dir"] = base
    key = id(case.setup)
    if key not in _states:
        base = factory.mktemp("state")
        world = _copy_world(_sample["dir"], _sample["dir"] / "work", base)
        case.setup(world)
        _states[key] = (base, world.path)
    base, repo = _states[key]
    return _copy_world(base, repo, tmp_path)


def _param(case: Case) -> object:
    reason = XFAIL.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    if case.timeout is not None or case.slow:
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    world = fresh_world(case, tmp_path, tmp_path_factory)
    repo = world.path
    argv = [a.replace("{tmp}", str(world.tmp)) for a in case.argv]
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    before = snapshot(repo, world.origin)
    if case.timeout is not None or case.process:
        env = dict(os.environ, TMPDIR=str(private_tmp))
        # The bound is on the work done (CPU seconds of the command and its git processes), so
        # that a loaded machine does not fail it; the wall clock only stops a run that hangs.
        wall = 3 * case.timeout if case.timeout is not None else 30.0
        result = run_process(repo, argv, timeout=wall, env=env)
        if case.timeout is not None:
            assert result.cpu < case.timeout, f"{result.cpu:.1f} s of CPU ({result.seconds:.1f} s)"
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
