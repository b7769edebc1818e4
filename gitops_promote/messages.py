"""Commit messages and their trailers (SPEC section 6), so that history can classify versions;
and the body of an update or rollback pull request, which is its commit message and diff."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

#: Who commits inside GitHub Actions when the job configured no git identity.
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"

#: What every trailer of the tool starts with.
TRAILER_PREFIX = "Gitops-Promote-"
KIND = "Gitops-Promote-Kind"
RESTORES = "Gitops-Promote-Restores"
SOURCE = "Gitops-Promote-Source"
#: A promote that went through a hold or a closed gate with ``--force`` (one trailer per override).
FORCED = "Gitops-Promote-Forced"


def compose(subject: str, body: str | None, trailers: Sequence[tuple[str, str]]) -> str:
    """``subject``, a blank line, the body (if any), a blank line, ``Key: value`` trailers."""
    parts = [subject.strip()]
    if body and body.strip():
        parts.append(body.strip())
    parts.append("\n".join(f"{k}: {v}" for k, v in trailers))
    return "\n\n".join(parts) + "\n"


def short_value(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def update_message(
    env: str, service: str, changes: Sequence[tuple[str, Any, Any]], message: str | None
) -> str:
    """``update(prod/api): set /image/image_uri``, one body line per changed value."""
    if message:
        summary = message.strip().splitlines()[0]
    elif len(changes) == 1:
        path, _, new = changes[0]
        summary = f"set {path} to {short_value(new, 50)}"
    else:
        summary = "set " + ", ".join(path for path, _, _ in changes)
    body_lines = [f"- {p}: {short_value(o)} -> {short_value(n)}" for p, o, n in changes]
    extra = "\n".join(message.strip().splitlines()[1:]).strip() if message else ""
    body = "\n\n".join(x for x in (extra, "\n".join(body_lines)) if x)
    return compose(f"update({env}/{service}): {summary}", body, [(KIND, "update")])


def rollback_message(
    env: str,
    service: str,
    current: str,
    restored: str,
    restored_sha: str,
    new: str,
    message: str | None,
    retained: Sequence[str] = (),
) -> str:
    """``rollback(prod/api): v10 -> v5 as v11`` with the Restores trailer."""
    lines = []
    if message:
        lines.append(message.strip())
    if retained:
        lines.append("Kept the current value of: " + ", ".join(retained))
    return compose(
        f"rollback({env}/{service}): {current} -> {restored} as {new}",
        "\n\n".join(lines),
        [(KIND, "rollback"), (RESTORES, f"{restored} {restored_sha}")],
    )


def promote_message(
    service: str,
    source_env: str,
    source_version: str,
    source_sha: str,
    target_env: str,
    body: str | None,
    forced: Sequence[str] = (),
) -> str:
    """``promote(api): staging v7 -> prod`` with the Source trailer, and one
    ``Gitops-Promote-Forced`` trailer per hold or gate that ``--force`` overrode."""
    trailers = [(KIND, "promote"), (SOURCE, f"{source_env} {source_version} {source_sha}")]
    trailers += [(FORCED, " ".join(reason.split())) for reason in forced]
    return compose(
        f"promote({service}): {source_env} {source_version} -> {target_env}", body, trailers
    )


def diff_pr_body(message: str, diff: str, path: str) -> str:
    """The body of an ``update --pr`` or ``rollback --pr`` pull request: the commit message
    without its trailers, then the file's diff.

    It lives here, not with the renderings in :mod:`gitops_promote.render`: it is not a view of
    a result but the commit's own text, taken apart by the format this module defines, and
    :func:`gitops_promote.nextversion.write_version` (the core) opens the pull request with it,
    where a promotion's title and body are rendered by the CLI from the planned result."""
    subject, _, rest = message.partition("\n")
    lines = [f"## {subject}", ""]
    body = "\n".join(
        line for line in rest.strip().splitlines() if not line.startswith(TRAILER_PREFIX)
    ).strip()
    if body:
        lines += [body, ""]
    lines += [f"Changes to `{path}`:", "", "```diff", diff.rstrip("\n"), "```", ""]
    return "\n".join(lines)
