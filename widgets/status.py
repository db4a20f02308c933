"""The status bar: where the leader stands, an offline badge, download progress and Cancel.

The wording functions are plain (testable without widgets); `StatusLine` only places them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from app.errors import OfflineError, RateLimitedError, RiskcurveError

if TYPE_CHECKING:
    from app.analysis import LeaderState

OFFLINE_TEXT = "Offline"


def leader_state_text(label: str, state: LeaderState | None) -> str:
    """ "^RUT is at an all-time high" / "^RUT: 120 days since its all-time high, 8.5 % below"."""
    if state is None or state.last_date is None:
        return ""
    on = state.last_date.strftime("%Y-%m-%d")
    if state.at_ath:
        return f"{label} is at an all-time high ({on})"
    days = state.days_since_ath
    since = f"{days:,} day{'s' if days != 1 else ''}" if days is not None else "some time"
    below = f", {abs(state.drawdown) * 100:.1f} % below" if state.drawdown == state.drawdown else ""
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


def fetch_summary(new_bars: int, failures: list[tuple[str, BaseException]]) -> str:
    """One status-bar line for a finished download (the Data tab has every error)."""
    if not failures:
        return f"Up to date: {new_bars:,} new bar{'s' if new_bars != 1 else ''}."
    if is_offline([error for _, error in failures]):
        return "Offline: the data sources could not be reached; showing cached data."
    if len(failures) == 1:
        return error_text(*failures[0])
    first = error_text(*failures[0])
    return f"{len(failures)} downloads failed (see the Data tab). First: {first}"


def is_offline(errors: list[BaseException]) -> bool:
    """True when every failure was "could not reach the network" (and there was one)."""
    return bool(errors) and all(isinstance(e, OfflineError) for e in errors)


class StatusLine:
    """Widgets placed in the window's status bar; the window drives them."""

    def __init__(self, bar: QStatusBar, parent: QWidget) -> None:
        self.bar = bar
        self.leader = QLabel(parent)
        self.leader.setToolTip("Where the leader stands on its last cached day")
        self.offline = QLabel(OFFLINE_TEXT, parent)
        self.offline.setToolTip(
            "The last download could not reach the network; the charts show cached data"
        )
        self.offline.setStyleSheet(
            "QLabel { color: white; background: #b45309; border-radius: 3px; padding: 0 6px; }"
        )
        self.offline.hide()
        self.progress = QProgressBar(parent)
        self.progress.setToolTip("Download progress, instrument by instrument")
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.retry = QToolButton(parent)
        self.retry.setText("Retry")
        self.retry.setToolTip("Download again the instruments whose last download failed")
        self.retry.hide()
        self.cancel = QToolButton(parent)
        self.cancel.setToolTip("Stop the download (Esc); completed instruments are kept")
        self.cancel.hide()
        bar.addWidget(self.leader, 1)
        bar.addPermanentWidget(self.retry)
        bar.addPermanentWidget(self.offline)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel)

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        self.bar.showMessage(text, timeout_ms)

    def set_offline(self, offline: bool) -> None:
        self.offline.setVisible(offline)

    def start_progress(self, text: str) -> None:
        self.progress.setValue(0)
        self.progress.setFormat(text)
        self.progress.show()
        self.cancel.show()

    def set_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progress.setFormat(text)

    def stop_progress(self) -> None:
        self.progress.hide()
        self.cancel.hide()


def progress_fraction(event: object) -> tuple[float, str]:
    """Overall fraction and label of an app.fetch ProgressEvent (or a plain message)."""
    if isinstance(event, str):
        return 0.0, event
    index, count = getattr(event, "index", 0), max(1, getattr(event, "count", 1))
    done, total = getattr(event, "done", 0), getattr(event, "total", 0)
    within = done / total if total else 0.0
    key = getattr(event, "key", "")
    return (index + min(1.0, within)) / count, f"{key} ({index + 1}/{count})"
