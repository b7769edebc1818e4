"""The JSON documents of ``--output json`` (SPEC section 4 shapes), and the Action's outputs;
``diff`` and ``promote`` are in :mod:`.promotionjson` (they alone need JSON patches).

Absent values are ``null``; dates are ISO strings; anything else that is not JSON is a string.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..data import MISSING, Change
from ..textfmt import differences

if TYPE_CHECKING:  # the use cases load git and YAML: types only, so --help stays fast
    from ..history import Version
    from ..overview import Cell, CheckResult, Drift, Problem, ServiceStatus, StatusResult
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
