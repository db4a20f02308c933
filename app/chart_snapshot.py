"""The last chart drawing, kept on disk so that the next start draws the analysed charts at once.

Importing pandas and analysing the history take longer than opening the window. So after each
analysis the window's worker writes the drawing (an app.chart_input.ChartInput) to one file in
the cache folder, with a key naming exactly what it was made from: the pair's bars (every
column of every bar), where they came from, every setting the analysis reads, the app's
version and this file's format. Reading every bar takes a while, so the file also carries a
quick key: the same, with the cache's summary of the bars (`Cache.bars_summary`, computed by
SQLite) in place of the bars. At the next start the worker computes the quick key and, when
the file has the same one, sends that drawing to the window before it reads the bars and
before pandas is imported. The fresh analysis follows; the window redraws only if its exact
key differs, so a drawing shown too early is replaced within a second, never kept.

The file is numpy's .npz (no pickles: `allow_pickle=False`), written whole or not at all
(app.outputs). It is a cache: absent, stale, unreadable or malformed, it is simply not used
(a malformed one is logged), and the next analysis writes a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app import __version__
from app.bars import EPOCH_DATE, EPOCH_DAY_SECONDS, FIRST_YEAR, LAST_YEAR
from app.chart_input import XY, Breakouts, ChartInput, KeyDateMark
from app.errors import RiskcurveError
from app.signals.verdicts import Markets

if TYPE_CHECKING:
    from collections.abc import Mapping

    from app.config import Settings

log = logging.getLogger("riskcurve.snapshot")

FILE_NAME = "charts.npz"
#: Bump when the file's layout or the meaning of a ChartInput field changes.
FORMAT = 3  # 3: which pane the key dates are on

_SERIES = ("leader", "leader_ath", "follower", "correlation", "leader_vol", "follower_vol")
_PRICES = ("leader", "leader_ath", "follower")  # drawn on log axes: above zero
_ARRAYS = ("bull_starts", "bull_ends")
_BREAKOUT_COLUMNS = ("xs", "prior_ath_xs", "level", "pct_above", "gap_days")

Arrays = tuple[np.ndarray, "Mapping[str, np.ndarray]"]

#: What a file may unpack to before any of it is read: a drawing of a million bars a series is
#: about 100 MB, so anything larger is not one (a small file can unpack to gigabytes).
META_BYTES, MEMBER_BYTES, TOTAL_BYTES = 1 << 20, 64 << 20, 256 << 20
#: Chart X (epoch seconds) a drawn date may have: the first to the last day a bar may have.
FIRST_X, LAST_X = (
    float((dt.date(year, month, day) - EPOCH_DATE).days * EPOCH_DAY_SECONDS)
    for year, month, day in ((FIRST_YEAR, 1, 1), (LAST_YEAR, 12, 31))
)


class SnapshotError(ValueError):
    """A snapshot file that cannot be a drawing (says what is wrong with it)."""


def snapshot_path(cache_folder: Path) -> Path:
    return Path(cache_folder) / FILE_NAME


def bars_digest(leader: Arrays, follower: Arrays, sources: Any) -> str:
    """A name for the pair's bars (every column of every bar) and where they came from."""
    digest = hashlib.blake2b(digest_size=20)
    for days, columns in (leader, follower):
        digest.update(np.ascontiguousarray(days, dtype=np.int64).tobytes())
        for name in sorted(columns):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(columns[name], dtype=np.float64).tobytes())
    digest.update(repr(sources).encode())
    return digest.hexdigest()


def snapshot_key(settings: Settings, bars: str) -> str:
    """The name of one analysis' input: the `bars_digest` and every setting the analysis reads,
    with the app's version and the file's format; "" when the bars are unknown."""
    if not bars:
        return ""
    from app.setting_changes import analysis_fingerprint

    text = f"{FORMAT}|{__version__}|{bars}|{analysis_fingerprint(settings)}"
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def save_snapshot(path: Path, chart: ChartInput) -> bool:
    """Write `chart` to `path` (whole or absent); False, and a log line, when it cannot."""
    from app.outputs import write_bytes

    buffer = io.BytesIO()
    savez: Any = np.savez  # its stubs read member names as its own keyword arguments
    savez(buffer, **_arrays_of(chart))
    try:
        write_bytes(path, buffer.getvalue(), replace=True)
    except (RiskcurveError, OSError) as exc:
        log.warning("cannot keep the chart snapshot %s: %s", path, exc)
        return False
    return True


