"""GitHub Actions glue: the action's inputs -> one ``gitops-promote`` command line.

``action.yml`` runs ``python -m gitops_promote.action`` with every input of the action passed as an
environment variable ``INPUT_<NAME>`` (upper case, ``-`` written as ``_``). :func:`main` masks the
token, turns the inputs into an argument list and hands it to the CLI's one entry
(:func:`gitops_promote.cli.main`: argv in, exit code out). Outputs, the job summary, annotations
and masking are in :mod:`gitops_promote.workflow`, which the CLI uses after each command.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, MutableMapping

from . import cli
from .errors import GitopsPromoteError, UsageError
from .messages import BOT_EMAIL, BOT_NAME
from .workflow import emit_error, mask_token

COMMANDS = ("history", "show", "update", "rollback", "diff", "promote", "status", "check")
PROVIDERS = ("github", "local")
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


# --------------------------------------------------------------------------- inputs -> argv


def get_input(environ: Mapping[str, str], name: str) -> str:
    """Input ``name``, stripped: ``INPUT_DRY_RUN`` (or the runner's own ``INPUT_DRY-RUN``)."""
    upper = name.upper()
    for key in (f"INPUT_{upper.replace('-', '_')}", f"INPUT_{upper}"):
        value = environ.get(key)
        if value is not None:
            return value.strip()
    return ""


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
        path, _, value = ln.partition("=")
        if not value.strip():  # an expression that came out empty must not wipe the value
            raise UsageError(
                f"input 'set': {ln!r} has an empty value; write {path}=null for null or "
                f"{path}='' for an empty string"
            )
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
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
