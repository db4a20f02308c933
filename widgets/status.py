"""The status bar: messages, where the leader stands, an offline badge, download progress, Cancel.

The wording functions are plain (testable without widgets); `StatusLine` only places them.
Messages go to a label of their own, not through `QStatusBar.showMessage`: a temporary message
there hides every normal widget (the leader's state) until it ends, and Qt also puts hovered
toolbar buttons' status tips there, which stay when a dialog opens from that button.

Signals (StatusLine):
    offlineClicked(): the Offline badge was clicked (the window shows the Data tab's errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStatusBar,
    QToolButton,
    QWidget,
)

from app.errors import OfflineError, RateLimitedError, RiskcurveError
from app.formatting import percent, plural
from widgets.elided import ElidedLabel

if TYPE_CHECKING:
    from app.analysis import LeaderState

OFFLINE_TEXT = "Offline"
#: Room for "ccxt:bitstamp:BTC/USD (2/4)" in most fonts; longer labels are elided in the middle.
PROGRESS_TEXT_CHARS = 34
#: The least width of the message and of the leader's state.
MIN_LABEL_WIDTH = 40


def leader_state_text(label: str, state: LeaderState | None) -> str:
    """ "^RUT is at an all-time high" / "^RUT: 120 days since its all-time high, 8.5% below"."""
    if state is None or state.last_date is None:
        return ""
    on = state.last_date.strftime("%Y-%m-%d")
    if state.at_ath:
        return f"{label} is at an all-time high ({on})"
    days = state.days_since_ath
    since = plural(days, "day") if days is not None else "some time"
    below = f", {percent(abs(state.drawdown))} below" if state.drawdown == state.drawdown else ""
    return f"{label}: {since} since its all-time high{below} (as of {on})"


def error_text(key: str, error: BaseException) -> str:
    """A one-line, plain description of why fetching `key` failed."""
    # Our sources already say when to come back; add it only where a message does not.
    said = "try again" in str(error).lower()
    if isinstance(error, RateLimitedError) and error.retry_after and not said:
        return f"{key}: {error} Try again in {_duration(error.retry_after)}."
    if isinstance(error, RiskcurveError):
        return f"{key}: {error}"
    return f"{key}: unexpected problem ({type(error).__name__}: {error})"


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    return f"{round(seconds / 60)} min"


def fetch_summary(
    new_bars: int, failures: list[tuple[str, BaseException]], showing: bool = True
) -> str:
    """One status-bar line for a finished download (the Data tab has every error).

    `showing` says whether charts are on screen: "showing cached data" is never said over an
    empty window.
    """
    if not failures:
        return f"Up to date: {plural(new_bars, 'new bar')}."
    if is_offline([error for _, error in failures]):
        if showing:
            return "Offline: the data sources could not be reached; showing cached data."
        return "Offline: the data sources could not be reached, and nothing is cached yet."
    if len(failures) == 1:
        return error_text(*failures[0])
    first = error_text(*failures[0])
    return f"{len(failures)} downloads failed (see the Data tab). First: {first}"


def notes_text(notes: tuple[tuple[str, str], ...]) -> str:
    """What the sources said about the data: "ccxt:bitstamp:BTC/USD: the exchange repeated …"."""
    return " · ".join(f"{key}: {note}" for key, note in notes)


def is_offline(errors: list[BaseException]) -> bool:
    """True when every failure was "could not reach the network" (and there was one)."""
    return bool(errors) and all(isinstance(e, OfflineError) for e in errors)


class StatusLabel(ElidedLabel):
    """An ElidedLabel for the status bar, which shares its room out by size hints: it asks for
    its whole text's width and makes do with MIN_LABEL_WIDTH. It reads like a QLabel of the
    whole text (`text()`, `setText()`, as the window uses it); `shown_text()` is what fits.
    While empty, its tooltip says what it is for.
    """

    def __init__(self, parent: QWidget | None = None, tip: str = "") -> None:
        super().__init__(parent)
        self._tip = tip
        self.setMinimumWidth(MIN_LABEL_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        super().set_full_text(text)
        if not text:
            self.setToolTip(self._tip)

    def text(self) -> str:
        return self.full_text()

    def setText(self, text: str) -> None:
        self.set_full_text(text)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full_text()) + 8, hint.height())


class StatusLine(QObject):
    """Widgets placed in the window's status bar; the window drives them (see the module notes)."""

    offlineClicked = Signal()

    def __init__(self, bar: QStatusBar, parent: QWidget) -> None:
        super().__init__(parent)
        self.bar = bar
        self.message = StatusLabel(parent, "Messages about downloads, imports and exports")
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self.message.clear)
        self.leader = StatusLabel(parent, "Where the leader stands on its last cached day")
        self.offline = _badge(parent)
        self.offline.clicked.connect(self.offlineClicked)
        self.progress_text = _ProgressLabel(parent)
        self.progress_text.setToolTip("Download progress, instrument by instrument")
        self.progress_text.hide()
        self.progress = QProgressBar(parent)
        self.progress.setToolTip("Download progress, instrument by instrument")
        # May shrink in a narrow window: fixed widths there overflow the bar and paint over
        # the widgets beside them.
        self.progress.setMinimumWidth(40)
        self.progress.setMaximumWidth(120)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)  # the label beside it says what is being fetched
        self.progress.hide()
        self.retry = QToolButton(parent)
        self.retry.setText("Retry")
        self.retry.setToolTip("Download again the instruments whose last download failed")
        self.retry.hide()
        self.cancel = QToolButton(parent)
        self.cancel.setToolTip("Stop the download (Esc); completed instruments are kept")
        self.cancel.hide()
        # Qt takes the room a full bar lacks from its widgets with stretch: the leader's state
        # (in its tooltip in full) gives way before the message, which says what just happened
        # (with the stretch on the message, "Offline: …" was cut at 1024 px beside the whole
        # state). Right-aligned, the state keeps to the right of any spare room.
        self.leader.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.message)
        bar.addWidget(self.leader, 1)
        for widget in (self.retry, self.offline, self.progress_text, self.progress, self.cancel):
            bar.addPermanentWidget(widget)

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        """Show `text` (for `timeout_ms`, or until the next message when 0)."""
        self.message.set_full_text(text)
        if timeout_ms:
            self._expiry.start(timeout_ms)
        else:
            self._expiry.stop()

    def set_offline(self, offline: bool) -> None:
        self.offline.setVisible(offline)

    def start_progress(self, text: str) -> None:
        self.progress.setValue(0)
        self._set_progress_text(text)
        for widget in (self.progress, self.progress_text, self.cancel):
            widget.show()

    def set_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self._set_progress_text(text)

    def _set_progress_text(self, text: str) -> None:
        self.progress_text.set_full_text(text)

    def stop_progress(self) -> None:
        for widget in (self.progress, self.progress_text, self.cancel):
            widget.hide()


class _ProgressLabel(QLabel):
    """What is being downloaded: one line, elided in the middle (a key's ends say the most),
    the whole text as tooltip. Room for PROGRESS_TEXT_CHARS characters, less in a narrow window.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._full = ""
        chars = self.fontMetrics().averageCharWidth()
        self._hint = chars * PROGRESS_TEXT_CHARS
        self.setMinimumWidth(chars * 6)
        self.setMaximumWidth(self._hint)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def sizeHint(self) -> QSize:  # the same for every text: the bar does not jump about
        return QSize(self._hint, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.width() - 4
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room))


def _badge(parent: QWidget) -> QToolButton:
    """The Offline badge: clicking it shows the Data tab with the errors."""
    badge = QToolButton(parent)
    badge.setText(OFFLINE_TEXT)
    badge.setToolTip(
        "The last download could not reach the network; the charts show cached data. "
        "Click to see each instrument's error in the Data tab."
    )
    badge.setCursor(Qt.CursorShape.PointingHandCursor)
    badge.setAutoRaise(True)
    badge.setStyleSheet(
        "QToolButton { color: white; background: #b45309; border-radius: 3px; padding: 0 6px; }"
        "QToolButton:hover { background: #92400e; }"
    )
    badge.hide()
    return badge
