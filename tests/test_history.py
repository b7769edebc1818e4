"""Versions of a spec from real git histories: numbering, kinds, renames, deletes, merges."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_promote.errors import NotFoundError, UsageError
from gitops_promote.git import Gateway
from gitops_promote.git.repository import GitRepository
from gitops_promote.history import (
    Version,
    all_versions,
    parse_trailers,
    read_version,
    resolve_version,
    versions,
)

from .gitrepo import GitRepo

MakeRepo = Callable[..., GitRepo]

SPEC = "envs/prod/api.yaml"


def trailer_msg(subject: str, kind: str, extra: str = "") -> str:
    return f"{subject}\n\nGitops-Promote-Kind: {kind}\n{extra}"


@pytest.fixture
def history(git_repo: MakeRepo) -> tuple[GitRepo, list[str]]:
    """A spec with five versions, interleaved with commits that do not touch it."""
    work = git_repo()
    shas = [
        work.commit({SPEC: "image: api:1\n", "README.md": "r\n"}, "add api to prod"),
        work.commit({SPEC: "image: api:2\n"}, "bump to 2"),
    ]
    work.commit({"README.md": "docs\n"}, "docs only")
    shas.append(
        work.commit(
            {SPEC: "image: api:3\n"},
            trailer_msg(
                "promote(api): staging v4 -> prod",
                "promote",
                "Gitops-Promote-Source: staging v4 abc\n",
            ),
        )
    )
    work.commit({"envs/dev/api.yaml": "image: api:9\n"}, "dev only")
    shas.append(
        work.commit(
            {SPEC: "image: api:1\n"},
            trailer_msg(
                "rollback(prod/api): v3 -> v1 as v4", "rollback", "Gitops-Promote-Restores: v1 x\n"
            ),
        )
    )
    shas.append(work.commit({SPEC: "image: api:5\n"}, trailer_msg("update(prod/api): 5", "update")))
    return work, shas


def test_numbering_is_oldest_first_and_skips_other_commits(
    history: tuple[GitRepo, list[str]],
) -> None:
    work, shas = history
    vs = versions(GitRepository(work.path), SPEC)
    assert [v.number for v in vs] == [1, 2, 3, 4, 5]
    assert [v.label for v in vs] == ["v1", "v2", "v3", "v4", "v5"]
    assert [v.sha for v in vs] == shas
    assert [v.kind for v in vs] == ["create", "update", "promote", "rollback", "update"]
    assert all(v.path == SPEC for v in vs)


def test_version_fields(history: tuple[GitRepo, list[str]]) -> None:
    work, shas = history
    vs = versions(GitRepository(work.path), SPEC)
    v3 = vs[2]
    assert v3.subject == "promote(api): staging v4 -> prod"
    assert v3.message.startswith("promote(api): staging v4 -> prod\n\nGitops-Promote-Kind: promote")
    assert v3.trailers == {
        "Gitops-Promote-Kind": "promote",
        "Gitops-Promote-Source": "staging v4 abc",
    }
    assert v3.author == "Test Author"
    assert v3.email == "author@example.com"
    assert v3.date == work.git("log", "-1", "--format=%aI", shas[2])
    assert v3.blob == work.git("rev-parse", f"{shas[2]}:{SPEC}")
    assert vs[3].trailers["Gitops-Promote-Restores"] == "v1 x"
    assert vs[0].trailers == {}


def test_versions_at_an_older_ref(history: tuple[GitRepo, list[str]]) -> None:
    work, shas = history
    vs = versions(GitRepository(work.path), SPEC, ref=shas[1])
    assert [v.sha for v in vs] == shas[:2]


def test_versions_run_a_single_git_process(
    history: tuple[GitRepo, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, _ = history
    repo = GitRepository(work.path)
    spawned: list[list[str]] = []
    real = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def spy(self: subprocess.Popen[bytes], args: list[str], *rest: object, **kw: object) -> None:
        spawned.append(list(args))
        real(self, args, *rest, **kw)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", spy)
    vs = versions(repo, SPEC)
    assert len(vs) == 5
    # one git log; beside it, once per repository, the check that the clone is not shallow
    assert len([a for a in spawned if "--is-shallow-repository" not in a]) == 1
    assert len(spawned) <= 2
    (log,) = [a for a in spawned if "--is-shallow-repository" not in a]
    assert "log" in log and "--follow" in log


def test_unknown_ref_and_unknown_path(history: tuple[GitRepo, list[str]]) -> None:
    work, _ = history
    repo = GitRepository(work.path)
    with pytest.raises(NotFoundError):
        versions(repo, SPEC, ref="no-such-branch")
    assert versions(repo, "envs/prod/nothing.yaml") == []


def test_empty_repository_has_no_versions(git_repo: MakeRepo) -> None:
    work = git_repo()
    assert versions(GitRepository(work.path), SPEC) == []


def test_read_version_gives_exact_bytes(git_repo: MakeRepo) -> None:
    work = git_repo()
    work.commit({SPEC: b"a: 1\r\n"}, "crlf")
    work.commit({SPEC: b"a: 2\r\n# no newline"}, "edit")
    repo = GitRepository(work.path)
    vs = versions(repo, SPEC)
    assert read_version(repo, vs[0]) == b"a: 1\r\n"
    assert read_version(repo, vs[1]) == b"a: 2\r\n# no newline"


def test_renames_are_followed_and_a_pure_rename_is_not_a_version(git_repo: MakeRepo) -> None:
    work = git_repo()
    old = "envs/prod/api-old.yaml"
    c1 = work.commit({old: "image: api:1\nreplicas: 2\n"}, "create under the old name")
    c2 = work.commit({old: "image: api:2\nreplicas: 2\n"}, "bump")
    work.git("mv", old, SPEC)
    work.git("commit", "-q", "-m", "rename only")
    c4 = work.commit({SPEC: "image: api:3\nreplicas: 2\n"}, "bump after rename")
    repo = GitRepository(work.path)
    vs = versions(repo, SPEC)
    assert [v.sha for v in vs] == [c1, c2, c4]
    assert [v.path for v in vs] == [old, old, SPEC]
    assert [v.number for v in vs] == [1, 2, 3]
    assert read_version(repo, vs[0]) == b"image: api:1\nreplicas: 2\n"
    assert read_version(repo, vs[2]) == b"image: api:3\nreplicas: 2\n"


def test_rename_with_an_edit_is_a_version_at_the_new_path(git_repo: MakeRepo) -> None:
    work = git_repo()
    old = "envs/prod/service.yaml"
    body = "".join(f"key{i}: value {i}\n" for i in range(20))
    c1 = work.commit({old: body}, "create")
    work.write({old: None, SPEC: body.replace("value 3", "value three")})
    work.git("add", "-A")
    work.git("commit", "-q", "-m", "rename and edit")
    c2 = work.head()
    vs = versions(GitRepository(work.path), SPEC)
    assert [(v.sha, v.path, v.kind) for v in vs] == [(c1, old, "create"), (c2, SPEC, "update")]


def test_mode_change_is_not_a_version(git_repo: MakeRepo) -> None:
    work = git_repo()
    c1 = work.commit({SPEC: "a: 1\n"}, "create")
    (work.path / SPEC).chmod(0o755)
    work.git("add", "-A")
    work.git("commit", "-q", "-m", "chmod")
    vs = versions(GitRepository(work.path), SPEC)
    assert [v.sha for v in vs] == [c1]


def test_delete_and_recreate_continues_numbering(git_repo: MakeRepo) -> None:
    work = git_repo()
    c1 = work.commit({SPEC: "a: 1\n", "README.md": "r\n"}, "create")
    c2 = work.commit({SPEC: "a: 2\n"}, "update")
    work.commit({SPEC: None}, "decommission api")
    work.commit({"README.md": "while it was gone\n"}, "unrelated")
    c5 = work.commit({SPEC: "a: 2\n"}, "bring api back")  # same content as before the delete
    c6 = work.commit({SPEC: "a: 3\n"}, "update again")
    repo = GitRepository(work.path)
    vs = versions(repo, SPEC)
    assert [v.sha for v in vs] == [c1, c2, c5, c6]
    assert [v.number for v in vs] == [1, 2, 3, 4]
    assert [v.kind for v in vs] == ["create", "update", "create", "update"]
    assert read_version(repo, vs[2]) == b"a: 2\n"


def test_deleted_file_has_its_old_versions_until_the_delete(git_repo: MakeRepo) -> None:
    work = git_repo()
    c1 = work.commit({SPEC: "a: 1\n", "README.md": "r\n"}, "create")
    work.commit({SPEC: None}, "delete")
    assert [v.sha for v in versions(GitRepository(work.path), SPEC)] == [c1]


def test_merged_side_branch_change_counts_once(git_repo: MakeRepo) -> None:
    work = git_repo()
    c1 = work.commit({SPEC: "a: 1\n", "README.md": "r\n"}, "create")
    work.git("checkout", "-q", "-b", "feature")
    side = work.commit({SPEC: "a: 2\n"}, "change on a branch")
    work.git("checkout", "-q", "main")
    work.commit({"README.md": "main moved\n"}, "unrelated on main")
    work.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    merge = work.head()
    vs = versions(GitRepository(work.path), SPEC)
    assert [v.sha for v in vs] == [c1, side]
    assert merge not in [v.sha for v in vs]


def test_merge_resolving_a_conflict_is_a_version(git_repo: MakeRepo) -> None:
    work = git_repo()
    c1 = work.commit({SPEC: "a: 1\n"}, "create")
    work.git("checkout", "-q", "-b", "feature")
    side = work.commit({SPEC: "a: 2\n"}, "feature change")
    work.git("checkout", "-q", "main")
    mainline = work.commit({SPEC: "a: 3\n"}, "main change")
    work.git("merge", "-q", "--no-edit", "feature", check=False)
    work.commit({SPEC: "a: 4\n"}, "merge feature, resolved")
    merge = work.head()
    assert len(work.git("log", "-1", "--format=%P").split()) == 2
    repo = GitRepository(work.path)
    vs = versions(repo, SPEC)
    assert vs[0].sha == c1
    assert set(v.sha for v in vs[1:3]) == {side, mainline}
    assert vs[3].sha == merge
    assert vs[3].number == 4
    assert read_version(repo, vs[3]) == b"a: 4\n"


def test_unknown_kind_trailer_falls_back(git_repo: MakeRepo) -> None:
    work = git_repo()
    work.commit({SPEC: "a: 1\n"}, trailer_msg("x", "rollback"))
    work.commit({SPEC: "a: 2\n"}, trailer_msg("y", "Deploy"))
    work.commit({SPEC: "a: 3\n"}, "z\n\ngitops-promote-kind: PROMOTE\n")
    vs = versions(GitRepository(work.path), SPEC)
    assert [v.kind for v in vs] == ["rollback", "update", "promote"]


# ---------------------------------------------------------------- trailers


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("subject only", {}),
        ("Key: looks like a trailer but is the subject", {}),
        ("subject\n\nbody text\n\nA: 1\nB-Key: two words\n", {"A": "1", "B-Key": "two words"}),
        ("subject\n\nA: 1\n\nbody after the trailers\n", {}),
        ("subject\n\nGitops-Promote-Kind: rollback\n\n\n", {"Gitops-Promote-Kind": "rollback"}),
        (
            "subject\n\nGitops-Promote-Restores: v5\n  abcdef continued\n",
            {"Gitops-Promote-Restores": "v5 abcdef continued"},
        ),
        (
            "subject\n\nsome prose line\nSigned-off-by: A <a@x>\nGitops-Promote-Kind: promote\n",
            {"Signed-off-by": "A <a@x>", "Gitops-Promote-Kind": "promote"},
        ),
        ("subject\n\nprose one\nprose two\nprose three\nprose four\nX-Thing: 1\n", {}),
        ("subject\r\n\r\nGitops-Promote-Kind: update\r\n", {"Gitops-Promote-Kind": "update"}),
    ],
)
def test_parse_trailers(message: str, expected: dict[str, str]) -> None:
    assert parse_trailers(message) == expected


# ---------------------------------------------------------------- resolve_version


def _vs(history: tuple[GitRepo, list[str]]) -> list[Version]:
    work, _ = history
    return versions(GitRepository(work.path), SPEC)


def test_resolve_by_number_and_label(history: tuple[GitRepo, list[str]]) -> None:
    vs = _vs(history)
    assert resolve_version(vs, "v3").number == 3
    assert resolve_version(vs, "V1").number == 1
    assert resolve_version(vs, " v5 ").number == 5
    assert resolve_version(vs, "2").number == 2


def test_resolve_by_sha(history: tuple[GitRepo, list[str]]) -> None:
    vs = _vs(history)
    _, shas = history
    assert resolve_version(vs, shas[3]).number == 4
    assert resolve_version(vs, shas[3][:7]).number == 4
    assert resolve_version(vs, shas[3][:7].upper()).number == 4


def test_resolve_previous_and_latest(history: tuple[GitRepo, list[str]]) -> None:
    vs = _vs(history)
    assert resolve_version(vs, "previous").number == 4
    assert resolve_version(vs, "latest").number == 5
    with pytest.raises(NotFoundError, match="no previous version"):
        resolve_version(vs[:1], "previous")


@pytest.mark.parametrize("spec", ["v0", "v6", "99", "nonsense", "", "v-1"])
def test_resolve_unknown_is_not_found(history: tuple[GitRepo, list[str]], spec: str) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_version(_vs(history), spec)
    assert info.value.exit_code == 2


def test_resolve_sha_of_a_commit_that_is_not_a_version(
    history: tuple[GitRepo, list[str]],
) -> None:
    work, _ = history
    docs_only = work.git("log", "--format=%H", "--grep=docs only")
    with pytest.raises(NotFoundError, match="not a version"):
        resolve_version(_vs(history), docs_only[:10])


def test_resolve_in_an_empty_history() -> None:
    with pytest.raises(NotFoundError):
        resolve_version([], "v1")


def test_resolve_ambiguous_short_sha() -> None:
    def v(n: int, sha: str) -> Version:
        return Version(n, sha, "", "", "", "s", "s", "update", SPEC, "b" * 40, {})

    vs = [v(1, "abcd1" + "0" * 35), v(2, "abcd2" + "0" * 35)]
    with pytest.raises(UsageError, match="ambiguous"):
        resolve_version(vs, "abcd")
    assert resolve_version(vs, "abcd2").number == 2


# ---------------------------------------------------------------- large histories


def fast_import(path: Path, spec: str, count: int) -> None:
    """A repository whose ``spec`` has ``count`` versions, with an unrelated commit every 10."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    chunks = []
    for i in range(count):
        mark = i + 1
        files = [(spec, f"image: api:{i}\nreplicas: 3\n")]
        if i % 10 == 9:
            files.append(("README.md", f"note {i}\n"))
        chunks.append(f"commit refs/heads/main\nmark :{mark}\n")
        chunks.append(f"author A <a@x> {1700000000 + i} +0000\n")
        chunks.append(f"committer A <a@x> {1700000000 + i} +0000\n")
        msg = f"update {i}\n"
        chunks.append(f"data {len(msg)}\n{msg}")
        if mark > 1:
            chunks.append(f"from :{mark - 1}\n")
        for name, body in files:
            chunks.append(f"M 100644 inline {name}\ndata {len(body.encode())}\n{body}\n")
        chunks.append("\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=path,
        input="".join(chunks).encode(),
        check=True,
    )


