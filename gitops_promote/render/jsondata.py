"""The JSON documents of ``--output json`` (SPEC section 4 shapes), and the Action's outputs.

Absent values are ``null``; dates are ISO strings; anything else that is not JSON is a string.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import jsonpatch

from ..data import MISSING, Change
from ..textfmt import differences

if TYPE_CHECKING:  # the use cases load git and YAML: types only, so --help stays fast
    from ..history import Version
    from ..overview import Cell, CheckResult, Drift, Problem, ServiceStatus, StatusResult
    from ..promotion import PromotionResult, ServicePromotion
    from ..publish import Published
    from ..rollback import RollbackResult
    from ..update import SetChange, UpdateResult
    from ..versioning import HistoryResult, ShowResult


def jsonable(value: Any) -> Any:
    """Plain data as JSON can hold it (``MISSING`` -> ``None``, dates -> ISO strings)."""
    if value is MISSING:
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def change_json(c: Change) -> dict[str, Any]:
    """``{"path", "source", "target", "reason", "category"}``; absent values are ``null``."""
    return {
        "path": c.path,
        "source": jsonable(c.source),
        "target": jsonable(c.target),
        "reason": c.reason,
        "category": c.category,
    }


def pr_fields(pub: Published | None) -> dict[str, Any]:
    """The JSON fields every writing command reports about its branch and pull request."""
    pr = pub.pr if pub else None
    return {
        "branch": pub.branch if pub else None,
        "pr_url": pr.url if pr else None,
        "pr_number": pr.number if pr else None,
    }


# -- versions -----------------------------------------------------------------------------------


def version_json(v: Version) -> dict[str, Any]:
    return {
        "version": v.label,
        "sha": v.sha,
        "date": v.date,
        "author": v.author,
        "message": v.subject,
        "kind": v.kind,
    }


def history_json(res: HistoryResult) -> dict[str, Any]:
    return {
        "service": res.service,
        "env": res.env,
        "versions": [version_json(v) for v in res.versions],
    }


def show_json(res: ShowResult) -> dict[str, Any]:
    data = {
        "service": res.service,
        "env": res.env,
        **version_json(res.version),
        "path": res.version.path,
        "content": res.content.decode("utf-8", errors="replace"),
    }
    if res.files is not None:  # a directory spec: every file with its content
        data["file"] = res.file
        data["files"] = [
            {"path": rel, "content": body.decode("utf-8", errors="replace")}
            for rel, body in res.files.items()
        ]
    return data


def set_change_json(c: SetChange) -> dict[str, Any]:
    return {"path": c.path, "old": c.old, "new": c.new, "added": c.added, "removed": c.removed}


def update_json(res: UpdateResult) -> dict[str, Any]:
    return {
        "service": res.service,
        "env": res.env,
        "version": res.version,
        "commit": res.commit,
        "changed": [set_change_json(c) for c in res.changed],
        **pr_fields(res.published),
    }


def rollback_json(res: RollbackResult) -> dict[str, Any]:
    return {
        "service": res.service,
        "env": res.env,
        "from_version": res.from_version,
        "to_version": res.to_version,
        "new_version": res.new_version,
        "commit": res.commit,
        "retained": [change_json(c) for c in res.retained],
        **pr_fields(res.published),
    }


# -- diff / promote -----------------------------------------------------------------------------


def service_promotion_json(sp: ServicePromotion) -> dict[str, Any]:
    return {
        "service": sp.service,
        "source_version": sp.source_version.label,
        "target_version": sp.target_version.label if sp.target_version else None,
        "path": sp.target.path,
        "changed": [change_json(c) for c in sp.plan.changed],
        "retained": [change_json(c) for c in sp.plan.retained],
        "attention": [change_json(c) for c in sp.plan.attention],
        "gates": [r.to_json() for r in sp.gates],
        "patch": patch_json(sp),
    }


def patch_json(sp: ServicePromotion) -> list[dict[str, Any]]:
    """The RFC 6902 operations that turn the target's plain data into the promoted result (the
    data the planner computed and the edited file is verified to hold).

    With one-document rules the operations apply to the document (``/image/image_uri``); with
    multi-document rules (``kubernetes``, ``kustomize``, ``flux``) to the list of documents in
    file order (``/0/spec/replicas``, ``/2`` for a document added at the end). A spec the target
    does not have yet is one ``add`` of the whole at ``""``.
    """
    result = jsonable(sp.plan.result)
    target = None if sp.target_docs is None else jsonable(sp.target_docs)
    if not sp.multi_document and len(result) == 1 and (target is None or len(target) == 1):
        result = result[0]
        target = None if target is None else target[0]
    if target is None:
        return [{"op": "add", "path": "", "value": result}]
    ops: list[dict[str, Any]] = jsonpatch.make_patch(target, result).patch
    return ops


def promotion_json(res: PromotionResult) -> dict[str, Any]:
    pub = res.published
    fields = pr_fields(pub)
    return {
        "from": res.source_env,
        "to": res.target_env,
        "services": [service_promotion_json(s) for s in res.services],
        "branch": fields["branch"],
        "commit": pub.commit if pub else None,
        "pr_url": fields["pr_url"],
        "pr_number": fields["pr_number"],
        "closed_pr_url": res.closed.url if res.closed else None,
        "held": [h.service for h in res.held],
        "holds": [h.to_json() for h in res.held],
        "forced": [o.to_json() for o in res.forced],
    }


# -- status / check -----------------------------------------------------------------------------


def cell_json(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"version": cell.version, "image": cell.image, "sha": cell.sha}
    out["held"] = cell.hold is not None
    if cell.hold is not None:
        out["hold"] = cell.hold.to_json()
    if cell.error:
        out["error"] = cell.error
    return out


def drift_json(d: Drift) -> dict[str, Any]:
    return {
        "from": d.source,
        "to": d.target,
        "pending": d.pending,
        "attention": d.attention,
        "kept": d.kept,
        "in_sync": d.in_sync,
        "newer": d.newer,
        "state": "error" if d.error else differences(d.pending, d.kept, d.attention),
        "gates": [r.to_json() for r in d.gates],
    }


def service_status_json(s: ServiceStatus) -> dict[str, Any]:
    return {
        "service": s.service,
        "envs": {k: (cell_json(v) if v else None) for k, v in s.envs.items()},
        "drift": [drift_json(d) for d in s.drift],
    }


def status_json(res: StatusResult) -> dict[str, Any]:
    return {
        "environments": res.environments,
        "services": [service_status_json(s) for s in res.services],
    }


def problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "message": p.message}


def check_json(res: CheckResult) -> dict[str, Any]:
    return {"ok": res.ok, "problems": [problem_json(p) for p in res.problems]}
