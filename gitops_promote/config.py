"""``.gitops-promote.yaml`` -> frozen, validated values (SPEC section 2)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from .configcache import cached_documents, keep_documents
from .environment import Environment
from .errors import ConfigError, GitopsPromoteError, NotFoundError
from .gates import Gates, GateSpecError, parse_gates
from .layout import check_pattern, env_patterns, patterns_overlap, static_prefix
from .pointer import RulePath
from .presets import AUTO, AUTO_CANDIDATES, PRESETS, select_preset
from .rules import EnvVarsRule, RuleSet

if TYPE_CHECKING:
    from .yamldoc import YamlText

CONFIG_NAME = ".gitops-promote.yaml"


class GithubSettings(NamedTuple):
    repository: str | None = None
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class Config:
    """A validated config. ``file`` is the config's path relative to the repository root."""

    file: str
    environments: tuple[Environment, ...]
    promotions: tuple[tuple[str, str], ...]
    rules: RuleSet
    github: GithubSettings = field(default_factory=GithubSettings)
    #: ``service: NAME``: a repository of one service whose patterns may leave out ``{service}``
    service: str | None = None
    services_include: tuple[str, ...] = ("*",)
    services_exclude: tuple[str, ...] = ()
    #: for the ``auto`` preset: the config's own rules merged onto each candidate preset
    auto_rules: dict[str, RuleSet] = field(default_factory=dict, compare=False, hash=False)
    #: the gates of each promotion that has some (SPEC section 9): ``(source, target) -> Gates``
    gates: dict[tuple[str, str], Gates] = field(default_factory=dict, compare=False, hash=False)
    #: ``holds: false`` turns holds off: a rolled-back target is promoted like any other
    holds: bool = True

    def gates_for(self, source: str, target: str) -> Gates:
        """The gates of the promotion ``source -> target`` (``Gates()`` when it has none)."""
        return self.gates.get((source, target), Gates())

    def env(self, name: str) -> Environment:
        for e in self.environments:
            if e.name == name:
                return e
        known = ", ".join(e.name for e in self.environments)
        raise NotFoundError(f"unknown environment {name!r} (known: {known})")

    def rules_for(self, path: str, documents: Sequence[Any]) -> RuleSet:
        """The rules of one spec file: the config's, or with ``preset: auto`` the candidate
        preset its documents call for, both with the environments' names for rule 5."""
        rules = self.rules
        if self.auto_rules:
            rules = self.auto_rules[select_preset(path, documents)]
        return rules

    @property
    def env_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.environments)


def default_config_path(root: Path) -> Path:
    return root / CONFIG_NAME


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "version",
    "environments",
    "promotions",
    "preset",
    "rules",
    "github",
    "service",
    "services",
    "holds",
)
_ENV_KEYS = ("path", "base_branch", "spec", "aliases")
_SERVICES_KEYS = ("include", "exclude")
_RULE_KEYS = ("overwrite", "retain", "env_vars", "default")
_ENV_VAR_KEYS = ("path", "added", "removed")
_GITHUB_KEYS = ("repository", "labels", "reviewers", "team_reviewers", "draft")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
DEFAULT_PRESET = "truefoundry"


