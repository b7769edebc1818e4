"""Scale: status, history, promote --all, check and --help on a large synthetic GitOps repository.

Builds a GitOps repository with one ``git fast-import`` process: SERVICES x ENVIRONMENTS
truefoundry-style specs (``envs/<env>/<service>.yaml``) and a history in which every commit after
the first changes one spec: CI deploys of a new image tag to the first environment, promotions up
the chain, replica and env-var edits, rollbacks; most with gitops-promote's own commit messages
and trailers (update, promote, rollback), some with plain messages as other tools write them.
The repository is cached under ``--workdir`` so that re-runs skip the build.

Then it runs each command as a subprocess of the installed ``gitops-promote`` (the one beside
this interpreter, else on PATH), ``--runs`` times (11 for a command under a second), each run
followed by one of the raw git command doing the same read, so that both meet the same moments
of a machine whose speed drifts, and prints the medians side by side: the command, the raw
one, the targets of issue 13, and the peak memory of each (the
largest resident set of the command or any one of its git processes, as the kernel reports a
process tree's maximum: not their sum).
A command slower than ``--timeout`` is killed and shown as ``> timeout``. Run on demand (not
collected by pytest):

    python benchmarks/bench_scale.py [--large] [--runs 3] [--timeout 600] [--workdir DIR]

Default: 300 services x 3 environments, 20,000 commits; ``--large``: 1,000 x 5, 100,000 commits.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitops_promote.messages import promote_message, rollback_message, update_message

#: Bump when the generated history changes, so that cached repositories are rebuilt.
BUILDER_VERSION = 1
META = "bench-scale.json"  # inside .git: the build's parameters and what it wrote
ENVIRONMENTS = {
    3: ("dev", "staging", "prod"),
    5: ("dev", "test", "qa", "staging", "prod"),
}
START = 1_704_067_200  # 2024-01-01T00:00:00Z

_DOMAINS = (
    "payments",
    "checkout",
    "cart",
    "catalog",
    "search",
    "orders",
    "billing",
    "invoices",
    "ledger",
    "accounts",
    "identity",
    "auth",
    "profile",
    "notifications",
    "email",
    "sms",
    "push",
    "inventory",
    "pricing",
    "promotions",
    "shipping",
    "tracking",
    "returns",
    "reviews",
    "ratings",
    "recommendations",
    "analytics",
    "reporting",
    "metrics",
    "audit",
    "gateway",
    "media",
    "images",
    "content",
    "cms",
    "feeds",
    "ads",
    "fraud",
    "risk",
    "kyc",
    "onboarding",
    "support",
    "tickets",
    "chat",
    "scheduler",
    "workflow",
    "ingest",
    "export",
    "sync",
    "geo",
    "maps",
)
_ROLES = (
    "api",
    "worker",
    "web",
    "consumer",
    "scheduler",
    "cron",
    "grpc",
    "admin",
    "batch",
    "stream",
    "indexer",
    "proxy",
    "sidecar",
    "cache",
    "bff",
    "importer",
    "exporter",
    "webhook",
    "gateway",
    "model",
)
_TEAMS = ("core", "commerce", "growth", "platform", "data", "ml", "trust", "ops")
_PEOPLE = (
    "Priya Natarajan <priya@acme.example>",
    "Marco Rossi <marco@acme.example>",
    "Lena Weber <lena@acme.example>",
    "Tomasz Nowak <tomasz@acme.example>",
    "Aiko Tanaka <aiko@acme.example>",
    "Samuel Okafor <samuel@acme.example>",
)
_CI = "CI <ci@acme.example>"
_FLAGS = (
    "NEW_CHECKOUT",
    "FAST_SEARCH",
    "ASYNC_EXPORT",
    "V2_PRICING",
    "BULK_API",
    "DARK_MODE",
    "SMART_RETRY",
)


def service_names(count: int) -> list[str]:
    """``count`` distinct, realistic service names (``payments-api``, ``search-worker`` ...)."""
    names = [f"{d}-{r}" for r in _ROLES for d in _DOMAINS]
    random.Random(0).shuffle(names)
    rounds = 1
    while len(names) < count:
        rounds += 1
        names += [f"{name}-{rounds}" for name in names[: count - len(names)]]
    return sorted(names[:count])


@dataclass(frozen=True)
class SpecState:
    """What varies in a spec; ``render`` turns it into the file's exact bytes."""

    tag: str
    replicas: int
    env: tuple[tuple[str, str], ...]


