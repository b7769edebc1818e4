"""The console script and ``python -m gitops_promote``.

Signal handling is installed before the command line (and click) is even imported, so a Ctrl-C
or SIGTERM at any instant of start-up ends with one line and exit 130/143, not a traceback.
"""

import os
import signal
import sys
from typing import NoReturn


def _early(signum: int, _frame: object) -> None:  # until install(): nothing was done yet
    os.write(
        2, f"error: interrupted by {signal.Signals(signum).name}; nothing was changed\n".encode()
    )
    os._exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(_sig, _early)

from .errors import Interrupted  # noqa: E402
from .interrupt import critical, exit_code, finish, install, message  # noqa: E402

#: the exit code when the output could not be written at the end (click's, when a reader of the
#: output went away while it was written)
EXIT_WRITE = 1

install()
try:
    # held back until the command line is loaded: a signal handled inside one of the import
    # system's own callbacks would be printed as "Exception ignored" and lost
    with critical():
        from .cli import main as _cli_main
except (Interrupted, KeyboardInterrupt) as _exc:  # a signal while the command line loads
    sys.stderr.write(message(_exc) + "\n")
    sys.exit(exit_code(_exc))


def main() -> NoReturn:
    """Run the command line and end the process with its exit code; a signal held back until
    the command's end still sets it.

    The process ends at once (``os._exit``) once its output is flushed. By then every file the
    command wrote is closed, every git process and worker thread has ended, and no module of
    this tool or its libraries leaves work for exit time; the interpreter's own teardown, one
    module after another, would cost a short command about a tenth of its time for nothing.
    """
    code = finish(_cli_main())  # from here on, signals are held: nothing interrupts the exit
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (``>&-``): nothing to flush
            continue
        try:
            stream.flush()
        except OSError:  # the reader went away (``| head``): exit 1, as click does then
            code = code or EXIT_WRITE
    os._exit(code)


if __name__ == "__main__":
    main()
