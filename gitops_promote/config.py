"""``.gitops-promote.yaml`` -> frozen, validated values (SPEC section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .rules import RuleSet

CONFIG_NAME = ".gitops-promote.yaml"


@dataclass(frozen=True)
class Environment:
    """One environment: where its specs live (relative POSIX path) and its base branch.

    ``base_branch`` is ``None`` when the config leaves it out: the branch checked out is used.
    """

    name: str
    path: str
    base_branch: str | None = None


@dataclass(frozen=True)
class GithubSettings:
    repository: str | None = None
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class Config:
    """A validated config. ``file`` is the config's path relative to the repository root."""

    file: str
    environments: tuple[Environment, ...]
    promotions: tuple[tuple[str, str], ...]
    rules: RuleSet
    github: GithubSettings = field(default_factory=GithubSettings)

    def env(self, name: str) -> Environment:
        for e in self.environments:
            if e.name == name:
                return e
        from .errors import NotFoundError

        known = ", ".join(e.name for e in self.environments)
        raise NotFoundError(f"unknown environment {name!r} (known: {known})")

    @property
    def env_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.environments)


def default_config_path(root: Path) -> Path:
    return root / CONFIG_NAME
