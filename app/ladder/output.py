"""The scan and the alerts as text, CSV and JSON (what `scan`, `alerts` and `fetch` print).

Files go through app.outputs (whole or absent); CSV cells are written as `analyze` writes them
(app.report.frame_csv_text: exact numbers, YYYY-MM-DD dates, missing values empty).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from app.formatting import change, is_missing, p_value, percent, plural, price, whole
from app.ladder.alerts import Alert
from app.ladder.pairs import PairCell
from app.ladder.rungs import RungState
from app.ladder.scan import LadderScan

SCAN_FILES = ("ladder.csv", "pairs.csv", "scan.json")
#: The verdict words the matrix shows (VERDICT_KINDS of app.signals.event_study).
VERDICT_WORDS = {
    "no_data": "no data",
    "too_few": "too few",
    "no_base": "no base rate",
    "not_distinguishable": "not distinguishable",
    "suggestive": "suggestive",
    "unusually_strong": "unusually strong",
    "unusually_weak": "unusually weak",
}


def verdict_word(kind: str) -> str:
    return VERDICT_WORDS.get(kind, kind.replace("_", " "))


def rung_table_rows(scan: LadderScan) -> list[list[str]]:
    """The rung table as text cells, header first (also drawn in ladder.png)."""
    head = ["market", "last close", "on", "from ATH", "regime", "since", "return"]
    head += ["breakout", "age d", "vol 30d", "vol pct", "data"]
    rows = [head]
    for r in scan.rungs:
        rows.append(
            [
                r.name,
                price(r.last_close),
                _day(r.last_date),
                ath_text(r),
                r.regime or "-",
                _day(r.regime_since),
                change(r.regime_return),
                _day(r.last_breakout) or "-",
                whole(r.breakout_age_days),
                percent(r.volatility),
                percent(r.volatility_pct, 0),
                freshness_text(r),
            ]
        )
    return rows


def ath_text(r: RungState) -> str:
    """ "at ATH", or how far below it and for how many days ("-12.3% (140 d)"); "" without data."""
    if not r.has_data:
        return ""
    if r.at_ath:
        return "at ATH"
    text = change(r.drawdown)
    return text + (f" ({whole(r.days_since_ath)} d)" if r.days_since_ath else "")


def freshness_text(r: RungState) -> str:
    """The data's freshness: bars, stale, the last failed fetch's kind ("9,120 bars, stale")."""
    if not r.has_data:
        return "no data" + (f" ({r.last_error_kind})" if r.last_error_kind else "")
    words = [f"{r.bars:,} bars"]
    if r.stale:
        words.append("stale")
    if r.last_error_kind:
        words.append(f"last fetch failed ({r.last_error_kind})")
    return ", ".join(words)


def matrix_rows(scan: LadderScan) -> list[list[str]]:
    """Leaders down, followers across: "verdict (n events)" per scanned pair, header first."""
    names = {r.key: r.name for r in scan.rungs}
    rows = [["leader \\ follower", *(names[k] for k in scan.keys)]]
    for leader in scan.keys:
        line = [names[leader]]
        for follower in scan.keys:
            cell = scan.cell(leader, follower)
            line.append(f"{verdict_word(cell.verdict_kind)} ({cell.n_events})" if cell else "")
        rows.append(line)
    return rows


def cell_statistics(cell: PairCell) -> str:
    """A cell's numbers in one line: events with follower data, the events' return against the
    base rate (geometric mean against the era base where the event study reports them), p.

    "5 events · mean +12.3% vs base +4.1% · p 0.021"
    """
    parts = [plural(cell.n_events, "event")]
    if not is_missing(cell.geo_mean) and not is_missing(cell.era_base_geo_mean):
        parts.append(
            f"geo mean {change(cell.geo_mean)} vs era base {change(cell.era_base_geo_mean)}"
        )
    elif not is_missing(cell.mean):
        base = f" vs base {change(cell.base_mean)}" if not is_missing(cell.base_mean) else ""
        parts.append(f"mean {change(cell.mean)}{base}")
    if not is_missing(cell.p_adjusted):
        parts.append(f"adj. p {p_value(cell.p_adjusted)}")
    elif not is_missing(cell.p_value):
        parts.append(f"p {p_value(cell.p_value)}")
    return " · ".join(parts)


def cell_text(cell: PairCell) -> str:
    """A matrix cell as drawn: the verdict word over its numbers."""
    return f"{verdict_word(cell.verdict_kind)}\n{cell_statistics(cell)}"


def breaking_between_parts(text: str) -> str:
    """`text` with the spaces inside each " · " part made non-breaking, so that a narrow cell
    wraps only between the parts ("adj. p 0.066" and "5 events" stay whole on their line)."""
    return " · ".join(part.replace(" ", "\u00a0") for part in text.split(" · "))


def scan_table(scan: LadderScan) -> str:
    """The rung table, the pair matrix and every cell's verdict sentence, as text."""
    lines = [f"Ladder: {' -> '.join(scan.keys)}", ""]
    lines += [*_aligned(rung_table_rows(scan)), ""]
    pairs = "every ordered pair" if scan.all_pairs else "leader above follower"
    lines += [f"Pair matrix at {scan.horizon} days ({pairs}; events in brackets)"]
    lines += [*_aligned(matrix_rows(scan)), ""]
    for cell in scan.cells:
        adjusted = (
            f", adjusted p {p_value(cell.p_adjusted)}" if not is_missing(cell.p_adjusted) else ""
        )
        lines.append(f"{cell.leader} -> {cell.follower}: {cell.verdict}{adjusted}")
    lines += ["", f"Seed {scan.seed}, {scan.bootstrap_draws:,} bootstrap draws."]
    return "\n".join(lines) + "\n"


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def ladder_csv_text(scan: LadderScan) -> str:
    import pandas as pd

    from app.report import frame_csv_text

    frame = pd.DataFrame([dataclasses.asdict(r) for r in scan.rungs])
    return frame_csv_text(frame)


