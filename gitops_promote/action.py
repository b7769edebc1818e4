"""GitHub Actions glue: inputs -> command line, outputs, job summary, annotations, masking.

``action.yml`` runs ``python -m gitops_promote.action`` with every input of the action passed as an
environment variable ``INPUT_<NAME>`` (upper case, ``-`` written as ``_``). :func:`main` turns those
into a ``gitops-promote`` command line and runs the CLI, which calls :func:`report` after a
successful command and :func:`emit_error` on a failure.

Workflow commands (``::error::``, ``::add-mask::``) are written to stdout, where the runner reads
them; outputs and the summary go to the files named by ``$GITHUB_OUTPUT`` and
``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import Mapping, MutableMapping
from typing import Any

from .errors import GitopsPromoteError, UsageError
from .messages import BOT_EMAIL, BOT_NAME

COMMANDS = ("history", "show", "update", "rollback", "diff", "promote", "status", "check")
PROVIDERS = ("github", "local")
SUMMARY_LIMIT = 1024 * 1024
"""``$GITHUB_STEP_SUMMARY`` holds at most 1 MiB per step; the runner drops a larger summary."""

ANNOTATION_LEVELS = ("error", "warning", "notice", "debug")

_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PR_NUMBER = re.compile(r"/pull/(\d+)(?:[/?#]|$)")
_SPLIT_SERVICES = re.compile(r"[\s,]+")

# Inputs each command reads (besides the ones every command accepts: config, dry-run, push, pr,
# token, provider, message, working-directory, python-version). Any other input given a value is
# an error, so that a mistyped workflow (``env:`` for a promote) fails loudly instead of doing
# something else.
_COMMAND_INPUTS: dict[str, frozenset[str]] = {
    "history": frozenset({"service", "env"}),
    "show": frozenset({"service", "env", "version"}),
    "update": frozenset({"service", "env", "set"}),
    "rollback": frozenset({"service", "env", "version"}),
    "diff": frozenset({"service", "from", "to"}),
    "promote": frozenset({"service", "from", "to"}),
    "status": frozenset(),
    "check": frozenset(),
}
_SHAPE_INPUTS = ("service", "env", "from", "to", "version", "set")


# --------------------------------------------------------------------------- environment


def in_actions(environ: Mapping[str, str] | None = None) -> bool:
    """True when running inside a GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS") == "true"


def get_input(environ: Mapping[str, str], name: str) -> str:
    """Input ``name``, stripped: ``INPUT_DRY_RUN`` (or the runner's own ``INPUT_DRY-RUN``)."""
    upper = name.upper()
    for key in (f"INPUT_{upper.replace('-', '_')}", f"INPUT_{upper}"):
        value = environ.get(key)
        if value is not None:
            return value.strip()
    return ""


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


# --------------------------------------------------------------------------- inputs -> argv


