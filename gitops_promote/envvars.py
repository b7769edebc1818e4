"""Env vars at ``env_vars.path``, reconciled key by key (SPEC section 3, rule 4).

Never governed by overwrite, retain or the default: a key in both keeps the target's value
(``retained``); a key new in the source is copied and flagged (``attention``), or stops the
promote with ``added: fail``; a key only in the target is kept, or removed with ``removed:
remove``, and flagged. Env vars are a mapping ``NAME: value`` or a list of ``{name, value |
valueFrom}``; the target's form is kept.

Pure: each difference is handed as a Change to a :class:`Findings` sink (the planner).
"""

from __future__ import annotations

from typing import Any, Protocol

from .data import MISSING, Change, Finding, keyed_items, looks_like_secret_ref, merged_order, same
from .pointer import join
from .rules import EnvVarsRule


class Findings(Protocol):
    """Where reconciling reports what it found (the planner)."""

    def path(self, segs: tuple[str, ...]) -> str:
        """The report path of ``segs`` (with the document's prefix)."""

    def add(self, change: Change) -> None: ...

    def refuse(self, segs: tuple[str, ...], name: str) -> None:
        """A new env var that ``added: fail`` does not let through."""


def env_form(value: Any) -> str:
    """``map``, ``list`` (of ``{name, ...}``), ``empty`` or ``invalid``."""
    if value is MISSING or value is None or value == {} or value == []:
        return "empty"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list) and keyed_items(value) is not None:
        return "list"
    return "invalid"


def env_form_name(form: str) -> str:
    return {
        "map": "mapping",
        "list": "list of {name, value}",
        "empty": "empty set",
        "invalid": "value that is neither a mapping nor a list of {name, value}",
    }[form]


def env_items(value: Any) -> dict[str, Any]:
    """``{name: raw}`` in file order: the value (mapping form) or the whole item (list form)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        keyed = keyed_items(value)
        return keyed if keyed is not None else {}
    return {}


def env_report_value(raw: Any, form: str) -> Any:
    """What reviewers see for one env var: the value; for a list item, its ``value`` when the
    item is just ``{name, value}``, otherwise the item without ``name`` (``{valueFrom: ...}``)."""
    if raw is MISSING or form != "list" or not isinstance(raw, dict):
        return raw
    rest = {k: v for k, v in raw.items() if k != "name"}
    if set(rest) == {"value"}:
        return rest["value"]
    return rest


def reconcile(
    s: Any,
    t: Any,
    segs: tuple[str, ...],
    env: EnvVarsRule,
    src: str,
    dst: str,
    out: Findings,
) -> Any:
    """The env vars after the promote (``s`` from ``src`` onto ``t`` of ``dst``), every
    difference reported to ``out``."""
    if s is not MISSING and t is not MISSING and same(s, t):
        return t
    form_s, form_t = env_form(s), env_form(t)
    where = join(list(segs))
    if (
        form_s == "invalid"
        or form_t == "invalid"
        or (form_s in ("map", "list") and form_t in ("map", "list") and form_s != form_t)
    ):
        reason = (
            f"attention: env vars at {where} are a {env_form_name(form_s)} in {src} and a "
            f"{env_form_name(form_t)} in {dst}: not reconciled, {dst}'s kept; "
            "reconcile them by hand"
        )
        found = Finding("attention", reason, f"env vars at {env.path}", applied=False, result=t)
        out.add(Change.at(out.path(segs), s, t, found))
        return t
    if form_s == "empty" and form_t == "empty":
        reason = f"retained: no env vars at {where} in either environment; {dst}'s form kept"
        out.add(Change.at(out.path(segs), s, t, Finding("retained", reason, reason, False, t)))
        return t
    form = form_t if form_t != "empty" else form_s
    src_items = env_items(s)
    dst_items = env_items(t)
    result_items: dict[str, Any] = {}
    for name in merged_order(list(src_items), list(dst_items)):
        s_item = src_items.get(name, MISSING)
        t_item = dst_items.get(name, MISSING)
        if s_item is not MISSING and t_item is MISSING and env.added == "fail":
            out.refuse((*segs, name), name)
            continue
        if not (s_item is MISSING and env.removed == "remove"):
            result_items[name] = t_item if t_item is not MISSING else s_item
        if s_item is not MISSING and t_item is not MISSING and same(s_item, t_item):
            continue
        sv = env_report_value(s_item, form)
        tv = env_report_value(t_item, form)
        found = _key_finding(name, s_item, sv, tv, env, src, dst)
        out.add(Change.at(out.path((*segs, name)), sv, tv, found))
    if not result_items and env_form(t) == "empty":
        return t
    if form == "list":  # items of the target in its order, new ones appended
        kept = [result_items[n] for n in dst_items if n in result_items]
        return kept + [v for n, v in result_items.items() if n not in dst_items]
    return dict(result_items)


def _key_finding(
    name: str, s_item: Any, sv: Any, tv: Any, env: EnvVarsRule, src: str, dst: str
) -> Finding:
    """What happens to one env var that differs (``sv``/``tv``: the values reviewers see)."""
    if s_item is not MISSING and tv is not MISSING:
        rule = f"env vars at {env.path}: a key in both keeps the target's value"
        reason = f"retained: env var {name} keeps {dst}'s value ({rule})"
        return Finding("retained", reason, rule, applied=False, result=tv)
    if s_item is not MISSING:
        if looks_like_secret_ref(s_item):
            reason = (
                f"attention: new env var {name} is a secret reference from {src}: "
                f"copied, check that it exists and is right for {dst}"
            )
        else:
            reason = (
                f"attention: new env var {name} copied from {src} — set {dst}'s value if it differs"
            )
        return Finding("attention", reason, f"env_vars.added: {env.added}", True, sv)
    if env.removed == "remove":
        reason = (
            f"attention: env var {name} is absent from {src}: removed from {dst} "
            "(env_vars.removed: remove)"
        )
        return Finding("attention", reason, "env_vars.removed: remove", True, MISSING)
    reason = (
        f"attention: env var {name} exists only in {dst}: kept (env_vars.removed: "
        f"keep); remove it if {src} dropped it on purpose"
    )
    return Finding("attention", reason, "env_vars.removed: keep", applied=False, result=tv)
