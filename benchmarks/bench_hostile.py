"""Hostile specs: time and peak memory of the commands on resource bombs (issue 15).

Builds the sample repository (three environments, service ``api``) once per case, commits the
hostile spec as ``envs/prod/api.yaml`` and runs ``update``, ``status``, ``check`` and ``diff`` on
it as subprocesses of the installed ``gitops-promote`` (the one beside this interpreter, else on
PATH). For each it prints the wall time, the CPU time (of the command and its git processes:
what the hostile battery bounds), the exit code and the peak memory (the largest resident set of
the command or any one of its git processes, as the kernel reports a process tree's maximum).
Run on demand (not collected by pytest):

    python benchmarks/bench_hostile.py [--runs 3] [--case NAME ...]

Cases: ``alias-bomb`` (nine nested anchors, 10^9 values expanded), ``alias-nest-9000`` (anchors
nesting each other, 9,000 deep once expanded, past the limit of 200), ``20mb-spec`` (past the
10 MB limit), ``nest-block-10000`` and ``nest-flow-10000`` (nested 10,000 deep, past the limit of
200), ``50000-keys`` and ``1mb-line`` (within the limits: parsed in full).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.gitrepo import GitRepo
from tests.hostile.cases import (
    SPEC_COMMANDS,
    alias_bomb,
    alias_nest,
    big_spec,
    many_keys,
    nested_block,
    nested_flow,
    one_long_line,
)
from tests.hostile.harness import executable
from tests.sample import make_sample

CASES = {
    "alias-bomb": alias_bomb,
    "alias-nest-9000": alias_nest,
    "20mb-spec": lambda: big_spec(20_000_000),
    "nest-block-10000": lambda: nested_block(10_000),
    "nest-flow-10000": lambda: nested_flow(10_000),
    "50000-keys": lambda: many_keys(50_000),
    "1mb-line": lambda: one_long_line(1_000_000),
}
COMMANDS = ("update", "status", "check", "diff")


def run_once(repo: Path, argv: tuple[str, ...]) -> tuple[float, float, int, float]:
    """(seconds, CPU seconds, exit code, peak MB) of one run; CPU and peak are read from this
    process's children, so each run happens in a fresh helper process."""
    helper = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "rc = subprocess.run(sys.argv[1:], capture_output=True).returncode\n"
        "dt = time.monotonic() - t\n"
        "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(dt, ru.ru_utime + ru.ru_stime, rc, ru.ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", helper, executable(), "--repo", str(repo), *argv],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), float(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    args = parser.parse_args()
    names = args.case or list(CASES)
    print("| spec | size | command | exit | median s | median CPU s | peak MB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            text = CASES[name]()
            repo = make_sample(GitRepo(Path(tmp) / name))
            repo.commit({"envs/prod/api.yaml": text}, f"prod: {name}")
            head = repo.head()
            for command in COMMANDS:
                runs = []
                for _ in range(args.runs):
                    runs.append(run_once(repo.path, SPEC_COMMANDS[command]))
                    repo.git("reset", "-q", "--hard", head)  # every update run edits the spec
                secs = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                peak = max(r[3] for r in runs)
                size = f"{len(text.encode()) / 1e6:.2f} MB"
                print(
                    f"| {name} | {size} | {command} | {runs[0][2]} | {secs:.2f} | {cpu:.2f} "
                    f"| {peak:.0f} |"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
