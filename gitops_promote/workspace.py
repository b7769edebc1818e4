"""A GitOps checkout opened with its config: where specs are, at which branch, for which env."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .config import Config, Environment, load_config
from .errors import NotFoundError, UsageError
from .layout import SERVICE_RE as _SERVICE_RE
from .layout import SPEC_SUFFIXES, Found, Layout, valid_service

if TYPE_CHECKING:
    from .git import GitRepository
    from .yamldoc import YamlDoc

__all__ = ["SPEC_SUFFIXES", "SpecRef", "Workspace", "check_service_name", "parse_spec"]
_SYMLINK = "120000"


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

    def require(self) -> bytes:
        if self.content is None:
            raise NotFoundError(
                f"service {self.service!r} has no spec in environment {self.env.name!r} "
                f"(looked for {self.path} on branch {self.branch})"
            )
        return self.content


class Workspace:
    """The repository, its config, and the lookups every command needs.

    A workspace is one command's view of the repository: the branch checked out and the tips of
    the base branches are read once and remembered, so a command over many services does not
    ask git again for each of them.
    """

    def __init__(
        self, repo: GitRepository, config: Config, warn: Callable[[str], None] | None = None
    ) -> None:
        self.repo = repo
        self.config = config
        self._tips: dict[str, str] = {}
        self._trees: dict[str, dict[str, str]] = {}
        self._blobs: dict[tuple[str, str], bytes | None] = {}  # (commit, path) -> content
        self._warned: set[str] = set()
        self._warn = warn or _stderr_warning

    @functools.cached_property
    def _checked_out(self) -> str | None:
        return self.repo.current_branch()

    @classmethod
    def open(cls, repo_path: str | Path = ".", config_path: str | Path | None = None) -> Workspace:
        from .git import GitRepository

        repo = GitRepository(repo_path)
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

    def spec(self, service: str, env_name: str) -> SpecRef:
        """The spec of ``service`` in ``env_name`` at the tip of that environment's base branch."""
        check_service_name(service)
        layout = self.layout(env_name)
        commit = self.branch_tip(layout.branch)
        if not layout.wanted(service):
            raise NotFoundError(
                f"{service!r} is not a service of this repository (services.include/exclude "
                f"or service: in {self.config.file})"
            )
        candidates = [loc.path for loc in layout.candidates(service)]
        tree = self.tree(commit)
        for path in candidates:
            if path in tree:
                if (commit, path) not in self._blobs:
                    self._blobs[(commit, path)] = self.repo.read_files(commit, [path])[path]
                content = self._blobs[(commit, path)]
                if tree[path] == _SYMLINK:
                    raise UsageError(_symlink_problem(path, content or b"", layout.branch))
                return SpecRef(service, layout.env, layout.branch, commit, path, content)
        return SpecRef(service, layout.env, layout.branch, commit, candidates[0], None)

    def found(self, env_name: str) -> Found:
        """Services of an environment and their spec paths (at its base branch tip)."""
        layout = self.layout(env_name)
        tree = self.tree(self.branch_tip(layout.branch))
        found = layout.services(tree)
        for message in found.warnings:
            self.warn(message)
        for service, path in list(found.paths.items()):
            if tree.get(path) == _SYMLINK:
                self.warn(f"{path}: skipped, a spec may not be a symlink")
                del found.paths[service]
        return found

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
        start = self.root / layout.env.path if layout.env.path else self.root
        paths: list[str] = []
        for top, dirs, files in os.walk(start):
            rel = Path(top).relative_to(self.root)
            level = len(rel.parts)
            dirs[:] = [d for d in dirs if d != ".git" and level + 1 < depth]
            paths.extend((rel / f).as_posix() for f in files if level + 1 <= depth)
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


def _symlink_problem(path: str, target: bytes, branch: str) -> str:
    parts: list[str] = list(PurePosixPath(path).parent.parts)
    link = target.decode("utf-8", "surrogateescape")
    escapes = link.startswith("/")
    for part in link.split("/"):
        if part == "..":
            escapes = escapes or not parts
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    if escapes:
        return f"{path}: leads outside the repository through a symlink (branch {branch})"
    return f"{path}: is a symlink on branch {branch}; a spec must be a regular file"


def services_in(names: list[str]) -> list[str]:
    """Service names from the file names of an environment directory."""
    out = []
    for name in names:
        p = PurePosixPath(name)
        if p.suffix in SPEC_SUFFIXES and _SERVICE_RE.match(p.stem) and not name.startswith("."):
            out.append(p.stem)
    return sorted(set(out))


def parse_spec(content: bytes, path: str) -> YamlDoc:
    from .yamldoc import YamlDoc

    return YamlDoc.from_bytes(content, filename=path)
