"""``update``: edit a spec in place (``--set PATH=VALUE``, ``--set-string PATH=VALUE`` or an
RFC 6902 JSON Patch) and commit it as its next version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import messages
from .data import type_class
from .dirspec import files_diff, resolve_in_files
from .errors import GitopsPromoteError, NotFoundError, UsageError
from .nextversion import write_version
from .patching import apply_patch, edits_for, sources
from .pointer import join
from .publish import Published, Publisher
from .setpath import parse_set, resolve_set, split_file
from .specdoc import parse_spec
from .specfiles import is_yaml
from .versioning import spec_versions
from .workspace import SpecRef, Workspace
from .yamldoc import parse_scalar
from .yamldoc.doc import Edit, YamlDoc
from .yamldoc.expect import apply_plain
from .yamldoc.plain import same


@dataclass(frozen=True)
class SetChange:
    path: str
    old: Any
    new: Any
    added: bool
    removed: bool = False

    @property
    def type_change(self) -> str | None:
        """``string -> number`` when the value changes type, else ``None``."""
        if self.added or self.removed:
            return None
        old, new = type_class(self.old), type_class(self.new)
        return None if old == new else f"{old} -> {new}"


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
    sets: Sequence[str] = (),
    *,
    set_strings: Sequence[str] = (),
    patch: list[dict[str, Any]] | None = None,
    create: bool = False,
    dry_run: bool = False,
    message: str | None = None,
    publisher: Publisher | None = None,
    pr: bool = False,
) -> UpdateResult:
    """Apply ``PATH=VALUE`` edits (or a JSON Patch) to a spec in place and commit them as a
    new version. ``create``: a path that does not exist yet is created instead of refused."""
    if patch is not None and (sets or set_strings):
        raise UsageError("update takes --set/--set-string or --patch, not both")
    if patch is None and not sets and not set_strings:
        raise NotFoundError("update needs at least one --set PATH=VALUE (or --patch FILE)")
    spec = ws.spec(service, env)
    files: dict[str, bytes | None] | None = None
    if spec.directory:
        if patch is not None:
            raise UsageError(
                f"{spec.path}/ is a directory spec: --patch edits one file; use "
                "--set FILE:PATH=VALUE"
            )
        files, changes, diff = _edit_folder(ws, spec, sets, set_strings, create)
        old_bytes = new_bytes = b""
        unchanged = not files
    else:
        old_bytes = spec.require()
        ws.repo.safe_path(spec.path)
        doc = parse_spec(old_bytes, spec.path, ws.config)
        if patch is not None:
            edited, changes = _patched(doc, patch, spec.path)
        else:
            edited, changes = apply_sets(doc, sets, set_strings, spec.path, create=create)
        new_bytes = edited.to_bytes()
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


def apply_sets(
    doc: YamlDoc,
    sets: Sequence[str],
    set_strings: Sequence[str] = (),
    file: str = "<spec>",
    *,
    create: bool = False,
) -> tuple[YamlDoc, list[SetChange]]:
    """``doc`` with ``--set`` and ``--set-string`` expressions applied (pure: no git)."""
    docs = doc.documents()
    edits = []
    changes: list[SetChange] = []
    exprs = [parse_set(t) for t in sets] + [parse_set(t, string=True) for t in set_strings]
    for expr in exprs:
        value = None if expr.string else parse_scalar(expr.value_text)
        where = resolve_set(docs, expr, value, file, create=create)
        if where.exists and same(where.old, where.new):
            continue
        edit = Edit(path=where.path, doc=where.doc, value=where.value)
        apply_plain(docs, edit, file)  # a later --set sees what an earlier one wrote
        edits.append(edit)
        changes.append(SetChange(where.report_path, where.old, where.new, not where.exists))
    return doc.edit(edits), changes


def _patched(
    doc: YamlDoc, patch: list[dict[str, Any]], file: str
) -> tuple[YamlDoc, list[SetChange]]:
    docs = doc.documents()
    result = apply_patch(docs, patch, file)
    edits = edits_for(docs, result, doc, sources(docs, patch))
    edited = doc.edit(edits)
    if not edited.holds(result):
        raise GitopsPromoteError(
            "internal error: the edited file would not contain the patched values; "
            "nothing was written",
            file=file,
        )
    changes = []
    for e in edits:
        at = e.path
        if isinstance(e.after, int) and not e.delete:  # an item inserted after another
            at = (*e.path[:-1], e.after + 1)
        where = at if len(docs) == 1 else (e.doc, *at)
        exists = doc.exists(e.doc, e.path)
        old = doc.get(e.doc, e.path) if exists else None
        new = None if e.delete else e.value
        changes.append(SetChange(join(list(where)), old, new, not exists, e.delete))
    return edited, changes


def _edit_folder(
    ws: Workspace,
    spec: SpecRef,
    sets: Sequence[str],
    set_strings: Sequence[str],
    create: bool,
) -> tuple[dict[str, bytes | None], list[SetChange], str]:
    """``--set [FILE:]PATH=VALUE`` over the YAML files of a directory spec: (relative name ->
    new bytes of the files that change, the changes with FILE: report paths, their diff)."""
    current = spec.require_files()
    parsed = {
        rel: parse_spec(data, f"{spec.path}/{rel}")
        for rel, data in current.items()
        if is_yaml(rel, data)
    }
    docs = {rel: doc.documents() for rel, doc in parsed.items()}
    per_file: dict[str, tuple[list[str], list[str]]] = {}
    for text, string in [(t, False) for t in sets] + [(t, True) for t in set_strings]:
        file, rest = split_file(text, list(docs))
        if file is None:
            expr = parse_set(rest, string=string)
            file, _ = resolve_in_files(docs, None, expr, None, spec.path)
        per_file.setdefault(file, ([], []))[1 if string else 0].append(rest)
    out: dict[str, bytes | None] = {}
    changes: list[SetChange] = []
    for rel, (plain, strings) in sorted(per_file.items()):
        path = f"{spec.path}/{rel}"
        ws.repo.safe_path(path)
        edited, file_changes = apply_sets(parsed[rel], plain, strings, path, create=create)
        changes += [replace(c, path=f"{rel}:{c.path}") for c in file_changes]
        new = edited.to_bytes()
        if new != current[rel]:
            out[rel] = new
    return out, changes, files_diff(ws.repo, spec.path, current, out)
