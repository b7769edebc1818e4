"""The one place that runs git: :class:`Gateway` and the token handling of network calls.

Every git process starts in :meth:`Gateway.run` (the repository is found by ``git rev-parse``,
as git itself finds it) and its failures become :mod:`gitops_promote.errors` classes carrying
git's own (token-scrubbed) message. A git process is never left running: when a signal
interrupts the wait (see :mod:`gitops_promote.interrupt`), a local git call is waited for (it
runs in its own process group, so a terminal's Ctrl-C reaches only this program, which decides)
and a network call is given a moment, then stopped; both are reaped before the interruption
goes on.

A token reaches git only through ``GIT_CONFIG_*`` environment variables of the one network process
that needs it (an ``http.extraHeader``), never on a command line, in ``.git/config``, in a remote
URL or in an error message.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from .. import interrupt
from ..errors import GitError, NotFoundError

ZERO_SHA = "0" * 40
SHA_RE = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")

_CREDENTIAL_FAILURES = (
    "could not read Username",
    "could not read Password",
    "Authentication failed",
    "The requested URL returned error: 401",
    "The requested URL returned error: 403",
)


@dataclass(frozen=True)
class PushAuth:
    """Credentials for one push or fetch over HTTP(S).

    The token is sent as an ``Authorization`` header of that one git process only; it is never
    stored anywhere.
    """

    token: str
    username: str = "x-access-token"

    def __repr__(self) -> str:
        return f"PushAuth(token='***', username={self.username!r})"


class Result(NamedTuple):
    """What one git process left: its exit status, stdout (bytes) and scrubbed stderr."""

    status: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        """stdout decoded and stripped."""
        return self.stdout.decode("utf-8", "replace").strip()


def short(sha: str | None) -> str:
    return sha[:12] if sha else "(none)"


def one_line(text: str) -> str:
    """git's stderr as one line: hints and blank lines dropped, the rest joined by '; '."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("hint:"):
            continue
        lines.append(line)
    joined = "; ".join(lines)
    if any(marker in joined for marker in _CREDENTIAL_FAILURES):
        return (
            "the remote rejected the credentials: check GITHUB_TOKEN / --token and that it "
            f"has contents: write permission ({joined})"
        )
    return joined


def strip_credentials(url: str) -> str:
    """``url`` without a password (or token) in its user-info part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def auth_env(auth: PushAuth | None) -> tuple[dict[str, str], list[str]]:
    """Environment for one network git process, and the secrets to scrub from its output."""
    env = {"GIT_TERMINAL_PROMPT": "0"}
    if auth is None or not auth.token:
        return env, []
    import base64  # here, as tempfile and shutil below: few runs need them, all would load them

    basic = base64.b64encode(f"{auth.username}:{auth.token}".encode()).decode("ascii")
    header = f"Authorization: Basic {basic}"
    base = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    # An empty value first resets extra headers inherited from config files (for example the
    # one actions/checkout persists), so exactly one Authorization header is sent.
    entries = [("http.extraHeader", ""), ("http.extraHeader", header)]
    for i, (key, value) in enumerate(entries, start=base):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    env["GIT_CONFIG_COUNT"] = str(base + len(entries))
    return env, [auth.token, basic, header]


def scrub(text: str, auth: PushAuth | None) -> str:
    """``text`` with every form of ``auth``'s token replaced by ``***``."""
    for secret in auth_env(auth)[1]:
        text = text.replace(secret, "***")
    return text


#: seconds an interrupted network git call may still take to finish on its own before it is stopped
NETWORK_GRACE = 3.0


#: Popen arguments that start a git process in a process group of its own (see _run_process)
_OWN_GROUP: dict[str, Any] = (
    {"process_group": 0}
    if sys.version_info >= (3, 11)
    else {"preexec_fn": os.setpgrp}  # pragma: no cover - Python 3.10
)


def _run_process(
    argv: list[str],
    cwd: Path,
    input: bytes | None,
    env: Mapping[str, str],
    timeout: float | None,
    *,
    network: bool,
) -> tuple[int, bytes, bytes]:
    """Run one git process to its end: (exit status, stdout, stderr).

    Local calls run in a process group of their own: a terminal's Ctrl-C reaches this program
    only, and the call (a few milliseconds) is allowed to finish, so each git call either happened
    whole or not at all. Network calls stay in the terminal's group (ssh may need to ask for a
    passphrase); when interrupted they get :data:`NETWORK_GRACE` seconds, then are stopped.
    """
    extra = {} if network else _OWN_GROUP
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **extra,
        )
    except FileNotFoundError as exc:
        raise GitError(f"git is not installed or not on PATH: {exc}") from None
    # A local call runs whole: in the main thread (where signals arrive) they are held back
    # until it ends. communicate could not be resumed with its input after an interruption.
    holding = (
        interrupt.critical()
        if not network and threading.current_thread() is threading.main_thread()
        else contextlib.nullcontext()
    )
    try:
        with holding:
            out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise GitError(
            f"git {argv[1] if len(argv) > 1 else ''} timed out after {timeout:g} seconds"
            " (is the remote reachable?)"
        ) from None
    except BaseException:
        # Interrupted: no further signal is raised now (see interrupt.py). Reap the child.
        if network:
            try:
                proc.communicate(timeout=NETWORK_GRACE)
            except subprocess.TimeoutExpired:
                _stop(proc)
        elif proc.poll() is None:
            # stopped inside the call without the signal handler (a library user's Ctrl-C):
            # the rest of the input cannot be sent again, so git gets its end and is waited for
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            proc.communicate()
        raise
    return proc.returncode, out, err


