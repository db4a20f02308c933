"""Table models of the Ladder tab (the rung table, the pair matrix) and of the Alerts tab.

Flat tables in the shape of widgets.tables.models (no children, counts 0 for a valid parent),
over the frozen records of app.ladder: `RungState`, `PairCell`, `Alert`. Their texts are the
ones `scan` and `alerts` print (app.ladder.output), so the window and the command line say the
same. The rows keep the ladder's order (safest market first): that order is the point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QGuiApplication

from app.formatting import change, is_missing, percent, price, whole
from app.ladder.output import ath_text, cell_text, freshness_text
from widgets.tables.models import return_colors
from widgets.theme import verdict_look

if TYPE_CHECKING:
    from app.ladder.alerts import Alert
    from app.ladder.pairs import PairCell
    from app.ladder.rungs import RungState
    from app.ladder.scan import LadderScan

#: The (leader, follower) keys of a matrix cell.
PAIR_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


def _day(value: Any) -> str:
    return value.isoformat() if value is not None else ""


@dataclass(frozen=True)
class RungColumn:
    """One column of the rung table: title, header tooltip, cell text, and whether numeric."""

    title: str
    tooltip: str
    text: Callable[[RungState], str]
    numeric: bool = False


RUNG_COLUMNS = (
    RungColumn("Market", "The rung's market (safest first)", lambda r: r.name),
    RungColumn("Last close", "Close of the last cached bar", lambda r: price(r.last_close), True),
    RungColumn("On", "Date of the last cached bar", lambda r: _day(r.last_date)),
    RungColumn(
        "From ATH",
        "At its all-time high on the last bar, or how far below it (and days since it)",
        ath_text,
        True,
    ),
    RungColumn(
        "Regime", "The running bull or bear phase (the market's own rule)", lambda r: r.regime
    ),
    RungColumn("Since", "The turning point that started it", lambda r: _day(r.regime_since)),
    RungColumn(
        "Return",
        "From the start of the phase to the last close",
        lambda r: change(r.regime_return),
        True,
    ),
    RungColumn("Breakout", "The latest breakout", lambda r: _day(r.last_breakout)),
    RungColumn(
        "Age",
        "Days from the latest breakout to the last bar",
        lambda r: whole(r.breakout_age_days),
        True,
    ),
    RungColumn(
        "Volatility", "Latest rolling annualised volatility", lambda r: percent(r.volatility), True
    ),
    RungColumn(
        "Vol. pct",
        "Its percentile in the market's own history",
        lambda r: percent(r.volatility_pct, 0),
        True,
    ),
    RungColumn("Data", "Cached bars, stale, and the last failed download", freshness_text),
)


class _FlatModel(QAbstractTableModel):
    """Counts 0 under a valid parent; headers from a tuple of titles and tooltips.

    Each model says its own columns (`_titles`) and row count (`_rows`); on its own this is
    the empty table.
    """

    def _titles(self) -> Sequence[tuple[str, str]]:
        return ()

    def _rows(self) -> int:
        return 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default argument
        return 0 if parent.isValid() else self._rows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default argument
        return 0 if parent.isValid() else len(self._titles())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        titles = self._titles()
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(titles):
            if role == Qt.ItemDataRole.DisplayRole:
                return titles[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return titles[section][1]
        return self._row_header(section, role) if orientation == Qt.Orientation.Vertical else None

    def _row_header(self, section: int, role: int) -> Any:
        return None

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid()
            and 0 <= index.row() < self._rows()
            and 0 <= index.column() < len(self._titles())
        )


class RungModel(_FlatModel):
    """One row per rung of the ladder (see RUNG_COLUMNS)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rungs: tuple[RungState, ...] = ()

    def set_rungs(self, rungs: Sequence[RungState]) -> None:
        self.beginResetModel()
        self._rungs = tuple(rungs)
        self.endResetModel()

    def rung(self, row: int) -> RungState:
        return self._rungs[row]

    def _titles(self) -> Sequence[tuple[str, str]]:
        return [(c.title, c.tooltip) for c in RUNG_COLUMNS]

    def _rows(self) -> int:
        return len(self._rungs)

    def data(self, index: Index, role: int = 0) -> Any:
        if not self._valid(index):
            return None
        rung, column = self._rungs[index.row()], RUNG_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(rung)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.numeric else _LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _rung_tip(rung)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _rung_colour(rung, column.title)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _rung_tip(rung: RungState) -> str:
    lines = [f"{rung.name} — {rung.key}"]
    if rung.has_data:
        lines.append(f"{rung.bars:,} bars from {_day(rung.first_date)} to {_day(rung.last_date)}")
    else:
        lines.append("No cached bars yet: Refresh when online, or Import CSV…")
    if rung.stale and rung.has_data:
        lines.append("Stale: the newest bar is older than Settings › Downloads › Stale after.")
    if rung.last_error:
        lines.append(f"Last download failed: {rung.last_error}")
    return "\n".join(lines)


def _rung_colour(rung: RungState, title: str) -> QBrush | None:
    gain, loss = return_colors()
    if title == "Return" and not is_missing(rung.regime_return) and rung.regime_return:
        return QBrush(gain if rung.regime_return > 0 else loss)
    if title == "Data" and (rung.last_error or not rung.has_data):
        return QBrush(loss)
    return None


