"""The git layer: the only package that runs git (one gateway over the git command line).

Reads specs at a ref, commits, branches and pushes, leaving the user's checkout alone.
``gateway`` runs git and scrubs tokens, ``read`` reads at refs, ``log`` parses history,
``commit`` builds commits and moves branches (``worktree`` syncs the checkout), ``remote``
fetches and pushes. :class:`GitReader` (``reader``) is a handle on one work tree for reading;
:class:`.repository.GitRepository` adds the writing, and only commands that write load it.
"""

from __future__ import annotations

from .gateway import Gateway, PushAuth
from .log import FileChange
from .reader import GitReader

__all__ = ["FileChange", "Gateway", "GitReader", "PushAuth"]
