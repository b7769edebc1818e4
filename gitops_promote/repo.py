"""The git layer: read specs at a ref, commit, branch and push, leaving the user's checkout alone.

This is the only module that imports GitPython. Every git call goes through
:meth:`GitRepository._run`, which runs the git CLI through ``git.Repo(...).git.execute`` and turns
failures into :mod:`gitops_promote.errors` classes carrying git's own (token-scrubbed) message.

Principles:

- Files are read at refs (``git cat-file --batch``), never by checking anything out.
- Commits are built in a temporary index file (``GIT_INDEX_FILE``): ``read-tree`` the parent,
  ``update-index --index-info`` the new blobs, ``write-tree``, ``commit-tree``. Branches move by
  compare-and-swap (``git update-ref REF NEW OLD``).
- When the branch being committed to is checked out, only the changed paths are written to the
  work tree and to the index; every other staged or unstaged change of the user stays as it was.
- A token reaches git only through ``GIT_CONFIG_*`` environment variables of the one network
  process that needs it (an ``http.extraHeader``), never on a command line, in ``.git/config``,
  in a remote URL or in an error message.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import git

from .errors import (
    ConflictError,
    GitError,
    GitopsPromoteError,
    NotFoundError,
    RefusedError,
    UsageError,
)
from .messages import BOT_EMAIL, BOT_NAME

ZERO_SHA = "0" * 40
_SHA_RE = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_REMOTE_MOVED = ("fetch first", "non-fast-forward")


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


@dataclass(frozen=True)
class CommitResult:
    """The outcome of :meth:`GitRepository.commit_files`."""

    sha: str
    parent: str
    pushed: bool
    rebased_onto: str | None


@dataclass(frozen=True)
class FileChange:
    """One commit touching a file, as ``git log --follow --raw`` reports it (see :meth:`file_log`).

    ``status`` is git's diff status letter (``A`` added, ``M`` modified, ``D`` deleted, ``R``
    renamed, ``C`` copied, ``T`` type changed) or ``M`` for a merge whose result differs from every
    parent. ``blob`` is ``None`` when the file is deleted by the commit, ``old_blob`` when it did
    not exist in the parent.
    """

    sha: str
    parents: tuple[str, ...]
    date: str
    author: str
    email: str
    message: str
    status: str
    old_path: str | None
    path: str
    old_blob: str | None
    blob: str | None


@dataclass(frozen=True)
class _Result:
    status: int
    stdout: bytes
    stderr: str


def _short(sha: str | None) -> str:
    return sha[:12] if sha else "(none)"


def _one_line(text: str) -> str:
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


_CREDENTIAL_FAILURES = (
    "could not read Username",
    "could not read Password",
    "Authentication failed",
    "The requested URL returned error: 401",
    "The requested URL returned error: 403",
)


def _strip_credentials(url: str) -> str:
    """``url`` without a password (or token) in its user-info part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class GitRepository:
    """A git work tree, driven through the git CLI."""

    #: seconds a network git call (push, fetch, ls-remote) may take before it is killed
    network_timeout: float = 120.0

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        try:
            repo = git.Repo(p, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise NotFoundError(f"not a git repository (or any parent up to /): {p}") from exc
        if repo.bare or repo.working_tree_dir is None:
            raise NotFoundError(f"{p} is a bare git repository: a work tree is needed")
        self._repo = repo
        self.root: Path = Path(repo.working_tree_dir).resolve()
        self._exe = str(git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git")

    def __repr__(self) -> str:
        return f"GitRepository({str(self.root)!r})"

    # ------------------------------------------------------------------ running git

    def _run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        check: bool = True,
        secrets: Sequence[str] = (),
        what: str | None = None,
    ) -> _Result:
        """Run ``git ARGS`` at the work tree root; raise GitError unless ``check`` is false."""
        full_env = {"GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
        if env:
            full_env.update(env)
        kwargs: dict[str, Any] = {}
        if timeout is not None:
            kwargs["kill_after_timeout"] = timeout
        execute: Any = self._repo.git.execute
        with contextlib.ExitStack() as stack:
            stdin: IO[bytes] | None = None
            if input is not None:
                stdin = stack.enter_context(tempfile.TemporaryFile())
                stdin.write(input)
                stdin.seek(0)
            try:
                status, out, err = execute(
                    [self._exe, *args],
                    istream=stdin,
                    with_extended_output=True,
                    with_exceptions=False,
                    stdout_as_string=False,
                    strip_newline_in_stdout=False,
                    env=full_env,
                    **kwargs,
                )
            except git.GitCommandNotFound as exc:
                raise GitError(f"git is not installed or not on PATH: {exc}") from None
        stderr = err if isinstance(err, str) else (err or b"").decode("utf-8", "replace")
        for secret in secrets:
            if secret:
                stderr = stderr.replace(secret, "***")
        stdout = out if isinstance(out, bytes) else (out or "").encode()
        result = _Result(int(status or 0), stdout, stderr)
        if check and result.status != 0:
            detail = _one_line(stderr) or f"exit code {result.status}"
            raise GitError(f"{what or 'git ' + args[0]} failed: {detail}")
        return result

    def _out(self, *args: str, **kwargs: Any) -> str:
        return self._run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()

    @staticmethod
    def _auth_env(auth: PushAuth | None) -> tuple[dict[str, str], list[str]]:
        """Environment for one network git process, and the secrets to scrub from its output."""
        env = {"GIT_TERMINAL_PROMPT": "0"}
        if auth is None or not auth.token:
            return env, []
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

    def _network(self, *args: str, auth: PushAuth | None, what: str, check: bool = True) -> _Result:
        env, secrets = self._auth_env(auth)
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
        return self._run(
            *args,
            env=env,
            timeout=self.network_timeout,
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
            res = self._run(*get_url, check=False)
            url = res.stdout.decode("utf-8", "replace").strip() if res.status == 0 else None
        if not url or not url.startswith(("http://", "https://")):
            return None
        return _strip_credentials(url)

    # ------------------------------------------------------------------ reading

    def current_branch(self) -> str | None:
        """The checked-out branch of this work tree, or ``None`` when HEAD is detached."""
        res = self._run("symbolic-ref", "-q", "HEAD", check=False)
        ref = res.stdout.decode("utf-8", "replace").strip()
        if res.status != 0 or not ref.startswith("refs/heads/"):
            return None
        return ref[len("refs/heads/") :]

    def rev_parse(self, rev: str) -> str | None:
        """The full sha ``rev`` names (peeled to a commit when it names a tag), or ``None``."""
        if not rev:
            return None
        for candidate in (f"{rev}^{{commit}}", rev):
            res = self._run(
                "rev-parse", "--verify", "-q", "--end-of-options", candidate, check=False
            )
            sha = res.stdout.decode().strip()
            if res.status == 0 and _SHA_RE.match(sha):
                return sha
        return None

    def _commit_sha(self, rev: str) -> str:
        sha = self._run(
            "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        out = sha.stdout.decode().strip()
        if sha.status != 0 or not _SHA_RE.match(out):
            raise NotFoundError(f"unknown revision {rev!r}")
        return out

    def read_file(self, ref: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``ref``, or ``None`` if it is absent there."""
        return self.read_files(ref, [path])[self._norm(path)]

    def read_files(self, ref: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """Several files at ``ref`` in one ``git cat-file --batch``; keys are normalized paths.

        NotFoundError if ``ref`` names no commit or tree.
        """
        norm = [self._norm(p) for p in paths]
        if ref.startswith("-") or any(c in ref for c in "\n\0"):
            raise NotFoundError(f"unknown revision {ref!r}")
        lines = [f"{ref}^{{tree}}"] + [f"{ref}:{p}" for p in norm]
        data = self._run("cat-file", "--batch", input=("\n".join(lines) + "\n").encode()).stdout
        results: list[bytes | None] = []
        pos = 0
        kinds: list[str] = []
        for _ in lines:
            end = data.index(b"\n", pos)
            header = data[pos:end].decode("utf-8", "replace")
            pos = end + 1
            fields = header.split(" ")
            if header.endswith((" missing", " ambiguous")) or len(fields) != 3:
                kinds.append("missing")
                results.append(None)
                continue
            size = int(fields[2])
            content = data[pos : pos + size]
            pos += size + 1
            kinds.append(fields[1])
            results.append(content if fields[1] == "blob" else None)
        if kinds[0] != "tree":
            raise NotFoundError(f"unknown revision {ref!r}")
        return dict(zip(norm, results[1:], strict=True))

    def list_dir(self, ref: str, directory: str) -> list[str]:
        """Names of the files (not subdirectories) directly in ``directory`` at ``ref``, sorted."""
        d = self._norm(directory, allow_root=True)
        tree = f"{ref}^{{tree}}" if not d else f"{ref}:{d}"
        self._commit_or_tree(ref)
        res = self._run("ls-tree", "-z", "--end-of-options", tree, check=False)
        if res.status != 0:
            return []
        names = []
        for entry in res.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            if meta.split(b" ")[1] == b"blob":
                names.append(name.decode("utf-8", "surrogateescape"))
        return sorted(names)

    def list_tree(self, ref: str) -> dict[str, str]:
        """Every file at ``ref`` (one ``git ls-tree -r``): path -> mode (``120000``: symlink)."""
        self._commit_or_tree(ref)
        res = self._run("ls-tree", "-r", "-z", "--end-of-options", f"{ref}^{{tree}}")
        files = {}
        for entry in res.stdout.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            if entry and meta.split(b" ")[1] == b"blob":
                files[name.decode("utf-8", "surrogateescape")] = meta.split(b" ")[0].decode()
        return files

    def _commit_or_tree(self, ref: str) -> None:
        res = self._run(
            "rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{tree}}", check=False
        )
        if res.status != 0:
            raise NotFoundError(f"unknown revision {ref!r}")

    def dirty_paths(self, paths: Sequence[str]) -> list[str]:
        """Which of ``paths`` (normalized) have staged, unstaged or untracked changes."""
        norm = [self._norm(p) for p in paths]
        if not norm:
            return []
        res = self._run(
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignore-submodules=none",
            "--",
            *norm,
            env={"GIT_OPTIONAL_LOCKS": "0"},
        )
        changed: set[str] = set()
        tokens = res.stdout.split(b"\0")
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if len(tok) < 4:
                continue
            xy = tok[:2].decode()
            changed.add(tok[3:].decode("utf-8", "surrogateescape"))
            if "R" in xy or "C" in xy:
                if i < len(tokens):
                    changed.add(tokens[i].decode("utf-8", "surrogateescape"))
                i += 1
        return [p for p in norm if p in changed or any(c.startswith(p + "/") for c in changed)]

    # ------------------------------------------------------------------ paths

    @staticmethod
    def _norm(path: str, *, allow_root: bool = False) -> str:
        """Lexically normalize a repository-relative path; UsageError for unsafe names."""
        if "\0" in path or "\n" in path or "\r" in path:
            raise UsageError(f"invalid path {path!r}: control characters are not allowed")
        if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path):
            raise UsageError(
                f"{path}: absolute paths are not allowed; use a path inside the repository"
            )
        parts = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                raise UsageError(f"{path}: '..' is not allowed in a path")
            if part.lower() == ".git":
                raise UsageError(f"{path}: paths inside .git are not allowed")
            parts.append(part)
        if not parts and not allow_root:
            raise UsageError(f"{path!r} does not name a file")
        return "/".join(parts)

    def safe_path(self, path: str) -> str:
        """``path`` as a normalized repository-relative POSIX path.

        UsageError for ``..``, absolute paths, and paths whose work-tree file or a parent of it is
        a symlink leading outside the repository (or into ``.git``).
        """
        norm = self._norm(path)
        real = Path(os.path.realpath(self.root / norm))
        try:
            rel = real.relative_to(self.root)
        except ValueError:
            raise UsageError(f"{norm}: leads outside the repository through a symlink") from None
        if rel.parts and rel.parts[0].lower() == ".git":
            raise UsageError(f"{norm}: leads into .git through a symlink")
        return norm

    # ------------------------------------------------------------------ branches

    def _branch_ref(self, branch: str) -> str:
        if not branch or branch.startswith("-"):
            raise UsageError(f"invalid branch name {branch!r}")
        ref = f"refs/heads/{branch}"
        if self._run("check-ref-format", ref, check=False).status != 0:
            raise UsageError(f"invalid branch name {branch!r}")
        return ref

    def _checkouts(self) -> dict[str, Path]:
        """Branch name -> work tree that has it checked out (this one and any linked ones)."""
        out = self._run("worktree", "list", "--porcelain", "-z", check=False)
        result: dict[str, Path] = {}
        current: Path | None = None
        for field in out.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if field.startswith("worktree "):
                current = Path(field[len("worktree ") :])
            elif field.startswith("branch refs/heads/") and current is not None:
                result[field[len("branch refs/heads/") :]] = current
        return result

    def _where_checked_out(self, branch: str) -> tuple[bool, Path | None]:
        """(checked out in this work tree, other work tree that has it checked out)."""
        if self.current_branch() == branch:
            return True, None
        other = self._checkouts().get(branch)
        if other is not None and other.resolve() != self.root:
            return False, other
        return False, None

    def delete_branch(self, branch: str) -> None:
        """Delete a local (promotion) branch; nothing happens if it does not exist."""
        ref = self._branch_ref(branch)
        here, elsewhere = self._where_checked_out(branch)
        if here or elsewhere:
            raise RefusedError(f"branch {branch} is checked out; refusing to delete it")
        old = self.rev_parse(ref)
        if old is None:
            return
        self._run("update-ref", "-d", ref, old, what=f"deleting branch {branch}")

    def set_branch(self, branch: str, sha: str) -> None:
        """Force-set a local (promotion) branch to ``sha``; refused when it is checked out."""
        ref = self._branch_ref(branch)
        here, elsewhere = self._where_checked_out(branch)
        if here or elsewhere:
            raise RefusedError(f"branch {branch} is checked out; refusing to move it")
        full = self._commit_sha(sha)
        self._run("update-ref", "-m", "gitops-promote: adopt", ref, full, what=f"moving {branch}")

    def fetch_branch(
        self, branch: str, remote: str = "origin", auth: PushAuth | None = None
    ) -> str | None:
        """Fetch ``branch`` from ``remote`` (objects and tracking ref); its sha, or None."""
        return self._fetch_branch(remote, branch, auth)

    def remote_url(self, remote: str = "origin") -> str | None:
        """The URL of ``remote`` (with any password or token in it removed), or ``None``."""
        if not remote or remote.startswith("-"):
            return None
        res = self._run("remote", "get-url", "--", remote, check=False)
        if res.status != 0:
            return None
        url = res.stdout.decode("utf-8", "replace").strip()
        return _strip_credentials(url) if url else None

    def diff_text(self, old: bytes, new: bytes, path: str) -> str:
        """Unified diff of ``old`` -> ``new``, ``a/PATH`` and ``b/PATH`` headers; "" if equal."""
        norm = self._norm(path)
        with tempfile.TemporaryDirectory(prefix="gitops-promote-diff-") as tmp:
            a = Path(tmp, "a", norm)
            b = Path(tmp, "b", norm)
            for target, data in ((a, old), (b, new)):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            res = self._run(
                "-C",
                tmp,
                "-c",
                "core.quotePath=false",
                "diff",
                "--no-index",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--no-prefix",
                "--",
                f"a/{norm}",
                f"b/{norm}",
                check=False,
            )
        if res.status not in (0, 1):
            raise GitError(f"git diff failed: {_one_line(res.stderr)}")
        return res.stdout.decode("utf-8", "replace")

    # ------------------------------------------------------------------ history

    def file_log(self, path: str, ref: str = "HEAD") -> list[FileChange]:
        """Commits that touched ``path`` reachable from ``ref``, newest first, from ONE ``git log``.

        Follows renames (``--follow``), uses git's default history simplification, and shows a
        merge only when its result differs from every parent (combined diff). Commits whose diff
        does not name the file are left out.
        """
        norm = self._norm(path)
        if ref.startswith("-"):
            raise NotFoundError(f"unknown revision {ref!r}")
        res = self._run(
            "-c",
            "log.showSignature=false",
            "log",
            "--follow",
            "--date-order",
            "--no-abbrev",
            "--raw",
            "-z",
            "--no-color",
            "--diff-merges=dense-combined",
            "--format=%x1e%H%x00%P%x00%aI%x00%an%x00%ae%x00%B%x00",
            "--end-of-options",
            ref,
            "--",
            norm,
            check=False,
        )
        if res.status != 0:
            msg = _one_line(res.stderr)
            if "unknown revision" in msg or "bad revision" in msg or "ambiguous argument" in msg:
                if self._unborn(ref):
                    return []  # a branch without commits yet: no versions
                raise NotFoundError(f"unknown revision {ref!r}")
            if "does not have any commits" in msg:
                return []
            raise GitError(f"git log failed: {msg}")
        return _parse_log(res.stdout)

    def _unborn(self, ref: str) -> bool:
        """True when ``ref`` is HEAD (or its branch) and that branch has no commit yet."""
        branch = self.current_branch()
        names = {"HEAD", "@"} | ({branch, f"refs/heads/{branch}"} if branch else set())
        if ref not in names:
            return False
        return self.rev_parse("HEAD") is None

    # ------------------------------------------------------------------ writing

    def _hash_blobs(self, changes: Mapping[str, bytes], tmp: str) -> dict[str, str]:
        """Write every change as a blob (bytes exactly as given: no filters); path -> blob sha."""
        files = []
        for i, data in enumerate(changes.values()):
            f = Path(tmp, f"blob-{i}")
            f.write_bytes(data)
            files.append(str(f))
        out = self._out("hash-object", "-w", "--no-filters", "--", *files).split()
        if len(out) != len(files):
            raise GitError("git hash-object returned an unexpected answer")
        return dict(zip(changes, out, strict=True))

    def _check_tree_shape(self, commit: str, paths: Sequence[str]) -> None:
        """UsageError when a path is a directory at ``commit``, or one of its parents a file."""
        queries: list[tuple[str, str]] = []
        for p in paths:
            queries.append((p, "file"))
            parts = p.split("/")
            queries.extend(("/".join(parts[:i]), "dir") for i in range(1, len(parts)))
        text = "".join(f"{commit}:{q}\n" for q, _ in queries)
        out = self._run("cat-file", "--batch-check", input=text.encode()).stdout.decode()
        for (q, want), line in zip(queries, out.splitlines(), strict=True):
            kind = "missing" if line.endswith(" missing") else line.split(" ")[-2]
            if want == "file" and kind == "tree":
                raise UsageError(f"{q} is a directory; cannot write it as a file")
            if want == "dir" and kind not in ("tree", "missing"):
                raise UsageError(f"{q} is a file; cannot write a file inside it")

    def _build_commit(self, parent: str, blobs: Mapping[str, str], message: str, tmp: str) -> str:
        """A new commit: ``parent``'s tree with ``blobs`` (path -> blob) in it. No ref moves."""
        self._check_tree_shape(parent, list(blobs))
        index = Path(tmp, "index")
        if index.exists():
            index.unlink()
        env = {"GIT_INDEX_FILE": str(index)}
        self._run("read-tree", parent, env=env)
        modes: dict[str, str] = {}
        listing = self._run("ls-files", "-s", "-z", "--", *blobs, env=env).stdout
        for entry in listing.split(b"\0"):
            if entry:
                meta, _, name = entry.partition(b"\t")
                modes[name.decode("utf-8", "surrogateescape")] = meta.split(b" ")[0].decode()
        info = "".join(
            f"{modes.get(p, '100644') if modes.get(p) in ('100644', '100755') else '100644'}"
            f" {sha}\t{p}\n"
            for p, sha in blobs.items()
        )
        self._run("update-index", "--add", "--index-info", input=info.encode(), env=env)
        tree = self._out("write-tree", env=env)
        body = message if message.endswith("\n") else message + "\n"
        res = self._run(
            "commit-tree", tree, "-p", parent, "-F", "-", input=body.encode(), check=False
        )
        if (
            res.status != 0
            and os.environ.get("GITHUB_ACTIONS") == "true"
            and ("identity" in res.stderr or "empty ident" in res.stderr)
        ):
            # A runner has no git identity configured: commit as the Actions bot.
            ident = {
                "GIT_AUTHOR_NAME": BOT_NAME,
                "GIT_AUTHOR_EMAIL": BOT_EMAIL,
                "GIT_COMMITTER_NAME": BOT_NAME,
                "GIT_COMMITTER_EMAIL": BOT_EMAIL,
            }
            res = self._run(
                "commit-tree",
                tree,
                "-p",
                parent,
                "-F",
                "-",
                input=body.encode(),
                env=ident,
                check=False,
            )
        if res.status != 0:
            raise GitError(f"git commit-tree failed: {_one_line(res.stderr)}")
        return res.stdout.decode().strip()

    def _move_ref(self, ref: str, new: str, old: str | None, message: str) -> bool:
        """Compare-and-swap ``ref`` from ``old`` (None: must not exist) to ``new``."""
        res = self._run("update-ref", "-m", message, ref, new, old or ZERO_SHA, check=False)
        return res.status == 0

    def _tree_entries(self, commit: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
        """path -> (mode, sha) at ``commit`` for those of ``paths`` that exist there."""
        if not paths:
            return {}
        out = self._run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths).stdout
        entries: dict[str, tuple[str, str]] = {}
        for entry in out.split(b"\0"):
            if entry:
                meta, _, name = entry.partition(b"\t")
                mode, _type, sha = meta.decode().split(" ")
                entries[name.decode("utf-8", "surrogateescape")] = (mode, sha)
        return entries

    def _sync_worktree(self, commit: str, paths: Sequence[str]) -> None:
        """Make the work tree files and index entries of ``paths`` match ``commit``.

        Only those paths are touched; on failure, the files already written are put back.
        """
        entries = self._tree_entries(commit, paths)
        contents = self.read_files(commit, [p for p in paths if p in entries])
        saved: list[tuple[Path, bytes | None, int | None, bool]] = []
        try:
            for p in paths:
                target = self.root / p
                was_link = target.is_symlink()
                old: bytes | None = None
                old_mode: int | None = None
                if was_link:
                    old = os.readlink(target).encode("utf-8", "surrogateescape")
                elif target.is_file():
                    old = target.read_bytes()
                    old_mode = stat.S_IMODE(target.stat().st_mode)
                saved.append((target, old, old_mode, was_link))
                entry = entries.get(p)
                if entry is None:
                    if was_link or target.is_file():
                        target.unlink()
                        _prune_empty_dirs(target.parent, self.root)
                    continue
                mode, _sha = entry
                if mode == "160000":
                    continue
                data = contents.get(p) or b""
                _write_atomic(target, data, mode)
            info = []
            for p in paths:
                entry = entries.get(p)
                if entry is None:
                    info.append(f"0 {'0' * len(commit)}\t{p}\n")
                else:
                    info.append(f"{entry[0]} {entry[1]}\t{p}\n")
            self._run(
                "update-index", "--add", "--remove", "--index-info", input="".join(info).encode()
            )
        except BaseException:
            for target, old, old_mode, was_link in reversed(saved):
                try:
                    if target.is_symlink() or target.exists():
                        target.unlink()
                    if old is not None:
                        if was_link:
                            os.symlink(old.decode("utf-8", "surrogateescape"), target)
                        else:
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_bytes(old)
                            if old_mode is not None:
                                os.chmod(target, old_mode)
                except OSError:
                    pass
            raise
        # Refresh stat information so plumbing sees the rewritten files as clean; this never
        # changes any entry's content.
        self._run("update-index", "-q", "--refresh", check=False)

    def _changed_between(self, old: str, new: str, paths: Sequence[str] | None = None) -> list[str]:
        args = ["diff", "--name-only", "--no-renames", "-z", old, new]
        if paths is not None:
            if not paths:
                return []
            args += ["--", *paths]
        out = self._run(*args).stdout
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def _is_ancestor(self, old: str, new: str) -> bool:
        return self._run("merge-base", "--is-ancestor", old, new, check=False).status == 0

    def _describe_commit(self, rev: str) -> str:
        return self._out("log", "-1", "--format=%h %s", rev)

    def commit_files(
        self,
        branch: str,
        changes: Mapping[str, bytes],
        message: str,
        *,
        expected_tip: str | None = None,
        push: bool = False,
        remote: str = "origin",
        auth: PushAuth | None = None,
        max_attempts: int = 3,
    ) -> CommitResult:
        """Commit ``changes`` (path -> new bytes) on top of ``branch`` and move the branch.

        See the module documentation; in short: the checked-out branch gets its changed files
        written to the work tree and index (refused if any of them has uncommitted changes), any
        other branch only has its ref moved. With ``push``, the commit is pushed first and the
        local branch moves only after the push succeeded; when the remote moved on, the change is
        rebuilt on the upstream tip (ConflictError if upstream changed one of the same files).
        On any failure nothing local has changed.
        """
        norm: dict[str, bytes] = {}
        for p, data in changes.items():
            norm[self.safe_path(p)] = bytes(data)
        if not norm:
            raise UsageError("nothing to commit: no files given")
        if max_attempts < 1:
            raise UsageError("max_attempts must be at least 1")
        ref = self._branch_ref(branch)
        tip = self.rev_parse(ref)
        if tip is None:
            raise NotFoundError(f"branch {branch!r} does not exist")
        if expected_tip is not None:
            expected = self.rev_parse(expected_tip)
            if expected != tip:
                raise RefusedError(
                    f"branch {branch} moved: expected it at {_short(expected or expected_tip)},"
                    f" it is at {_short(tip)}; nothing was committed"
                )
        checked_out, elsewhere = self._where_checked_out(branch)
        if elsewhere is not None:
            raise RefusedError(
                f"branch {branch} is checked out in another work tree ({elsewhere});"
                " commit there or check out another branch"
            )
        paths = list(norm)
        if checked_out:
            dirty = self.dirty_paths(paths)
            if dirty:
                raise RefusedError(
                    f"uncommitted changes to {', '.join(dirty)}: commit or stash them first;"
                    " nothing was changed"
                )
        with tempfile.TemporaryDirectory(prefix="gitops-promote-") as tmp:
            blobs = self._hash_blobs(norm, tmp)
            new = self._build_commit(tip, blobs, message, tmp)
            if not push:
                if not self._move_ref(ref, new, tip, f"gitops-promote: {_subject(message)}"):
                    raise RefusedError(
                        f"branch {branch} moved while committing; nothing was committed"
                    )
                if checked_out:
                    try:
                        self._sync_worktree(new, paths)
                    except BaseException:
                        self._move_ref(ref, tip, new, "gitops-promote: undo")
                        raise
                return CommitResult(sha=new, parent=tip, pushed=False, rebased_onto=None)

            parent = tip
            rebased: str | None = None
            upstream_paths: list[str] = []
            for attempt in range(1, max_attempts + 1):
                if self._push_ref(remote, new, ref, auth=auth):
                    break
                upstream = self._fetch_branch(remote, branch, auth)
                if upstream is None:
                    raise GitError(f"{remote}/{branch} vanished while pushing; nothing was changed")
                if not self._is_ancestor(tip, upstream):
                    raise RefusedError(
                        f"local branch {branch} and {remote}/{branch} have diverged (local has"
                        f" commits the remote does not); pull or rebase first. Nothing was changed"
                    )
                same = self._changed_between(parent, upstream, paths)
                if same:
                    last = self._out(
                        "log", "-1", "--format=%h %s", f"{parent}..{upstream}", "--", *same
                    ) or self._describe_commit(upstream)
                    raise ConflictError(
                        f"{', '.join(same)} changed upstream in {remote}/{branch} by commit"
                        f" {last}; pull, check the change and run again. Nothing was changed"
                    )
                upstream_paths = [p for p in self._changed_between(tip, upstream) if p not in norm]
                if checked_out and upstream_paths:
                    for p in upstream_paths:
                        self.safe_path(p)
                    dirty = self.dirty_paths(upstream_paths)
                    if dirty:
                        raise RefusedError(
                            f"{remote}/{branch} changed {', '.join(dirty)}, which have uncommitted"
                            " changes here: commit or stash them, then run again. Nothing was"
                            " changed"
                        )
                if attempt == max_attempts:
                    raise ConflictError(
                        f"{remote}/{branch} kept moving: gave up after {max_attempts} push"
                        " attempts. Nothing was changed"
                    )
                new = self._build_commit(upstream, blobs, message, tmp)
                parent = upstream
                rebased = upstream

            if not self._move_ref(ref, new, tip, f"gitops-promote: {_subject(message)}"):
                raise GitError(
                    f"pushed {_short(new)} to {remote}/{branch}, but local branch {branch} moved"
                    " meanwhile: run git pull to bring it in"
                )
            if checked_out:
                try:
                    self._sync_worktree(new, paths + upstream_paths)
                except GitopsPromoteError as exc:
                    self._move_ref(ref, tip, new, "gitops-promote: undo")
                    raise GitError(
                        f"pushed {_short(new)} to {remote}/{branch}, but updating this checkout"
                        f" failed ({exc.message}); it is as it was: run git pull to bring the"
                        " commit in"
                    ) from exc
            return CommitResult(sha=new, parent=parent, pushed=True, rebased_onto=rebased)

    def write_branch(
        self, branch: str, base: str, changes: Mapping[str, bytes], message: str
    ) -> str:
        """Force-set local ``branch`` to a fresh commit with ``changes`` on top of ``base``.

        For promotion branches. Refused when ``branch`` is checked out. Never touches the work tree
        or the index. Returns the new commit's sha.
        """
        norm = {self._norm(p): bytes(d) for p, d in changes.items()}
        if not norm:
            raise UsageError("nothing to commit: no files given")
        ref = self._branch_ref(branch)
        base_sha = self._commit_sha(base)
        here, elsewhere = self._where_checked_out(branch)
        if here or elsewhere is not None:
            raise RefusedError(
                f"branch {branch} is checked out; refusing to rewrite it (check out another"
                " branch first)"
            )
        with tempfile.TemporaryDirectory(prefix="gitops-promote-") as tmp:
            blobs = self._hash_blobs(norm, tmp)
            new = self._build_commit(base_sha, blobs, message, tmp)
        self._run(
            "update-ref",
            "-m",
            f"gitops-promote: {_subject(message)}",
            ref,
            new,
            what=f"moving branch {branch}",
        )
        return new

    # ------------------------------------------------------------------ remotes

    def _check_remote(self, remote: str) -> None:
        if not remote or remote.startswith("-"):
            raise UsageError(f"invalid remote {remote!r}")

    def _push_ref(
        self, remote: str, sha: str, ref: str, *, auth: PushAuth | None, lease: str | None = None
    ) -> bool:
        """Push ``sha`` to ``ref`` on ``remote``; False if rejected because the remote moved on."""
        self._check_remote(remote)
        args = ["push", "--porcelain", "--no-progress"]
        if lease is not None:
            args.append(f"--force-with-lease={ref}:{lease}")
        args += [remote, f"{sha}:{ref}"]
        res = self._network(*args, auth=auth, what="git push", check=False)
        if res.status == 0:
            return True
        summary = _porcelain_summary(res.stdout)
        if lease is None and any(reason in summary for reason in _REMOTE_MOVED):
            return False
        # With a lease, a branch moved by someone else since it was read shows as "stale info",
        # or, when two pushes race to create it, as the remote failing to update the ref.
        if "stale info" in summary or (lease is not None and "failed to update ref" in summary):
            raise RefusedError(
                f"{remote} {ref} was moved by someone else since it was read; not overwriting it"
            )
        # The remote's own explanation (a hook, GitHub's branch protection) is what the user needs.
        remote_said = "; ".join(
            ln.strip()[len("remote:") :].strip()
            for ln in res.stderr.splitlines()
            if ln.strip().startswith("remote:") and ln.strip()[len("remote:") :].strip()
        )
        detail = summary or _one_line(res.stderr)
        if summary and remote_said:
            detail = f"{summary} — the remote said: {remote_said}"
        scrubbed = detail
        for secret in self._auth_env(auth)[1]:
            scrubbed = scrubbed.replace(secret, "***")
        raise GitError(f"git push to {remote} failed: {scrubbed or 'exit code ' + str(res.status)}")

    def _fetch_branch(self, remote: str, branch: str, auth: PushAuth | None) -> str | None:
        """Fetch ``branch`` from ``remote`` into refs/remotes/REMOTE/BRANCH; its sha or None."""
        self._check_remote(remote)
        tracking = f"refs/remotes/{remote}/{branch}"
        if self._run("check-ref-format", tracking, check=False).status != 0:
            tracking = ""
        spec = f"+refs/heads/{branch}:{tracking}" if tracking else f"refs/heads/{branch}"
        res = self._network(
            "fetch",
            "--no-tags",
            "--no-write-fetch-head",
            "--quiet",
            remote,
            spec,
            auth=auth,
            what="git fetch",
            check=False,
        )
        if res.status != 0:
            if "couldn't find remote ref" in res.stderr:
                return None
            raise GitError(f"git fetch from {remote} failed: {_one_line(res.stderr)}")
        if not tracking:
            return self.remote_branch_sha(branch, remote, auth)
        return self.rev_parse(tracking)

    def push_branch(
        self,
        branch: str,
        sha: str,
        *,
        remote: str = "origin",
        auth: PushAuth | None = None,
        force_with_lease: bool = True,
        seen: tuple[str | None] | None = None,
    ) -> None:
        """Push ``sha`` to ``refs/heads/BRANCH`` on ``remote`` (a promotion branch).

        With ``force_with_lease`` the push may replace the remote branch only if it is still at the
        sha last seen there (absent stays absent); otherwise it must fast-forward. ``seen`` is
        ``(sha or None,)`` when the caller has just read the remote branch; without it
        ``git ls-remote`` reads it.
        """
        ref = self._branch_ref(branch)
        full = self._commit_sha(sha)
        if force_with_lease:
            (expected,) = (
                seen if seen is not None else (self.remote_branch_sha(branch, remote, auth),)
            )
            self._push_ref(remote, full, ref, auth=auth, lease=expected or "")
            return
        if not self._push_ref(remote, full, ref, auth=auth):
            raise RefusedError(
                f"{remote} {branch} has commits that {_short(full)} does not contain; not"
                " overwriting it"
            )

    def remote_branch_sha(
        self, branch: str, remote: str = "origin", auth: PushAuth | None = None
    ) -> str | None:
        """The sha of ``branch`` on ``remote`` (``git ls-remote``), or ``None`` if it is absent."""
        self._check_remote(remote)
        ref = self._branch_ref(branch)
        res = self._network(
            "ls-remote", "--heads", remote, ref, auth=auth, what=f"git ls-remote {remote}"
        )
        for line in res.stdout.decode("utf-8", "replace").splitlines():
            sha, _, name = line.partition("\t")
            if name == ref and _SHA_RE.match(sha):
                return sha
        return None

    def delete_remote_branch(
        self, branch: str, remote: str = "origin", auth: PushAuth | None = None
    ) -> None:
        """Delete ``branch`` on ``remote``; nothing happens if it is already gone."""
        self._check_remote(remote)
        ref = self._branch_ref(branch)
        res = self._network(
            "push",
            "--porcelain",
            "--no-progress",
            remote,
            f":{ref}",
            auth=auth,
            what="git push",
            check=False,
        )
        if res.status == 0:
            return
        text = _porcelain_summary(res.stdout) + " " + res.stderr
        if "remote ref does not exist" in text:
            return
        raise GitError(
            f"deleting {branch} on {remote} failed:"
            f" {_porcelain_summary(res.stdout) or _one_line(res.stderr)}"
        )


# ---------------------------------------------------------------------- helpers


def _is_zero(sha: str) -> bool:
    """git's all-zero object id (of any hash length): "no object here"."""
    return not sha.strip("0")


def _subject(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "commit"


def _porcelain_summary(stdout: bytes) -> str:
    """The status lines of ``git push --porcelain`` that report a rejection, as one line."""
    lines = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("!"):
            parts = line.split("\t")
            lines.append(" ".join(parts[1:]) if len(parts) > 1 else line)
    return "; ".join(lines)


def _write_atomic(target: Path, data: bytes, mode: str) -> None:
    """Replace ``target`` with ``data`` (a regular file, executable for 100755, or a symlink)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.gitops-promote.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    if mode == "120000":
        os.symlink(data.decode("utf-8", "surrogateescape"), tmp)
    else:
        if target.is_file() and not target.is_symlink():
            perm = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            perm = 0o666 & ~umask
        if mode == "100755":
            perm |= (perm & 0o444) >> 2
        else:
            perm &= ~0o111
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, perm)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.chmod(tmp, perm)
    os.replace(tmp, target)


def _prune_empty_dirs(directory: Path, root: Path) -> None:
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _parse_log(data: bytes) -> list[FileChange]:
    """Parse ``git log -z --raw --format=%x1e%H%x00%P%x00%aI%x00%an%x00%ae%x00%B%x00``."""
    changes: list[FileChange] = []
    n = len(data)
    pos = 0

    def field() -> str:
        nonlocal pos
        end = data.index(b"\0", pos)
        value = data[pos:end].decode("utf-8", "replace")
        pos = end + 1
        return value

    while pos < n:
        if data[pos] != 0x1E:
            pos += 1
            continue
        pos += 1
        sha = field()
        parents = tuple(field().split())
        date = field()
        author = field()
        email = field()
        message = field()
        raws: list[tuple[str, str | None, str, str | None, str | None]] = []
        while True:
            while pos < n and data[pos] in (0, 0x0A):
                pos += 1
            if pos >= n or data[pos] != 0x3A:  # ':'
                break
            meta = field()
            combined = meta.startswith("::")
            parts = meta.lstrip(":").split(" ")
            status_letters = parts[-1]
            if combined:
                nparents = len(status_letters)
                shas = parts[nparents + 1 : 2 * nparents + 2]
                new_sha = shas[-1]
                old_shas = shas[:-1]
                path = field()
                blob = None if _is_zero(new_sha) else new_sha
                old = None if all(_is_zero(s) for s in old_shas) else old_shas[0]
                status = "D" if blob is None else ("A" if old is None else "M")
                raws.append((status, None, path, old, blob))
                continue
            old_sha, new_sha = parts[2], parts[3]
            status = status_letters[:1]
            first = field()
            if status in ("R", "C"):
                second = field()
                old_path: str | None = first
                path = second
            else:
                old_path = None
                path = first
            raws.append(
                (
                    status,
                    old_path,
                    path,
                    None if _is_zero(old_sha) else old_sha,
                    None if _is_zero(new_sha) else new_sha,
                )
            )
        for status, old_path, path, old_blob, blob in raws:
            changes.append(
                FileChange(
                    sha=sha,
                    parents=parents,
                    date=date,
                    author=author,
                    email=email,
                    message=message,
                    status=status,
                    old_path=old_path,
                    path=path,
                    old_blob=old_blob,
                    blob=blob,
                )
            )
    return changes
