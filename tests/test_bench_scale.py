"""The scale benchmark's repository builder makes a valid GitOps repository with a real history."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

from gitops_promote.cli import main

from .gitrepo import git

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_scale.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_scale", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    bench = _bench()
    root = tmp_path_factory.mktemp("bench")
    # seed 2: a history this short has rollbacks with some seeds only
    repo, meta, seconds = bench.cached_repo(root, 5, ("dev", "staging", "prod"), 50, seed=2)
    assert seconds is not None
    again, meta_again, cached = bench.cached_repo(root, 5, ("dev", "staging", "prod"), 50, seed=2)
    assert (again, meta_again, cached) == (repo, meta, None), "a second run reuses the repository"
    return repo, meta


def test_the_built_repository_is_valid_with_the_expected_commits(
    built: tuple[Path, dict[str, object]],
) -> None:
    repo, meta = built
    git(repo, "fsck", "--strict", "--no-dangling")
    assert git(repo, "rev-list", "--count", "main") == "50"
    assert git(repo, "rev-parse", "main") == meta["head"]
    assert git(repo, "status", "--porcelain") == "", "the working tree is checked out"
    versions: dict[str, list[str]] = meta["versions"]  # type: ignore[assignment]
    assert len(versions) == 15
    assert sum(len(kinds) - 1 for kinds in versions.values()) == 49, "one spec per commit"


def test_every_spec_parses_as_a_service_spec(built: tuple[Path, dict[str, object]]) -> None:
    repo, meta = built
    yaml = YAML(typ="safe")
    specs = sorted((repo / "envs").glob("*/*.yaml"))
    assert [p.relative_to(repo).as_posix() for p in specs] == sorted(meta["versions"])  # type: ignore[call-overload]
    for path in specs:
        doc = yaml.load(path.read_text())
        assert doc["name"] == path.stem
        assert doc["image"]["image_uri"].startswith(f"ghcr.io/acme/{path.stem}:")
        assert isinstance(doc["replicas"], int)
        assert isinstance(doc["env"], dict) and "LOG_LEVEL" in doc["env"]


def test_history_through_the_tool_lists_every_version_with_its_kind(
    built: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, meta = built
    versions: dict[str, list[str]] = meta["versions"]  # type: ignore[assignment]
    path = max(versions, key=lambda p: (len(set(versions[p])), len(versions[p])))
    env, service = path.split("/")[1], Path(path).stem
    capsys.readouterr()
    code = main(["--repo", str(repo), "--output", "json", "history", service, "--env", env])
    assert code == 0
    listed = json.loads(capsys.readouterr().out)["versions"]
    assert [v["kind"] for v in reversed(listed)] == versions[path]
    assert len(listed) == len(versions[path]) > 2


def test_history_has_each_kind_and_trailers_name_real_commits(
    built: tuple[Path, dict[str, object]],
) -> None:
    repo, _ = built
    log = git(repo, "log", "--format=%(trailers:key=Gitops-Promote-Kind,valueonly)")
    assert {"update", "promote", "rollback"} <= set(log.split())
    plain = git(repo, "log", "--format=%s", "--invert-grep", "--grep=^Gitops-Promote-Kind:")
    assert plain.strip(), "some commits carry no trailers, as other tools write them"
    sources = git(repo, "log", "--format=%(trailers:key=Gitops-Promote-Source,valueonly)")
    restores = git(repo, "log", "--format=%(trailers:key=Gitops-Promote-Restores,valueonly)")
    shas = re.findall(r"\b[0-9a-f]{40}\b", sources + restores)
    assert shas
    for sha in set(shas):
        assert git(repo, "cat-file", "-t", sha) == "commit"


def test_a_rollback_restores_the_exact_content_of_the_version_it_names(
    built: tuple[Path, dict[str, object]],
) -> None:
    repo, _ = built
    log = git(
        repo,
        "log",
        "--format=%H %s%x00%(trailers:key=Gitops-Promote-Restores,valueonly)",
        "--grep=^Gitops-Promote-Kind: rollback",
    )
    found = re.findall(r"(\w+) rollback\((\w+)/([\w-]+)\): \S+ -> \S+ as \S+\x00v\d+ (\w+)", log)
    assert found
    for commit, env, service, restored in found:
        path = f"envs/{env}/{service}.yaml"
        assert git(repo, "show", f"{commit}:{path}") == git(repo, "show", f"{restored}:{path}")
        assert git(repo, "show", f"{commit}^:{path}") != git(repo, "show", f"{restored}:{path}")
