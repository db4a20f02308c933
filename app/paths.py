"""Where Riskcurve keeps its files.

By default the platformdirs user folders (data, cache, config, log). `--data-dir DIR` or the
environment variable RISKCURVE_DATA_DIR puts everything under one folder instead: portable mode,
and how tests isolate themselves. Nothing is ever written next to the executable or into the
current folder.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from app.errors import FolderError

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
    def log_file(self) -> Path:
        return self.log / "riskcurve.log"

    @property
    def folders(self) -> tuple[Path, Path, Path, Path]:
        return (self.data, self.cache, self.config, self.log)

    def check(self) -> AppPaths:
        """Raise FolderError when a folder (or a folder above it) exists but is not a folder.

        Creates nothing: commands that only read (`status`) call this, writers `ensure()`.
        """
        for folder in self.folders:
            blocker = _first_non_folder(folder)
            if blocker is not None:
                raise FolderError(_not_a_folder(blocker, folder))
        return self

    def ensure(self) -> AppPaths:
        """Create the four folders; FolderError naming the folder and why it cannot be."""
        self.check()
        for folder in self.folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FolderError(_cannot_create(folder, exc)) from None
        return self


def _first_non_folder(folder: Path) -> Path | None:
    """The first path from the top down to `folder` that exists and is not a folder."""
    for part in (*reversed(folder.parents), folder):
        if part.exists() and not part.is_dir():
            return part
    return None


def _not_a_folder(blocker: Path, folder: Path) -> str:
    if blocker == folder:
        return f"{folder} is a file, not a folder; move it away or choose another --data-dir"
    return f"cannot use {folder}: {blocker} is a file, not a folder; choose another --data-dir"


def _cannot_create(folder: Path, exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        parent = next((p for p in folder.parents if p.exists()), folder.parent)
        return (
            f"cannot create the folder {folder}: {parent} is read-only; "
            "choose a writable --data-dir"
        )
    return f"cannot create the folder {folder}: {exc.strerror or exc}"


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders for this run: `data_dir`, else $RISKCURVE_DATA_DIR, else platformdirs.

    An empty `data_dir` (`--data-dir ""`) is a FolderError, never "use the user folders": a
    script that builds the option from an unset variable must not write into the real ones.
    """
    if data_dir is not None and not str(data_dir).strip():
        raise FolderError(
            "--data-dir is empty: name a folder (or leave the option out to use your user folders)"
        )
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
