"""A GitOps checkout opened with its config: where specs are, at which branch, for which env."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, KeysView, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .config import Config, load_config
from .environment import Environment
from .errors import NotFoundError, UsageError
from .git import GitReader
from .layout import SERVICE_RE as _SERVICE_RE
from .layout import SPEC_SUFFIXES, Found, Layout, Location, valid_service
from .specfiles import Files, below, check_entries, symlink_problem, symlinks

__all__ = ["SPEC_SUFFIXES", "SpecRef", "Workspace", "check_service_name"]
_SYMLINK = "120000"
_SUBMODULE = "160000"


def _stderr_warning(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def check_service_name(service: str) -> str:
    """A service name is one path component: no '/', no '..', nothing hidden."""
    if not valid_service(service):
        raise UsageError(
            f"invalid service name {service!r}: use letters, digits, '.', '_' and '-' "
            "(one file name, without the .yaml suffix)"
        )
    return service


@dataclass(frozen=True)
class SpecRef:
    """Where one service's spec of one environment is, at a resolved commit."""

    service: str
    env: Environment
    branch: str
    commit: str
    path: str
    content: bytes | None
    #: a directory spec (``path`` is the directory): its files by relative name; ``content`` is
    #: then ``None``, and ``files`` empty when the directory does not exist
    files: Files | None = None
    near: tuple[str, ...] = ()  # when there is no spec: services of the env with a close name

    @property
    def directory(self) -> bool:
        return self.files is not None

    @property
    def exists(self) -> bool:
        return bool(self.files) if self.files is not None else self.content is not None

    def require_files(self) -> Files:
        """The spec's files by relative name (one entry, its file name, for a file spec)."""
        if self.files is None:
            return {self.path.rsplit("/", 1)[-1]: self.require()}
        if not self.files:
            raise NotFoundError(
                f"service {self.service!r} has no spec in environment {self.env.name!r} "
                f"(looked for files below {self.path}/ on branch {self.branch})"
            )
        return self.files

    def require(self) -> bytes:
        if self.content is None:
            hint = f"; did you mean {' or '.join(map(repr, self.near))}?" if self.near else ""
            raise NotFoundError(
                f"service {self.service!r} has no spec in environment {self.env.name!r} "
                f"(looked for {self.path} on branch {self.branch}){hint}"
            )
        return self.content