def test_a_thousand_versions(tmp_path: Path) -> None:
    fast_import(tmp_path / "big", SPEC, 1000)
    repo = GitRepository(tmp_path / "big")
    vs = versions(repo, SPEC, ref="main")
    assert len(vs) == 1000
    assert vs[0].kind == "create" and vs[-1].number == 1000
    assert vs[-1].subject == "update 999"
    assert read_version(repo, resolve_version(vs, "v500")) == b"image: api:499\nreplicas: 3\n"


def test_sha256_repository(tmp_path: Path) -> None:
    path = tmp_path / "s256"
    subprocess.run(
        ["git", "init", "-q", "-b", "main", "--object-format=sha256", str(path)], check=True
    )
    work = GitRepo.__new__(GitRepo)
    work.path = path
    c1 = work.commit({SPEC: "a: 1\n", "README.md": "r\n"}, "create")
    repo = GitRepository(path)
    result = repo.commit_files("main", {SPEC: b"a: 2\n"}, "update")
    work.commit({SPEC: None}, "delete")
    c4 = work.commit({SPEC: "a: 3\n"}, "recreate")
    vs = versions(repo, SPEC)
    assert len(c1) == 64
    assert [(v.sha, v.kind) for v in vs] == [
        (c1, "create"),
        (result.sha, "update"),
        (c4, "create"),
    ]
    assert read_version(repo, resolve_version(vs, "v2")) == b"a: 2\n"


