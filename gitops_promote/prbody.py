"""The promotion pull request as a reviewer reads it: title, body and job summary.

Pure: promotion results in, GitHub-flavoured Markdown out. The body puts first what a prod
reviewer needs in ten seconds (one summary line, then what needs them as a task list), then every
change as ``before → after`` showing the part that differs, then what the target keeps, folded.
It must read on a 420 px phone: no wide tables, Kubernetes paths grouped under their document
and container, long values cut only where both sides are the same.

Values are shown as they are: in code spans with enough backticks, or in fenced blocks when they
span lines; free text is escaped so ``<``, ``*``, ``_`` and ``|`` render as themselves.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .plan import MISSING, Change

if TYPE_CHECKING:
    from .promotion import PromotionResult, ServicePromotion

ARROW = " → "
ELLIPSIS = "…"
WARN = "⚠️"

#: Strings up to this long are shown whole; longer pairs lose their common prefix and suffix.
ELIDE_WIDTH = 40
#: Characters of the common part kept next to the difference, for orientation.
ELIDE_CONTEXT = 10
#: Characters of a digest shown when two digests differ before them, or when it does not change.
DIGEST_SHOWN = 12
#: A dict or list whose compact JSON is longer than this is shown as a block.
INLINE_JSON = 60
#: Blocks longer than this many lines are folded.
FOLD_LINES = 12
#: Services named in a title before "+N more".
TITLE_SERVICES = 2

_IMAGE_KEYS = frozenset({"image", "image_uri", "imageUri", "imageURI", "image_ref"})
_CONTAINER_LISTS = {
    "containers": "container",
    "initContainers": "init container",
    "ephemeralContainers": "ephemeral container",
}
_WRAPPERS = frozenset({"spec", "metadata", "template"})  # skipped in the kept summary
_ENV_KEYS = frozenset({"env", "env_vars", "envs", "environment"})


# --------------------------------------------------------------------------- Markdown atoms


def escape(text: str) -> str:
    """Free text that renders as itself: Markdown and HTML punctuation backslash-escaped."""
    return re.sub(r"([\\`*_<>\[\]|~&#])", r"\\\1", text)


def code(text: str) -> str:
    """A code span showing ``text`` exactly (one line): more backticks than the text holds in a
    row, and a space inside each end when the text starts or ends with a backtick or space."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (run + 1)
    pad = " " if text.strip(" ") and (text[:1] in "` " or text[-1:] in "` ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def cell(markdown: str) -> str:
    """Markdown made safe for a table cell (GFM splits cells at ``|``, even in code spans)."""
    return markdown.replace("|", "\\|")


def fence(text: str, lang: str = "") -> list[str]:
    """A fenced code block showing ``text`` exactly: a fence longer than any backtick run."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, run + 1)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [f"{ticks}{lang}", *lines, ticks]


def indent(lines: Iterable[str], by: str = "  ") -> list[str]:
    return [by + line if line else "" for line in lines]


def folded(summary_html: str, lines: Sequence[str], *, blank_after: bool = True) -> list[str]:
    """A ``<details>`` section; ``summary_html`` is HTML (escape text with :func:`html.escape`)."""
    out = [f"<details><summary>{summary_html}</summary>", "", *lines, "", "</details>"]
    return [*out, ""] if blank_after else out


# --------------------------------------------------------------------------- values


def as_text(value: Any) -> str:
    """A value as text: strings as they are, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _needs_block(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" in value or "\r" in value
    if isinstance(value, dict | list):
        return len(as_text(value)) > INLINE_JSON
    return False


def _block_text(value: Any) -> tuple[str, str]:
    """(text, language) of a value shown as a block."""
    if isinstance(value, str):
        return value, "text"
    return json.dumps(value, ensure_ascii=False, indent=2, default=str), "json"


def inline(text: str) -> str:
    """One value on one line (``text`` from :func:`as_text`); the empty string by name."""
    return "*empty string*" if text == "" else code(text)


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_SEPARATORS = "/:.-_@=,; "


def elide_pair(
    a: str, b: str, width: int = ELIDE_WIDTH, context: int = ELIDE_CONTEXT
) -> tuple[str, str]:
    """Two different strings cut to the part that differs.

    Pairs no longer than ``width`` are returned whole. Otherwise the common prefix and the
    common suffix are replaced by ``…``, keeping about ``context`` characters next to the
    difference (widened to the nearest separator such as ``/`` ``.`` ``:`` ``-``), and only
    when that saves more than ``context`` characters. Only parts both sides share are cut, so
    the two results differ exactly where ``a`` and ``b`` do.
    """
    if a == b or (len(a) <= width and len(b) <= width):
        return a, b
    p = common_prefix(a, b)
    s = common_prefix(a[p:][::-1], b[p:][::-1])
    start = max(0, p - context)
    while start > 0 and a[start - 1] not in _SEPARATORS:
        start -= 1
    if start <= context:
        start = 0
    keep = min(s, context)  # common suffix characters kept
    while keep < s and a[len(a) - s + keep] not in _SEPARATORS:
        keep += 1
    cut = s - keep if s - keep > context else 0

    def show(x: str) -> str:
        head = ELLIPSIS if start else ""
        tail = ELLIPSIS if cut else ""
        return head + x[start : len(x) - cut] + tail

    return show(a), show(b)


def names_env(value: Any, env: str) -> bool:
    """Does ``value`` (or any string inside it) name ``env`` as a whole word, between
    non-alphanumerics (SPEC section 3, rule 5)?"""
    if isinstance(value, str):
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(env)}(?![A-Za-z0-9])", value) is not None
    if isinstance(value, dict):
        return any(names_env(v, env) for v in value.values())
    if isinstance(value, list):
        return any(names_env(v, env) for v in value)
    return False


# --------------------------------------------------------------------------- images, versions


@dataclass(frozen=True)
class ImageRef:
    """An OCI image reference split as a reviewer reads it: ``repository[:tag][@digest]``."""

    repository: str
    tag: str | None
    digest: str | None

    def __str__(self) -> str:
        tag = f":{self.tag}" if self.tag is not None else ""
        digest = f"@{self.digest}" if self.digest is not None else ""
        return f"{self.repository}{tag}{digest}"


_IMAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*(@[A-Za-z0-9]+:[0-9A-Fa-f]+)?$")


def split_image(ref: str) -> ImageRef:
    """``registry:5000/acme/app:1.2@sha256:ab`` -> repository, tag, digest (a port is no tag)."""
    rest, at, digest = ref.partition("@")
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        return ImageRef(rest[:colon], rest[colon + 1 :], digest if at else None)
    return ImageRef(rest, None, digest if at else None)


def image_of(path: str, value: Any) -> ImageRef | None:
    """The image reference at ``path``, when the path names an image and the value is one."""
    last = path.rsplit("/", 1)[-1]
    if last not in _IMAGE_KEYS or not isinstance(value, str) or not _IMAGE_RE.match(value):
        return None
    return split_image(value)


_VERSION_RE = re.compile(r"^[vV]?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def _prerelease_key(pre: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))


def compare_versions(a: str, b: str) -> int | None:
    """Semver-ish order of two version strings: -1, 0 or 1; None when either is no version.

    ``v`` prefixes and build metadata (``+...``) are ignored; missing components count as 0;
    a pre-release (``1.7.0-rc.2``) is older than its release, pre-release parts compare as
    numbers where numeric, else as text (semver 11).
    """
    ma, mb = _VERSION_RE.match(a), _VERSION_RE.match(b)
    if ma is None or mb is None:
        return None
    na = [int(x) for x in ma.group(1).split(".")]
    nb = [int(x) for x in mb.group(1).split(".")]
    width = max(len(na), len(nb))
    na += [0] * (width - len(na))
    nb += [0] * (width - len(nb))
    if na != nb:
        return -1 if na < nb else 1
    pa, pb = ma.group(2), mb.group(2)
    if pa == pb:
        return 0
    if pa is None:
        return 1
    if pb is None:
        return -1
    ka, kb = _prerelease_key(pa), _prerelease_key(pb)
    if ka == kb:
        return 0
    return -1 if ka < kb else 1


def _is_version_path(segs: Sequence[str]) -> bool:
    """A chart or tag version: ``/image/tag``, ``newTag``, ``.../chart/.../version``,
    ``targetRevision``."""
    if not segs:
        return False
    last = segs[-1]
    if last in ("tag", "newTag", "targetRevision", "chartVersion"):
        return True
    return last == "version" and "chart" in segs


def version_of(path: str, value: Any) -> str | None:
    """The version a value at ``path`` ships: an image's tag (or short digest), a chart's
    version; None when the path holds neither."""
    image = image_of(path, value)
    if image is not None:
        if image.tag is not None:
            return image.tag
        return _short_digest(image.digest) if image.digest else None
    _, pointer = split_prefixes(path)
    if isinstance(value, str | int | float) and _is_version_path(pointer.split("/")[1:]):
        return as_text(value)
    return None


def _short_digest(digest: str, at_least: int = DIGEST_SHOWN) -> str:
    algo, _, hexes = digest.partition(":")
    return f"{algo}:{hexes[:at_least]}{ELLIPSIS}" if len(hexes) > at_least else digest


def digest_pair(a: str, b: str) -> tuple[str, str]:
    """Two digests cut after the first hex digit where they differ (at least 12 shown)."""
    if a == b:
        return _short_digest(a), _short_digest(b)
    algo_a, _, hex_a = a.partition(":")
    algo_b, _, hex_b = b.partition(":")
    if algo_a != algo_b:
        return a, b
    n = max(DIGEST_SHOWN, common_prefix(hex_a, hex_b) + 1)
    return _short_digest(a, n), _short_digest(b, n)


def _find_version(doc: Any, path: str = "") -> str | None:
    """The first version inside a whole spec (a new service): its image tag or chart version."""
    found = version_of(path, doc)
    if found is not None:
        return found
    if isinstance(doc, dict):
        items: Iterable[tuple[Any, Any]] = doc.items()
    elif isinstance(doc, list):
        items = enumerate(doc)
    else:
        return None
    for key, value in items:
        found = _find_version(value, f"{path}/{key}")
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- paths


def split_prefixes(path: str) -> tuple[tuple[str, ...], str]:
    """A report path -> (prefixes, pointer): ``api.yaml:Deployment/web:/spec`` ->
    ``(("api.yaml", "Deployment/web"), "/spec")``. A prefix is a file of a directory spec, a
    document ``Kind/name`` or ``#index``."""
    prefixes: list[str] = []
    rest = path
    while rest and not rest.startswith("/"):
        head, sep, tail = rest.partition(":")
        if not sep:
            break
        prefixes.append(head)
        rest = tail
    return tuple(prefixes), rest


@dataclass(frozen=True)
class Where:
    """Where a change is, as shown: its group (file, document, container) and the rest."""

    group: tuple[str, ...]  # Markdown pieces, joined with " › "
    rest: str  # the path inside the group

    @property
    def heading(self) -> str:
        return " › ".join(self.group)


def where(path: str) -> Where:
    """Group a report path under its file, document and container so rows stay short."""
    prefixes, pointer = split_prefixes(path)
    group = [code(p) for p in prefixes]
    segs = pointer.split("/")[1:] if pointer else []
    for i, seg in enumerate(segs[:-2]):
        if seg in _CONTAINER_LISTS:
            group.append(f"{_CONTAINER_LISTS[seg]} {code(segs[i + 1])}")
            return Where(tuple(group), "/".join(segs[i + 2 :]))
    return Where(tuple(group), pointer or "/")


def _kept_label(path: str) -> tuple[str, str | None]:
    """(label, env var name or None) for the one-line summary of what the target keeps."""
    rest = where(path).rest.lstrip("/")
    segs = rest.split("/") if rest else []
    while len(segs) > 1 and segs[0] in _WRAPPERS:
        segs = segs[1:]
    if len(segs) >= 2 and segs[0] in _ENV_KEYS:
        return "env", segs[1]
    if not segs:
        return "/", None
    if len(segs) >= 3 and segs[1].isdigit():
        return f"{segs[0]} {segs[-1]}", None
    return segs[0], None


def kept_summary(paths: Sequence[str]) -> str:
    """``replicas, resources ×4, ports host, env LOG_LEVEL, HF_TOKEN``: labels by first
    appearance, repeated labels counted, env var names listed."""
    counts: dict[str, int] = {}
    env_names: list[str] = []
    for path in paths:
        label, env_name = _kept_label(path)
        if env_name is not None:
            env_names.append(env_name)
            counts.setdefault("env", 0)
            continue
        counts[label] = counts.get(label, 0) + 1
    parts = []
    for label, n in counts.items():
        if label == "env":
            parts.append("env " + ", ".join(env_names))
        else:
            parts.append(label if n == 1 else f"{label} ×{n}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- one change


def _pair_inline(before: Any, after: Any, path: str) -> str | None:
    """``before → after`` on one line, or None when either side needs a block."""
    if _needs_block(before) or _needs_block(after):
        return None
    old = image_of(path, before)
    new = image_of(path, after)
    if old is not None and new is not None and before != after:
        return _image_pair(old, new)
    if before is MISSING or after is MISSING:
        left = "*absent*" if before is MISSING else inline(as_text(before))
        right = "*absent*" if after is MISSING else inline(as_text(after))
        return f"{left}{ARROW}{right}"
    a, b = as_text(before), as_text(after)
    if a == b and before != after:  # "5" and 5: show the types
        a, b = json.dumps(before, default=str), json.dumps(after, default=str)
    if isinstance(before, str) and isinstance(after, str):
        a, b = elide_pair(a, b)
    return f"{inline(a)}{ARROW}{inline(b)}"


def _image_pair(old: ImageRef, new: ImageRef) -> str:
    """An image change split into repository, tag and digest; unchanged parts shown once."""
    parts = []
    if old.repository == new.repository:
        parts.append(code(_short_repository(old.repository)))
    else:
        a, b = elide_pair(old.repository, new.repository)
        parts.append(f"{code(a)}{ARROW}{code(b)}")
    if old.tag is not None or new.tag is not None:
        if old.tag == new.tag:
            parts.append(f"tag {code(old.tag or '')}")
        else:
            a = code(old.tag) if old.tag is not None else "*none*"
            b = f"**{code(new.tag)}**" if new.tag is not None else "*none*"
            parts.append(f"tag {a}{ARROW}{b}")
    if old.digest is not None or new.digest is not None:
        if old.digest is not None and new.digest is not None:
            a, b = digest_pair(old.digest, new.digest)
            if a == b:
                parts.append(f"digest {code(a)}")
            else:
                parts.append(f"digest {code(a)}{ARROW}**{code(b)}**")
        else:
            a = code(_short_digest(old.digest)) if old.digest else "*none*"
            b = code(_short_digest(new.digest)) if new.digest else "*none*"
            parts.append(f"digest {a}{ARROW}{b}")
    return " · ".join(parts)


def _short_repository(repo: str) -> str:
    """An unchanged repository, shortened to its last two path segments when long."""
    if len(repo) <= ELIDE_WIDTH or repo.count("/") < 2:
        return repo
    return ELLIPSIS + "/" + "/".join(repo.split("/")[-2:])


def _value_lines(label: str, value: Any, *, fold: bool = True) -> list[str]:
    """One side of a change: ``label: value``, or the label and the value fenced below it (no
    blank line, so a list holding it stays tight); long blocks folded when ``fold``."""
    if value is MISSING:
        return [f"{label}: *absent*"]
    if not _needs_block(value):
        return [f"{label}: {inline(as_text(value))}"]
    text, lang = _block_text(value)
    block = fence(text, lang)
    if fold and len(block) - 2 > FOLD_LINES:
        return folded(f"{html.escape(label)} ({len(block) - 2} lines)", block, blank_after=False)
    return [f"{label}:", *block]


def pair_lines(
    before: Any, after: Any, path: str, labels: tuple[str, str], *, fold: bool = True
) -> tuple[str, list[str]]:
    """(text for the item's first line, further lines): a change as ``before → after``."""
    one = _pair_inline(before, after, path)
    if one is not None:
        return one, []
    if before is MISSING:
        return "", _value_lines("added", after, fold=fold)
    if after is MISSING:
        return "", _value_lines("removed", before, fold=fold)
    return "", _two_sides(
        _value_lines(labels[0], before, fold=fold), _value_lines(labels[1], after, fold=fold)
    )


def _two_sides(first: list[str], second: list[str]) -> list[str]:
    """Two sides one after the other; a one-line side ends in a hard line break."""
    if len(first) == 1:
        return [first[0] + "\\", *second]
    return [*first, *second]


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
        after = _find_version(sp.plan.result[0] if len(sp.plan.result) == 1 else sp.plan.result)
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
    elif _needs_block(c.target) or _needs_block(c.source):
        more = _two_sides(
            _value_lines(f"{target_env} keeps", c.target, fold=False),
            _value_lines(f"{source_env} has", c.source, fold=False),
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
    if _needs_block(c.target) or _needs_block(c.source):
        sides = _two_sides(
            _value_lines(f"{target_env} keeps", c.target),
            _value_lines(f"{source_env} has", c.source),
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


def sections(source_env: str, target_env: str, services: Sequence[ServicePromotion]) -> list[str]:
    """The body without its hidden marker and footer (the job summary shows the same)."""
    reviews = [review(sp, source_env, target_env) for sp in services]
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
    source_env: str, target_env: str, services: Sequence[ServicePromotion], branch: str
) -> str:
    """The pull request body."""
    names = " ".join(sp.service for sp in services)
    out = [f"<!-- gitops-promote: {source_env}->{target_env} {names} -->"]
    out += sections(source_env, target_env, services)
    out.append(f"<sub>Opened by gitops-promote from branch {code(branch)}.</sub>")
    return "\n".join(out) + "\n"


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
    out = [note, "", *sections(res.source_env, res.target_env, res.services)]
    return "\n".join(_trim(out)) + "\n"
