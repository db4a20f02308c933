"""Bundled resources (key dates, icons, default settings).

`resource_path` is the one way to find them, from source and in the frozen app alike:
PyInstaller puts this package's data files under sys._MEIPASS/resources, which is where this
module's own __file__ points in a frozen build too.
"""

from __future__ import annotations

from pathlib import Path

RESOURCE_DIR = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Absolute path of a bundled resource file; raises FileNotFoundError if it is missing."""
    path = RESOURCE_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"bundled resource {name!r} is missing from {RESOURCE_DIR}")
    return path
