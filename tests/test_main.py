"""The console script's entry (``gitops_promote.__main__``): the output is all there when the
process ends (the process skips the interpreter's teardown), and an output nobody reads any more
ends the command quietly with exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_promote.__main__ import EXIT_WRITE

from .sample import run, sample_repo


def _tool(*args: str, cwd: Path, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "gitops_promote", *args], cwd=cwd, **kw
    )


def test_the_whole_output_is_written_before_the_process_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = sample_repo(tmp_path / "gitops")
    for args in (["history", "api", "--env", "prod", "--output", "json"], ["status"]):
        proc = _tool(*args, cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=60)
        code, same, _ = run(repo, *args, capsys=capsys)  # the same command, in this process
        assert (proc.returncode, err, out.decode()) == (code, b"", same)


def test_an_output_nobody_reads_ends_quietly_with_exit_1(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "gitops")
    proc = _tool(
        "history", "api", "--env", "prod", cwd=repo.path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the command writes (| head that ended)
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == EXIT_WRITE == 1
    assert err == b""


def test_an_error_keeps_its_exit_code(tmp_path: Path) -> None:
    proc = _tool("status", "--repo", str(tmp_path / "missing"), cwd=tmp_path,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == b""
    assert err.decode().startswith("error: not a git repository")


def test_a_closed_output_or_error_stream_is_no_error(tmp_path: Path) -> None:
    # started with stdout or stderr closed (``>&-``), as Python then sets it to None
    repo = sample_repo(tmp_path / "gitops")
    for closed, fd in (("stdout", 1), ("stderr", 2)):
        streams: dict[str, int | None] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        streams[closed] = None  # inherited, then closed in the child before Python starts
        proc = _tool(
            "history", "api", "--env", "prod", cwd=repo.path, preexec_fn=_closer(fd), **streams
        )
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert err in (None, b"")


def _closer(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)
