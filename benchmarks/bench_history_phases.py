"""What ``history`` adds to git's own walk, phase by phase.

Each run starts, in turn: the interpreter alone, the interpreter importing click, one process
that does what ``history`` does and times each phase inside itself (the command's modules,
finding the work tree, the configuration, the tree listing, the log, printing), the real command,
and the raw ``git log --follow`` of the spec. Prints the fastest of the runs for each (a slow
moment of the machine stretches every part). Run on demand (not collected by pytest), on a
repository ``bench_scale.py`` built, with the Python of a regular install:

    python benchmarks/bench_history_phases.py REPO SERVICE ENV [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_scale import installed_tool

#: the phases of one run of history, timed inside one process (stderr: JSON of phase -> ms)
INNER = r"""
import time; t0 = time.perf_counter()
import json, os, sys
marks = {}
def mark(name):
    marks[name] = time.perf_counter()
import click; mark("click")
import gitops_promote.cli.app, gitops_promote.cli.versions; mark("modules")
from gitops_promote.config import load_config
from gitops_promote.git.reader import GitReader
from gitops_promote.render.text import history_text
from gitops_promote.versioning import HistoryResult, spec_versions
from gitops_promote.workspace import Workspace
service, env = sys.argv[1], sys.argv[2]
repo = GitReader("."); mark("rev-parse")
config = load_config(repo.root, None); mark("config")
ws = Workspace(repo, config)
spec = ws.spec(service, env, contents=False); mark("ls-tree")
found = spec_versions(ws, spec); mark("log")
res = HistoryResult(service, env, spec.path, spec.branch, list(reversed(found)))
sys.stdout.write(history_text(res)); sys.stdout.flush(); mark("print")
last, out = t0, {}
for name, at in marks.items():
    out[name], last = (at - last) * 1000, at
sys.stderr.write(json.dumps(out)); sys.stderr.flush()
os._exit(0)
"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed, proc.stderr.decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="a repository bench_scale.py built")
    parser.add_argument("service")
    parser.add_argument("env")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    python = sys.executable
    tool = installed_tool()
    os.environ.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    path = Path(args.repo).resolve()
    listing = subprocess.run(
        ["git", "ls-files", "--", f"*/{args.env}/{args.service}.*"],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if len(listing) != 1:
        raise SystemExit(f"no single spec of {args.service} in {args.env}: {listing}")
    raw = ["git", "log", "--follow", "-M", "--format=%H %ct %an%n%s", "--", listing[0]]
    whole: dict[str, list[float]] = {"interpreter": [], "click": [], "history": [], "raw": []}
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        whole["interpreter"].append(timed([python, "-c", "pass"], path)[0])
        whole["click"].append(timed([python, "-c", "import click"], path)[0])
        _, err = timed([python, "-c", INNER, args.service, args.env], path)
        for name, ms in json.loads(err).items():
            phases.setdefault(name, []).append(ms)
        whole["history"].append(timed([tool, "history", args.service, "--env", args.env], path)[0])
        whole["raw"].append(timed(raw, path)[0])
    best = {name: min(times) for name, times in whole.items()}
    print(f"history {args.service} --env {args.env} in {path}: fastest of {args.runs} runs\n")
    print("| process | ms |\n|---|---|")
    labels = {
        "interpreter": "`python -c pass`",
        "click": '`python -c "import click"`',
        "history": "`gitops-promote history`",
        "raw": "`git log --follow -M -- FILE`",
    }
    for name, label in labels.items():
        print(f"| {label} | {best[name]:.1f} |")
    print(f"| history beyond the raw log | {best['history'] - best['raw']:.1f} |")
    print("\n| phase inside the process | ms |\n|---|---|")
    for name, times in phases.items():
        print(f"| {name} | {min(times):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
