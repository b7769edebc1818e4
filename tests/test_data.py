"""Plain data as the core compares it: the absent marker, secret references."""

from __future__ import annotations

from gitops_promote.data import MISSING, looks_like_secret_ref


def test_looks_like_secret_ref() -> None:
    assert looks_like_secret_ref("${{secrets.TOKEN}}")
    assert looks_like_secret_ref({"envFrom": [{"secretRef": {"name": "x"}}]})
    assert not looks_like_secret_ref("postgres://db:5432/shop")
    assert not looks_like_secret_ref("secretRefreshInterval")  # a word, not a reference
    assert not looks_like_secret_ref(12)


def test_missing_sentinel_renders() -> None:
    assert str(MISSING) == "(absent)"
    assert repr(MISSING) == "MISSING"
    assert not MISSING
