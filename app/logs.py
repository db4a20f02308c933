"""Logging to the user's log folder (rotating), so a bug report can include what happened.

Every module of Riskcurve logs under the `riskcurve` logger (`riskcurve.fetch`,
`riskcurve.sources.yahoo`...), never under its module name (`app.…`), so its lines reach the
log file that `setup_logging` attaches there.
"""

from __future__ import annotations

import logging
import logging.handlers

from app.paths import AppPaths

LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(paths: AppPaths, level: int = logging.INFO) -> logging.Logger:
    """Log to paths.log_file (1 MB × 3 files). Safe to call twice: handlers are not doubled."""
    root = logging.getLogger("riskcurve")
    root.setLevel(level)
    if any(getattr(h, "_riskcurve", False) for h in root.handlers):
        return root
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
