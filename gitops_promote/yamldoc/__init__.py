"""Edit YAML specs without disturbing them.

The parser (libyaml's where it reads the text as ruamel.yaml does, ruamel's otherwise; both
imported only when a text is parsed) is used to *find* things: every node's exact start and end
in the text. Writing never re-dumps a document: a change is spliced into the original
text, so comments, quoting, indentation, blank lines and everything the edit does not touch stay
byte-identical. New content (a key that did not exist, a subtree copied from another
environment) is rendered in the file's own indentation and inserted as text. After every edit
the new text is parsed again and checked to mean exactly the intended data; if it does not, the
edit is refused instead of returning a wrong file.

The package's modules, each with one job: ``tree`` (the positioned node tree; the only module
importing ruamel.yaml), ``cevents`` (libyaml's events, where they are ruamel's), ``fast`` (plain
data straight from libyaml, for commands that only read), ``scalars`` and ``plain`` (values),
``layout`` and ``render`` (new text in the file's style), ``parsed`` (finding things in a parsed
text), ``copied``, ``content``, ``splice``, ``insert``, ``guard`` and ``plan`` (planning one edit
as splices), ``batch`` (applying many with few parses) and ``expect`` (the data an edited text
must hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import GitopsPromoteError, SpecError
from .batch import apply_edits
from .edit import Edit
from .expect import apply_plain
from .fast import fast_documents
from .parsed import ParsedText
from .plain import Path, to_plain
from .tree import MAX_BYTES, MAX_DEPTH

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Edit",
    "Path",
    "YamlDoc",
    "load_documents",
    "parse_scalar",
    "to_plain",
]

_BOM = "\ufeff"


class YamlDoc(ParsedText):
    """A YAML file (one or more documents) that can be edited without disturbing it.

    ``text`` is the file's exact text, except that a byte-order mark and CRLF line endings
    (when every line ends with CRLF) are taken off; :meth:`to_bytes` puts them back. A missing
    final newline, trailing spaces, comments and everything else are kept as they are.
    Parsing refuses (:class:`SpecError` with file, line and column) invalid YAML, duplicate
    keys, tabs used for indentation and complex (non-scalar) keys.
    """

    def __init__(
        self, text: str, filename: str = "<spec>", *, bom: bool = False, crlf: bool = False
    ) -> None:
        super().__init__(text, filename)
        self._bom = bom
        self._crlf = crlf

    # ---- construction / serialisation
    @classmethod
    def parse(cls, text: str, filename: str = "<spec>") -> YamlDoc:
        """Parse YAML text (a leading BOM and CRLF endings are remembered for ``to_bytes``)."""
        _check_size(len(text), filename)
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        if crlf:
            text = text.replace("\r\n", "\n")
        return cls(text, filename, bom=bom, crlf=crlf)

    @classmethod
    def from_bytes(cls, data: bytes, filename: str = "<spec>") -> YamlDoc:
        """Parse a file's bytes (UTF-8, optionally with a BOM); ``to_bytes`` gives them back."""
        _check_size(len(data), filename)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            before = data[: err.start]
            line = before.count(b"\n") + 1
            column = err.start - (before.rfind(b"\n") + 1) + 1
            raise SpecError(
                "not valid UTF-8 text", file=filename, line=line, column=column
            ) from None
        return cls.parse(text, filename)

    def to_bytes(self) -> bytes:
        """The file's bytes: the exact inverse of :meth:`from_bytes`."""
        text = self.text.replace("\n", "\r\n") if self._crlf else self.text
        return ((_BOM if self._bom else "") + text).encode("utf-8")

    def _derive(self, text: str) -> YamlDoc:
        return YamlDoc(text, self.filename, bom=self._bom, crlf=self._crlf)

    def __repr__(self) -> str:
        return f"YamlDoc({self.filename!r}, {len(self._data)} document(s))"

    # ---- editing
    def edit(self, edits: Sequence[Edit]) -> YamlDoc:
        """A new document with ``edits`` applied in order; ``self`` is unchanged.

        Each edit is spliced into the original text: a changed scalar keeps its quoting style
        and the comment on its line; a new key is inserted in its mapping's indentation after
        ``after`` (or at the end; a missing ``after`` key also means the end), creating missing
        parent mappings; a list item is appended with ``path[-1] == len(list)`` (after index
        ``after`` if given); ``delete`` removes a key's lines, a list item or (``path == ()``)
        a whole document; ``copy_from`` writes the source node's own text, re-indented. The
        result is parsed again and must hold exactly the intended data, otherwise a
        :class:`GitopsPromoteError` is raised. Edits touching values shared through anchors,
        or that cannot be written without reflowing the file, raise :class:`SpecError`;
        a missing path to delete or a list index beyond the end raise KeyError/IndexError.
        """
        edits = list(edits)
        if not edits:
            return self  # a YamlDoc never changes once built
        expected = self.documents()
        for e in edits:
            try:
                apply_plain(expected, e, self.filename)
            except SpecError as err:
                lines = [self.line_of(e.doc, e.path[:n]) for n in range(len(e.path) + 1)]
                err.line = max((ln for ln in lines if ln is not None), default=None)
                raise
        try:
            return self._edit(edits, expected, plain=False)
        except GitopsPromoteError as err:
            if type(err) is not GitopsPromoteError:
                raise
        # The text did not mean what was intended: a copied text met different anchors, or a
        # new block scalar met the text around it. Retry in the plainest form: values rendered
        # from data, multi-line strings double-quoted. The result is verified all the same.
        return self._edit(edits, expected, plain=True)

    def _edit(self, edits: list[Edit], expected: list[Any], *, plain: bool) -> YamlDoc:
        return apply_edits(self, edits, expected, plain=plain, reparse=self._reparse)

    def _reparse(self, text: str) -> YamlDoc:
        try:
            return self._derive(text)
        except SpecError as err:
            raise GitopsPromoteError(
                f"internal error: the edit would produce invalid YAML ({err.message}); "
                "nothing was written",
                file=self.filename,
            ) from None


def _check_size(size: int, filename: str) -> None:
    if size > MAX_BYTES:
        raise SpecError(
            f"the file is {size / 1e6:.1f} MB; files over {MAX_BYTES // 1_000_000} MB are "
            "refused (no spec or config needs that much)",
            file=filename,
        )


def load_documents(data: bytes, filename: str = "<spec>") -> list[Any]:
    """The plain data of each document of a file's bytes, as :meth:`YamlDoc.documents` gives
    it, read with libyaml's C parser where it can vouch for the result (no positions kept):
    for commands that only read. Invalid YAML raises the same :class:`SpecError` with file,
    line and column as :meth:`YamlDoc.from_bytes`."""
    _check_size(len(data), filename)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return YamlDoc.from_bytes(data, filename).documents()  # raises with line and column
    text = text[1:] if text.startswith(_BOM) else text
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        text = text.replace("\r\n", "\n")
    found = fast_documents(text)
    return found if found is not None else YamlDoc.parse(text, filename).documents()


def parse_scalar(text: str) -> Any:
    """Read a command-line value as a YAML scalar: ``3`` -> 3, ``'3'`` -> "3", ``true`` ->
    True, ``null`` or nothing -> None, ``a b`` -> "a b"."""
    try:
        doc = YamlDoc.parse(text, "<value>")
    except SpecError as err:
        raise SpecError(f"{text!r} is not a valid YAML value: {err.message}") from None
    docs = doc.documents()
    if not docs:
        return None
    if len(docs) > 1 or isinstance(docs[0], (dict, list)):
        raise SpecError(f"{text!r} is not a single value (a mapping, list or several documents)")
    return docs[0]
