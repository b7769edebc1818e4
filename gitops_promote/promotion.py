"""``diff`` and ``promote``: plan each service under the rules, edit the target spec minimally,
commit on the promotion branch and open or update the pull request."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from . import messages
from .apply import apply_plan
from .data import MISSING
from .errors import NotFoundError, UsageError
from .history import Version, versions
from .plan import Change, Plan, plan_promotion
from .provider import PullRequestRef
from .prtext import pr_body, pr_title
from .publish import BranchCommit, Published, Publisher, close_stale, publish_branch
from .versioning import env_versions
from .workspace import SpecRef, Workspace, parse_spec
from .yamldoc import load_documents


@dataclass(frozen=True)
class ServicePromotion:
    """The plan for one service and the target file it leads to."""

    service: str
    source: SpecRef
    target: SpecRef
    source_version: Version
    target_version: Version | None
    plan: Plan
    old_bytes: bytes | None  # None: the target environment has no spec yet
    edited: bytes | Callable[[], bytes]  # the target's new bytes, or the edit that makes them

    @functools.cached_property
    def new_bytes(self) -> bytes:
        """The target file after the promote. The editor runs when this is first asked for
        (a commit, a diff of the file), not for planning: ``--dry-run`` over hundreds of
        services plans each in a few milliseconds."""
        return self.edited if isinstance(self.edited, bytes) else self.edited()

    @property
    def writes(self) -> bool:
        if isinstance(self.edited, bytes) or "new_bytes" in self.__dict__:
            return self.old_bytes != self.new_bytes
        # a plan that writes changes the data, so the edited file always differs
        return self.old_bytes is None or self.plan.has_writes


@dataclass(frozen=True)
class PromotionResult:
    source_env: str
    target_env: str
    services: list[ServicePromotion]
    branch: str
    base_branch: str
    title: str
    body: str
    dry_run: bool = True
    published: Published | None = None
    closed: PullRequestRef | None = None

    @property
    def writes(self) -> bool:
        return any(s.writes for s in self.services)


def branch_name(source: str, target: str, services: Sequence[str], all_services: bool) -> str:
    leaf = "all" if all_services else (services[0] if len(services) == 1 else "+".join(services))
    return f"gitops-promote/{source}-to-{target}/{leaf}"


def _new_service_plan(source_docs: list[Any], source_env: str, target_env: str) -> Plan:
    """A service the target environment does not have yet: the whole spec is new there."""
    change = Change(
        path="",
        source=source_docs[0] if len(source_docs) == 1 else source_docs,
        target=MISSING,
        category="attention",
        reason=(
            f"attention: {target_env} has no spec for this service yet; it is created from "
            f"{source_env} as it is — review every value, replicas and env vars included"
        ),
        applied=True,
        result=source_docs[0] if len(source_docs) == 1 else source_docs,
    )
    return Plan(changes=(change,), result=list(source_docs))


History = dict[str, dict[str, Sequence[Version]]]  # env -> service -> versions
#: the versions of a plan made before its versions are known (see :func:`with_versions`)
_LATER = Version(0, "", "", "", "", "", "", "", "", "")


def with_versions(ws: Workspace, sp: ServicePromotion, history: History | None) -> ServicePromotion:
    """``sp`` with the current versions of its source and target: from ``history`` (one pass
    for many services, :func:`env_versions`), else from the two specs' own logs."""

    def latest(spec: SpecRef) -> Version | None:
        if history is not None:
            found = history[spec.env.name].get(sp.service) or []
        elif spec.content is None:
            return None
        else:
            found = versions(ws.repo, spec.path, spec.commit)
        return found[-1] if found else None

    source_version = latest(sp.source)
    if source_version is None:
        raise NotFoundError(f"{sp.source.path} has no history on branch {sp.source.branch}")
    return replace(sp, source_version=source_version, target_version=latest(sp.target))


def plan_service(
    ws: Workspace,
    service: str,
    source_env: str,
    target_env: str,
    history: History | None = None,
    *,
    versions_later: bool = False,
) -> ServicePromotion:
    """Plan one service. ``history``: see :func:`with_versions`; ``versions_later``: leave the
    versions for :func:`with_versions` (while a log pass runs)."""
    source = ws.spec(service, source_env)
    target = ws.spec(service, target_env)
    src_bytes = source.require()
    src_docs = load_documents(src_bytes, source.path)
    planned = _plan(ws, service, source, target, src_bytes, src_docs)
    return planned if versions_later else with_versions(ws, planned, history)


