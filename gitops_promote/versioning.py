"""Versions of a spec: ``history`` and ``show``, and the versions ``update``, ``rollback``,
``status`` and ``promote`` read (writing the next one is :mod:`.nextversion`). Core code: no
click, no GitHub; git through the workspace's repo."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from .dirversions import folder_versions, pick_file, version_files
from .errors import NotFoundError
from .git import GitReader
from .history import Version, Versions, all_versions, read_version, resolve_version, versions
from .layout import env_patterns, static_prefix
from .specfiles import Files
from .workspace import SpecRef, Workspace


def spec_versions(ws: Workspace, spec: SpecRef) -> list[Version]:
    """Every version of ``spec`` on its branch, oldest first; refuses a spec without any."""
    if spec.directory:
        spec.require_files()
        found = folder_versions(ws.repo, spec.path, spec.commit)
    else:
        spec.require()
        found = versions(ws.repo, spec.path, spec.commit)
    if not found:
        raise NotFoundError(f"{spec.path} has no history on branch {spec.branch}")
    return found


def choose_version(ws: Workspace, found: Sequence[Version], wanted: str) -> Version:
    """The version ``wanted`` names (see :func:`resolve_version`); a sha that names no commit
    of the repository at all is said to be just that."""
    try:
        return resolve_version(found, wanted)
    except NotFoundError:
        text = wanted.strip()
        hexa = re.fullmatch(r"[0-9a-fA-F]{4,64}", text) and not text.isdigit()
        if hexa and ws.repo.rev_parse(text) is None:
            raise NotFoundError(f"there is no commit {text} in this repository") from None
        raise


#: the versions of every file below the environments' folders, per base branch tip
BranchVersions = dict[str, dict[str, Versions]]


#: the log passes of several environments: base branch tip -> the folders to read below it
LogPasses = dict[str, list[str]]


def log_passes(ws: Workspace, env_names: Sequence[str]) -> LogPasses:
    """What :func:`read_log_passes` reads for ``env_names``: ONE ``git log`` pass per base
    branch, over the folders their specs are in (``[]``: the whole tree). Worked out here, in
    the caller's thread, so that the pass itself touches nothing of the workspace."""
    by_tip: dict[str, set[str]] = {}
    for env in env_names:
        by_tip.setdefault(ws.branch_tip(ws.layout(env).branch), set()).update(
            static_prefix(p) for p in env_patterns(ws.config.env(env))
        )
    return {tip: [] if "" in found else sorted(found) for tip, found in by_tip.items()}


def read_log_passes(repo: GitReader, passes: LogPasses) -> BranchVersions:
    """The versions of every file the ``passes`` cover: tip -> current path -> versions,
    oldest first, never a git process per spec (SPEC section 1: renames followed, copies never).
    Git work only, so a command runs it in a thread from its first moment while it lists and
    reads the specs; :func:`versions_by_env` then gives them per service."""
    return {tip: all_versions(repo, tip, prefixes) for tip, prefixes in passes.items()}


def versions_by_env(
    ws: Workspace, env_names: Sequence[str], logged: BranchVersions
) -> dict[str, dict[str, Sequence[Version]]]:
    """env -> service -> versions, from what :func:`read_log_passes` read."""
    out: dict[str, dict[str, Sequence[Version]]] = {}
    for env in env_names:
        lines = logged[ws.branch_tip(ws.layout(env).branch)]
        out[env] = {svc: lines.get(path, []) for svc, path in ws.found(env).paths.items()}
    return out


# -- history / show ---------------------------------------------------------------------------


class HistoryResult(NamedTuple):
    service: str
    env: str
    path: str
    branch: str
    versions: list[Version]  # newest first


def history(ws: Workspace, service: str, env: str) -> HistoryResult:
    spec = ws.spec(service, env, contents=False)  # where it is is all the log needs
    found = spec_versions(ws, spec)
    return HistoryResult(service, env, spec.path, spec.branch, list(reversed(found)))


class ShowResult(NamedTuple):
    """A spec at a version: ``content`` the bytes of its file (for a directory spec, of the
    ``--file`` asked for, else empty) and ``files`` every file of a directory spec."""

    service: str
    env: str
    version: Version
    content: bytes
    files: Files | None = None
    file: str | None = None


def show(
    ws: Workspace, service: str, env: str, version: str | None, file: str | None = None
) -> ShowResult:
    spec = ws.spec(service, env)
    found = spec_versions(ws, spec)
    chosen = choose_version(ws, found, version) if version else found[-1]
    if not spec.directory:
        if file is not None:
            pick_file({spec.path.rsplit("/", 1)[-1]: b""}, file, spec.path)
        return ShowResult(service, env, chosen, read_version(ws.repo, chosen))
    files = version_files(ws, spec, chosen)
    if file is None:
        return ShowResult(service, env, chosen, b"", files)
    rel = pick_file(files, file, f"{spec.path}/ at {chosen.label}")
    return ShowResult(service, env, chosen, files[rel], files, rel)
