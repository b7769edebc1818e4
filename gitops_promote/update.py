"""``update``: edit a spec in place (``--set PATH=VALUE``) and commit it as its next version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import messages
from .dirspec import files_diff, resolve_in_files
from .errors import NotFoundError
from .publish import Published, Publisher
from .setpath import parse_set, resolve_set, split_file
from .specfiles import is_yaml
from .versioning import spec_versions, write_version
from .workspace import SpecRef, Workspace, parse_spec
from .yamldoc import Edit, YamlDoc, parse_scalar


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
    if spec.directory:
        files, changes, diff = _edit_folder(ws, spec, sets)
        old_bytes = new_bytes = b""
        unchanged = not files
    else:
        files = None
        old_bytes = spec.require()
        ws.repo.safe_path(spec.path)
        doc = parse_spec(old_bytes, spec.path)
        docs = doc.documents()
        edits = []
        changes = []
        for text in sets:
            expr = parse_set(text)
            value = parse_scalar(expr.value_text)
            where = resolve_set(docs, expr, value, spec.path)
            if where.exists and where.old == value and type(where.old) is type(value):
                continue
            edits.append(Edit(path=where.path, doc=where.doc, value=where.value))
            changes.append(SetChange(where.report_path, where.old, value, not where.exists))
        new_bytes = doc.edit(edits).to_bytes() if edits else old_bytes
        unchanged = new_bytes == old_bytes
        diff = "" if unchanged else ws.repo.diff_text(old_bytes, new_bytes, spec.path)
    found = spec_versions(ws, spec)
    if unchanged:
        return UpdateResult(service, env, spec.path, spec.branch, None, None, [], "", dry_run)
    next_label = f"v{found[-1].number + 1}"
    if dry_run:
        return UpdateResult(
            service, env, spec.path, spec.branch, next_label, None, changes, diff, True
        )
    msg = messages.update_message(env, service, [(c.path, c.old, c.new) for c in changes], message)
    written = write_version(
        ws, spec, "update", new_bytes, msg, diff, next_label, publisher or Publisher(), pr, files
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


def _edit_folder(
    ws: Workspace, spec: SpecRef, sets: Sequence[str]
) -> tuple[dict[str, bytes | None], list[SetChange], str]:
    """``--set [FILE:]PATH=VALUE`` over the YAML files of a directory spec: (relative name ->
    new bytes of the files that change, the changes with FILE: report paths, their diff)."""
    current = spec.require_files()
    parsed: dict[str, YamlDoc] = {}
    docs: dict[str, list[Any]] = {}
    for rel, data in current.items():
        if is_yaml(rel, data):
            parsed[rel] = parse_spec(data, f"{spec.path}/{rel}")
            docs[rel] = parsed[rel].documents()
    edits: dict[str, list[Edit]] = {}
    changes: list[SetChange] = []
    for text in sets:
        file, rest = split_file(text, list(docs))
        expr = parse_set(rest)
        value = parse_scalar(expr.value_text)
        rel, where = resolve_in_files(docs, file, expr, value, spec.path)
        if where.exists and where.old == value and type(where.old) is type(value):
            continue
        edits.setdefault(rel, []).append(Edit(path=where.path, doc=where.doc, value=where.value))
        changes.append(SetChange(f"{rel}:{where.report_path}", where.old, value, not where.exists))
    out: dict[str, bytes | None] = {}
    for rel, file_edits in sorted(edits.items()):
        ws.repo.safe_path(f"{spec.path}/{rel}")
        new = parsed[rel].edit(file_edits).to_bytes()
        if new != current[rel]:
            out[rel] = new
    return out, changes, files_diff(ws.repo, spec.path, current, out)
