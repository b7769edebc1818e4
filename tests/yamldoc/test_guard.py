"""Values shared through anchors and aliases are refused; unshared ones are editable."""

from __future__ import annotations

import pytest

from gitops_promote.errors import SpecError
from gitops_promote.yamldoc.doc import Edit, YamlDoc

ANCHORED = """\
defaults: &defaults
  cpu: 1
  memory: 1Gi
api:
  resources: *defaults
  image: x
worker:
  <<: *defaults
  cpu: 2
lonely: &unused 5
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("defaults", "cpu"), 1),
        (("defaults",), 1),
        (("api", "resources"), 5),
        (("api", "resources", "cpu"), 5),
    ],
)
def test_shared_values_are_refused(path: tuple[str, ...], line: int) -> None:
    doc = YamlDoc.parse(ANCHORED, "s.yaml")
    with pytest.raises(SpecError) as info:
        doc.edit([Edit(path, value=3)])
    assert info.value.line == line
    assert "edit it by hand" in info.value.message


def test_unshared_anchors_and_merge_overrides_are_editable() -> None:
    doc = YamlDoc.parse(ANCHORED)
    assert doc.edit([Edit(("lonely",), value=6)]).text == ANCHORED.replace("&unused 5", "&unused 6")
    out = doc.edit([Edit(("worker", "memory"), value="2Gi"), Edit(("api", "image"), value="z")])
    assert out.get(0, ("worker",)) == {"cpu": 2, "memory": "2Gi"}
    assert out.text == ANCHORED.replace("  cpu: 2\n", "  cpu: 2\n  memory: 2Gi\n").replace(
        "image: x", "image: z"
    )
    with pytest.raises(SpecError, match="merged in"):
        doc.edit([Edit(("worker", "cpu"), delete=True)])
    with pytest.raises(SpecError, match="shared"):
        doc.edit([Edit(("defaults",), delete=True)])