def render(service: str, env: str, last: bool, state: SpecState) -> str:
    """A truefoundry-style service spec with comments, as a platform team would keep it."""
    team = _TEAMS[sum(map(ord, service)) % len(_TEAMS)]
    port = 8000 + sum(map(ord, service)) % 100
    host = f"{service}.acme.com" if last else f"{service}.{env}.acme.com"
    lines = [
        f"# {service} ({team} team) in {env}.",
        "# Change it with gitops-promote so that every change is a version with a history.",
        f"name: {service}",
        "type: service",
        "image:",
        "  type: image",
        f"  image_uri: ghcr.io/acme/{service}:{state.tag}  # built by CI",
        "ports:",
        f"  - port: {port}",
        "    protocol: TCP",
        "    expose: true",
        "    app_protocol: http",
        f"    host: {host}",
        f"replicas: {state.replicas}",
    ]
    if last:
        lines += [
            "autoscaling:  # scales on traffic; never copied from a lower environment",
            f"  min_replicas: {state.replicas}",
            f"  max_replicas: {state.replicas * 4}",
            "  metrics:",
            "    type: rps",
            "    value: 50",
        ]
    lines += [
        "resources:",
        f"  cpu_request: {1 if last else 0.5}",
        f"  cpu_limit: {2 if last else 1}",
        f"  memory_request: {1024 if last else 512}  # MB",
        f"  memory_limit: {2048 if last else 1024}",
        "env:",
        *(f"  {k}: {json.dumps(v)}" for k, v in state.env),
        "liveness_probe:",
        "  config:",
        "    type: http",
        "    path: /health",
        f"    port: {port}",
        "  initial_delay_seconds: 20",
        "  period_seconds: 10",
        "readiness_probe:",
        "  config:",
        "    type: http",
        "    path: /ready",
        f"    port: {port}",
        "  period_seconds: 5",
        "",
        f"workspace_fqn: tfy-{env}-cluster:{team}-{env}",
    ]
    return "\n".join(lines) + "\n"


def _first_state(service: str, env: str, last: bool) -> SpecState:
    team = _TEAMS[sum(map(ord, service)) % len(_TEAMS)]
    db = service.replace("-", "_")
    variables = (
        ("LOG_LEVEL", "info" if last else "debug"),
        ("DATABASE_URL", f"postgres://{service}-db.{env}.svc:5432/{db}"),
        ("API_TOKEN", f"tfy-secret://acme:{team}-{env}:{service}-token"),
        ("WORKERS", "4"),
    )
    return SpecState(tag="1.0.0", replicas=3 if last else 1, env=variables)


class _FastImport:
    """One ``git fast-import`` process; ``sha(mark)`` asks it for a commit's id as it goes."""

    def __init__(self, repo: Path) -> None:
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done", f"--cat-blob-fd={write_fd}"],
            cwd=repo,
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        self.answers = os.fdopen(read_fd, "rb")
        assert self.proc.stdin is not None
        self.stream: IO[bytes] = self.proc.stdin
        self.shas: dict[int, str] = {}

    def commit(
        self, mark: int, when: int, author: str, message: str, files: dict[str, str]
    ) -> None:
        raw = message.encode()
        out = [
            f"commit refs/heads/main\nmark :{mark}\n"
            f"author {author} {when} +0000\ncommitter {author} {when} +0000\n"
            f"data {len(raw)}\n".encode(),
            raw,
            b"\n",
        ]
        for path, text in files.items():
            body = text.encode()
            out += [f"M 100644 inline {path}\ndata {len(body)}\n".encode(), body, b"\n"]
        out.append(b"\n")
        self.stream.write(b"".join(out))

    def sha(self, mark: int) -> str:
        if mark not in self.shas:
            self.stream.write(f"get-mark :{mark}\n".encode())
            self.stream.flush()
            self.shas[mark] = self.answers.readline().decode().strip()
        return self.shas[mark]

    def close(self) -> None:
        self.stream.write(b"done\n")
        self.stream.close()
        self.answers.close()
        if self.proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed with exit code {self.proc.returncode}")


@dataclass
class _Spec:
    service: str
    env: str
    last: bool
    states: list[SpecState] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"envs/{self.env}/{self.service}.yaml"


