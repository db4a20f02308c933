"""Logging to the user's log folder (rotating), so a bug report can include what happened.

Every module of Riskcurve logs under the `riskcurve` logger (`riskcurve.fetch`,
`riskcurve.sources.yahoo`...), never under its module name (`app.…`), so its lines reach the
log file that `setup_logging` attaches there.
"""

from __future__ import annotations

import logging
import logging.handlers
import os

from app.paths import AppPaths

LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
#: Libraries whose log lines belong in our log file. Unconfigured, Python's last-resort handler
#: prints their warnings to stderr, unprefixed (yfinance: "Cookie/crumb fetch failed ...").
LIBRARY_LOGGERS = ("yfinance", "ccxt", "curl_cffi", "urllib3", "peewee")


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
            _adopt_libraries(old)
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
    _adopt_libraries(handler)
    return root


def _adopt_libraries(handler: logging.Handler) -> None:
    """Send the libraries' log lines to our handler only (not to the terminal)."""
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.propagate = False
        for old in [h for h in library.handlers if getattr(h, "_riskcurve", False)]:
            library.removeHandler(old)
        library.addHandler(handler)
