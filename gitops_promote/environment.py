"""One environment of the config: where its specs live, its base branch, its other names."""

from __future__ import annotations

from typing import NamedTuple


class Environment(NamedTuple):
    """One environment: where its specs live (relative POSIX path) and its base branch.

    ``base_branch`` is ``None`` when the config leaves it out: the branch checked out is used.
    """

    name: str
    path: str
    base_branch: str | None = None
    #: ``spec`` pattern with one ``{service}`` placeholder (SPEC section 8); ``None``: ``path``
    spec: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The environment's name and aliases, as values may spell it (SPEC section 3, rule 5)."""
        return (self.name, *self.aliases)
