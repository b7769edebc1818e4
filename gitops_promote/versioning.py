"""Versions of a spec: history, show, update (a new version) and rollback (a new version restoring
an old one byte for byte). Core code: no click, no GitHub; git through the workspace's repo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import messages
from .errors import NotFoundError
from .publish import BranchCommit, Published, Publisher, pr_fields, publish_branch
from .setpath import parse_set, resolve_set
from .workspace import SpecRef, Workspace, parse_spec

if TYPE_CHECKING:
    from .history import Version
    from .plan import Change


def _versions(ws: Workspace, spec: SpecRef) -> list[Version]:
    from .history import versions

    spec.require()
    found = versions(ws.repo, spec.path, spec.commit)
    if not found:
        raise NotFoundError(f"{spec.path} has no history on branch {spec.branch}")
    return found


def version_json(v: Version) -> dict[str, Any]:
    return {
        "version": v.label,
        "sha": v.sha,
        "date": v.date,
        "author": v.author,
        "message": v.subject,
        "kind": v.kind,
    }


# -- history / show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryResult:
    service: str
    env: str
    path: str
    branch: str
    versions: list[Version]  # newest first

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "env": self.env,
            "versions": [version_json(v) for v in self.versions],
        }


def history(ws: Workspace, service: str, env: str) -> HistoryResult:
    spec = ws.spec(service, env)
    found = _versions(ws, spec)
    return HistoryResult(service, env, spec.path, spec.branch, list(reversed(found)))


@dataclass(frozen=True)
class ShowResult:
    service: str
    env: str
    version: Version
    content: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "env": self.env,
            **version_json(self.version),
            "path": self.version.path,
            "content": self.content.decode("utf-8", errors="replace"),
        }


def show(ws: Workspace, service: str, env: str, version: str | None) -> ShowResult:
    from .history import read_version, resolve_version

    spec = ws.spec(service, env)
    found = _versions(ws, spec)
    chosen = resolve_version(found, version) if version else found[-1]
    return ShowResult(service, env, chosen, read_version(ws.repo, chosen))


# -- update -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetChange:
    path: str
    old: Any
    new: Any
    added: bool

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new, "added": self.added}


@dataclass(frozen=True)
class UpdateResult:
    service: str
    env: str
    path: str
    branch: str
    version: str | None
    commit: str | None
    changed: list[SetChange]
    diff: str
    dry_run: bool = False
    pushed: bool = False
    published: Published | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "env": self.env,
            "version": self.version,
            "commit": self.commit,
            "changed": [c.to_json() for c in self.changed],
            **pr_fields(self.published),
        }


@dataclass(frozen=True)
class _Written:
    version: str
    commit: str
    pushed: bool
    published: Published | None


def _write_version(
    ws: Workspace,
    spec: SpecRef,
    kind: str,
    content: bytes,
    message: str,
    diff: str,
    next_label: str,
    publisher: Publisher,
    pr: bool,
) -> _Written:
    """Commit ``content`` as the spec's next version on its base branch, or (``pr``) on branch
    ``gitops-promote/<kind>/<env>/<service>`` with a pull request showing ``diff``."""
    if pr:
        from .render import diff_pr_body

        published = publish_branch(
            ws.repo,
            f"gitops-promote/{kind}/{spec.env.name}/{spec.service}",
            spec.branch,
            spec.commit,
            [BranchCommit({spec.path: content}, message)],
            message.splitlines()[0],
            diff_pr_body(message, diff, spec.path),
            publisher,
        )
        return _Written(next_label, published.commit, published.pushed, published)
    result = ws.repo.commit_files(
        spec.branch,
        {spec.path: content},
        message,
        expected_tip=spec.commit,
        push=publisher.push,
        auth=publisher.auth,
    )
    # The next number even after a rebase onto upstream commits: those never touch this spec
    # (that would have been a conflict), so they are not versions of it.
    return _Written(next_label, result.sha, result.pushed, None)


def update(
    ws: Workspace,
    service: str,
    env: str,
    sets: Sequence[str],
    *,
    dry_run: bool = False,
    message: str | None = None,
    publisher: Publisher | None = None,
    pr: bool = False,
) -> UpdateResult:
    """Apply ``PATH=VALUE`` edits to a spec in place and commit them as a new version."""
    from .yamldoc import Edit, parse_scalar

    if not sets:
        raise NotFoundError("update needs at least one --set PATH=VALUE")
    spec = ws.spec(service, env)
    old_bytes = spec.require()
    ws.repo.safe_path(spec.path)
    doc = parse_spec(old_bytes, spec.path)
    docs = doc.documents()
    edits = []
    changes: list[SetChange] = []
    for text in sets:
        expr = parse_set(text)
        value = parse_scalar(expr.value_text)
        where = resolve_set(docs, expr, value, spec.path)
        if where.exists and where.old == value and type(where.old) is type(value):
            continue
        edits.append(Edit(path=where.path, doc=where.doc, value=where.value))
        changes.append(SetChange(where.report_path, where.old, value, not where.exists))
    new_bytes = doc.edit(edits).to_bytes() if edits else old_bytes
    diff = ws.repo.diff_text(old_bytes, new_bytes, spec.path) if new_bytes != old_bytes else ""
    found = _versions(ws, spec)
    if new_bytes == old_bytes:
        return UpdateResult(service, env, spec.path, spec.branch, None, None, [], "", dry_run)
    next_label = f"v{found[-1].number + 1}"
    if dry_run:
        return UpdateResult(
            service, env, spec.path, spec.branch, next_label, None, changes, diff, True
        )
    msg = messages.update_message(env, service, [(c.path, c.old, c.new) for c in changes], message)
    written = _write_version(
        ws, spec, "update", new_bytes, msg, diff, next_label, publisher or Publisher(), pr
    )
    return UpdateResult(
        service,
        env,
        spec.path,
        spec.branch,
        written.version,
        written.commit,
        changes,
        diff,
        pushed=written.pushed,
        published=written.published,
    )


# -- rollback ---------------------------------------------------------------------------------


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
    nothing_to_do: bool = False
    dry_run: bool = False
    pushed: bool = False
    retained: list[Change] = field(default_factory=list)
    published: Published | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "env": self.env,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "new_version": self.new_version,
            "commit": self.commit,
            "retained": [c.to_json() for c in self.retained],
            **pr_fields(self.published),
        }


def _keep_retained(
    ws: Workspace, old: bytes, current: bytes, path: str
) -> tuple[bytes, list[Change]]:
    """The old version, except the paths the rules retain, which keep their current values."""
    from .apply import apply_plan
    from .plan import plan_promotion
    from .rules import RuleSet

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
    old_doc = parse_spec(old, path)
    cur_doc = parse_spec(current, path)
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
    from .history import read_version, resolve_version

    spec = ws.spec(service, env)
    current_bytes = spec.require()
    ws.repo.safe_path(spec.path)
    found = _versions(ws, spec)
    current = found[-1]
    chosen = resolve_version(found, to)
    restored = read_version(ws.repo, chosen)
    kept: list[Change] = []
    if retain:
        restored, kept = _keep_retained(ws, restored, current_bytes, spec.path)
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
        diff=ws.repo.diff_text(current_bytes, restored, spec.path),
        dry_run=dry_run,
        retained=kept,
    )
    if restored == current_bytes:
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
    written = _write_version(
        ws, spec, "rollback", restored, msg, outcome.diff, new_label, publisher or Publisher(), pr
    )
    return replace(
        outcome,
        new_version=written.version,
        commit=written.commit,
        pushed=written.pushed,
        published=written.published,
    )