def _promoted(source: SpecState, target: SpecState) -> SpecState:
    """The truefoundry rules in short: image from the source, replicas and known vars kept."""
    known = dict(target.env)
    added = tuple((k, v) for k, v in source.env if k not in known)
    return SpecState(tag=source.tag, replicas=target.replicas, env=target.env + added)


def build_repo(
    path: Path, services: int, envs: Sequence[str], commits: int, seed: int = 13
) -> dict[str, object]:
    """Build the repository at ``path`` (which must not exist) and return what it holds.

    The result (also written to ``.git/bench-scale.json``) names the parameters, the commit
    count, and per spec path the kind of each version, oldest first.
    """
    rng = random.Random(seed)
    names = service_names(services)
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    specs = {(s, e): _Spec(s, e, e == envs[-1]) for s in names for e in envs}
    config = (
        "# gitops-promote configuration.\nversion: 1\nenvironments:            # lowest first\n"
        + "".join(f"  {e}: {{path: envs/{e}}}\n" for e in envs)
        + "promotions: ["
        + ", ".join(f"{a}->{b}" for a, b in itertools.pairwise(envs))
        + "]\npreset: truefoundry\nrules:\n  env_vars:\n    path: /env\n"
        "    added: copy\n    removed: keep\n"
    )
    files = {".gitops-promote.yaml": config, "README.md": "# Acme GitOps repository\n"}
    for spec in specs.values():
        spec.states.append(_first_state(spec.service, spec.env, spec.last))
        spec.marks.append(1)
        spec.kinds.append("create")
        files[spec.path] = render(spec.service, spec.env, spec.last, spec.states[-1])
    tags = dict.fromkeys(names, 0)
    when = START
    fi = _FastImport(path)
    try:
        fi.commit(1, when, _PEOPLE[0], "Add the services to every environment\n", files)
        for mark in range(2, commits + 1):
            when += rng.randint(60, 1800)
            service = rng.choice(names)
            message, spec, state, kind = _next_change(rng, fi, specs, envs, service, tags)
            spec.states.append(state)
            spec.marks.append(mark)
            spec.kinds.append(kind)
            author = _CI if kind == "update" and rng.random() < 0.6 else rng.choice(_PEOPLE)
            content = render(spec.service, spec.env, spec.last, state)
            fi.commit(mark, when, author, message, {spec.path: content})
        head = fi.sha(commits)
    finally:
        fi.close()
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    meta: dict[str, object] = {
        "builder": BUILDER_VERSION,
        "services": services,
        "environments": list(envs),
        "commits": commits,
        "seed": seed,
        "head": head,
        "versions": {spec.path: spec.kinds for spec in specs.values()},
    }
    (path / ".git" / META).write_text(json.dumps(meta))
    return meta


