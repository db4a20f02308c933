"""Logging to the user's log folder (rotating), so a bug report can include what happened."""

from __future__ import annotations

import logging
import logging.handlers
import os

from app.paths import AppPaths

LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(paths: AppPaths, level: int = logging.INFO) -> logging.Logger:
    """Log to paths.log_file (1 MB × 3 files). Safe to call twice: handlers are not doubled.

    A second call for another data folder moves the log there (the old handler is closed), so
    one process that runs commands on several folders logs each into its own folder.
    """
    root = logging.getLogger("riskcurve")
    root.setLevel(level)
    target = os.path.abspath(paths.log_file)
    for old in [h for h in root.handlers if getattr(h, "_riskcurve", False)]:
        if getattr(old, "baseFilename", None) == target:
            return root
        root.removeHandler(old)
        old.close()
    try:
        paths.log.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
        )
    except OSError:
        # A read-only or vanished log folder must not stop the app. Bugs (errors with their
        # traceback) still reach stderr; the user's own mistakes are already told in one line.
        handler = logging.StreamHandler()
        handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._riskcurve = True  # type: ignore[attr-defined]  # marker against double set-up
    root.addHandler(handler)
    return root
