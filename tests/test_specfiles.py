"""specfiles: the id of a folder spec's content."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gitops_promote.specfiles import content_key

_NAMES = st.text(st.characters(blacklist_characters="\0\n/"), min_size=1, max_size=12)
_SHAS = st.text("0123456789abcdef", min_size=40, max_size=40)


def test_content_key_is_equal_for_equal_files_in_any_order() -> None:
    a = {"kustomization.yaml": "1" * 40, "deployment.yaml": "2" * 40}
    assert content_key(a) == content_key(dict(reversed(a.items())))
    assert content_key({}) == content_key({})


def test_content_key_differs_when_a_file_differs_is_renamed_added_or_removed() -> None:
    a = {"kustomization.yaml": "1" * 40, "deployment.yaml": "2" * 40}
    keys = {
        content_key(a),
        content_key({**a, "deployment.yaml": "3" * 40}),
        content_key({"kustomization.yaml": "1" * 40, "deploy.yaml": "2" * 40}),
        content_key({**a, "service.yaml": "4" * 40}),
        content_key({"kustomization.yaml": "1" * 40}),
    }
    assert len(keys) == 5


@given(st.dictionaries(_NAMES, _SHAS, max_size=6), st.dictionaries(_NAMES, _SHAS, max_size=6))
def test_content_key_is_equal_exactly_when_the_files_are(
    a: dict[str, str], b: dict[str, str]
) -> None:
    assert (content_key(a) == content_key(b)) == (a == b)