def _next_change(
    rng: random.Random,
    fi: _FastImport,
    specs: dict[tuple[str, str], _Spec],
    envs: Sequence[str],
    service: str,
    tags: dict[str, int],
) -> tuple[str, _Spec, SpecState, str]:
    """One realistic change to one spec of ``service``: (message, spec, new state, kind)."""
    roll = rng.random()
    if 0.40 <= roll < 0.75:  # promote one step up the chain
        i = rng.randrange(len(envs) - 1)
        source, target = specs[service, envs[i]], specs[service, envs[i + 1]]
        state = _promoted(source.states[-1], target.states[-1])
        if state != target.states[-1]:
            n = len(source.states)
            sha = fi.sha(source.marks[-1])
            image = f"ghcr.io/acme/{service}:"
            body = f"- /image/image_uri: {image}{target.states[-1].tag} -> {image}{state.tag}"
            message = promote_message(service, source.env, f"v{n}", sha, target.env, body)
            return message, target, state, "promote"
    elif 0.75 <= roll < 0.85:  # scale
        spec = specs[service, rng.choice(envs)]
        old = spec.states[-1]
        new = max(1, old.replicas + rng.choice((-1, 1, 2)))
        if new != old.replicas:
            state = SpecState(old.tag, new, old.env)
            if rng.random() < 0.3:
                return f"scale {service} in {spec.env} for the traffic\n", spec, state, "update"
            message = update_message(spec.env, service, [("/replicas", old.replicas, new)], None)
            return message, spec, state, "update"
    elif 0.85 <= roll < 0.95:  # an env var: a new flag in the first environment, or a log level
        spec = specs[service, envs[0] if rng.random() < 0.6 else rng.choice(envs)]
        old = spec.states[-1]
        env = dict(old.env)
        flag = f"FEATURE_{rng.choice(_FLAGS)}"
        if flag not in env and len(env) < 10:
            key, value, before = flag, "true", None
        else:
            key, before = "LOG_LEVEL", env["LOG_LEVEL"]
            value = rng.choice([x for x in ("debug", "info", "warning") if x != before])
        env[key] = value
        state = SpecState(old.tag, old.replicas, tuple(env.items()))
        message = update_message(spec.env, service, [(f"/env/{key}", before, value)], None)
        return message, spec, state, "update"
    elif roll >= 0.95:  # roll back to an earlier version that differs from the current one
        spec = specs[service, rng.choice(envs[1:])]
        n = len(spec.states)
        earlier = [k for k in range(max(0, n - 6), n - 1) if spec.states[k] != spec.states[-1]]
        if earlier:
            k = rng.choice(earlier)
            sha = fi.sha(spec.marks[k])
            message = rollback_message(
                spec.env, service, f"v{n}", f"v{k + 1}", sha, f"v{n + 1}", None
            )
            return message, spec, spec.states[k], "rollback"
    # CI deploys a new build to the first environment (also the fallback when nothing changed)
    spec = specs[service, envs[0]]
    tags[service] += 1
    c = tags[service]
    tag = f"1.{c // 10}.{c % 10}"
    state = SpecState(tag, spec.states[-1].replicas, spec.states[-1].env)
    image = f"ghcr.io/acme/{service}:"
    if rng.random() < 0.3:
        return f"ci: deploy {service} {tag} to {spec.env}\n", spec, state, "update"
    message = update_message(
        spec.env,
        service,
        [("/image/image_uri", f"{image}{spec.states[-1].tag}", f"{image}{tag}")],
        f"deploy {service} {tag}",
    )
    return message, spec, state, "update"


def cached_repo(
    workdir: Path, services: int, envs: Sequence[str], commits: int, seed: int = 13
) -> tuple[Path, dict[str, object], float | None]:
    """The repository for these parameters under ``workdir``, built unless already there.

    Returns (path, metadata, build seconds or None when it came from the cache).
    """
    name = f"gitops-{services}x{len(envs)}-{commits}-s{seed}-b{BUILDER_VERSION}"
    repo = workdir / name
    meta_file = repo / ".git" / META
    if meta_file.is_file():
        meta: dict[str, object] = json.loads(meta_file.read_text())
        return repo, meta, None
    partial = workdir / (name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    start = time.perf_counter()
    meta = build_repo(partial, services, envs, commits, seed)
    partial.rename(repo)
    return repo, meta, time.perf_counter() - start


@dataclass
class Measure:
    """Medians of one command: wall seconds (None on timeout), CPU seconds (its own and its
    children's: a fairer figure on a loaded machine), peak RSS in MB, exit code, stderr, and
    how many runs the medians are of."""

    seconds: float | None
    cpu: float
    peak_mb: float
    code: int
    error: str
    runs: int = 1


#: runs of a command (and of its raw counterpart) that takes under a second: its median needs
#: more of them than a long one's on a machine whose speed drifts
QUICK_RUNS = 11

#: the row of a command run as on a new machine: the config read with libyaml, not from the
#: config cache (which every other row uses after the first run of the benchmark)
FIRST_READ = "config cache off"

#: GNU time reports the command's own peak memory; without it the peak from wait4() also counts
#: the pages the child shared with this process before exec (a floor of this script's size).
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def _run_once(cmd: Sequence[str], cwd: Path, env: dict[str, str], timeout: float) -> Measure:
    timed_out = threading.Event()
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group: a timeout ends its git children too
        )

        def kill() -> None:
            timed_out.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # the rusage of this command alone
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        first = (err.read().decode(errors="replace").strip().splitlines() or [""])[0]
        reported = rss.read().split()
    # KiB on Linux, from GNU time when it could write its report (not when killed)
    peak = int(reported[-1]) / 1024 if reported[-1:] and reported[-1].isdigit() else 0
    peak = peak or usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out.is_set():  # killed before it could say: its peak is unknown (0)
        return Measure(None, cpu, 0.0, proc.returncode, "")
    return Measure(elapsed, cpu, peak, proc.returncode, first)


