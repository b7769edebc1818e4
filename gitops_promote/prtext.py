"""The text of the pull request of a promotion: title and body (every difference and what
happens to it). The body of an update or rollback pull request is its commit message and diff
(:func:`gitops_promote.messages.diff_pr_body`).

Part of what a promotion or a new version produces, so the use cases compose it; the renderings
for people's terminals and job summaries live in :mod:`gitops_promote.render`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from . import prbody
from .plan import Plan
from .textfmt import counts
from .workspace import SpecRef

if TYPE_CHECKING:  # history loads GitPython: the type only, so --help stays fast
    from .history import Version
    from .holds import Hold
    from .overrides import Override
    from .promotion import ServicePromotion


class PromotedService(Protocol):
    """One service of a promotion, as its pull request shows it."""

    @property
    def service(self) -> str: ...
    @property
    def target(self) -> SpecRef: ...
    @property
    def source_version(self) -> Version: ...
    @property
    def target_version(self) -> Version | None: ...
    @property
    def plan(self) -> Plan: ...
    @property
    def writes(self) -> bool: ...


def service_counts(services: Sequence[PromotedService]) -> dict[str, int]:
    return counts(c.category for sp in services for c in sp.plan.changes)


def pr_title(source_env: str, target_env: str, services: Sequence[ServicePromotion]) -> str:
    """What ships: :func:`gitops_promote.prbody.title`."""
    return prbody.title(source_env, target_env, services)


def pr_body(
    source_env: str,
    target_env: str,
    services: Sequence[ServicePromotion],
    branch: str,
    *,
    held: Sequence[Hold] = (),
    forced: Sequence[Override] = (),
) -> str:
    """The pull request body, as a reviewer reads it: :func:`gitops_promote.prbody.body`;
    the services skipped because their target is held, and what ``--force`` overrode."""
    return prbody.body(source_env, target_env, services, branch, held=held, forced=forced)
