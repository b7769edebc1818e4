"""Time the YAML editor against ruamel.yaml's own loading, on 50- and 200-line specs.

Run on demand (not collected by pytest):  python benchmarks/bench_yamldoc.py
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from ruamel.yaml import YAML

from gitops_promote.yamldoc.doc import Edit, YamlDoc


def make_spec(services: int) -> str:
    """A TrueFoundry/Kubernetes-like spec; about 21 lines per block."""
    out = ["# generated spec", "name: api", "replicas: 3"]
    for i in range(services):
        out += [
            f"svc{i}:",
            "  image:",
            f'    image_uri: "registry.example.com/svc{i}:1.{i}.0"  # pinned',
            "    type: image",
            "  env:",
            "    LOG_LEVEL: info",
            f"    QUEUE: 'jobs-{i}'",
            "    FEATURE_X: 'true'",
            "  ports:",
            "  - port: 8080",
            "    protocol: TCP",
            "    expose: false",
            "  readiness_probe:",
            "    config:",
            "      path: /health",
            "      port: 8080",
            "    period_seconds: 10",
            "  resources:",
            "    cpu_request: 0.5",
            "    memory_limit: 1024",
            "",
        ]
    return "\n".join(out) + "\n"


def best(fn: Callable[[], object], repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    print(
        f"{'spec':>9} | {'ruamel rt load':>14} | {'ruamel safe':>11} | {'YamlDoc.parse':>13} "
        f"| {'1 edit':>7} | {'10 edits':>8}   (ms, median of 30)"
    )
    for services, label in ((2, "50"), (9, "200")):
        text = make_spec(services)
        lines = text.count("\n")
        doc = YamlDoc.parse(text)
        one = [Edit(("svc0", "image", "image_uri"), value="registry.example.com/svc0:2.0.0")]
        ten = [Edit((f"svc{i % services}", "env", f"NEW_{i}"), value=f"v{i}") for i in range(5)] + [
            Edit((f"svc{i % services}", "resources", "cpu_request"), value=1) for i in range(1)
        ]
        ten += [Edit(("replicas",), value=5), Edit(("svc0", "ports", 0, "port"), value=9090)]
        ten += [Edit(("svc1", "readiness_probe", "period_seconds"), value=5)]
        ten += [Edit(("svc1", "env", "LOG_LEVEL"), delete=True)]
        assert len(ten) == 10
        rt = best(lambda t=text: YAML(typ="rt").load(io.StringIO(t)))
        safe = best(lambda t=text: YAML(typ="safe", pure=True).load(io.StringIO(t)))
        parse = best(lambda t=text: YamlDoc.parse(t))
        e1 = best(lambda d=doc, e=one: d.edit(e))
        e10 = best(lambda d=doc, e=ten: d.edit(e))
        print(
            f"{lines:>5} {label:>3} | {rt:14.2f} | {safe:11.2f} | {parse:13.2f} | {e1:7.2f} "
            f"| {e10:8.2f}"
        )
    print("an edit = plan + splice + a full re-parse that checks the result means what was asked")


if __name__ == "__main__":
    main()