# ---------------------------------------------------------------- renames only, never copies
# (SPEC section 1): one spec's history (``versions``, a ``git log --follow``) and every spec's
# at once (``all_versions``, one pass over the environments' folders) must agree.

STAGING = "envs/staging/api.yaml"


def agreed(repo: GitRepository, path: str) -> list[Version]:
    """The versions of ``path``, checked to be the same from both passes."""
    one = versions(repo, path)
    every = all_versions(repo, "HEAD", ["envs"])
    assert every.get(path, []) == one
    return one


def staging_history(work: GitRepo) -> list[str]:
    body = "".join(f"key{i}: value {i}\n" for i in range(20))
    return [
        work.commit({STAGING: body}, "create staging"),
        work.commit({STAGING: body + "image: api:2\n"}, "bump staging"),
        work.commit({STAGING: body + "image: api:3\n"}, "bump staging again"),
    ]


def test_history_never_follows_a_copy(git_repo: MakeRepo) -> None:
    work = git_repo()
    staging = staging_history(work)
    content = (work.path / STAGING).read_text()
    copy = work.commit({SPEC: content}, "prod: start from staging's spec")
    edit = work.commit({SPEC: content + "replicas: 4\n"}, "prod replicas")
    repo = GitRepository(work.path)
    vs = agreed(repo, SPEC)
    assert [(v.label, v.sha, v.kind, v.path) for v in vs] == [
        ("v1", copy, "create", SPEC),
        ("v2", edit, "update", SPEC),
    ]
    assert [v.sha for v in agreed(repo, STAGING)] == staging


