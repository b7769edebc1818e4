"""A YAML file read with positions but never edited: its text (BOM and CRLF endings taken off
and remembered), its documents' plain data and where every node is. Configuration and specs
that commands only read are :class:`YamlText`; :class:`.doc.YamlDoc` adds editing."""

from __future__ import annotations

from typing import Any, TypeVar

from ..errors import SpecError
from .fast import fast_documents
from .parsed import ParsedText
from .tree import MAX_BYTES

_BOM = "\ufeff"
_Text = TypeVar("_Text", bound="YamlText")


class YamlText(ParsedText):
    """A YAML file (one or more documents), parsed with the position of every node.

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
    def parse(cls: type[_Text], text: str, filename: str = "<spec>") -> _Text:
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
    def from_bytes(cls: type[_Text], data: bytes, filename: str = "<spec>") -> _Text:
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.filename!r}, {len(self._data)} document(s))"


def _check_size(size: int, filename: str) -> None:
    if size > MAX_BYTES:
        raise SpecError(
            f"the file is {size / 1e6:.1f} MB; files over {MAX_BYTES // 1_000_000} MB are "
            "refused (no spec or config needs that much)",
            file=filename,
        )


def load_documents(data: bytes, filename: str = "<spec>") -> list[Any]:
    """The plain data of each document of a file's bytes, as :meth:`YamlText.documents` gives
    it, read with libyaml's C parser where it can vouch for the result (no positions kept):
    for commands that only read. Invalid YAML raises the same :class:`SpecError` with file,
    line and column as :meth:`YamlText.from_bytes`."""
    _check_size(len(data), filename)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return YamlText.from_bytes(data, filename).documents()  # raises with line and column
    text = text[1:] if text.startswith(_BOM) else text
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        text = text.replace("\r\n", "\n")
    found = fast_documents(text)
    return found if found is not None else YamlText.parse(text, filename).documents()


def parse_scalar(text: str) -> Any:
    """Read a command-line value as a YAML scalar: ``3`` -> 3, ``'3'`` -> "3", ``true`` ->
    True, ``null`` or nothing -> None, ``a b`` -> "a b"."""
    try:
        doc = YamlText.parse(text, "<value>")
    except SpecError as err:
        raise SpecError(f"{text!r} is not a valid YAML value: {err.message}") from None
    docs = doc.documents()
    if not docs:
        return None
    if len(docs) > 1 or isinstance(docs[0], (dict, list)):
        raise SpecError(f"{text!r} is not a single value (a mapping, list or several documents)")
    return docs[0]
