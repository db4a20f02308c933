"""The `status` table: one line per cached instrument. Kept free of pandas for a quick start."""

from __future__ import annotations

from collections.abc import Sequence

from app.cache import InstrumentInfo

HEADER = ("key", "source", "rows", "first", "last", "last fetch", "last error")


def format_status(instruments: Sequence[InstrumentInfo]) -> str:
    """Aligned text columns; the last error is shown in full at the end of its line."""
    if not instruments:
        return "No cached instruments yet."
    rows = [HEADER] + [_row(info) for info in instruments]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ).rstrip()


def _row(info: InstrumentInfo) -> tuple[str, ...]:
    return (
        info.key,
        info.source_text,
        str(info.rows),
        info.first_date.isoformat() if info.first_date else "-",
        info.last_date.isoformat() if info.last_date else "-",
        info.last_fetch.strftime("%Y-%m-%d %H:%M UTC") if info.last_fetch else "never",
        info.last_error or "-",
    )
