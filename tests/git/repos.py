"""What the git layer's tests share: spec paths and contents, and looks at a bare origin."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from ..gitrepo import GitRepo

MakeRepo = Callable[..., GitRepo]
#: the ``someone_pushes_after_fetch`` fixture: ``race(other, times=None, name="race{n}.txt")``
Race = Callable[..., dict[str, int]]

SPEC = "envs/prod/api.yaml"
SPEC_V1 = "image: registry/api:1.0  # pinned\nreplicas: 3\n"
SPEC_V2 = "image: registry/api:1.1  # pinned\nreplicas: 3\n"
V1 = b"image: api:1.0\nreplicas: 3\n"
V2 = b"image: api:1.1\nreplicas: 3\n"
BRANCH = "gitops-promote/staging-to-prod/api"


def remote_head(origin: Path, branch: str = "main") -> str | None:
    proc = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
        cwd=origin,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def snapshot(work: GitRepo) -> tuple[str, str, str, bytes]:
    return work.head("main"), work.status(), work.git("ls-files", "-s"), work.read(SPEC)
