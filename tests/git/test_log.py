"""The log parser: one ``git log`` pass gives every commit with all the paths it changed."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gitops_promote import interrupt
from gitops_promote.errors import GitError, Interrupted, NotFoundError
from gitops_promote.git import Gateway, log
from gitops_promote.git.gateway import Streamed
from gitops_promote.git.log import LOG_FORMAT, iter_log_chunks, parse_log, paths_log

from .repos import MakeRepo

WEB = "name: web\nimage: registry/web:1\nreplicas: 2\nport: 8080\n"


def test_one_pass_gives_every_changed_path_with_its_status(git_repo: MakeRepo) -> None:
    work = git_repo({"envs/dev/api.yaml": "a: 1\n", "envs/dev/web.yaml": WEB, "README.md": "x\n"})
    first = work.head()
    work.git("mv", "envs/dev/web.yaml", "envs/dev/www.yaml")
    second = work.commit({"envs/dev/api.yaml": "a: 2\n", "README.md": None}, "bump, rename, drop")
    gw = Gateway(work.path)
    out = gw.run("log", "-z", "--raw", "--no-abbrev", "-M", LOG_FORMAT, "HEAD").stdout

    records = parse_log(out)

    assert [(r.sha, r.parents, r.message) for r in records] == [
        (second, (first,), "bump, rename, drop\n"),
        (first, (), "initial\n"),
    ]
    newest = {c.path: c for c in records[0].changes}
    assert sorted(newest) == ["README.md", "envs/dev/api.yaml", "envs/dev/www.yaml"]
    assert newest["envs/dev/api.yaml"].status == "M"
    assert newest["envs/dev/api.yaml"].old_blob != newest["envs/dev/api.yaml"].blob
    renamed = newest["envs/dev/www.yaml"]
    assert (renamed.status, renamed.old_path) == ("R", "envs/dev/web.yaml")
    assert renamed.old_blob == renamed.blob is not None
    assert (newest["README.md"].status, newest["README.md"].blob) == ("D", None)
    added = records[1].changes
    assert {(c.status, c.old_path, c.old_blob) for c in added} == {("A", None, None)}
    assert sorted(c.path for c in added) == ["README.md", "envs/dev/api.yaml", "envs/dev/web.yaml"]


def test_a_commit_without_changed_paths_is_a_record_without_changes(git_repo: MakeRepo) -> None:
    work = git_repo({"a.yaml": "a: 1\n"})
    empty = work.commit({}, "nothing")
    out = Gateway(work.path).run("log", "-z", "--raw", "--no-abbrev", LOG_FORMAT, "-1").stdout
    (record,) = parse_log(out)
    assert (record.sha, record.changes) == (empty, ())
    assert parse_log(b"") == []


def _busy_log(git_repo: MakeRepo) -> tuple[Gateway, bytes]:
    """A log with renames, deletes, an empty commit, a merge and messages holding odd bytes."""
    work = git_repo({"envs/dev/api.yaml": "a: 1\n", "envs/dev/web.yaml": WEB})
    work.commit({"envs/dev/api.yaml": "a: 2\n"}, "multi\n\nline \x1e body\n\nTrailer: x")
    work.git("mv", "envs/dev/web.yaml", "envs/dev/www.yaml")
    work.commit({"envs/prod/api.yaml": "a: 2\n"}, "rename and add")
    work.git("checkout", "-q", "-b", "side")
    work.commit({"envs/prod/api.yaml": "a: 3\n"}, "side change")
    work.git("checkout", "-q", "main")
    work.commit({"envs/dev/api.yaml": "a: 4\n", "envs/dev/www.yaml": None}, "main change")
    work.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    work.commit({}, "empty")
    gw = Gateway(work.path)
    args = ["log", "-M", "-z", "--raw", "--no-abbrev", "--diff-merges=dense-combined", LOG_FORMAT]
    return gw, gw.run(*args, "HEAD").stdout


def test_records_are_the_same_however_the_output_is_cut(git_repo: MakeRepo) -> None:
    _, out = _busy_log(git_repo)
    whole = parse_log(out)
    assert len(whole) == 7 and any(len(r.parents) == 2 for r in whole)
    for size in (1, 2, 3, 7, 64, 1000, len(out)):
        chunks = [out[i : i + size] for i in range(0, len(out), size)]
        for batch in (1, 5, 4096):  # records completed in every parse, or only at the end
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(log, "_BATCH", batch)
                assert list(iter_log_chunks(chunks)) == whole, (size, batch)


def test_a_pass_streams_its_records_and_stops_git_when_left_early(git_repo: MakeRepo) -> None:
    gw, _ = _busy_log(git_repo)
    ended = Streamed()
    chunks = gw.stream("log", "-z", "--raw", LOG_FORMAT, "HEAD", ended=ended, size=16)
    first = next(chunks)
    assert first.startswith(b"\x1e")
    chunks.close()  # the consumer stops: git is stopped, not left writing into a full pipe
    assert ended.status == -1
    assert [r.message for r in paths_log(gw, "HEAD", ["envs/prod"])] == [
        "rename and add\n",
        "side change\n",
    ]


def test_a_pass_over_an_unknown_revision_is_not_found(git_repo: MakeRepo) -> None:
    gw, _ = _busy_log(git_repo)
    with pytest.raises(NotFoundError, match="unknown revision 'nope'"):
        list(paths_log(gw, "nope", ["envs"]))


def test_a_signal_to_the_command_stops_a_pass_running_in_a_worker_thread(
    git_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, _ = _busy_log(git_repo)
    ended = Streamed()
    chunks = gw.stream("log", "-z", "--raw", LOG_FORMAT, "HEAD", ended=ended, size=16)

    def read_all() -> int:
        count = 0
        for _ in chunks:
            count += 1
            if count == 3:  # the main thread takes a signal while the pass runs
                monkeypatch.setattr(interrupt._state, "raised", True)
        return count

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(read_all)
        with pytest.raises(GitError, match="git log stopped: the command was interrupted"):
            pending.result()
    assert ended.status == -1  # git was stopped, not read to its end


def test_a_signal_stops_a_pass_that_has_not_written_anything_yet(
    git_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, _ = _busy_log(git_repo)
    monkeypatch.setattr(interrupt, "_state", interrupt._State())
    ended = Streamed()
    # a git process that writes nothing for a long time, like a log pass still walking history
    chunks = gw.stream("-c", "alias.walk=!sleep 30", "walk", ended=ended)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(list, chunks)
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(Interrupted):
            interrupt._handle(signal.SIGINT, None)  # what the main thread runs on Ctrl-C
        with pytest.raises(GitError, match="stopped: the command was interrupted"):
            pending.result(timeout=10)
    assert time.monotonic() - started < 5
