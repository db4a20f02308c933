"""Plain number formats shared by every view: tables, readouts, sentences, captions, exports.

One style everywhere, so the same return reads the same in the Signals table, the crosshair
readout and a verdict sentence: "+17.3%" (sign for changes, none for shares, no space before
the percent sign), prices with thousands separators and enough decimals for fractions of a
cent. No Qt and no pandas here: the window's first paint imports this module.
"""

from __future__ import annotations

import math
from typing import Any


def is_missing(value: Any) -> bool:
    """True for None, NaN and NaT (shown as an empty cell, written as an empty CSV field)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are the only values unequal to themselves
    except (TypeError, ValueError):
        return False


def day(value: Any) -> str:
    """A date or timestamp as YYYY-MM-DD (every file and table); empty when missing."""
    return "" if is_missing(value) else value.strftime("%Y-%m-%d")


#: Significant digits kept in output files: far beyond what any input price carries, and few
#: enough that float noise (90.95200000000001) disappears.
FILE_DIGITS = 10


def clean_number(value: float) -> int | float:
    """A number as output files hold it: 10 significant digits, whole numbers as integers.

    372.0 -> 372, 90.95200000000001 -> 90.952, 0.1 + 0.2 -> 0.3; integers pass unchanged.
    Non-finite values are the caller's business (files write them as empty/null).
    """
    if isinstance(value, int):
        return value
    rounded = float(f"{float(value):.{FILE_DIGITS}g}")
    if rounded.is_integer() and abs(rounded) < 2**53:
        return int(rounded)
    return rounded


def percent(fraction: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """A fraction as a percentage: 0.173 -> "17.3%" ("+17.3%" when `signed`); missing -> ""."""
    if is_missing(fraction):
        return ""
    value = float(fraction) * 100  # type: ignore[arg-type]  # None was handled above
    if signed:
        text = f"{value:+.{decimals}f}%"
        # "-0.0%" and "+0.0%" both mean "no change" at this precision.
        return text if text.strip("+-0.%") else f"{0:.{decimals}f}%"
    return f"{value:.{decimals}f}%"


def change(fraction: float | None, decimals: int = 1) -> str:
    """A return or any other change, always signed: 0.173 -> "+17.3%", -0.05 -> "-5.0%"."""
    return percent(fraction, decimals, signed=True)


def price(value: float | None) -> str:
    """A price: "1,234.56"; below 1, three significant digits ("0.500", "0.0858", "0.00123")."""
    if is_missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    magnitude = abs(number)
    if magnitude >= 1:
        return f"{number:,.2f}"
    if magnitude == 0:
        return "0"
    return f"{number:.{max(2, 2 - math.floor(math.log10(magnitude)))}f}"


def compact_price(value: float | None) -> str:
    """A price where a narrow table has no room for cents: whole units from 1,000 up
    ("124,753"), below that as `price` ("12.50", "0.0858")."""
    if is_missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if abs(number) >= 1000 else price(number)


def whole(value: float | None) -> str:
    """A count or a number of days: "1,234"; missing -> ""."""
    if is_missing(value):
        return ""
    return f"{round(float(value)):,}"  # type: ignore[arg-type]


def multiple(value: float | None) -> str:
    """A ratio such as a cycle's peak over its start: "12.50×"; missing -> ""."""
    if is_missing(value):
        return ""
    return f"{float(value):,.2f}×"  # type: ignore[arg-type]


def multiples_range(low: float | None, high: float | None) -> str:
    """An interval of multiples, as the event study's 95 % interval: "×0.67 to ×3.07"."""
    if is_missing(low) or is_missing(high):
        return ""
    return f"×{float(low):.2f} to ×{float(high):.2f}"  # type: ignore[arg-type]


def p_value(value: float | None) -> str:
    """A p-value with three decimals ("0.018"); missing -> ""."""
    if is_missing(value):
        return ""
    return f"{float(value):.3f}"  # type: ignore[arg-type]


def phase(kind: str, days: float | None, since: float | None) -> str:
    """A market's bull or bear phase on a day: "bull, 243 d, +180%" ("" when kind is "")."""
    if not kind:
        return ""
    return f"{kind}, {whole(days)} d, {change(since, 0)}"


def correlation(value: float | None) -> str:
    """A correlation, signed with two decimals ("+0.42", "-0.05", "0.00"); missing -> ""."""
    if is_missing(value):
        return ""
    text = f"{float(value):+.2f}"  # type: ignore[arg-type]
    return text if text.strip("+-0.") else "0.00"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 breakout", "3 breakouts" (with thousands separators)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