class _Reader:
    """Validates plain config data while knowing where each value stands in the file."""

    def __init__(self, read: Callable[[], YamlText], file: str) -> None:
        self._read = read
        self.file = file

    @functools.cached_property
    def doc(self) -> YamlText:
        """The file's YAML with positions, read when an error must be placed in it."""
        return self._read()

    def fail(self, path: tuple[str | int, ...], message: str) -> ConfigError:
        """The error at the nearest node of ``path`` written in the file: ``file:line:col``
        (the document's own start when none of ``path`` is)."""
        probe = path
        while probe:
            try:
                node = self.doc.node_at(0, probe)
            except (KeyError, IndexError, TypeError):
                node = None
            if node is not None:
                at = node.key.start if node.key is not None else node.dash
                return self.at(node.content if at < 0 else at, message)
            probe = probe[:-1]
        docs = self.doc.tree.docs
        root = docs[0].root if docs else None
        return self.at(0 if root is None else root.content, message)

    def at(self, index: int, message: str) -> ConfigError:
        """The error at character ``index`` of the file: ``file:line:col``."""
        tree = self.doc.tree
        return ConfigError(
            message, file=self.file, line=tree.line(index) + 1, column=tree.col(index) + 1
        )

    def mapping(
        self, value: Any, path: tuple[str | int, ...], what: str, keys: tuple[str, ...] | None
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"{what} must be a mapping, not {_type_name(value)}")
        if keys is not None:
            for key in value:
                if key not in keys:
                    allowed = ", ".join(keys)
                    raise self.fail(
                        (*path, key), f"unknown key {key!r} in {what} (allowed: {allowed})"
                    )
        return value

    def string(self, value: Any, path: tuple[str | int, ...], what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"{what} must be a non-empty string, not {_type_name(value)}")
        return value

    def string_list(self, value: Any, path: tuple[str | int, ...], what: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"{what} must be a list of strings, not {_type_name(value)}")
        return [
            self.string(item, (*path, i), f"each item of {what}") for i, item in enumerate(value)
        ]

    def choice(
        self, value: Any, path: tuple[str | int, ...], what: str, options: tuple[str, ...]
    ) -> str:
        if value not in options:
            raise self.fail(path, f"{what} must be one of {', '.join(options)}, not {value!r}")
        return str(value)

    def rule_paths(self, value: Any, path: tuple[str | int, ...], what: str) -> list[RulePath]:
        out = []
        for i, text in enumerate(self.string_list(value, path, what)):
            try:
                out.append(RulePath.parse(text))
            except ValueError as exc:
                raise self.fail((*path, i), f"{what}: {exc}") from None
        return out


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), f"a {type(value).__name__}"
    )


