"""Planning one edit: the splices that make it, found by walking its path in the text."""

from __future__ import annotations

from .content import content_for
from .edit import Edit
from .guard import check_editable, shared_error
from .insert import append_document, insert
from .parsed import ParsedText
from .splice import Splice, delete, delete_document, replace


def plan(doc: ParsedText, e: Edit, *, plain: bool) -> list[Splice]:
    """Splices applying ``e`` to ``doc``'s text (``plain``: write it in the plainest form)."""
    t = doc.tree
    docs = t.docs
    if e.path == ():
        if e.delete:
            if not 0 <= e.doc < len(docs):
                raise IndexError(f"document {e.doc} does not exist in {doc.filename}")
            return delete_document(doc, e.doc)
        if e.doc == len(docs):
            return append_document(doc, e, plain=plain)
        if not 0 <= e.doc < len(docs):
            raise IndexError(f"document {e.doc} does not exist in {doc.filename}")
        root = docs[e.doc].root
        assert root is not None
        check_editable(t, root, [root], e.path)
        return replace(doc, root, content_for(doc, e, root, "root", plain=plain))
    if not 0 <= e.doc < len(docs):
        raise IndexError(f"document {e.doc} does not exist in {doc.filename}")
    root = docs[e.doc].root
    assert root is not None
    chain = [root]
    node = root
    for depth, seg in enumerate(e.path):
        if node.kind == "alias":
            raise shared_error(t, node, e.path)
        child = doc.child(node, seg)
        if child is None:
            return insert(doc, e, chain, depth, plain=plain)
        node = child
        chain.append(node)
    check_editable(t, node, chain, e.path)
    if e.delete:
        return delete(doc, node)
    parent = node.parent
    ctx = "root" if parent is None else ("item" if parent.kind == "seq" else "value")
    return replace(doc, node, content_for(doc, e, node, ctx, plain=plain))
