"""The log parser: one ``git log`` pass gives every commit with all the paths it changed."""

from __future__ import annotations

from gitops_promote.git import Gateway
from gitops_promote.git.log import LOG_FORMAT, parse_log

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
