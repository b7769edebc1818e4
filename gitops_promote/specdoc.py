"""Reading a spec's documents: :func:`parse_spec` for planning and editing (the editor's
:class:`YamlDoc`), :func:`spec_data` for commands that only read (the fast loader), with the
same refusals (SPEC section 2): the root of every document a mapping, one document where the
rules read one."""

from __future__ import annotations

from typing import Any

from .config import Config
from .errors import SpecError
from .yamldoc import load_documents
from .yamldoc.doc import YamlDoc


def parse_spec(content: bytes, path: str, config: Config | None = None) -> YamlDoc:
    """The one reading of a spec for planning or editing: valid YAML whose root is a mapping
    (SPEC section 2). A list, a scalar, null, an empty file or (given the ``config`` whose
    rules apply) a second document where the rules read one is bad input (:class:`SpecError`,
    exit 2) naming the file and the line. A multi-document spec may hold empty documents (a
    trailing ``---``) beside its mappings. Commands pass their workspace's config."""
    doc = YamlDoc.from_bytes(content, filename=path)
    docs = doc.documents()
    if not docs:
        raise SpecError("the spec is empty (no YAML document), not a mapping", file=path)
    rules = config.rules_for(path, docs) if config is not None else None
    if len(docs) > 1 and rules is not None and not rules.multi_document:
        raise SpecError(
            f"the spec holds {len(docs)} YAML documents, but preset {rules.preset} reads one "
            "mapping: remove the second document or use a multi-document preset "
            "(kubernetes, kustomize, flux)",
            file=path,
            line=_line(doc, 1),
        )
    for index, value in enumerate(docs):
        if isinstance(value, dict) or (value is None and len(docs) > 1):
            continue
        where = f"document {index + 1} of the spec" if len(docs) > 1 else "the spec"
        raise SpecError(
            f"{where} is {_kind_of_value(value)}, not a mapping",
            file=path,
            line=_line(doc, index),
        )
    if all(value is None for value in docs):
        raise SpecError("the spec holds only empty documents, not a mapping", file=path)
    return doc


def spec_data(content: bytes, path: str, config: Config) -> list[Any]:
    """The plain data of a spec's documents for commands that only read (status, planning,
    check): the fast loader, with the same refusals as :func:`parse_spec` (which runs only
    when a refusal needs its line)."""
    docs = load_documents(content, path)
    rules = config.rules_for(path, docs) if docs else None
    roots_ok = (
        bool(docs)
        and not (len(docs) > 1 and rules is not None and not rules.multi_document)
        and all(isinstance(v, dict) or (v is None and len(docs) > 1) for v in docs)
        and not all(v is None for v in docs)
    )
    if not roots_ok:
        parse_spec(content, path, config)  # raises SpecError with the file and the line
    return docs


def _line(doc: YamlDoc, index: int) -> int | None:
    """Where document ``index`` starts, when that is not simply the first line."""
    line = doc.line_of(index, ())
    return line if line is not None and line > 1 else None


def _kind_of_value(value: object) -> str:
    if value is None:
        return "null (empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) <= 40 else "a string"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return f"a {type(value).__name__}"
