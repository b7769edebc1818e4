"""SPEC sections 1 and 8: directory specs (a kustomize overlay per environment) versioned, shown,
rolled back, updated and promoted as one spec, on a real repository built in tests/dirspec_repo."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from gitops_promote import specfiles

from . import dirspec_repo as ov
from .gitrepo import GitRepo
from .sample import run, run_json


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return ov.build(tmp_path / "gitops")


def _versions(repo: GitRepo, env: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    data = run_json(repo, "history", "simple", "--env", env, capsys=capsys)
    return [v["message"] for v in data["versions"]]


def _by_path(service: dict[str, Any]) -> dict[str, str]:
    return {c["path"]: cat for cat in ("changed", "retained", "attention") for c in service[cat]}


def _tree(repo: GitRepo, ref: str, folder: str) -> dict[str, bytes]:
    names = repo.git("ls-tree", "-r", "--name-only", ref, "--", folder + "/").splitlines()
    return {n[len(folder) + 1 :]: repo.show(ref, n) for n in names}


# -- versions ------------------------------------------------------------------------------------


def test_directory_spec_version_is_a_commit_that_changed_any_file_below_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # "base only" changes base/, outside every overlay: not a version of any of them
    assert _versions(repo, "prod-us", capsys) == [
        "prod-us: extra patch",
        "prod-us: 1.0.1",
        "initial overlays",
    ]
    assert _versions(repo, "staging-us", capsys) == ["staging-us: 1.2.0", "initial overlays"]
    data = run_json(repo, "history", "simple", "--env", "prod-us", capsys=capsys)
    assert [v["kind"] for v in data["versions"]] == ["update", "update", "create"]


def test_directory_spec_rename_inside_the_folder_is_not_a_version(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "envs/prod-us/extra.yml", "envs/prod-us/more.yml")
    repo.git("commit", "-q", "-m", "rename a patch")
    repo.git("update-index", "--chmod=+x", "envs/prod-us/more.yml")
    repo.git("commit", "-q", "-m", "mode only")
    assert _versions(repo, "prod-us", capsys)[0] == "prod-us: extra patch"
    repo.commit({"envs/prod-us/more.yml": ov.replicas(8)}, "edit the renamed patch")
    assert _versions(repo, "prod-us", capsys)[0] == "edit the renamed patch"


def test_directory_spec_history_is_one_git_log(repo: GitRepo) -> None:
    from gitops_promote.git.repository import GitRepository

    calls: list[tuple[str, ...]] = []
    git_repo = GitRepository(repo.path)
    original = git_repo.gateway.run

    def counting(*args: str, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    streamed = git_repo.gateway.stream

    def counting_stream(*args: str, **kwargs: Any) -> Any:
        calls.append(args)
        return streamed(*args, **kwargs)

    git_repo.gateway.run = counting  # type: ignore[method-assign]
    git_repo.gateway.stream = counting_stream  # type: ignore[method-assign]
    from gitops_promote.dirversions import folder_versions

    found = folder_versions(git_repo, "envs/prod-us", "main")
    assert len(found) == 3
    assert sum("log" in c for c in calls) == 1
    # beside it, once per repository, the check that the clone is not shallow
    assert len([c for c in calls if "--is-shallow-repository" not in c]) == 1


def test_directory_spec_show_prints_every_file_or_one(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(repo, "show", "simple", "--env", "prod-us", "--version", "v1", capsys=capsys)
    assert code == 0
    assert "==> version.yml <==\n" in out and "==> extra.yml <==" not in out
    assert "simple:1.0.0" in out
    code, out, _ = run(
        repo, "show", "simple", "--env", "prod-us", "--file", "version.yml", capsys=capsys
    )
    assert code == 0 and out == ov.version("1.0.1")
    data = run_json(repo, "show", "simple", "--env", "prod-us", capsys=capsys)
    files = {f["path"]: f["content"] for f in data["files"]}
    assert sorted(files) == sorted(
        ["deployment.yml", "extra.yml", "kustomization.yml", "replicas.yml", "settings.yml",
         "version.yml"]
    )  # fmt: skip
    assert files["replicas.yml"] == ov.replicas(5)
    code, _, err = run(repo, "show", "simple", "--env", "prod-us", "--file", "x.yml", capsys=capsys)
    assert code == 2 and "no file 'x.yml'" in err and "version.yml" in err


# -- rollback ------------------------------------------------------------------------------------


def test_directory_spec_rollback_restores_the_folder_exactly(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = _tree(repo, repo.git("rev-list", "--max-parents=0", "HEAD"), "envs/prod-us")
    repo.commit({"envs/prod-us/settings.yml": None}, "drop settings")
    data = run_json(repo, "rollback", "simple", "--env", "prod-us", "--to", "v1", capsys=capsys)
    assert (data["from_version"], data["to_version"], data["new_version"]) == ("v4", "v1", "v5")
    assert _tree(repo, "HEAD", "envs/prod-us") == v1  # extra.yml gone, settings.yml back
    assert repo.git("rev-list", "--count", f"{data['commit']}^..{data['commit']}") == "1"
    assert repo.status() == ""
    assert not (repo.path / "envs/prod-us/extra.yml").exists()
    assert (repo.path / "envs/prod-us/settings.yml").read_text() == ov.settings("light", "4096kb")
    history = run_json(repo, "history", "simple", "--env", "prod-us", capsys=capsys)
    assert history["versions"][0]["kind"] == "rollback"


def test_directory_spec_rollback_dry_run_shows_every_file_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, out, _ = run(
        repo, "rollback", "simple", "--env", "prod-us", "--to", "v1", "--dry-run", capsys=capsys
    )
    assert code == 0
    assert "envs/prod-us/extra.yml" in out and "envs/prod-us/version.yml" in out
    assert "-          image: docker.io/example/simple:1.0.1" in out
    assert repo.head() == head and repo.status() == ""


def test_directory_spec_rollback_retain_keeps_retained_paths(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/prod-us/replicas.yml": ov.replicas(7)}, "scale prod-us")
    data = run_json(
        repo, "rollback", "simple", "--env", "prod-us", "--to", "v1", "--retain", capsys=capsys
    )
    assert [c["path"] for c in data["retained"]] == ["replicas.yml:/spec/replicas"]
    assert repo.show("HEAD", "envs/prod-us/replicas.yml") == ov.replicas(7).encode()
    assert repo.show("HEAD", "envs/prod-us/version.yml") == ov.version("1.0.0").encode()
    assert "extra.yml" not in _tree(repo, "HEAD", "envs/prod-us")


# -- update --------------------------------------------------------------------------------------

IMAGE = "/spec/template/spec/containers/webserver-simple/image"


def test_directory_spec_update_addresses_a_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        repo, "update", "simple", "--env", "qa", "--set",
        f"version.yml:Deployment/simple-deployment:{IMAGE}=docker.io/example/simple:1.4.0",
        capsys=capsys,
    )  # fmt: skip
    assert data["changed"][0]["path"] == f"version.yml:{IMAGE}"
    assert repo.show("HEAD", "envs/qa/version.yml") == ov.version("1.4.0").encode()
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "envs/qa/version.yml"


def test_directory_spec_update_path_in_one_file_needs_no_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(repo, "update", "simple", "--env", "qa", "--set", "/spec/replicas=3", capsys=capsys)
    assert repo.show("HEAD", "envs/qa/replicas.yml") == ov.replicas(3).encode()


def test_directory_spec_update_ambiguous_path_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, _, err = run(
        repo, "update", "simple", "--env", "qa", "--set", "/metadata/name=x", capsys=capsys
    )
    assert code == 2
    assert err.count("\n") == 1
    for name in ("version.yml", "settings.yml", "replicas.yml", "deployment.yml"):
        assert name in err
    assert repo.head() == head


# -- promote and diff ----------------------------------------------------------------------------


def test_directory_spec_promote_changes_only_the_image_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        repo, "promote", "simple", "--from", "staging-us", "--to", "prod-us",
        "--provider", "local", capsys=capsys,
    )  # fmt: skip
    svc = data["services"][0]
    paths = _by_path(svc)
    assert [c["path"] for c in svc["changed"]] == [f"version.yml:{IMAGE}"]
    assert paths["kustomization.yml:/namespace"] == "retained"
    assert paths["kustomization.yml:/namePrefix"] == "retained"
    assert paths["replicas.yml:/spec/replicas"] == "retained"
    env = "/spec/template/spec/containers/webserver-simple/env"
    assert paths[f"deployment.yml:{env}/ENV"] == "retained"
    assert paths[f"settings.yml:{env}/UI_THEME"] == "retained"
    assert paths["extra.yml:"] == "attention"  # only in prod-us: kept
    branch = data["branch"]
    diff = repo.git("diff", "main", branch)
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert changed == [
        "-          image: docker.io/example/simple:1.0.1  # the app version",
        "+          image: docker.io/example/simple:1.2.0  # the app version",
    ]
    assert repo.git("diff", "--name-only", "main", branch) == "envs/prod-us/version.yml"


def test_directory_spec_file_only_in_source_is_added_and_flagged(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/staging-us/hpa.yml": "kind: HorizontalPodAutoscaler\n"}, "hpa")
    data = run_json(repo, "promote", "simple", "--from", "staging-us", "--to", "prod-us",
                    "--provider", "local", capsys=capsys)  # fmt: skip
    assert _by_path(data["services"][0])["hpa.yml:"] == "attention"
    assert repo.show(data["branch"], "envs/prod-us/hpa.yml") == b"kind: HorizontalPodAutoscaler\n"


def test_directory_spec_non_yaml_files_are_compared_byte_for_byte_and_kept(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        {
            "envs/staging-us/logo.png": b"\x89PNG\r\n\x1a\n\x00staging",
            "envs/prod-us/logo.png": b"\x89PNG\r\n\x1a\n\x00prod",
            "envs/staging-us/same.bin": b"\x00\x01",
            "envs/prod-us/same.bin": b"\x00\x01",
            "envs/staging-us/odd.yml": b"\x00\xff binary here",
            "envs/prod-us/odd.yml": "a: 1\n",
        },
        "binary files",
    )
    data = run_json(repo, "diff", "simple", "--from", "staging-us", "--to", "prod-us",
                    capsys=capsys)  # fmt: skip
    paths = _by_path(data["services"][0])
    assert paths["logo.png:"] == "attention"
    assert paths["odd.yml:"] == "attention"  # YAML in one env, binary in the other
    assert "same.bin:" not in paths
    data = run_json(repo, "promote", "simple", "--from", "staging-us", "--to", "prod-us",
                    "--provider", "local", capsys=capsys)  # fmt: skip
    assert repo.show(data["branch"], "envs/prod-us/logo.png") == b"\x89PNG\r\n\x1a\n\x00prod"
    assert repo.show(data["branch"], "envs/prod-us/odd.yml") == b"a: 1\n"


def test_directory_spec_rule_qualified_with_a_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ov.CONFIG + "rules:\n  overwrite: ['replicas.yml:Deployment:/spec/replicas']\n"
    repo.commit({".gitops-promote.yaml": config}, "overwrite replicas")
    data = run_json(repo, "diff", "simple", "--from", "staging-us", "--to", "prod-us",
                    capsys=capsys)  # fmt: skip
    paths = _by_path(data["services"][0])
    assert paths["replicas.yml:/spec/replicas"] == "changed"


def test_directory_spec_promote_to_an_environment_without_it_adds_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({".gitops-promote.yaml": ov.CONFIG, **ov.overlay("qa", "1.0.0")}, "qa only")
    data = run_json(repo, "promote", "simple", "--from", "qa", "--to", "staging-us",
                    "--provider", "local", capsys=capsys)  # fmt: skip
    svc = data["services"][0]
    assert svc["target_version"] is None
    assert len(svc["attention"]) == 5
    assert _tree(repo, data["branch"], "envs/staging-us") == {
        k: v.encode()
        for k, v in {p[len("envs/qa/") :]: c for p, c in ov.overlay("qa", "1.0.0").items()}.items()
    }


# -- bad input -----------------------------------------------------------------------------------


def test_directory_spec_symlink_out_of_the_repository_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    os.symlink("../../../../etc/passwd", repo.path / "envs/prod-us/secret.yml")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "link")
    head = repo.head()
    for args in (
        ("history", "simple", "--env", "prod-us"),
        ("diff", "simple", "--from", "staging-us", "--to", "prod-us"),
        ("rollback", "simple", "--env", "prod-us", "--to", "v1"),
    ):
        code, _, err = run(repo, *args, capsys=capsys)
        assert code == 2, (args, err)
        assert err.strip().count("\n") == 0
        assert "envs/prod-us/secret.yml: leads outside the repository" in err
    assert repo.head() == head


def test_directory_spec_beyond_the_file_limit_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(specfiles, "MAX_FILES", 5)
    code, _, err = run(repo, "history", "simple", "--env", "prod-us", capsys=capsys)
    assert code == 2
    assert "envs/prod-us/: 6 files" in err and "at most 5 files" in err


def test_directory_spec_invalid_yaml_names_the_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/prod-us/replicas.yml": "spec: [unclosed\n"}, "broken")
    code, _, err = run(repo, "diff", "simple", "--from", "staging-us", "--to", "prod-us",
                       capsys=capsys)  # fmt: skip
    assert code == 2 and "envs/prod-us/replicas.yml" in err


def test_directory_spec_json_history_shape(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(repo, "history", "simple", "--env", "qa", capsys=capsys)
    assert set(data) == {"service", "env", "versions"}
    assert json.dumps(data)


# -- status and check ----------------------------------------------------------------------------


def test_directory_spec_status_reads_the_image_from_the_patch_files(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(repo, "status", capsys=capsys)
    (svc,) = data["services"]
    assert svc["service"] == "simple"
    assert svc["envs"]["qa"]["image"] == "docker.io/example/simple:1.3.0"
    assert svc["envs"]["prod-us"]["version"] == "v3"
    assert svc["envs"]["prod-eu"]["image"] == "docker.io/example/simple:1.0.0"


def test_directory_spec_check_env_vars_per_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(repo, "check", capsys=capsys)
    assert code == 0, err
    extra = "            - name: NEWVAR\n              value: x\n"
    repo.commit({"envs/qa/deployment.yml": ov.deployment("qa") + extra}, "new var in qa")
    code, out, _ = run(repo, "--output", "json", "check", capsys=capsys)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["file"], "NEWVAR" in p["message"]) for p in problems] == [
        ("envs/staging-us/deployment.yml", True)
    ]


def test_directory_spec_check_refuses_a_symlink_in_the_work_tree(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    os.symlink("/etc/passwd", repo.path / "envs/qa/pw.yml")
    code, out, _ = run(repo, "--output", "json", "check", capsys=capsys)
    assert code == 1
    assert "envs/qa/pw.yml: leads outside the repository" in out


def test_directory_spec_pr_body_groups_changes_by_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body_file = tmp_path / "pr.md"
    code, _, err = run(
        repo, "promote", "simple", "--from", "staging-us", "--to", "prod-us",
        "--provider", "local", "--pr-body-file", str(body_file), capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    body = body_file.read_text()
    assert "`envs/prod-us`" in body
    changes = body[body.index("### Changes to prod-us") : body.index("<summary><b>Kept")]
    assert "**`version.yml` › container `webserver-simple`**" in changes
    kept = body[body.index("<summary><b>Kept") :]
    for group in ("**`kustomization.yml`**", "**`replicas.yml`**", "**`deployment.yml`"):
        assert group in kept
    assert "extra.yml" in body[: body.index("### Changes to prod-us")]  # needs attention


def test_directory_spec_version_files_are_one_listing_and_one_batched_read(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from gitops_promote.dirversions import folder_versions, version_files
    from gitops_promote.workspace import Workspace

    ws = Workspace.open(repo.path)
    spec = ws.spec("simple", "prod-us")
    found = folder_versions(ws.repo, spec.path, spec.commit)
    calls: list[str] = []
    original = ws.repo.gateway.run

    def counting(*args: str, **kwargs: Any) -> Any:
        calls.append(args[0])
        return original(*args, **kwargs)

    ws.repo.gateway.run = counting  # type: ignore[method-assign]
    files = version_files(ws, spec, found[0])
    assert calls == ["ls-tree", "cat-file"]
    assert files["version.yml"] == ov.version("1.0.0").encode()
    assert "extra.yml" not in files


def test_directory_spec_versions_from_a_pass_over_many_paths_ignore_other_folders() -> None:
    from gitops_promote.dirversions import versions_of_folder
    from gitops_promote.git.log import LogRecord, PathChange

    def rec(sha: str, *changes: PathChange) -> LogRecord:
        return LogRecord(sha, (), "2026-01-01T00:00:00+00:00", "a", "a@x", sha, changes)

    records = [  # newest first, as git log gives them
        rec("e", PathChange("R", "envs/qa/a.yml", "envs/old/a.yml", "1", "1")),  # moved out
        rec("d", PathChange("R", "envs/qa/b.yml", "envs/qa/c.yml", "2", "2")),  # rename inside
        rec("c", PathChange("M", None, "envs/prod/b.yml", "3", "4")),  # another folder
        rec("b", PathChange("A", None, "envs/qa/b.yml", None, "2")),
        rec("a", PathChange("A", None, "envs/qa/a.yml", None, "1")),
    ]
    found = versions_of_folder(records, "envs/qa")
    assert [v.sha for v in found] == ["a", "b", "e"]
    assert [v.kind for v in found] == ["create", "update", "update"]
