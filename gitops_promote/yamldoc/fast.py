"""Plain data of a YAML file, fast: for commands that only read (status, planning, check).

libyaml's C parser (through PyYAML's ``CSafeLoader``, imported lazily) builds the node graph;
the values are resolved here with the rules of :mod:`.scalars` (YAML 1.2, as ruamel reads files),
so the data is exactly what :meth:`YamlDoc.documents` gives. Anything the fast path does not
vouch for (PyYAML or libyaml missing, invalid YAML, duplicate or complex keys, what
:mod:`.cevents` leaves to ruamel (tabs, directives, YAML 1.1 readings), unknown aliases,
collections nested past the depth limit, an alias expansion past the budget) is read by the
full parser instead, which gives the same data or the error with file, line and column.
"""

from __future__ import annotations

from typing import Any

from .cevents import read_through, vouched
from .scalars import TAG, resolve_plain, to_float, to_int
from .tree import MAX_DEPTH, expansion_budget

_PLAIN = "?plain"  # the tag this loader gives plain (unquoted, untagged) scalars


class _NotVouched(Exception):
    """The fast path cannot give the full parser's answer: use the full parser."""


_state: dict[str, Any] = {}


def _loader() -> Any:
    """PyYAML's C loader that leaves plain scalars unresolved; ``None`` without libyaml."""
    if "loader" not in _state:
        try:
            import yaml  # type: ignore[import-untyped]  # lazy: read-only commands need it

            base = yaml.CSafeLoader
        except (ImportError, AttributeError):
            _state["loader"] = None
            return None

        class Loader(base):  # type: ignore[misc, valid-type]
            def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
                if kind is yaml.ScalarNode:
                    return _PLAIN if implicit[0] else TAG + "str"
                return str(super().resolve(kind, value, implicit))

        _state["loader"] = Loader
        _state["nodes"] = (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode, yaml.YAMLError)
    return _state["loader"]


def fast_documents(text: str) -> list[Any] | None:
    """The plain data of each document of ``text``, or ``None`` when the full parser must read
    it (see the module's docstring)."""
    loader = _loader()
    if loader is None or not vouched(text) or not read_through(text, MAX_DEPTH):
        return None
    scalar, sequence, mapping, error = _state["nodes"]
    # Half the tree's budget for alias expansion: the tree counts an alias and its target, here
    # only the target, so what passes here passes there (beyond it, the tree decides).
    budget = [expansion_budget(len(text)) // 2]

    def plain(node: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _NotVouched
        cls = type(node)
        if cls is scalar:
            return _scalar(node.tag, node.value)
        if depth >= MAX_DEPTH:  # through aliases: the full parser refuses it
            raise _NotVouched
        if cls is sequence:
            return [plain(n, depth + 1) for n in node.value]
        if cls is not mapping:
            raise _NotVouched
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for k, v in node.value:
            if type(k) is not scalar:
                raise _NotVouched  # complex keys (or an alias of one): the full parser says why
            if k.value == "<<" and not k.style:  # written plain, tagged or not (as .tree reads)
                value = plain(v, depth + 1)
                for src in value if isinstance(value, list) else [value]:
                    if not isinstance(src, dict):
                        raise _NotVouched
                    for mk, mv in src.items():
                        merged.setdefault(mk, mv)
                continue
            if k.value in out:
                raise _NotVouched  # a duplicate key: refused, with its line, by the full parser
            out[k.value] = plain(v, depth + 1)
        if merged:
            result = dict(merged)
            result.update(out)
            return result
        return out

    try:
        loader_obj = loader(text)
        try:
            docs = []
            while loader_obj.check_node():
                root = loader_obj.get_node()
                docs.append(None if root is None else plain(root, 0))
            return docs
        finally:
            loader_obj.dispose()
    except (_NotVouched, error, RecursionError):
        return None


def _scalar(tag: str, value: str) -> Any:
    """A scalar's value as :func:`.tree.scalar_value` reads it."""
    if tag == _PLAIN:
        return resolve_plain(value)
    if tag.startswith(TAG):
        name = tag[len(TAG) :]
        try:
            if name == "int":
                return to_int(value)
            if name == "float":
                return to_float(value)
            if name == "bool":
                return value.lower() in ("true", "yes", "on", "y")
            if name == "null":
                return None
        except ValueError:
            return value
    return value