def pairs_csv_text(scan: LadderScan) -> str:
    import pandas as pd

    from app.report import frame_csv_text

    frame = pd.DataFrame([dataclasses.asdict(c) for c in scan.cells])
    return frame_csv_text(frame)


def scan_document(scan: LadderScan, generated_at: dt.datetime | None = None) -> dict[str, Any]:
    """Parameters, data ranges, seed, rungs and cells, as JSON-ready values."""
    from app import __version__

    generated_at = generated_at or dt.datetime.now(dt.UTC)
    return {
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "riskcurve_version": __version__,
        "parameters": {
            "ladder": list(scan.keys),
            "horizon": scan.horizon,
            "all_pairs": scan.all_pairs,
            "bootstrap_draws": scan.bootstrap_draws,
        },
        "seed": scan.seed,
        "data_ranges": {
            r.key: {
                "first_date": _day(r.first_date) or None,
                "last_date": _day(r.last_date) or None,
                "bars": r.bars,
            }
            for r in scan.rungs
        },
        "rungs": [_plain(dataclasses.asdict(r)) for r in scan.rungs],
        "pairs": [_plain(dataclasses.asdict(c)) for c in scan.cells],
    }


def scan_json_text(scan: LadderScan) -> str:
    return json.dumps(scan_document(scan), indent=2, allow_nan=False) + "\n"


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if is_missing(value):
            out[name] = None
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def alert_lines(alerts: Sequence[Alert]) -> list[str]:
    """One line per alert ("2026-07-07 breakout yahoo:^RUT: …"), then its pair verdicts."""
    lines = []
    for alert in alerts:
        unread = "" if alert.read else " (unread)"
        lines.append(f"{alert.event_date} {alert.kind} {alert.key}{unread}: {alert.text}")
        lines += [f"    -> {c.follower}: {c.verdict}" for c in alert.pairs]
    return lines
