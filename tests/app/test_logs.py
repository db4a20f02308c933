"""The log goes to the data folder of the command that runs, also when a process runs several."""

from __future__ import annotations

import logging

from app.logs import setup_logging
from app.paths import resolve_paths


def _handlers():
    return [h for h in logging.getLogger("riskcurve").handlers if getattr(h, "_riskcurve", False)]


def test_a_second_folder_moves_the_log_and_the_same_folder_does_not_double_it(tmp_path):
    first = resolve_paths(tmp_path / "one").ensure()
    second = resolve_paths(tmp_path / "two").ensure()
    setup_logging(first)
    setup_logging(first)
    assert len(_handlers()) == 1
    setup_logging(second)
    logging.getLogger("riskcurve.test").warning("into the second folder")
    for handler in _handlers():
        handler.flush()
    assert len(_handlers()) == 1
    assert "into the second folder" in second.log_file.read_text(encoding="utf-8")
    assert not first.log_file.exists() or "second" not in first.log_file.read_text("utf-8")