@dataclass
class Streamed:
    """How a streamed git process ended (see :meth:`Gateway.stream`): set after its last chunk."""

    status: int = -1
    stderr: str = ""


def _stream_process(
    argv: list[str], cwd: Path, env: Mapping[str, str], ended: Streamed, size: int
) -> Iterator[bytes]:
    """stdout of a local, read-only git process in chunks as it is written; its exit status and
    stderr in ``ended`` after the last one. A consumer that stops early, or a signal to the
    command (seen between chunks, also in a worker thread that signals never reach), stops the
    process: it only reads, so nothing is left half done."""
    import tempfile  # here: see auth_env

    extra = _OWN_GROUP
    with tempfile.TemporaryFile() as errors:  # a file: stderr can never fill a pipe and block
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                **extra,
            )
        except FileNotFoundError as exc:
            raise GitError(f"git is not installed or not on PATH: {exc}") from None
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        done = False

        def stop() -> None:  # the process group: git and any helper it started
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGTERM)

        try:
            with interrupt.stopping(stop):
                while chunk := os.read(fd, size):
                    if interrupt.interrupted():
                        break
                    yield chunk
            if interrupt.interrupted():  # the command is being stopped: so is this read
                raise GitError(f"git {argv[1]} stopped: the command was interrupted")
            proc.wait()
            done = True
        finally:
            if not done:
                _stop(proc)
            proc.stdout.close()
        errors.seek(0)
        ended.stderr = errors.read().decode("utf-8", "replace")
        ended.status = proc.returncode


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a git process and the helpers it started (``git-remote-https``, ssh).

    SIGTERM lets git remove its lock files; SIGKILL follows if any lingers. The pipes are closed
    rather than read to their end: a helper that outlived git could hold them open forever.
    """
    family = [proc.pid, *_descendants(proc.pid)]
    for pid in reversed(family):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        for pid in family:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _descendants(pid: int) -> list[int]:
    """Process ids of the children of ``pid``, their children and so on (Linux /proc)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and fields[1].isdigit():
            children.setdefault(int(fields[1]), []).append(int(name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@contextmanager
def parsing(what: str) -> Iterator[None]:
    """Where git's output is taken apart: an answer of an unexpected shape is a GitError."""
    try:
        yield
    except (ValueError, IndexError) as exc:  # UnicodeDecodeError is a ValueError
        raise GitError(f"{what} returned an answer this program cannot read ({exc})") from None


@contextmanager
def scratch_dir(prefix: str = "gitops-promote-") -> Iterator[str]:
    """A private temporary folder (``gitops-promote-*``), removed on every exit, signals too."""
    import shutil  # here: see auth_env
    import tempfile

    path: str | None = None
    try:
        with interrupt.critical():
            path = tempfile.mkdtemp(prefix=prefix)
        yield path
    finally:
        if path is not None:
            with interrupt.critical():
                shutil.rmtree(path, ignore_errors=True)


class Gateway:
    """A git work tree, and the git CLI run at its root."""

    #: seconds a network git call (push, fetch, ls-remote) may take before it is killed
    network_timeout: float = 120.0

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        self._exe = "git"
        missing = f"not a git repository (or any parent up to /): {p}"
        if not p.is_dir():
            raise NotFoundError(missing)
        # One rev-parse finds the work tree as git itself does (GIT_DIR, worktrees, ceilings,
        # safe.directory): a few milliseconds, where a library's discovery costs an import
        # and git processes of its own on every command. It also says whether the clone is
        # shallow (every command that counts versions must know) and where HEAD is (every
        # command reads the checked-out branch), so that no command asks again.
        status, out, err = _run_process(
            [
                self._exe,
                "rev-parse",
                "--is-bare-repository",
                "--show-toplevel",
                "--is-shallow-repository",
                "--git-path",
                "shallow",
                "HEAD^{commit}",
                "--symbolic-full-name",
                "HEAD",
            ],
            p,
            None,
            {**os.environ, "GIT_TERMINAL_PROMPT": "0"},
            None,
            network=False,
        )
        lines = out.decode("utf-8", "surrogateescape").splitlines()
        # An unborn HEAD (no commit yet) fails after the first four answers: found, HEAD unknown.
        found = len(lines) >= 4 and lines[0] == "false" and Path(lines[1]).is_absolute()
        if not found:
            if lines[:1] == ["true"]:
                raise NotFoundError(f"{p} is a bare git repository: a work tree is needed")
            message = one_line(err.decode("utf-8", "replace"))
            if not message or "not a git repository" in message:
                raise NotFoundError(missing)
            raise NotFoundError(f"{p}: {message.removeprefix('fatal: ')}")
        self.root: Path = Path(lines[1]).resolve()
        #: the file listing a shallow clone's boundary commits; None when the clone is whole
        self.shallow_file: Path | None = (p / lines[3]).resolve() if lines[2] == "true" else None
        #: revisions whose whole history is known to be here, "*" for all of them (see
        #: log.require_full_history)
        self.whole_history: set[str] = set() if self.shallow_file else {"*"}
        #: HEAD when the work tree was found: (the checked-out branch, None when detached; its
        #: commit); None when git could not say (no commit yet)
        self.head_at_open: tuple[str | None, str] | None = None
        if status == 0 and len(lines) == 6 and SHA_RE.match(lines[4]):
            branch = (
                lines[5].removeprefix("refs/heads/") if lines[5].startswith("refs/heads/") else None
            )
            self.head_at_open = (branch, lines[4])

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        check: bool = True,
        secrets: Sequence[str] = (),
        what: str | None = None,
    ) -> Result:
        """Run ``git ARGS`` at the work tree root; raise GitError unless ``check`` is false."""
        full_env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
        if env:
            full_env.update(env)
        status, stdout, err = _run_process(
            [self._exe, *args], self.root, input, full_env, timeout, network=timeout is not None
        )
        stderr = err.decode("utf-8", "replace")
        for secret in secrets:
            if secret:
                stderr = stderr.replace(secret, "***")
        result = Result(status, stdout, stderr)
        if check and result.status != 0:
            detail = one_line(stderr) or f"exit code {result.status}"
            raise GitError(f"{what or 'git ' + args[0]} failed: {detail}")
        return result

    def stream(self, *args: str, ended: Streamed, size: int = 1 << 16) -> Iterator[bytes]:
        """stdout of a local read-only ``git ARGS`` as it is written (a long ``git log``, parsed
        while git still walks the history); ``ended`` holds the exit status and stderr once the
        last chunk is read. Not checked: the caller reads ``ended`` and decides."""
        env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
        return _stream_process([self._exe, *args], self.root, env, ended, size)

    def out(self, *args: str, **kwargs: Any) -> str:
        """stdout of ``git ARGS`` (which must succeed), decoded and stripped."""
        return self.run(*args, **kwargs).text

    def network(
        self,
        *args: str,
        auth: PushAuth | None,
        what: str,
        check: bool = True,
        timeout: float | None = None,
    ) -> Result:
        """Run a push/fetch/ls-remote with ``auth`` as its only credentials, under a timeout."""
        env, secrets = auth_env(auth)
        # A URL-specific header in config (http.<url>.extraHeader) outranks a plain one, so the
        # header is also set for the remote's exact URL, which is at least as specific as any
        # URL-specific setting that applies to it.
        url = self._url_for_args(args)
        if url and auth is not None and auth.token:
            base = int(env["GIT_CONFIG_COUNT"])
            header = secrets[2]
            for i, value in enumerate(("", header), start=base):
                env[f"GIT_CONFIG_KEY_{i}"] = f"http.{url}.extraHeader"
                env[f"GIT_CONFIG_VALUE_{i}"] = value
            env["GIT_CONFIG_COUNT"] = str(base + 2)
        return self.run(
            *args,
            env=env,
            timeout=min(timeout, self.network_timeout) if timeout else self.network_timeout,
            check=check,
            secrets=secrets,
            what=what,
        )

    def _url_for_args(self, args: Sequence[str]) -> str | None:
        """The http(s) URL (without credentials) of the remote named in a push/fetch command."""
        positional = [a for a in args[1:] if not a.startswith("-")]
        if not positional:
            return None
        remote = positional[0]
        url: str | None = remote
        if "://" not in remote:
            get_url = ["remote", "get-url", *(["--push"] if args[0] == "push" else []), remote]
            res = self.run(*get_url, check=False)
            url = res.text if res.status == 0 else None
        if not url or not url.startswith(("http://", "https://")):
            return None
        return strip_credentials(url)