def _bool_input(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = get_input(environ, name)
    if not raw:
        return default
    low = raw.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    raise UsageError(f"input {name!r} must be true or false, got {raw!r}")


def _name(kind: str, value: str) -> str:
    if value.startswith("-") or any(c.isspace() for c in value):
        raise UsageError(f"invalid {kind} {value!r}")
    return value


def _services(command: str, raw: str) -> list[str]:
    names = [s for s in _SPLIT_SERVICES.split(raw) if s]
    if not names:
        raise UsageError(f"{command} needs the 'service' input (one or more names, or 'all')")
    if "all" in names:
        if len(names) > 1:
            raise UsageError("service 'all' cannot be combined with other services")
        return ["--all"]
    return [_name("service", n) for n in names]


def _one_service(command: str, raw: str) -> str:
    names = [s for s in _SPLIT_SERVICES.split(raw) if s]
    if len(names) != 1:
        what = "no service" if not names else f"{len(names)} services"
        raise UsageError(f"{command} takes exactly one 'service' input, got {what}")
    return _name("service", names[0])


def _required(environ: Mapping[str, str], command: str, name: str, hint: str = "") -> str:
    value = get_input(environ, name)
    if not value:
        extra = f" ({hint})" if hint else ""
        raise UsageError(f"{command} needs the {name!r} input{extra}")
    return value


def _set_lines(raw: str) -> list[str]:
    lines = [ln.strip() for ln in raw.replace("\r\n", "\n").split("\n")]
    result: list[str] = []
    for ln in lines:
        if not ln:
            continue
        if "=" not in ln or ln.startswith("="):
            raise UsageError(f"input 'set': expected PATH=VALUE, got {ln!r}")
        result.append(ln)
    return result


def build_argv(environ: Mapping[str, str]) -> list[str]:
    """The ``gitops-promote`` argument list for the action's inputs (``INPUT_*`` variables).

    Option values are passed as ``--option=value`` so that no value is ever read as an option.
    Raises :class:`UsageError` for a missing or unknown command, a missing input the command
    needs, or an input the command does not take.
    """
    command = get_input(environ, "command").lower()
    if not command:
        raise UsageError(f"the 'command' input is required (one of: {', '.join(COMMANDS)})")
    if command not in COMMANDS:
        raise UsageError(f"unknown command {command!r} (one of: {', '.join(COMMANDS)})")

    accepted = _COMMAND_INPUTS[command]
    stray = [n for n in _SHAPE_INPUTS if n not in accepted and get_input(environ, n)]
    if stray:
        takes = ", ".join(repr(n) for n in _SHAPE_INPUTS if n in accepted) or "none of them"
        raise UsageError(
            f"{command} does not take the input(s) {', '.join(repr(n) for n in stray)} "
            f"(it takes {takes})"
        )

    argv: list[str] = []
    if environ.get("RUNNER_DEBUG") == "1":
        argv.append("-v")
    config = get_input(environ, "config")
    if config:
        argv.append(f"--config={config}")
    argv.append(command)

    dry_run = _bool_input(environ, "dry-run", False)
    push = _bool_input(environ, "push", True)
    message = get_input(environ, "message")
    token = get_input(environ, "token") or environ.get("GITHUB_TOKEN", "").strip()
    provider = get_input(environ, "provider").lower()
    if provider and provider not in PROVIDERS:
        raise UsageError(f"input 'provider' must be github or local, got {provider!r}")

    if command in ("history", "show", "update", "rollback"):
        argv.append(_one_service(command, get_input(environ, "service")))
        env = _name("environment", _required(environ, command, "env"))
        argv.append(f"--env={env}")
    if command == "show":
        version = get_input(environ, "version")
        if version:
            argv.append(f"--version={version}")
    elif command == "update":
        sets = _set_lines(get_input(environ, "set"))
        if not sets:
            raise UsageError("update needs the 'set' input: one PATH=VALUE per line")
        argv.extend(f"--set={s}" for s in sets)
    elif command == "rollback":
        version = _required(environ, command, "version", "vN, a commit sha or previous")
        argv.append(f"--to={_name('version', version)}")
    elif command in ("diff", "promote"):
        argv.extend(_services(command, get_input(environ, "service")))
        src = _name("environment", _required(environ, command, "from"))
        dst = _name("environment", _required(environ, command, "to"))
        argv.extend([f"--from={src}", f"--to={dst}"])

    pr = _bool_input(environ, "pr", False) and command in ("update", "rollback")
    if command == "promote" or pr:
        chosen = provider or ("github" if token else "local")
        if chosen == "github" and not token:
            raise UsageError("provider github needs a token: set the 'token' input")
        argv.extend(["--pr", f"--provider={chosen}"] if pr else [f"--provider={chosen}"])
        # The github provider always pushes its branch; a local one pushes it when asked.
        push = push and chosen == "local"

    if command in ("update", "rollback", "promote"):
        if message:
            argv.append(f"--message={message}")
        if dry_run:
            argv.append("--dry-run")
        if push:
            argv.append("--push")
    return argv


# --------------------------------------------------------------------------- entry point


def _git_has(key: str) -> bool:
    try:
        proc = subprocess.run(
            ["git", "config", "--get", key], capture_output=True, text=True, check=False
        )
    except OSError:
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip())


def ensure_git_identity(environ: MutableMapping[str, str]) -> None:
    """Commit as ``github-actions[bot]`` unless the job configured a git identity.

    Runners have no ``user.name``/``user.email``; a workflow that set them (``git config``) or the
    ``GIT_AUTHOR_*``/``GIT_COMMITTER_*`` variables keeps its own.
    """
    pairs = (
        ("name", "user.name", BOT_NAME),
        ("email", "user.email", BOT_EMAIL),
    )
    for field, key, default in pairs:
        author, committer = f"GIT_AUTHOR_{field.upper()}", f"GIT_COMMITTER_{field.upper()}"
        if environ.get(author) and environ.get(committer):
            continue
        if _git_has(key):
            continue
        environ.setdefault(author, default)
        environ.setdefault(committer, default)


def main() -> int:
    """Run the command the action's inputs describe; return the exit code."""
    environ = os.environ
    token = get_input(environ, "token")
    for secret in dict.fromkeys([token, environ.get("GITHUB_TOKEN", "").strip()]):
        mask_token(secret)
    if token:
        environ["GITHUB_TOKEN"] = token
    try:
        argv = build_argv(environ)
    except GitopsPromoteError as err:
        emit_error(err)
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    ensure_git_identity(environ)
    print(f"gitops-promote {shlex.join(argv)}", flush=True)

    from . import cli

    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
