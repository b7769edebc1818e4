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


def resolve(  # type: ignore[no-untyped-def]
    text: str, value: object, docs: list[object] | None = None, *, create: bool = False
):
    return resolve_set(docs or [SPEC], parse_set(text), value, "envs/prod/api.yaml", create=create)


def test_pointer_and_dotted_paths_resolve_to_the_same_place() -> None:
    a = resolve("/image/image_uri=repo:2", "repo:2")
    b = resolve("image.image_uri=repo:2", "repo:2")
    assert a.path == b.path == ("image", "image_uri")
    assert a.old == "repo:1" and a.exists


def test_value_text_keeps_everything_after_the_first_equals_sign() -> None:
    expr = parse_set("env.URL=http://x/?a=b")
    assert expr.segments == ("env", "URL") and expr.value_text == "http://x/?a=b"


def test_new_key_is_reported_as_added() -> None:
    r = resolve("env.NEW_VAR=1", 1, create=True)
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
    r = resolve("spec.containers.app.env.B=7", 7, create=True)
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


# -- SPEC 4: values keep their type --------------------------------------------------------------


def test_a_value_replacing_a_string_stays_a_string() -> None:
    r = resolve("spec.containers.app.env.A=50", 50)
    assert r.value == "50" and r.old == "1"
    docs: list[object] = [{"v": "24", "n": 3, "s": "x"}]
    assert resolve("v=50", 50, docs).value == "50"
    assert resolve("v=true", True, docs).value == "true"
    assert resolve("v=1.50", 1.5, docs).value == "1.50"  # the text as given
    assert resolve("v=null", None, docs).value is None  # null is asked for by name
    assert resolve("n=50", 50, docs).value == 50  # a number stays what VALUE reads as
    assert resolve("n=abc", "abc", docs).value == "abc"  # a string replacing a number: allowed


def test_set_string_always_writes_a_string() -> None:
    docs: list[object] = [{"n": 3}]
    r = resolve_set(docs, parse_set("n=4", string=True), None, "f.yaml")
    assert r.value == "4" and r.old == 3
    assert parse_set("n=4", string=True).label == "--set-string 'n=4'"


def test_new_env_var_items_get_string_values() -> None:
    r = resolve("spec.containers.app.env.DEBUG=true", True, create=True)
    assert r.value == {"name": "DEBUG", "value": "true"}
    r = resolve("env.PORT=8080", 8080, create=True)  # the mapping form too
    assert r.value == "8080"
    assert resolve("image.port=8080", 8080, create=True).value == 8080  # elsewhere: a number


# -- SPEC 4: nothing is created unless asked -----------------------------------------------------


def test_a_missing_key_is_refused_with_the_nearest_keys() -> None:
    with pytest.raises(NotFoundError) as info:
        resolve("image.imag_uri=x", "x")
    msg = str(info.value)
    assert "/image has no key 'imag_uri'" in msg and "did you mean image_uri?" in msg
    assert "--create" in msg
    assert info.value.exit_code == 2


def test_a_missing_key_without_close_names_lists_the_keys() -> None:
    with pytest.raises(NotFoundError, match=r"it has image_uri\)"):
        resolve("image.zzz=x", "x")


def test_a_missing_list_item_is_refused_and_never_appended() -> None:
    with pytest.raises(NotFoundError, match="did you mean sidecar"):
        resolve("spec.containers.sidecr.image=x", "x")
    with pytest.raises(NotFoundError, match="no item named 'B'"):
        resolve("spec.containers.app.env.B=7", "7")
    with pytest.raises(NotFoundError, match="past the end"):
        resolve("/ports/1/host=x", "x")


def test_a_number_on_a_keyed_list_is_an_index_when_no_item_bears_that_name() -> None:
    r = resolve("/spec/containers/1/image=z", "z")
    assert r.path == ("spec", "containers", 1, "image") and r.old == "y"
    steps: list[object] = [{"jobs": {"e2e": {"steps": [{"name": "a"}, {"name": "b"}]}}}]
    with pytest.raises(
        NotFoundError, match=r"index 19 is past the end of /jobs/e2e/steps \(2 items\)$"
    ):
        resolve("/jobs/e2e/steps/19/timeout-minutes=32", 32, steps)
    with pytest.raises(NotFoundError, match="past the end"):
        resolve("/jobs/e2e/steps/19/timeout-minutes=32", 32, steps, create=True)


def test_create_adds_keys_and_appends_items() -> None:
    r = resolve("image.tag=v2", "v2", create=True)
    assert r.path == ("image", "tag") and not r.exists
    r = resolve("/ports/1=x", "x", create=True)
    assert r.path == ("ports", 1) and not r.exists
    r = resolve("/ports/-=x", "x", create=True)
    assert r.path == ("ports", 1)
    with pytest.raises(NotFoundError, match="only be appended"):
        resolve("/ports/5=x", "x", create=True)


# -- SPEC 4: empty values ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["image.image_uri=", "image.image_uri=  "])
def test_an_empty_value_is_refused_saying_how_to_write_null_or_empty(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_set(text)
    msg = str(info.value)
    assert "the value is empty" in msg
    assert "image.image_uri=null" in msg and "image.image_uri=''" in msg
    with pytest.raises(UsageError, match="the value is empty"):
        parse_set(text, string=True)


# -- SPEC 4: a document prefix before either form ------------------------------------------------

DOCS: list[object] = [
    {"kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": []}},
    {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2}},
]


@pytest.mark.parametrize("path", ["Deployment/web:spec.replicas", "Deployment/web:/spec/replicas"])
def test_a_document_prefix_takes_a_dotted_path_or_a_pointer(path: str) -> None:
    r = resolve(f"{path}=3", 3, DOCS)
    assert r.doc == 1 and r.path == ("spec", "replicas") and r.old == 2
    one = resolve(f"{path}=3", 3, [DOCS[1]])  # a one-document file
    assert one.doc == 0 and one.path == ("spec", "replicas")


def test_a_document_prefix_that_names_no_document_is_refused() -> None:
    with pytest.raises(NotFoundError, match="no document Deployment/api"):
        resolve("Deployment/api:spec.replicas=3", 3, [DOCS[1]])
