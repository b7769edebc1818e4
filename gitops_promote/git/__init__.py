"""The git layer: the only package that runs git (one gateway over the git command line).

Reads specs at a ref, commits, branches and pushes, leaving the user's checkout alone.
``gateway`` runs git and scrubs tokens, ``read`` reads at refs, ``log`` parses history,
``commit`` builds commits and moves branches (``worktree`` syncs the checkout), ``remote``
fetches and pushes. :class:`GitRepository` is a handle on one work tree over them.
"""

from __future__ import annotations

from .commit import CommitResult
from .gateway import Gateway, PushAuth
from .log import FileChange
from .repository import GitRepository

__all__ = ["CommitResult", "FileChange", "Gateway", "GitRepository", "PushAuth"]
