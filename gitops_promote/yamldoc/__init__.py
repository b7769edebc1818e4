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
text), ``text`` (a file read with positions, as commands that only read need it), ``doc`` (the
editor, ``YamlDoc``: only commands that write load it), ``copied``, ``content``, ``splice``,
``insert``, ``guard`` and ``plan`` (planning one edit as splices), ``batch`` (applying many
with few parses) and ``expect`` (the data an edited text must hold). This package's own
namespace holds only what reading needs.
"""

from __future__ import annotations

from .plain import Path, to_plain
from .text import YamlText, load_documents, parse_scalar
from .tree import MAX_BYTES, MAX_DEPTH

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Path",
    "YamlText",
    "load_documents",
    "parse_scalar",
    "to_plain",
]
