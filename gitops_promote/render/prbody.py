"""The promotion pull request as a reviewer reads it: title, body and job summary.

Pure: promotion results in, GitHub-flavoured Markdown out. The body puts first what a prod
reviewer needs in ten seconds (one summary line, then what needs them as a task list), then every
change as ``before → after`` showing the part that differs, then what the target keeps, folded.
It must read on a 420 px phone: no wide tables, Kubernetes paths grouped under their document
and container, long values cut only where both sides are the same (:mod:`.prvalues`).

Rendered by the outer layer (the CLI) from the result of planning a promotion; the promotion use
case takes the title and body it publishes and knows nothing of this module.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..data import MISSING, Change
from ..textfmt import esc
from .prvalues import (
    ARROW,
    WARN,
    Where,
    as_text,
    cell,
    code,
    compare_versions,
    elide_pair,
    escape,
    fence,
    find_version,
    folded,
    image_of,
    indent,
    inline,
    kept_summary,
    names_env,
    needs_block,
    pair_lines,
    two_sides,
    value_lines,
    version_of,
    where,
)

if TYPE_CHECKING:  # the use case loads git and YAML: types only
    from ..holds import Hold
    from ..overrides import Override
    from ..promotion import PromotionResult, ServicePromotion

#: Services named in a title before "+N more".
TITLE_SERVICES = 2


# --------------------------------------------------------------------------- what to flag


def flags(c: Change, source_env: str, target_env: str) -> list[str]:
    """Sentences for what a reviewer must see beyond the plan's own category: a downgrade,
    the same tag with a different digest, a copied value that names the source environment."""
    out: list[str] = []
    if not c.applied or c.result is MISSING:
        return out
    old_image, new_image = image_of(c.path, c.target), image_of(c.path, c.result)
    old_v, new_v = version_of(c.path, c.target), version_of(c.path, c.result)
    if old_v is not None and new_v is not None and compare_versions(new_v, old_v) == -1:
        out.append(
            f"Downgrade: {escape(target_env)} runs {code(old_v)}, this ships the older "
            f"{code(new_v)}."
        )
    if (
        old_image is not None
        and new_image is not None
        and old_image.tag == new_image.tag
        and old_image.digest != new_image.digest
        and old_image.digest is not None
        and new_image.digest is not None
    ):
        tag = code(new_image.tag) if new_image.tag is not None else "untagged"
        out.append(f"Same tag {tag}, different digest: what runs under that tag changes.")
    if names_env(c.result, source_env) and not names_env(c.target, source_env):
        inner = _paths_naming(c.result, source_env, "")
        if isinstance(c.result, dict | list) and inner:
            where_ = ", ".join(code(p) for p in inner)
            out.append(
                f"Values naming {escape(source_env)}, check them for {escape(target_env)}: "
                f"{where_}."
            )
        else:
            out.append(
                f"The value names {escape(source_env)}: check it is right for {escape(target_env)}."
            )
    return out


def _paths_naming(value: Any, env: str, path: str) -> list[str]:
    """The paths inside ``value`` whose strings name ``env``."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths_naming(v, env, f"{path}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths_naming(v, env, f"{path}/{i}")]
    return [path or "/"] if names_env(value, env) else []


def _why(reason: str) -> str:
    """A plan reason as a sentence: the category prefix and the rule in parentheses dropped."""
    text = re.sub(r"^(attention|changed|retained):\s*", "", reason)
    text = re.sub(r"\s*\((?:overwrite|retain|default|env vars|preset)\b[^()]*\)$", "", text)
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass(frozen=True)
class Attention:
    change: Change
    sentences: tuple[str, ...]  # escaped Markdown


@dataclass(frozen=True)
class Review:
    """One service's changes as the body sorts them."""

    sp: ServicePromotion
    attention: tuple[Attention, ...]
    changed: tuple[Change, ...]
    kept: tuple[Change, ...]
    before: str | None  # the version the target runs, when the promote changes it
    after: str | None  # the version it ships

    @property
    def new(self) -> bool:
        return self.sp.target_version is None


