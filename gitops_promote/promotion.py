"""``diff`` and ``promote``: plan each service under the rules, edit the target spec minimally,
commit on the promotion branch and open or update the pull request.

A promote runs in two phases: :func:`prepare` plans it and passes its holds and gates (nothing
written), :func:`publish` commits and opens the pull request with the title and body the outer
layer rendered from the prepared result (:mod:`gitops_promote.render.prbody`); this module renders
nothing.

Holds and gates (SPEC section 9) stand between the plan and the commit: a target whose current
version is a rollback is held (a promote of it alone refuses, a promote of several skips it), and
the promotion's gates (``soak``, ``checks``) must be open for every service that would change.
``force`` goes through both and records what it overrode (commit trailers, pull request body).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from . import messages
from .apply import apply_plan
from .data import MISSING
from .dirspec import plan_folder
from .dirversions import folder_versions
from .errors import GitopsPromoteError, NotFoundError, RefusedError, UsageError
from .gatecheck import CommitChecks, GateResult, closed, evaluate, refusal
from .gates import CHECKS, Gates, parse_date
from .git.repository import GitRepository
from .history import Version, versions
from .holds import Hold, find_hold
from .overrides import Override, of_gate, of_hold
from .plan import Change, Plan, plan_promotion
from .provider import PullRequestRef
from .publish import BranchCommit, Published, Publisher, close_stale, publish_branch
from .specdoc import parse_spec, spec_data
from .versioning import log_passes, read_log_passes, versions_by_env
from .workspace import SpecRef, Workspace

#: Reads what is reported on a commit (its combined status and check runs), by sha: the GitHub
#: provider's ``commit_checks`` for the promotion's repository.
ChecksReader = Callable[[str], CommitChecks]


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
    #: the target's new bytes, or the edit that makes them (run when first needed)
    edited: bytes | Callable[[], bytes]
    #: the target's hold: its current version is a rollback (None with ``holds: false``)
    hold: Hold | None = None
    #: the promotion's gates evaluated for the source version (when the service would change)
    gates: tuple[GateResult, ...] = ()
    #: what ``--force`` overrode for this service (a hold, closed gates)
    forced: tuple[Override, ...] = ()
    target_docs: list[Any] | None = None  # the target's plain data, one value per document
    multi_document: bool = False  # the rules read several documents (``patch`` is over them)
    #: a directory spec: the files the promote writes (relative name -> new bytes)
    files: dict[str, bytes] | None = None

    @functools.cached_property
    def new_bytes(self) -> bytes:
        """The target file after the promote. The editor runs when this is first asked for
        (a commit, a diff of the file), not for planning: ``--dry-run`` over hundreds of
        services plans each in a few milliseconds."""
        return self.edited if isinstance(self.edited, bytes) else self.edited()

    @property
    def writes(self) -> bool:
        if self.files is not None:
            return bool(self.files)
        if isinstance(self.edited, bytes) or "new_bytes" in self.__dict__:
            return self.old_bytes != self.new_bytes
        # a plan that writes changes the data, so the edited file always differs
        return self.old_bytes is None or self.plan.has_writes

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
    dry_run: bool = True
    published: Published | None = None
    closed: PullRequestRef | None = None
    #: held targets: skipped by this promote (for ``diff``: that a promote would not replace)
    held: tuple[Hold, ...] = ()

    @property
    def writes(self) -> bool:
        return any(s.writes for s in self.services)

    @property
    def forced(self) -> tuple[Override, ...]:
        """Every hold and gate that ``--force`` overrode, service by service."""
        return tuple(o for s in self.services for o in s.forced)


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
    for many services, :func:`.versioning.read_log_passes`), else from the two specs' own logs."""

    if sp.files is not None or sp.source.directory:
        return sp  # a directory spec's versions come with its plan (one log of its folder)

    def found(spec: SpecRef) -> Sequence[Version]:
        if history is not None:
            return history[spec.env.name].get(sp.service) or []
        if spec.content is None:
            return []
        return versions(ws.repo, spec.path, spec.commit)

    src, tgt = found(sp.source), found(sp.target)
    if not src:
        raise NotFoundError(f"{sp.source.path} has no history on branch {sp.source.branch}")
    hold = find_hold(sp.target.env.name, sp.service, tgt) if ws.config.holds and tgt else None
    return replace(sp, source_version=src[-1], target_version=tgt[-1] if tgt else None, hold=hold)


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
    if source.directory or target.directory:
        return _plan_folder_service(ws, service, source, target)
    src_bytes = source.require()
    src_docs = spec_data(src_bytes, source.path, ws.config)
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
        multi = ws.config.rules_for(path, src_docs).multi_document
        return ServicePromotion(
            service, source, target, _LATER, None, plan, None, src_bytes, multi_document=multi
        )  # a new spec has no history, so no hold
    ws.repo.safe_path(target.path)
    tgt_docs = spec_data(target.content, target.path, ws.config)
    rules = ws.config.rules_for(target.path, tgt_docs)
    plan = plan_promotion(
        src_docs,
        tgt_docs,
        rules,
        source_env=source_env,
        target_env=target_env,
    )
    old = target.content

    def edit() -> bytes:  # the editor (positions, comments) only for a file that changes
        if not plan.has_writes:
            return old
        src_doc = parse_spec(src_bytes, source.path, ws.config)
        tgt_doc = parse_spec(old, target.path, ws.config)
        return apply_plan(plan, src_doc, tgt_doc).to_bytes()

    return ServicePromotion(
        service,
        source,
        target,
        _LATER,
        None,
        plan,
        old,
        edit,
        target_docs=tgt_docs,
        multi_document=rules.multi_document,
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
        find_hold(target.env.name, service, tgt_versions) if ws.config.holds else None,
        files=folder.writes,
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


def _plan_all(
    ws: Workspace,
    names: Sequence[str],
    source_env: str,
    target_env: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[ServicePromotion]:
    """Plan every service; with several, one blob read and one log pass per branch (not a git
    process per spec), the log pass running in git while this process plans.
    ``progress(done, total)`` as services are planned."""
    envs = [source_env, target_env]
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the log pass runs in git from the start, while the specs are listed, read and planned
        pending = (
            pool.submit(read_log_passes, ws.repo, log_passes(ws, envs)) if len(names) > 1 else None
        )
        if len(names) > 1:
            ws.read_specs(envs)
        drafts = []
        for done, name in enumerate(names):
            if progress is not None:
                progress(done, len(names))
            drafts.append(plan_service(ws, name, source_env, target_env, versions_later=True))
        history = versions_by_env(ws, envs, pending.result()) if pending is not None else None
    if progress is not None:
        progress(len(names), len(names))
    return [with_versions(ws, sp, history) for sp in drafts]


def _result(
    ws: Workspace,
    source_env: str,
    target_env: str,
    names: Sequence[str],
    all_services: bool,
    plans: list[ServicePromotion],
    held: Sequence[Hold],
) -> PromotionResult:
    branch = branch_name(source_env, target_env, names, all_services)
    base_branch = ws.base_branch(ws.config.env(target_env))
    return PromotionResult(source_env, target_env, plans, branch, base_branch, held=tuple(held))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def gate_results(
    sp: ServicePromotion, gates: Gates, now: datetime, checks: CommitChecks | None
) -> tuple[GateResult, ...]:
    """The gates of a promotion for ``sp``'s source version (its commit date on its branch)."""
    version = sp.source_version
    since = parse_date(version.committed or version.date) if gates.soak is not None else None
    return evaluate(gates, since=since, now=now, checks=checks)


def diff(
    ws: Workspace,
    services: Sequence[str],
    source_env: str,
    target_env: str,
    *,
    all_services: bool = False,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PromotionResult:
    """What a promote would do; writes nothing. Held targets are planned and listed as held; the
    soak gate is evaluated at ``now`` (default: the current time); a checks gate is not read."""
    ws.check_promotion(source_env, target_env)
    names = _select_services(ws, services, all_services, source_env)
    plans = _plan_all(ws, names, source_env, target_env, progress)
    gates = ws.config.gates_for(source_env, target_env)
    if gates:
        moment = _now(now)
        plans = [
            replace(sp, gates=gate_results(sp, gates, moment, None)) if sp.writes else sp
            for sp in plans
        ]
    held = [sp.hold for sp in plans if sp.hold is not None]
    # Held services are planned with their differences and listed as held (the preview of the
    # pull request shows them, not as skipped: :func:`gitops_promote.render.prbody.pr_body`).
    return _result(ws, source_env, target_env, names, all_services, plans, held)


def _pass_holds(
    plans: list[ServicePromotion], single: bool, force: bool
) -> tuple[list[ServicePromotion], list[Hold]]:
    """The services to promote and the holds skipped: a held target alone refuses, among several
    it is skipped; with ``force`` it is promoted and the hold recorded as overridden."""
    held = [sp.hold for sp in plans if sp.hold is not None]
    if not held:
        return plans, []
    if force:
        return [
            replace(sp, forced=(of_hold(sp.hold),)) if sp.hold is not None else sp for sp in plans
        ], []
    if single:
        raise RefusedError(held[0].message)
    return [sp for sp in plans if sp.hold is None], held


def _pass_gates(
    plans: list[ServicePromotion],
    gates: Gates,
    source_env: str,
    target_env: str,
    *,
    now: datetime,
    checks: ChecksReader | None,
    force: bool,
) -> list[ServicePromotion]:
    """Evaluate the promotion's gates for each service that would change; refuse (one line) when
    one is closed, unless ``force``, which records each closed gate as overridden."""
    out: list[ServicePromotion] = []
    refusals: list[str] = []
    for sp in plans:
        if not sp.writes:
            out.append(sp)
            continue
        read: CommitChecks | None = None
        unread: GateResult | None = None
        if gates.checks is not None and checks is not None:
            try:
                read = checks(sp.source_version.sha)
            except GitopsPromoteError as exc:
                if not force:
                    raise
                unread = GateResult(CHECKS, False, "unknown", f"not read: {exc.message}")
        results = gate_results(sp, gates, now, read)
        if unread is not None:
            results = tuple(unread if r.gate == CHECKS else r for r in results)
        sp = replace(sp, gates=results)
        if force:
            sp = replace(
                sp, forced=(*sp.forced, *(of_gate(sp.service, r) for r in closed(results)))
            )
        else:
            subject = (
                f"promoting {sp.service} from {source_env} {sp.source_version.label} "
                f"to {target_env}"
            )
            reason = refusal(subject, results)
            if reason:
                refusals.append(reason)
        out.append(sp)
    if refusals:
        raise RefusedError(" | ".join(refusals))
    return out


def prepare(
    ws: Workspace,
    services: Sequence[str],
    source_env: str,
    target_env: str,
    *,
    all_services: bool = False,
    force: bool = False,
    now: datetime | None = None,
    checks: ChecksReader | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PromotionResult:
    """Plan a promote and pass its holds and gates; writes nothing (``--dry-run`` stops here).

    Held targets and closed gates (SPEC section 9) refuse, unless ``force``. ``now`` is the
    clock of the soak gate (default: the current time); ``checks`` reads a source commit's
    statuses and check runs for the checks gate (``None``: they cannot be read, so that gate
    stays closed).
    """
    ws.check_promotion(source_env, target_env)
    names = _select_services(ws, services, all_services, source_env)
    plans = _plan_all(ws, names, source_env, target_env, progress)
    plans, held = _pass_holds(plans, len(names) == 1 and not all_services, force)
    gates = ws.config.gates_for(source_env, target_env)
    if gates:
        plans = _pass_gates(
            plans, gates, source_env, target_env, now=_now(now), checks=checks, force=force
        )
    return _result(ws, source_env, target_env, names, all_services, plans, held)


def publish(
    ws: Workspace,
    result: PromotionResult,
    title: str,
    body: str,
    *,
    message: str | None = None,
    publisher: Publisher | None = None,
) -> PromotionResult:
    """Commit a promotion from :func:`prepare` on its branch and open or update its pull request
    with ``title`` and ``body``; with nothing left to change, close the stale one instead."""
    publisher = publisher or Publisher()
    if not result.services:
        return replace(result, dry_run=False)  # every service is held: nothing to do
    repo = GitRepository(ws.repo.gateway)  # the workspace's handle, with the writing methods
    if not result.writes:
        reason = (
            f"Closing: {result.target_env} already matches what promoting from "
            f"{result.source_env} would produce, so this promotion has nothing left to change "
            "(gitops-promote found no difference to apply)."
        )
        closed = close_stale(repo, result.branch, publisher, reason)
        return replace(result, dry_run=False, closed=closed)
    extra = message.strip() if message else None
    commits = [
        BranchCommit(
            sp.changes,
            messages.promote_message(
                sp.service,
                result.source_env,
                sp.source_version.label,
                sp.source_version.sha,
                result.target_env,
                extra,
                [o.trailer_value for o in sp.forced],
            ),
        )
        for sp in result.services
        if sp.writes
    ]
    target_tip = result.services[0].target.commit
    published = publish_branch(
        repo, result.branch, result.base_branch, target_tip, commits, title, body, publisher
    )
    return replace(result, dry_run=False, published=published)


def changes_of(result: PromotionResult) -> list[Change]:
    return [c for s in result.services for c in s.plan.changes]
