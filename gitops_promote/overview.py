"""``status`` (services x environments: version, image, drift) and ``check`` (config, specs and
env-var consistency between environments)."""

from __future__ import annotations

import datetime
import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dirspec import plan_folder
from .dirversions import folder_versions
from .envvars import env_items
from .errors import GitopsPromoteError, RefusedError, UsageError
from .gatecheck import GateResult, closed, evaluate
from .gates import parse_date
from .history import Version
from .holds import Hold, find_hold
from .layout import env_patterns
from .plan import plan_promotion
from .pointer import RulePath
from .rules import RuleSet
from .setpath import is_keyed_list
from .specdoc import parse_spec, spec_data
from .specfiles import Files, check_entries, is_yaml, symlink_problem, symlinks
from .versioning import log_passes, read_log_passes, versions_by_env
from .workspace import Workspace
from .yamldoc import load_documents
from .yamldoc.plain import same

if TYPE_CHECKING:
    from .yamldoc.doc import YamlDoc

Segment = str | int


# -- walking rule paths through plain data ------------------------------------------------------


def expand(docs: list[Any], rule: RulePath) -> Iterator[tuple[int, tuple[Segment, ...], Any]]:
    """Every (document, positional path, value) a rule path names; ``*`` expands, keyed lists
    are addressed by item name."""
    for d, doc in enumerate(docs):
        if rule.kind is not None and not (isinstance(doc, dict) and doc.get("kind") == rule.kind):
            continue
        yield from ((d, p, v) for p, v in _walk(doc, rule.segments, ()))


def _walk(
    node: Any, segs: tuple[str, ...], at: tuple[Segment, ...]
) -> Iterator[tuple[tuple[Segment, ...], Any]]:
    if not segs:
        yield at, node
        return
    seg, rest = segs[0], segs[1:]
    if isinstance(node, dict):
        keys = list(node) if seg == "*" else [seg] if seg in node else []
        for k in keys:
            yield from _walk(node[k], rest, (*at, k))
    elif isinstance(node, list):
        keyed = is_keyed_list(node)
        for i, item in enumerate(node):
            label = str(item["name"]) if keyed else str(i)
            if seg in ("*", label):
                yield from _walk(item, rest, (*at, i))


def image_of(docs: list[Any], rules: RuleSet) -> str | None:
    """The image a spec deploys, read where the rules' image paths point."""
    seen: list[str] = []
    for rule in rules.overwrite:
        idx = next((i for i, s in enumerate(rule.segments) if "image" in s.lower()), None)
        if idx is None:
            continue
        prefix = RulePath(rule.kind, rule.segments[: idx + 1])
        for _, _, value in expand(docs, prefix):
            text = _format_image(value)
            if text and text not in seen:
                seen.append(text)
    return ", ".join(seen) if seen else None