def review(sp: ServicePromotion, source_env: str, target_env: str) -> Review:
    attention: list[Attention] = []
    changed: list[Change] = []
    for c in sp.plan.changes:
        extra = flags(c, source_env, target_env)
        if c.category == "attention":
            attention.append(Attention(c, (escape(_why(c.reason)), *extra)))
        elif c.category == "changed" and extra:
            attention.append(Attention(c, tuple(extra)))
        elif c.category == "changed":
            changed.append(c)
    before = after = None
    if sp.target_version is None:
        after = find_version(sp.plan.result[0] if len(sp.plan.result) == 1 else sp.plan.result)
    else:
        for c in sp.plan.changes:
            if not c.applied:
                continue
            old, new = version_of(c.path, c.target), version_of(c.path, c.result)
            if new is not None and old != new:
                before, after = old, new
                break
            if new is not None and c.target != c.result and isinstance(c.result, str):
                after = f"{new} (new digest)"  # same tag, another image
                break
    return Review(sp, tuple(attention), tuple(changed), sp.plan.retained, before, after)


def ships(r: Review) -> str:
    """What ships, in words for a title or a table: ``1.5.0 → 1.6.1``, ``new 1.6.1``."""
    if r.new:
        return f"new {r.after}" if r.after else "new service"
    if r.after is None:
        return "config only" if r.sp.writes else "nothing"
    return f"{r.before}{ARROW}{r.after}" if r.before else r.after


# --------------------------------------------------------------------------- title


def title(source_env: str, target_env: str, services: Sequence[ServicePromotion]) -> str:
    """``Promote inference to prod: 1.5.0 → 1.6.1 (⚠️ 2)``; for several services the ones
    that change and "+N more"."""
    reviews = [review(sp, source_env, target_env) for sp in services]
    warn = sum(len(r.attention) for r in reviews)
    tail = f" ({WARN} {warn})" if warn else ""
    if len(reviews) == 1:
        r = reviews[0]
        if not r.sp.writes:
            what = "nothing to change"
        elif r.after is None and not r.new:
            what = f"config from {source_env} {r.sp.source_version.label}"
        else:
            what = ships(r)
        return f"Promote {r.sp.service} to {target_env}: {what}{tail}"
    moving = [r for r in reviews if r.sp.writes]
    if not moving:
        return f"Promote {len(reviews)} services to {target_env}: nothing to change"
    named = [
        f"{r.sp.service} {ships(r)}" if r.after or r.new else r.sp.service
        for r in moving[:TITLE_SERVICES]
    ]
    more = len(moving) - len(named)
    listed = ", ".join(named) + (f", +{more} more" if more else "")
    return f"Promote to {target_env}: {listed}{tail}"


# --------------------------------------------------------------------------- body


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _short(sha: str | None) -> str:
    return code(sha[:7]) if sha else "-"


def _counts(reviews: Sequence[Review]) -> str:
    warn = sum(len(r.attention) for r in reviews)
    changed = sum(len(r.changed) for r in reviews)
    kept = sum(len(r.kept) for r in reviews)
    head = f"{WARN} {warn} need{'s' if warn == 1 else ''} attention · " if warn else ""
    return f"**{head}{changed} changed · {kept} kept**"


def _service_counts(r: Review) -> str:
    """``⚠️ 1 · 3 changed · 10 kept`` (plain text, safe in a table cell and in HTML)."""
    counts = f"{len(r.changed)} changed · {len(r.kept)} kept"
    return f"{WARN} {len(r.attention)} · {counts}" if r.attention else counts


def _from_to(r: Review, source_env: str, target_env: str) -> str:
    sp = r.sp
    src = f"{escape(source_env)} {sp.source_version.label} {_short(sp.source_version.sha)}"
    tv = sp.target_version
    dst = (
        f"{escape(target_env)} {tv.label} {_short(tv.sha)}"
        if tv
        else f"{escape(target_env)} (new service)"
    )
    return f"{src}{ARROW}{dst} · {code(sp.target.path)}"


