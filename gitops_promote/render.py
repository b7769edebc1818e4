"""Renderings for people: terminal text and Markdown (PR bodies, job summaries).

Pure functions over result values; nothing here prints, reads files or calls git.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import prbody

if TYPE_CHECKING:
    from .overview import Cell, CheckResult, Drift, StatusResult
    from .plan import Change
    from .promotion import PromotionResult, ServicePromotion
    from .publish import Published
    from .versioning import HistoryResult, RollbackResult, UpdateResult

ABSENT = "(absent)"
CELL_LIMIT = 120


def value_text(value: Any, limit: int | None = None) -> str:
    """A value as one line: strings as they are written, everything else as compact JSON."""
    from .plan import MISSING

    if value is MISSING:
        return ABSENT
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", "\\n")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def short(sha: str | None) -> str:
    return sha[:7] if sha else "-"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers).rstrip()]
    lines += [fmt.format(*row).rstrip() for row in rows]
    return lines


# -- terminal text ----------------------------------------------------------------------------


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
    return "\n".join(
        [head, *_table([" VERSION", "KIND", "DATE", "AUTHOR", "SHA", "MESSAGE"], rows)]
    )


def update_text(res: UpdateResult) -> str:
    if not res.changed:
        return f"{res.env}/{res.service}: nothing to change ({res.path} already has these values)"
    lines = []
    if res.dry_run:
        lines.append(
            f"Would update {res.env}/{res.service} as {res.version} (dry run, nothing written):"
        )
    elif res.published is not None:
        lines.append(_published_line(f"{res.env}/{res.service} update", res.published))
    else:
        pushed = ", pushed" if res.pushed else ""
        lines.append(
            f"Updated {res.env}/{res.service}: {res.version} (commit {short(res.commit)} on "
            f"{res.branch}{pushed})"
        )
    for c in res.changed:
        old = "(new)" if c.added else value_text(c.old, 60)
        lines.append(f"  {c.path}: {old} -> {value_text(c.new, 60)}")
    if res.dry_run and res.diff:
        lines += ["", res.diff.rstrip("\n")]
    return "\n".join(lines)


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
        head = _published_line(f"{who} rollback to {res.to_version}", res.published)
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


def _published_line(what: str, pub: Published, *, with_body: bool = True) -> str:
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
            lines += ["  " + r for r in _table(["", "PATH", "WHAT HAPPENS"], rows)[1:]]
            for c in sp.plan.attention:
                lines.append(f"  ! {c.path or '/'}: {c.reason}")
        lines.append("")
    counts = _counts(res.services)
    lines.append(
        f"{counts['changed']} changed, {counts['retained']} retained, "
        f"{counts['attention']} need attention"
    )
    if not res.writes:
        lines.append(f"Nothing to promote: {res.target_env} already matches {res.source_env}.")
        if res.closed is not None:
            lines.append(f"Closed the stale pull request #{res.closed.number}: {res.closed.url}")
    elif res.dry_run:
        lines.append(f"Dry run: would commit on {res.branch}; nothing written.")
    elif res.published is not None:
        lines.append(_published_line("Promotion", res.published, with_body=False))
    return "\n".join(lines)


def _counts(services: Sequence[ServicePromotion]) -> dict[str, int]:
    out = {"changed": 0, "retained": 0, "attention": 0}
    for sp in services:
        for c in sp.plan.changes:
            out[c.category] += 1
    return out


def _cell_word(cell: Cell | None) -> str:
    """One environment of one service: version and image, or why there is none."""
    if cell is None:
        return "-"
    if cell.error:
        return f"{cell.version or '-'} (invalid spec)"
    return f"{cell.version or '-'} {cell.image or ''}".strip()


def _drift_word(d: Drift) -> str:
    state = "error" if d.error else "in sync" if d.pending == 0 else f"{d.pending} pending"
    return f"{d.source}->{d.target}: {state}"


def status_text(res: StatusResult) -> str:
    rows = [
        [
            s.service,
            *(_cell_word(s.envs.get(env)) for env in res.environments),
            "; ".join(_drift_word(d) for d in s.drift) or "-",
        ]
        for s in res.services
    ]
    if not rows:
        return "no services found"
    return "\n".join(_table(["SERVICE", *[e.upper() for e in res.environments], "DRIFT"], rows))


def check_text(res: CheckResult) -> str:
    if res.ok:
        return f"ok: {res.files_checked} spec files of {res.services} services, no problems"
    lines = [
        f"{p.file}:{p.line}: {p.message}" if p.line else f"{p.file}: {p.message}"
        for p in res.problems
    ]
    lines.append(f"{_plural(len(res.problems), 'problem')} in {res.files_checked} spec files")
    return "\n".join(lines)


# -- Markdown -----------------------------------------------------------------------------------


def _esc(text: str) -> str:
    """Escape a table cell's pipes."""
    return text.replace("|", "\\|")


