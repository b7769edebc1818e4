"""Reads at refs: revisions, blobs in one batch, trees, status and diffs."""

from __future__ import annotations

import subprocess

import pytest

from gitops_promote.errors import NotFoundError
from gitops_promote.git.repository import GitRepository

from ..gitrepo import GitRepo
from .repos import SPEC, SPEC_V1, SPEC_V2

# ---------------------------------------------------------------- revisions


def test_detached_head_has_no_current_branch(work: GitRepo) -> None:
    work.git("checkout", "-q", "--detach")
    assert GitRepository(work.path).current_branch() is None


def test_rev_parse(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    head = work.head()
    assert repo.rev_parse("HEAD") == head
    assert repo.rev_parse("main") == head
    assert repo.rev_parse(head[:8]) == head
    assert repo.rev_parse("no-such-branch") is None
    assert repo.rev_parse("--help") is None
    work.git("tag", "-a", "-m", "release", "v1.0")
    assert repo.rev_parse("v1.0") == head  # annotated tags are peeled to their commit


# ---------------------------------------------------------------- reading at refs


def test_read_file_at_refs_does_not_look_at_the_work_tree(work: GitRepo) -> None:
    first = work.head()
    work.commit({SPEC: SPEC_V2}, "bump")
    work.write({SPEC: "uncommitted\n"})
    repo = GitRepository(work.path)
    assert repo.read_file(first, SPEC) == SPEC_V1.encode()
    assert repo.read_file("HEAD", SPEC) == SPEC_V2.encode()
    assert repo.read_file("main", "./envs//prod/api.yaml") == SPEC_V2.encode()
    assert repo.read_file("HEAD", "envs/prod/missing.yaml") is None
    assert repo.read_file("HEAD", "envs/prod") is None  # a directory is not a file


def test_read_files_uses_one_batch_and_reports_absent_paths(
    work: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepository(work.path)
    calls = _count_processes(monkeypatch)
    got = repo.read_files("HEAD", [SPEC, "envs/dev/api.yaml", "nope.yaml", "envs/dev/web.yml"])
    assert calls == [["cat-file", "--batch"]]  # one process for all four files
    assert got == {
        SPEC: SPEC_V1.encode(),
        "envs/dev/api.yaml": b"image: registry/api:1.2\n",
        "nope.yaml": None,
        "envs/dev/web.yml": b"image: registry/web:2\n",
    }


def test_read_files_unknown_ref_is_not_found(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    with pytest.raises(NotFoundError, match="unknown revision 'nope'"):
        repo.read_files("nope", [SPEC])
    with pytest.raises(NotFoundError):
        repo.read_file("-x", SPEC)


def test_read_keeps_bytes_exactly(work: GitRepo) -> None:
    data = b"a: 1\r\nb: \xff\x00\xfe\r\n"
    work.commit({"envs/dev/bin.yaml": data}, "binary")
    repo = GitRepository(work.path)
    assert repo.read_file("HEAD", "envs/dev/bin.yaml") == data
    work.commit({"envs/dev/empty.yaml": b""}, "empty")
    assert repo.read_file("HEAD", "envs/dev/empty.yaml") == b""


def test_list_dir(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    assert repo.list_dir("HEAD", "envs/dev") == ["api.yaml", "web.yml"]
    assert repo.list_dir("HEAD", "envs/dev/") == ["api.yaml", "web.yml"]
    assert repo.list_dir("HEAD", "") == ["README.md"]
    assert repo.list_dir("HEAD", "envs/staging") == []
    first = work.head()
    work.commit({"envs/dev/new.yaml": "a: 1\n"}, "add")
    assert repo.list_dir(first, "envs/dev") == ["api.yaml", "web.yml"]
    assert repo.list_dir("HEAD", "envs/dev") == ["api.yaml", "new.yaml", "web.yml"]
    with pytest.raises(NotFoundError):
        repo.list_dir("nope", "envs/dev")


def test_dirty_paths(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    assert repo.dirty_paths([SPEC, "envs/dev/api.yaml"]) == []
    work.write({SPEC: "changed\n"})  # unstaged
    work.write({"envs/dev/api.yaml": "staged\n"})
    work.git("add", "envs/dev/api.yaml")  # staged
    work.write({"envs/staging/api.yaml": "new\n"})  # untracked
    paths = [SPEC, "envs/dev/api.yaml", "envs/staging/api.yaml", "envs/dev/web.yml"]
    assert repo.dirty_paths(paths) == [SPEC, "envs/dev/api.yaml", "envs/staging/api.yaml"]
    work.write({"envs/dev/web.yml": None})  # deleted in the work tree
    assert repo.dirty_paths(["envs/dev/web.yml"]) == ["envs/dev/web.yml"]


def test_dirty_paths_treats_names_literally(work: GitRepo) -> None:
    work.write({"envs/dev/x.yaml": "untracked\n"})
    repo = GitRepository(work.path)
    assert repo.dirty_paths(["envs/dev/*.yaml"]) == []


def test_diff_text(work: GitRepo) -> None:
    repo = GitRepository(work.path)
    text = repo.diff_text(SPEC_V1.encode(), SPEC_V2.encode(), SPEC)
    lines = text.splitlines()
    assert lines[0] == f"diff --git a/{SPEC} b/{SPEC}"
    assert f"--- a/{SPEC}" in lines
    assert f"+++ b/{SPEC}" in lines
    assert "-image: registry/api:1.0  # pinned" in lines
    assert "+image: registry/api:1.1  # pinned" in lines
    assert " replicas: 3" in lines
    assert repo.diff_text(b"same\n", b"same\n", SPEC) == ""
    assert "\\ No newline at end of file" in repo.diff_text(b"a\n", b"a", SPEC)


# ---------------------------------------------------------------- helpers


def _count_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the git subcommand (and options) of every process started from now on."""
    import subprocess

    calls: list[list[str]] = []
    real = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def spy(self: subprocess.Popen[bytes], args: list[str], *rest: object, **kw: object) -> None:
        calls.append(list(args[1:]))
        real(self, args, *rest, **kw)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", spy)
    return calls