def _format_image(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # kustomize images: [{name, newName, newTag, digest}]
        tags = [f"{i.get('newName') or i['name']}:{i.get('newTag') or i.get('digest')}"
                for i in value if isinstance(i, dict) and "name" in i]  # fmt: skip
        return ", ".join(tags) or None
    if isinstance(value, dict):
        for key in ("image_uri", "uri", "image"):
            if isinstance(value.get(key), str):
                return str(value[key])
        repo = value.get("repository")
        if isinstance(repo, str):
            text = repo
            if value.get("tag") not in (None, ""):
                text += f":{value['tag']}"
            if value.get("digest"):
                text += f"@{value['digest']}"
            return text
    return None


def env_keys(docs: list[Any], rules: RuleSet) -> dict[str, tuple[int, tuple[Segment, ...]]]:
    """Environment-variable keys of a spec -> where they stand (for line numbers).

    Keys are qualified by where the env block is when the rule path has ``*`` (one env list
    per container): ``app/NEW_QUEUE``.
    """
    out: dict[str, tuple[int, tuple[Segment, ...]]] = {}
    if rules.env_vars is None:
        return out
    rule = rules.env_vars.path
    wild = "*" in rule.segments
    for d, at, value in expand(docs, rule):
        prefix = ""
        if wild:
            named = _report_labels(docs[d], at)
            prefix = "/".join(str(named[i]) for i, s in enumerate(rule.segments) if s == "*") + "/"
        # the planner's reading of env vars (mapping or keyed list), positions for line numbers
        for i, name in enumerate(env_items(value)):
            out[f"{prefix}{name}"] = (d, (*at, name if isinstance(value, dict) else i))
    return out


def _report_labels(doc: Any, at: tuple[Segment, ...]) -> list[Segment]:
    """The positional path with keyed-list indices replaced by item names."""
    labels: list[Segment] = []
    node = doc
    for seg in at:
        if isinstance(node, list) and isinstance(seg, int):
            labels.append(str(node[seg]["name"]) if is_keyed_list(node) else seg)
        else:
            labels.append(seg)
        node = node[seg]
    return labels


# -- status -------------------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (services done, services in all)


@dataclass(frozen=True)
class Cell:
    """One service in one environment: its current version, image and commit.

    ``hold``: the current version is a rollback (SPEC section 9), so promote leaves it alone.
    """

    version: str | None
    image: str | None
    sha: str | None
    error: str | None = None
    date: str | None = None
    kind: str | None = None
    hold: Hold | None = None

    @property
    def held(self) -> bool:
        return self.hold is not None


@dataclass(frozen=True)
class Drift:
    """One promotion pair of one service: what a promote would do, under the rules.

    ``pending`` differences a promote would write (``attention`` of them flagged for a
    reviewer); ``kept`` differences the rules keep as they are in the target (retained paths,
    flagged values left alone). ``newer``: the target's current version is a change of its own
    (not a promote) made after the source's current version.
    """

    source: str
    target: str
    pending: int
    attention: int
    error: str | None = None
    kept: int = 0
    newer: bool = False
    #: the promotion's gates that are still closed for the source's current version
    gates: tuple[GateResult, ...] = ()

    @property
    def in_sync(self) -> bool:
        return self.error is None and self.pending == 0 and self.kept == 0


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    envs: dict[str, Cell | None]
    drift: list[Drift]


@dataclass(frozen=True)
class StatusResult:
    environments: list[str]
    services: list[ServiceStatus]


def _selected_envs(ws: Workspace, envs: Sequence[str]) -> list[str]:
    names = list(ws.config.env_names)
    for env in envs:
        ws.config.env(env)  # an unknown environment is bad usage
    return [e for e in names if e in envs] if envs else names


def status(
    ws: Workspace,
    envs: Sequence[str] = (),
    services: Sequence[str] = (),
    progress: Progress | None = None,
    now: datetime.datetime | None = None,
) -> StatusResult:
    """Services x environments, from one tree listing, one ``git log`` pass and one blob read
    per base branch: never a git process per spec. ``envs`` and ``services`` (globs) filter;
    ``now`` is the clock of the soak gates (default: the current time). A directory spec is
    read through its own folder log."""
    names = _selected_envs(ws, envs)
    passes = log_passes(ws, names)
    wanted = _glob_filter(services)
    # The log pass runs in git from the start, while this process lists, reads and plans the
    # specs (2 cores or more).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending_history = pool.submit(read_log_passes, ws.repo, passes)
        contents = ws.read_specs(names)
        docs: dict[tuple[str, str], list[Any] | GitopsPromoteError] = {}
        images: dict[tuple[str, str], str | None] = {}
        folders: dict[tuple[str, str], tuple[str, Files] | GitopsPromoteError] = {}
        folder_cells: dict[tuple[str, str], Cell] = {}
        for env in names:
            paths = ws.found(env).paths
            commit = ws.branch_tip(ws.layout(env).branch)
            for service, content in contents[env].items():
                if not wanted(service):
                    continue
                path = paths[service]
                if content is None:
                    if path not in ws.tree(commit):  # a directory spec
                        key = (env, service)
                        folder_cells[key], folders[key] = _folder_cell(ws, service, env)
                    continue
                try:
                    parsed = spec_data(content, path, ws.config)
                    docs[(env, service)] = parsed
                    images[(env, service)] = image_of(parsed, ws.config.rules_for(path, parsed))
                except GitopsPromoteError as exc:
                    docs[(env, service)] = exc
        if not docs and not folders and not services:
            raise RefusedError(
                f"no environment of {ws.config.file} matches any spec: {_no_spec(ws)}"
            )
        pairs = [(a, b) for a, b in ws.config.promotions if a in names and b in names]
        all_services = sorted({s for _, s in docs} | {s for _, s in folders})
        plans: dict[tuple[str, str, str], Drift] = {}
        for done, service in enumerate(all_services):
            if progress is not None:
                progress(done, len(all_services))
            for src, dst in pairs:
                if (src, service) in folders and (dst, service) in folders:
                    fa, fb = folders[(src, service)], folders[(dst, service)]
                    plans[(service, src, dst)] = _folder_drift(ws, fa, fb, (src, dst))
                    continue
                a, b = docs.get((src, service)), docs.get((dst, service))
                if a is not None and b is not None:
                    target = ws.found(dst).paths[service]
                    plans[(service, src, dst)] = _drift(ws, src, dst, a, b, target)
        history = versions_by_env(ws, names, pending_history.result())
    if progress is not None:
        progress(len(all_services), len(all_services))
    cells: dict[tuple[str, str], Cell] = dict(folder_cells)
    current: dict[tuple[str, str], Version] = {}
    for (env, service), read in docs.items():
        found = history[env].get(service) or []
        last = found[-1] if found else None
        if last is not None:
            current[(env, service)] = last
        cells[(env, service)] = Cell(
            last.label if last else None,
            images.get((env, service)),
            last.sha if last else None,
            str(read) if isinstance(read, GitopsPromoteError) else None,
            last.date if last else None,
            last.kind if last else None,
            find_hold(env, service, found) if ws.config.holds and found else None,
        )
    rows = []
    for service in all_services:
        drift = [
            replace(
                d,
                newer=_newer(cells[(d.source, service)], cells[(d.target, service)]),
                gates=_closed_gates(ws, d, current.get((d.source, service)), now),
            )
            for (s, _, _), d in plans.items()
            if s == service
        ]
        row = {env: cells.get((env, service)) for env in names}
        rows.append(ServiceStatus(service, row, drift))
    return StatusResult(names, rows)


def _newer(source: Cell, target: Cell) -> bool:
    """The target's current version is a change of its own made after the source's."""
    return bool(
        target.date
        and source.date
        and target.kind != "promote"
        and _when(target.date) > _when(source.date)
    )


def _drift(
    ws: Workspace,
    src: str,
    dst: str,
    a: list[Any] | GitopsPromoteError,
    b: list[Any] | GitopsPromoteError,
    target_path: str,
) -> Drift:
    """What promoting one spec would do, under the rules of the target file (the ``auto``
    preset picks them per file, as promote does)."""
    if isinstance(a, GitopsPromoteError) or isinstance(b, GitopsPromoteError):
        bad = a if isinstance(a, GitopsPromoteError) else b
        return Drift(src, dst, 0, 0, str(bad))
    if same(a, b):
        return Drift(src, dst, 0, 0)  # nothing differs: nothing to plan
    rules = ws.config.rules_for(target_path, b)
    try:
        plan = plan_promotion(a, b, rules, source_env=src, target_env=dst)
    except GitopsPromoteError as exc:  # added: fail refuses; status still reports
        return Drift(src, dst, 0, 0, str(exc))
    applied = sum(1 for c in plan.changes if c.applied)
    return Drift(src, dst, applied, len(plan.attention), None, len(plan.changes) - applied)


def _when(date: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))