def _md(value: Any) -> str:
    """A value in a Markdown table cell: inline code, pipes escaped, long values cut."""
    text = value_text(value, CELL_LIMIT)
    if text == ABSENT:
        return "*absent*"
    text = _esc(text).replace("`", "'")
    return f"`{text}`"


def _md_path(path: str) -> str:
    return f"`{_esc(path or '/')}`"


def pr_title(source_env: str, target_env: str, services: Sequence[ServicePromotion]) -> str:
    return prbody.title(source_env, target_env, services)


def pr_body(
    source_env: str, target_env: str, services: Sequence[ServicePromotion], branch: str
) -> str:
    """The pull request body (:mod:`gitops_promote.prbody`)."""
    return prbody.body(source_env, target_env, services, branch)


def promotion_md(res: PromotionResult, command: str) -> str:
    """The job summary of ``diff`` or ``promote``: the PR body, headed by what was written."""
    return prbody.job_summary(res, command)


def diff_pr_body(message: str, diff: str, path: str) -> str:
    """Body of an update/rollback pull request: the commit message and the file's diff."""
    subject, _, rest = message.partition("\n")
    lines = [f"## {subject}", ""]
    body = "\n".join(
        line for line in rest.strip().splitlines() if not line.startswith("Gitops-Promote-")
    ).strip()
    if body:
        lines += [body, ""]
    lines += [f"Changes to `{path}`:", "", "```diff", diff.rstrip("\n"), "```", ""]
    return "\n".join(lines)


def history_md(res: HistoryResult) -> str:
    lines = [
        f"### History of `{res.service}` in {res.env}",
        "",
        "| Version | Kind | Date | Author | Commit | Message |",
        "|---|---|---|---|---|---|",
    ]
    for v in res.versions:
        lines.append(
            f"| {v.label} | {v.kind} | {v.date} | {v.author} | `{short(v.sha)}` | "
            f"{_esc(v.subject)} |"
        )
    return "\n".join(lines) + "\n"


def update_md(res: UpdateResult) -> str:
    head = f"### Update `{res.service}` in {res.env}"
    if not res.changed:
        return f"{head}\n\nNothing to change.\n"
    state = "dry run" if res.dry_run else f"{res.version}, commit `{short(res.commit)}`"
    lines = [head, "", f"{state}", "", "| Path | Before | After |", "|---|---|---|"]
    lines += [
        f"| {_md_path(c.path)} | {'*new*' if c.added else _md(c.old)} | {_md(c.new)} |"
        for c in res.changed
    ]
    return "\n".join(lines) + "\n"


def rollback_md(res: RollbackResult) -> str:
    head = f"### Roll back `{res.service}` in {res.env}"
    if res.nothing_to_do:
        return f"{head}\n\nAlready at the content of {res.to_version}: nothing to roll back.\n"
    state = "dry run" if res.dry_run else f"commit `{short(res.commit)}`"
    lines = [
        head,
        "",
        f"**{res.from_version} → {res.to_version}** as **{res.new_version}** ({state})",
        "",
        "```diff",
        res.diff.rstrip("\n"),
        "```",
    ]
    return "\n".join(lines) + "\n"


def status_md(res: StatusResult) -> str:
    head = ["Service", *res.environments, "Drift"]
    lines = ["### Status", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in res.services:
        cells = [_esc(_cell_word(s.envs.get(env))) for env in res.environments]
        drift = _esc("; ".join(_drift_word(d) for d in s.drift) or "-")
        lines.append(f"| `{s.service}` | " + " | ".join(cells) + f" | {drift} |")
    return "\n".join(lines) + "\n"


def check_md(res: CheckResult) -> str:
    if res.ok:
        return f"### Check passed\n\n{res.files_checked} spec files, no problems.\n"
    found = _plural(len(res.problems), "problem")
    lines = [f"### Check found {found}", "", "| File | Line | Problem |"]
    lines.append("|---|---|---|")
    lines += [f"| `{p.file}` | {p.line or ''} | {_esc(p.message)} |" for p in res.problems]
    return "\n".join(lines) + "\n"
