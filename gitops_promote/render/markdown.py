"""Markdown job summaries (``$GITHUB_STEP_SUMMARY``) of each command's result; a promotion's is
its pull request body (:func:`.prbody.job_summary`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..textfmt import esc, md_path, md_value, plural, short
from .text import cell_word, drift_word

if TYPE_CHECKING:  # the use cases load git and YAML: types only, so --help stays fast
    from ..overview import CheckResult, StatusResult
    from ..rollback import RollbackResult
    from ..update import UpdateResult
    from ..versioning import HistoryResult


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
            f"{esc(v.subject)} |"
        )
    return "\n".join(lines) + "\n"


def update_md(res: UpdateResult) -> str:
    head = f"### Update `{res.service}` in {res.env}"
    if not res.changed:
        return f"{head}\n\nNothing to change.\n"
    state = "dry run" if res.dry_run else f"{res.version}, commit `{short(res.commit)}`"
    lines = [head, "", f"{state}", "", "| Path | Before | After |", "|---|---|---|"]
    lines += [
        f"| {md_path(c.path)} | {'*new*' if c.added else md_value(c.old)} | {md_value(c.new)} |"
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
        cells = [esc(cell_word(s.envs.get(env))) for env in res.environments]
        drift = esc("; ".join(drift_word(d) for d in s.drift) or "-")
        lines.append(f"| `{s.service}` | " + " | ".join(cells) + f" | {drift} |")
    return "\n".join(lines) + "\n"


def check_md(res: CheckResult) -> str:
    if res.ok:
        return f"### Check passed\n\n{res.files_checked} spec files, no problems.\n"
    found = plural(len(res.problems), "problem")
    lines = [f"### Check found {found}", "", "| File | Line | Problem |"]
    lines.append("|---|---|---|")
    lines += [f"| `{p.file}` | {p.line or ''} | {esc(p.message)} |" for p in res.problems]
    return "\n".join(lines) + "\n"
