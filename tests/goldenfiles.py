"""Expected files under tests/golden/, read byte for byte (no newline translation)."""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def golden_text(name: str) -> str:
    """The text of ``tests/golden/<name>`` exactly as stored."""
    with open(GOLDEN / name, encoding="utf-8", newline="") as fh:
        return fh.read()
