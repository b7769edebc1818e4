"""The promotion PR body: golden files for each shape, each read back with a GFM parser to check
that what renders is the real value, and the pieces (value elision, image split, version order).

Shapes built from the bundled sample repository live in test_golden.py (single service, --all,
nothing to change); the shapes below are planned from specs written here, so no git is needed.
Set GITOPS_PROMOTE_UPDATE_GOLDEN=1 to rewrite the files after an intended change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from gitops_promote.environment import Environment
from gitops_promote.history import Version
from gitops_promote.plan import MISSING, Change, Plan, plan_promotion
from gitops_promote.presets import PRESETS
from gitops_promote.promotion import PromotionResult, ServicePromotion, _new_service_plan
from gitops_promote.provider import PullRequestRef
from gitops_promote.publish import Published
from gitops_promote.render import prbody, prvalues
from gitops_promote.specdoc import parse_spec
from gitops_promote.textfmt import common_prefix
from gitops_promote.workspace import SpecRef

from .test_golden import GOLDEN, check_golden

SOURCE, TARGET = "staging", "prod"


def version(n: int, sha: str, path: str) -> Version:
    return Version(n, sha * 5, "2026-11-30T10:00:00+00:00", "CI", "ci@acme.example", "s", "m",
                   "update", path, "0" * 40)  # fmt: skip


def promo(
    service: str,
    source: str,
    target: str | None,
    preset: str = "truefoundry",
    *,
    path: str | None = None,
    plan: Plan | None = None,
) -> ServicePromotion:
    """A service promotion planned from YAML text (``target`` None: a new service)."""
    path = path or f"envs/{TARGET}/{service}.yaml"
    src = source.encode()
    src_docs = parse_spec(src, "source.yaml").documents()
    src_ref = SpecRef(service, Environment(SOURCE, f"envs/{SOURCE}"), "main", "a" * 40,
                      f"envs/{SOURCE}/{service}.yaml", src)  # fmt: skip
    tgt = target.encode() if target is not None else None
    tgt_ref = SpecRef(service, Environment(TARGET, f"envs/{TARGET}"), "main", "b" * 40, path, tgt)
    if tgt is None:
        plan = plan or _new_service_plan(src_docs, SOURCE, TARGET)
        return ServicePromotion(
            service, src_ref, tgt_ref, version(4, "4e1c2", src_ref.path), None, plan, None, src
        )
    if plan is None:
        tgt_docs = parse_spec(tgt, "target.yaml").documents()
        plan = plan_promotion(src_docs, tgt_docs, PRESETS[preset], source_env=SOURCE,
                              target_env=TARGET)  # fmt: skip
    new = tgt + b"# promoted\n" if plan.has_writes else tgt
    return ServicePromotion(service, src_ref, tgt_ref, version(4, "4e1c2", src_ref.path),
                            version(7, "7d3f9", path), plan, tgt, new)  # fmt: skip


K8S_SOURCE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop-staging}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: shop
          image: registry.acme.io:5000/shop/web:2.4.0
          env:
            - {name: LOG_LEVEL, value: debug}
            - {name: GREETING, value: "<b>Hi</b> *all* | `team_a`"}
            - {name: CACHE_URL, value: "redis://cache.staging.svc:6379"}
          resources: {limits: {cpu: "1"}}
        - name: envoy
          image: envoyproxy/envoy:v1.29.0
          readinessProbe: {httpGet: {path: /ready, port: 9901}}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: shop-staging}
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: shop, namespace: shop-staging}
spec: {minReplicas: 1, maxReplicas: 3}
"""

K8S_TARGET = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop-prod}
spec:
  replicas: 6
  template:
    spec:
      containers:
        - name: shop
          image: registry.acme.io:5000/shop/web:2.3.1
          env:
            - {name: LOG_LEVEL, value: warning}
          resources: {limits: {cpu: "4"}}
        - name: envoy
          image: envoyproxy/envoy:v1.30.1
          readinessProbe: {httpGet: {path: /healthz, port: 9901}}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: shop-prod}
spec:
  ports: [{port: 80, targetPort: 8000}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: shop, namespace: shop-prod}
