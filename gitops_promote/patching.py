"""``update --patch``: an RFC 6902 JSON Patch applied to a spec's data, as minimal edits.

jsonpatch applies the patch to the plain data and gives the intended result; :func:`edits_for`
turns the difference between the data and that result into the fewest edits the YAML editor
can write (a changed scalar, a new or removed key, items added or removed in a list), so the
rest of the file stays as it is. The editor verifies the edited text against the result.

Paths in a patch are plain RFC 6901 pointers over the document of a one-document spec; in a
spec of several documents the patch applies to the list of documents (``/1/spec/replicas``)
and may change them but not add or remove one.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonpatch
import jsonpointer

from .errors import RefusedError, UsageError
from .yamldoc import Path
from .yamldoc.edit import Edit
from .yamldoc.parsed import ParsedText
from .yamldoc.plain import same

_ABSENT = object()


def read_patch(text: str, source: str) -> list[dict[str, Any]]:
    """The operations of a JSON Patch document (a JSON array of operations)."""
    try:
        ops = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(
            f"not valid JSON: {err.msg}", file=source, line=err.lineno, column=err.colno
        ) from None
    if not isinstance(ops, list) or not all(isinstance(op, dict) for op in ops):
        raise UsageError('a JSON Patch is an array of operations ([{"op": ...}])', file=source)
    if not ops:
        raise UsageError("the JSON Patch has no operations", file=source)
    return ops


def apply_patch(docs: list[Any], ops: list[dict[str, Any]], file: str) -> list[Any]:
    """The documents after ``ops``. A failing ``test`` refuses (exit 1); a malformed patch or a
    path that does not exist is bad input (exit 2)."""
    single = len(docs) == 1
    result = copy.deepcopy(docs[0] if single else docs)
    for n, op in enumerate(ops, 1):  # one at a time, to say which operation failed
        try:
            result = jsonpatch.JsonPatch([op]).apply(result, in_place=True)
        except jsonpatch.JsonPatchTestFailed:
            held = jsonpointer.resolve_pointer(result, op["path"], _ABSENT)
            now = "nothing" if held is _ABSENT else json.dumps(held, ensure_ascii=False)
            raise RefusedError(
                f"the patch's test of {op['path']} (operation {n}) failed: it holds {now}, "
                f"not {json.dumps(op.get('value'), ensure_ascii=False)}; nothing was written",
                file=file,
            ) from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
            raise UsageError(f"the patch does not apply: operation {n}: {err}", file=file) from None
        except (KeyError, IndexError, TypeError) as err:
            raise UsageError(
                f"the patch does not apply: operation {n}: {err!r}", file=file
            ) from None
    if single:
        return [result]
    if not isinstance(result, list) or len(result) != len(docs):
        raise UsageError(
            f"the patch adds or removes documents of {file}; it may only change them", file=file
        )
    return result


def sources(docs: list[Any], ops: list[dict[str, Any]]) -> list[tuple[int, Path]]:
    """The ``from`` places of a patch's move and copy operations, as (document, path): their
    text is copied as it is written where the value lands."""
    found: list[tuple[int, Path]] = []
    for op in ops:
        if op.get("op") not in ("move", "copy") or not isinstance(op.get("from"), str):
            continue
        try:
            segs: list[str] = list(jsonpointer.JsonPointer(op["from"]).parts)
        except jsonpointer.JsonPointerException:
            continue
        if len(docs) > 1:
            if not segs or not segs[0].isdigit():
                continue
            doc, segs = int(segs[0]), segs[1:]
        else:
            doc = 0
        node: Any = docs[doc] if doc < len(docs) else None
        path: list[str | int] = []
        for seg in segs:
            if isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
                path.append(int(seg))
                node = node[int(seg)]
            elif isinstance(node, dict) and seg in node:
                path.append(seg)
                node = node[seg]
            else:
                break
        else:
            found.append((doc, tuple(path)))
    return found


class _Differ:
    """Minimal edits, copying the text of ``origin`` at ``copies`` for a value found there."""

    def __init__(self, origin: ParsedText | None, copies: list[tuple[int, Path]]) -> None:
        self.origin = origin
        self.copies = copies
        self.out: list[Edit] = []

    def write(self, path: Path, doc: int, value: Any, after: str | int | None = None) -> None:
        if self.origin is not None:
            for sdoc, spath in self.copies:
                if same(self.origin.get(sdoc, spath), value):
                    src = (self.origin, sdoc, spath)
                    self.out.append(Edit(path, doc, copy_from=src, after=after))
                    return
        self.out.append(Edit(path, doc, value=value, after=after))

    def diff(self, old: Any, new: Any, path: Path, doc: int) -> None:
        if same(old, new):
            return
        if isinstance(old, dict) and isinstance(new, dict) and (old or new):
            for k in old:
                if k not in new:
                    self.out.append(Edit((*path, k), doc, delete=True))
            prev: str | None = None
            for k, v in new.items():
                if k in old:
                    self.diff(old[k], v, (*path, k), doc)
                else:
                    self.write((*path, k), doc, v, after=prev)
                prev = k
            return
        if isinstance(old, list) and isinstance(new, list) and old and new:
            self.diff_list(old, new, path, doc)
            return
        self.write(path, doc, new)

    def diff_list(self, old: list[Any], new: list[Any], path: Path, doc: int) -> None:
        """Keep the common head and tail; the middle changes item by item, then the extra old
        items are removed or the extra new ones inserted."""
        head = 0
        while head < min(len(old), len(new)) and same(old[head], new[head]):
            head += 1
        tail = 0
        while tail < min(len(old), len(new)) - head and same(old[-1 - tail], new[-1 - tail]):
            tail += 1
        mid_old = old[head : len(old) - tail]
        mid_new = new[head : len(new) - tail]
        common = min(len(mid_old), len(mid_new))
        for j in range(common):
            self.diff(mid_old[j], mid_new[j], (*path, head + j), doc)
        for j in reversed(range(common, len(mid_old))):
            self.out.append(Edit((*path, head + j), doc, delete=True))
        size = len(old) - (len(mid_old) - common)
        for j in range(common, len(mid_new)):
            at = head + j  # its index in the result
            after = at - 1 if at < size else None
            if at == 0:
                # before the first item: write it over the first item, then re-add that one after
                self.write((*path, 0), doc, mid_new[j])
                first = (*path, head + common)  # where it is in the original text
                if self.origin is not None:
                    src = (self.origin, doc, first)
                    self.out.append(Edit((*path, size), doc, copy_from=src, after=0))
                else:
                    self.write((*path, size), doc, old[head + common], after=0)
            else:
                self.write((*path, size), doc, mid_new[j], after=after)
            size += 1


def edits_for(
    old_docs: list[Any],
    new_docs: list[Any],
    origin: ParsedText | None = None,
    copies: list[tuple[int, Path]] | None = None,
) -> list[Edit]:
    """Minimal edits turning ``old_docs`` into ``new_docs`` (as many documents); a value found
    at one of ``copies`` in ``origin`` is written as that text."""
    differ = _Differ(origin, copies or [])
    for i, (old, new) in enumerate(zip(old_docs, new_docs, strict=True)):
        differ.diff(old, new, (), i)
    return differ.out
