"""SIGINT, SIGTERM and SIGHUP: one undo path, never a traceback, never an undo cut in half.

:func:`install` (called first thing by the console script) turns the first of these signals into
:class:`~gitops_promote.errors.Interrupted`, raised where the program is, so the ``except`` and
``finally`` blocks that undo a failed write run for a signal too. Every later signal is only
recorded: once interrupted, the undo itself runs to its end. Inside :func:`critical` a signal is
held back until the block is over, so a block that moves a branch and syncs the checkout either
runs whole or (on an error) is undone whole. The one line printed says what the command left
(:func:`progress`): nothing changed, or what is done and what to run.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import Interrupted

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _State:
    installed = False
    depth = 0  # nesting of critical sections
    pending: int | None = None  # a signal held back
    raised = False  # Interrupted was raised once: from now on signals are only recorded
    note = "nothing was changed"  # what an interruption now leaves (see :func:`progress`)


_state = _State()
#: what stops the read-only work running in other threads (a long ``git log``), which a signal
#: never reaches: called on every signal, see :func:`stopping`
_stoppers: set[Callable[[], None]] = set()


def _handle(signum: int, _frame: FrameType | None) -> None:
    for stop in list(_stoppers):
        with contextlib.suppress(Exception):
            stop()
    if _state.raised or _state.depth > 0:
        if _state.pending is None:
            _state.pending = signum
        return
    _state.raised = True
    raise Interrupted(signum, _state.note)


def install() -> None:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Interrupted` (cheap: call it first)."""
    for sig in SIGNALS:
        signal.signal(sig, _handle)
    _state.installed = True


@contextmanager
def stopping(stop: Callable[[], None]) -> Iterator[None]:
    """While the block runs, a signal to the command also calls ``stop`` (from the main thread,
    at once): for read-only work in a worker thread, such as a log pass, which must not keep the
    command waiting once it is interrupted. ``stop`` must be quick and must not raise."""
    _stoppers.add(stop)
    try:
        yield
    finally:
        _stoppers.discard(stop)


def progress(note: str) -> None:
    """Say what an interruption from now on leaves behind ("main is at abc123: ...")."""
    _state.note = note


def interrupted() -> bool:
    """Has a signal arrived (raised or held back)?"""
    return _state.raised or _state.pending is not None


@contextmanager
def critical() -> Iterator[None]:
    """Hold signals back while the block runs; raise the held-back one when it ends.

    The line printed is the :func:`progress` note of that moment: what the block (or, when it
    failed, its undo) left.
    """
    _state.depth += 1
    try:
        yield
    except BaseException as exc:
        _state.depth -= 1
        if _state.depth == 0 and _state.pending is not None and not _state.raised:
            _state.raised = True
            raise Interrupted(_state.pending, _state.note) from exc
        raise
    _state.depth -= 1
    if _state.depth == 0 and _state.pending is not None and not _state.raised:
        _state.raised = True
        raise Interrupted(_state.pending, _state.note)


def finish(code: int) -> int:
    """At exit: hold every further signal; a signal held back until now sets the exit code."""
    _state.raised = True
    if _state.pending is not None and code != _state.pending + 128:
        exc = Interrupted(_state.pending, "the command had already completed")
        sys.stderr.write(message(exc) + "\n")
        return exc.exit_code
    return code


def message(exc: BaseException) -> str:
    """The one line for an interruption."""
    if isinstance(exc, Interrupted):
        name = signal.Signals(exc.signum).name
        return f"error: interrupted by {name}; {exc.note}"
    return "error: interrupted; nothing was changed"


def exit_code(exc: BaseException) -> int:
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT
