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
  :func:`gitops_promote.rules.match_rule`), or by the rule set's default.
- Env vars at ``env_vars.path`` are reconciled key by key (:mod:`gitops_promote.envvars`), never
  governed by overwrite, retain or the default: a key in both keeps the target's value
  (``retained``); a key new in the source is copied and flagged (``attention``), or stops the
  promote with ``added: fail``; a key only in the target is kept, or removed with ``removed:
  remove``, and flagged.
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import envvars
from .data import (
    MISSING,
    Category,
    Change,
    Finding,
    deep_copy,
    keyed_items,
    looks_like_secret_ref,
    merged_order,
    same,
    type_class,
)
from .envspecific import is_env_specific, names_env
from .errors import RefusedError
from .pointer import WILDCARD, RulePath, join
from .rules import (
    Action,
    EnvVarsRule,
    RuleSet,
    govern,
    governed,
    rule_below,
    rule_entries,
    rule_matches,
)

__all__ = ["MISSING", "Category", "Change", "Plan", "pair_documents", "plan_promotion"]


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


# --------------------------------------------------------------------------- the planner


class _Planner:
    def __init__(
        self, rules: RuleSet, source_env: str, target_env: str, fill_missing: bool = True
    ) -> None:
        self.rules = rules
        self.fill_missing = fill_missing
        self.entries = rule_entries(rules)
        self.governed = governed(rules)
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

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def refuse(self, segs: tuple[str, ...], name: str) -> None:
        self.refused.append(self.path(segs) if self.prefix else name)

    def govern(self, segs: tuple[str, ...]) -> tuple[Action, RulePath | None]:
        key = (segs, self.kind)
        found = self.governed.get(key)
        if found is None:
            found = self.governed[key] = govern(self.entries, self.rules.default, segs, self.kind)
        return found

    def describe(self, segs: tuple[str, ...], action: Action, rule: RulePath | None) -> str:
        """The governing rule for reasons in parentheses: ``retain /replicas, preset x``."""
        if rule is None:
            return f"default {action}: no rule names {join(list(segs)) or 'this document'}"
        return f"{action} {rule}, {self.origin(segs, rule)}"

    def origin(self, segs: tuple[str, ...], rule: RulePath | None) -> str:
        """Where the governing rule comes from (``preset truefoundry``, ``config``), or that no
        rule names the path."""
        if rule is None:
            return f"no rule names {join(list(segs)) or 'this document'}"
        return self.rules.origins.get(str(rule), "config")

    def headline(self, segs: tuple[str, ...], action: Action, rule: RulePath | None) -> str:
        """The governing rule as a headline: ``overwrite /image (preset truefoundry)``."""
        if rule is None:
            return f"default {action} ({self.origin(segs, rule)})"
        return f"{action} {rule} ({self.origin(segs, rule)})"

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
        for key in merged_order(list(sd), list(td)):
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
        if action == "retain":
            found = self.retain(s, t, segs, rule, why)
        else:
            found = self.overwrite(s, t, segs, action, rule, in_list, why)
        self.add(Change.at(self.path(segs), s, t, found))
        return found.result

    def retain(
        self, s: Any, t: Any, segs: tuple[str, ...], rule: RulePath | None, why: str
    ) -> Finding:
        where = join(list(segs)) or "the document"
        src, dst = self.src, self.dst
        if t is MISSING and rule is not None and self.tdepth >= len(rule.segments):
            kept = join(list(segs[: len(rule.segments)]))
            reason = (
                f"retained: {where} is absent from {dst}, whose {kept} is "
                f"environment-specific and kept as it is ({why})"
            )
            return Finding("retained", reason, why, applied=False, result=MISSING)
        if t is MISSING and not self.fill_missing:
            reason = f"retained: {where} is absent from {dst} and stays absent ({why})"
            return Finding("retained", reason, why, applied=False, result=MISSING)
        if t is MISSING:
            reason = (
                f"attention: {where} is absent from {dst}, nothing to retain: copied from "
                f"{src}; set {dst}'s value if it differs ({why})"
            )
            return Finding("attention", reason, why, applied=True, result=s)
        if s is MISSING:
            reason = (
                f"retained: {where} is environment-specific, absent from {src}; "
                f"{dst}'s value kept ({why})"
            )
            return Finding("retained", reason, why, applied=False, result=t)
        if type_class(s) != type_class(t):
            reason = (
                f"attention: {where} is a {type_class(s)} in {src} but a {type_class(t)} "
                f"in {dst}; {dst}'s value kept ({why})"
            )
            return Finding("attention", reason, why, applied=False, result=t)
        reason = f"retained: {where} is environment-specific ({why})"
        return Finding("retained", reason, why, applied=False, result=t)

    def overwrite(
        self,
        s: Any,
        t: Any,
        segs: tuple[str, ...],
        action: Action,
        rule: RulePath | None,
        in_list: bool,
        why: str,
    ) -> Finding:
        head = self.headline(segs, action, rule)
        origin = self.origin(segs, rule)
        where = join(list(segs)) or "the document"
        src, dst = self.src, self.dst
        retain_below = any(
            a == "retain" and rule_below(r, segs, self.kind) for r, a in self.entries
        )
        if t is MISSING:
            if not (self.rules_below(segs, action) and (retain_below or self.env_below(segs))):
                rule5 = self.env_specific(segs, rule)
                return self.applied(s, f"added from {src}", why, head, origin, rule5)
            what = "new item" if in_list else "new"
            reason = (
                f"attention: {what} {where} copied from {src} with settings that are "
                f"environment-specific: check them for {dst} ({why})"
            )
            return Finding("attention", reason, why, applied=True, result=s)
        if s is MISSING and retain_below:
            reason = (
                f"attention: {where} exists only in {dst} and holds environment-specific "
                f"settings: kept; remove it by hand if {src} dropped it on purpose ({why})"
            )
            return Finding("attention", reason, why, applied=False, result=t)
        if s is MISSING:
            reason = f"changed: removed, absent from {src}: {head}"
            return Finding("changed", reason, origin, applied=True, result=MISSING)
        if retain_below and type_class(s) != type_class(t):
            reason = (
                f"attention: {where} is a {type_class(s)} in {src} but a {type_class(t)} in "
                f"{dst} and holds environment-specific settings: {dst}'s value kept ({why})"
            )
            return Finding("attention", reason, why, applied=False, result=t)
        rule5 = self.env_specific(segs, rule)
        if rule5 and is_env_specific(s, t, self.src_names, self.dst_names):
            text = f"is {src}'s value with {dst}'s name: environment-specific"
            reason = f"attention: {where} {text}, kept ({why})"
            return Finding("attention", reason, why, applied=False, result=t)
        return self.applied(s, "", why, head, origin, rule5)

    def env_specific(self, segs: tuple[str, ...], rule: RulePath | None) -> bool:
        """Rule 5 applies unless a rule names this exact path (no ``*``, not the default)."""
        exact = rule is not None and WILDCARD not in rule.segments
        return not (exact and rule is not None and len(rule.segments) == len(segs))

    def applied(self, s: Any, what: str, why: str, head: str, origin: str, rule5: bool) -> Finding:
        """The source's value is written: ``changed``, or ``attention`` for a secret reference
        or a value that still names the source environment (SPEC section 3, rule 5)."""
        named = names_env(s, self.src_names) if rule5 else None
        if named is not None:
            text = f"{what or 'copied'}, but the value names {self.src} ({named!r})"
            reason = f"attention: {text}: check it ({why})"
            return Finding("attention", reason, why, applied=True, result=s)
        if looks_like_secret_ref(s):
            subject = what or f"{self.src}'s value"
            reason = (
                f"attention: {subject} is a secret reference: copied, "
                f"check that it resolves for {self.dst} ({why})"
            )
            return Finding("attention", reason, why, applied=True, result=s)
        reason = f"changed: {what}: {head}" if what else f"changed: {head}"
        return Finding("changed", reason, origin, applied=True, result=s)

    def env_vars(self, s: Any, t: Any, segs: tuple[str, ...], env: EnvVarsRule) -> Any:
        return envvars.reconcile(s, t, segs, env, self.src, self.dst, self)


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


