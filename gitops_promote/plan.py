"""The promotion planner: source spec + target spec + rules -> a Plan of every difference.

Pure: plain data in (one value per YAML document), plain data out. No files, no git, no YAML
library. :mod:`gitops_promote.apply` turns a Plan into a minimal edit of the target file.

How differences are found (SPEC sections 2 and 3):

- Mappings are compared key by key. Lists of mappings whose items all carry a ``name`` are
  matched by name (the target's order is kept, items new in the source are appended in the
  source's order). Other lists are single values, compared and replaced whole, unless a rule
  names a path inside them (``/ports/*/host``): then their items are compared by position.
- A difference is reported at the deepest path where the two sides differ: a scalar that differs,
  or a key present on one side only (reported at that key, the whole subtree as its value). When
  a one-sided key holds paths that other rules govern, the planner descends so each rule applies
  where it should.
- Each difference is governed by the most specific rule covering its path (see
  :func:`match_rule`), or by the rule set's default.
- Env vars at ``env_vars.path`` are reconciled key by key and never governed by overwrite,
  retain or the default: a key in both keeps the target's value (``retained``); a key new in
  the source is copied and flagged (``attention``), or stops the promote with ``added: fail``; a
  key only in the target is kept, or removed with ``removed: remove``, and flagged.
- A value that looks like a secret reference (``tfy-secret://``, ``${{ secrets.X }}``,
  ``vault:``, ``sm://``, ``arn:aws:secretsmanager:``, ``secretKeyRef``/``secretRef``...) is
  copied when the rules say so (it is a reference, not a secret) but always flagged
  ``attention``, never ``changed``: a reviewer must check it resolves in the target environment.
- A retained path the target lacks is copied and flagged (nothing to retain), unless the target
  has the retained rule's own path: then that block is kept as it is, keys the source adds inside
  it are not merged in. A type change at a retained path, an item only on one side of a list
  that holds environment-specific paths, and a document only on one side are flagged too.

Documents: with ``multi_document`` rules (the ``kubernetes`` preset) documents are matched by
``kind`` + ``metadata.name`` and every report path is prefixed ``Kind/name:``; documents without
a kind and name are matched by position among themselves and prefixed ``#<index>:``. Otherwise
documents are matched by position; when either file has more than one document, report paths are
prefixed ``#<index>:`` (the document's index in the result).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from .envspecific import is_env_specific, names_env
from .errors import RefusedError
from .pointer import WILDCARD, RulePath, join, split
from .rules import Action, EnvVarsRule, RuleSet

Category = Literal["changed", "retained", "attention"]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __str__(self) -> str:
        return "(absent)"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing.MISSING
"""A value absent on one side (JSON renders it as ``null``; text as ``(absent)``)."""

ReportPathLike = str | Sequence[str]
"""A report path: a JSON Pointer (optionally prefixed ``Kind/name:``) or its segments."""


@dataclass(frozen=True)
class Change:
    """One difference between source and target, and what the promote does with it.

    ``path`` is a report path (keyed-list items by name, ``Kind/name:`` prefix in multi-document
    specs). ``source``/``target`` are plain values or :data:`MISSING`. ``applied``: the promote
    writes something at ``path``; ``result`` is the value there afterwards (``MISSING`` when
    removed).
    """

    path: str
    source: Any
    target: Any
    category: Category
    reason: str
    applied: bool
    result: Any

    def to_json(self) -> dict[str, Any]:
        """``{"path", "source", "target", "reason", "category"}``; absent values are ``null``."""
        return {
            "path": self.path,
            "source": _jsonable(self.source),
            "target": _jsonable(self.target),
            "reason": self.reason,
            "category": self.category,
        }


@dataclass(frozen=True)
class Plan:
    """Every difference (in target document order) and the target documents after the promote.

    ``documents`` pairs each document of ``result`` with its origin: ``(source index or None,
    target index or None)``; documents of the target keep their index, documents only in the
    source are appended.
    """

    changes: tuple[Change, ...]
    result: list[Any]
    documents: tuple[tuple[int | None, int | None], ...] = ()

    @property
    def changed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.category == "changed")

    @property
    def retained(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.category == "retained")

    @property
    def attention(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.category == "attention")

    @property
    def has_writes(self) -> bool:
        """True when the promote must change the target file."""
        return any(c.applied for c in self.changes)


# --------------------------------------------------------------------------- rule matching


def rule_matches(rule: RulePath, segments: Sequence[str], kind: str | None) -> bool:
    """Does ``rule`` cover the path ``segments`` (the path itself or its subtree) in a document
    of ``kind``? ``*`` matches any one segment; a ``Kind:`` rule only matches that kind."""
    if rule.kind is not None and rule.kind != kind:
        return False
    if len(rule.segments) > len(segments):
        return False
    return all(r in (WILDCARD, s) for r, s in zip(rule.segments, segments, strict=False))


def rule_below(rule: RulePath, segments: Sequence[str], kind: str | None) -> bool:
    """Does ``rule`` name a path strictly inside the subtree at ``segments``?"""
    if rule.kind is not None and rule.kind != kind:
        return False
    if len(rule.segments) <= len(segments):
        return False
    return all(r in (WILDCARD, s) for r, s in zip(rule.segments, segments, strict=False))


def specificity(rule: RulePath, action: Action) -> tuple[int, tuple[int, ...], int, int]:
    """Sort key: the greatest wins. More segments; then a literal segment at the earliest
    position where one rule has ``*``; then kind-qualified; then retain over overwrite."""
    literals = tuple(0 if s == WILDCARD else 1 for s in rule.segments)
    return (len(rule.segments), literals, 1 if rule.kind else 0, 1 if action == "retain" else 0)


def _split_report_path(path: ReportPathLike) -> tuple[str | None, tuple[str, ...]]:
    """A report path -> (kind from its ``Kind/name:`` prefix or None, segments)."""
    if not isinstance(path, str):
        return None, tuple(str(s) for s in path)
    kind: str | None = None
    if path and not path.startswith("/"):
        prefix, sep, rest = path.partition(":")
        if not sep:
            raise ValueError(f"{path!r} is not a report path: it must start with '/'")
        if not prefix.startswith("#"):
            kind = prefix.partition("/")[0] or None
        path = rest
    return kind, split(path)


def match_rule(
    rules: RuleSet, path: ReportPathLike, kind: str | None = None
) -> tuple[Action, RulePath | None]:
    """Which rule governs ``path`` in a document of ``kind``: ``(action, rule)``, ``rule`` None
    when no rule covers it and the default applies. Most specific wins (:func:`specificity`);
    retain beats overwrite on an exact tie. ``kind`` defaults to the path's ``Kind/name:``
    prefix."""
    prefix_kind, segments = _split_report_path(path)
    return _govern(_entries(rules), rules.default, segments, kind or prefix_kind)


def _entries(rules: RuleSet) -> list[tuple[RulePath, Action]]:
    out: list[tuple[RulePath, Action]] = [(r, "overwrite") for r in rules.overwrite]
    out += [(r, "retain") for r in rules.retain]
    return out


def _govern(
    entries: Sequence[tuple[RulePath, Action]],
    default: Action,
    segments: Sequence[str],
    kind: str | None,
) -> tuple[Action, RulePath | None]:
    best: tuple[Action, RulePath] | None = None
    best_key: tuple[int, tuple[int, ...], int, int] | None = None
    for rule, action in entries:
        if rule_matches(rule, segments, kind):
            key = specificity(rule, action)
            if best_key is None or key > best_key:
                best, best_key = (action, rule), key
    if best is None:
        return default, None
    return best


# --------------------------------------------------------------------------- values


def _type_class(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def same(a: Any, b: Any) -> bool:
    """Equality as YAML means it: ``1``, ``1.0`` and ``true`` are three different values; two
    lists of named mappings holding the same items in another order are equal."""
    if type(a) is not type(b):
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return False
        if not (isinstance(a, type(b)) or isinstance(b, type(a))):
            return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        if len(a) != len(b):
            return False
        if all(same(x, y) for x, y in zip(a, b, strict=False)):
            return True
        ka, kb = (
            keyed_items(a),
            keyed_items(b),
        )  # keyed lists: the order of items is not a difference
        return (
            ka is not None
            and kb is not None
            and all(k in kb and same(v, kb[k]) for k, v in ka.items())
        )
    return bool(a == b)


def keyed_items(items: list[Any]) -> dict[str, Any] | None:
    """``{name: item}`` in list order when every item is a mapping with a scalar, unique
    ``name`` (containers, env, ports...): such lists are matched by name, never by position.
    ``None`` for any other list. The one definition of a keyed list, for every module."""
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            return None
        name = item["name"]
        if isinstance(name, (dict, list)) or name is None:
            return None
        key = str(name)
        if key in out:
            return None
        out[key] = item
    return out


_SECRET_TEXT = re.compile(
    r"tfy-secret://|\$\{\{\s*secrets\.|^vault:|ref\+vault://|sm://|arn:aws:secretsmanager:"
    r"|\{\{resolve:secretsmanager:|@Microsoft\.KeyVault\(",
    re.IGNORECASE,
)
_SECRET_KEYS = frozenset({"secretKeyRef", "secretRef"})


def looks_like_secret_ref(value: Any) -> bool:
    """A secret reference (``tfy-secret://``, ``${{ secrets.X }}``, ``vault:``, ``sm://``,
    ``arn:aws:secretsmanager:``, ``valueFrom.secretKeyRef``, ``secretRef``...) anywhere inside
    ``value``."""
    if isinstance(value, str):
        return bool(_SECRET_TEXT.search(value))
    if isinstance(value, dict):
        return any(
            (isinstance(k, str) and k in _SECRET_KEYS) or looks_like_secret_ref(v)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(looks_like_secret_ref(v) for v in value)
    return False


def _jsonable(value: Any) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _merged_order(source_keys: Sequence[Any], target_keys: Sequence[Any]) -> list[Any]:
    """Target keys in order; each key only in the source right after the nearest key preceding
    it in the source that the target has (at the end when there is none), keys new together
    staying in the source's order. This is where :func:`gitops_promote.apply.apply_plan` writes
    them."""
    order = list(target_keys)
    present = set(order)
    anchor: Any = MISSING  # the nearest preceding source key the target has
    inserted_at: dict[Any, int] = {}  # anchor -> how many new keys already follow it
    for key in source_keys:
        if key in present:
            anchor = key
            continue
        if anchor is MISSING:
            order.append(key)
        else:
            at = order.index(anchor) + 1 + inserted_at.get(anchor, 0)
            order.insert(at, key)
            inserted_at[anchor] = inserted_at.get(anchor, 0) + 1
    return order


# --------------------------------------------------------------------------- the planner


class _Planner:
    def __init__(
        self, rules: RuleSet, source_env: str, target_env: str, fill_missing: bool = True
    ) -> None:
        self.rules = rules
        self.fill_missing = fill_missing
        self.entries = _entries(rules)
        self.src = source_env
        self.dst = target_env
        self.src_names = (source_env, *rules.aliases.get(source_env, ()))
        self.dst_names = (target_env, *rules.aliases.get(target_env, ()))
        self.changes: list[Change] = []
        self.refused: list[str] = []
        self.prefix = ""
        self.kind: str | None = None
        # Depth of the deepest node of the current walk that the target has (-1: none).
        self.tdepth = -1

    # -- helpers
    def path(self, segs: tuple[str, ...]) -> str:
        return self.prefix + join(list(segs))

    def emit(
        self,
        segs: tuple[str, ...],
        source: Any,
        target: Any,
        category: Category,
        reason: str,
        applied: bool,
        result: Any,
    ) -> None:
        self.changes.append(
            Change(self.path(segs), _copy(source), _copy(target), category, reason, applied, result)
        )

    def govern(self, segs: tuple[str, ...]) -> tuple[Action, RulePath | None]:
        return _govern(self.entries, self.rules.default, segs, self.kind)

    def describe(self, segs: tuple[str, ...], action: Action, rule: RulePath | None) -> str:
        """The governing rule for reasons in parentheses: ``retain /replicas, preset x``."""
        if rule is None:
            return f"default {action}: no rule names {join(list(segs)) or 'this document'}"
        origin = self.rules.origins.get(str(rule), "config")
        return f"{action} {rule}, {origin}"

    def headline(self, segs: tuple[str, ...], action: Action, rule: RulePath | None) -> str:
        """The governing rule as a headline: ``overwrite /image (preset truefoundry)``."""
        if rule is None:
            return f"default {action} (no rule names {join(list(segs)) or 'this document'})"
        origin = self.rules.origins.get(str(rule), "config")
        return f"{action} {rule} ({origin})"

    def env_rule_at(self, segs: tuple[str, ...]) -> EnvVarsRule | None:
        env = self.rules.env_vars
        if env is None or len(env.path.segments) != len(segs):
            return None
        return env if rule_matches(env.path, segs, self.kind) else None

    def env_below(self, segs: tuple[str, ...]) -> bool:
        env = self.rules.env_vars
        return env is not None and rule_below(env.path, segs, self.kind)

    def rules_below(self, segs: tuple[str, ...], action: Action | None = None) -> bool:
        """A rule (or the env-var path) inside this subtree that governs differently."""
        if self.env_below(segs):
            return True
        return any(a != action and rule_below(r, segs, self.kind) for r, a in self.entries)

    # -- walking
    def node(self, s: Any, t: Any, segs: tuple[str, ...], in_list: bool) -> Any:
        saved = self.tdepth
        if t is not MISSING:
            self.tdepth = len(segs)
        try:
            return self._node(s, t, segs, in_list)
        finally:
            self.tdepth = saved

    def _node(self, s: Any, t: Any, segs: tuple[str, ...], in_list: bool) -> Any:
        env = self.env_rule_at(segs)
        if env is not None:
            return self.env_vars(s, t, segs, env)
        if s is not MISSING and t is not MISSING and same(s, t):
            return t
        action, rule = self.govern(segs)
        if s is not MISSING and t is not MISSING:
            if isinstance(s, dict) and isinstance(t, dict):
                return self.mapping(s, t, segs)
            if isinstance(s, list) and isinstance(t, list):
                ks, kt = keyed_items(s), keyed_items(t)
                if ks is not None and kt is not None:
                    return self.keyed_list(s, t, ks, kt, segs)
                if self.rules_below(segs, action):
                    return self.index_list(s, t, segs)
            return self.leaf(s, t, segs, action, rule, in_list)
        present = t if s is MISSING else s
        if not in_list and isinstance(present, dict) and present and self.rules_below(segs, action):
            return self.mapping(s, t, segs)
        return self.leaf(s, t, segs, action, rule, in_list)

    def mapping(self, s: Any, t: Any, segs: tuple[str, ...]) -> Any:
        sd: dict[Any, Any] = s if isinstance(s, dict) else {}
        td: dict[Any, Any] = t if isinstance(t, dict) else {}
        result: dict[Any, Any] = {}
        for key in _merged_order(list(sd), list(td)):
            value = self.node(sd.get(key, MISSING), td.get(key, MISSING), (*segs, str(key)), False)
            if value is not MISSING:
                result[key] = value
        if s is MISSING and not result:
            return MISSING
        return result

    def keyed_list(
        self,
        s: list[Any],
        t: list[Any],
        ks: dict[str, Any],
        kt: dict[str, Any],
        segs: tuple[str, ...],
    ) -> list[Any]:
        result: list[Any] = []
        for name, item in kt.items():
            value = self.node(ks.get(name, MISSING), item, (*segs, name), True)
            if value is not MISSING:
                result.append(value)
        for name, item in ks.items():
            if name not in kt:
                value = self.node(item, MISSING, (*segs, name), True)
                if value is not MISSING:
                    result.append(value)
        return result

    def index_list(self, s: list[Any], t: list[Any], segs: tuple[str, ...]) -> list[Any]:
        result: list[Any] = []
        for i in range(max(len(s), len(t))):
            sv = s[i] if i < len(s) else MISSING
            tv = t[i] if i < len(t) else MISSING
            value = self.node(sv, tv, (*segs, str(i)), True)
            if value is not MISSING:
                result.append(value)
        return result

    def leaf(
        self,
        s: Any,
        t: Any,
        segs: tuple[str, ...],
        action: Action,
        rule: RulePath | None,
        in_list: bool,
    ) -> Any:
        why = self.describe(segs, action, rule)
        head = self.headline(segs, action, rule)
        where = join(list(segs)) or "the document"
        src, dst = self.src, self.dst
        if action == "retain":
            if t is MISSING and rule is not None and self.tdepth >= len(rule.segments):
                kept = join(list(segs[: len(rule.segments)]))
                self.emit(
                    segs, s, t, "retained",
                    f"retained: {where} is absent from {dst}, whose {kept} is "
                    f"environment-specific and kept as it is ({why})",
                    False, MISSING,
                )  # fmt: skip
                return MISSING
            if t is MISSING and not self.fill_missing:
                self.emit(
                    segs, s, t, "retained",
                    f"retained: {where} is absent from {dst} and stays absent ({why})",
                    False, MISSING,
                )  # fmt: skip
                return MISSING
            if t is MISSING:
                self.emit(
                    segs,
                    s,
                    t,
                    "attention",
                    f"attention: {where} is absent from {dst}, nothing to retain: copied from "
                    f"{src}; set {dst}'s value if it differs ({why})",
                    True,
                    s,
                )
                return s
            if s is MISSING:
                self.emit(
                    segs,
                    s,
                    t,
                    "retained",
                    f"retained: {where} is environment-specific, absent from {src}; "
                    f"{dst}'s value kept ({why})",
                    False,
                    t,
                )
                return t
            if _type_class(s) != _type_class(t):
                self.emit(
                    segs,
                    s,
                    t,
                    "attention",
                    f"attention: {where} is a {_type_class(s)} in {src} but a {_type_class(t)} "
                    f"in {dst}; {dst}'s value kept ({why})",
                    False,
                    t,
                )
                return t
            self.emit(
                segs,
                s,
                t,
                "retained",
                f"retained: {where} is environment-specific ({why})",
                False,
                t,
            )
            return t
        # overwrite
        retain_below = any(
            a == "retain" and rule_below(r, segs, self.kind) for r, a in self.entries
        )
        if t is MISSING:
            if self.rules_below(segs, action) and (retain_below or self.env_below(segs)):
                what = "new item" if in_list else "new"
                self.emit(
                    segs,
                    s,
                    t,
                    "attention",
                    f"attention: {what} {where} copied from {src} with settings that are "
                    f"environment-specific: check them for {dst} ({why})",
                    True,
                    s,
                )
                return s
            self.applied(segs, s, t, f"added from {src}", why, head)
            return s
        if s is MISSING:
            if retain_below:
                self.emit(
                    segs,
                    s,
                    t,
                    "attention",
                    f"attention: {where} exists only in {dst} and holds environment-specific "
                    f"settings: kept; remove it by hand if {src} dropped it on purpose ({why})",
                    False,
                    t,
                )
                return t
            self.emit(
                segs,
                s,
                t,
                "changed",
                f"changed: removed, absent from {src}: {head}",
                True,
                MISSING,
            )
            return MISSING
        if retain_below and _type_class(s) != _type_class(t):
            self.emit(
                segs,
                s,
                t,
                "attention",
                f"attention: {where} is a {_type_class(s)} in {src} but a {_type_class(t)} in "
                f"{dst} and holds environment-specific settings: {dst}'s value kept ({why})",
                False,
                t,
            )
            return t
        if self.env_specific(segs, rule) and is_env_specific(s, t, self.src_names, self.dst_names):
            text = f"is {src}'s value with {dst}'s name: environment-specific"
            self.emit(segs, s, t, "attention", f"attention: {where} {text}, kept ({why})", False, t)
            return t
        self.applied(segs, s, t, "", why, head)
        return s

    def env_specific(self, segs: tuple[str, ...], rule: RulePath | None) -> bool:
        """Rule 5 applies unless a rule names this exact path (no ``*``, not the default)."""
        exact = rule is not None and WILDCARD not in rule.segments
        return not (exact and rule is not None and len(rule.segments) == len(segs))

    def applied(
        self, segs: tuple[str, ...], s: Any, t: Any, what: str, why: str, head: str
    ) -> None:
        named = (
            names_env(s, self.src_names) if self.env_specific(segs, self.govern(segs)[1]) else None
        )
        if named is not None:
            text = f"{what or 'copied'}, but the value names {self.src} ({named!r})"
            self.emit(segs, s, t, "attention", f"attention: {text}: check it ({why})", True, s)
        elif looks_like_secret_ref(s):
            subject = what or f"{self.src}'s value"
            self.emit(
                segs, s, t, "attention",
                f"attention: {subject} is a secret reference: copied, "
                f"check that it resolves for {self.dst} ({why})",
                True, s,
            )  # fmt: skip
        else:
            text = f"changed: {what}: {head}" if what else f"changed: {head}"
            self.emit(segs, s, t, "changed", text, True, s)

    # -- env vars
    def env_vars(self, s: Any, t: Any, segs: tuple[str, ...], env: EnvVarsRule) -> Any:
        if s is not MISSING and t is not MISSING and same(s, t):
            return t
        form_s, form_t = _env_form(s), _env_form(t)
        where = join(list(segs))
        src, dst = self.src, self.dst
        if (
            form_s == "invalid"
            or form_t == "invalid"
            or (form_s in ("map", "list") and form_t in ("map", "list") and form_s != form_t)
        ):
            self.emit(
                segs,
                s,
                t,
                "attention",
                f"attention: env vars at {where} are a {_env_form_name(form_s)} in {src} and a "
                f"{_env_form_name(form_t)} in {dst}: not reconciled, {dst}'s kept; "
                "reconcile them by hand",
                False,
                t,
            )
            return t
        if form_s == "empty" and form_t == "empty":
            self.emit(
                segs,
                s,
                t,
                "retained",
                f"retained: no env vars at {where} in either environment; {dst}'s form kept",
                False,
                t,
            )
            return t
        form = form_t if form_t != "empty" else form_s
        src_items = env_items(s)
        dst_items = env_items(t)
        result_items: dict[str, Any] = {}
        for name in _merged_order(list(src_items), list(dst_items)):
            key_segs = (*segs, name)
            s_item = src_items.get(name, MISSING)
            t_item = dst_items.get(name, MISSING)
            sv = _env_report_value(s_item, form)
            tv = _env_report_value(t_item, form)
            if s_item is not MISSING and t_item is not MISSING:
                result_items[name] = t_item
                if not same(s_item, t_item):
                    self.emit(
                        key_segs,
                        sv,
                        tv,
                        "retained",
                        f"retained: env var {name} keeps {dst}'s value (env vars at "
                        f"{env.path}: a key in both keeps the target's value)",
                        False,
                        tv,
                    )
            elif s_item is not MISSING:
                if env.added == "fail":
                    self.refused.append(self.path(key_segs) if self.prefix else name)
                    continue
                result_items[name] = s_item
                if looks_like_secret_ref(s_item):
                    reason = (
                        f"attention: new env var {name} is a secret reference from {src}: "
                        f"copied, check that it exists and is right for {dst}"
                    )
                else:
                    reason = (
                        f"attention: new env var {name} copied from {src} — set {dst}'s value "
                        "if it differs"
                    )
                self.emit(key_segs, sv, tv, "attention", reason, True, sv)
            elif env.removed == "remove":
                self.emit(
                    key_segs,
                    sv,
                    tv,
                    "attention",
                    f"attention: env var {name} is absent from {src}: removed from {dst} "
                    "(env_vars.removed: remove)",
                    True,
                    MISSING,
                )
            else:
                result_items[name] = t_item
                self.emit(
                    key_segs,
                    sv,
                    tv,
                    "attention",
                    f"attention: env var {name} exists only in {dst}: kept (env_vars.removed: "
                    f"keep); remove it if {src} dropped it on purpose",
                    False,
                    tv,
                )
        if not result_items and _env_form(t) == "empty":
            return t
        if form == "list":  # items of the target in its order, new ones appended
            kept = [result_items[n] for n in dst_items if n in result_items]
            return kept + [v for n, v in result_items.items() if n not in dst_items]
        return dict(result_items)


def _env_form(value: Any) -> str:
    if value is MISSING or value is None or value == {} or value == []:
        return "empty"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list) and keyed_items(value) is not None:
        return "list"
    return "invalid"


def _env_form_name(form: str) -> str:
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


def _env_report_value(raw: Any, form: str) -> Any:
    """What reviewers see for one env var: the value; for a list item, its ``value`` when the
    item is just ``{name, value}``, otherwise the item without ``name`` (``{valueFrom: ...}``)."""
    if raw is MISSING or form != "list" or not isinstance(raw, dict):
        return raw
    rest = {k: v for k, v in raw.items() if k != "name"}
    if set(rest) == {"value"}:
        return rest["value"]
    return rest


# --------------------------------------------------------------------------- documents


def _doc_key(doc: Any) -> tuple[str, str] | None:
    if not isinstance(doc, dict):
        return None
    kind, meta = doc.get("kind"), doc.get("metadata")
    if not isinstance(kind, str) or not isinstance(meta, dict):
        return None
    name = meta.get("name")
    if not isinstance(name, str):
        return None
    return kind, name


def _kind_of(doc: Any) -> str | None:
    if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
        return str(doc["kind"])
    return None


def pair_documents(
    source: Sequence[Any], target: Sequence[Any], multi_document: bool
) -> list[tuple[int | None, int | None]]:
    """Pair documents: ``[(source index or None, target index or None)]`` in result order
    (the target's documents, then documents only in the source)."""
    if not multi_document:
        n = max(len(source), len(target))
        return [(i if i < len(source) else None, i if i < len(target) else None) for i in range(n)]
    by_key: dict[tuple[str, str] | None, list[int]] = {}
    for i, doc in enumerate(source):
        by_key.setdefault(_doc_key(doc), []).append(i)
    used: set[int] = set()
    pairs: list[tuple[int | None, int | None]] = []
    for j, doc in enumerate(target):
        # the next source document with the same kind and name (documents without them: the
        # next one without them), so a repeated kind/name pairs in order of appearance
        queue = by_key.get(_doc_key(doc), [])
        si = queue.pop(0) if queue else None
        if si is not None:
            used.add(si)
        pairs.append((si, j))
    pairs += [(i, None) for i in range(len(source)) if i not in used]
    return pairs


def _doc_prefix(
    index: int, doc: Any, multi_document: bool, several: bool, unique: bool = True
) -> tuple[str, str]:
    """(report path prefix, label for reasons) of the document at result ``index``; a kind and
    name that several documents share is not a unique prefix, so they are numbered."""
    if multi_document:
        key = _doc_key(doc)
        if key is not None and unique:
            return f"{key[0]}/{key[1]}:", f"{key[0]}/{key[1]}"
        return f"#{index}:", f"#{index}"
    if several:
        return f"#{index}:", f"#{index}"
    return "", "the document"


def plan_promotion(
    source: list[Any],
    target: list[Any],
    rules: RuleSet,
    *,
    source_env: str = "source",
    target_env: str = "target",
    fill_missing: bool = True,
) -> Plan:
    """Plan promoting ``source`` onto ``target`` (plain data, one value per YAML document).

    ``fill_missing``: a retained path the target lacks is copied from the source and flagged
    (``attention``), since there is nothing to retain. With ``False`` it stays absent
    (``retained``): what restoring an old version except some paths needs (``rollback
    --retain``: plan the current spec onto the old one, overwriting the retained paths, retaining
    the rest by default).

    Raises :class:`~gitops_promote.errors.RefusedError` when ``env_vars.added`` is ``fail`` and
    the source has env vars the target lacks (the message lists them).
    """
    planner = _Planner(rules, source_env, target_env, fill_missing)
    pairs = pair_documents(source, target, rules.multi_document)
    several = len(source) > 1 or len(target) > 1
    keys = [_doc_key(target[ti] if ti is not None else source[si or 0]) for si, ti in pairs]
    result: list[Any] = []
    for index, (si, ti) in enumerate(pairs):
        sdoc = source[si] if si is not None else MISSING
        tdoc = target[ti] if ti is not None else MISSING
        doc = tdoc if tdoc is not MISSING else sdoc
        unique = keys.count(keys[index]) == 1
        planner.prefix, label = _doc_prefix(index, doc, rules.multi_document, several, unique)
        planner.kind = _kind_of(tdoc) or _kind_of(sdoc)
        if tdoc is MISSING:
            planner.emit(
                (),
                sdoc,
                MISSING,
                "attention",
                f"attention: document {label} exists only in {source_env}: added to "
                f"{target_env}; check it belongs there",
                True,
                sdoc,
            )
            result.append(_copy(sdoc))
        elif sdoc is MISSING:
            planner.emit(
                (),
                MISSING,
                tdoc,
                "attention",
                f"attention: document {label} exists only in {target_env}: kept; remove it "
                f"by hand if {source_env} dropped it on purpose",
                False,
                tdoc,
            )
            result.append(_copy(tdoc))
        else:
            value = planner.node(sdoc, tdoc, (), False)
            result.append(_copy(tdoc if value is MISSING else value))
    if planner.refused:
        names = ", ".join(planner.refused)
        raise RefusedError(
            f"new env vars in {source_env} that {target_env} lacks: {names}; env_vars.added is "
            f"'fail': add them to {target_env} first (nothing was written)"
        )
    return Plan(tuple(planner.changes), result, tuple(pairs))
