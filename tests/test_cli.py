"""The commands end to end on real git repositories, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gitops_promote.cli import cli, hoist_global_options, main
from gitops_promote.cli.app import COMMANDS

from .gitrepo import GitRepo
from .sample import api_spec, run, run_json, sample_repo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "gitops")


# -- history / show -------------------------------------------------------------------------------


def test_history_numbers_versions_oldest_first_and_lists_newest_first(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(repo, "history", "api", "--env", "prod", capsys=capsys)
    assert data["service"] == "api" and data["env"] == "prod"
    assert [v["version"] for v in data["versions"]] == ["v3", "v2", "v1"]
    assert [v["message"] for v in data["versions"]] == ["prod: 1.2.0", "prod: 1.1.0", "Add api"]
    assert data["versions"][-1]["kind"] == "create"
    assert data["versions"][0]["kind"] == "update"
    assert set(data["versions"][0]) == {"version", "sha", "date", "author", "message", "kind"}
    assert data["versions"][0]["sha"] == repo.git(
        "log", "-1", "--format=%H", "--", "envs/prod/api.yaml"
    )


def test_history_text_is_a_table(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(repo, "history", "api", "--env", "prod", capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert "3 versions" in lines[0]
    assert lines[1].split() == ["VERSION", "KIND", "DATE", "AUTHOR", "SHA", "MESSAGE"]
    assert lines[2].startswith("*v3")


def test_show_prints_the_exact_bytes_of_a_version(
    repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["--repo", str(repo.path), "show", "api", "--env", "prod", "--version", "v1"]) == 0
    assert capsysbinary.readouterr().out == api_spec(replicas=3, log_level="warning").encode()
    assert main(["--repo", str(repo.path), "show", "api", "--env", "prod"]) == 0
    assert capsysbinary.readouterr().out == repo.read("envs/prod/api.yaml")


# -- update ---------------------------------------------------------------------------------------


def test_update_commits_a_minimal_edit_as_a_new_version(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = repo.read("envs/prod/api.yaml").decode()
    data = run_json(
        repo,
        "update",
        "api",
        "--env",
        "prod",
        "--set",
        "image.image_uri=ghcr.io/acme/api:1.2.1",
        "--set",
        "/replicas=4",
        capsys=capsys,
    )
    assert data["version"] == "v4"
    assert data["commit"] == repo.head()
    assert [c["path"] for c in data["changed"]] == ["/image/image_uri", "/replicas"]
    after = repo.read("envs/prod/api.yaml").decode()
    assert after == before.replace("api:1.2.0", "api:1.2.1").replace("replicas: 3", "replicas: 4")
    assert '"ghcr.io/acme/api:1.2.1"  # set by CI' in after  # quoting and comment kept
    msg = repo.git("log", "-1", "--format=%B")
    assert msg.startswith("update(prod/api): set /image/image_uri, /replicas")
    assert msg.rstrip().endswith("Gitops-Promote-Kind: update")
    assert repo.status() == ""


def test_update_reads_values_as_yaml_scalars(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(repo, "update", "api", "--env", "prod", "--set", "replicas='5'", capsys=capsys)
    text = repo.read("envs/prod/api.yaml").decode()
    assert "replicas: '5'\n" in text or 'replicas: "5"\n' in text  # a string, quoted
    run_json(repo, "update", "api", "--env", "prod", "--set", "replicas=6", capsys=capsys)
    text = repo.read("envs/prod/api.yaml").decode()
    assert "replicas: '6'\n" in text or 'replicas: "6"\n' in text  # replacing a string


def test_update_adds_a_new_key_in_the_files_indentation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(
        repo, "update", "api", "--env", "prod", "--create", "--set", "env.FEATURE_X=on",
        capsys=capsys,
    )  # fmt: skip
    text = repo.read("envs/prod/api.yaml").decode()
    assert "  LOG_LEVEL: warning\n  FEATURE_X: 'on'\n" in text or (
        '  LOG_LEVEL: warning\n  FEATURE_X: "on"\n' in text
    )


WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/web:1.0
          env:
            - name: WORKERS
              value: "24"
            - name: MODE
              value: fast
"""
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  port: 80\n---\n"


def _web(repo: GitRepo, text: str = WEB) -> None:
    files = {"envs/prod/web.yaml": text}
    if text.count("\n---") > 0:  # several documents: a multi-document preset reads them
        config = repo.read(".gitops-promote.yaml").decode()
        files[".gitops-promote.yaml"] = config.replace("preset: truefoundry", "preset: kubernetes")
    repo.commit(files, "Add web")


