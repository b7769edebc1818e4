"""Rule sets: which paths a promote overwrites, which it retains, how env vars are reconciled;
and which rule governs a path (the most specific one covering it).

Plain frozen values; the built-in presets live in :mod:`gitops_promote.presets`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .pointer import WILDCARD, RulePath, split

Action = Literal["overwrite", "retain"]
AddedPolicy = Literal["copy", "fail"]
RemovedPolicy = Literal["keep", "remove"]


@dataclass(frozen=True)
class EnvVarsRule:
    """How environment variables at ``path`` are reconciled (SPEC section 3, rule 4).

    ``path`` addresses either a mapping ``NAME: value`` or a list of ``{name, value | valueFrom}``
    (it may contain ``*``, e.g. one env list per container).
    """

    path: RulePath
    added: AddedPolicy = "copy"
    removed: RemovedPolicy = "keep"


@dataclass(frozen=True)
class RuleSet:
    """The rules of one promotion.

    ``multi_document``: specs may hold several YAML documents, matched by ``kind`` +
    ``metadata.name`` (the ``kubernetes`` preset).
    """

    overwrite: tuple[RulePath, ...] = ()
    retain: tuple[RulePath, ...] = ()
    env_vars: EnvVarsRule | None = None
    default: Action = "overwrite"
    multi_document: bool = False
    preset: str = "none"
    # Where each rule came from, for reasons shown to reviewers: str(path) -> "preset truefoundry"
    origins: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Other names of each environment as values spell them (rule 5): env -> aliases
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)


ReportPathLike = str | Sequence[str]
"""A report path: a JSON Pointer (optionally prefixed ``Kind/name:``) or its segments."""

Specificity = tuple[int, tuple[int, ...], int, int]


def rule_matches(rule: RulePath, segments: Sequence[str], kind: str | None) -> bool:
    """Does ``rule`` cover the path ``segments`` (the path itself or its subtree) in a document
    of ``kind``? ``*`` matches any one segment; a ``Kind:`` rule only matches that kind; a
    ``FILE:`` rule only the file of a directory spec it names (see dirspec.rules_for_file)."""
    if (rule.kind is not None and rule.kind != kind) or rule.file is not None:
        return False
    if len(rule.segments) > len(segments):
        return False
    return all(r in (WILDCARD, s) for r, s in zip(rule.segments, segments, strict=False))


def rule_below(rule: RulePath, segments: Sequence[str], kind: str | None) -> bool:
    """Does ``rule`` name a path strictly inside the subtree at ``segments``?"""
    if (rule.kind is not None and rule.kind != kind) or rule.file is not None:
        return False
    if len(rule.segments) <= len(segments):
        return False
    return all(r in (WILDCARD, s) for r, s in zip(rule.segments, segments, strict=False))


def specificity(rule: RulePath, action: Action) -> Specificity:
    """Sort key: the greatest wins. More segments; then a literal segment at the earliest
    position where one rule has ``*``; then kind-qualified; then retain over overwrite."""
    literals = tuple(0 if s == WILDCARD else 1 for s in rule.segments)
    return (len(rule.segments), literals, 1 if rule.kind else 0, 1 if action == "retain" else 0)


def split_report_path(path: ReportPathLike) -> tuple[str | None, tuple[str, ...]]:
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
    prefix_kind, segments = split_report_path(path)
    return govern(rule_entries(rules), rules.default, segments, kind or prefix_kind)


def rule_entries(rules: RuleSet) -> list[tuple[RulePath, Action]]:
    """Every path rule with its action: the overwrite rules, then the retain rules."""
    out: list[tuple[RulePath, Action]] = [(r, "overwrite") for r in rules.overwrite]
    out += [(r, "retain") for r in rules.retain]
    return out


def govern(
    entries: Sequence[tuple[RulePath, Action]],
    default: Action,
    segments: Sequence[str],
    kind: str | None,
) -> tuple[Action, RulePath | None]:
    """The most specific of ``entries`` covering ``segments``, or ``(default, None)``."""
    best: tuple[Action, RulePath] | None = None
    best_key: Specificity | None = None
    for rule, action in entries:
        if rule_matches(rule, segments, kind):
            key = specificity(rule, action)
            if best_key is None or key > best_key:
                best, best_key = (action, rule), key
    if best is None:
        return default, None
    return best


Governed = dict[tuple[tuple[str, ...], str | None], tuple[Action, RulePath | None]]
_GOVERNED: weakref.WeakKeyDictionary[RuleSet, Governed] = weakref.WeakKeyDictionary()


def governed(rules: RuleSet) -> Governed:
    """Where :func:`govern`'s answers for ``rules`` are remembered, (segments, kind) -> answer,
    while the rule set lives: the services of a ``status`` or ``promote --all`` share their
    paths, so each path's rule is worked out once per command, not once per service. Equal rule
    sets share it (the answer depends only on the compared fields)."""
    memo = _GOVERNED.get(rules)
    if memo is None:
        memo = _GOVERNED[rules] = {}
    return memo
