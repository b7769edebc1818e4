"""``rollback``: a new version whose spec is byte for byte an old one (``--retain``: except the
paths the rules retain, which keep their current values)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import messages
from .apply import apply_plan
from .dirspec import files_diff, restore_changes
from .dirversions import version_files
from .history import Version, read_version
from .nextversion import write_version
from .plan import Change, plan_promotion
from .publish import Published, Publisher
from .rules import RuleSet
from .specdoc import parse_spec
from .specfiles import is_yaml
from .versioning import choose_version, spec_versions
from .workspace import SpecRef, Workspace


@dataclass(frozen=True)
class RollbackResult:
    service: str
    env: str
    path: str
    branch: str
    from_version: str
    to_version: str
    to_sha: str
    new_version: str | None
    commit: str | None
    diff: str
    nothing_to_do: bool = False  # the spec already has the content to restore
    dry_run: bool = False
    pushed: bool = False
    retained: list[Change] = field(default_factory=list)  # current values kept (--retain)
    published: Published | None = None


def keep_retained(
    ws: Workspace, old: bytes, current: bytes, path: str
) -> tuple[bytes, list[Change]]:
    """The old version, except the paths the rules retain, which keep their current values."""
    rules = ws.config.rules
    keep = RuleSet(
        overwrite=rules.retain,
        retain=(),
        env_vars=None,
        default="retain",
        multi_document=rules.multi_document,
        preset=rules.preset,
        origins=rules.origins,
    )
    old_doc = parse_spec(old, path, ws.config)
    cur_doc = parse_spec(current, path, ws.config)
    plan = plan_promotion(
        cur_doc.documents(),
        old_doc.documents(),
        keep,
        source_env="current",
        target_env="restored",
        fill_missing=False,  # what the old version lacks stays absent, unless it is retained
    )
    if not plan.has_writes:
        return old, []
    kept = [c for c in plan.changes if c.applied]
    return apply_plan(plan, cur_doc, old_doc).to_bytes(), kept


def rollback(
    ws: Workspace,
    service: str,
    env: str,
    to: str,
    *,
    retain: bool = False,
    dry_run: bool = False,
    message: str | None = None,
    publisher: Publisher | None = None,
    pr: bool = False,
) -> RollbackResult:
    """A new commit whose spec is byte for byte the content of version ``to``."""
    spec = ws.spec(service, env)
    found = spec_versions(ws, spec)
    current = found[-1]
    chosen = choose_version(ws, found, to)
    files: dict[str, bytes | None] | None = None
    if spec.directory:
        files, kept, diff = _restore_folder(ws, spec, chosen, retain)
        restored = b""
        unchanged = not files
    else:
        current_bytes = spec.require()
        ws.repo.safe_path(spec.path)
        restored = read_version(ws.repo, chosen)
        kept = []
        if retain:
            restored, kept = keep_retained(ws, restored, current_bytes, spec.path)
        diff = ws.repo.diff_text(current_bytes, restored, spec.path)
        unchanged = restored == current_bytes
    outcome = RollbackResult(
        service=service,
        env=env,
        path=spec.path,
        branch=spec.branch,
        from_version=current.label,
        to_version=chosen.label,
        to_sha=chosen.sha,
        new_version=None,
        commit=None,
        diff=diff,
        dry_run=dry_run,
        retained=kept,
    )
    if unchanged:
        return replace(outcome, diff="", nothing_to_do=True)
    new_label = f"v{current.number + 1}"
    if dry_run:
        return replace(outcome, new_version=new_label)
    msg = messages.rollback_message(
        env,
        service,
        current.label,
        chosen.label,
        chosen.sha,
        new_label,
        message,
        [c.path for c in kept],
    )
    written = write_version(
        ws,
        spec,
        "rollback",
        restored,
        msg,
        outcome.diff,
        new_label,
        publisher or Publisher(),
        pr,
        files,
    )
    return replace(
        outcome,
        new_version=written.version,
        commit=written.commit,
        pushed=written.pushed,
        published=written.published,
    )


def _restore_folder(
    ws: Workspace, spec: SpecRef, chosen: Version, retain: bool
) -> tuple[dict[str, bytes | None], list[Change], str]:
    """(relative name -> bytes to write or None to delete, kept retained paths, diff) that
    restore a directory spec to ``chosen``: files added since go, files removed since return;
    with ``retain``, YAML files on both sides keep their retained paths."""
    current = spec.require_files()
    for rel in current:
        ws.repo.safe_path(f"{spec.path}/{rel}")
    old = version_files(ws, spec, chosen)
    kept: list[Change] = []
    if retain:
        old = dict(old)
        for rel, data in old.items():
            now = current.get(rel)
            if now is None or now == data or not is_yaml(rel, data, now):
                continue
            old[rel], file_kept = keep_retained(ws, data, now, f"{spec.path}/{rel}")
            kept += [replace(c, path=f"{rel}:{c.path or '/'}") for c in file_kept]
    changes = restore_changes(current, old)
    return changes, kept, files_diff(ws.repo, spec.path, current, changes)
