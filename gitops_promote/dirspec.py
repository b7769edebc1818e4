"""Directory specs (SPEC section 8): the per-file work of rollback, update and promote.

A directory spec is a mapping of relative file name -> bytes (:data:`~.specfiles.Files`); its
versions are read by :mod:`.dirversions`. Promote pairs files by relative name and plans each
YAML pair with the rules; report paths carry the file (``kustomization.yaml:/images/app/newTag``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .apply import apply_plan
from .data import MISSING, Change
from .errors import GitopsPromoteError, UsageError
from .git import GitReader
from .plan import Plan, plan_promotion
from .pointer import RulePath
from .rules import RuleSet
from .setpath import ResolvedSet, SetExpr, resolve_set
from .specdoc import parse_spec
from .specfiles import Files, is_text, is_yaml
from .workspace import Workspace

# -- rollback ----------------------------------------------------------------------------------


def restore_changes(current: Files, old: Files) -> dict[str, bytes | None]:
    """Relative name -> bytes to write (``None``: delete) that turn ``current`` into ``old``."""
    out: dict[str, bytes | None] = {}
    for rel, data in old.items():
        if current.get(rel) != data:
            out[rel] = data
    for rel in current:
        if rel not in old:
            out[rel] = None
    return dict(sorted(out.items()))


def files_diff(
    repo: GitReader, directory: str, before: Files, changes: Mapping[str, bytes | None]
) -> str:
    """The unified diff of every changed file of a folder, from one ``git diff``."""
    return repo.folder_diff(directory, before, changes) if changes else ""


# -- update ------------------------------------------------------------------------------------


def resolve_in_files(
    docs: Mapping[str, list[Any]],
    file: str | None,
    expr: SetExpr,
    value: Any,
    directory: str,
) -> tuple[str, ResolvedSet]:
    """Which file of a directory spec a ``--set`` addresses, and where in it.

    With ``FILE:`` that file; without, the one YAML file that has the path (or the only YAML
    file). UsageError (exit 2) when several files have it, naming them.
    """
    if file is not None:
        if file not in docs:
            names = ", ".join(sorted(docs)) or "none"
            raise UsageError(
                f"--set {expr.text!r}: {directory}/ has no YAML file {file!r} (files: {names})"
            )
        return file, resolve_set(docs[file], expr, value, f"{directory}/{file}")
    if len(docs) == 1:
        (only,) = docs
        return only, resolve_set(docs[only], expr, value, f"{directory}/{only}")
    found: list[tuple[str, ResolvedSet]] = []
    for rel, file_docs in docs.items():
        try:
            where = resolve_set(file_docs, expr, value, f"{directory}/{rel}")
        except GitopsPromoteError:
            continue
        if where.exists:
            found.append((rel, where))
    if len(found) == 1:
        return found[0]
    names = ", ".join(rel for rel, _ in found) if found else ", ".join(sorted(docs))
    what = "several files have that path" if found else "no file has that path yet"
    raise UsageError(
        f"--set {expr.text!r}: {directory}/ is a directory spec and {what}; prefix the path "
        f"with the file, one of: {names} (e.g. FILE:{expr.text})"
    )


# -- promote -----------------------------------------------------------------------------------


def rules_for_file(rules: RuleSet, rel: str) -> RuleSet:
    """The rules of one file of a directory spec: unqualified rules and those qualified with
    this file (``replicas.yml:Deployment:/spec/replicas``), the qualifier dropped. A rule for the
    file replaces an unqualified rule of the same path, as a config's rule replaces a preset's."""
    mine = {p: replace(p, file=None) for p in (*rules.overwrite, *rules.retain) if p.file == rel}
    if not any(p.file for p in (*rules.overwrite, *rules.retain)):
        return rules
    named = set(mine.values())
    origins = dict(rules.origins)
    origins.update({str(bare): rules.origins.get(str(p), "config") for p, bare in mine.items()})

    def pick(paths: Sequence[RulePath]) -> tuple[RulePath, ...]:
        return tuple(
            mine.get(p, p) for p in paths if p in mine or (p.file is None and p not in named)
        )

    return replace(
        rules, overwrite=pick(rules.overwrite), retain=pick(rules.retain), origins=origins
    )


def _describe(data: bytes) -> str:
    if not is_text(data):
        return f"<binary file, {len(data)} bytes>"
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return f"<file, {lines} lines>"


def _file_change(
    rel: str, source: bytes | None, target: bytes | None, envs: tuple[str, str]
) -> Change:
    src_env, tgt_env = envs
    path = f"{rel}:"
    if target is None:
        reason = (
            f"attention: file {rel} exists only in {src_env}: added to {tgt_env}; check it "
            "belongs there"
        )
        return Change(
            path,
            _describe(source or b""),
            MISSING,
            "attention",
            reason,
            True,
            _describe(source or b""),
            "files are paired by path in the directory",
        )
    if source is None:
        reason = (
            f"attention: file {rel} exists only in {tgt_env}: kept; remove it by hand if "
            f"{src_env} dropped it on purpose"
        )
        return Change(
            path,
            MISSING,
            _describe(target),
            "attention",
            reason,
            False,
            _describe(target),
            "files are paired by path in the directory",
        )
    reason = (
        f"attention: file {rel} is not YAML in both environments, so it is compared byte for "
        f"byte: it differs, and {tgt_env} keeps its own; copy it by hand if intended"
    )
    return Change(
        path,
        _describe(source),
        _describe(target),
        "attention",
        reason,
        False,
        _describe(target),
        "files that are not YAML are never copied",
    )


@dataclass(frozen=True)
class FolderPlan:
    """A directory spec's promotion: every difference (paths prefixed with the file) and the
    files the promote writes (relative name -> new bytes)."""

    plan: Plan
    writes: dict[str, bytes]


def plan_folder(
    ws: Workspace,
    directory: str,
    source: Files,
    target: Files,
    source_env: str,
    target_env: str,
) -> FolderPlan:
    """Pair the files of two directory specs by relative name and plan each pair."""
    changes: list[Change] = []
    writes: dict[str, bytes] = {}
    for rel in sorted(set(source) | set(target)):
        s, t = source.get(rel), target.get(rel)
        if s == t:
            continue
        if s is None or t is None or not is_yaml(rel, s, t):
            change = _file_change(rel, s, t, (source_env, target_env))
            changes.append(change)
            if t is None and s is not None:
                writes[rel] = s
            continue
        path = f"{directory}/{rel}"
        sdoc = parse_spec(s, path)
        tdoc = parse_spec(t, path)
        rules = rules_for_file(ws.config.rules_for(path, tdoc.documents()), rel)
        plan = plan_promotion(
            sdoc.documents(),
            tdoc.documents(),
            rules,
            source_env=source_env,
            target_env=target_env,
        )
        changes += [replace(c, path=f"{rel}:{c.path or '/'}") for c in plan.changes]
        if plan.has_writes:
            new = apply_plan(plan, sdoc, tdoc).to_bytes()
            if new != t:
                writes[rel] = new
    return FolderPlan(Plan(tuple(changes), []), writes)
