"""The console script and ``python -m gitops_promote``.

Signal handling is installed before the command line (and click) is even imported, so a Ctrl-C
or SIGTERM at any instant of start-up ends with one line and exit 130/143, not a traceback.
"""

import sys

from .errors import Interrupted
from .interrupt import exit_code, finish, install, message

install()
try:
    from .cli import main as _cli_main
except (Interrupted, KeyboardInterrupt) as _exc:  # a signal while the command line loads
    sys.stderr.write(message(_exc) + "\n")
    sys.exit(exit_code(_exc))


def main() -> int:
    """Run the command line; a signal held back until its end still sets the exit code."""
    return finish(_cli_main())


if __name__ == "__main__":
    sys.exit(main())