_BAD_REF_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def branch_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid branch name (git's ``check-ref-format --branch`` rules), or
    ``None``: no control characters, space, ``~^:?*[\\``, ``..`` or ``@{``; no component
    starting with ``.`` or ending with ``.lock``; no leading ``-``, no ``/`` at either end or
    twice in a row, no trailing ``.``; not ``@`` or ``HEAD``."""
    if name.startswith("-"):
        return "it starts with '-'"
    if name in ("@", "HEAD"):
        return f"{name!r} is reserved"
    bad = _BAD_REF_CHARS.search(name)
    if bad:
        return f"it contains {bad.group()!r}"
    for part, why in (("..", "'..'"), ("@{", "'@{'"), ("//", "'//'")):
        if part in name:
            return f"it contains {why}"
    if name.startswith("/") or name.endswith(("/", ".")):
        return "it starts or ends with '/', or ends with '.'"
    for comp in name.split("/"):
        if comp.startswith(".") or comp.endswith(".lock"):
            return "a part of it starts with '.' or ends with '.lock'"
    return None


def _check_env_path(reader: _Reader, text: str, at: tuple[str | int, ...], name: str) -> str:
    if any(c < " " or c == "\x7f" for c in text):
        raise reader.fail(at, f"environment {name!r}: path {text!r} holds control characters")
    if "\\" in text:
        raise reader.fail(at, f"environment {name!r}: path must use '/' separators, not '\\'")
    if PurePosixPath(text).is_absolute():
        raise reader.fail(
            at, f"environment {name!r}: path {text!r} must be relative to the repository"
        )
    parts = [p for p in PurePosixPath(text).parts if p not in (".", "")]
    if ".." in parts:
        raise reader.fail(at, f"environment {name!r}: path {text!r} leads outside the repository")
    if not parts:
        raise reader.fail(at, f"environment {name!r}: path must name a directory, not the root")
    if any(p.lower() == ".git" for p in parts):
        raise reader.fail(at, f"environment {name!r}: path {text!r} leads into .git")
    return "/".join(parts)


_PROMOTION_HINT = "'staging->prod' or {from: staging, to: prod, soak: 2h, checks: success}"


def _parse_promotion(
    reader: _Reader, item: Any, at: tuple[str | int, ...], names: Sequence[str]
) -> tuple[str, str, Gates]:
    """One item of ``promotions``: ``a->b``, or a mapping ``{from, to}`` with gates."""
    if isinstance(item, dict):
        for key in ("from", "to"):
            if key not in item:
                raise reader.fail(at, f"a promotion mapping needs '{key}': {_PROMOTION_HINT}")
        src = reader.string(item["from"], (*at, "from"), "a promotion's 'from'").strip()
        dst = reader.string(item["to"], (*at, "to"), "a promotion's 'to'").strip()
        shown = f"{src}->{dst}"
        try:
            gates = parse_gates(item)
        except GateSpecError as exc:
            where = (*at, exc.key) if exc.key is not None and exc.key in item else at
            raise reader.fail(where, f"promotion {shown}: {exc.message}") from None
    elif isinstance(item, str) and "->" in item:
        left, _, right = item.partition("->")
        src, dst, shown, gates = left.strip(), right.strip(), item, Gates()
    else:
        raise reader.fail(at, f"a promotion must look like {_PROMOTION_HINT}, not {item!r}")
    for env_name in (src, dst):
        if env_name not in names:
            gated = " (its gates apply to no allowed promotion)" if gates else ""
            raise reader.fail(
                at,
                f"promotion {shown!r} names unknown environment {env_name!r} "
                f"(known: {', '.join(names)}){gated}",
            )
    if src == dst:
        raise reader.fail(at, f"promotion {shown!r} goes from an environment to itself")
    return src, dst, gates


def _merge_rules(reader: _Reader, preset_name: str, raw: dict[str, Any] | None) -> RuleSet:
    base = PRESETS[preset_name]
    if raw is None:
        return base
    at: tuple[str | int, ...] = ("rules",)
    reader.mapping(raw, at, "rules", _RULE_KEYS)
    own_over = reader.rule_paths(raw.get("overwrite"), (*at, "overwrite"), "rules.overwrite")
    own_keep = reader.rule_paths(raw.get("retain"), (*at, "retain"), "rules.retain")
    both = set(own_over) & set(own_keep)
    if both:
        name = str(sorted(both)[0])
        raise reader.fail(
            (*at, "retain"), f"rule path {name} is listed in both overwrite and retain"
        )
    named = set(own_over) | set(own_keep)
    # A config's own rule replaces the preset's rule for the very same path (that is how a
    # config overrides a preset); other preset rules stay and compete by specificity.
    overwrite = tuple(p for p in base.overwrite if p not in named) + tuple(own_over)
    retain = tuple(p for p in base.retain if p not in named) + tuple(own_keep)
    origins = {k: v for k, v in base.origins.items()}
    for p in named:
        origins[str(p)] = "config"

    default = base.default
    if "default" in raw:
        default = reader.choice(
            raw["default"], (*at, "default"), "rules.default", ("overwrite", "retain")
        )  # type: ignore[assignment]

    env_vars = base.env_vars
    if "env_vars" in raw:
        ev = raw["env_vars"]
        ev_at = (*at, "env_vars")
        if ev is None or ev is False:
            env_vars = None
        else:
            reader.mapping(ev, ev_at, "rules.env_vars", _ENV_VAR_KEYS)
            if "path" in ev:
                path = reader.rule_paths([ev["path"]], (*ev_at, "path"), "rules.env_vars.path")[0]
            elif base.env_vars is not None:
                path = base.env_vars.path
            else:
                raise reader.fail(
                    ev_at, f"rules.env_vars needs a path (preset {preset_name} has none)"
                )
            added = base.env_vars.added if base.env_vars else "copy"
            removed = base.env_vars.removed if base.env_vars else "keep"
            if "added" in ev:
                added = reader.choice(
                    ev["added"], (*ev_at, "added"), "rules.env_vars.added", ("copy", "fail")
                )  # type: ignore[assignment]
            if "removed" in ev:
                removed = reader.choice(
                    ev["removed"], (*ev_at, "removed"), "rules.env_vars.removed", ("keep", "remove")
                )  # type: ignore[assignment]
            env_vars = EnvVarsRule(path=path, added=added, removed=removed)
    return RuleSet(
        overwrite=overwrite,
        retain=retain,
        env_vars=env_vars,
        default=default,
        multi_document=base.multi_document,
        preset=preset_name,
        origins=origins,
    )


def _read_yaml(data: bytes, file: str) -> YamlText:
    """The config's YAML with positions. The YAML reader (and libyaml with it) is loaded here,
    when a config is read that the cache does not hold or an error must be placed in one: a
    run whose config is cached and that reads no spec loads no YAML code at all."""
    from .yamldoc import YamlText  # lazy: see above

    try:
        return YamlText.from_bytes(data, filename=file)
    except GitopsPromoteError as exc:
        raise ConfigError(exc.message, file=file, line=exc.line, column=exc.column) from None


def parse_config(data: bytes, file: str = CONFIG_NAME, docs: list[Any] | None = None) -> Config:
    """Validate a config file's bytes; raise :class:`ConfigError` naming file and line.

    ``docs``, when given, are the documents already read from ``data`` (kept from an earlier
    run): the YAML is then read again only to place an error."""
    if docs is None:
        doc = _read_yaml(data, file)
        return _validated(_Reader(lambda: doc, file), doc.documents())
    return _validated(_Reader(lambda: _read_yaml(data, file), file), docs)


def _validated(reader: _Reader, docs: list[Any]) -> Config:
    """The config the documents of ``reader``'s file hold, or the first error in them."""
    file = reader.file
    if len(docs) != 1:
        raise reader.at(
            _second_document(reader.doc), "the config must hold exactly one YAML document"
        )
    raw = reader.mapping(docs[0], (), "the config", _TOP_KEYS)

    version = raw.get("version", 1)
    if version != 1 or isinstance(version, bool):
        raise reader.fail(
            ("version",), f"unsupported config version {version!r} (this tool reads version 1)"
        )

    if "environments" not in raw:
        raise reader.fail((), "the config has no 'environments'")
    envs_raw = reader.mapping(raw["environments"], ("environments",), "environments", None)
    if not envs_raw:
        raise reader.fail(("environments",), "environments must name at least one environment")
    single = raw.get("service")
    if single is not None:
        single = reader.string(single, ("service",), "service")
        if not _NAME_RE.match(single) or ".." in single:
            raise reader.fail(("service",), f"service name {single!r} is not a valid name")
    environments: list[Environment] = []
    for name, body in envs_raw.items():
        at: tuple[str | int, ...] = ("environments", name)
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise reader.fail(
                at, f"environment name {name!r} may use letters, digits, '.', '_', '-'"
            )
        reader.mapping(body, at, f"environment {name!r}", _ENV_KEYS)
        branch = body.get("base_branch")
        if branch is not None:
            branch = reader.string(branch, (*at, "base_branch"), "base_branch")
            problem = branch_name_problem(branch)
            if problem:
                raise reader.fail(
                    (*at, "base_branch"),
                    f"base_branch {branch!r} is not a valid branch name: {problem}",
                )
        aliases = tuple(reader.string_list(body.get("aliases"), (*at, "aliases"), "aliases"))
        if "spec" in body and "path" in body:
            raise reader.fail((*at, "spec"), f"environment {name!r}: give path or spec, not both")
        if "spec" in body:
            try:
                spec = check_pattern(
                    reader.string(body["spec"], (*at, "spec"), "spec"), single is not None
                )
            except ValueError as exc:
                raise reader.fail((*at, "spec"), f"environment {name!r}: {exc}") from None
            path = static_prefix(spec)
        elif "path" in body:
            spec = None
            text = reader.string(body["path"], (*at, "path"), "path")
            root_ok = branch is not None and text.strip() in (".", "./")
            path = "" if root_ok else _check_env_path(reader, text, (*at, "path"), name)
        else:
            raise reader.fail(at, f"environment {name!r} has no path (or spec)")
        env = Environment(name=name, path=path, base_branch=branch, spec=spec, aliases=aliases)
        for other in environments:
            if other.base_branch == env.base_branch and patterns_overlap(
                env_patterns(other), env_patterns(env)
            ):
                where = "path" if spec is None else "spec"
                same = f"share the path {path!r}" if spec is None else "read the same files"
                raise reader.fail(
                    (*at, where),
                    f"environments {other.name!r} and {name!r} {same} on the same branch: "
                    "give them different paths, or different base_branch",
                )
        environments.append(env)
    names = [e.name for e in environments]

    promotions: list[tuple[str, str]] = []
    gates: dict[tuple[str, str], Gates] = {}
    if "promotions" in raw and raw["promotions"] is not None:
        if not isinstance(raw["promotions"], list):
            raise reader.fail(
                ("promotions",), "promotions must be a list like [dev->staging, staging->prod]"
            )
        for i, item in enumerate(raw["promotions"]):
            src, dst, found = _parse_promotion(reader, item, ("promotions", i), names)
            if (src, dst) in promotions:
                raise reader.fail(
                    ("promotions", i),
                    f"promotion {src}->{dst} is listed twice: give it once, with all its gates",
                )
            promotions.append((src, dst))
            if found:
                gates[(src, dst)] = found
    else:
        promotions = list(itertools.pairwise(names))

    holds = raw.get("holds", True)
    if not isinstance(holds, bool):
        raise reader.fail(
            ("holds",), f"holds must be true or false, not {_type_name(holds)} {holds!r}"
        )

    preset = raw.get("preset", DEFAULT_PRESET)
    if not isinstance(preset, str) or (preset not in PRESETS and preset != AUTO):
        known = ", ".join((*PRESETS, AUTO))
        raise reader.fail(("preset",), f"unknown preset {preset!r} (known: {known})")
    rules_raw = raw.get("rules")
    auto_rules: dict[str, RuleSet] = {}
    if preset == AUTO:
        for candidate in AUTO_CANDIDATES:
            auto_rules[candidate] = _merge_rules(reader, candidate, rules_raw)
        rules = auto_rules[DEFAULT_PRESET]
    else:
        rules = _merge_rules(reader, str(preset), rules_raw if rules_raw is not None else None)
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    if raw.get("services") is not None:
        sv = reader.mapping(raw["services"], ("services",), "services", _SERVICES_KEYS)
        if "include" in sv:
            include = tuple(
                reader.string_list(sv["include"], ("services", "include"), "services.include")
            )
        exclude = tuple(
            reader.string_list(sv.get("exclude"), ("services", "exclude"), "services.exclude")
        )

    gh = GithubSettings()
    if raw.get("github") is not None:
        g = reader.mapping(raw["github"], ("github",), "github", _GITHUB_KEYS)
        repo = g.get("repository")
        if repo is not None:
            repo = reader.string(repo, ("github", "repository"), "github.repository")
            if not _REPO_RE.match(repo):
                raise reader.fail(
                    ("github", "repository"), f"github.repository must be OWNER/NAME, not {repo!r}"
                )
        draft = g.get("draft", False)
        if not isinstance(draft, bool):
            raise reader.fail(("github", "draft"), "github.draft must be true or false")
        gh = GithubSettings(
            repository=repo,
            labels=tuple(
                reader.string_list(g.get("labels"), ("github", "labels"), "github.labels")
            ),
            reviewers=tuple(
                reader.string_list(g.get("reviewers"), ("github", "reviewers"), "github.reviewers")
            ),
            team_reviewers=tuple(
                reader.string_list(
                    g.get("team_reviewers"), ("github", "team_reviewers"), "github.team_reviewers"
                )
            ),
            draft=draft,
        )
    env_aliases = {e.name: e.aliases for e in environments}
    rules = dataclasses.replace(rules, aliases=env_aliases)
    auto_rules = {k: dataclasses.replace(v, aliases=env_aliases) for k, v in auto_rules.items()}
    return Config(
        file=file,
        environments=tuple(environments),
        promotions=tuple(promotions),
        rules=rules,
        github=gh,
        service=single,
        services_include=include,
        services_exclude=exclude,
        auto_rules=auto_rules,
        gates=gates,
        holds=holds,
    )


def _second_document(doc: YamlText) -> int:
    """Where the config's second document starts (the start of the file if it has none)."""
    if len(doc.tree.docs) < 2:
        return 0
    second = doc.tree.docs[1]
    if second.marker is not None:
        return second.marker
    return second.root.start if second.root is not None else 0


def load_config(root: Path, config_path: str | Path | None = None) -> Config:
    """Read and validate the config of the repository at ``root``.

    ``config_path`` (``--config``) may be relative to the current directory or absolute; the
    default is ``.gitops-promote.yaml`` at the repository root.
    """
    path = Path(config_path) if config_path is not None else default_config_path(root)
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(path)
        if config_path is None or path.is_symlink():
            # the repository's own config (or a link named on the command line) that leads out
            # of the repository: never read it, and never quote it
            name = path.name if config_path is None else str(config_path)
            raise ConfigError(
                f"{name}: leads outside the repository through a symlink; not reading it"
            ) from None
    if not path.is_file():
        hint = "" if config_path else " (create one, or pass --config FILE)"
        raise ConfigError(f"config file not found{hint}", file=shown)
    data = path.read_bytes()
    docs = cached_documents(path, data)
    if docs is not None:
        return parse_config(data, shown, docs)
    doc = _read_yaml(data, shown)
    docs = doc.documents()
    keep_documents(path, data, docs)
    return _validated(_Reader(lambda: doc, shown), docs)
