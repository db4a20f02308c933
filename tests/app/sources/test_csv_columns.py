"""Which column is the close (issue 10, item 13): an explicit Close wins, an ambiguous header is
rejected naming both candidates, closes outside the day's range are rejected with the line, and
real exports (yfinance's three-line header, CoinGecko) import; rejected ones name the problem."""

from __future__ import annotations

import pandas as pd
import pytest

from app.errors import CsvFormatError
from app.sources.csv_file import read_csv_bars


def _read(tmp_path, text: str) -> pd.DataFrame:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return read_csv_bars(path)


def _rejected(tmp_path, text: str) -> CsvFormatError:
    with pytest.raises(CsvFormatError) as caught:
        _read(tmp_path, text)
    return caught.value


@pytest.mark.parametrize(
    "header",
    [
        "Date,Last,Close",
        "Date,Close,Last",
        "Date,Price,Close",
        "Date,Price,Open,High,Low,Close",
        "Date,Close/Last,Close",
        "Date,Price,Close Price",
    ],
)
def test_an_explicit_close_column_always_wins(tmp_path, header):
    names = header.split(",")
    values = {"Last": "1", "Price": "2", "Open": "5", "High": "9", "Low": "4"}
    row = ",".join(["2024-01-02"] + [values.get(n, "7") for n in names[1:]])
    assert _read(tmp_path, f"{header}\n{row}\n")["close"].tolist() == [7.0]


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("Date,Price,Last", ("'price'", "'last'")),
        ("Date,Close Price,Close/Last", ("'close price'", "'close/last'")),
    ],
)
def test_an_ambiguous_header_is_rejected_naming_the_candidates(tmp_path, header, named):
    error = _rejected(tmp_path, f"{header}\n2024-01-02,1,2\n")
    assert error.line == 1 and all(n in str(error) for n in named) and "Close" in str(error)


@pytest.mark.parametrize(
    ("row", "side"), [("2024-01-03,5,6,4,7", "above the high"), ("2024-01-03,5,6,4,3", "below")]
)
def test_a_close_outside_the_days_range_is_rejected_with_the_line(tmp_path, row, side):
    error = _rejected(tmp_path, f"Date,Open,High,Low,Close\n2024-01-02,5,6,4,5\n{row}\n")
    assert error.line == 3 and side in str(error)


def test_a_close_with_only_one_bound_is_checked_against_it(tmp_path):
    assert _read(tmp_path, "Date,High,Close\n2024-01-02,6,5\n")["close"].tolist() == [5.0]
    assert _rejected(tmp_path, "Date,High,Close\n2024-01-02,6,6.5\n").line == 2


def _yfinance_csv(tickers: dict[str, float]) -> str:
    """What `yfinance.download(tickers).to_csv()` writes, built the way the pinned yfinance
    builds its frame (yfinance/multi.py: concat with keys and names=['Ticker', 'Price'], then
    swaplevel and sort for group_by='column'), without the network."""
    index = pd.DatetimeIndex(pd.to_datetime(["2024-01-02", "2024-01-03"]), name="Date")
    frames = {
        ticker: pd.DataFrame(
            {
                "Open": [base, base + 1],
                "High": [base + 2, base + 2.5],
                "Low": [base - 0.5, base + 0.5],
                "Close": [base + 1.5, base + 2],
                "Volume": [100, 200],
            },
            index=index,
        )
        for ticker, base in tickers.items()
    }
    data = pd.concat(
        frames.values(), axis=1, sort=True, keys=frames.keys(), names=["Ticker", "Price"]
    )
    data.columns = data.columns.swaplevel(0, 1)
    return data.sort_index(level=0, axis=1).to_csv()


def test_yfinance_downloads_three_line_header_imports(tmp_path):
    text = _yfinance_csv({"^RUT": 10.0})
    assert text.splitlines()[:3] == [
        "Price,Close,High,Low,Open,Volume",
        "Ticker,^RUT,^RUT,^RUT,^RUT,^RUT",
        "Date,,,,,",
    ]
    bars = _read(tmp_path, text)
    assert bars.index.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-03"]
    assert bars["close"].tolist() == [11.5, 12.0] and bars["open"].tolist() == [10.0, 11.0]
    assert bars["volume"].tolist() == [100.0, 200.0]


def test_a_yfinance_download_of_two_tickers_is_rejected_plainly(tmp_path):
    error = _rejected(tmp_path, _yfinance_csv({"^RUT": 10.0, "^GSPC": 20.0}))
    assert error.line == 1 and "several tickers" in str(error)


def test_coingecko_export_imports(tmp_path):
    text = (
        "snapped_at,price,market_cap,total_volume\n"
        "2020-01-01 00:00:00 UTC,7195.153895430029,130464837267.46835,10117960826.186\n"
        "2020-01-02 00:00:00 UTC,7193.7546679601,130457197651.3282,18566586284.1293\n"
    )
    bars = _read(tmp_path, text)
    assert bars.index.strftime("%Y-%m-%d").tolist() == ["2020-01-01", "2020-01-02"]
    assert bars["close"].tolist() == [7195.153895430029, 7193.7546679601]
    assert bars["volume"].tolist() == [10117960826.186, 18566586284.1293]


def test_a_thousands_separator_is_named_as_such(tmp_path):
    error = _rejected(tmp_path, 'Date,Close\n2024-01-02,"1,629.12"\n')
    assert error.line == 2 and "thousands separator" in str(error) and "1629.12" in str(error)
    assert "decimal comma" in str(error)  # ... "not a decimal comma"


@pytest.mark.parametrize("date", ["01/02/2024", "2/1/2024", "02.01.2024"])
def test_day_and_month_first_dates_are_named_ambiguous(tmp_path, date):
    error = _rejected(tmp_path, f"Date,Close\n{date},5\n")
    assert error.line == 2 and "ambiguous" in str(error) and "YYYY-MM-DD" in str(error)
