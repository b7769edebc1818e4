"""The console script and ``python -m gitops_promote``.

Signal handling is installed before the command line (and click) is even imported, so a Ctrl-C
or SIGTERM at any instant of start-up ends with one line and exit 130/143, not a traceback.
"""

import os
import signal
import sys


def _early(signum: int, _frame: object) -> None:  # until install(): nothing was done yet
    os.write(
        2, f"error: interrupted by {signal.Signals(signum).name}; nothing was changed\n".encode()
    )
    os._exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(_sig, _early)

from .errors import Interrupted  # noqa: E402
from .interrupt import critical, exit_code, finish, install, message  # noqa: E402

install()
try:
    # held back until the command line is loaded: a signal handled inside one of the import
    # system's own callbacks would be printed as "Exception ignored" and lost
    with critical():
        from .cli import main as _cli_main
except (Interrupted, KeyboardInterrupt) as _exc:  # a signal while the command line loads
    sys.stderr.write(message(_exc) + "\n")
    sys.exit(exit_code(_exc))


def main() -> int:
    """Run the command line; a signal held back until its end still sets the exit code."""
    return finish(_cli_main())


if __name__ == "__main__":
    sys.exit(main())
