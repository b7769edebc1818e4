"""Rule 5 of SPEC section 3: environment-specific values are never copied silently.

Pure functions of two values and the names (name + aliases) of two environments. A name counts
only as a whole word between non-alphanumerics: ``shop-prod``, ``./production``,
``pg://staging-db`` and ``api.staging.acme.com`` name an environment; ``devices`` and ``aqua`` do
not name ``dev`` or ``qa``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=256)
def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", re.IGNORECASE)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def names_env(value: Any, names: Sequence[str]) -> str | None:
    """The first of ``names`` that appears in ``value`` (any string inside it) as a whole word."""
    for text in _strings(value):
        for name in names:
            if name and _word(name).search(text):
                return name
    return None


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return _word(old).sub(lambda _m: new, value)
    if isinstance(value, dict):
        return {
            (_replace(k, old, new) if isinstance(k, str) else k): _replace(v, old, new)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return value


def is_env_specific(
    source: Any, target: Any, source_names: Sequence[str], target_names: Sequence[str]
) -> bool:
    """True when ``source`` with a source environment name replaced by a target environment name
    equals ``target`` (``shop-staging`` vs ``shop-prod``) and the two differ."""
    if source == target or not any(_strings(source)):
        return False
    for old in source_names:
        if not old or names_env(source, [old]) is None:
            continue
        for new in target_names:
            if new and _replace(source, old, new) == target:
                return True
    return False
