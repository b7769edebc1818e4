"""A YAML file that can be edited without disturbing it: :class:`YamlDoc` is a
:class:`.text.YamlText` whose :meth:`YamlDoc.edit` splices changes into the text and checks the
result means exactly the intended data. Only commands that write load this module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import GitopsPromoteError, SpecError
from .batch import apply_edits
from .edit import Edit
from .expect import apply_plain
from .text import YamlText

__all__ = ["Edit", "YamlDoc"]


class YamlDoc(YamlText):
    """A YAML file (one or more documents) that can be edited without disturbing it (see
    :class:`.text.YamlText` for what parsing keeps and refuses)."""

    def _derive(self, text: str) -> YamlDoc:
        return YamlDoc(text, self.filename, bom=self._bom, crlf=self._crlf)

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
