"""``diff`` and ``promote``: plan each service under the rules, edit the target spec minimally,
commit on the promotion branch and open or update the pull request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import messages
from .apply import apply_plan
from .data import MISSING
from .dirspec import folder_versions, plan_folder
from .errors import UsageError
from .history import Version, versions
from .plan import Change, Plan, plan_promotion
from .provider import PullRequestRef
from .prtext import pr_body, pr_title
from .publish import BranchCommit, Published, Publisher, close_stale, publish_branch
from .workspace import SpecRef, Workspace, parse_spec


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
    new_bytes: bytes
    #: a directory spec: the files the promote writes (relative name -> new bytes)
    files: dict[str, bytes] | None = None

    @property
    def writes(self) -> bool:
        if self.files is not None:
            return bool(self.files)
        return self.old_bytes != self.new_bytes

    @property
    def changes(self) -> dict[str, bytes | None]:
        """Repository path -> new bytes: what the promotion commit writes."""
        if self.files is not None:
            return {f"{self.target.path}/{rel}": data for rel, data in self.files.items()}
        return {self.target.path: self.new_bytes}


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


def plan_service(ws: Workspace, service: str, source_env: str, target_env: str) -> ServicePromotion:
    source = ws.spec(service, source_env)
    target = ws.spec(service, target_env)
    if source.directory or target.directory:
        return _plan_folder_service(ws, service, source, target)
    src_bytes = source.require()
    src_doc = parse_spec(src_bytes, source.path)
    src_versions = versions(ws.repo, source.path, source.commit)
    if target.content is None:
        plan = _new_service_plan(src_doc.documents(), source_env, target_env)
        path = (
            target.path
            if target.env.spec or not target.env.path
            else f"{target.env.path}/{source.path.rsplit('/', 1)[-1]}"
        )
        target = SpecRef(service, target.env, target.branch, target.commit, path, None)
        return ServicePromotion(
            service, source, target, src_versions[-1], None, plan, None, src_bytes
        )
    ws.repo.safe_path(target.path)
    tgt_doc = parse_spec(target.content, target.path)
    plan = plan_promotion(
        src_doc.documents(),
        tgt_doc.documents(),
        ws.config.rules_for(target.path, tgt_doc.documents()),
        source_env=source_env,
        target_env=target_env,
    )
    new_bytes = apply_plan(plan, src_doc, tgt_doc).to_bytes() if plan.has_writes else target.content
    tgt_versions = versions(ws.repo, target.path, target.commit)
    return ServicePromotion(
        service,
        source,
        target,
        src_versions[-1],
        tgt_versions[-1] if tgt_versions else None,
        plan,
        target.content,
        new_bytes,
    )


def _plan_folder_service(
    ws: Workspace, service: str, source: SpecRef, target: SpecRef
) -> ServicePromotion:
    """Promote a directory spec: files paired by their path below the directory."""
    if not (source.directory and target.directory):
        raise UsageError(
            f"{service}: {source.env.name} keeps it in {source.path}"
            f"{'/' if source.directory else ''} and {target.env.name} in {target.path}"
            f"{'/' if target.directory else ''}: promote pairs a directory spec only with "
            "a directory spec"
        )
    src_files = source.require_files()
    tgt_files = target.files or {}
    for rel in tgt_files:
        ws.repo.safe_path(f"{target.path}/{rel}")
    folder = plan_folder(ws, target.path, src_files, tgt_files, source.env.name, target.env.name)
    src_versions = folder_versions(ws.repo, source.path, source.commit)
    tgt_versions = folder_versions(ws.repo, target.path, target.commit) if tgt_files else []
    return ServicePromotion(
        service,
        source,
        target,
        src_versions[-1],
        tgt_versions[-1] if tgt_versions else None,
        folder.plan,
        b"" if tgt_files else None,
        b"",
        folder.writes,
    )


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
) -> PromotionResult:
    """What a promote would do; writes nothing."""
    ws.check_promotion(source_env, target_env)
    names = _select_services(ws, services, all_services, source_env)
    plans = [plan_service(ws, s, source_env, target_env) for s in names]
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
) -> PromotionResult:
    """Commit the promotion on its branch and open or update its pull request."""
    result = diff(ws, services, source_env, target_env, all_services=all_services)
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
                sp.changes,
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
