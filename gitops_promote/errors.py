"""One error tree for the whole tool.

Core code raises these; only the CLI (and the Action glue) turns them into a message and an exit
code. Each class carries its exit code (SPEC section 4): 1 when the operation ran and failed or
was refused, 2 for bad usage or bad input.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class GitopsPromoteError(Exception):
    """Base class. ``file``/``line``/``column`` locate the problem when it has a place."""

    exit_code = EXIT_FAILED

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def location(self) -> str:
        """``file:line:col`` (as much of it as is known), or an empty string."""
        if not self.file:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class UsageError(GitopsPromoteError):
    """Bad usage or bad input: exit 2."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The config file is invalid."""


class SpecError(UsageError):
    """A spec file is not valid YAML, or not a structure the tool can edit safely."""


class NotFoundError(UsageError):
    """Unknown service, environment, version or path."""


class RefusedError(GitopsPromoteError):
    """The operation was refused to keep someone's work safe (dirty tree, ``added: fail``...)."""


class CheckFailed(GitopsPromoteError):
    """``check`` found problems."""


class ConflictError(GitopsPromoteError):
    """The remote moved on and changed the same spec: stop instead of overwriting a deploy."""


class GitError(GitopsPromoteError):
    """A git operation failed."""


class ProviderError(GitopsPromoteError):
    """The pull-request provider (GitHub API) failed."""


class Interrupted(BaseException):
    """SIGINT, SIGTERM or SIGHUP arrived: exit 128 + the signal's number, with one line.

    Like ``KeyboardInterrupt`` not an ``Exception``, so ``except Exception`` never swallows it and
    every ``except BaseException`` undo runs for SIGTERM too; unlike it, click lets it through.
    ``note`` says what state the command left (see :mod:`gitops_promote.interrupt`).
    """

    def __init__(self, signum: int, note: str = "") -> None:
        super().__init__(signum, note)
        self.signum = signum
        self.note = note
        self.exit_code = 128 + signum
