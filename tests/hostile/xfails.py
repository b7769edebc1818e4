"""Cases of the hostile table that fail on today's code: id -> what happens today.

Each is a strict xfail: the fix that makes a case pass must delete its line here. Together
this is the to-do list of issue 15.
"""

# ruff: noqa: E501

from __future__ import annotations

# fmt: off
XFAIL: dict[str, str] = {
    'bomb-50000-keys-update': "ruamel's pure-Python parser: about 7 s of CPU for 50,000 keys (linear now, no longer quadratic); needs a C parser",
    'bomb-50000-keys-check': "ruamel's pure-Python parser: about 7 s of CPU for 50,000 keys (linear now, no longer quadratic); needs a C parser",
    'bomb-1mb-line-update': "ruamel's pure-Python parser: about 12 s of CPU for 125,000 flow items on one line (linear now); needs a C parser",
    'bomb-1mb-line-check': "ruamel's pure-Python parser: about 12 s of CPU for 125,000 flow items on one line (linear now); needs a C parser",
}
# fmt: on