def _attention_item(
    a: Attention, r: Review, target_env: str, source_env: str, *, service: bool
) -> list[str]:
    """One task: what happens and why, then the value; no blank line inside (a tight list)."""
    c = a.change
    who = f"{code(r.sp.service)} · " if service else ""
    if c.path == "" and r.new:
        new = f"**{escape(r.sp.service)} is new in {escape(target_env)}**"
        return [f"- [ ] {who}{new}: " + " ".join(a.sentences) + " Its whole spec is below."]
    loc = where(c.path)
    place = f" in {loc.heading}" if loc.group else ""
    head = f"- [ ] {who}**{code(loc.rest)}**{place}: " + " ".join(a.sentences)
    if c.applied:
        labels = (f"{target_env} now", "after")
        first, more = pair_lines(c.target, c.result, c.path, labels, fold=False)
        more = [first] if first else more
    elif needs_block(c.target) or needs_block(c.source):
        more = two_sides(
            value_lines(f"{target_env} keeps", c.target, fold=False),
            value_lines(f"{source_env} has", c.source, fold=False),
        )
    else:
        keeps, has = _one(c.target), _one(c.source)
        more = [f"{escape(target_env)} keeps {keeps}; {escape(source_env)} has {has}"]
    return [head + "\\", *indent(more)]


def _new_specs(reviews: Sequence[Review], source_env: str) -> list[str]:
    """The whole spec of each new service, folded, as YAML."""
    out: list[str] = []
    for r in reviews:
        if r.new:
            spec = r.sp.new_bytes.decode("utf-8", errors="replace")
            lines = len(spec.splitlines())
            out += folded(
                f"The whole spec of <b>{html.escape(r.sp.service)}</b>, from "
                f"{html.escape(source_env)} ({lines} lines)",
                fence(spec, "yaml"),
            )
    return out


def _one(value: Any) -> str:
    return "*absent*" if value is MISSING else inline(as_text(value))


def _grouped(changes: Sequence[Change], item: Callable[[Change, str], list[str]]) -> list[str]:
    """A list of changes under headings for their file, document and container."""
    groups: dict[tuple[str, ...], tuple[Where, list[Change]]] = {}
    for c in changes:
        w = where(c.path)
        groups.setdefault(w.group, (w, []))[1].append(c)
    out: list[str] = []
    for w, items in groups.values():
        if w.group:
            out += [f"**{w.heading}**", ""]
        for c in items:
            out += item(c, code(where(c.path).rest))
        out.append("")
    return out


def _change_item(c: Change, rest: str, target_env: str) -> list[str]:
    first, more = pair_lines(c.target, c.result, c.path, (f"{target_env} now", "after"))
    if more:
        return [f"- {rest}:\\", *indent(more)]
    return [f"- {rest}: {first}"]


def _kept_item(c: Change, rest: str, source_env: str, target_env: str) -> list[str]:
    if needs_block(c.target) or needs_block(c.source):
        sides = two_sides(
            value_lines(f"{target_env} keeps", c.target),
            value_lines(f"{source_env} has", c.source),
        )
        return [f"- {rest}:\\", *indent(sides)]
    a, b = as_text(c.target), as_text(c.source)
    if isinstance(c.target, str) and isinstance(c.source, str):
        a, b = elide_pair(a, b)
    ours = "*absent*" if c.target is MISSING else inline(a)
    theirs = "*absent*" if c.source is MISSING else inline(b)
    return [f"- {rest}: {ours} ({escape(source_env)}: {theirs})"]