def test_update_keeps_a_string_a_string_in_its_quoting_style(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _web(repo)
    env = "spec.template.spec.containers.app.env"
    rc, out, err = run(
        repo, "update", "web", "--env", "prod", "--set", f"{env}.WORKERS=50",
        "--set", f"{env}.MODE=1", capsys=capsys,
    )  # fmt: skip
    assert rc == 0, err
    text = repo.read("envs/prod/web.yaml").decode()
    assert text == WEB.replace('"24"', '"50"').replace(
        "value: fast", 'value: "1"'
    )  # the file's quote
    assert '/env/WORKERS: "24" -> "50"\n' in out  # strings that read as numbers: quoted
    assert '/env/MODE: fast -> "1"\n' in out  # no type change: nothing more said


def test_update_set_string_writes_a_string_and_the_type_change_is_shown(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _web(repo)
    rc, out, err = run(
        repo, "update", "web", "--env", "prod", "--set-string", "spec.replicas=3", capsys=capsys
    )
    assert rc == 0, err
    assert 'replicas: "3"\n' in repo.read("envs/prod/web.yaml").decode()
    assert '/spec/replicas: 1 -> "3" (number -> string)' in out
    rc, out, err = run(
        repo, "update", "web", "--env", "prod", "--set", "spec.template.spec.containers.0.image=7",
        capsys=capsys,
    )  # fmt: skip
    assert 'image: "7"\n' in repo.read("envs/prod/web.yaml").decode()


def test_update_new_env_var_items_are_strings_and_need_create(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _web(repo)
    head = repo.head()
    args = [
        "update",
        "web",
        "--env",
        "prod",
        "--set",
        "spec.template.spec.containers.app.env.DEBUG=true",
    ]
    rc, _, err = run(repo, *args, capsys=capsys)
    assert rc == 2 and "has no item named 'DEBUG'" in err and "--create" in err
    assert repo.head() == head
    rc, _, err = run(repo, *args, "--create", capsys=capsys)
    assert rc == 0, err
    text = repo.read("envs/prod/web.yaml").decode()
    assert text.endswith('value: fast\n            - name: DEBUG\n              value: "true"\n')


def test_update_never_appends_a_list_item_for_an_index_past_the_end(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _web(repo)
    head = repo.head()
    path = "/spec/template/spec/containers/19/image=x"
    rc, _, err = run(repo, "update", "web", "--env", "prod", "--set", path, capsys=capsys)
    assert rc == 2 and "index 19 is past the end of /spec/template/spec/containers" in err
    assert repo.head() == head and repo.read("envs/prod/web.yaml") == WEB.encode()
    path = "/spec/template/spec/containers/0/image=ghcr.io/acme/web:2.0"  # an index: RFC 6901
    rc, _, err = run(repo, "update", "web", "--env", "prod", "--set", path, capsys=capsys)
    assert rc == 0, err
    assert repo.read("envs/prod/web.yaml").decode() == WEB.replace("web:1.0", "web:2.0")


def test_update_refuses_an_empty_value_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    before, head = repo.read("envs/prod/api.yaml"), repo.head()
    rc, _, err = run(
        repo, "update", "api", "--env", "prod", "--set", "image.image_uri=", capsys=capsys
    )
    assert rc == 2
    assert err == (
        "error: --set 'image.image_uri=': the value is empty; write image.image_uri=null for "
        "null or image.image_uri='' for an empty string\n"
    )
    assert repo.read("envs/prod/api.yaml") == before and repo.head() == head
    rc, _, err = run(
        repo, "update", "api", "--env", "prod", "--set", "image.image_uri=''", capsys=capsys
    )
    assert rc == 0, err
    assert 'image_uri: ""  # set by CI' in repo.read("envs/prod/api.yaml").decode()


@pytest.mark.parametrize("path", ["Deployment/web:spec.replicas", "Deployment/web:/spec/replicas"])
@pytest.mark.parametrize("prefix", ["", SERVICE])
def test_update_document_prefix_with_either_path_form(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], path: str, prefix: str
) -> None:
    _web(repo, prefix + WEB)
    rc, _, err = run(repo, "update", "web", "--env", "prod", "--set", f"{path}=2", capsys=capsys)
    assert rc == 0, err
    assert repo.read("envs/prod/web.yaml").decode() == prefix + WEB.replace(
        "replicas: 1", "replicas: 2"
    )


def test_update_patch_applies_a_json_patch_as_minimal_edits(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _web(repo)
    patch = tmp_path / "p.json"
    env = "/spec/template/spec/containers/0/env"
    patch.write_text(json.dumps([
        {"op": "test", "path": f"{env}/0/value", "value": "24"},
        {"op": "replace", "path": f"{env}/0/value", "value": "32"},
        {"op": "remove", "path": f"{env}/1"},
        {"op": "add", "path": "/spec/paused", "value": False},
    ]))  # fmt: skip
    rc, out, err = run(repo, "update", "web", "--env", "prod", "--patch", str(patch), capsys=capsys)
    assert rc == 0, err
    mode = "            - name: MODE\n              value: fast\n"
    expected = WEB.replace('"24"', '"32"').replace(mode, "") + "  paused: false\n"
    assert repo.read("envs/prod/web.yaml").decode() == expected
    assert f"{env}/1: " in out and "(removed)" in out and "/spec/paused: (new) -> false" in out
    # the same test again now fails: the whole update is refused, nothing written
    head, before = repo.head(), repo.read("envs/prod/web.yaml")
    rc, _, err = run(repo, "update", "web", "--env", "prod", "--patch", str(patch), capsys=capsys)
    assert rc == 1 and 'failed: it holds "32", not "24"; nothing was written' in err
    assert repo.head() == head and repo.read("envs/prod/web.yaml") == before


def test_update_patch_reads_stdin(repo: GitRepo) -> None:
    ops = json.dumps([{"op": "replace", "path": "/replicas", "value": 7}])
    res = CliRunner().invoke(
        cli, ["--repo", str(repo.path), "update", "api", "--env", "prod", "--patch", "-"], input=ops
    )
    assert res.exit_code == 0, res.output
    assert "replicas: 7\n" in repo.read("envs/prod/api.yaml").decode()


def test_update_dry_run_shows_the_diff_and_writes_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, out, _ = run(
        repo, "update", "api", "--env", "prod", "--set", "replicas=9", "--dry-run", capsys=capsys
    )
    assert code == 0
    assert "-replicas: 3\n+replicas: 9" in out
    assert repo.head() == head and repo.status() == ""


def test_update_to_the_same_value_commits_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, out, _ = run(repo, "update", "api", "--env", "prod", "--set", "replicas=3", capsys=capsys)
    assert code == 0 and "nothing to change" in out and repo.head() == head


def test_update_refuses_a_spec_with_uncommitted_changes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        {"envs/prod/api.yaml": "# my local edit\n" + repo.read("envs/prod/api.yaml").decode()}
    )
    dirty = repo.read("envs/prod/api.yaml")
    head = repo.head()
    code, _, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=4", capsys=capsys)
    assert code == 1
    assert "uncommitted changes" in err and err.count("\n") == 1
    assert repo.read("envs/prod/api.yaml") == dirty and repo.head() == head


def test_update_keeps_the_users_other_staged_and_unstaged_work(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write({"notes.txt": "staged\n", "envs/dev/api.yaml": "# wip\n"})
    repo.git("add", "notes.txt")
    run_json(repo, "update", "api", "--env", "prod", "--set", "replicas=4", capsys=capsys)
    assert sorted(repo.status().splitlines()) == [" M envs/dev/api.yaml", "A  notes.txt"]
    assert repo.read("envs/dev/api.yaml") == b"# wip\n"


# -- rollback -------------------------------------------------------------------------------------


def test_rollback_writes_a_new_version_with_the_old_content_byte_for_byte(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = repo.show("HEAD~3", "envs/prod/api.yaml")
    data = run_json(repo, "rollback", "api", "--env", "prod", "--to", "v1", capsys=capsys)
    assert data == {
        "service": "api",
        "env": "prod",
        "from_version": "v3",
        "to_version": "v1",
        "new_version": "v4",
        "commit": repo.head(),
        "retained": [],
        "branch": None,
        "pr_url": None,
        "pr_number": None,
    }
    assert repo.read("envs/prod/api.yaml") == v1
    msg = repo.git("log", "-1", "--format=%B")
    assert msg.splitlines()[0] == "rollback(prod/api): v3 -> v1 as v4"
    v1_sha = repo.git("log", "--format=%H", "--reverse", "--", "envs/prod/api.yaml").split()[0]
    assert f"Gitops-Promote-Restores: v1 {v1_sha}" in msg
    hist = run_json(repo, "history", "api", "--env", "prod", capsys=capsys)
    assert hist["versions"][0]["kind"] == "rollback" and hist["versions"][0]["version"] == "v4"


def test_rollback_to_previous_and_by_sha(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(repo, "rollback", "api", "--env", "prod", "--to", "previous", capsys=capsys)
    assert data["to_version"] == "v2"
    sha = repo.git("log", "--format=%H", "--reverse", "--", "envs/prod/api.yaml").split()[0]
    data = run_json(repo, "rollback", "api", "--env", "prod", "--to", sha[:10], capsys=capsys)
    assert data["to_version"] == "v1" and data["new_version"] == "v5"


def test_rollback_to_the_current_content_says_so_and_exits_0(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, out, _ = run(repo, "rollback", "api", "--env", "prod", "--to", "v3", capsys=capsys)
    assert code == 0 and "nothing to roll back" in out and repo.head() == head


def test_rollback_retain_keeps_current_replicas(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(repo, "update", "api", "--env", "prod", "--set", "replicas=8", capsys=capsys)
    data = run_json(
        repo, "rollback", "api", "--env", "prod", "--to", "v1", "--retain", capsys=capsys
    )
    text = repo.read("envs/prod/api.yaml").decode()
    assert "replicas: 8\n" in text and "api:1.0.0" in text
    assert [c["path"] for c in data["retained"]] == ["/replicas"]


def test_rollback_retain_does_not_bring_back_keys_added_since(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(
        repo,
        "update",
        "api",
        "--env",
        "prod",
        "--create",
        "--set",
        "env.NEW_FLAG=1",
        "--set",
        "replicas=8",
        "--set",
        "autoscaling.max_replicas=10",
        capsys=capsys,
    )
    run_json(repo, "rollback", "api", "--env", "prod", "--to", "v1", "--retain", capsys=capsys)
    text = repo.read("envs/prod/api.yaml").decode()
    assert "NEW_FLAG" not in text  # not a retained path: v1 did not have it
    assert "replicas: 8\n" in text and "max_replicas: 10" in text  # retained: current values
    v1 = repo.show("HEAD~5", "envs/prod/api.yaml").decode()
    assert text.replace("replicas: 8\n", "replicas: 3\n").startswith(v1.split("env:")[0])


def test_rollback_dry_run_writes_nothing(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    head = repo.head()
    code, out, _ = run(
        repo, "rollback", "api", "--env", "prod", "--to", "v1", "--dry-run", capsys=capsys
    )
    assert code == 0 and "Would roll back prod/api: v3 -> v1 as v4" in out
    assert '-  image_uri: "ghcr.io/acme/api:1.2.0"' in out
    assert repo.head() == head and repo.status() == ""


# -- bad input: one line, documented exit code ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["history", "nope", "--env", "prod"], 2, "service 'nope' has no spec"),
        (["history", "api", "--env", "qa"], 2, "unknown environment 'qa'"),
        (["history", "../etc/passwd", "--env", "prod"], 2, "invalid service name"),
        (["show", "api", "--env", "prod", "--version", "v9"], 2, "v9"),
        (["rollback", "api", "--env", "prod", "--to", "v42"], 2, "v42"),
        (["update", "api", "--env", "prod", "--set", "replicas"], 2, "PATH=VALUE"),
        (["update", "api", "--env", "prod", "--set", "image.image_uri.x=1"], 2, "single value"),
        (["update", "api", "--env", "prod", "--set", "image.imag_uri=x"], 2, "did you mean"),
        (["update", "api", "--env", "prod", "--set", "image.image_uri="], 2, "value is empty"),
        (["update", "api", "--env", "prod"], 2, "--set PATH=VALUE"),
        (["diff", "api", "--from", "dev", "--to", "prod"], 2, "not allowed"),
        (["rollback", "api", "--env", "prod"], 2, "--to"),
    ],
)
def test_bad_input_is_one_error_line_with_exit_2(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], code: int, needle: str
) -> None:
    rc, out, err = run(repo, *args, capsys=capsys)
    assert rc == code
    assert needle in err
    assert "Traceback" not in err and "Traceback" not in out


def test_invalid_yaml_in_a_spec_names_file_and_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"envs/prod/api.yaml": "name: api\nimage: [unclosed\nreplicas: 2\n"}, "broken")
    rc, out, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=3", capsys=capsys)
    assert rc == 2
    assert err.startswith("error: envs/prod/api.yaml:3:9: invalid YAML: ")
    assert err.count("\n") == 1 and out == ""


def test_inside_github_actions_an_error_is_also_an_annotation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({"envs/prod/api.yaml": "name: api\nimage: [unclosed\nreplicas: 2\n"}, "broken")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    rc, out, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=3", capsys=capsys)
    assert rc == 2 and err.startswith("error: envs/prod/api.yaml:3:9: ")
    (annotation,) = [line for line in out.splitlines() if line.startswith("::error ")]
    assert annotation.startswith("::error file=envs/prod/api.yaml,line=3,col=9")
    assert "invalid YAML" in annotation


def test_invalid_config_exits_2_naming_the_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write({".gitops-promote.yaml": "environments:\n  dev: {path: envs/dev, colour: red}\n"})
    rc, _, err = run(repo, "status", capsys=capsys)
    assert rc == 2
    assert err.startswith("error: .gitops-promote.yaml:2:") and "colour" in err


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--repo", str(tmp_path), "status"])
    assert rc == 2
    assert "not a git repository" in capsys.readouterr().err


def test_spec_symlink_out_of_the_repository_is_refused(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("replicas: 1\n")
    (repo.path / "envs/prod/api.yaml").unlink()
    (repo.path / "envs/prod/api.yaml").symlink_to(outside)
    repo.git("add", "-A")
    repo.git("commit", "-qm", "link")
    rc, _, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=2", capsys=capsys)
    assert rc == 2 and "leads outside the repository" in err
    assert outside.read_text() == "replicas: 1\n"


def test_verbose_adds_a_traceback(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--repo", str(repo.path), "-v", "history", "nope", "--env", "prod"])
    assert rc == 2
    assert "Traceback" in capsys.readouterr().err


def test_rollback_pr_with_the_local_provider_makes_a_branch_and_prints_the_body(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = repo.head()
    code, out, err = run(
        repo, "rollback", "api", "--env", "prod", "--to", "v1", "--pr", capsys=capsys
    )
    assert code == 0, err
    branch = "gitops-promote/rollback/prod/api"
    assert f"branch {branch} written" in out
    assert "--- pull request ---\nrollback(prod/api): v3 -> v1 as v4\n" in out
    assert "```diff" in out
    assert repo.head() == head and repo.status() == ""
    assert repo.show(branch, "envs/prod/api.yaml") == repo.show("HEAD~3", "envs/prod/api.yaml")
    assert repo.git("log", "-1", "--format=%s", branch) == "rollback(prod/api): v3 -> v1 as v4"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["status", "--output", "json"], ["--output", "json", "status"]),
        (["history", "api", "--env", "prod", "-v"], ["-v", "history", "api", "--env", "prod"]),
        (["--repo", "r", "check", "--output=json"], ["--repo", "r", "--output=json", "check"]),
        (
            ["update", "api", "-m", "-v", "--set", "-q=1"],
            ["update", "api", "-m", "-v", "--set", "-q=1"],
        ),
        (
            ["show", "api", "--env", "p", "--version", "v2"],
            ["show", "api", "--env", "p", "--version", "v2"],
        ),
        (["--version"], ["--version"]),
    ],
)
def test_global_options_may_follow_the_command(given: list[str], expected: list[str]) -> None:
    assert hoist_global_options(given) == expected


def test_output_json_after_the_command(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--repo", str(repo.path), "history", "api", "--env", "prod", "--output", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["versions"][0]["version"] == "v3"


def test_a_missing_base_branch_is_named(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = (
        repo.read(".gitops-promote.yaml")
        .decode()
        .replace("prod:    {path: envs/prod}", "prod:    {path: envs/prod, base_branch: release}")
    )
    repo.commit({".gitops-promote.yaml": cfg}, "prod deploys from release")
    rc, _, err = run(repo, "history", "api", "--env", "prod", capsys=capsys)
    assert rc == 2 and "branch 'release' does not exist" in err


def test_detached_head_needs_a_base_branch(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "--detach", "HEAD")
    rc, _, err = run(repo, "update", "api", "--env", "prod", "--set", "replicas=4", capsys=capsys)
    assert rc == 2 and "HEAD is detached" in err and "base_branch" in err
    assert repo.status() == ""


def test_quiet_prints_nothing_but_errors(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(
        repo, "-q", "update", "api", "--env", "prod", "--set", "replicas=4", capsys=capsys
    )
    assert rc == 0 and out == "" and err == ""
    assert b"replicas: 4\n" in repo.read("envs/prod/api.yaml")
    rc, out, err = run(repo, "-q", "history", "api", "--env", "qa", capsys=capsys)
    assert rc == 2 and out == "" and err.startswith("error: unknown environment 'qa'")


def test_show_a_version_by_commit_sha(
    repo: GitRepo, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    sha = repo.git("log", "--format=%H", "--reverse", "--", "envs/prod/api.yaml").split()[1]
    assert (
        main(["--repo", str(repo.path), "show", "api", "--env", "prod", "--version", sha[:10]]) == 0
    )
    assert capsysbinary.readouterr().out == repo.show(sha, "envs/prod/api.yaml")


def test_yml_specs_and_a_config_elsewhere(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = repo.read(".gitops-promote.yaml").decode()
    repo.commit(
        {
            ".gitops-promote.yaml": None,
            "ops/promote.yaml": cfg,
            "envs/staging/web.yml": "name: web\nimage: {image_uri: web:2}\nreplicas: 1\n",
            "envs/prod/web.yml": "name: web\nimage: {image_uri: web:1}\nreplicas: 5\n",
        },
        "config under ops/, web as .yml",
    )
    rc, _, err = run(repo, "status", capsys=capsys)
    assert rc == 2 and "config file not found" in err
    config = str(repo.path / "ops" / "promote.yaml")
    hist = run_json(repo, "--config", config, "history", "web", "--env", "prod", capsys=capsys)
    assert [v["version"] for v in hist["versions"]] == ["v1"]
    data = run_json(
        repo,
        "--config",
        config,
        "promote",
        "web",
        "--from",
        "staging",
        "--to",
        "prod",
        capsys=capsys,
    )
    promoted = repo.show(data["branch"], "envs/prod/web.yml").decode().splitlines()
    assert promoted[0] == "name: web" and promoted[2] == "replicas: 5"
    assert promoted[1] in ("image: {image_uri: web:2}", 'image: {image_uri: "web:2"}')
    files = repo.git("ls-tree", "--name-only", data["branch"], "envs/prod/").split()
    assert "envs/prod/web.yaml" not in files  # the .yml file was edited, no twin created


def test_update_later_sets_see_what_earlier_ones_created(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _web(repo)
    env = "spec.template.spec.containers.app.env"
    data = run_json(
        repo, "update", "web", "--env", "prod", "--create", "--set", f"{env}.A=1",
        "--set", f"{env}.B=2", "--set", f"{env}.A=3", capsys=capsys,
    )  # fmt: skip
    assert [(c["path"].rsplit("/", 1)[1], c["new"]) for c in data["changed"]] == [
        ("A", "1"), ("B", "2"), ("A", "3")
    ]  # fmt: skip
    text = repo.read("envs/prod/web.yaml").decode()
    assert text.endswith(
        '- name: A\n              value: "3"\n            - name: B\n              value: "2"\n'
    )


def test_update_takes_sets_or_a_patch_not_both(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patch = tmp_path / "p.json"
    patch.write_text('[{"op": "replace", "path": "/replicas", "value": 7}]')
    head = repo.head()
    rc, _, err = run(
        repo, "update", "api", "--env", "prod", "--set", "replicas=2", "--patch", str(patch),
        capsys=capsys,
    )  # fmt: skip
    assert rc == 2 and err == "error: update takes --set/--set-string or --patch, not both\n"
    patch.write_text("[{")
    rc, _, err = run(repo, "update", "api", "--env", "prod", "--patch", str(patch), capsys=capsys)
    assert rc == 2 and err.startswith(f"error: {patch}:1:3: not valid JSON")
    assert repo.head() == head


def test_the_group_lists_each_command_with_its_own_short_help() -> None:
    ctx = click.Context(cli)
    for name, entry in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.short_help == entry.short_help, name
    assert cli.list_commands(ctx) == list(COMMANDS)
    assert cli.get_command(ctx, "nosuch") is None
    listed = CliRunner().invoke(cli, ["--help"]).output.split("Commands:\n", 1)[1]
    assert [line.split()[0] for line in listed.splitlines()] == list(COMMANDS)
