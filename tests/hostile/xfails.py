"""Cases of the hostile table that fail on today's code: id -> what happens today.

Each is a strict xfail: the fix that makes a case pass must delete its line here. Together
this is the to-do list of issue 15 (empty: every case holds).
"""

from __future__ import annotations

XFAIL: dict[str, str] = {}
