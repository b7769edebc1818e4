"""``status`` (services x environments: version, image, drift) and ``check`` (config, specs and
env-var consistency between environments)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dirspec import folder_versions, plan_folder
from .envvars import env_items
from .errors import GitopsPromoteError, RefusedError, UsageError
from .gates import GateResult, closed, evaluate, parse_date
from .history import Version, versions
from .holds import Hold, find_hold
from .layout import env_patterns
from .plan import plan_promotion
from .pointer import RulePath
from .rules import RuleSet
from .setpath import is_keyed_list
from .specfiles import Files, check_entries, is_yaml, symlink_problem, symlinks
from .workspace import Workspace, parse_spec

if TYPE_CHECKING:
    from .yamldoc import YamlDoc

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


@dataclass(frozen=True)
class Cell:
    version: str | None
    image: str | None
    sha: str | None
    error: str | None = None
    hold: Hold | None = None  # the current version is a rollback: promote leaves it alone


@dataclass(frozen=True)
class Drift:
    source: str
    target: str
    pending: int  # differences a promote would write
    attention: int
    error: str | None = None
    #: the promotion's gates that are still closed for the source's current version
    gates: tuple[GateResult, ...] = ()


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    envs: dict[str, Cell | None]
    drift: list[Drift]


@dataclass(frozen=True)
class StatusResult:
    environments: list[str]
    services: list[ServiceStatus]


def status(ws: Workspace, now: datetime | None = None) -> StatusResult:
    """One batch read per environment, one parse per spec, one ``git log`` per spec.

    ``now`` is the clock of the soak gates (default: the current time).
    """
    envs = list(ws.config.env_names)
    docs: dict[tuple[str, str], list[Any] | GitopsPromoteError] = {}
    folders: dict[tuple[str, str], tuple[str, Files] | GitopsPromoteError] = {}
    cells: dict[tuple[str, str], Cell] = {}
    current: dict[tuple[str, str], Version] = {}
    for env in envs:
        environment = ws.config.env(env)
        commit = ws.branch_tip(ws.base_branch(environment))
        by_service = ws.found(env).paths
        contents = ws.repo.read_files(commit, list(by_service.values()))
        for service, path in by_service.items():
            content = contents.get(path)
            if content is None:
                if path not in ws.tree(commit):  # a directory spec
                    cells[(env, service)], folders[(env, service)] = _folder_cell(ws, service, env)
                continue
            found = versions(ws.repo, path, commit)
            last = found[-1] if found else None
            if last is not None:
                current[(env, service)] = last
            hold = find_hold(env, service, found) if ws.config.holds else None
            image = error = None
            try:
                parsed = parse_spec(content, path, ws.config).documents()
                docs[(env, service)] = parsed
                image = image_of(parsed, ws.config.rules_for(path, parsed))
            except GitopsPromoteError as exc:
                docs[(env, service)] = exc
                error = str(exc)
            cells[(env, service)] = Cell(
                last.label if last else None, image, last.sha if last else None, error, hold
            )
    rows = []
    for service in sorted({s for _, s in cells}):
        drift = []
        for src, dst in ws.config.promotions:
            if (src, service) in folders and (dst, service) in folders:
                drift.append(_folder_drift(ws, folders[(src, service)], folders[(dst, service)],
                                           (src, dst)))  # fmt: skip
                continue
            a, b = docs.get((src, service)), docs.get((dst, service))
            if a is None or b is None:
                continue
            if isinstance(a, GitopsPromoteError) or isinstance(b, GitopsPromoteError):
                bad = a if isinstance(a, GitopsPromoteError) else b
                drift.append(Drift(src, dst, 0, 0, str(bad)))
                continue
            try:
                plan = plan_promotion(a, b, ws.config.rules, source_env=src, target_env=dst)
                applied = sum(1 for c in plan.changes if c.applied)
                shut = _closed_gates(ws, src, dst, current.get((src, service)), applied, now)
                drift.append(Drift(src, dst, applied, len(plan.attention), None, shut))
            except GitopsPromoteError as exc:  # added: fail refuses; status still reports
                drift.append(Drift(src, dst, 0, 0, str(exc)))
        row = {env: cells.get((env, service)) for env in envs}
        rows.append(ServiceStatus(service, row, drift))
    if not cells:
        raise RefusedError(f"no environment of {ws.config.file} matches any spec: {_no_spec(ws)}")
    return StatusResult(envs, rows)


def _closed_gates(
    ws: Workspace, src: str, dst: str, source: Version | None, pending: int, now: datetime | None
) -> tuple[GateResult, ...]:
    """The gates of ``src -> dst`` still closed for a pending promotion (checks are not read
    here: without GitHub they show as unknown)."""
    gates = ws.config.gates_for(src, dst)
    if not gates or not pending or source is None:
        return ()
    since = parse_date(source.committed or source.date) if gates.soak is not None else None
    moment = now if now is not None else datetime.now(timezone.utc)
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


def _read_working_specs(
    ws: Workspace, problems: list[Problem]
) -> tuple[dict[tuple[str, str, str], YamlDoc], int]:
    """Parse every spec in the working tree; record the files that do not parse. Keys are
    (environment, service, file of a directory spec or "")."""
    specs: dict[tuple[str, str, str], YamlDoc] = {}
    count = 0
    for env in ws.config.environments:
        working = ws.working_files(env.name)
        if working is None:  # another branch: read its committed specs
            commit = ws.branch_tip(ws.base_branch(env))
            paths = ws.found(env.name).paths
            contents = ws.repo.read_files(commit, list(paths.values()))
            for service, rel in paths.items():
                count += 1
                try:
                    if contents[rel] is None and rel not in ws.tree(commit):
                        folder = ws.spec(service, env.name).require_files()
                        _parse_folder(env.name, service, rel, folder, specs)
                        continue
                    specs[(env.name, service, "")] = parse_spec(
                        contents[rel] or b"", rel, ws.config
                    )
                except GitopsPromoteError as exc:
                    problems.append(Problem(exc.file or rel, exc.line, exc.message))
            continue
        if env.path and not (ws.root / env.path).is_dir():
            missing = "is not a folder" if (ws.root / env.path).exists() else "does not exist"
            problems.append(
                Problem(ws.config.file, None, f"environment {env.name!r}: {env.path}/ {missing}")
            )
            continue
        for service, rel in sorted(working.items()):
            count += 1
            try:
                ws.repo.safe_path(rel)
                if (ws.root / rel).is_dir():
                    folder = _working_folder(ws, rel)
                    _parse_folder(env.name, service, rel, folder, specs)
                    continue
                specs[(env.name, service, "")] = parse_spec(
                    (ws.root / rel).read_bytes(), rel, ws.config
                )
            except GitopsPromoteError as exc:
                problems.append(Problem(exc.file or rel, exc.line, exc.message))
    if count == 0 and not problems:
        problems.append(
            Problem(ws.config.file, None, f"the config matches no spec at all ({_no_spec(ws)})")
        )
    return specs, count


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
    env: str, service: str, rel: str, files: Files, specs: dict[tuple[str, str, str], YamlDoc]
) -> None:
    """Parse the YAML files of a directory spec, one entry each (binary files are skipped)."""
    for name, data in files.items():
        if is_yaml(name, data):
            specs[(env, service, name)] = parse_spec(data, f"{rel}/{name}")


def check(ws: Workspace) -> CheckResult:
    """Config, every spec, and env vars set lower down but missing higher up (SPEC 3, rule 4)."""
    problems: list[Problem] = []
    specs, count = _read_working_specs(ws, problems)
    rules = ws.config.rules
    for src, dst in ws.config.promotions:
        for (env, service, file), src_doc in sorted(specs.items()):
            if env != src or (dst, service, file) not in specs:
                continue
            dst_doc = specs[(dst, service, file)]
            src_keys = env_keys(src_doc.documents(), rules)
            dst_keys = env_keys(dst_doc.documents(), rules)
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
    doc: YamlDoc, keys: dict[str, tuple[int, tuple[Segment, ...]]], rules: RuleSet
) -> int | None:
    """Where a missing key would go: the env block's line, else the first line."""
    if keys:
        d, path = next(iter(keys.values()))
        return doc.line_of(d, path[:-1]) or doc.line_of(d, path)
    if rules.env_vars is not None:
        for d, at, _ in expand(doc.documents(), rules.env_vars.path):
            return doc.line_of(d, at)
    return 1
