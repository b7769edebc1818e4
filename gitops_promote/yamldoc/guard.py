"""What an edit must not touch: values shared through anchors and aliases (changing one would
change, or not change, the others in ways a reviewer does not see)."""

from __future__ import annotations

from ..errors import SpecError
from .plain import Path
from .tree import Node, Tree, walk


def shared_error(t: Tree, node: Node, path: Path) -> SpecError:
    where = "/" + "/".join(str(p) for p in path)
    if node.kind == "alias":
        return t.error(
            f"{where}: value is shared through alias *{node.anchor}; edit it by hand",
            node.start,
        )
    return t.error(
        f"{where}: value is shared through anchor &{node.anchor}; edit it by hand",
        node.start,
    )


def check_editable(t: Tree, node: Node, chain: list[Node], path: Path) -> None:
    for n in chain:
        if n.kind == "alias" or t.referenced(n):
            raise shared_error(t, n, path)
    inside = {id(n) for n in walk(node)}
    for n in walk(node):
        if n.anchor is not None and n.kind != "alias":
            for a in t.aliases:
                if id(a) not in inside and t.anchor_before(a) is n:
                    raise shared_error(t, n, path)
    p = node.parent
    if node.dash == -1 and p is not None and p.kind == "seq" and p.block:
        raise t.error("cannot locate the '-' of this list item", node.start)
