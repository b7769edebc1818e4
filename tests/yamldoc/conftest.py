"""Helpers and the spec text shared by the YAML editor's tests."""

from __future__ import annotations

from gitops_promote.yamldoc.doc import Edit, YamlDoc


def edited(src: str, *edits: Edit) -> str:
    return YamlDoc.parse(src).edit(list(edits)).text


def changed_lines(a: str, b: str) -> list[int]:
    la, lb = a.split("\n"), b.split("\n")
    assert len(la) == len(lb), "line count changed"
    return [i for i, (x, y) in enumerate(zip(la, lb, strict=True)) if x != y]


SPEC = """\
# api in prod
name: api
image:
  repository: registry.example.com/api   # the image
  tag: "1.4.2"
replicas: 3
enabled: true
env:
  LOG_LEVEL: info
  # next is the queue
  QUEUE: 'jobs'
ports:
- 80
- 443
"""