def _plan(
    ws: Workspace,
    service: str,
    source: SpecRef,
    target: SpecRef,
    src_bytes: bytes,
    src_docs: list[Any],
) -> ServicePromotion:
    source_env, target_env = source.env.name, target.env.name
    if target.content is None:
        plan = _new_service_plan(src_docs, source_env, target_env)
        path = (
            target.path
            if target.env.spec or not target.env.path
            else f"{target.env.path}/{source.path.rsplit('/', 1)[-1]}"
        )
        target = SpecRef(service, target.env, target.branch, target.commit, path, None)
        return ServicePromotion(service, source, target, _LATER, None, plan, None, src_bytes)
    ws.repo.safe_path(target.path)
    tgt_docs = load_documents(target.content, target.path)
    plan = plan_promotion(
        src_docs,
        tgt_docs,
        ws.config.rules_for(target.path, tgt_docs),
        source_env=source_env,
        target_env=target_env,
    )
    old = target.content

    def edit() -> bytes:  # the editor (positions, comments) only for a file that changes
        if not plan.has_writes:
            return old
        src_doc = parse_spec(src_bytes, source.path)
        tgt_doc = parse_spec(old, target.path)
        return apply_plan(plan, src_doc, tgt_doc).to_bytes()

    return ServicePromotion(service, source, target, _LATER, None, plan, old, edit)


def _select_services(
    ws: Workspace, services: Sequence[str], all_services: bool, source_env: str
) -> list[str]:
    if all_services:
        if services:
            raise UsageError("give service names or --all, not both")
        found = ws.services(source_env)
        if not found:
            raise UsageError(f"environment {source_env!r} has no services to promote")
        return found
    if not services:
        raise UsageError("name at least one service, or use --all")
    seen: list[str] = []
    for s in services:
        if s not in seen:
            seen.append(s)
    return seen


def diff(
    ws: Workspace,
    services: Sequence[str],
    source_env: str,
    target_env: str,
    *,
    all_services: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PromotionResult:
    """What a promote would do; writes nothing. ``progress(done, total)`` as services are
    planned."""
    ws.check_promotion(source_env, target_env)
    names = _select_services(ws, services, all_services, source_env)
    if len(names) > 1:  # one blob read and one log pass per branch, not a git process per spec
        ws.read_specs([source_env, target_env])
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the versions' log pass runs in git while this process plans
        pending = (
            pool.submit(env_versions, ws, [source_env, target_env]) if len(names) > 1 else None
        )
        drafts = []
        for done, name in enumerate(names):
            if progress is not None:
                progress(done, len(names))
            drafts.append(plan_service(ws, name, source_env, target_env, versions_later=True))
        history = pending.result() if pending is not None else None
    plans = [with_versions(ws, sp, history) for sp in drafts]
    if progress is not None:
        progress(len(names), len(names))
    branch = branch_name(source_env, target_env, names, all_services)
    base_branch = ws.base_branch(ws.config.env(target_env))
    return PromotionResult(
        source_env,
        target_env,
        plans,
        branch,
        base_branch,
        pr_title(source_env, target_env, plans),
        pr_body(source_env, target_env, plans, branch),
    )


def promote(
    ws: Workspace,
    services: Sequence[str],
    source_env: str,
    target_env: str,
    *,
    all_services: bool = False,
    dry_run: bool = False,
    message: str | None = None,
    publisher: Publisher | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PromotionResult:
    """Commit the promotion on its branch and open or update its pull request."""
    result = diff(
        ws, services, source_env, target_env, all_services=all_services, progress=progress
    )
    if dry_run:
        return result
    publisher = publisher or Publisher()
    if not result.writes:
        reason = (
            f"Closing: {target_env} already matches what promoting from {source_env} would "
            "produce, so this promotion has nothing left to change "
            "(gitops-promote found no difference to apply)."
        )
        closed = close_stale(ws.repo, result.branch, publisher, reason)
        return replace(result, dry_run=False, closed=closed)
    commits = []
    for sp in result.services:
        if not sp.writes:
            continue
        body = message.strip() if message else None
        commits.append(
            BranchCommit(
                {sp.target.path: sp.new_bytes},
                messages.promote_message(
                    sp.service,
                    source_env,
                    sp.source_version.label,
                    sp.source_version.sha,
                    target_env,
                    body,
                ),
            )
        )
    target_tip = result.services[0].target.commit
    published = publish_branch(
        ws.repo,
        result.branch,
        result.base_branch,
        target_tip,
        commits,
        result.title,
        result.body,
        publisher,
    )
    return replace(result, dry_run=False, published=published)


def changes_of(result: PromotionResult) -> list[Change]:
    return [c for s in result.services for c in s.plan.changes]
