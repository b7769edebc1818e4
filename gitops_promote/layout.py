"""Where a spec lives (SPEC section 8): (environment, service) -> location, and the services of an
environment found in one tree listing of its base branch.

Pure: patterns and path listings in, locations and names out; the workspace does the git reads.
A pattern names a file (``apps/{service}/values.yaml``) or, ending in ``/``, a directory: the
location carries that distinction so that directory specs slot in behind the same seam.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import NamedTuple

from .environment import Environment

PLACEHOLDER = "{service}"
SPEC_SUFFIXES = (".yaml", ".yml")
SERVICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def valid_service(name: str) -> bool:
    return bool(SERVICE_RE.match(name)) and ".." not in name


class Location(NamedTuple):
    """Where one service's spec of one environment is: a file, or (``directory``) every file
    below ``path``."""

    branch: str
    path: str
    directory: bool = False


def check_pattern(text: str, single_service: bool) -> str:
    """A ``spec`` pattern, normalized; ValueError saying what is wrong with it."""
    if "\\" in text:
        raise ValueError(f"spec {text!r} must use '/' separators, not '\\'")
    if text.startswith("/"):
        raise ValueError(f"spec {text!r} must be relative to the repository")
    directory = text.endswith("/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"spec {text!r} leads outside the repository")
    if any(p.lower() == ".git" for p in parts):
        raise ValueError(f"spec {text!r} leads into .git")
    count = text.count(PLACEHOLDER)
    if count > 1:
        raise ValueError(f"spec {text!r} has {count} {PLACEHOLDER} placeholders; use one")
    if count == 0 and not single_service:
        raise ValueError(
            f"spec {text!r} has no {PLACEHOLDER} placeholder: add one, or name the repository's "
            "one service with a top-level 'service: NAME'"
        )
    if re.search(r"\{(?!service\})[^}/]*\}", text):
        raise ValueError(f"spec {text!r}: the only placeholder is {PLACEHOLDER}")
    if not parts:
        raise ValueError(f"spec {text!r} names the repository root")
    return "/".join(parts) + ("/" if directory else "")


def static_prefix(pattern: str) -> str:
    """The directory part of a pattern before its first placeholder (``apps/staging``)."""
    fixed = []
    for part in pattern.rstrip("/").split("/")[:-1]:
        if PLACEHOLDER in part:
            break
        fixed.append(part)
    return "/".join(fixed)


def env_patterns(env: Environment) -> tuple[str, ...]:
    """The patterns of an environment: its ``spec``, or ``<path>/{service}.yaml`` and ``.yml``."""
    if env.spec is not None:
        return (env.spec,)
    prefix = f"{env.path}/" if env.path else ""
    return tuple(f"{prefix}{PLACEHOLDER}{suffix}" for suffix in SPEC_SUFFIXES)


class Pattern(NamedTuple):
    text: str
    regex: re.Pattern[str]

    @property
    def directory(self) -> bool:
        """The pattern names a directory: every file below it is the spec."""
        return self.text.endswith("/")

    @classmethod
    def of(cls, text: str) -> Pattern:
        body = text.rstrip("/")
        parts = [re.escape(p) for p in body.split(PLACEHOLDER)]
        regex = "(?P<service>[^/]+)".join(parts)
        if text.endswith("/"):
            regex += "(?P<below>/.+)"  # a directory pattern matches the files below it
        return cls(text, re.compile(f"^{regex}$"))

    def path_of(self, service: str) -> str:
        return self.text.rstrip("/").replace(PLACEHOLDER, service)

    def match(self, path: str) -> str | None:
        m = self.regex.match(path)
        if m is None:
            return None
        return m.groupdict().get("service") or ""

    def spec_path(self, path: str) -> str:
        """The spec a matching file belongs to: the file itself, or its spec directory."""
        m = self.regex.match(path)
        if m is not None and m.groupdict().get("below"):
            return path[: m.start("below")]
        return path


def patterns_overlap(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two environments' patterns could name the same file (on the same branch)."""
    for x in a:
        for y in b:
            if x == y:
                return True
            for sample in ("svc", "a-b"):
                if Pattern.of(y).match(_sample_file(x, sample)) is not None:
                    return True
                if Pattern.of(x).match(_sample_file(y, sample)) is not None:
                    return True
    return False


def _sample_file(pattern: str, service: str) -> str:
    """A file the pattern would name for ``service`` (one inside it, for a directory)."""
    path = Pattern.of(pattern).path_of(service)
    return f"{path}/kustomization.yaml" if pattern.endswith("/") else path


class Found(NamedTuple):
    """The services a listing holds: service -> path, and what was skipped and why."""

    paths: dict[str, str]
    warnings: list[str]


class Layout:
    """One environment's layout: where its services' specs are on its base branch."""

    def __init__(
        self,
        env: Environment,
        branch: str,
        *,
        service: str | None = None,
        include: Sequence[str] = ("*",),
        exclude: Sequence[str] = (),
    ) -> None:
        self.env = env
        self.branch = branch
        self.single = service
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.patterns = tuple(Pattern.of(p) for p in env_patterns(env))

    @property
    def fixed(self) -> bool:
        """The patterns name the one service of the repository (no placeholder)."""
        return all(PLACEHOLDER not in p.text for p in self.patterns)

    def wanted(self, service: str) -> bool:
        if self.single is not None and self.fixed:
            return service == self.single
        return any(fnmatch.fnmatchcase(service, g) for g in self.include) and not any(
            fnmatch.fnmatchcase(service, g) for g in self.exclude
        )

    def candidates(self, service: str) -> list[Location]:
        """Where the spec of ``service`` may be, most likely first."""
        return [Location(self.branch, p.path_of(service), p.directory) for p in self.patterns]

    def services(self, paths: Iterable[str]) -> Found:
        """Services whose spec is among ``paths`` (every file of the base branch's tree)."""
        out: dict[str, str] = {}
        warnings: list[str] = []
        for path in sorted(paths):
            for pattern in self.patterns:
                name = pattern.match(path)
                if name is None:
                    continue
                if name == "":
                    name = self.single or ""
                if PurePosixPath(pattern.spec_path(path)).name.startswith("."):
                    break
                if not valid_service(name):
                    warnings.append(
                        f"{path}: skipped, {name!r} is not a valid service name "
                        f"(environment {self.env.name!r}, spec {pattern.text!r})"
                    )
                    break
                if self.wanted(name):
                    out.setdefault(name, pattern.spec_path(path))
                break
        return Found(out, warnings)
