"""The text of the pull requests the tool opens: title and body of a promotion (every difference
and what happens to it), and the body of an update or rollback pull request (message and diff).

Part of what a promotion or a new version produces, so the use cases compose it; the renderings
for people's terminals and job summaries live in :mod:`gitops_promote.render`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from .plan import Change, Plan
from .textfmt import counts, esc, md_path, md_value, short
from .workspace import SpecRef

if TYPE_CHECKING:  # history loads GitPython: the type only, so --help stays fast
    from .history import Version


class PromotedService(Protocol):
    """One service of a promotion, as its pull request shows it."""

    @property
    def service(self) -> str: ...
    @property
    def target(self) -> SpecRef: ...
    @property
    def source_version(self) -> Version: ...
    @property
    def target_version(self) -> Version | None: ...
    @property
    def plan(self) -> Plan: ...
    @property
    def writes(self) -> bool: ...


def service_counts(services: Sequence[PromotedService]) -> dict[str, int]:
    return counts(c.category for sp in services for c in sp.plan.changes)


def pr_title(source_env: str, target_env: str, services: Sequence[PromotedService]) -> str:
    if len(services) == 1:
        sp = services[0]
        return f"Promote {sp.service} from {source_env} ({sp.source_version.label}) to {target_env}"
    names = ", ".join(sp.service for sp in services)
    return f"Promote {names} from {source_env} to {target_env}"


def pr_body(
    source_env: str, target_env: str, services: Sequence[PromotedService], branch: str
) -> str:
    """The pull request body: every difference and what happens to it."""
    found = service_counts(services)
    names = " ".join(sp.service for sp in services)
    out = [
        f"<!-- gitops-promote: {source_env}->{target_env} {names} -->",
        f"## Promote {', '.join(f'`{sp.service}`' for sp in services)} "
        f"from {source_env} to {target_env}",
        "",
        f"**{found['changed']} changed · {found['retained']} retained · "
        f"{found['attention']} need attention**",
        "",
    ]
    for sp in services:
        out += _service_md(sp, source_env, target_env, heading=len(services) > 1)
    out += [
        "### Reproduce or roll back",
        "",
        "```sh",
        f"gitops-promote diff {names} --from {source_env} --to {target_env}",
        "```",
        "",
    ]
    rollbacks = [
        f"gitops-promote rollback {sp.service} --env {target_env} --to {sp.target_version.label}"
        for sp in services
        if sp.target_version is not None and sp.writes
    ]
    if rollbacks:
        out += ["After merging, to return to what runs in " + target_env + " today:", "", "```sh"]
        out += rollbacks
        out += ["```", ""]
    out.append(f"<sub>Branch `{branch}`, written by gitops-promote.</sub>")
    return "\n".join(out) + "\n"


def _service_md(
    sp: PromotedService, source_env: str, target_env: str, *, heading: bool
) -> list[str]:
    tv = sp.target_version
    src = f"{source_env} {sp.source_version.label} (`{short(sp.source_version.sha)}`)"
    dst = f"{target_env} {tv.label} (`{short(tv.sha)}`)" if tv else f"{target_env}: new service"
    out = [f"### `{sp.service}`", ""] if heading else []
    if sp.target.directory:
        out += [f"From {src} to {dst}, directory `{sp.target.path}/`.", ""]
    else:
        out += [f"From {src} to {dst}, file `{sp.target.path}`.", ""]
    if not sp.plan.changes:
        return [*out, "No differences.", ""]
    h = "####" if heading else "###"
    if not sp.target.directory:
        return out + _tables(sp.plan, h, source_env, target_env)
    for file, plan in by_file(sp.plan):
        out += [f"{h} `{file}`", "", *_tables(plan, h + "#", source_env, target_env)]
    return out


def by_file(plan: Plan) -> list[tuple[str, Plan]]:
    """A directory spec's differences grouped by file, in file order: the file is the report
    path's prefix up to its first ``:`` (``version.yml:/spec/...``)."""
    groups: dict[str, list[Change]] = {}
    for c in plan.changes:
        groups.setdefault(c.path.partition(":")[0], []).append(c)
    return [(f, Plan(tuple(cs), [])) for f, cs in sorted(groups.items())]


def _tables(plan: Plan, h: str, source_env: str, target_env: str) -> list[str]:
    """The changed, retained and needs-attention tables of (part of) a plan."""
    out: list[str] = []
    changed = plan.changed
    retained = plan.retained
    attention = plan.attention
    if changed:
        out += [
            f"{h} Changed ({len(changed)}): taken from {source_env}",
            "",
            f"| Path | {target_env} now | after promote | Rule |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {md_path(c.path)} | {md_value(c.target)} | {md_value(c.result)} | {esc(c.rule)} |"
            for c in changed
        ]
        out.append("")
    if retained:
        out += [
            f"{h} Retained ({len(retained)}): {target_env} keeps its value",
            "",
            f"| Path | {target_env} keeps | {source_env} has | Rule |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {md_path(c.path)} | {md_value(c.target)} | {md_value(c.source)} | {esc(c.rule)} |"
            for c in retained
        ]
        out.append("")
    if attention:
        out += [
            f"{h} ⚠️ Needs attention ({len(attention)})",
            "",
            f"| Path | {target_env} before | after promote | {source_env} has | Why |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {md_path(c.path)} | {md_value(c.target)} | {md_value(c.result)} | "
            f"{md_value(c.source)} | {esc(c.reason)} |"
            for c in attention
        ]
        out.append("")
    return out


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