def test_a_spec_created_by_promote_is_v1_of_kind_promote(git_repo: MakeRepo) -> None:
    work = git_repo()
    staging_history(work)
    content = (work.path / STAGING).read_text()
    promoted = work.commit(
        {SPEC: content}, trailer_msg("promote(api): staging v3 -> prod", "promote")
    )
    vs = agreed(GitRepository(work.path), SPEC)
    assert [(v.label, v.sha, v.kind) for v in vs] == [("v1", promoted, "promote")]


def test_a_move_between_environments_is_a_rename(git_repo: MakeRepo) -> None:
    work = git_repo()
    staging = staging_history(work)
    work.write({SPEC: (work.path / STAGING).read_text(), STAGING: None})
    work.git("add", "-A")
    work.git("commit", "-q", "-m", "api now lives in prod only")
    repo = GitRepository(work.path)
    vs = agreed(repo, SPEC)
    assert [v.sha for v in vs] == staging
    assert [v.path for v in vs] == [STAGING] * 3
    assert STAGING not in all_versions(repo, "HEAD", ["envs"])


@pytest.mark.parametrize(
    "case",
    ["rename", "rename-and-edit", "delete-and-recreate", "copy-then-edit-both"],
)
def test_both_passes_agree(git_repo: MakeRepo, case: str) -> None:
    work = git_repo()
    old = "envs/prod/api-old.yaml"
    body = "".join(f"key{i}: value {i}\n" for i in range(20))
    work.commit({old: body, "README.md": "r\n"}, "create")
    work.commit({old: body + "x: 1\n"}, "update")
    if case == "rename":
        work.git("mv", old, SPEC)
        work.git("commit", "-q", "-m", "rename")
    elif case == "rename-and-edit":
        work.write({old: None, SPEC: body + "x: 2\n"})
        work.git("add", "-A")
        work.git("commit", "-q", "-m", "rename and edit")
    elif case == "delete-and-recreate":
        work.commit({old: None}, "delete")
        work.commit({old: body}, "recreate")
        work.commit({SPEC: body + "y: 1\n"}, "another service")
    else:
        work.commit({SPEC: body + "x: 1\n"}, "copy")
        work.commit({SPEC: body + "x: 3\n", old: body + "x: 4\n"}, "edit both")
    repo = GitRepository(work.path)
    for path in (old, SPEC):
        if (work.path / path).exists():
            agreed(repo, path)
    every = all_versions(repo, "HEAD", ["envs"])
    expected = {
        "rename": {SPEC: 2},
        "rename-and-edit": {SPEC: 3},
        "delete-and-recreate": {old: 3, SPEC: 1},
        "copy-then-edit-both": {old: 3, SPEC: 2},
    }[case]
    assert {p: len(v) for p, v in every.items()} == expected


def test_all_versions_is_one_git_process(
    history: tuple[GitRepo, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, shas = history
    repo = GitRepository(work.path)
    calls: list[tuple[str, ...]] = []
    real = Gateway.run

    def counting(self: Gateway, *args: str, **kw: Any) -> Any:
        calls.append(args)
        return real(self, *args, **kw)

    real_stream = Gateway.stream

    def counting_stream(self: Gateway, *args: str, **kw: Any) -> Any:
        calls.append(args)
        return real_stream(self, *args, **kw)

    monkeypatch.setattr(Gateway, "run", counting)
    monkeypatch.setattr(Gateway, "stream", counting_stream)
    every = all_versions(repo, "HEAD", ["envs/dev", "envs/prod"])
    calls = [c for c in calls if "--is-shallow-repository" not in c]  # once per repository
    assert len(calls) == 1
    assert "--follow" not in calls[0] and "-M" in calls[0]
    assert [v.sha for v in every[SPEC]] == shas
    assert [v.number for v in every["envs/dev/api.yaml"]] == [1]
