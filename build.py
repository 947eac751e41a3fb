#!/usr/bin/env python3
"""Entry point: ``python build.py [build|check|...]`` from the project folder."""

import sys

if __name__ == "__main__":
    try:
        from dossier.cli import run
    except KeyboardInterrupt:  # Ctrl-C while the program is still loading: one line, as later
        serving = sys.argv[1:2] == ["serve"]
        print("stopped" if serving else "interrupted", file=sys.stderr)
        sys.exit(0 if serving else 130)
    run()
