"""Multi-document files: editing, appending and deleting whole documents."""

from __future__ import annotations

from gitops_promote.yamldoc.doc import Edit, YamlDoc

from .conftest import edited

MULTI = """\
# Copyright header
# SPDX-License-Identifier: Apache-2.0
---
apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 2
---
# the service
kind: Service
...
---
kind: ConfigMap
"""


def test_multi_document_edit_keeps_separators_and_header() -> None:
    out = edited(MULTI, Edit(("kind",), doc=1, value="Svc"), Edit(("spec", "replicas"), value=5))
    assert out == MULTI.replace("kind: Service", "kind: Svc").replace("replicas: 2", "replicas: 5")


def test_append_document() -> None:
    out = edited(MULTI, Edit((), doc=3, value={"kind": "Secret", "data": {"a": "b"}}))
    assert out == MULTI + "---\nkind: Secret\ndata:\n  a: b\n"
    assert edited("a: 1", Edit((), doc=1, value={"b": 2})) == "a: 1\n---\nb: 2"


def test_append_document_copied_from_source() -> None:
    source = YamlDoc.parse("---\n# comment\nkind: A  # x\nspec:\n  a: 1\n")
    out = edited("kind: B\n", Edit((), doc=1, copy_from=(source, 0, ())))
    assert out == "kind: B\n---\nkind: A  # x\nspec:\n  a: 1\n"


def test_delete_documents() -> None:
    assert edited(MULTI, Edit((), doc=1, delete=True)) == MULTI.replace(
        "---\n# the service\nkind: Service\n...\n", ""
    )
    assert edited(MULTI, Edit((), doc=2, delete=True)) == MULTI.replace(
        "---\nkind: ConfigMap\n", ""
    )
    assert edited(MULTI, Edit((), doc=0, delete=True)) == (
        "# Copyright header\n# SPDX-License-Identifier: Apache-2.0\n---\n# the service\n"
        "kind: Service\n...\n---\nkind: ConfigMap\n"
    )
    assert edited("a: 1\n---\nb: 2\n", Edit((), doc=0, delete=True)) == "---\nb: 2\n"
