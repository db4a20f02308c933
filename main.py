"""Riskcurve entry point: `python main.py [--data-dir DIR] [COMMAND]` (no command opens the app)."""

from __future__ import annotations

import sys


def main() -> int:
    from app.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
