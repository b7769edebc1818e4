"""The text of the pull requests the tool opens: title and body of a promotion (every difference
and what happens to it), and the body of an update or rollback pull request (message and diff).

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
    source_env: str, target_env: str, services: Sequence[ServicePromotion], branch: str
) -> str:
    """The pull request body, as a reviewer reads it: :func:`gitops_promote.prbody.body`."""
    return prbody.body(source_env, target_env, services, branch)


def diff_pr_body(message: str, diff: str, path: str) -> str:
    """Body of an update/rollback pull request: the commit message and the file's diff."""
    subject, _, rest = message.partition("\n")
    lines = [f"## {subject}", ""]
    body = "\n".join(
        line for line in rest.strip().splitlines() if not line.startswith("Gitops-Promote-")
    ).strip()
    if body:
        lines += [body, ""]
    lines += [f"Changes to `{path}`:", "", "```diff", diff.rstrip("\n"), "```", ""]
    return "\n".join(lines)
