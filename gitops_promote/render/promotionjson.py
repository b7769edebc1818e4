"""The JSON document of ``diff`` and ``promote`` (SPEC section 4): every service's changes,
kept values and RFC 6902 patch, the branch and pull request, holds and forced gates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jsonpatch

from .jsondata import change_json, jsonable, pr_fields

if TYPE_CHECKING:  # the use cases load git and YAML: types only
    from ..promotion import PromotionResult, ServicePromotion


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
