"""An editor for one instrument: source, exchange, ticker, and a Test button.

The key it builds (`yahoo:^RUT`, `ccxt:bitstamp:BTC/USD`, `csv:my-series`) is validated by the
settings dialog through app.config, like every other field.

Signals:
    changed(): the key may have changed.
    testRequested(str): the user pressed Test for this key.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidKeyError, RiskcurveError
from app.instruments import parse_key

SOURCES = (
    ("yahoo", "Yahoo Finance", "Stocks, indices, ETFs and crypto from Yahoo Finance (yfinance)"),
    ("ccxt", "Exchange (ccxt)", "Daily candles straight from a crypto exchange through ccxt"),
    ("csv", "Imported series", "A series you imported from a CSV file (File → Import CSV…)"),
)
TICKER_HINTS = {
    "yahoo": ("^RUT", "Yahoo ticker, e.g. ^RUT, ^GSPC, IWM or BTC-USD"),
    "ccxt": ("BTC/USD", "Market symbol on the exchange, e.g. BTC/USD or ETH/USDT"),
    "csv": ("my-series", "Name given to the imported series (the part after csv:)"),
}


def compose_key(source: str, exchange: str, ticker: str) -> str:
    """The instrument key for the editor's three parts."""
    if source == "ccxt":
        return f"ccxt:{exchange.strip()}:{ticker.strip()}"
    return f"{source}:{ticker.strip()}"


def split_key(key: str) -> tuple[str, str, str]:
    """(source, exchange, ticker) of a key; lenient for keys that do not parse."""
    try:
        spec = parse_key(key)
    except InvalidKeyError:
        source, _, rest = key.partition(":")
        if source == "ccxt":
            exchange, _, ticker = rest.partition(":")
            return source, exchange, ticker
        return (source if source in ("yahoo", "csv") else "yahoo"), "", rest
    return spec.source, spec.exchange, spec.ticker


class InstrumentEditor(QWidget):
    """Source combo + exchange + ticker + Test button + a one-line test result."""

    changed = Signal()
    testRequested = Signal(str)

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = QComboBox(self)
        for code, name, tip in SOURCES:
            self.source.addItem(name, code)
            self.source.setItemData(self.source.count() - 1, tip, 3)  # 3 = ToolTipRole
        self.source.setToolTip(f"Where the {role}'s prices come from")
        self.exchange = QLineEdit(self)
        self.exchange.setPlaceholderText("bitstamp")
        self.exchange.setToolTip("ccxt exchange id, e.g. bitstamp, kraken, binance, coinbase")
        self.exchange.setMaximumWidth(120)
        self.ticker = QLineEdit(self)
        self.ticker.setMinimumWidth(140)
        self.test = QPushButton("Test", self)
        self.test.setToolTip(
            f"Fetch a few recent bars of the {role} from its source to check it (nothing is saved)"
        )
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setToolTip("Outcome of the last Test")
        row = QHBoxLayout()
        for widget in (self.source, self.exchange, self.ticker, self.test):
            row.addWidget(widget)
        row.setStretchFactor(self.ticker, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.result.hide()
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.exchange.textChanged.connect(self.changed)
        self.ticker.textChanged.connect(self.changed)
        self.test.clicked.connect(self._on_test)
        self._on_source_changed()

    def key(self) -> str:
        return compose_key(self.source.currentData(), self.exchange.text(), self.ticker.text())

    def set_key(self, key: str) -> None:
        source, exchange, ticker = split_key(key)
        self.source.setCurrentIndex(max(0, self.source.findData(source)))
        self.exchange.setText(exchange)
        self.ticker.setText(ticker)
        self.result.clear()
        self.result.hide()

    def set_test_result(self, ok: bool, message: str) -> None:
        self.result.show()
        self.result.setText(("✔ " if ok else "✖ ") + message)
        self.result.setStyleSheet("" if ok else "color: #d14343;")
        self.test.setEnabled(True)

    @Slot(object)
    def on_test_result(self, report: object) -> None:
        """A Test worker's result (it has a `.message`)."""
        self.set_test_result(True, str(getattr(report, "message", report)))

    @Slot(object)
    def on_test_error(self, error: object) -> None:
        """A Test worker's error: plain words for known errors, the type for bugs."""
        if isinstance(error, RiskcurveError):
            self.set_test_result(False, str(error))
        else:
            self.set_test_result(False, f"Unexpected problem: {type(error).__name__}: {error}")

    @Slot()
    def _on_source_changed(self) -> None:
        source = self.source.currentData()
        self.exchange.setVisible(source == "ccxt")
        example, tip = TICKER_HINTS[source]
        self.ticker.setPlaceholderText(example)
        self.ticker.setToolTip(tip)
        self.changed.emit()

    @Slot()
    def _on_test(self) -> None:
        self.test.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.show()
        self.result.setText("Testing…")
        self.testRequested.emit(self.key())