def _service_sections(r: Review, source_env: str, target_env: str, *, h: str) -> list[str]:
    out: list[str] = []
    if r.changed:
        out += [f"{h} Changes to {escape(target_env)} ({len(r.changed)})", ""]
        out += _grouped(r.changed, lambda c, rest: _change_item(c, rest, target_env))
    if r.kept:
        what = html.escape(kept_summary([c.path for c in r.kept]))
        out += folded(
            f"<b>Kept in {html.escape(target_env)} ({len(r.kept)})</b>: {what}",
            _trim(_grouped(r.kept, lambda c, rest: _kept_item(c, rest, source_env, target_env))),
        )
    return out


def _trim(lines: list[str]) -> list[str]:
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _reproduce(reviews: Sequence[Review], source_env: str, target_env: str) -> list[str]:
    names = " ".join(r.sp.service for r in reviews)
    writing = [r for r in reviews if r.sp.writes]
    lines = [
        "To see this again:",
        "",
        *fence(f"gitops-promote diff {names} --from {source_env} --to {target_env}", "sh"),
    ]
    rollbacks = [
        f"gitops-promote rollback {r.sp.service} --env {target_env} --to "
        f"{r.sp.target_version.label}"
        for r in writing
        if r.sp.target_version is not None
    ]
    if rollbacks:
        lines += [
            "",
            f"After merging, to return to what runs in {escape(target_env)} today:",
            "",
            *fence("\n".join(rollbacks), "sh"),
        ]
    return folded("Reproduce or roll back", lines)


def _attention_section(
    reviews: Sequence[Review], source_env: str, target_env: str, *, service: bool
) -> list[str]:
    items = [(a, r) for r in reviews for a in r.attention]
    if not items:
        return []
    out = [f"### {WARN} Needs attention before merging ({len(items)})", ""]
    for a, r in items:
        out += _attention_item(a, r, target_env, source_env, service=service)
    return [*out, "", *_new_specs(reviews, source_env)]


def _md(text: str) -> str:
    return esc(" ".join(text.split()))


def overrides_md(held: Sequence[Hold], forced: Sequence[Override]) -> list[str]:
    """The pull request's "Held" and "Forced" sections (Markdown lines, empty when neither).

    ``held``: services skipped because their target is held (a rollback that stays put);
    ``forced``: what ``--force`` overrode, service by service.
    """
    out: list[str] = []
    if held:
        out += [
            f"### Held ({len(held)}): not promoted",
            "",
            "A rollback is in place; promote with `--force` to replace it.",
            "",
        ]
        out += [
            f"- `{h.service}`: {_md(h.env)} {_md(h.what)} (by {_md(h.author)}, {h.date})"
            for h in held
        ]
        out.append("")
    if forced:
        out += [
            f"### ⚠️ Forced ({len(forced)}): promoted with `--force` over",
            "",
        ]
        out += [f"- `{o.service}`: {o.what}: {_md(o.detail)}" for o in forced]
        out.append("")
    return out


def sections(
    source_env: str,
    target_env: str,
    services: Sequence[ServicePromotion],
    *,
    held: Sequence[Hold] = (),
    forced: Sequence[Override] = (),
) -> list[str]:
    """The body without its hidden marker and footer (the job summary shows the same): the
    services held in the target and what ``--force`` overrode come right after the counts."""
    reviews = [review(sp, source_env, target_env) for sp in services]
    overridden = overrides_md(held, forced)
    if len(reviews) == 1:
        r = reviews[0]
        out = [
            f"## Promote {code(r.sp.service)} {escape(source_env)}{ARROW}{escape(target_env)}",
            "",
        ]
        if not r.sp.writes:
            kept = _plural(len(r.kept), "difference")
            out += [
                f"**Nothing to change**: {kept} kept by the rules — "
                + _from_to(r, source_env, target_env),
                "",
            ]
        else:
            out += [f"{_counts(reviews)} — {_from_to(r, source_env, target_env)}", ""]
        out += overridden
        out += _attention_section(reviews, source_env, target_env, service=False)
        out += _service_sections(r, source_env, target_env, h="###")
        if r.sp.writes:
            out += _reproduce(reviews, source_env, target_env)
        return out
    moving = [r for r in reviews if r.sp.writes]
    still = [r for r in reviews if not r.sp.writes]
    out = [
        f"## Promote {len(reviews)} services {escape(source_env)}{ARROW}{escape(target_env)}",
        "",
        f"{_counts(reviews)} — {len(moving)} of {len(reviews)} services change",
        "",
        *overridden,
    ]
    if moving:
        out += ["| Service | Ships | Changes |", "|---|---|---|"]
        out += [
            f"| {cell(code(r.sp.service))} | {cell(escape(ships(r)))} | {_service_counts(r)} |"
            for r in moving
        ]
        out.append("")
    if still:
        names = ", ".join(f"{code(r.sp.service)} ({len(r.kept)} kept)" for r in still)
        out += [f"Nothing to change: {names}.", ""]
    out += _attention_section(moving, source_env, target_env, service=True)
    for r in moving:
        inner = [f"{_from_to(r, source_env, target_env)}", ""]
        inner += _service_sections(r, source_env, target_env, h="####")
        out += folded(
            f"<b>{html.escape(r.sp.service)}</b> {html.escape(ships(r))} · {_service_counts(r)}",
            _trim(inner),
        )
    if moving:
        out += _reproduce(reviews, source_env, target_env)
    return out