class PairMatrixModel(_FlatModel):
    """Leaders down, followers across; each scanned pair's verdict word and numbers.

    Cells of pairs that were not scanned (a rung with itself, or a follower above its leader
    unless every ordered pair was scanned) are empty and cannot be selected. The background
    and text colours come from widgets.theme.verdict_look: verdicts that conclude nothing stay
    quiet, the others are tinted.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._keys: tuple[str, ...] = ()
        self._leaders: tuple[str, ...] = ()
        self._followers: tuple[str, ...] = ()
        self._names: dict[str, str] = {}
        self._cells: dict[tuple[str, str], PairCell] = {}
        self._charted: tuple[str, str] = ("", "")

    def set_charted(self, pair: tuple[str, str]) -> None:
        """The pair the charts show: its cell is drawn in bold."""
        self._charted = pair
        if self._leaders and self._followers:
            last = self.index(len(self._leaders) - 1, len(self._followers) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.FontRole])

    def set_scan(self, scan: LadderScan | None) -> None:
        """Show a scan: a row per rung that leads a scanned pair, a column per rung that
        follows one (in ladder order; the safest rung never follows, the last never leads,
        unless every ordered pair was scanned)."""
        self.beginResetModel()
        keys = scan.keys if scan is not None else ()
        cells = scan.cells if scan is not None else ()
        self._cells = {(c.leader, c.follower): c for c in cells}
        self._leaders = tuple(k for k in keys if any(c.leader == k for c in cells))
        self._followers = tuple(k for k in keys if any(c.follower == k for c in cells))
        self._keys = keys
        self._names = {r.key: r.name for r in scan.rungs} if scan is not None else {}
        self.endResetModel()

    def cell(self, row: int, column: int) -> PairCell | None:
        if not (0 <= row < len(self._leaders) and 0 <= column < len(self._followers)):
            return None
        return self._cells.get((self._leaders[row], self._followers[column]))

    def index_of(self, leader: str, follower: str) -> QModelIndex:
        if leader not in self._leaders or follower not in self._followers:
            return QModelIndex()
        return self.index(self._leaders.index(leader), self._followers.index(follower))

    def _titles(self) -> Sequence[tuple[str, str]]:
        return [(self._names[k], f"Follower: {k}") for k in self._followers]

    def _rows(self) -> int:
        return len(self._leaders)

    def _row_header(self, section: int, role: int) -> Any:
        if not 0 <= section < len(self._leaders):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._names[self._leaders[section]]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Leader: {self._leaders[section]}"
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not self._valid(index):
            return None
        cell = self.cell(index.row(), index.column())
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            charted = (
                "\n(the charted pair)" if (cell.leader, cell.follower) == self._charted else ""
            )
            return f"{cell.leader} → {cell.follower}, {cell.horizon} days:\n{cell.verdict}{charted}"
        if role == PAIR_ROLE:
            return (cell.leader, cell.follower)
        if role == Qt.ItemDataRole.FontRole and (cell.leader, cell.follower) == self._charted:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            look = verdict_look(cell.verdict_kind, QGuiApplication.palette())
            colour = look.background if role == Qt.ItemDataRole.BackgroundRole else look.foreground
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index) or self.cell(index.row(), index.column()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


ALERT_COLUMNS = (
    ("Date", "The trading date of the event"),
    ("Market", "The rung it happened on"),
    ("What", "Breakout, new all-time high or regime turn"),
    ("What happened", "The alert, with the pair verdicts of a breakout in its tooltip"),
)
KIND_WORDS = {"breakout": "breakout", "new_high": "new high", "regime_turn": "regime turn"}


class AlertsModel(_FlatModel):
    """The stored alerts, newest event first; unread ones in bold."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._alerts: tuple[Alert, ...] = ()

    def set_alerts(self, alerts: Sequence[Alert]) -> None:
        self.beginResetModel()
        self._alerts = tuple(alerts)
        self.endResetModel()

    def alerts(self) -> tuple[Alert, ...]:
        return self._alerts

    def unread(self) -> tuple[Alert, ...]:
        return tuple(a for a in self._alerts if not a.read)

    def _titles(self) -> Sequence[tuple[str, str]]:
        return ALERT_COLUMNS

    def _rows(self) -> int:
        return len(self._alerts)

    def data(self, index: Index, role: int = 0) -> Any:
        if not self._valid(index):
            return None
        alert = self._alerts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = KIND_WORDS.get(alert.kind, alert.kind)
            texts = (alert.event_date.isoformat(), alert.name, kind, alert.text)
            return texts[index.column()]
        if role == Qt.ItemDataRole.FontRole and not alert.read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return _alert_tip(alert)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _alert_tip(alert: Alert) -> str:
    lines = [alert.text]
    lines += [f"→ {c.follower} ({c.horizon} days): {c.verdict}" for c in alert.pairs]
    lines.append(
        f"Computed from the bar of {alert.last_bar_date} (close {price(alert.last_close)})."
    )
    if not alert.read:
        lines.append("Unread")
    return "\n".join(lines)
