"""How long planning and applying a promotion takes on typical specs, beside parsing them.

Run: ``python benchmarks/bench_plan.py`` (``--repeat N`` for more rounds). Prints, per spec, the
median time of: a plain ruamel.yaml round-trip load of the target, ``YamlDoc.from_bytes`` (the
parse gitops-promote does), ``plan_promotion`` on the plain data, and ``apply_plan`` (the edit,
including yamldoc's verifying re-parse).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML

from gitops_promote.apply import apply_plan
from gitops_promote.plan import plan_promotion
from gitops_promote.presets import PRESETS
from gitops_promote.yamldoc.doc import YamlDoc


def truefoundry_spec(env: str, image: str, replicas: int, extra_env: int) -> str:
    env_lines = "".join(f"  FEATURE_{i}: 'flag-{i}'   # rollout {i}\n" for i in range(extra_env))
    return f"""\
# checkout service — {env}
name: checkout
type: service
image:
  type: image
  image_uri: registry.example.com/shop/checkout:{image}   # set by CI
  command: uvicorn app:app --host 0.0.0.0 --port 8000
ports:
  - port: 8000
    protocol: TCP
    expose: true
    app_protocol: http
    host: checkout-{env}.shop.example.com
env:
  LOG_LEVEL: info
  DATABASE_URL: tfy-secret://shop:{env}-db:url
  REDIS_URL: redis://redis-{env}:6379/0
{env_lines}resources:
  cpu_request: 0.5
  cpu_limit: 1
  memory_request: 512
  memory_limit: 1024
  ephemeral_storage_request: 1000
  ephemeral_storage_limit: 2000
replicas: {replicas}
liveness_probe:
  config:
    type: http
    path: /healthz
    port: 8000
  initial_delay_seconds: 10
  period_seconds: 10
  timeout_seconds: 2
  failure_threshold: 3
readiness_probe:
  config:
    type: http
    path: /ready
    port: 8000
  period_seconds: 5
workspace_fqn: tfy-cluster:{env}-shop
"""


def kubernetes_spec(env: str, image: str, replicas: int, extra_env: int) -> str:
    env_items = "".join(
        f"            - name: FEATURE_{i}\n              value: 'flag-{i}'\n"
        for i in range(extra_env)
    )
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop-{env}
  labels: {{app: checkout, tier: backend}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: checkout}}
  template:
    metadata:
      labels: {{app: checkout, tier: backend}}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/shop/checkout:{image}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {{name: checkout-db, key: password}}
{env_items}          readinessProbe:
            httpGet: {{path: /ready, port: http}}
            periodSeconds: 5
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
            initialDelaySeconds: 10
          resources:
            requests: {{cpu: 250m, memory: 256Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout
  namespace: shop-{env}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: checkout}}
  minReplicas: {replicas}
  maxReplicas: {replicas * 4}
"""


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench(name: str, preset: str, staging: str, prod: str, repeat: int) -> None:
    src = YamlDoc.parse(staging, "staging.yaml")
    dst = YamlDoc.parse(prod, "prod.yaml")
    s_docs, t_docs = src.documents(), dst.documents()
    rules = PRESETS[preset]
    plan = plan_promotion(s_docs, t_docs, rules, source_env="staging", target_env="prod")
    rt = YAML()

    def ruamel_load() -> None:
        list(rt.load_all(io.StringIO(prod)))

    def parse() -> None:
        YamlDoc.from_bytes(prod.encode(), "prod.yaml")

    def plan_only() -> None:
        plan_promotion(s_docs, t_docs, rules, source_env="staging", target_env="prod")

    def apply_only() -> None:
        apply_plan(plan, src, dst)

    lines = len(prod.splitlines())
    cells = [median_ms(f, repeat) for f in (ruamel_load, parse, plan_only, apply_only)]
    print(f"{name:<28} {lines:>5} {len(plan.changes):>7} " + " ".join(f"{c:>12.2f}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(
        f"{'spec':<28} {'lines':>5} {'changes':>7} {'ruamel load':>12} {'yamldoc parse':>12} "
        f"{'plan':>12} {'apply':>12}   (median ms)"
    )
    for extra in (5, 60):
        bench(
            f"truefoundry (+{extra} env vars)",
            "truefoundry",
            truefoundry_spec("staging", "1.5.0", 1, extra + 2),
            truefoundry_spec("prod", "1.4.2", 6, extra),
            args.repeat,
        )
        bench(
            f"kubernetes (+{extra} env vars)",
            "kubernetes",
            kubernetes_spec("staging", "1.5.0", 1, extra + 2),
            kubernetes_spec("prod", "1.4.2", 6, extra),
            args.repeat,
        )


if __name__ == "__main__":
    main()