def measure(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], runs: int, timeout: float
) -> Measure:
    """Median time and highest peak memory over ``runs``; stops at the first timeout."""
    results = []
    for _ in range(runs):
        one = _run_once(cmd, cwd, env, timeout)
        results.append(one)
        if one.seconds is None:
            break
    return _summary(results)


def measure_pair(
    ours: Sequence[str],
    raw: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    runs: int,
    timeout: float,
) -> tuple[Measure, Measure]:
    """The command and its raw counterpart run in turn (ours, raw, ours, raw...), so that both
    meet the same moments of a machine whose speed drifts; ``runs`` each, or QUICK_RUNS when
    the first pair took under a second (a quick command's median needs more runs). Stops at the
    first timeout of either."""
    mine: list[Measure] = []
    theirs: list[Measure] = []
    target = runs
    while len(mine) < target:
        mine.append(_run_once(ours, cwd, env, timeout))
        theirs.append(_run_once(raw, cwd, env, timeout))
        if mine[-1].seconds is None or theirs[-1].seconds is None:
            break
        if len(mine) == 1 and (mine[0].seconds or 0) < 1 and (theirs[0].seconds or 0) < 1:
            target = max(runs, QUICK_RUNS)
    return _summary(mine), _summary(theirs)


def _summary(results: list[Measure]) -> Measure:
    peak = max(r.peak_mb for r in results)
    if results[-1].seconds is None:
        return Measure(None, results[-1].cpu, peak, results[-1].code, "", len(results))
    seconds = statistics.median(r.seconds for r in results if r.seconds is not None)
    cpu = statistics.median(r.cpu for r in results)
    return Measure(seconds, cpu, peak, results[-1].code, results[-1].error, len(results))


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()} "
        f"(load average {load}); Python {platform.python_version()}; {git}"
    )


