"""A GitOps checkout opened with its config: where specs are, at which branch, for which env."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .config import Config, Environment, load_config
from .errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from .git import GitRepository
    from .yamldoc import YamlDoc

SPEC_SUFFIXES = (".yaml", ".yml")
_SERVICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_service_name(service: str) -> str:
    """A service name is one path component: no '/', no '..', nothing hidden."""
    if not _SERVICE_RE.match(service) or ".." in service:
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
                f"(looked for {self.env.path}/{self.service}.yaml on branch {self.branch})"
            )
        return self.content


class Workspace:
    """The repository, its config, and the lookups every command needs.

    A workspace is one command's view of the repository: the branch checked out and the tips of
    the base branches are read once and remembered, so a command over many services does not
    ask git again for each of them.
    """

    def __init__(self, repo: GitRepository, config: Config) -> None:
        self.repo = repo
        self.config = config
        self._tips: dict[str, str] = {}

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

    def spec(self, service: str, env_name: str) -> SpecRef:
        """The spec of ``service`` in ``env_name`` at the tip of that environment's base branch."""
        check_service_name(service)
        env = self.config.env(env_name)
        branch = self.base_branch(env)
        commit = self.branch_tip(branch)
        candidates = [f"{env.path}/{service}{suffix}" for suffix in SPEC_SUFFIXES]
        found = self.repo.read_files(commit, candidates)
        for path in candidates:
            if found.get(path) is not None:
                return SpecRef(service, env, branch, commit, path, found[path])
        return SpecRef(service, env, branch, commit, candidates[0], None)

    def services(self, env_name: str) -> list[str]:
        """Services that have a spec in an environment (at its base branch tip)."""
        env = self.config.env(env_name)
        commit = self.branch_tip(self.base_branch(env))
        return services_in(self.repo.list_dir(commit, env.path))

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
