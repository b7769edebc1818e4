"""The config cache: YAML read once per config content and version, validated on every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_promote import __version__
from gitops_promote.config import load_config
from gitops_promote.configcache import (
    MAX_ENTRIES,
    cache_dir,
    cached_documents,
    keep_documents,
    reader_stamp,
)
from gitops_promote.errors import ConfigError

CONFIG = """\
# environments, lowest first
version: 1
environments:
  dev: {path: envs/dev}
  prod: {path: envs/prod}
promotions: [dev->prod]
"""


def write_config(root: Path, text: str = CONFIG) -> Path:
    path = root / ".gitops-promote.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def entries() -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted(folder.glob("config-*.json")) if folder.is_dir() else []


def test_cache_folder_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_dir() == Path(os.environ["HOME"], ".cache", "gitops-promote")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "gitops-promote"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert cache_dir() == Path(os.environ["HOME"], ".cache", "gitops-promote")


def test_a_config_read_once_is_kept_and_gives_the_same_config(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    first = load_config(tmp_path)
    [entry] = entries()
    kept = json.loads(entry.read_text(encoding="utf-8"))
    assert kept["version"] == reader_stamp()
    assert kept["text"] == CONFIG
    assert cached_documents(path, path.read_bytes()) == kept["documents"]
    assert load_config(tmp_path) == first


def test_a_kept_config_is_not_read_as_yaml_again(tmp_path: Path) -> None:
    # a fresh interpreter each time: the first run loads the YAML reader and libyaml, the
    # second neither
    write_config(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\nfrom gitops_promote.config import load_config\n"
        f"c = load_config(Path({str(tmp_path)!r}))\n"
        "print(sorted(e.name for e in c.environments), 'yaml' in sys.modules,"
        " 'gitops_promote.yamldoc' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.split("]")[1]
        .strip()
        for _ in range(2)
    ]
    assert runs == ["True True", "False False"]


def test_a_changed_config_is_read_again(tmp_path: Path) -> None:
    write_config(tmp_path)
    load_config(tmp_path)
    write_config(tmp_path, CONFIG.replace("envs/prod", "deploy/prod"))
    assert load_config(tmp_path).env("prod").path == "deploy/prod"
    [entry] = entries()
    assert "deploy/prod" in json.loads(entry.read_text(encoding="utf-8"))["text"]


@pytest.mark.parametrize(
    "entry_text",
    [
        "not json {",
        "[1, 2]",
        json.dumps({"version": "0.0.0+1", "text": CONFIG, "documents": [{"version": 1}]}),
        json.dumps({"version": reader_stamp(), "text": CONFIG + "# more", "documents": [{}]}),
        json.dumps({"version": reader_stamp(), "text": CONFIG, "documents": "not a list"}),
    ],
    ids=["not-json", "not-an-object", "other-reader", "other-bytes", "bad-documents"],
)
def test_an_entry_that_does_not_match_is_ignored_and_replaced(
    tmp_path: Path, entry_text: str
) -> None:
    path = write_config(tmp_path)
    expected = load_config(tmp_path)
    [entry] = entries()
    entry.write_text(entry_text, encoding="utf-8")
    assert cached_documents(path, path.read_bytes()) is None
    assert load_config(tmp_path) == expected
    assert json.loads(entry.read_text(encoding="utf-8"))["version"] == reader_stamp()


@pytest.mark.parametrize(
    ("env", "kept"),
    [
        ({"GITOPS_PROMOTE_CACHE": "0"}, False),
        ({"GITOPS_PROMOTE_CACHE": "off"}, False),
        # in GitHub Actions a job starts on a new runner: an entry would only be written, and
        # a restored cache folder is not where a promotion should take its rules from
        ({"GITHUB_ACTIONS": "true"}, False),
        ({"GITHUB_ACTIONS": "true", "GITOPS_PROMOTE_CACHE": "1"}, True),
        ({"GITHUB_ACTIONS": "true", "GITOPS_PROMOTE_CACHE": "0"}, False),
    ],
    ids=["0", "off", "actions", "actions-asked-for", "actions-and-0"],
)
def test_when_the_cache_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], kept: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    write_config(tmp_path)
    load_config(tmp_path)
    assert (cache_dir() is not None) is kept
    assert Path(os.environ["HOME"], ".cache").exists() is kept


def test_a_cache_folder_that_cannot_be_written_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file where the folder should be: the config is read, and nothing fails or is written
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = tmp_path / "repo"
    root.mkdir()
    write_config(root)
    assert load_config(root).env("dev").path == "envs/dev"
    assert blocker.read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache-is-a-file", "repo"]


def test_data_json_cannot_hold_exactly_is_not_kept(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    data = path.read_bytes()
    assert not keep_documents(path, data, [{1: "a key that is not a string"}])
    assert not keep_documents(path, data, [{"when": object()}])
    assert not keep_documents(path, data, [{"ratio": float("nan")}])
    assert not keep_documents(path, data, [["a", ("a", "tuple")]])
    assert entries() == []
    assert keep_documents(path, data, [{"ratio": 1.0, "on": True, "n": 1, "none": None}])
    assert cached_documents(path, data) == [{"ratio": 1.0, "on": True, "n": 1, "none": None}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CONFIG + "promotoins: []\n", ".gitops-promote.yaml:7:1:"),
        (CONFIG + "---\nversion: 1\n", ".gitops-promote.yaml:7:1:"),
        (CONFIG.replace("version: 1", "version: 2"), ".gitops-promote.yaml:2:1:"),
    ],
    ids=["unknown-key", "second-document", "bad-version"],
)
def test_an_error_in_kept_data_is_placed_in_the_file_as_on_first_read(
    tmp_path: Path, text: str, expected: str
) -> None:
    write_config(tmp_path, text)
    messages = []
    for _ in range(2):
        with pytest.raises(ConfigError) as info:
            load_config(tmp_path)
        messages.append(str(info.value))
    assert len(entries()) == 1  # the second error came from the kept data
    assert messages[0] == messages[1]
    assert messages[0].startswith(expected), messages[0]


def test_the_cache_keeps_the_entries_written_last(tmp_path: Path) -> None:
    # entries of configs long gone (a demo's, a temporary clone's) do not pile up
    folder = cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    old = []
    for i in range(MAX_ENTRIES):
        entry = folder / f"config-{i:08x}.json"
        entry.write_text("{}", encoding="utf-8")
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))
        old.append(entry)
    write_config(tmp_path)
    load_config(tmp_path)
    left = entries()
    assert len(left) == MAX_ENTRIES
    assert not old[0].exists()
    assert all(e.exists() for e in old[1:])
    assert set(left) - set(old) != set()  # the new entry is among them


def test_the_stamp_changes_with_the_readers_code(tmp_path: Path) -> None:
    # an upgrade, or an edit of the YAML reader in a development install, makes every entry
    # stale: the stamp holds the version and the newest module's modification time
    reader = tmp_path / "yamldoc"
    reader.mkdir()
    for i, name in enumerate(["tree.py", "scalars.py", "README.txt"]):
        (reader / name).write_text("", encoding="utf-8")
        os.utime(reader / name, ns=(10**18 + i, 10**18 + i))
    assert reader_stamp(reader) == f"{__version__}+{10**18 + 1}"  # the newest module
    os.utime(reader / "tree.py", ns=(2 * 10**18, 2 * 10**18))
    assert reader_stamp(reader) == f"{__version__}+{2 * 10**18}"
    assert reader_stamp(tmp_path / "missing") is None
    (tmp_path / "no-modules").mkdir()
    assert reader_stamp(tmp_path / "no-modules") is None