def load_snapshot(path: Path, quick: str) -> ChartInput | None:
    """The drawing kept at `path` if its quick key is `quick`; else None."""
    try:
        with np.load(io.BytesIO(_read(path)), allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            if not quick or not isinstance(meta, dict) or meta.get("quick") != quick:
                return None
            return _chart_of(meta, {name: npz[name] for name in npz.files if name != "meta"})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.warning("chart snapshot %s not used: %s", path, exc)
        return None
    except RecursionError:  # JSON nested too deep to be a drawing's
        log.warning("chart snapshot %s not used: its metadata is nested too deep", path)
        return None


def _read(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of a drawing's size whose members unpack to
    no more than a drawing ever needs (a small file can unpack to gigabytes)."""
    from app.outputs import read_regular_file

    size = os.stat(path).st_size
    if size > TOTAL_BYTES:
        raise SnapshotError(f"it holds {size:,} bytes (at most {TOTAL_BYTES:,})")
    data = read_regular_file(path)
    _check_sizes(io.BytesIO(data))
    return data


def _check_sizes(handle: Any) -> None:
    """Refuse an archive whose members unpack to more than a drawing ever needs."""
    with zipfile.ZipFile(handle) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    for name, size in sizes.items():
        limit = META_BYTES if name == "meta.npy" else MEMBER_BYTES
        if size > limit:
            raise SnapshotError(f"{name} unpacks to {size:,} bytes (at most {limit:,})")
    total = sum(sizes.values())
    if total > TOTAL_BYTES:
        raise SnapshotError(f"it unpacks to {total:,} bytes (at most {TOTAL_BYTES:,})")


def _arrays_of(chart: ChartInput) -> dict[str, np.ndarray]:
    meta = {
        "format": FORMAT,
        "key": chart.key,
        "quick": chart.quick,
        "leader_key": chart.leader_key,
        "follower_key": chart.follower_key,
        "horizons": list(chart.horizons),
        "corr_window": chart.corr_window,
        "vol_window": chart.vol_window,
        "key_dates": [[kd.x, kd.label, kd.kind] for kd in chart.key_dates],
        "key_dates_on": chart.key_dates_on,
        "markets": None
        if chart.markets is None
        else [chart.markets.leader, chart.markets.follower],
    }
    arrays = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for name in _SERIES:
        series: XY = getattr(chart, name)
        arrays[f"{name}.xs"], arrays[f"{name}.ys"] = series.xs, series.ys
    for name in _ARRAYS:
        arrays[name] = getattr(chart, name)
    for name in _BREAKOUT_COLUMNS:
        arrays[f"breakouts.{name}"] = getattr(chart.breakouts, name)
    arrays["breakouts.returns"] = chart.breakouts.returns
    return arrays


def _chart_of(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> ChartInput:
    horizons = tuple(_whole(h, "horizons") for h in meta["horizons"])
    series = {name: _series(arrays, name) for name in _SERIES}
    columns = {name: _floats(arrays, f"breakouts.{name}") for name in _BREAKOUT_COLUMNS}
    for name in ("xs", "prior_ath_xs"):
        columns[name] = _dates(arrays, f"breakouts.{name}")
    returns = np.asarray(arrays["breakouts.returns"], dtype=np.float64)
    if not all(np.isfinite(c).all() for c in columns.values()) or np.isinf(returns).any():
        raise SnapshotError("breakouts: a value that is not a finite number")
    rows = columns["xs"].size
    if any(c.size != rows for c in columns.values()) or returns.shape != (rows, len(horizons)):
        raise SnapshotError(f"breakouts: columns of different lengths ({rows} dates)")
    bulls = [_dates(arrays, name) for name in _ARRAYS]
    if bulls[0].shape != bulls[1].shape:
        raise SnapshotError("bull phases: starts and ends differ in number")
    return ChartInput(
        leader_key=str(meta["leader_key"]),
        follower_key=str(meta["follower_key"]),
        horizons=horizons,
        corr_window=_whole(meta["corr_window"], "corr_window"),
        vol_window=_whole(meta["vol_window"], "vol_window"),
        bull_starts=bulls[0],
        bull_ends=bulls[1],
        breakouts=Breakouts(**columns, returns=returns),
        key_dates=tuple(
            KeyDateMark(_date_x(x), str(label), str(kind)) for x, label, kind in meta["key_dates"]
        ),
        key_dates_on=_pane_role(meta["key_dates_on"]),
        markets=_markets(meta["markets"]),
        key=str(meta["key"]),
        quick=str(meta["quick"]),
        **series,
    )


def _series(arrays: dict[str, np.ndarray], name: str) -> XY:
    """One drawn series: dates in order, values finite (prices above zero, for log axes)."""
    xs, ys = _dates(arrays, f"{name}.xs"), _floats(arrays, f"{name}.ys")
    if xs.shape != ys.shape:
        raise SnapshotError(f"{name}: {xs.size} dates but {ys.size} values")
    if xs.size > 1 and np.any(np.diff(xs) < 0):
        raise SnapshotError(f"{name}: dates out of order")
    what, low = ("price", 0.0) if name in _PRICES else ("number", -np.inf)
    if not np.all(np.isfinite(ys) & (ys > low)):
        raise SnapshotError(f"{name}: a value that is not a finite {what}")
    return XY(xs, ys)


def _pane_role(role: Any) -> str:
    if role not in ("leader", "follower"):
        raise SnapshotError(f"key_dates_on: {role!r} is neither leader nor follower")
    return str(role)


def _markets(names: Any) -> Markets | None:
    if names is None:
        return None
    if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise SnapshotError(f"markets: {names!r} is not the two markets' names")
    return Markets(*names)


def _floats(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    values = arrays[name]
    if values.ndim != 1 or values.dtype.kind not in "fiu":
        raise SnapshotError(f"{name}: not a list of numbers")
    return values.astype(np.float64, copy=False)


def _dates(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    """Chart X of dates: finite, from 1800 to 2200 (anything else cannot be drawn)."""
    xs = _floats(arrays, name)
    if not np.all((xs >= FIRST_X) & (xs <= LAST_X)):  # False for NaN too
        raise SnapshotError(f"{name}: a date that is not between {FIRST_YEAR} and {LAST_YEAR}")
    return xs


def _date_x(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SnapshotError(f"key date {value!r} is not a date")
    x = float(value)
    if not FIRST_X <= x <= LAST_X:
        raise SnapshotError(f"key date {value!r} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return x


def _whole(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise SnapshotError(f"{name}: {value!r} is not a whole number of days")
    return value
