"""How fast is ``history.versions()`` on long histories, compared with a bare ``git log``?

Builds repositories with ``git fast-import`` in a temporary directory: a spec with N versions,
an unrelated commit every tenth commit, and a rename half-way (so ``--follow`` has work to do).
Then times, as the median of several runs:

- ``git log --follow --format=%H -- PATH``: the floor (what git alone needs to walk the history);
- ``versions(repo, PATH)``: the same walk plus raw blob ids, trailers, and Version objects.

Run: ``python benchmarks/bench_history.py [--versions 1000 5000] [--runs 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitops_promote.git.repository import GitRepository
from gitops_promote.history import versions

OLD = "envs/prod/api-old.yaml"
SPEC = "envs/prod/api.yaml"


def build(path: Path, count: int) -> None:
    """A repository whose spec has ``count`` versions (renamed from OLD half-way)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    out: list[str] = []
    mark = 0
    half = count // 2

    def commit(message: str, ops: list[str], when: int) -> None:
        nonlocal mark
        mark += 1
        out.append(f"commit refs/heads/main\nmark :{mark}\n")
        out.append(f"author Bench <bench@example.com> {when} +0000\n")
        out.append(f"committer Bench <bench@example.com> {when} +0000\n")
        out.append(f"data {len(message.encode())}\n{message}")
        if mark > 1:
            out.append(f"from :{mark - 1}\n")
        out.extend(ops)
        out.append("\n")

    def put(name: str, body: str) -> str:
        return f"M 100644 inline {name}\ndata {len(body.encode())}\n{body}\n"

    when = 1_700_000_000
    for i in range(count):
        name = OLD if i < half else SPEC
        ops = []
        if i == half:  # a pure rename first: not a version, but --follow must cross it
            commit("rename the spec\n", [f"R {OLD} {SPEC}\n"], when)
            when += 60
        body = f"image: registry.example.com/api:{i}\nreplicas: 3\nenv:\n  LOG_LEVEL: info\n"
        ops.append(put(name, body))
        message = (
            f"update(prod/api): {i}\n\nGitops-Promote-Kind: update\n" if i % 2 else f"deploy {i}\n"
        )
        commit(message, ops, when)
        when += 60
        if i % 10 == 9:
            commit(f"docs {i}\n", [put("README.md", f"note {i}\n")], when)
            when += 60
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=path, input="".join(out).encode(), check=True
    )


def timed(fn: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")

    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    print(git_version.strip())
    print(
        f"{'versions':>8} {'commits':>8} {'git log --follow':>17} {'versions()':>11} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        for count in args.versions:
            path = Path(tmp) / f"repo-{count}"
            build(path, count)
            repo = GitRepository(path)
            commits = int(
                subprocess.run(
                    ["git", "rev-list", "--count", "main"],
                    cwd=path,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )

            def raw_log(path: Path = path) -> None:
                subprocess.run(
                    ["git", "log", "--follow", "--format=%H", "main", "--", SPEC],
                    cwd=path,
                    capture_output=True,
                    check=True,
                )

            found = versions(repo, SPEC, ref="main")
            if len(found) != count or found[0].path != OLD or found[-1].path != SPEC:
                print(f"unexpected result: {len(found)} versions", file=sys.stderr)
                return 1
            t_git = timed(raw_log, args.runs)
            t_ours = timed(lambda repo=repo: versions(repo, SPEC, ref="main"), args.runs)
            print(
                f"{count:>8} {commits:>8} {t_git * 1000:>14.0f} ms {t_ours * 1000:>8.0f} ms"
                f" {t_ours / t_git:>5.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
