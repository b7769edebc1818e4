"""GitHub Actions workflow commands, step outputs and the job summary.

Used by the CLI (outputs and summary after a command, an annotation for an error, masking a
token) and by the Action's entry (masking, errors in its inputs); imports neither of them.

Workflow commands (``::error::``, ``::add-mask::``) are written to stdout, where the runner reads
them; outputs and the summary go to the files named by ``$GITHUB_OUTPUT`` and
``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from collections.abc import Mapping
from typing import Any

from .errors import GitopsPromoteError

SUMMARY_LIMIT = 1024 * 1024
"""``$GITHUB_STEP_SUMMARY`` holds at most 1 MiB per step; the runner drops a larger summary."""

ANNOTATION_LEVELS = ("error", "warning", "notice", "debug")

_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PR_NUMBER = re.compile(r"/pull/(\d+)(?:[/?#]|$)")


# --------------------------------------------------------------------------- environment


def in_actions(environ: Mapping[str, str] | None = None) -> bool:
    """True when running inside a GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS") == "true"


# --------------------------------------------------------------------------- workflow commands


def escape_data(s: str) -> str:
    """Escape the message part of a workflow command (``::cmd::DATA``)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a property value of a workflow command (``::cmd key=VALUE::``)."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _issue(command: str, properties: Mapping[str, str | int | None], message: str) -> None:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    head = f"::{command} {props}" if props else f"::{command}"
    sys.stdout.write(f"{head}::{escape_data(message)}\n")
    sys.stdout.flush()


def mask(value: str) -> None:
    """Ask the runner to hide ``value`` in every later log line (``::add-mask::``).

    A multi-line value is also masked line by line, since the runner matches within one line.
    """
    if not value.strip():
        return
    _issue("add-mask", {}, value)
    if "\n" in value or "\r" in value:
        for part in re.split(r"[\r\n]+", value):
            if part.strip():
                _issue("add-mask", {}, part)


def mask_token(token: str) -> None:
    """Mask a token and the HTTP basic-auth form git sends it in (``x-access-token:TOKEN``)."""
    if not token.strip():
        return
    mask(token)
    import base64  # here: only a run with a token needs it, and loading it costs every run

    mask(base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii"))


def emit_annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> None:
    """An annotation on the run (and on ``file`` at ``line``/``col`` when given)."""
    if level not in ANNOTATION_LEVELS:
        raise ValueError(f"annotation level must be one of {', '.join(ANNOTATION_LEVELS)}")
    if level == "debug":
        _issue("debug", {}, message)
        return
    props: dict[str, str | int | None] = {"file": file}
    if file:
        props["line"] = line
        if line is not None:
            props["col"] = col
    props["title"] = title
    _issue(level, props, message)


def emit_error(err: GitopsPromoteError) -> None:
    """An ``::error`` annotation for ``err``, on its file, line and column when it has them."""
    emit_annotation("error", err.message, file=err.file, line=err.line, col=err.column)


# --------------------------------------------------------------------------- outputs, summary


def _delimiter(name: str, value: str) -> str:
    while True:
        delim = f"ghadelimiter_{uuid.uuid4()}"
        if delim not in name and delim not in value:
            return delim


def format_outputs(values: Mapping[str, str]) -> str:
    """``$GITHUB_OUTPUT`` file text: ``name=value``, or ``name<<DELIM`` for multi-line values."""
    chunks: list[str] = []
    for name, value in values.items():
        if not _OUTPUT_NAME.match(name):
            raise ValueError(f"invalid output name {name!r}")
        if "\n" in value or "\r" in value:
            delim = _delimiter(name, value)
            chunks.append(f"{name}<<{delim}\n{value}\n{delim}\n")
        else:
            chunks.append(f"{name}={value}\n")
    return "".join(chunks)


def set_outputs(values: Mapping[str, str]) -> None:
    """Append ``values`` to ``$GITHUB_OUTPUT`` (nothing happens when it is not set)."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path or not values:
        return
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(format_outputs(values))


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def append_summary(markdown: str) -> None:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY``, keeping the file within 1 MiB.

    A report that does not fit is cut at a line boundary and ends with a note saying so (the
    ``json`` output still holds the whole result).
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path or not markdown:
        return
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    room = SUMMARY_LIMIT - used
    if len(text.encode("utf-8")) > room:
        note = (
            "\n\n> **Report truncated**: the job summary is limited to 1 MiB. "
            "The step's `json` output holds the whole result.\n"
        )
        keep = room - len(note.encode("utf-8"))
        if keep <= 0:
            return
        head = _truncate_utf8(text, keep)
        cut = head.rfind("\n")
        text = (head[:cut] if cut > 0 else head) + note
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def outputs_for(command: str, result: Mapping[str, Any]) -> dict[str, str]:
    """The action's outputs from a command's JSON result (SPEC section 4 shapes).

    ``pr-url``, ``pr-number``, ``branch``, ``commit`` and ``version`` are empty when the command
    did not produce them; ``changed`` is ``true`` when a commit was written.
    """
    pr_url = _text(result.get("pr_url"))
    pr_number = _text(result.get("pr_number"))
    if not pr_number and pr_url:
        found = _PR_NUMBER.search(pr_url)
        pr_number = found.group(1) if found else ""
    if command == "rollback":
        version = _text(result.get("new_version"))
    elif command in ("update", "show"):
        version = _text(result.get("version"))
    else:
        version = ""
    commit = _text(result.get("commit"))
    return {
        "pr-url": pr_url,
        "pr-number": pr_number,
        "branch": _text(result.get("branch")),
        "commit": commit,
        "version": version,
        "changed": "true" if commit else "false",
        "held": " ".join(str(name) for name in result.get("held") or []),
        "json": json.dumps(result, indent=2, ensure_ascii=False, default=str),
    }


def attention_warnings(result: Mapping[str, Any]) -> list[str]:
    """One line per difference of a diff/promote result that needs a human."""
    lines: list[str] = []
    for svc in result.get("services") or []:
        for change in svc.get("attention") or []:
            reason = _text(change.get("reason")) or "needs attention"
            lines.append(f"{svc.get('service')} {change.get('path')}: {reason}")
    return lines


def report(command: str, result: Mapping[str, Any], summary_markdown: str) -> None:
    """Inside GitHub Actions: set the step outputs and append the job-summary report.

    For diff and promote, each difference that needs attention is also a warning annotation,
    so that it shows on the run's page and not only in the pull request.
    """
    if not in_actions():
        return
    set_outputs(outputs_for(command, result))
    append_summary(summary_markdown)
    if command in ("diff", "promote"):
        for line in attention_warnings(result):
            emit_annotation("warning", line, title="gitops-promote: needs attention")
        for hold in result.get("holds") or []:
            emit_annotation("notice", _text(hold.get("message")), title="gitops-promote: held")
