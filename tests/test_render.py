"""Renderings of results: the JSON of a change."""

from __future__ import annotations

import json

from gitops_promote.plan import plan_promotion
from gitops_promote.render.jsondata import change_json

from .planning import rules

# --------------------------------------------------------------------------- JSON


def test_change_to_json_renders_missing_as_null() -> None:
    import datetime

    s = {"probe": {"path": "/h"}, "released": datetime.date(2026, 1, 2)}
    plan = plan_promotion([s], [{}], rules())
    rendered = [change_json(c) for c in plan.changes]
    assert rendered == [
        {
            "path": "/probe",
            "source": {"path": "/h"},
            "target": None,
            "reason": "changed: added from source: default overwrite (no rule names /probe)",
            "category": "changed",
        },
        {
            "path": "/released",
            "source": "2026-01-02",
            "target": None,
            "reason": "changed: added from source: default overwrite (no rule names /released)",
            "category": "changed",
        },
    ]
    json.dumps(rendered)
