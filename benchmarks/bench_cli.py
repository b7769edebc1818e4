"""Time whole commands as a user runs them, beside the raw git command doing the same read.

Builds the demo repository in a temporary directory and runs each command as a subprocess
several times; prints a Markdown table of medians. Run on demand (not collected by pytest):

    python benchmarks/bench_cli.py [--runs 9]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitops_promote.demo import build_sample_repo
from gitops_promote.git.repository import GitRepository
from gitops_promote.history import versions


def median_ms(cmd: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    tool = shutil.which("gitops-promote") or str(Path(sys.executable).parent / "gitops-promote")
    with tempfile.TemporaryDirectory() as tmp:
        repo = build_sample_repo(Path(tmp) / "gitops")
        spec = "envs/prod/inference.yaml"
        v2 = versions(GitRepository(repo), spec)[1].sha
        rows = [
            ([tool, "--help"], [sys.executable, "-c", "pass"], "interpreter start-up"),
            (
                [tool, "history", "inference", "--env", "prod"],
                ["git", "log", "--follow", "--format=%H %an %s", "--", spec],
                "git log --follow",
            ),
            (
                [tool, "show", "inference", "--env", "prod", "--version", "v2"],
                ["git", "show", f"{v2}:{spec}"],
                "git show REV:path",
            ),
            (
                [tool, "diff", "inference", "--from", "staging", "--to", "prod"],
                ["git", "diff", "--no-index", "envs/staging/inference.yaml", spec],
                "git diff --no-index",
            ),
            ([tool, "status"], ["git", "log", "--format=%H", "--", "envs"], "git log -- envs"),
            ([tool, "check"], ["git", "status", "--porcelain"], "git status"),
        ]
        print("| command | median | beside it | median |")
        print("|---|---|---|---|")
        for ours, theirs, label in rows:
            a = median_ms(ours, repo, args.runs)
            b = median_ms(theirs, repo, args.runs)
            shown = " ".join(ours[1:]) or "--help"
            print(f"| `gitops-promote {shown}` | {a:.0f} ms | `{label}` | {b:.0f} ms |")


if __name__ == "__main__":
    main()
