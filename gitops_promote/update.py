"""``update``: edit a spec in place (``--set PATH=VALUE``) and commit it as its next version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import messages
from .errors import NotFoundError
from .publish import Published, Publisher
from .setpath import parse_set, resolve_set
from .versioning import spec_versions, write_version
from .workspace import Workspace, parse_spec
from .yamldoc import Edit, parse_scalar


@dataclass(frozen=True)
class SetChange:
    path: str
    old: Any
    new: Any
    added: bool


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
    if not sets:
        raise NotFoundError("update needs at least one --set PATH=VALUE")
    spec = ws.spec(service, env)
    old_bytes = spec.require()
    ws.repo.safe_path(spec.path)
    doc = parse_spec(old_bytes, spec.path, ws.config)
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
    found = spec_versions(ws, spec)
    if new_bytes == old_bytes:
        return UpdateResult(service, env, spec.path, spec.branch, None, None, [], "", dry_run)
    next_label = f"v{found[-1].number + 1}"
    if dry_run:
        return UpdateResult(
            service, env, spec.path, spec.branch, next_label, None, changes, diff, True
        )
    msg = messages.update_message(env, service, [(c.path, c.old, c.new) for c in changes], message)
    written = write_version(
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
