"""The table of hostile cases (issue 15): how to build the state, the command, what must happen.

Each ``Case`` names a setup (a function that makes the sample repository hostile), the argv of
the command, the expected exit code and a regex the single stderr line must match. Unless the
case expects success, the test also checks that nothing changed (see ``harness.snapshot``).
A case that fails on today's code carries ``xfail`` = what is wrong today; the mark is strict,
so the fix that makes it pass must also remove the mark.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..gitrepo import git
from ..sample import CONFIG, api_spec
from .harness import Setup, World

PROD = "envs/prod/api.yaml"
STAGING = "envs/staging/api.yaml"
CFG = ".gitops-promote.yaml"


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    argv: tuple[str, ...]
    code: int | tuple[int, ...]
    pattern: str | None = None  # regex for the single stderr line (None: no stderr expected)
    out: str | None = None  # regex stdout must match (success cases)
    timeout: float | None = None  # run as a subprocess; its CPU seconds must stay under this
    process: bool = False  # run as a real subprocess of the installed command
    xfail: str | None = None
    fetch_ok: bool = False  # the command may fetch (refs/remotes may move)
    remote_ok: bool = False  # the remote may change (a push the case does not judge)
    slow: bool = False  # only in the full run (the fast set keeps one command per state)

    def codes(self) -> tuple[int, ...]:
        return self.code if isinstance(self.code, tuple) else (self.code,)


# -- setups ----------------------------------------------------------------------------------


def nothing(world: World) -> None:
    pass


def commit_files(files: dict[str, str | bytes | None], message: str = "hostile") -> Setup:
    def setup(world: World) -> None:
        world.repo.commit(files, message)

    return setup


def spec(content: str | bytes, where: str = PROD) -> Setup:
    return commit_files({where: content})


def config(content: str) -> Setup:
    return commit_files({CFG: content})


def config_with(old: str, new: str) -> Setup:
    assert old in CONFIG
    return config(CONFIG.replace(old, new))


def outside(world: World, name: str) -> Path:
    """A path outside the repository (beside it in the test's temp folder)."""
    p = world.tmp / "outside" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def symlink_spec_outside(world: World) -> None:
    target = outside(world, "api.yaml")
    target.write_text(api_spec("6.6.6", replicas=9) + "SECRET_OUTSIDE: leaked\n")
    (world.path / PROD).unlink()
    os.symlink(target, world.path / PROD)
    world.repo.git("add", "-A")
    world.repo.git("commit", "-q", "-m", "prod spec is a link out of the repository")


def symlink_spec_inside(world: World) -> None:
    (world.path / PROD).unlink()
    os.symlink("../staging/api.yaml", world.path / PROD)
    world.repo.git("add", "-A")
    world.repo.git("commit", "-q", "-m", "prod spec is a link to staging")


def symlink_env_outside(world: World) -> None:
    target = outside(world, "prod")
    target.mkdir()
    (target / "api.yaml").write_text(api_spec("6.6.6") + "SECRET_OUTSIDE: leaked\n")
    world.repo.git("rm", "-q", "-r", "envs/prod")
    os.symlink(target, world.path / "envs/prod")
    world.repo.git("add", "-A")
    world.repo.git("commit", "-q", "-m", "prod env is a link out of the repository")


def symlink_env_inside(world: World) -> None:
    world.repo.git("mv", "envs/prod", "envs/prod-real")
    os.symlink("prod-real", world.path / "envs/prod")
    world.repo.git("add", "-A")
    world.repo.git("commit", "-q", "-m", "prod env is a link inside the repository")


def symlink_config_outside(world: World) -> None:
    target = outside(world, "config.yaml")
    target.write_text("SECRET_OUTSIDE_CONFIG: [unclosed\n")
    (world.path / CFG).unlink()
    os.symlink(target, world.path / CFG)
    world.repo.git("add", "-A")
    world.repo.git("commit", "-q", "-m", "config is a link out of the repository")


def spec_is_directory(world: World) -> None:
    world.repo.git("rm", "-q", PROD)
    world.repo.commit({PROD + "/inner.yaml": "a: 1\n"}, "spec path is a folder")


def env_is_file(world: World) -> None:
    world.repo.git("rm", "-q", "-r", "envs/prod")
    world.repo.commit({"envs/prod": "not a folder\n"}, "prod env is a file")


def merge_in_progress(conflict: bool) -> Setup:
    def setup(world: World) -> None:
        r = world.repo
        r.commit({"README.md": "base\n"}, "readme")
        r.git("checkout", "-q", "-b", "side")
        r.commit({"README.md": "side\n"}, "side readme")
        r.git("checkout", "-q", "main")
        if conflict:
            r.commit({"README.md": "main\n"}, "main readme")
            r.git("merge", "-q", "side", check=False)
        else:
            r.commit({"NOTES.md": "main\n"}, "notes")
            r.git("merge", "-q", "--no-commit", "--no-ff", "side")
        assert (world.path / ".git/MERGE_HEAD").exists()

    return setup


def rebase_in_progress(world: World) -> None:
    """A rebase stopped on a conflict; prod commits on main by name (base_branch)."""
    r = world.repo
    r.commit({CFG: CONFIG.replace("{path: envs/prod}", "{path: envs/prod, base_branch: main}")})
    r.commit({"README.md": "base\n"}, "readme")
    r.git("checkout", "-q", "-b", "side")
    r.commit({"README.md": "side\n"}, "side readme")
    r.git("checkout", "-q", "main")
    r.commit({"README.md": "main\n"}, "main readme")
    r.git("rebase", "side", check=False)  # stops on the conflict, on main's commit
    assert any((world.path / ".git" / d).exists() for d in ("rebase-merge", "rebase-apply"))


def cherry_pick_in_progress(world: World) -> None:
    r = world.repo
    r.commit({"README.md": "base\n"}, "readme")
    r.git("checkout", "-q", "-b", "side")
    r.commit({"README.md": "side\n"}, "side readme")
    r.git("checkout", "-q", "main")
    r.commit({"README.md": "main\n"}, "main readme")
    r.git("cherry-pick", "side", check=False)
    assert (world.path / ".git/CHERRY_PICK_HEAD").exists()


def index_lock(world: World) -> None:
    (world.path / ".git/index.lock").write_bytes(b"")


def shallow_clone(world: World) -> None:
    """Replace the work checkout by a ``--depth 1`` clone of origin."""
    assert world.origin is not None
    shallow = world.tmp / "shallow"
    git(world.tmp, "clone", "-q", "--depth", "1", f"file://{world.origin}", str(shallow))
    world.repo.path = shallow


def shallow_without_remote(world: World) -> None:
    shallow_clone(world)
    world.repo.git("remote", "remove", "origin")


def pr_body_read_only(world: World) -> None:
    p = outside(world, "body.md")
    p.write_text("old body\n")
    p.chmod(stat.S_IRUSR)


def rejecting_remote(world: World) -> None:
    assert world.origin is not None
    hook = world.origin / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n")
    hook.chmod(0o755)


def remote_moved_on(world: World) -> None:
    """Someone else pushed a change to the same spec after our last fetch."""
    other = world.repo.clone_origin(world.tmp / "other")
    other.commit({PROD: api_spec("9.9.9", 3, "warning")}, "prod: 9.9.9 by someone else")
    other.git("push", "-q", "origin", "main")


def no_origin(world: World) -> None:
    world.repo.git("remote", "remove", "origin")


# -- spec contents -----------------------------------------------------------------------------


def nested_block(depth: int) -> str:
    """Block sequences nested ``depth`` deep on one line (``- - - 1``): 2 bytes a level."""
    return "name: api\nreplicas: 1\ndeep:\n  " + "- " * depth + "1\n"


def nested_flow(depth: int) -> str:
    return "name: api\nreplicas: 1\ndeep: " + "[" * depth + "]" * depth + "\n"


def many_keys(n: int) -> str:
    return api_spec() + "labels:\n" + "".join(f"  key{i}: v{i}\n" for i in range(n))


def one_long_line(size: int) -> str:
    items = ", ".join(str(i) for i in range(size // 8))
    return api_spec() + f"data: [{items}]\n"


def big_spec(size: int) -> str:
    block = "".join(f"  - name: item{i}\n    value: '{'x' * 60}'\n" for i in range(1000))
    return api_spec() + "items:\n" + block * (size // len(block) + 1)


def alias_bomb() -> str:
    lines = ["name: api", "replicas: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def alias_nest() -> str:
    """Anchors that each nest the one before 150 deep: 9,000 deep once the aliases expand (the
    text itself nests 150 deep, within the limit)."""
    lines = ["name: api", "replicas: 1", "a0: &a0 x"]
    for i in range(1, 61):
        lines.append(f"a{i}: &a{i} " + "[" * 150 + f"*a{i - 1}" + "]" * 150)
    return "\n".join(lines) + "\n"


BAD_YAML: dict[str, str | bytes] = {
    "unclosed-flow": "name: api\nreplicas: [1, 2\n",
    "unclosed-quote": 'name: "api\nreplicas: 1\n',
    "bad-indent": "name: api\nimage:\n    type: image\n  image_uri: x\n",
    "block-seq-in-map": "name: api\n- item\n",
    "colon-in-plain": "name: api\nreplicas: a: b\n",
    "bad-escape": 'name: "\\q"\n',
    "undefined-alias": "name: *nowhere\n",
    "tab-indent": "name: api\nimage:\n\ttype: image\n",
    "duplicate-key": "name: api\nreplicas: 1\nreplicas: 2\n",
    "duplicate-nested-key": "name: api\nimage:\n  type: a\n  type: b\n",
    "binary": b"\x00\x01\x02\xff\xfe\x00\x10binary\x00" * 20,
    "invalid-utf8": b"name: api\nimage: \xff\xfe\xfa\nreplicas: 1\n",
    "utf16": "\ufeffname: api\nreplicas: 1\n".encode("utf-16"),
    "complex-key": "name: api\n? [a, b]\n: 1\n",
}
# Valid YAML that is odd: kept as it is (exit 0) or refused naming the file (exit 2).
ODD_YAML: dict[str, str] = {
    "python-tag": api_spec(replicas=3) + "hook: !!python/object:os.system {}\n",
    "unknown-local-tag": api_spec(replicas=3) + "stack: !Ref Replicas\n",
    "unknown-tag-on-target": "name: api\nreplicas: !Ref Replicas\n",
    "directive-garbage": "%FOO bar\n---\n" + api_spec(replicas=3),
    "lone-surrogate": api_spec(replicas=3) + 'note: "\\ud800"\n',
}

NOT_MAPPING: dict[str, str] = {
    "list": "- name: api\n- replicas: 1\n",
    "scalar": "just a string\n",
    "null": "null\n",
    "tilde": "~\n",
    "empty": "",
    "only-comments": "# nothing here\n# at all\n",
    "second-document": api_spec(replicas=3, log_level="warning") + "---\nname: other\n",
}

BAD_SCALARS: dict[str, str] = {
    "0x_": "0x_",
    "._": "._",
    "5000-digit-int": "9" * 5000,
}

READERS: dict[str, tuple[str, ...]] = {
    "update": ("update", "api", "--env", "prod", "--set", "replicas=4"),
    "diff": ("diff", "api", "--from", "staging", "--to", "prod"),
    "promote": ("promote", "api", "--from", "staging", "--to", "prod"),
    "rollback-retain": ("rollback", "api", "--env", "prod", "--to", "v1", "--retain"),
    "check": ("check",),
}
SPEC_COMMANDS: dict[str, tuple[str, ...]] = {**READERS, "status": ("status",)}

ALL_COMMANDS: dict[str, tuple[str, ...]] = {
    "history": ("history", "api", "--env", "prod"),
    "show": ("show", "api", "--env", "prod"),
    "rollback": ("rollback", "api", "--env", "prod", "--to", "v1"),
    **SPEC_COMMANDS,
}

WRITERS: dict[str, tuple[str, ...]] = {
    "update": ("update", "api", "--env", "prod", "--set", "replicas=4"),
    "rollback": ("rollback", "api", "--env", "prod", "--to", "v1"),
}

SPEC_LINE = r"envs/prod/api\.yaml(:\d+)?"
CONFIG_LINE = r"\.gitops-promote\.yaml:\d+:\d+: "


def cross(
    prefix: str,
    setups: Iterable[tuple[str, Setup]],
    commands: dict[str, tuple[str, ...]],
    code: int | tuple[int, ...],
    pattern: str | None,
    **extra: object,
) -> list[Case]:
    """Every state x every command; a rotating one command per state stays in the fast set.
    ``check`` may report a bad spec as a finding (exit 1, the file and line on stdout)."""
    out = []
    for si, (sname, setup) in enumerate(setups):
        for ci, (cname, argv) in enumerate(commands.items()):
            name = "-".join(x for x in (prefix, sname, cname) if x)
            codes = code if isinstance(code, tuple) else (code,)
            if cname == "check" and 2 in codes:
                codes = tuple(sorted({*codes, 1}))
            slow = si % len(commands) != ci
            out.append(Case(name, setup, argv, codes, pattern, slow=slow, **extra))  # type: ignore[arg-type]
    return out


def _cases() -> list[Case]:
    cases: list[Case] = []

    # invalid YAML of every kind, in the target spec, through every command that reads it
    cases += cross(
        "bad-yaml",
        ((k, spec(v)) for k, v in BAD_YAML.items()),
        READERS,
        2,
        r"^error: " + SPEC_LINE + ":",
    )
    cases += cross(
        "odd-yaml",
        ((k, spec(v)) for k, v in ODD_YAML.items()),
        READERS,
        (0, 2),
        r"^error: " + SPEC_LINE + ":",
    )
    cases += cross(
        "not-mapping",
        ((k, spec(v)) for k, v in NOT_MAPPING.items()),
        READERS,
        2,
        r"^error: " + SPEC_LINE + r".*(mapping|document)",
    )
    # scalars that used to crash the resolver, as spec values (a string, or an error naming line)
    for name, scalar in BAD_SCALARS.items():
        cases.append(
            Case(
                f"scalar-spec-{name}-status",
                spec(api_spec(replicas=3, log_level="warning") + f"odd: {scalar}\n"),
                ("status",),
                (0, 2),
                None,
            )
        )
        cases.append(
            Case(
                f"scalar-set-{name}",
                nothing,
                ("update", "api", "--env", "prod", "--dry-run", "--set", f"replicas={scalar}"),
                (0, 2),
                None,
            )
        )
        cases.append(
            Case(
                f"scalar-config-{name}",
                config(CONFIG + f"github:\n  labels: [{scalar}]\n"),
                ("check",),
                (0, 1, 2),
                None,
            )
        )
    cases += [
        Case(
            "index-5000-digits",
            nothing,
            ("update", "api", "--env", "prod", "--set", "/readiness_probe/" + "1" * 5000 + "=1"),
            2,
            r"^error: .*(--set|readiness_probe)",
        ),
        Case(
            "index-superscript-digit",
            spec(api_spec(replicas=3, log_level="warning") + "ports:\n  - port: 80\n"),
            ("update", "api", "--env", "prod", "--set", "/ports/\u00b2/port=81"),
            2,
            r"^error: .*(--set|ports)",
        ),
        Case(
            "set-lone-surrogate",
            nothing,
            ("update", "api", "--env", "prod", "--dry-run", "--set", 'env.LOG_LEVEL="\\ud800"'),
            (0, 2),
            None,
        ),
        Case(
            "config-lone-surrogate",
            config(CONFIG + 'github:\n  labels: ["\\ud800"]\n'),
            ("check",),
            (0, 1, 2),
            None,
        ),
    ]

    # resource bombs: a time bound, as a real subprocess
    bombs: dict[str, tuple[Setup, float]] = {
        "20mb-spec": (spec(big_spec(20_000_000)), 10.0),
        "1mb-line": (spec(one_long_line(1_000_000)), 5.0),
        "50000-keys": (spec(many_keys(50_000)), 5.0),
        "nest-block-10000": (spec(nested_block(10_000)), 5.0),
        "nest-flow-10000": (spec(nested_flow(10_000)), 5.0),
        "alias-bomb": (spec(alias_bomb()), 5.0),
        "alias-nest-9000": (spec(alias_nest()), 5.0),
    }
    for name, (setup, limit) in bombs.items():
        for cname in ("update", "status", "check", "diff"):
            cases.append(
                Case(
                    f"bomb-{name}-{cname}",
                    setup,
                    SPEC_COMMANDS[cname],
                    (0, 1, 2) if cname == "check" else (0, 2),
                    None,
                    timeout=limit,
                )
            )
    cases += [
        Case(
            "bomb-config-nest-10000",
            config(CONFIG + "deep:\n" + nested_block(10_000).split("deep:\n", 1)[1]),
            ("check",),
            2,
            r"^error: " + CONFIG_LINE,
            timeout=5.0,
        ),
        Case(
            "bomb-config-flow-nest-10000",
            config(CONFIG + "deep: " + "[" * 10_000 + "]" * 10_000 + "\n"),
            ("check",),
            2,
            r"^error: " + CONFIG_LINE,
            timeout=5.0,
        ),
        Case(
            "bomb-set-1000-new-segments",
            nothing,
            ("update", "api", "--env", "prod", "--create", "--set", "x" + ".y" * 1000 + "=1"),
            2,
            r"^error: .*(--set|deep|depth)",
            timeout=5.0,
        ),
    ]

    # names: services and environments that try to leave their folder
    names = {
        "dotdot": "..",
        "dotdot-path": "../prod/api",
        "slash": "a/b",
        "absolute": "/etc/passwd",
        "nul": "api\0x",
        "newline": "api\nx",
        "300-chars": "a" * 300,
    }
    for name, value in names.items():
        cases.append(
            Case(
                f"service-name-{name}-update",
                nothing,
                ("update", value, "--env", "prod", "--set", "replicas=4"),
                2,
                r"^error: .*(service|name)",
            )
        )
        cases.append(
            Case(
                f"service-name-{name}-history",
                nothing,
                ("history", value, "--env", "prod"),
                2,
                r"^error: .*(service|name)",
            )
        )
        cases.append(
            Case(
                f"env-name-{name}-update",
                nothing,
                ("update", "api", "--env", value, "--set", "replicas=4"),
                2,
                r"^error: .*(environment|--env)",
            )
        )
    cases += [
        Case(
            "service-name-leading-dash",
            nothing,
            ("update", "--env", "prod", "--set", "replicas=4", "--", "-x"),
            2,
            r"^error: .*(service|name).*-x",
        ),
        Case(
            "service-name-leading-dash-unescaped",
            nothing,
            ("history", "-x", "--env", "prod"),
            2,
            r"(?i)(no such option|-x)",
        ),
        Case(
            "promote-name-dotdot",
            nothing,
            ("promote", "..", "--from", "staging", "--to", "prod"),
            2,
            r"^error: .*(service|name)",
        ),
    ]

    # the file system: links and odd kinds of paths
    cases += cross(
        "symlink-spec-outside", [("", symlink_spec_outside)], SPEC_COMMANDS, 2,
        r"^error: .*outside the repository(?!.*SECRET)",
    )  # fmt: skip
    cases += cross(
        "symlink-env-outside", [("", symlink_env_outside)], SPEC_COMMANDS, 2,
        r"^error: .*outside the repository(?!.*SECRET)",
    )  # fmt: skip
    cases += cross(
        "symlink-config-outside", [("", symlink_config_outside)], {"check": ("check",),
        "status": ("status",), "update": SPEC_COMMANDS["update"]}, 2,
        r"^error: .*outside the repository(?!.*SECRET)",
    )  # fmt: skip
    cases += [
        Case(
            "symlink-spec-inside-diff",
            symlink_spec_inside,
            SPEC_COMMANDS["diff"],
            (0, 2),
            None,
        ),
        Case(
            "symlink-env-inside-status",
            symlink_env_inside,
            ("status",),
            (0, 2),
            None,
        ),
    ]
    cases += cross(
        "spec-is-directory", [("", spec_is_directory)], SPEC_COMMANDS, 2,
        r"^error: envs/prod/api\.yaml.*(folder|directory)",
    )  # fmt: skip
    cases += cross(
        "env-is-file", [("", env_is_file)], SPEC_COMMANDS, 2,
        r"^error: .*envs/prod.*(folder|directory)",
    )  # fmt: skip
    cases += [
        Case(
            "pr-body-file-missing-folder",
            nothing,
            ("promote", "api", "--from", "staging", "--to", "prod",
             "--pr-body-file", "/nonexistent-folder/body.md"),
            2,
            r"^error: .*(--pr-body-file|nonexistent-folder)",
        ),
        Case(
            "pr-body-file-read-only",
            pr_body_read_only,
            ("promote", "api", "--from", "staging", "--to", "prod",
             "--pr-body-file", "{tmp}/outside/body.md"),
            2,
            r"^error: .*(--pr-body-file|body\.md)",
        ),
    ]  # fmt: skip

    # git states: an operation in progress, a lock held by someone else
    in_progress = r"^error: .*a merge is in progress: finish or abort it first; nothing was changed"
    states: list[tuple[str, Setup, str]] = [
        ("merge-conflicted", merge_in_progress(True), in_progress),
        ("merge-no-commit", merge_in_progress(False), in_progress),
        ("rebase", rebase_in_progress, r"^error: .*(rebase|merge) is in progress"),
        ("cherry-pick", cherry_pick_in_progress, r"^error: .*(cherry-pick|merge) is in progress"),
        ("index-lock", index_lock, r"^error: .*index\.lock"),
    ]
    for sname, setup, pattern in states:
        cases += cross(f"git-state-{sname}", [("", setup)], WRITERS, 1, pattern)

    # shallow clones: history must count from the real first version
    cases += [
        Case(
            "shallow-history",
            shallow_clone,
            ("history", "api", "--env", "prod"),
            0,
            None,
            out=r"(?s)^(?!.*\bv1\b.*prod: 1\.2\.0).*v3",
            fetch_ok=True,
        ),
        Case(
            "shallow-update-version",
            shallow_clone,
            ("--output", "json", "update", "api", "--env", "prod", "--set", "replicas=5"),
            0,
            None,
            out=r'"version": "v4"',
            fetch_ok=True,
        ),
        Case(
            "shallow-no-remote-history",
            shallow_without_remote,
            ("history", "api", "--env", "prod"),
            1,
            r"^error: .*shallow.*fetch-depth: 0",
        ),
        Case(
            "shallow-no-remote-update",
            shallow_without_remote,
            ("update", "api", "--env", "prod", "--set", "replicas=5"),
            1,
            r"^error: .*shallow.*fetch-depth: 0",
        ),
    ]

    # config values of the wrong type, from every command
    bad_configs: dict[str, Setup] = {
        "preset-list": config_with("preset: truefoundry", "preset: [a]"),
        "preset-map": config_with("preset: truefoundry", "preset: {a: 1}"),
        "env-name-int": config_with("  dev:     {path: envs/dev}", "  1:     {path: envs/dev}"),
        "env-name-null": config_with("  dev:     {path: envs/dev}", "  ~:     {path: envs/dev}"),
        "base-branch-dash": config_with("{path: envs/prod}", "{path: envs/prod, base_branch: -x}"),
        "base-branch-tilde": config_with(
            "{path: envs/prod}", "{path: envs/prod, base_branch: main~1}"
        ),
        "base-branch-dotdot": config_with(
            "{path: envs/prod}", "{path: envs/prod, base_branch: a..b}"
        ),
        "base-branch-colon": config_with(
            "{path: envs/prod}", "{path: envs/prod, base_branch: 'x:y'}"
        ),
        "env-path-git": config_with("{path: envs/prod}", "{path: .git/envs}"),
        "env-path-GIT": config_with("{path: envs/prod}", "{path: .GIT/envs}"),
        "env-path-nul": config_with("{path: envs/prod}", '{path: "envs/pr\\0od"}'),
        "env-path-newline": config_with("{path: envs/prod}", '{path: "envs/pr\\nod"}'),
        "not-mapping": config("- version: 1\n"),
        "empty": config("# nothing yet\n"),
        "two-documents": config(CONFIG + "---\nversion: 1\n"),
        "no-environments": config("# defaults\npreset: truefoundry\n"),
    }
    cases += cross("config", bad_configs.items(), ALL_COMMANDS, 2, r"^error: " + CONFIG_LINE)

    # the remote: refuses, moved on, missing
    push = ("update", "api", "--env", "prod", "--set", "replicas=4", "--push")
    cases += [
        Case("remote-rejects-push", rejecting_remote, push, 1, r"^error: .*(push|rejected|origin)",
             fetch_ok=True),
        Case("remote-moved-on-same-spec", remote_moved_on, push, 1,
             r"^error: (?=.*envs/prod/api\.yaml).*(conflict|changed upstream|moved on)",
             fetch_ok=True),
        Case("remote-missing-origin", no_origin, push, (1, 2), r"^error: .*origin"),
        Case("remote-missing-origin-promote", no_origin,
             ("promote", "api", "--from", "staging", "--to", "prod", "--push"), (1, 2),
             r"^error: .*origin"),
    ]  # fmt: skip
    return cases


CASES = _cases()
# A handful also as real subprocesses of the installed command.
PROCESS_IDS = {
    "bad-yaml-duplicate-key-update",
    "bad-yaml-binary-check",
    "not-mapping-list-diff",
    "service-name-dotdot-update",
    "symlink-config-outside-check",
    "git-state-merge-conflicted-update",
    "config-preset-list-check",
    "remote-rejects-push",
}
assert not PROCESS_IDS - {c.id for c in CASES}, PROCESS_IDS - {c.id for c in CASES}
assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
CASES = [replace(c, process=True, slow=False) if c.id in PROCESS_IDS else c for c in CASES]
