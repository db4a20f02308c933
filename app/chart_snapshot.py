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

import hashlib
import io
import json
import logging
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app import __version__
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
_ARRAYS = ("bull_starts", "bull_ends")
_BREAKOUT_COLUMNS = ("xs", "prior_ath_xs", "level", "pct_above", "gap_days")

Arrays = tuple[np.ndarray, "Mapping[str, np.ndarray]"]


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
        # Opened here so that the file is closed even when numpy cannot read it.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            if not quick or not isinstance(meta, dict) or meta.get("quick") != quick:
                return None
            return _chart_of(meta, {name: npz[name] for name in npz.files if name != "meta"})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.warning("chart snapshot %s not used: %s", path, exc)
        return None


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
    series = {}
    for name in _SERIES:
        xs, ys = _floats(arrays, f"{name}.xs"), _floats(arrays, f"{name}.ys")
        if xs.shape != ys.shape:
            raise SnapshotError(f"{name}: {xs.size} dates but {ys.size} values")
        series[name] = XY(xs, ys)
    columns = {name: _floats(arrays, f"breakouts.{name}") for name in _BREAKOUT_COLUMNS}
    returns = np.asarray(arrays["breakouts.returns"], dtype=np.float64)
    rows = columns["xs"].size
    if any(c.size != rows for c in columns.values()) or returns.shape != (rows, len(horizons)):
        raise SnapshotError(f"breakouts: columns of different lengths ({rows} dates)")
    bulls = [_floats(arrays, name) for name in _ARRAYS]
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
            KeyDateMark(float(x), str(label), str(kind)) for x, label, kind in meta["key_dates"]
        ),
        key_dates_on=_pane_role(meta["key_dates_on"]),
        markets=_markets(meta["markets"]),
        key=str(meta["key"]),
        quick=str(meta["quick"]),
        **series,
    )


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


def _whole(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SnapshotError(f"{name}: {value!r} is not a whole number of days")
    return value