def _one_sided(label: str, sdoc: Any, tdoc: Any, source_env: str, target_env: str) -> Finding:
    """A document only in the source (added) or only in the target (kept), flagged."""
    rule = "documents are paired by kind and name, or by position"
    if tdoc is MISSING:
        reason = (
            f"attention: document {label} exists only in {source_env}: added to "
            f"{target_env}; check it belongs there"
        )
        return Finding("attention", reason, rule, applied=True, result=sdoc)
    reason = (
        f"attention: document {label} exists only in {target_env}: kept; remove it "
        f"by hand if {source_env} dropped it on purpose"
    )
    return Finding("attention", reason, rule, applied=False, result=tdoc)


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
        if sdoc is MISSING or tdoc is MISSING:
            found = _one_sided(label, sdoc, tdoc, source_env, target_env)
            planner.add(Change.at(planner.path(()), sdoc, tdoc, found))
            result.append(deep_copy(doc))
        else:
            value = planner.node(sdoc, tdoc, (), False)
            result.append(deep_copy(tdoc if value is MISSING else value))
    if planner.refused:
        names = ", ".join(planner.refused)
        raise RefusedError(
            f"new env vars in {source_env} that {target_env} lacks: {names}; env_vars.added is "
            f"'fail': add them to {target_env} first (nothing was written)"
        )
    return Plan(tuple(planner.changes), result, tuple(pairs))