def _glob_filter(globs: Sequence[str]) -> Callable[[str], bool]:
    if not globs:
        return lambda _: True
    return lambda name: any(fnmatch.fnmatchcase(name, g) for g in globs)


def _closed_gates(
    ws: Workspace, d: Drift, source: Version | None, now: datetime.datetime | None
) -> tuple[GateResult, ...]:
    """The gates of a pending promotion still closed (checks are not read here: without
    GitHub they show as unknown)."""
    gates = ws.config.gates_for(d.source, d.target)
    if not gates or not d.pending or source is None:
        return ()
    since = parse_date(source.committed or source.date) if gates.soak is not None else None
    moment = now if now is not None else datetime.datetime.now(datetime.timezone.utc)
    return closed(evaluate(gates, since=since, now=moment))


def _folder_cell(
    ws: Workspace, service: str, env: str
) -> tuple[Cell, tuple[str, Files] | GitopsPromoteError]:
    """A directory spec's cell: its version, and the image its YAML files name (the first
    found, in file order: the patch that sets it)."""
    try:
        spec = ws.spec(service, env)
        files = spec.require_files()
        found = folder_versions(ws.repo, spec.path, spec.commit)
        image = None
        for rel, data in files.items():
            if image is None and is_yaml(rel, data):
                path = f"{spec.path}/{rel}"
                parsed = parse_spec(data, path).documents()
                image = image_of(parsed, ws.config.rules_for(path, parsed))
    except GitopsPromoteError as exc:
        return Cell(None, None, None, str(exc)), exc
    last = found[-1] if found else None
    return Cell(last.label if last else None, image, last.sha if last else None), (spec.path, files)