def installed_tool() -> str:
    """The gitops-promote installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "gitops-promote"
    if beside.exists():
        return str(beside)
    found = shutil.which("gitops-promote")
    if found is None:
        raise SystemExit("gitops-promote is not installed: pip install -e .")
    return found


def _byte_compile(tool: str) -> str:
    """Compile the installed package's modules as ``pip install`` does: an editable install run
    with PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run."""
    python = Path(tool).parent / "python"
    interpreter = str(python) if python.exists() else sys.executable
    code = "import gitops_promote, os; print(os.path.dirname(gitops_promote.__file__))"
    folder = subprocess.run(
        [interpreter, "-I", "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run([interpreter, "-m", "compileall", "-q", folder], check=True)
    return folder


def _time(m: Measure) -> str:
    if m.seconds is None:
        return "> timeout"
    return f"{_secs(m.seconds)} ({_secs(m.cpu)} cpu)"


def _mb(m: Measure) -> str:
    return f"{m.peak_mb:.0f}" if m.peak_mb else "?"


def _secs(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="1,000 x 5 with 100,000 commits")
    parser.add_argument("--services", type=int, help="override the number of services")
    parser.add_argument("--commits", type=int, help="override the number of commits")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per command run")
    parser.add_argument("--workdir", type=Path, help="cache the repository here (default: temp)")
    args = parser.parse_args(argv)
    services = args.services or (1000 if args.large else 300)
    envs = ENVIRONMENTS[5 if args.large else 3]
    commits = args.commits or (100_000 if args.large else 20_000)

    env = dict(os.environ)
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    for var in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        env.pop(var, None)
    os.environ.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    tool = installed_tool()
    package = _byte_compile(tool)
    host = machine()  # before the runs: the load average says how busy the machine was

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"building or reusing the repository under {workdir} ...", file=sys.stderr)
        repo, meta, built = cached_repo(workdir, services, envs, commits)
        versions: dict[str, list[str]] = meta["versions"]  # type: ignore[assignment]
        last = envs[-1]
        busiest = max(
            (p for p in versions if p.startswith(f"envs/{last}/")), key=lambda p: len(versions[p])
        )
        service = Path(busiest).stem
        env_paths = [f"envs/{e}" for e in envs]
        raw_pass = ["git", "log", "--name-only", "--format=%H %ct %an%n%s", "--", *env_paths]
        # the config cache in a folder of this run's own: empty at first, as on a new machine
        env["XDG_CACHE_HOME"] = str(Path(tmp, "cache"))
        env.pop("GITOPS_PROMOTE_CACHE", None)
        history = [tool, "history", service, "--env", last]
        raw_history = ["git", "log", "--follow", "-M", "--format=%H %ct %an%n%s", "--", busiest]
        rows: list[tuple[str, list[str], str, list[str] | None]] = [
            ("status", [tool, "status"], "git log --name-only", raw_pass),
            (
                f"history {service} --env {last}",
                history,
                "git log --follow -M -- FILE",
                raw_history,
            ),
            (
                f"history {service} --env {last}, {FIRST_READ}",
                history,
                "git log --follow -M -- FILE",
                raw_history,
            ),
            (
                f"promote --all --from {envs[-2]} --to {last} --dry-run",
                [tool, "promote", "--all", "--from", envs[-2], "--to", last, "--dry-run"],
                "",
                None,
            ),
            ("check", [tool, "check"], "git log --name-only", raw_pass),
            (
                "--help",
                [tool, "--help"],
                'python -c "import click"',
                [sys.executable, "-c", "import click"],
            ),
        ]
        results = []
        for label, ours, raw_label, raw in rows:
            print(f"measuring gitops-promote {label} ...", file=sys.stderr)
            theirs = None
            run_env = dict(env, GITOPS_PROMOTE_CACHE="0") if FIRST_READ in label else env
            if raw is None:
                mine = measure(ours, repo, run_env, args.runs, args.timeout)
            else:
                mine, theirs = measure_pair(ours, raw, repo, run_env, args.runs, args.timeout)
            results.append((label, mine, raw_label, theirs))

    pack = "cached" if built is None else f"built in {built:.1f} s"
    specs = services * len(envs)
    print(f"Machine: {host}")
    print(f"gitops-promote: {tool} (package {package}, byte-compiled)")
    print(
        f"Repository: {services} services x {len(envs)} environments ({specs} specs), "
        f"{commits:,} commits ({pack}; {repo}); history of {busiest}: "
        f"{len(versions[busiest])} versions"
    )
    print(
        f"Median of {args.runs} runs ({QUICK_RUNS} for a command under a second), each run of a"
        " command followed by one of its raw counterpart (wall time; in brackets the CPU time of"
        f" the command and its git processes), timeout {args.timeout:g} s per run; ratios are of"
        " wall times; peak MB: the largest process of the command's tree. The config cache starts"
        " empty, so the first run of the first command reads the config with libyaml; the row"
        f" marked '{FIRST_READ}' reads it so on every run.\n"
    )
    print("| gitops-promote | time | raw | time | ratio | target | peak MB | raw MB |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    big = 300.0
    for label, mine, raw_label, theirs in results:
        ratio = "-"
        if label.startswith("promote"):
            target, limit = "< 10 ms/service", 10.0
            if mine.seconds is not None:
                per = mine.seconds * 1000 / services
                ratio = f"{per:.1f} ms/service"
                target += " " + ("met" if per < limit else "MISSED")
        else:
            limit = 1.5 if label.startswith("history") else 2.0
            target = f"<= {limit}x"
            if mine.seconds is not None and theirs is not None and theirs.seconds:
                x = mine.seconds / theirs.seconds
                ratio = f"{x:.2f}x"
                target += " " + ("met" if x <= limit else "MISSED")
        if mine.seconds is None:
            target += " MISSED"
        raw_time = _time(theirs) if theirs is not None else "-"
        raw_mb = _mb(theirs) if theirs is not None else "-"
        print(
            f"| `{label}` | {_time(mine)} | `{raw_label or '-'}` | {raw_time} | {ratio} "
            f"| {target} | {_mb(mine)} | {raw_mb} |"
        )
        if mine.seconds is not None and mine.code >= 2:
            notes.append(f"- `{label}` exited {mine.code}: {mine.error}")
    worst = max(m.peak_mb for _, m, _, _ in results)
    verdict = ("met" if worst < big else "MISSED") if args.large else "(the target is for --large)"
    unknown = [label for label, m, _, _ in results if not m.peak_mb]
    print(
        f"\nPeak memory of gitops-promote: {worst:.0f} MB; target < {big:.0f} MB {verdict}"
        + (f"; not known for {', '.join(unknown)} (timed out)" if unknown else "")
    )
    if GNU_TIME is None:
        print("(peak memory from wait4(): it includes this script's size; install GNU time)")
    if notes:
        print("\n".join(["", *notes]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
