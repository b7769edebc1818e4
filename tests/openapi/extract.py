"""Rebuild commit-status-and-checks.json from GitHub's published REST description.

    npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python tests/openapi/extract.py package/generated/api.github.com.json

Takes the two operations below with every component they reference that the shared subset
(../shared/github/openapi-subset.json) lacks, trimmed the way the subset was: no examples,
external docs or ``x-`` extensions
(``x-multi-segment``, which says a parameter may hold slashes, is kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "commit-status-and-checks.json"
SUBSET = HERE.parents[1] / ".." / "shared" / "github" / "openapi-subset.json"
PATHS = (
    "/repos/{owner}/{repo}/commits/{ref}/status",
    "/repos/{owner}/{repo}/commits/{ref}/check-runs",
)
SOURCE = (
    "Two operations of GitHub's REST description, from the npm package @octokit/openapi "
    "23.0.2 (generated/api.github.com.json; https://github.com/octokit/openapi, MIT License, "
    "Copyright (c) 2020 Octokit contributors), with the components they reference that "
    "../shared/github/openapi-subset.json lacks; examples, external docs and x- extensions "
    "(but x-multi-segment) removed. Rebuild with tests/openapi/extract.py."
)


def trim(node: Any, in_properties: bool = False) -> Any:
    """``node`` without examples, external docs and extensions (a property may be named so)."""
    if isinstance(node, list):
        return [trim(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if not in_properties and (
            key in ("example", "examples", "externalDocs")
            or (key.startswith("x-") and key != "x-multi-segment")
        ):
            continue
        out[key] = trim(value, in_properties=key == "properties" and not in_properties)
    return out


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= refs(item)
    return found


def extract(full: dict[str, Any], subset: dict[str, Any]) -> dict[str, Any]:
    paths = {path: trim(full["paths"][path]) for path in PATHS}
    components: dict[str, dict[str, Any]] = {}
    todo = refs(paths)
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/")
        if name in subset["components"].get(kind, {}):
            continue  # the shared subset has it (and what it references)
        component = trim(full["components"][kind][name])
        components.setdefault(kind, {})[name] = component
        todo |= refs(component)
    return {
        "openapi": full["openapi"],
        "info": {
            "title": "GitHub REST API: combined commit status and check runs of a commit",
            "version": full["info"]["version"],
            "description": SOURCE,
            "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT"},
        },
        "paths": paths,
        "components": {kind: dict(sorted(items.items())) for kind, items in components.items()},
    }


def main(argv: list[str]) -> None:
    full = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    subset = json.loads(SUBSET.read_text(encoding="utf-8"))
    OUT.write_text(json.dumps(extract(full, subset), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