spec: {minReplicas: 4, maxReplicas: 20}
"""

ECR = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme/ml-platform/sentiment-inference"
DIGEST_OLD = "sha256:a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef"
DIGEST_NEW = "sha256:a3f1c2d4e5b6f00d0123456789abcdef0123456789abcdef0123456789abcdef"

LONG_SOURCE = f"""\
name: inference
image:
  type: image
  image_uri: {ECR}:1.7.0-rc.2@{DIGEST_NEW}
replicas: 2
env:
  LOG_FILTER: "health|ready|metrics"
  STARTUP_SCRIPT: |
    set -e
    python -m warmup --model `cat /etc/model`
    exec uvicorn app:main --port 8000
  ROUTING_RULES: '{{"routes": [{{"match": "/v1/predict", "backend": "distilbert", "weight": 90}}, {{"match": "/v1/predict", "backend": "roberta", "weight": 10}}], "timeout_ms": 2500}}'
  OPENAI_API_KEY: tfy-secret://acme:ml-staging:openai-key
readiness_probe:
  config: {{type: http, path: /ready, port: 8000}}
  headers: {{X-Probe: "kube|probe"}}
"""  # noqa: E501

LONG_TARGET = f"""\
name: inference
image:
  type: image
  image_uri: {ECR}:1.7.0-rc.2@{DIGEST_OLD}
replicas: 4
env:
  ROUTING_RULES: '{{"routes": [{{"match": "/v1/predict", "backend": "distilbert", "weight": 100}}], "timeout_ms": 2500}}'
readiness_probe:
  config: {{type: http, path: /health, port: 8000}}
"""  # noqa: E501

NEW_SERVICE = """\
# The reranker: scores candidates for the search page.
name: reranker
image:
  type: image
  image_uri: ghcr.io/acme/reranker:0.9.2
replicas: 2
env:
  MODEL: "cross-encoder/ms-marco"
  QUEUE_URL: sqs://staging-rerank
