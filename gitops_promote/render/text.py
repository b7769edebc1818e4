"""Terminal text: what a person reads after each command."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..data import Change
from ..textfmt import counts, differences, plural, short, table, value_text
from .elide import elide_values

if TYPE_CHECKING:  # the use cases load git and YAML: types only, so --help stays fast
    from ..overview import Cell, CheckResult, Drift, StatusResult
    from ..promotion import PromotionResult
    from ..publish import Published
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
    if res.nothing_to_do and res.retained:
        lines = [
            f"{who}: nothing to roll back: every difference between {res.from_version} and "
            f"{res.to_version} is in a path the rules retain, and --retain keeps them:"
        ]
        for c in res.retained:
            current, old = elide_values(c.source, c.target, 30)
            lines.append(f"  kept current {c.path}: {current} ({res.to_version}: {old})")
        return "\n".join(lines)
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
INDENT = "  "
MIN_VALUE_WIDTH = 16  # a value never gets less room than this, however long its path


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` if set); 80 when stdout is not a terminal."""
    import shutil  # here: history and show never ask, and loading it costs every run

    return shutil.get_terminal_size((80, 24)).columns


def _change_what(c: Change, source_env: str, target_env: str, room: int | None) -> str:
    """What happens to one difference, its two values elided to share ``room`` (``None``:
    whole values)."""
    if c.category == "retained":
        before, between, after = f"{target_env} keeps ", f" ({source_env}: ", ")"
        first, second = c.target, c.source
    elif c.applied:
        before, between, after = "", " -> ", ""
        first, second = c.target, c.result
    else:
        before, between, after = "kept ", f" ({source_env}: ", ")"
        first, second = c.target, c.source
    frame = len(before) + len(between) + len(after)
    each = None if room is None else max((room - frame) // 2, MIN_VALUE_WIDTH)
    x, y = elide_values(first, second, each)
    return f"{before}{x}{between}{y}{after}"


def _change_rows(
    changes: Sequence[Change], source_env: str, target_env: str, width: int | None
) -> list[str]:
    """The table of a service's differences, each line fitting ``width`` where it can."""
    labels = [_CATEGORY_LABEL[c.category] for c in changes]
    paths = [c.path or "/" for c in changes]
    room = None
    if width is not None:
        used = len(INDENT) + max(map(len, labels)) + 2 + max(map(len, paths)) + 2
        room = width - used
    rows = [
        [label, path, _change_what(c, source_env, target_env, room)]
        for label, path, c in zip(labels, paths, changes, strict=True)
    ]
    return [INDENT + r for r in table(["", "PATH", "WHAT HAPPENS"], rows)[1:]]


def promotion_text(res: PromotionResult, *, width: int | None = None, full: bool = False) -> str:
    """The plan of every service, one line per difference. Long values are cut to what
    differs so each line fits ``width`` (default: the terminal's); ``full`` shows them whole."""
    room = None if full else (width or terminal_width())
    lines = []
    unchanged = []
    for sp in res.services:
        if not sp.plan.changes and sp.target_version is not None and len(res.services) > 1:
            unchanged.append(sp.service)  # listed once below, not one block each
            continue
        tv = sp.target_version.label if sp.target_version else "new"
        lines.append(
            f"{sp.service}: {res.source_env} {sp.source_version.label} -> {res.target_env} {tv} "
            f"({sp.target.path})"
        )
        if not sp.plan.changes:
            lines.append("  no differences")
        else:
            lines += _change_rows(sp.plan.changes, res.source_env, res.target_env, room)
            for c in sp.plan.attention:
                lines.append(f"  ! {c.path or '/'}: {c.reason}")
        lines.append("")
    if unchanged:
        lines += [f"In sync ({len(unchanged)}): {', '.join(unchanged)}", ""]
    changes = [c for sp in res.services for c in sp.plan.changes]
    applied = sum(1 for c in changes if c.applied)
    found = counts(c.category for c in changes)
    if changes:
        summary = differences(applied, len(changes) - applied, found["attention"])
        lines.append(summary[0].upper() + summary[1:] + ".")
    lines += hold_lines(res)
    if not res.writes and not res.services:
        lines.append(f"Nothing promoted: every service is held in {res.target_env}.")
    elif not res.writes:
        if not changes:
            lines.append(f"Nothing to promote: {res.target_env} already matches {res.source_env}.")
        if res.closed is not None:
            lines.append(f"Closed the stale pull request #{res.closed.number}: {res.closed.url}")
    elif res.dry_run:
        lines.append(f"Dry run: would commit on {res.branch}; nothing written.")
    elif res.published is not None:
        lines.append(published_line("Promotion", res.published, with_body=False))
    return "\n".join(lines)


def hold_lines(res: PromotionResult) -> list[str]:
    """``held: api: prod v11 rolls back to v5 (...)``, ``forced: ...`` (SPEC section 9)."""
    lines = [f"held: {h.service}: {h.env} {h.what} (by {h.author}, {h.date})" for h in res.held]
    if res.held:
        lines.append("  (not promoted: a rollback is in place; --force replaces it)")
    lines += [f"forced: {o.line}" for o in res.forced]
    for sp in res.services:
        lines += [
            f"gate closed: {sp.service}: {r.gate}: {r.summary}"
            for r in sp.gates
            if not r.open and not sp.forced
        ]
    return lines


def cell_word(cell: Cell | None) -> str:
    """One environment of one service: version and image, or why there is none."""
    if cell is None:
        return "-"
    if cell.error:
        return f"{cell.version or '-'} (invalid spec)"
    held = " held" if cell.hold is not None else ""
    return f"{cell.version or '-'}{held} {cell.image or ''}".strip()


def drift_word(d: Drift) -> str:
    """How one promotion pair of a service stands (:func:`differences`), drift added."""
    if d.error:
        return f"{d.source}->{d.target}: error"
    state = differences(d.pending, d.kept, d.attention)
    if d.newer:
        state += f"; {d.target} changed after {d.source}"
    shut = "".join(f" ({r.summary})" for r in d.gates)
    return f"{d.source}->{d.target}: {state}{shut}"


_COLOURS = {"ok": "32", "pending": "33", "kept": "36", "bad": "31", "dim": "2"}
WIDE_ENVIRONMENTS = 7  # from this many environments on, one row per service and environment


def age(date: str | None, now: datetime.datetime | None = None) -> str:
    """How long ago an ISO date was, in one short word: ``5m``, ``3h``, ``2d``, ``4mo``, ``1y``."""
    if not date:
        return "-"
    then = datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
    seconds = max(
        0, int(((now or datetime.datetime.now(datetime.timezone.utc)) - then).total_seconds())
    )
    for unit, size in (("y", 365 * 86400), ("mo", 30 * 86400), ("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def _image_word(image: str | None, service: str) -> str:
    """The image in a table cell: its tag when the image is named after the service, else its
    last path segment (the JSON and the per-row layout give it whole)."""
    if not image:
        return "-"
    first = image.split(", ")[0]
    last = first.rsplit("/", 1)[-1]
    name, sep, tag = last.partition(":")
    word = tag if sep and service in name else last
    return word + (" +" if ", " in image else "")


def _state(d: Drift) -> tuple[str, str]:
    """(text, colour) of one promotion pair in a table cell."""
    if d.error:
        return "error: invalid spec", "bad"
    text = differences(d.pending, d.kept, d.attention)
    text += "".join(f" ({r.summary})" for r in d.gates)  # gates still closed
    colour = "pending" if d.pending else ("kept" if d.kept else "ok")
    if d.newer:
        return f"{text}; {d.target} newer", "bad"
    return text, colour


def _cell(cell: Cell | None, service: str, now: datetime.datetime | None) -> tuple[str, str]:
    if cell is None:
        return "-", "dim"
    if cell.error:
        return f"{cell.version or '-'} invalid spec", "bad"
    text = f"{cell.version or '-'} {_image_word(cell.image, service)} {short(cell.sha)} "
    text += age(cell.date, now)
    return (text + (" held" if cell.held else "")), ("bad" if cell.held else "")


Styled = tuple[str, str]  # text and colour name ("" for none)


def _styled_table(headers: Sequence[str], rows: Sequence[Sequence[Styled]], colour: bool) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(t)) for w, (t, _) in zip(widths, row, strict=True)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        cells = []
        for (text, name), w in zip(row, widths, strict=True):
            pad = " " * (w - len(text))
            code = _COLOURS.get(name) if colour else None
            cells.append(f"\x1b[{code}m{text}\x1b[0m{pad}" if code else text + pad)
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def status_text(
    res: StatusResult,
    *,
    width: int | None = None,
    colour: bool = False,
    now: datetime.datetime | None = None,
) -> str:
    """Services x environments, and how each promotion pair stands; one row per service when
    that fits ``width`` and there are fewer than :data:`WIDE_ENVIRONMENTS` environments, else
    one row per service and environment. ``colour``: ANSI colours (for a terminal)."""
    if not res.services:
        return "no services found"
    pairs = list(dict.fromkeys((d.source, d.target) for s in res.services for d in s.drift))
    headers = ["SERVICE", *[e.upper() for e in res.environments]]
    headers += [f"{a.upper()}->{b.upper()}" for a, b in pairs]
    rows: list[list[Styled]] = []
    for s in res.services:
        by_pair = {(d.source, d.target): _state(d) for d in s.drift}
        row: list[Styled] = [(s.service, "")]
        row += [_cell(s.envs.get(env), s.service, now) for env in res.environments]
        row += [by_pair.get(p, ("-", "dim")) for p in pairs]
        rows.append(row)
    table_text = _styled_table(headers, rows, colour)
    wide = max(len(line) for line in _styled_table(headers, rows, False).splitlines())
    if len(res.environments) >= WIDE_ENVIRONMENTS or (width is not None and wide > width):
        table_text = _per_environment(res, colour, now)
    return table_text + "\n\n" + _status_summary(res, pairs)


def _per_environment(res: StatusResult, colour: bool, now: datetime.datetime | None) -> str:
    """One row per service and environment: the form that fits any number of environments."""
    rows: list[list[Styled]] = []
    for s in res.services:
        into = {d.target: d for d in s.drift}
        name = s.service
        for env in res.environments:
            cell = s.envs.get(env)
            if cell is None:
                continue
            d = into.get(env)
            state: Styled = ("", "")
            if d is not None:
                text, name = _state(d)
                state = (f"from {d.source}: {text}", name)
            version = (cell.version or "-") + (" held" if cell.held else "")
            rows.append(
                [
                    (name, ""),
                    (env, ""),
                    (version, "bad" if cell.error or cell.held else ""),
                    (
                        "invalid spec" if cell.error else cell.image or "-",
                        "bad" if cell.error else "",
                    ),
                    (short(cell.sha), ""),
                    (age(cell.date, now), ""),
                    state,
                ]
            )
            name = ""  # the service's name on its first row only
    headers = ["SERVICE", "ENV", "VERSION", "IMAGE", "COMMIT", "AGE", "PROMOTION"]
    return _styled_table(headers, rows, colour)


def _status_summary(res: StatusResult, pairs: Sequence[tuple[str, str]]) -> str:
    n = len(res.services)
    parts = []
    for a, b in pairs:
        found = [d for s in res.services for d in s.drift if (d.source, d.target) == (a, b)]
        pending = sum(1 for d in found if d.pending)
        kept = sum(1 for d in found if not d.pending and d.kept)
        synced = sum(1 for d in found if d.in_sync)
        words = [f"{synced} in sync", f"{pending} to change"]
        if kept:
            words.append(f"{kept} with differences kept by the rules")
        newer = sum(1 for d in found if d.newer)
        if newer:
            words.append(f"{newer} changed in {b} after {a}")
        errors = sum(1 for d in found if d.error)
        if errors:
            words.append(f"{errors} with an invalid spec")
        parts.append(f"{a}->{b}: " + ", ".join(words))
    head = f"{plural(n, 'service')} x {plural(len(res.environments), 'environment')}"
    return "\n".join([head, *parts])


def check_text(res: CheckResult) -> str:
    if res.ok:
        return f"ok: {res.files_checked} spec files of {res.services} services, no problems"
    lines = [
        f"{p.file}:{p.line}: {p.message}" if p.line else f"{p.file}: {p.message}"
        for p in res.problems
    ]
    lines.append(f"{plural(len(res.problems), 'problem')} in {res.files_checked} spec files")
    return "\n".join(lines)