def body(
    source_env: str,
    target_env: str,
    services: Sequence[ServicePromotion],
    branch: str,
    *,
    held: Sequence[Hold] = (),
    forced: Sequence[Override] = (),
) -> str:
    """The pull request body."""
    names = " ".join(sp.service for sp in services)
    out = [f"<!-- gitops-promote: {source_env}->{target_env} {names} -->"]
    out += sections(source_env, target_env, services, held=held, forced=forced)
    out.append(f"<sub>Opened by gitops-promote from branch {code(branch)}.</sub>")
    return "\n".join(out) + "\n"


def pr_title(res: PromotionResult) -> str:
    """The title of the pull request of a planned promotion: :func:`title`."""
    return title(res.source_env, res.target_env, res.services)


def pr_body(res: PromotionResult, command: str) -> str:
    """The body of the pull request of a planned promotion: :func:`body`. For ``promote`` it
    lists the services skipped because their target is held; ``diff`` previews every planned
    service with its differences, so its held ones are not listed as skipped."""
    held = () if command == "diff" else res.held
    return body(
        res.source_env, res.target_env, res.services, res.branch, held=held, forced=res.forced
    )


def job_summary(res: PromotionResult, command: str) -> str:
    """The job summary of ``diff`` or ``promote``: the body, headed by what was written."""
    pub = res.published
    if command == "diff":
        note = (
            f"> **Preview** (`gitops-promote diff`): nothing was written. A promote commits on "
            f"branch {code(res.branch)} and opens or updates its pull request."
        )
    elif not res.writes:
        note = (
            f"> **Nothing to promote**: {escape(res.target_env)} already has everything "
            f"{escape(res.source_env)} would bring."
        )
        if res.closed is not None:
            note += f" Closed the stale pull request [#{res.closed.number}]({res.closed.url})."
    elif res.dry_run or pub is None:
        note = (
            f"> **Dry run**: nothing was written. Without `--dry-run` this commits on branch "
            f"{code(res.branch)} and opens or updates its pull request."
        )
    else:
        state = "unchanged" if pub.reused else "written"
        pushed = ", pushed" if pub.pushed else ""
        where_to = f"Branch {code(pub.branch)} {state} ({_short(pub.commit)}{pushed})"
        if pub.pr is not None:
            verb = "opened" if pub.pr.created else "updated"
            note = f"> **Pull request [#{pub.pr.number}]({pub.pr.url}) {verb}** · {where_to}."
        else:
            note = f"> {where_to}; no pull request (local provider)."
    held = () if command == "diff" else res.held
    out = [
        note,
        "",
        *sections(res.source_env, res.target_env, res.services, held=held, forced=res.forced),
    ]
    return "\n".join(_trim(out)) + "\n"
