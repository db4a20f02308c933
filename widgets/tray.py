"""Desktop notifications through the system tray (QSystemTrayIcon), where there is one.

Many Linux desktops have no tray without an extension (GNOME needs an AppIndicator
extension), and the offscreen platform never has one: there `available` is False and
`notify` does nothing — the window's banner and Alerts tab still say everything.

Signals:
    clicked(): the user clicked a notification or the tray icon.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

NOTIFICATION_MS = 15_000


class DesktopNotifier(QObject):
    """Shows a tray notification per refresh that raised alerts (see the module docstring)."""

    clicked = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = icon
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None

    def notify(self, title: str, text: str) -> bool:
        """Show a notification; False where the system has no tray."""
        if not self.available:
            return False
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.icon, self)
            self.tray.setToolTip("Riskcurve")
            self.tray.messageClicked.connect(self.clicked)
            self.tray.activated.connect(lambda _reason: self.clicked.emit())
            self.tray.show()
        self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, NOTIFICATION_MS)
        return True

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
