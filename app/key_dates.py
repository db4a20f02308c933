"""Key dates drawn on the charts: Bitcoin halvings (which also start halving cycles) and events.

The bundled list lives in resources/key_dates.json; users add their own through the setting
`extra_key_dates`. A bundled file that is broken is a packaging bug, but it is still reported
as a plain AnalysisError naming the file and the entry, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.config import KeyDate
from app.errors import AnalysisError

KEY_DATES_FILE = "key_dates.json"
KINDS = ("halving", "event")
MAX_LABEL = 60


def load_key_dates(extra: Iterable[KeyDate] = (), path: Path | None = None) -> tuple[KeyDate, ...]:
    """Bundled key dates merged with `extra` (the user's), sorted by date then label.

    An extra entry with the same date and kind as a bundled one replaces it (the user's label
    wins), so a user can rename a halving without it being drawn twice.

    Raises:
        AnalysisError: the file is missing, is not valid JSON, or an entry is malformed.
    """
    if path is None:
        from resources import resource_path

        try:
            path = resource_path(KEY_DATES_FILE)
        except FileNotFoundError as exc:
            raise AnalysisError(str(exc)) from None
    merged = {(k.date, k.kind): k for k in read_key_dates_file(path)}
    for item in extra:
        checked = _checked(item.date, item.label, item.kind, "extra_key_dates")
        merged[(checked.date, checked.kind)] = checked
    return tuple(sorted(merged.values(), key=lambda k: (k.date, k.label)))


def read_key_dates_file(path: Path) -> list[KeyDate]:
    """Parse and validate a key-dates JSON file: {"key_dates": [{date, label, kind}, ...]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot be read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{path}: is not valid JSON ({exc})") from None
    entries = data.get("key_dates") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise AnalysisError(f"{path}: expected an object with a list named key_dates")
    return [_entry(item, f"{path}, entry {number}") for number, item in enumerate(entries, 1)]


def _entry(item: Any, where: str) -> KeyDate:
    if not isinstance(item, dict) or set(item) - {"date", "label", "kind"}:
        raise AnalysisError(f"{where}: must be an object with date, label and kind")
    return _checked(item.get("date"), item.get("label"), item.get("kind", "event"), where)


def _checked(date: Any, label: Any, kind: Any, where: str) -> KeyDate:
    try:
        parsed = dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        raise AnalysisError(f"{where}: date {date!r} is not a YYYY-MM-DD date") from None
    if not isinstance(label, str) or not 0 < len(label.strip()) <= MAX_LABEL:
        raise AnalysisError(f"{where}: label must have 1 to {MAX_LABEL} characters")
    if kind not in KINDS:
        raise AnalysisError(f"{where}: kind must be halving or event (got {kind!r})")
    return KeyDate(parsed.isoformat(), label.strip(), kind)