def _folder_drift(
    ws: Workspace,
    a: tuple[str, Files] | GitopsPromoteError,
    b: tuple[str, Files] | GitopsPromoteError,
    envs: tuple[str, str],
) -> Drift:
    """What promoting one directory spec to the next environment would do, counted."""
    src, dst = envs
    if isinstance(a, GitopsPromoteError) or isinstance(b, GitopsPromoteError):
        return Drift(src, dst, 0, 0, str(a if isinstance(a, GitopsPromoteError) else b))
    try:
        plan = plan_folder(ws, b[0], a[1], b[1], src, dst).plan
    except GitopsPromoteError as exc:
        return Drift(src, dst, 0, 0, str(exc))
    return Drift(src, dst, sum(1 for c in plan.changes if c.applied), len(plan.attention))


def _working_folder(ws: Workspace, rel: str) -> Files:
    """The files below a directory spec in the work tree (symlinks refused, as in git)."""
    root = ws.root / rel
    modes: dict[str, str] = {}
    for top, dirs, names in os.walk(root):
        for name in [*names, *(d for d in dirs if (Path(top) / d).is_symlink())]:
            path = Path(top) / name
            modes[path.relative_to(root).as_posix()] = "120000" if path.is_symlink() else "100644"
    names = check_entries(rel, modes, "the work tree")
    links = symlinks(modes)
    if links:
        target = os.readlink(root / links[0]).encode("utf-8", "surrogateescape")
        raise UsageError(symlink_problem(f"{rel}/{links[0]}", target, "the work tree"))
    return {name: (root / name).read_bytes() for name in names}


def _parse_folder(
    env: str, service: str, rel: str, files: Files, specs: dict[tuple[str, str, str], _Spec]
) -> None:
    """Read the YAML files of a directory spec, one entry each (binary files are skipped)."""
    for name, data in files.items():
        if is_yaml(name, data):
            path = f"{rel}/{name}"
            specs[(env, service, name)] = _Spec(path, data, load_documents(data, path))


def _no_spec(ws: Workspace) -> str:
    return "; ".join(f"{e.name}: {', '.join(env_patterns(e))}" for e in ws.config.environments)


# -- check --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    files_checked: int
    services: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Spec:
    """A spec read for ``check``: its plain data, and its positions only when a problem needs
    a line number (the full parser runs for those files alone)."""

    filename: str
    content: bytes
    docs: list[Any]
    _parsed: YamlDoc | None = None

    def line_of(self, doc: int, path: tuple[Segment, ...]) -> int | None:
        if self._parsed is None:
            self._parsed = parse_spec(self.content, self.filename)
        return self._parsed.line_of(doc, path)


