#!/usr/bin/env python3
"""Entry point: ``python build.py [build|check|...]`` from the project folder."""

import contextlib
import os
import signal
import sys


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP while the program is still loading (nothing written yet): one line, as later."""
    with contextlib.suppress(OSError):  # the terminal may be gone
        print("hung up" if signum == signal.SIGHUP else "terminated", file=sys.stderr, flush=True)
    os._exit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminated)  # dossier.cli.run puts its own in place
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # started by nohup: a hang-up stops nothing
        signal.signal(signal.SIGHUP, _terminated)
    try:
        from dossier.cli import run
    except KeyboardInterrupt:  # Ctrl-C while the program is still loading: one line, as later
        serving = sys.argv[1:2] == ["serve"]
        print("stopped" if serving else "interrupted", file=sys.stderr)
        sys.exit(0 if serving else 130)
    run()
