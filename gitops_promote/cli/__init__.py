"""The command line, the only package that imports click: :mod:`.app` (the group, global options
and :func:`main`), one module per group of commands (:mod:`.versions`, :mod:`.edits`,
:mod:`.promote`, :mod:`.overview`, :mod:`.demo`) loaded when one of its commands runs, and what
they share (:mod:`.output`, :mod:`.publishing`)."""

from .app import cli, hoist_global_options, main

__all__ = ["cli", "hoist_global_options", "main"]
