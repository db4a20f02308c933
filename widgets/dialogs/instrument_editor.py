"""An editor for one instrument: source, exchange, ticker, and a Test button.

The key it builds (`yahoo:^RUT`, `ccxt:bitstamp:BTC/USD`, `csv:my-series`) is validated by the
settings dialog through app.config, like every other field. Switching the source offers a
ticker that source understands (BTC/USD on an exchange is BTC-USD on Yahoo), and any edit
clears the last Test result, which was about the key before the edit. The result line has its
space reserved, so fields never move when a result appears.

Signals:
    changed(): the key may have changed.
    testRequested(str): the user pressed Test for this key.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidKeyError, RiskcurveError
from app.instruments import parse_key
from widgets.elided import ElidedLabel

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
DEFAULT_EXCHANGE = "bitstamp"


def ticker_for(source: str, ticker: str) -> str:
    """The same market's ticker on another source, or that source's usual ticker.

    Crypto pairs translate (BTC/USD <-> BTC-USD); anything that would not be a valid ticker
    for `source` becomes its usual example, so a switch never leaves an error behind.
    """
    ticker = ticker.strip()
    if source == "yahoo":
        candidate = ticker.split(":")[0].replace("/", "-")
    elif source == "ccxt":
        base, sep, quote = ticker.partition("-")
        candidate = f"{base}/{quote}" if sep and base and quote else ticker
    else:
        candidate = ticker.replace("/", "-").lstrip("^")
    exchange = DEFAULT_EXCHANGE if source == "ccxt" else ""
    try:
        parse_key(compose_key(source, exchange, candidate))
    except InvalidKeyError:
        return TICKER_HINTS[source][0]
    return candidate


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


class _ResultLine(ElidedLabel):
    """The Test result: an ElidedLabel one line high whether or not it shows anything, so
    nothing below it moves when a result appears or goes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(self.fontMetrics().lineSpacing())
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)


class InstrumentEditor(QWidget):
    """Source combo + exchange + ticker + Test button + a one-line test result."""

    changed = Signal()
    testRequested = Signal(str)

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tested_key = ""  # the key a Test is running for
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
        self.result = _ResultLine(self)
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
        self._source = self.source.currentData()
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.exchange.textChanged.connect(self._on_edited)
        self.ticker.textChanged.connect(self._on_edited)
        self.test.clicked.connect(self._on_test)
        self._show_hints()

    def key(self) -> str:
        return compose_key(self.source.currentData(), self.exchange.text(), self.ticker.text())

    def set_key(self, key: str) -> None:
        source, exchange, ticker = split_key(key)
        for widget in (self.source, self.exchange, self.ticker):
            widget.blockSignals(True)
        self.source.setCurrentIndex(max(0, self.source.findData(source)))
        self._source = self.source.currentData()
        self.exchange.setText(exchange)
        self.ticker.setText(ticker)
        for widget in (self.source, self.exchange, self.ticker):
            widget.blockSignals(False)
        self._show_hints()
        self.clear_result()

    def clear_result(self) -> None:
        self.result.clear()
        self.result.setStyleSheet("")
        self.result.setToolTip("Outcome of the last Test")

    def test_result(self) -> str:
        """The Test result (the whole of it; the line may show it shortened)."""
        return self.result.full_text()

    def set_test_result(self, ok: bool, message: str) -> None:
        self.test.setEnabled(True)
        tested, self._tested_key = self._tested_key, ""
        if tested != self.key():
            return  # the key changed while it was being tested: the result is about another
        self.result.set_full_text(("✔ " if ok else "✖ ") + message)
        self.result.setToolTip(message)
        self.result.setStyleSheet("" if ok else "color: #d14343;")

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

    def _show_hints(self) -> None:
        source = self.source.currentData()
        self.exchange.setVisible(source == "ccxt")
        example, tip = TICKER_HINTS[source]
        self.ticker.setPlaceholderText(example)
        self.ticker.setToolTip(tip)

    @Slot()
    def _on_source_changed(self) -> None:
        """Offer a ticker the new source understands (and an exchange for ccxt)."""
        source = self.source.currentData()
        if source != self._source:
            self._source = source
            self.ticker.blockSignals(True)
            self.ticker.setText(ticker_for(source, self.ticker.text()))
            self.ticker.blockSignals(False)
            if source == "ccxt" and not self.exchange.text().strip():
                self.exchange.blockSignals(True)
                self.exchange.setText(DEFAULT_EXCHANGE)
                self.exchange.blockSignals(False)
        self._show_hints()
        self._on_edited()

    @Slot()
    def _on_edited(self) -> None:
        self.clear_result()
        self.changed.emit()

    @Slot()
    def _on_test(self) -> None:
        self.test.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.set_full_text("Testing…")
        self._tested_key = self.key()
        self.testRequested.emit(self.key())
