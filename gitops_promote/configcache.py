"""The plain data of config files read before, kept between runs in the user's cache folder.

Reading ``.gitops-promote.yaml`` needs libyaml, and loading PyYAML costs about 14 ms, more
than reading and validating the file together, and a sixth of what ``history`` adds to git's
own walk. The plain data a config's YAML gives depends only on the file's bytes and on the
code that reads it (this program's version, and its YAML reader as installed), so it is kept
as JSON in ``$XDG_CACHE_HOME/gitops-promote/`` (by default ``~/.cache/gitops-promote/``), one
small file per config path (the 64 written last), and used again while both match. Only the
YAML reading is skipped: the config is validated on every run, and an error found in cached
data is reported from the file itself, with its line and column.

The cache is an aid, never a source of truth: an entry that cannot be read, does not parse,
was written by other code or for other bytes is ignored and replaced; a folder that
cannot be written to is left alone; data JSON cannot hold exactly (keys that are not strings,
for one) is not kept. ``GITOPS_PROMOTE_CACHE=0`` turns the cache off; in GitHub Actions it is
off unless ``GITOPS_PROMOTE_CACHE=1`` turns it on.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import zlib
from pathlib import Path
from typing import Any

from . import __version__

#: ``0`` (or ``off``, ``false``, ``no``) neither reads nor writes the cache; ``1`` (``on``,
#: ``true``, ``yes``) uses it in GitHub Actions too
CACHE_ENV = "GITOPS_PROMOTE_CACHE"
_OFF = ("0", "off", "false", "no")
_ON = ("1", "on", "true", "yes")
#: entries kept at most; writing one more removes the oldest
MAX_ENTRIES = 64
#: the YAML reader's code: kept data is data this code read
READER = Path(__file__).parent / "yamldoc"


def reader_stamp(folder: Path = READER) -> str | None:
    """What kept data depends on besides the file's bytes: this version and the YAML reader's
    code as installed (its newest module's modification time), so that an upgrade, or an edit
    of the reader in a development install, never serves data the former reader gave."""
    try:
        with os.scandir(folder) as found:
            newest = max(e.stat().st_mtime_ns for e in found if e.name.endswith(".py"))
    except (OSError, ValueError):  # no such folder, or no module in it: keep nothing
        return None
    return f"{__version__}+{newest}"


def cache_dir() -> Path | None:
    """The folder entries are kept in, or ``None`` when the cache is off or has no home.

    In GitHub Actions it is off unless asked for: a job starts on a new runner, so an entry
    would be written and never read, and a cache folder restored from elsewhere is not
    something a promotion should take its rules from."""
    asked = os.environ.get(CACHE_ENV, "").strip().lower()
    if asked in _OFF:
        return None
    if asked not in _ON and os.environ.get("GITHUB_ACTIONS") == "true":
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base, "gitops-promote")


def _entry(config: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = zlib.crc32(os.fsencode(os.path.abspath(config)))
    return folder / f"config-{key:08x}.json"


def cached_documents(config: Path, data: bytes) -> list[Any] | None:
    """The documents kept for ``config`` if they were read from exactly ``data`` by this code
    (see :func:`reader_stamp`); ``None`` otherwise."""
    entry = _entry(config)
    if entry is None:
        return None
    try:
        kept = json.loads(entry.read_bytes())
        text = data.decode("utf-8")
    except (OSError, ValueError):  # missing, unreadable, not JSON, not UTF-8
        return None
    if not isinstance(kept, dict) or kept.get("text") != text:
        return None
    docs = kept.get("documents")
    if not isinstance(docs, list) or kept.get("version") != reader_stamp():
        return None
    return docs


def keep_documents(config: Path, data: bytes, docs: list[Any]) -> bool:
    """Keep ``docs``, the documents read from ``data`` (the bytes of ``config``), for the next
    run; ``False`` (and nothing written) when the cache is off, JSON cannot hold them exactly,
    or the folder cannot be written to."""
    entry = _entry(config)
    if entry is None:
        return False
    if not all(map(_json_exact, docs)):
        return False
    try:
        text = data.decode("utf-8")
    except ValueError:
        return False
    stamp = reader_stamp()
    if stamp is None:
        return False
    body = json.dumps({"version": stamp, "text": text, "documents": docs})
    temp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(body, encoding="utf-8")
        os.replace(temp, entry)  # whole or not at all, whoever else writes the entry
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        return False
    _prune(entry.parent)
    return True


def _prune(folder: Path) -> None:
    """Keep the folder to the :data:`MAX_ENTRIES` entries written last: configs of repositories
    long gone (a demo's, a test's temporary clone) do not pile up."""
    try:
        entries = [(e.stat().st_mtime, e) for e in folder.glob("config-*.json")]
    except OSError:
        return
    entries.sort()
    for _, old in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        with contextlib.suppress(OSError):
            old.unlink()


def _json_exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back as it is: mappings with string keys, lists, strings,
    integers, finite floats, booleans and null, and nothing else (no subclass of them either)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _json_exact(v) for k, v in value.items())
    if kind is list:
        return all(map(_json_exact, value))
    if kind is float:
        return math.isfinite(value)
    return value is None or kind in (str, int, bool)