workspace_fqn: tfy-staging-cluster:ml-staging
"""


def _dir_plan() -> Plan:
    """A directory spec (one file per prefix), as a later issue plans it."""

    def change(path: str, source: Any, target: Any, category: str, reason: str) -> Change:
        applied = category != "retained"
        result = source if applied else target
        return Change(path, source, target, category, reason, applied, result)  # type: ignore[arg-type]

    return Plan(
        changes=(
            change(
                "kustomization.yaml:/images/0/newTag",
                "2.5.0",
                "2.4.0",
                "changed",
                "changed: overwrite /images/*/newTag (config)",
            ),
            change(
                "kustomization.yaml:/namespace",
                "shop-staging",
                "shop-prod",
                "retained",
                "retained: /namespace is environment-specific (retain /namespace, config)",
            ),
            change(
                "deployment.yaml:Deployment/shop:/spec/template/spec/containers/shop/env/TZ",
                "UTC",
                MISSING,
                "attention",
                "attention: new env var TZ copied from staging — set prod's value if it differs",
            ),
            change(
                "deployment.yaml:Deployment/shop:/spec/replicas",
                2,
                6,
                "retained",
                "retained: /spec/replicas is environment-specific (retain /spec/replicas, config)",
            ),
        ),
        result=[],
    )


def shapes() -> dict[str, list[ServicePromotion]]:
    return {
        "pr_body_kubernetes_multi_document.md": [
            promo("shop", K8S_SOURCE, K8S_TARGET, "kubernetes")
        ],
        "pr_body_long_values.md": [promo("inference", LONG_SOURCE, LONG_TARGET)],
        "pr_body_new_service.md": [promo("reranker", NEW_SERVICE, None)],
        "pr_body_directory_spec.md": [
            promo("shop", "a: 1\n", "a: 1\n", path="envs/prod/shop", plan=_dir_plan())
        ],
    }


SHAPES = shapes()
BRANCH = "gitops-promote/staging-to-prod/x"


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_golden_shape(name: str) -> None:
    check_golden(name, prbody.body(SOURCE, TARGET, SHAPES[name], BRANCH))


def test_titles_say_what_ships() -> None:
    title = {name: prbody.title(SOURCE, TARGET, sps) for name, sps in SHAPES.items()}
    assert title["pr_body_kubernetes_multi_document.md"] == (
        "Promote shop to prod: 2.3.1 → 2.4.0 (⚠️ 3)"
    )
    assert (
        title["pr_body_long_values.md"]
        == "Promote inference to prod: 1.7.0-rc.2 (new digest) (⚠️ 4)"
    )
    assert title["pr_body_new_service.md"] == "Promote reranker to prod: new 0.9.2 (⚠️ 1)"
    assert title["pr_body_directory_spec.md"] == "Promote shop to prod: 2.4.0 → 2.5.0 (⚠️ 1)"
    several = [sp for sps in SHAPES.values() for sp in sps]
    assert prbody.title(SOURCE, TARGET, several) == (
        "Promote to prod: shop 2.3.1 → 2.4.0, inference 1.7.0-rc.2 (new digest), +2 more (⚠️ 9)"
    )


# --------------------------------------------------------------------------- read back as GFM

GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _walk(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        out.append(t)
        if t.children:
            out += _walk(t.children)
    return out


def rendered_code(markdown: str) -> list[str]:
    """The text of every code span and code block as a GFM renderer shows it."""
    out = []
    for t in _walk(GFM.parse(markdown)):
        if t.type == "code_inline":
            out.append(t.content)
        elif t.type == "fence":
            out.append(t.content.removesuffix("\n"))
    return out


def real_texts(sp: ServicePromotion) -> set[str]:
    """Every text the body may show of a service: values, paths and their parts, versions."""
    out = {sp.service, sp.target.path, sp.source_version.sha[:7], sp.new_bytes.decode()}
    if sp.target_version:
        out.add(sp.target_version.sha[:7])
    for c in sp.plan.changes:
        prefixes, _ = prvalues.split_prefixes(c.path)
        out |= set(prefixes) | set(c.path.split("/"))
        out.add(prvalues.where(c.path).rest)
        for v in (c.source, c.target, c.result):
            if v is MISSING:
                continue
            out.add(prvalues.as_text(v))
            out |= set(_leaf_paths(v, ""))
            out.add(prvalues._block_text(v)[0])
            image = prvalues.image_of(c.path, v)
            if image is not None:
                out |= {image.repository, image.tag or "", image.digest or ""}
    return out


def _leaf_paths(value: Any, path: str) -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, f"{path}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, f"{path}/{i}")]
    return [path]


def faithful(shown: str, real: str) -> bool:
    """``shown`` is ``real`` or a part of it where each ``…`` stands for text that is there."""
    pieces = shown.split(prvalues.ELLIPSIS)
    at = 0
    for piece in pieces:
        found = real.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _commands(markdown: str) -> set[str]:
    return {t.content.removesuffix("\n") for t in _walk(GFM.parse(markdown)) if t.info == "sh"}


def _every_body() -> list[tuple[str, list[ServicePromotion]]]:
    return [(name, sps) for name, sps in SHAPES.items()]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_code_span_shows_real_text(name: str) -> None:
    sps = SHAPES[name]
    markdown = (GOLDEN / name).read_text(encoding="utf-8")
    reals = set().union(*(real_texts(sp) for sp in sps)) | {BRANCH} | _commands(markdown)
    for shown in rendered_code(markdown):
        assert any(faithful(shown, r) for r in reals), f"{shown!r} is no value of the promotion"


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_short_values_render_exactly(name: str) -> None:
    """A value short enough to show whole renders as itself: backticks, pipes, <, * and _."""
    (sp,) = SHAPES[name]
    shown = set(rendered_code((GOLDEN / name).read_text(encoding="utf-8")))
    for c in sp.plan.changes:
        for v in (c.target, c.result):
            if isinstance(v, str) and v and "\n" not in v and len(v) <= prvalues.ELIDE_WIDTH:
                assert v in shown or prvalues.image_of(c.path, v), (c.path, v)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_attention_sentences_render_as_written(name: str) -> None:
    """Free text escapes Markdown: the rendered item holds the plan's reason verbatim."""
    markdown = (GOLDEN / name).read_text(encoding="utf-8")
    html = GFM.render(markdown)
    text = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&amp;", "&").replace("&quot;", '"')
    for sp in SHAPES[name]:
        for c in sp.plan.attention:
            assert prbody._why(c.reason) in text


