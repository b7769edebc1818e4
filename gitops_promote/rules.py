"""Rule sets: which paths a promote overwrites, which it retains, how env vars are reconciled.

Plain frozen values; the built-in presets live in :mod:`gitops_promote.presets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .pointer import RulePath

Action = Literal["overwrite", "retain"]
AddedPolicy = Literal["copy", "fail"]
RemovedPolicy = Literal["keep", "remove"]


@dataclass(frozen=True)
class EnvVarsRule:
    """How environment variables at ``path`` are reconciled (SPEC section 3, rule 4).

    ``path`` addresses either a mapping ``NAME: value`` or a list of ``{name, value | valueFrom}``
    (it may contain ``*``, e.g. one env list per container).
    """

    path: RulePath
    added: AddedPolicy = "copy"
    removed: RemovedPolicy = "keep"


@dataclass(frozen=True)
class RuleSet:
    """The rules of one promotion.

    ``multi_document``: specs may hold several YAML documents, matched by ``kind`` +
    ``metadata.name`` (the ``kubernetes`` preset).
    """

    overwrite: tuple[RulePath, ...] = ()
    retain: tuple[RulePath, ...] = ()
    env_vars: EnvVarsRule | None = None
    default: Action = "overwrite"
    multi_document: bool = False
    preset: str = "none"
    # Where each rule came from, for reasons shown to reviewers: str(path) -> "preset truefoundry"
    origins: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Other names of each environment as values spell them (rule 5): env -> aliases
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
