"""Directory specs: history, show, rollback, diff and status of a kustomize overlay of 20 files
per environment with a long history.

Builds with one ``git fast-import`` process a repository of one service with four environments
(``envs/{qa,staging,prod-us,prod-eu}/``), each a folder of 20 files (kustomization.yml,
version.yml, settings.yml, replicas.yml, deployment.yml and 15 more patches), then ``--commits``
commits (default 2,000) each changing one file: image tags in qa and staging most often, then
settings, replicas and patches everywhere, and one commit in ten outside every overlay
(``base/``). Then it runs each command as a subprocess of the installed ``gitops-promote`` (the
one beside this interpreter, else on PATH) ``--runs`` times and prints the medians. Run on demand
(not collected by pytest):

    python benchmarks/bench_dirspec.py [--commits 2000] [--files 20] [--runs 5] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENVS = ("qa", "staging", "prod-us", "prod-eu")
START = 1_704_067_200  # 2024-01-01T00:00:00Z
CONFIG = """\
version: 1
service: shop
preset: kustomize
environments:
  qa:      {spec: "envs/qa/"}
  staging: {spec: "envs/staging/"}
  prod-us: {spec: "envs/prod-us/"}
  prod-eu: {spec: "envs/prod-eu/"}
promotions: [qa->staging, staging->prod-us, staging->prod-eu]
"""


def _deployment(body: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: shop\n" + body
    )


def overlay(env: str, files: int, tag: int, rng: random.Random) -> dict[str, str]:
    """The files of one environment's overlay (relative name -> text)."""
    out = {
        "kustomization.yml": (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"namespace: shop-{env}\nnamePrefix: {env}-\nresources:\n  - ../../base\n"
        ),
        "version.yml": _deployment(f"          image: registry.example/shop:1.{tag}.0\n"),
        "settings.yml": _deployment(
            "          env:\n            - name: CACHE_SIZE\n"
            f'              value: "{rng.choice([512, 1024, 2048])}kb"\n'
        ),
        "replicas.yml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n"
        f"spec:\n  replicas: {rng.randint(1, 9)}\n",
        "deployment.yml": _deployment(
            f"          env:\n            - name: ENV\n              value: {env}\n"
        ),
    }
    for i in range(files - len(out)):
        out[f"patches/patch-{i:02d}.yml"] = _deployment(
            f"          env:\n            - name: FLAG_{i:02d}\n"
            f'              value: "{rng.randint(0, 99)}"\n'
        )
    return out


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n%s\n" % (len(data), data)


def build(path: Path, commits: int, files: int, seed: int = 1) -> None:
    """The repository at ``path``: one fast-import of the first commit and ``commits`` more."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    tags = dict.fromkeys(ENVS, 1)
    state = {env: overlay(env, files, 1, rng) for env in ENVS}
    stream: list[bytes] = []

    def commit(n: int, message: str, changes: dict[str, str]) -> None:
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"committer CI <ci@example.org> %d +0000\n" % (START + 60 * n))
        stream.append(_blob(message))  # later commits follow the branch's last one
        for name, text in changes.items():
            stream.append(b"M 100644 inline %s\n" % name.encode())
            stream.append(_blob(text))

    first = {".gitops-promote.yaml": CONFIG, "base/deploy.yml": _deployment("")}
    for env in ENVS:
        first.update({f"envs/{env}/{rel}": text for rel, text in state[env].items()})
    commit(0, "initial overlays", first)
    for n in range(1, commits + 1):
        roll = rng.random()
        if roll < 0.1:
            commit(n, f"base: change {n}", {"base/deploy.yml": _deployment(f"# {n}\n")})
            continue
        env = rng.choice(ENVS[:2]) if roll < 0.6 else rng.choice(ENVS)
        if roll < 0.6:
            tags[env] += 1
            rel, text = (
                "version.yml",
                _deployment(f"          image: registry.example/shop:1.{tags[env]}.0\n"),
            )
        else:
            rel = rng.choice(sorted(state[env]))
            fresh = overlay(env, files, tags[env], rng)
            text = fresh[rel] if fresh[rel] != state[env][rel] else state[env][rel] + f"# {n}\n"
        state[env][rel] = text
        commit(n, f"{env}: {rel} ({n})", {f"envs/{env}/{rel}": text})
    data = b"".join(stream)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=data, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)


def _command() -> list[str]:
    beside = Path(sys.executable).with_name("gitops-promote")
    return (
        [str(beside)] if beside.exists() else [shutil.which("gitops-promote") or "gitops-promote"]
    )


def _git_processes(repo: Path, args: list[str]) -> int:
    """How many git processes one run starts (counted from ``GIT_TRACE``)."""
    with tempfile.NamedTemporaryFile() as trace:
        env = {**os.environ, "GIT_TRACE": trace.name}
        subprocess.run([*_command(), "--repo", str(repo), *args], capture_output=True, env=env)
        lines = Path(trace.name).read_text(errors="replace").splitlines()
    return sum(1 for line in lines if "trace: built-in: git" in line)


def timed(repo: Path, args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (the command and its git processes), seconds."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([*_command(), "--repo", str(repo), *args], capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode()}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-dirspec-"))
    repo = root / f"overlay-{args.files}f-{args.commits}c"
    if not repo.exists():
        start = time.perf_counter()
        build(repo, args.commits, args.files)
        print(f"built {repo} in {time.perf_counter() - start:.2f} s")
    versions = subprocess.run(
        [*_command(), "--repo", str(repo), "--output", "json", "history", "shop", "--env", "qa"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.count('"version"')
    print(
        f"{args.files} files per environment, {args.commits} commits, "
        f"qa has {versions} versions; median of {args.runs} runs, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'command':<28} {'wall':>8} {'CPU':>8} {'git processes':>14}")
    cases = [
        ("history (qa)", ["history", "shop", "--env", "qa"]),
        ("show v1 (every file)", ["show", "shop", "--env", "qa", "--version", "v1"]),
        (
            "rollback --dry-run to v1",
            ["rollback", "shop", "--env", "qa", "--to", "v1", "--dry-run"],
        ),
        ("diff qa -> staging", ["diff", "shop", "--from", "qa", "--to", "staging"]),
        ("status (4 envs)", ["status"]),
        ("check", ["check"]),
    ]
    for label, cmd in cases:
        wall, cpu = timed(repo, cmd, args.runs)
        gits = _git_processes(repo, cmd)
        print(f"  {label:<28} {wall * 1000:5.0f} ms {cpu * 1000:5.0f} ms {gits:14d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
