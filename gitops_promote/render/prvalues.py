"""How the promotion pull request shows one value, one path and one change: Markdown atoms,
values (inline or fenced, long pairs cut to where they differ), images and versions, report paths
grouped under their file, document and container, and a change as ``before → after``.

Pure functions over plain data, used by :mod:`.prbody`. Values are shown as they are: in code spans
with enough backticks, or in fenced blocks when they span lines; free text is escaped so ``<``,
``*``, ``_`` and ``|`` render as themselves.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..data import MISSING
from ..textfmt import common_prefix

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


def needs_block(value: Any) -> bool:
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


def find_version(doc: Any, path: str = "") -> str | None:
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
        found = find_version(value, f"{path}/{key}")
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
    if needs_block(before) or needs_block(after):
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


def value_lines(label: str, value: Any, *, fold: bool = True) -> list[str]:
    """One side of a change: ``label: value``, or the label and the value fenced below it (no
    blank line, so a list holding it stays tight); long blocks folded when ``fold``."""
    if value is MISSING:
        return [f"{label}: *absent*"]
    if not needs_block(value):
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
        return "", value_lines("added", after, fold=fold)
    if after is MISSING:
        return "", value_lines("removed", before, fold=fold)
    return "", two_sides(
        value_lines(labels[0], before, fold=fold), value_lines(labels[1], after, fold=fold)
    )


def two_sides(first: list[str], second: list[str]) -> list[str]:
    """Two sides one after the other; a one-line side ends in a hard line break."""
    if len(first) == 1:
        return [first[0] + "\\", *second]
    return [*first, *second]
