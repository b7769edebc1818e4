"""``update --set`` paths: pointer and dotted forms, keyed lists, documents, errors."""

from __future__ import annotations

import pytest

from gitops_promote.errors import NotFoundError, UsageError
from gitops_promote.setpath import parse_set, resolve_set

SPEC = {
    "image": {"image_uri": "repo:1"},
    "env": {"LOG_LEVEL": "info"},
    "ports": [{"port": 80, "host": "a"}],
    "spec": {
        "containers": [
            {"name": "app", "image": "x", "env": [{"name": "A", "value": "1"}]},
            {"name": "sidecar", "image": "y"},
        ]
    },
}


def resolve(text: str, value: object, docs: list[object] | None = None):  # type: ignore[no-untyped-def]
    return resolve_set(docs or [SPEC], parse_set(text), value, "envs/prod/api.yaml")


def test_pointer_and_dotted_paths_resolve_to_the_same_place() -> None:
    a = resolve("/image/image_uri=repo:2", "repo:2")
    b = resolve("image.image_uri=repo:2", "repo:2")
    assert a.path == b.path == ("image", "image_uri")
    assert a.old == "repo:1" and a.exists


def test_value_text_keeps_everything_after_the_first_equals_sign() -> None:
    expr = parse_set("env.URL=http://x/?a=b")
    assert expr.segments == ("env", "URL") and expr.value_text == "http://x/?a=b"


def test_new_key_is_reported_as_added() -> None:
    r = resolve("env.NEW_VAR=1", 1)
    assert r.path == ("env", "NEW_VAR") and not r.exists and r.report_path == "/env/NEW_VAR"


def test_plain_list_items_by_index() -> None:
    r = resolve("/ports/0/host=b", "b")
    assert r.path == ("ports", 0, "host") and r.report_path == "/ports/0/host"


def test_keyed_list_items_by_name_and_report_path_uses_names() -> None:
    r = resolve("spec.containers.sidecar.image=z", "z")
    assert r.path == ("spec", "containers", 1, "image")
    assert r.report_path == "/spec/containers/sidecar/image"


def test_scalar_on_a_keyed_item_sets_its_value() -> None:
    r = resolve("spec.containers.app.env.A=2", "2")
    assert r.path == ("spec", "containers", 0, "env", 0, "value") and r.old == "1"


def test_new_keyed_item_is_appended_with_its_name() -> None:
    r = resolve("spec.containers.app.env.B=7", "7")
    assert r.path == ("spec", "containers", 0, "env", 1)
    assert r.value == {"name": "B", "value": "7"} and not r.exists


def test_document_prefix_selects_by_kind_and_name() -> None:
    docs: list[object] = [
        {"kind": "Service", "metadata": {"name": "api"}, "spec": {}},
        {"kind": "Deployment", "metadata": {"name": "api"}, "spec": {"replicas": 2}},
    ]
    r = resolve("Deployment/api:/spec/replicas=3", 3, docs)
    assert r.doc == 1 and r.path == ("spec", "replicas") and r.old == 2


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("image.image_uri", UsageError),  # no '='
        ("=3", UsageError),  # empty path
        ("image..x=1", UsageError),  # empty segment
        ("/image/image_uri/deeper=1", UsageError),  # below a scalar
        ("ports.first=1", UsageError),  # a plain list needs an index
        ("/ports/5/host=1", NotFoundError),  # past the end
        ("Deployment/nope:/spec/replicas=1", NotFoundError),
        ("/bad~2escape=1", UsageError),
    ],
)
def test_bad_set_expressions_are_refused_with_a_clear_error(
    text: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        resolve(text, 1)
    assert "--set" in str(info.value)


def test_multi_document_spec_needs_a_document_prefix() -> None:
    docs: list[object] = [{"kind": "A"}, {"kind": "B"}]
    with pytest.raises(UsageError, match="prefix the path with the document"):
        resolve("/x=1", 1, docs)


def test_a_list_with_repeated_names_is_addressed_by_index_as_the_planner_reads_it() -> None:
    docs: list[object] = [{"x": [{"name": "a", "v": 1}, {"name": "a", "v": 2}]}]
    with pytest.raises(UsageError, match="is a list"):
        resolve("x.a.v=3", 3, docs)  # which "a"? not guessed
    assert resolve("x.1.v=3", 3, docs).path == ("x", 1, "v")


def test_numeric_names_are_names_too() -> None:
    docs: list[object] = [{"ports": [{"name": 80, "host": "a"}, {"name": 443, "host": "b"}]}]
    r = resolve("ports.443.host=c", "c", docs)
    assert r.path == ("ports", 1, "host") and r.report_path == "/ports/443/host"
