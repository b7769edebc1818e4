"""``gitops-promote demo``: build the bundled sample repository in a temporary directory and walk
through status, history, check, update, diff, promote, merge and rollback with the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from . import messages
from .errors import GitopsPromoteError, UsageError
from .git.repository import GitRepository
from .history import versions
from .yamldoc.doc import YamlDoc

Echo = Callable[[str], Any]
Entry = Callable[[Sequence[str]], int]
"""The command line's one entry: arguments in, exit code out (:func:`gitops_promote.cli.main`)."""

DEMO_IDENTITY = {
    "GIT_COMMITTER_NAME": "gitops-promote demo",
    "GIT_COMMITTER_EMAIL": "demo@gitops-promote.invalid",
}


def fixtures_root() -> Traversable:
    """The bundled sample repository (installed as package data)."""
    return resources.files("gitops_promote.fixtures")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=full_env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise GitopsPromoteError(f"demo: git {args[0]} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def _split_author(text: str) -> tuple[str, str]:
    name, _, rest = text.partition("<")
    return name.strip(), rest.rstrip(">").strip()


def _message(entry: dict[str, Any], repo_path: Path) -> str:
    """The commit message the tool itself would write for this history entry."""
    if "message" in entry:
        return str(entry["message"]) + "\n"
    repo = GitRepository(repo_path)
    if "update" in entry:
        u = entry["update"]
        return messages.update_message(u["env"], u["service"], [], u.get("message"))
    if "promote" in entry:
        p = entry["promote"]
        src = versions(repo, f"envs/{p['from']}/{p['service']}.yaml", "HEAD")[-1]
        return messages.promote_message(p["service"], p["from"], src.label, src.sha, p["to"], None)
    if "rollback" in entry:
        r = entry["rollback"]
        found = versions(repo, f"envs/{r['env']}/{r['service']}.yaml", "HEAD")
        target = next(v for v in found if v.label == r["to"])
        return messages.rollback_message(
            r["env"],
            r["service"],
            found[-1].label,
            target.label,
            target.sha,
            f"v{found[-1].number + 1}",
            r.get("message"),
        )
    raise UsageError(f"demo history entry without a message: {entry!r}")


def build_sample_repo(dest: Path) -> Path:
    """Replay fixtures/history.yaml into a new git repository at ``dest`` (branch main)."""
    root = fixtures_root()
    history = YamlDoc.from_bytes(
        root.joinpath("history.yaml").read_bytes(), "fixtures/history.yaml"
    ).documents()[0]
    dest.mkdir(parents=True, exist_ok=True)
    _git(dest, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "gitops-promote demo"),
        ("user.email", "demo@gitops-promote.invalid"),
        ("commit.gpgsign", "false"),
    ):
        _git(dest, "config", key, value)
    files_root = root.joinpath("files")
    for entry in history:
        for repo_path, source in entry["files"].items():
            target = dest / repo_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files_root.joinpath(*source.split("/")).read_bytes())
        _git(dest, "add", "-A")
        name, email = _split_author(entry["author"])
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": entry["date"],
            "GIT_COMMITTER_DATE": entry["date"],
            **DEMO_IDENTITY,
        }
        proc = subprocess.run(
            ["git", "commit", "-q", "-F", "-"],
            cwd=dest,
            input=_message(entry, dest),
            text=True,
            env={**os.environ, **env},
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise GitopsPromoteError(f"demo: git commit failed: {proc.stderr.strip()}")
    return dest


STEPS: list[tuple[str, list[str]]] = [
    (
        "Where every service stands: versions, images, and what a promote would change.",
        ["status"],
    ),
    (
        "The history of inference in prod: created, promoted, scaled, a debug change and its "
        "rollback. Each commit that changed the file is a version.",
        ["history", "inference", "--env", "prod"],
    ),
    (
        "check finds an env var that staging has and prod does not: the kind of gap that "
        "breaks a release.",
        ["check"],
    ),
    (
        "CI ships a patched image to staging: update edits that one value in place; comments "
        "and layout stay, the diff is one line.",
        [
            "update",
            "inference",
            "--env",
            "staging",
            "--set",
            "image.image_uri=ghcr.io/acme/sentiment-inference:1.6.1",
        ],
    ),
    ("The version that update just wrote.", ["show", "inference", "--env", "staging"]),
    (
        "What promoting inference from staging to prod would do: image and probes move, "
        "replicas, autoscaling, resources and env values of prod stay, the new env var is "
        "copied and flagged.",
        ["diff", "inference", "--from", "staging", "--to", "prod"],
    ),
    (
        "Promote: the edit is committed on a promotion branch (the working tree is not "
        "touched) and the pull request title and body are written out. prod's current version "
        "is a rollback, so prod is held: --force replaces it, and the commit and the pull "
        "request say so.",
        [
            "promote",
            "inference",
            "--from",
            "staging",
            "--to",
            "prod",
            "--provider",
            "local",
            "--force",
        ],
    ),
    ("@merge", []),
    (
        "After the merge, prod has a new version whose kind is promote.",
        ["history", "inference", "--env", "prod"],
    ),
    (
        "Roll back to the version before the promotion: a new commit with that content, byte "
        "for byte (dry run first).",
        ["rollback", "inference", "--env", "prod", "--to", "previous", "--dry-run"],
    ),
    ("And for real.", ["rollback", "inference", "--env", "prod", "--to", "previous"]),
    (
        "History is never rewritten: the rollback is one more version.",
        ["history", "inference", "--env", "prod"],
    ),
]


def run_demo(
    echo: Echo, cli_main: Entry, *, keep: bool = False, directory: str | None = None
) -> int:
    """Build the sample repository and run the walkthrough through ``cli_main``, the command
    line's entry; returns an exit code."""
    base = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="gitops-promote-demo-"))
    repo = base / "gitops" if directory else base
    if directory and repo.exists():
        raise UsageError(f"{repo} already exists: choose an empty --dir")
    try:
        build_sample_repo(repo)
        echo(f"Sample GitOps repository: {repo}")
        echo("(3 services x 3 environments, 11 commits of history, config .gitops-promote.yaml)")
        status = 0
        for text, args in STEPS:
            if text == "@merge":
                branch = "gitops-promote/staging-to-prod/inference"
                echo("\n== A reviewer approves and merges the pull request")
                echo(f"$ git merge --no-ff {branch}")
                _git(
                    repo,
                    "merge",
                    "--no-ff",
                    "-q",
                    "-m",
                    f"Merge pull request #1 from {branch}",
                    branch,
                    env=DEMO_IDENTITY,
                )
                continue
            echo(f"\n== {text}")
            echo("$ gitops-promote " + " ".join(_quote(a) for a in args))
            code = cli_main(["--repo", str(repo), *args])
            if code not in (0, 1) or (code == 1 and args[0] != "check"):
                status = code
                echo(f"(demo step failed with exit code {code})")
                break
        echo("")
        if keep or directory:
            echo(f"The repository is kept at {repo}: try `gitops-promote --repo {repo} status`.")
        else:
            echo("Run `gitops-promote demo --keep` to keep the repository and explore it.")
        echo(
            "Your own repository: add a .gitops-promote.yaml that says where each environment's "
            "specs are (envs/<env>/<service>.yaml, kustomize overlays, Flux, Helm values, a "
            "branch per environment): see the Layouts section of the README."
        )
        return status
    finally:
        if not (keep or directory):
            shutil.rmtree(base, ignore_errors=True)


def _quote(arg: str) -> str:
    return arg if all(c.isalnum() or c in "-_./=:" for c in arg) else f"'{arg}'"
