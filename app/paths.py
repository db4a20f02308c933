"""Where Riskcurve keeps its files.

By default the platformdirs user folders (data, cache, config, log). `--data-dir DIR` or the
environment variable RISKCURVE_DATA_DIR puts everything under one folder instead: portable mode,
and how tests isolate themselves. Nothing is ever written next to the executable or into the
current folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "Riskcurve"
ENV_DATA_DIR = "RISKCURVE_DATA_DIR"
DATABASE_NAME = "riskcurve.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The four user folders; `ensure()` creates them."""

    data: Path
    cache: Path
    config: Path
    log: Path

    @property
    def database(self) -> Path:
        return self.data / DATABASE_NAME

    @property
    def yfinance_cache(self) -> Path:
        return self.cache / "yfinance"

    @property
    def log_file(self) -> Path:
        return self.log / "riskcurve.log"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.cache, self.config, self.log):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders for this run: `data_dir`, else $RISKCURVE_DATA_DIR, else platformdirs."""
    root = data_dir or os.environ.get(ENV_DATA_DIR)
    if root:
        base = Path(root).expanduser().resolve()
        return AppPaths(base / "data", base / "cache", base / "config", base / "logs")
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_config_dir),
        Path(dirs.user_log_dir),
    )
