"""Terminal text: what a person reads after each command."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..data import Change
from ..prtext import service_counts
from ..publish import Published
from ..textfmt import plural, short, table, value_text

if TYPE_CHECKING:  # the use cases load git and YAML: types only, so --help stays fast
    from ..overview import Cell, CheckResult, Drift, StatusResult
    from ..promotion import PromotionResult
    from ..rollback import RollbackResult
    from ..update import UpdateResult
    from ..versioning import HistoryResult


def history_text(res: HistoryResult) -> str:
    rows = []
    for i, v in enumerate(res.versions):
        mark = "*" if i == 0 else " "
        rows.append(
            [
                f"{mark}{v.label}",
                v.kind,
                v.date[:19].replace("T", " "),
                v.author,
                short(v.sha),
                v.subject,
            ]
        )
    head = f"{res.service} in {res.env} ({res.path} on {res.branch}): {len(res.versions)} versions"
    return "\n".join([head, *table([" VERSION", "KIND", "DATE", "AUTHOR", "SHA", "MESSAGE"], rows)])


def update_text(res: UpdateResult) -> str:
    if not res.changed:
        return f"{res.env}/{res.service}: nothing to change ({res.path} already has these values)"
    lines = []
    if res.dry_run:
        lines.append(
            f"Would update {res.env}/{res.service} as {res.version} (dry run, nothing written):"
        )
    elif res.published is not None:
        lines.append(published_line(f"{res.env}/{res.service} update", res.published))
    else:
        pushed = ", pushed" if res.pushed else ""
        lines.append(
            f"Updated {res.env}/{res.service}: {res.version} (commit {short(res.commit)} on "
            f"{res.branch}{pushed})"
        )
    for c in res.changed:
        old = "(new)" if c.added else _set_value(c.old, c.type_change)
        new = "(removed)" if c.removed else _set_value(c.new, c.type_change)
        if c.type_change:
            new += f" ({c.type_change})"
        lines.append(f"  {c.path}: {old} -> {new}")
    if res.dry_run and res.diff:
        lines += ["", res.diff.rstrip("\n")]
    return "\n".join(lines)


def _set_value(value: object, type_change: str | None) -> str:
    """A value set by ``update``: a string that reads as a number, boolean or null (``"24"``),
    and every value of a type change, in JSON, so that ``"24"`` and ``24`` tell apart."""
    if type_change or (isinstance(value, str) and _reads_as_json(value)):
        return value_text(json.dumps(value, ensure_ascii=False), 60)
    return value_text(value, 60)


def _reads_as_json(text: str) -> bool:
    try:
        return not isinstance(json.loads(text), (str, dict, list))
    except ValueError:
        return False


def rollback_text(res: RollbackResult) -> str:
    who = f"{res.env}/{res.service}"
    if res.nothing_to_do:
        return (
            f"{who} is already at the content of {res.to_version} ({res.from_version}): "
            "nothing to roll back"
        )
    if res.dry_run:
        head = (
            f"Would roll back {who}: {res.from_version} -> {res.to_version} as "
            f"{res.new_version} (dry run, nothing written):"
        )
    elif res.published is not None:
        head = published_line(f"{who} rollback to {res.to_version}", res.published)
    else:
        pushed = ", pushed" if res.pushed else ""
        head = (
            f"Rolled back {who}: {res.from_version} -> {res.to_version} as {res.new_version} "
            f"(commit {short(res.commit)} on {res.branch}{pushed})"
        )
    lines = [head]
    for c in res.retained:
        lines.append(f"  kept current {c.path}: {value_text(c.source, 60)}")
    if res.dry_run and res.diff:
        lines += ["", res.diff.rstrip("\n")]
    return "\n".join(lines)


def published_line(what: str, pub: Published, *, with_body: bool = True) -> str:
    state = "unchanged" if pub.reused else "written"
    line = f"{what}: branch {pub.branch} {state} ({short(pub.commit)})"
    if pub.pushed:
        line += ", pushed"
    if pub.pr is not None:
        verb = "opened" if pub.pr.created else "updated"
        line += f"; pull request #{pub.pr.number} {verb}: {pub.pr.url}"
    elif with_body and pub.body:
        line += f"\n\n--- pull request ---\n{pub.title}\n\n{pub.body}"
    return line


_CATEGORY_LABEL = {"changed": "CHANGED", "retained": "RETAINED", "attention": "ATTENTION"}


def _change_row(c: Change, source_env: str, target_env: str) -> list[str]:
    if c.category == "retained":
        theirs = value_text(c.source, 50)
        what = f"{target_env} keeps {value_text(c.target, 50)} ({source_env}: {theirs})"
    elif c.applied:
        what = f"{value_text(c.target, 50)} -> {value_text(c.result, 50)}"
    else:
        what = f"kept {value_text(c.target, 50)} ({source_env}: {value_text(c.source, 50)})"
    return [_CATEGORY_LABEL[c.category], c.path or "/", what]


def promotion_text(res: PromotionResult) -> str:
    lines = []
    for sp in res.services:
        tv = sp.target_version.label if sp.target_version else "new"
        lines.append(
            f"{sp.service}: {res.source_env} {sp.source_version.label} -> {res.target_env} {tv} "
            f"({sp.target.path})"
        )
        if not sp.plan.changes:
            lines.append("  no differences")
        else:
            rows = [_change_row(c, res.source_env, res.target_env) for c in sp.plan.changes]
            lines += ["  " + r for r in table(["", "PATH", "WHAT HAPPENS"], rows)[1:]]
            for c in sp.plan.attention:
                lines.append(f"  ! {c.path or '/'}: {c.reason}")
        lines.append("")
    found = service_counts(res.services)
    lines.append(
        f"{found['changed']} changed, {found['retained']} retained, "
        f"{found['attention']} need attention"
    )
    if not res.writes:
        lines.append(f"Nothing to promote: {res.target_env} already matches {res.source_env}.")
        if res.closed is not None:
            lines.append(f"Closed the stale pull request #{res.closed.number}: {res.closed.url}")
    elif res.dry_run:
        lines.append(f"Dry run: would commit on {res.branch}; nothing written.")
    elif res.published is not None:
        lines.append(published_line("Promotion", res.published, with_body=False))
    return "\n".join(lines)


def cell_word(cell: Cell | None) -> str:
    """One environment of one service: version and image, or why there is none."""
    if cell is None:
        return "-"
    if cell.error:
        return f"{cell.version or '-'} (invalid spec)"
    return f"{cell.version or '-'} {cell.image or ''}".strip()


def drift_word(d: Drift) -> str:
    state = "error" if d.error else "in sync" if d.pending == 0 else f"{d.pending} pending"
    return f"{d.source}->{d.target}: {state}"


def status_text(res: StatusResult) -> str:
    rows = [
        [
            s.service,
            *(cell_word(s.envs.get(env)) for env in res.environments),
            "; ".join(drift_word(d) for d in s.drift) or "-",
        ]
        for s in res.services
    ]
    if not rows:
        return "no services found"
    return "\n".join(table(["SERVICE", *[e.upper() for e in res.environments], "DRIFT"], rows))


def check_text(res: CheckResult) -> str:
    if res.ok:
        return f"ok: {res.files_checked} spec files of {res.services} services, no problems"
    lines = [
        f"{p.file}:{p.line}: {p.message}" if p.line else f"{p.file}: {p.message}"
        for p in res.problems
    ]
    lines.append(f"{plural(len(res.problems), 'problem')} in {res.files_checked} spec files")
    return "\n".join(lines)
