#!/usr/bin/env python3
"""Entry point: ``python build.py [build|check|...]`` from the project folder."""

from dossier.cli import run

if __name__ == "__main__":
    run()
