"""Cases of the hostile table that fail on today's code: id -> what happens today.

Each is a strict xfail: the fix that makes one pass must delete its line here.
"""

from __future__ import annotations

XFAIL: dict[str, str] = {}