def _read_working_specs(
    ws: Workspace, problems: list[Problem], progress: Progress | None = None
) -> tuple[dict[tuple[str, str, str], _Spec], int]:
    """Read every spec (the working tree's, or a base branch's through one batch read); record
    the files that do not parse. Keys are (environment, service, file of a directory spec or
    "")."""
    specs: dict[tuple[str, str, str], _Spec] = {}
    count = 0
    committed = [e.name for e in ws.config.environments if ws.working_files(e.name) is None]
    contents = ws.read_specs(committed)
    # (env, service, path, content read from a branch, or None: read the working tree)
    todo: list[tuple[str, str, str, bytes | None, bool]] = []
    for env in ws.config.environments:
        working = ws.working_files(env.name)
        if working is None:  # another branch: read its committed specs
            paths = ws.found(env.name).paths
            todo += [
                (env.name, svc, rel, contents[env.name][svc], True) for svc, rel in paths.items()
            ]
            continue
        if env.path and not (ws.root / env.path).is_dir():
            missing = "is not a folder" if (ws.root / env.path).exists() else "does not exist"
            problems.append(
                Problem(ws.config.file, None, f"environment {env.name!r}: {env.path}/ {missing}")
            )
            continue
        todo += [(env.name, svc, rel, None, False) for svc, rel in sorted(working.items())]
    for done, (env_name, service, rel, content, from_branch) in enumerate(todo):
        if progress is not None and done % 50 == 0:
            progress(done, len(todo))
        count += 1
        try:
            if from_branch and content is None:  # a directory spec on its branch
                folder = ws.spec(service, env_name).require_files()
                _parse_folder(env_name, service, rel, folder, specs)
                continue
            if content is None:
                ws.repo.safe_path(rel)
                if (ws.root / rel).is_dir():
                    _parse_folder(env_name, service, rel, _working_folder(ws, rel), specs)
                    continue
                content = (ws.root / rel).read_bytes()
            specs[(env_name, service, "")] = _Spec(rel, content, spec_data(content, rel, ws.config))
        except GitopsPromoteError as exc:
            problems.append(Problem(exc.file or rel, exc.line, exc.message))
    if progress is not None:
        progress(len(todo), len(todo))
    if count == 0 and not problems:
        problems.append(
            Problem(ws.config.file, None, f"the config matches no spec at all ({_no_spec(ws)})")
        )
    return specs, count


def check(ws: Workspace, progress: Progress | None = None) -> CheckResult:
    """Config, every spec, and env vars set lower down but missing higher up (SPEC 3, rule 4)."""
    problems: list[Problem] = []
    specs, count = _read_working_specs(ws, problems, progress)
    for src, dst in ws.config.promotions:
        for (env, service, file), src_doc in sorted(specs.items()):
            if env != src or (dst, service, file) not in specs:
                continue
            dst_doc = specs[(dst, service, file)]
            rules = ws.config.rules_for(dst_doc.filename, dst_doc.docs)  # per file under auto
            src_keys = env_keys(src_doc.docs, rules)
            dst_keys = env_keys(dst_doc.docs, rules)
            for key in src_keys:
                if key in dst_keys:
                    continue
                line = _env_line(dst_doc, dst_keys, rules)
                sdoc, spath = src_keys[key]
                src_line = src_doc.line_of(sdoc, spath)
                problems.append(
                    Problem(
                        dst_doc.filename,
                        line,
                        f"env var {key} is set in {src} ({src_doc.filename}:{src_line}) but "
                        f"missing in {dst}: add it, or it will be copied with {src}'s value "
                        "on the next promote",
                    )
                )
    services = len({s for _, s, _ in specs})
    return CheckResult(problems, count, services)


def _env_line(
    doc: _Spec, keys: dict[str, tuple[int, tuple[Segment, ...]]], rules: RuleSet
) -> int | None:
    """Where a missing key would go: the env block's line, else the first line."""
    if keys:
        d, path = next(iter(keys.values()))
        return doc.line_of(d, path[:-1]) or doc.line_of(d, path)
    if rules.env_vars is not None:
        for d, at, _ in expand(doc.docs, rules.env_vars.path):
            return doc.line_of(d, at)
    return 1