def test_multi_line_values_are_code_blocks_with_longer_fences() -> None:
    markdown = (GOLDEN / "pr_body_long_values.md").read_text(encoding="utf-8")
    blocks = [t for t in _walk(GFM.parse(markdown)) if t.type == "fence"]
    script = (
        "set -e\npython -m warmup --model `cat /etc/model`\nexec uvicorn app:main --port 8000\n"
    )
    assert any(b.content == script for b in blocks)


def test_new_service_shows_its_whole_spec_as_yaml() -> None:
    markdown = (GOLDEN / "pr_body_new_service.md").read_text(encoding="utf-8")
    (block,) = [t for t in _walk(GFM.parse(markdown)) if t.type == "fence" and t.info == "yaml"]
    assert block.content == NEW_SERVICE


def test_all_table_cells_hold_the_real_values() -> None:
    several = [sp for sps in SHAPES.values() for sp in sps]
    markdown = prbody.body(SOURCE, TARGET, several, BRANCH)
    tokens = _walk(GFM.parse(markdown))
    rows: list[list[str]] = []
    for i, t in enumerate(tokens):
        if t.type == "tr_open":
            rows.append([])
        elif t.type == "inline" and tokens[i - 1].type in ("td_open", "th_open"):
            rows[-1].append("".join(ch.content for ch in t.children or []))
    assert rows[0] == ["Service", "Ships", "Changes"]
    reviews = [prbody.review(sp, SOURCE, TARGET) for sp in several]
    assert rows[1:] == [[r.sp.service, prbody.ships(r), prbody._service_counts(r)] for r in reviews]
    assert rows[2][2] == "⚠️ 4 · 2 changed · 2 kept"
    assert max(len(row) for row in rows) <= 3


def test_no_table_in_a_single_service_body() -> None:
    for name, sps in SHAPES.items():
        assert not any(line.startswith("|") for line in prbody.body(SOURCE, TARGET, sps, BRANCH)
                       .splitlines()), name  # fmt: skip


def test_kubernetes_paths_are_grouped_under_document_and_container() -> None:
    body = (GOLDEN / "pr_body_kubernetes_multi_document.md").read_text(encoding="utf-8")
    assert "**`Deployment/shop` › container `envoy`**" in body
    assert "- `readinessProbe/httpGet/path`: `/healthz` → `/ready`" in body
    longest = max(len(line) for line in body.splitlines() if line.startswith("- `"))
    assert longest < 120


# --------------------------------------------------------------------------- flags