class Workspace:
    """The repository, its config, and the lookups every command needs.

    A workspace is one command's view of the repository: the branch checked out and the tips of
    the base branches are read once and remembered, so a command over many services does not
    ask git again for each of them.
    """

    def __init__(
        self, repo: GitReader, config: Config, warn: Callable[[str], None] | None = None
    ) -> None:
        self.repo = repo
        self.config = config
        # HEAD as the handle found it when it opened: the checked-out branch and its tip are
        # not asked of git again
        head = repo.head_at_open
        self._tips: dict[str, str] = {} if head is None or head[0] is None else {head[0]: head[1]}
        self._trees: dict[str, dict[str, str]] = {}
        self._blobs: dict[tuple[str, str], bytes | None] = {}  # (commit, path) -> content
        self._found: dict[str, Found] = {}  # env -> its services, read once per command
        self._warned: set[str] = set()
        self._warn = warn or _stderr_warning

    @functools.cached_property
    def _checked_out(self) -> str | None:
        head = self.repo.head_at_open
        return head[0] if head is not None else self.repo.current_branch()

    @classmethod
    def open(cls, repo_path: str | Path = ".", config_path: str | Path | None = None) -> Workspace:
        repo = GitReader(repo_path)
        return cls(repo, load_config(repo.root, config_path))

    @property
    def root(self) -> Path:
        return self.repo.root

    # -- branches ----------------------------------------------------------------------------

    def base_branch(self, env: Environment) -> str:
        """The branch an environment deploys from: its ``base_branch``, else the one checked out."""
        if env.base_branch:
            return env.base_branch
        current = self._checked_out
        if current is None:
            raise UsageError(
                f"HEAD is detached and environment {env.name!r} has no base_branch: set "
                f"environments.{env.name}.base_branch in {self.config.file} or check out a branch"
            )
        return current

    def branch_tip(self, branch: str) -> str:
        """The commit a branch points at (the local branch, else ``origin``'s copy of it)."""
        if branch in self._tips:
            return self._tips[branch]
        for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
            sha = self.repo.rev_parse(ref)
            if sha:
                self._tips[branch] = sha
                return sha
        raise NotFoundError(f"branch {branch!r} does not exist (neither locally nor on origin)")

    # -- specs -------------------------------------------------------------------------------

    def layout(self, env_name: str) -> Layout:
        env = self.config.env(env_name)
        return Layout(
            env,
            self.base_branch(env),
            service=self.config.service,
            include=self.config.services_include,
            exclude=self.config.services_exclude,
        )

    def tree(self, commit: str) -> dict[str, str]:
        """Every file at ``commit`` -> its mode, from one tree listing (remembered)."""
        if commit not in self._trees:
            self._trees[commit] = self.repo.list_tree(commit)
        return self._trees[commit]

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    def spec(self, service: str, env_name: str, *, contents: bool = True) -> SpecRef:
        """The spec of ``service`` in ``env_name`` at the tip of that environment's base branch.

        ``contents=False`` (for ``history``, which needs only where the spec is): the same
        checks from the tree listing, but no file is read; ``content`` (and each file of a
        directory spec) is then empty bytes, where absent is still ``None`` (``{}``)."""
        check_service_name(service)
        layout = self.layout(env_name)
        commit = self.branch_tip(layout.branch)
        if not layout.wanted(service):
            raise NotFoundError(
                f"{service!r} is not a service of this repository (services.include/exclude "
                f"or service: in {self.config.file})"
            )
        locations = layout.candidates(service)
        candidates = [loc.path for loc in locations]
        tree = self.tree(commit)
        self._check_env_folder(layout, tree)
        folders = self._folders(commit)
        for loc in locations:
            if not loc.directory and loc.path in folders:
                raise UsageError(_not_a_file(loc.path, "a folder", layout.branch))
        for path in candidates:
            if tree.get(path) == _SUBMODULE:
                raise UsageError(_not_a_file(path, "a submodule", layout.branch))
        for loc in locations:
            if loc.directory:
                files = self.folder(commit, loc, tree, contents=contents)
                if files:
                    return SpecRef(
                        service, layout.env, layout.branch, commit, loc.path, None, files
                    )
                continue
            path = loc.path
            if path in tree and not contents and tree[path] != _SYMLINK:
                return SpecRef(service, layout.env, layout.branch, commit, path, b"")
            if path in tree:
                if (commit, path) not in self._blobs:
                    self._blobs[(commit, path)] = self.repo.read_files(commit, [path])[path]
                content = self._blobs[(commit, path)]
                if tree[path] == _SYMLINK:
                    raise UsageError(symlink_problem(path, content or b"", layout.branch))
                return SpecRef(service, layout.env, layout.branch, commit, path, content)
        first = locations[0]
        import difflib  # here: only a name not found needs it, and loading it costs every run

        near = difflib.get_close_matches(service, layout.services(tree).paths, n=3)
        return SpecRef(
            service,
            layout.env,
            layout.branch,
            commit,
            first.path,
            None,
            {} if first.directory else None,
            tuple(near),
        )

    def folder(
        self,
        commit: str,
        loc: Location,
        tree: dict[str, str] | None = None,
        *,
        contents: bool = True,
    ) -> Files:
        """The files below a directory location at ``commit`` (from the tree listing, when
        given, else one listing of that folder), read in one batch (``contents=False``: not
        read, each empty); refuses symlinks and more than the documented number of files."""
        if tree is not None:
            modes = below(loc.path, tree)
        else:
            entries = self.repo.folder_entries(commit, loc.path)
            modes = below(loc.path, {p: mode for p, (mode, _sha) in entries.items()})
        names = check_entries(loc.path, modes, f"branch {loc.branch}")
        links = symlinks(modes)
        if not contents and not links:
            return dict.fromkeys(names, b"")
        read = self.repo.read_files(commit, [f"{loc.path}/{rel}" for rel in names])
        if links:
            path = f"{loc.path}/{links[0]}"
            raise UsageError(symlink_problem(path, read.get(path) or b"", loc.branch))
        return {rel: read[f"{loc.path}/{rel}"] or b"" for rel in names}

    def found(self, env_name: str) -> Found:
        """Services of an environment and their spec paths (at its base branch tip), worked out
        once per command from the tree listing."""
        if env_name not in self._found:
            self._found[env_name] = self._find(env_name)
        return self._found[env_name]

    def _find(self, env_name: str) -> Found:
        layout = self.layout(env_name)
        commit = self.branch_tip(layout.branch)
        tree = self.tree(commit)
        self._check_env_folder(layout, tree)
        _refuse_spec_folders(layout, self._folders(commit))
        found = layout.services(tree)
        for message in found.warnings:
            self.warn(message)
        for service, path in list(found.paths.items()):
            if tree.get(path) == _SUBMODULE:
                raise UsageError(_not_a_file(path, "a submodule", layout.branch))
            if tree.get(path) == _SYMLINK:
                content = self.repo.read_files(commit, [path])[path] or b""
                problem = symlink_problem(path, content, layout.branch)
                if "outside the repository" in problem:
                    raise UsageError(problem)
                self.warn(f"{path}: skipped, a spec may not be a symlink")
                del found.paths[service]
        return found

    def _folders(self, commit: str) -> KeysView[str]:
        """Every folder of the tree at ``commit`` (remembered with the tree)."""
        key = f"{commit}/"
        if key not in self._trees:
            folders: dict[str, str] = {}
            for path in self.tree(commit):
                parent = path.rpartition("/")[0]
                while parent and parent not in folders:
                    folders[parent] = ""
                    parent = parent.rpartition("/")[0]
            self._trees[key] = folders
        return self._trees[key].keys()

    def _check_env_folder(self, layout: Layout, tree: dict[str, str]) -> None:
        """An environment's folder (and each folder above it) must be a real folder of the
        tree: not a file, a submodule or a symlink (which could lead out of the repository)."""
        parts = PurePosixPath(layout.env.path).parts if layout.env.path else ()
        for n in range(1, len(parts) + 1):
            path = "/".join(parts[:n])
            mode = tree.get(path)
            if mode is None:
                continue
            where = f"environment {layout.env.name!r} (branch {layout.branch})"
            if mode == _SYMLINK:
                commit = self.branch_tip(layout.branch)
                link = self.repo.read_files(commit, [path])[path] or b""
                problem = symlink_problem(path, link, layout.branch)
                if "outside the repository" in problem:
                    raise UsageError(f"{problem}; not reading {where}")
                raise UsageError(f"{path}: is a symlink; the folder of {where} must be a folder")
            kind = "a submodule" if mode == _SUBMODULE else "a file"
            raise UsageError(
                f"{path}: is {kind}, not a folder; {where} keeps its specs in a folder"
            )

    def read_specs(self, env_names: Sequence[str]) -> dict[str, dict[str, bytes | None]]:
        """The specs of several environments at their base branch tips (env -> service ->
        content), every one read by ONE ``git cat-file --batch``, and remembered for
        :meth:`spec`."""
        wanted = {
            env: (self.branch_tip(self.layout(env).branch), self.found(env).paths)
            for env in env_names
        }
        keys = sorted({(tip, path) for tip, paths in wanted.values() for path in paths.values()})
        missing = [k for k in keys if k not in self._blobs]
        for key, data in zip(
            missing, self.repo.read_blobs([f"{t}:{p}" for t, p in missing]), strict=True
        ):
            self._blobs[key] = data
        return {
            env: {svc: self._blobs[(tip, path)] for svc, path in paths.items()}
            for env, (tip, paths) in wanted.items()
        }

    def services(self, env_name: str) -> list[str]:
        """Services that have a spec in an environment (at its base branch tip)."""
        return sorted(self.found(env_name).paths)

    def working_files(self, env_name: str) -> dict[str, str] | None:
        """The environment's spec files in the work tree (service -> path), when its base branch
        is the one checked out; ``None`` otherwise (then its specs are read from git)."""
        layout = self.layout(env_name)
        if layout.branch != self._checked_out:
            return None
        depth = max(p.text.rstrip("/").count("/") + 1 for p in layout.patterns)
        if any(p.directory for p in layout.patterns):
            depth = sys.maxsize  # every file below a directory spec
        start = self.root / layout.env.path if layout.env.path else self.root
        real, root = Path(os.path.realpath(start)), Path(os.path.realpath(self.root))
        if real != root and root not in real.parents:
            raise UsageError(
                f"{layout.env.path}: leads outside the repository through a symlink; "
                f"not reading environment {env_name!r}"
            )
        paths: list[str] = []
        folders: list[str] = []
        for top, dirs, files in os.walk(start):
            rel = Path(top).relative_to(self.root)
            level = len(rel.parts)
            folders.extend((rel / d).as_posix() for d in dirs if level + 1 <= depth)
            dirs[:] = [d for d in dirs if d != ".git" and level + 1 < depth]
            paths.extend((rel / f).as_posix() for f in files if level + 1 <= depth)
        _refuse_spec_folders(layout, folders)
        found = layout.services(paths)
        for message in found.warnings:
            self.warn(message)
        return found.paths

    def all_services(self) -> list[str]:
        names: set[str] = set()
        for env in self.config.environments:
            names.update(self.services(env.name))
        return sorted(names)

    def check_promotion(self, source: str, target: str) -> None:
        self.config.env(source)
        self.config.env(target)
        if (source, target) not in self.config.promotions:
            allowed = ", ".join(f"{a}->{b}" for a, b in self.config.promotions) or "none"
            raise UsageError(
                f"promotion {source}->{target} is not allowed by {self.config.file} "
                f"(allowed: {allowed})"
            )


def _refuse_spec_folders(layout: Layout, folders: Iterable[str]) -> None:
    """UsageError for a folder where a spec file belongs (``envs/prod/api.yaml/``)."""
    file_patterns = [p for p in layout.patterns if not p.text.endswith("/")]
    for folder in sorted(folders):
        if any(p.match(folder) is not None for p in file_patterns):
            raise UsageError(_not_a_file(folder, "a folder", layout.branch))


def _not_a_file(path: str, kind: str, branch: str) -> str:
    return f"{path}: is {kind} on branch {branch}; a spec must be a file"


def services_in(names: list[str]) -> list[str]:
    """Service names from the file names of an environment directory."""
    out = []
    for name in names:
        p = PurePosixPath(name)
        if p.suffix in SPEC_SUFFIXES and _SERVICE_RE.match(p.stem) and not name.startswith("."):
            out.append(p.stem)
    return sorted(set(out))