def _attention_text(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8").split("### Changes")[0]


def test_downgrade_is_flagged() -> None:
    assert "Downgrade: prod runs `v1.30.1`, this ships the older `v1.29.0`." in _attention_text(
        "pr_body_kubernetes_multi_document.md"
    )


def test_same_tag_with_a_new_digest_is_flagged() -> None:
    text = _attention_text("pr_body_long_values.md")
    assert "Same tag `1.7.0-rc.2`, different digest" in text
    assert "digest `sha256:a3f1c2d4e5b6a…` → **`sha256:a3f1c2d4e5b6f…`**" in text


def test_value_naming_the_source_environment_is_flagged() -> None:
    text = _attention_text("pr_body_kubernetes_multi_document.md")
    assert "redis://cache.staging.svc:6379" in text
    assert "The value names staging: check it is right for prod." in text


def test_secret_reference_is_flagged() -> None:
    text = _attention_text("pr_body_long_values.md")
    assert "`tfy-secret://acme:ml-staging:openai-key`" in text and "secret reference" in text


def test_attention_is_a_task_list_of_one_item_per_finding() -> None:
    for name, sps in SHAPES.items():
        text = _attention_text(name)
        n = sum(len(prbody.review(sp, SOURCE, TARGET).attention) for sp in sps)
        assert text.count("\n- [ ] ") == n, name


# --------------------------------------------------------------------------- job summary


def _result(**kw: Any) -> PromotionResult:
    sps = SHAPES["pr_body_long_values.md"]
    return PromotionResult(SOURCE, TARGET, sps, BRANCH, "main", **kw)


def test_summary_of_a_diff_says_nothing_was_written() -> None:
    text = prbody.job_summary(_result(), "diff")
    assert text.startswith("> **Preview** (`gitops-promote diff`): nothing was written.")
    assert "written (" not in text and "Opened by" not in text
    body = "\n".join(prbody.sections(SOURCE, TARGET, _result().services))
    assert text.split("\n", 2)[2] == body.rstrip("\n") + "\n"


def test_summary_of_a_dry_run_says_so() -> None:
    text = prbody.job_summary(_result(), "promote")
    assert text.startswith("> **Dry run**: nothing was written.")


def test_summary_of_a_promote_links_the_pull_request() -> None:
    pr = PullRequestRef(12, "https://github.com/acme/gitops/pull/12", True)
    pub = Published(BRANCH, "c0ffee" * 6 + "abcd", False, True, pr)
    text = prbody.job_summary(_result(dry_run=False, published=pub), "promote")
    assert text.startswith(
        "> **Pull request [#12](https://github.com/acme/gitops/pull/12) opened** · "
        f"Branch `{BRANCH}` written (`c0ffeec`, pushed)."
    )


# --------------------------------------------------------------------------- pieces


def test_code_spans_keep_backticks_and_spaces() -> None:
    for value in ["`a`", "x `` y", " lead", "trail ", "   ", "a|b", "<b>*_x_*</b>", "``"]:
        (shown,) = rendered_code(prvalues.code(value))
        assert shown == value


def test_fence_is_longer_than_any_backtick_run() -> None:
    text = "a\n```\nb ````` c\n"
    (shown,) = rendered_code("\n".join(prvalues.fence(text)))
    assert shown + "\n" == text


def test_escaped_free_text_renders_as_itself() -> None:
    text = "a <b>x</b> *y* _z_ | [l](u) `c` \\ ~s~ &amp; #h"
    html = GFM.render(prvalues.escape(text))
    assert html == "<p>a &lt;b&gt;x&lt;/b&gt; *y* _z_ | [l](u) `c` \\ ~s~ &amp;amp; #h</p>\n"


def test_pipes_in_table_cells() -> None:
    markdown = f"| a |\n|---|\n| {prvalues.cell(prvalues.code('x|y'))} |\n"
    assert rendered_code(markdown) == ["x|y"]


def test_split_image() -> None:
    ref = prvalues.split_image(f"{ECR}:1.7.0-rc.2@{DIGEST_OLD}")
    assert (ref.repository, ref.tag, ref.digest) == (ECR, "1.7.0-rc.2", DIGEST_OLD)
    local = prvalues.ImageRef("localhost:5000/app", None, None)
    assert prvalues.split_image("localhost:5000/app") == local
    assert prvalues.split_image("app@sha256:ab").tag is None


_seg = st.text("abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=8)


@given(
    st.lists(_seg, min_size=1, max_size=3),
    st.none() | st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}\Z"),
    st.none() | st.from_regex(r"\Asha256:[0-9a-f]{64}\Z"),
    st.none() | st.sampled_from(["localhost:5000", "registry.acme.io"]),
)
def test_split_image_round_trips(
    path: list[str], tag: str | None, digest: str | None, registry: str | None
) -> None:
    repo = "/".join(([registry] if registry else []) + path)
    ref = prvalues.ImageRef(repo, tag, digest)
    assert prvalues.split_image(str(ref)) == ref


@pytest.mark.parametrize(
    ("older", "newer"),
    [("1.5.0", "1.6.1"), ("1.7.0-rc.2", "1.7.0"), ("1.7.0-rc.2", "1.7.0-rc.10"),
     ("v1.29.0", "v1.30.1"), ("1.9", "1.10.0"), ("1.0.0-alpha", "1.0.0-alpha.1"),
     ("1.0.0-alpha.1", "1.0.0-beta"), ("2", "2.0.1")],
)  # fmt: skip
def test_compare_versions(older: str, newer: str) -> None:
    assert prvalues.compare_versions(older, newer) == -1
    assert prvalues.compare_versions(newer, older) == 1


def test_compare_versions_without_versions() -> None:
    assert prvalues.compare_versions("latest", "1.0") is None
    assert prvalues.compare_versions("1.0.0+build.1", "v1.0.0") == 0


_version = st.builds(
    lambda nums, pre: ".".join(map(str, nums)) + (f"-{pre}" if pre else ""),
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.none() | st.from_regex(r"\A(rc|alpha|beta|[0-9]{1,2})(\.[0-9a-z]{1,3}){0,2}\Z"),
)


@given(_version, _version, _version)
def test_compare_versions_is_an_order(a: str, b: str, c: str) -> None:
    ab, bc, ac = (prvalues.compare_versions(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert prvalues.compare_versions(a, a) == 0
    assert prvalues.compare_versions(b, a) == -(ab or 0)
    if ab is not None and bc is not None and ab <= 0 and bc <= 0:
        assert ac is not None and ac <= 0


@given(st.text(max_size=80), st.text(max_size=80))
def test_elision_never_hides_a_difference(a: str, b: str) -> None:
    sa, sb = prvalues.elide_pair(a, b)
    assert (sa == sb) == (a == b)
    for shown, real in ((sa, a), (sb, b)):
        assert faithful(shown, real)
        assert len(shown) <= len(real) + 2


@given(st.text("abc/:.-", max_size=30), st.text("xyz", min_size=1, max_size=6),
       st.text("xyz", max_size=6), st.text("abc/:.-", max_size=30))  # fmt: skip
def test_elision_cuts_only_the_common_parts(pre: str, x: str, y: str, post: str) -> None:
    a, b = pre + x + post, pre + y + post
    sa, sb = prvalues.elide_pair(a, b)
    assert sa.startswith(prvalues.ELLIPSIS) == sb.startswith(prvalues.ELLIPSIS)
    assert sa.endswith(prvalues.ELLIPSIS) == sb.endswith(prvalues.ELLIPSIS)
    p = common_prefix(a, b)
    s = common_prefix(a[p:][::-1], b[p:][::-1])
    assert a[p : len(a) - s] in sa and b[p : len(b) - s] in sb  # the differing middle, whole


def test_elision_of_a_long_url() -> None:
    assert prvalues.elide_pair(
        "http://inference.ml-prod.svc.cluster.local:8000",
        "http://inference.ml-staging.svc.cluster.local:8000",
    ) == ("http://inference.ml-prod.svc.cluster…", "http://inference.ml-staging.svc.cluster…")


def test_names_env_as_a_whole_word() -> None:
    assert prvalues.names_env("https://features.staging.acme.internal", "staging")
    assert prvalues.names_env({"a": ["ml-staging"]}, "staging")
    assert not prvalues.names_env("stagingarea", "staging")
    assert not prvalues.names_env("prestaging", "staging")


def test_kept_summary() -> None:
    paths = ["/replicas", "/resources/cpu", "/resources/mem", "/env/A", "/env/B", "/ports/0/host"]
    assert prvalues.kept_summary(paths) == "replicas, resources ×2, env A, B, ports host"


def test_where_groups_files_documents_and_containers() -> None:
    w = prvalues.where("deploy.yaml:Deployment/web:/spec/template/spec/containers/web/env/X")
    assert (w.heading, w.rest) == ("`deploy.yaml` › `Deployment/web` › container `web`", "env/X")
    assert prvalues.where("/image/image_uri") == prvalues.Where((), "/image/image_uri")
    assert prvalues.where("#1:/a").heading == "`#1`"


def test_goldens_exist_for_every_shape() -> None:
    names = {p.name for p in Path(GOLDEN).glob("pr_body_*.md")}
    assert set(SHAPES) <= names
