"""One number format for every view, and the data-age sentence."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from app import formatting as fmt
from app.data_age import data_age_note


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.173, "+17.3%"), (-0.05, "-5.0%"), (0.0, "0.0%"), (-0.00001, "0.0%"), (12.5, "+1250.0%")],
)
def test_changes_are_signed_percentages_without_a_space(value, expected):
    assert fmt.change(value) == expected


def test_shares_are_unsigned_and_missing_values_are_empty():
    assert fmt.percent(0.8) == "80.0%"
    assert fmt.percent(0.8, 0) == "80%"
    for missing in (None, math.nan, float("nan")):
        assert fmt.percent(missing) == fmt.change(missing) == fmt.price(missing) == ""
    assert fmt.is_missing(None) and fmt.is_missing(math.nan) and not fmt.is_missing(0.0)
    assert not fmt.is_missing("text")


def test_prices_keep_cents_and_fractions_of_cents():
    assert fmt.price(1234.5) == "1,234.50"
    assert fmt.price(0.5) == "0.500"
    assert fmt.price(0.0012345) == "0.00123"
    assert fmt.price(0.0858) == "0.0858"
    assert fmt.price(0) == "0"
    assert fmt.whole(1234.4) == "1,234"
    assert fmt.multiple(12.5) == "12.50×"
    assert fmt.p_value(0.01834) == "0.018"
    assert fmt.plural(1, "breakout") == "1 breakout"
    assert fmt.plural(1200, "bar") == "1,200 bars"


def test_compact_prices_drop_the_cents_from_a_thousand_up():
    assert fmt.compact_price(124_752.53) == "124,753"
    assert fmt.compact_price(1_000.0) == "1,000"
    assert fmt.compact_price(650.96) == "650.96"
    assert fmt.compact_price(0.0858) == "0.0858"
    assert fmt.compact_price(math.nan) == ""


def test_data_age_is_said_only_when_older_than_a_week():
    today = dt.date(2026, 12, 3)
    one = lambda day: {"Russell 2000 (^RUT)": day}  # noqa: E731
    assert data_age_note(one(dt.date(2026, 2, 20)), today) == (
        "Data as of 2026-02-20, 286 days old — Refresh when online"
    )
    assert data_age_note(one(dt.date(2026, 11, 26)), today) == ""  # exactly 7 days: still fresh
    assert data_age_note(one(dt.date(2026, 11, 25)), today).startswith("Data as of 2026-11-25, 8")
    assert data_age_note(one(None), today) == ""
    assert data_age_note({}, today) == ""
    assert data_age_note(one(dt.datetime(2026, 2, 20, 0, 0)), today).startswith("Data as of 2026")
    assert data_age_note(one(dt.date(2026, 2, 20)), today, advice="fetch").endswith("old — fetch")


def test_a_pair_is_as_old_as_its_staler_market_which_is_named():
    # The newer market's date hid the staler one: a fresh leader beside a follower that had
    # not been fetched for months said nothing at all.
    today = dt.date(2026, 12, 3)
    fresh_and_stale = {"S&P 500 (^GSPC)": dt.date(2026, 12, 2), "Bitcoin": dt.date(2026, 3, 3)}
    assert data_age_note(fresh_and_stale, today) == (
        "Bitcoin data as of 2026-03-03, 275 days old — Refresh when online"
    )
    both_old = {"Russell 2000 (^RUT)": dt.date(2026, 2, 20), "Bitcoin": dt.date(2026, 3, 3)}
    assert data_age_note(both_old, today).startswith("Russell 2000 (^RUT) data as of 2026-02-20")
    same_day = {"a": dt.date(2026, 2, 20), "b": dt.date(2026, 2, 20)}
    assert data_age_note(same_day, today).startswith("Data as of 2026-02-20")
    assert data_age_note({"a": dt.date(2026, 12, 1), "b": None}, today) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (372.0, 372),
        (90.95200000000001, 90.952),
        (0.1 + 0.2, 0.3),
        (-0.0, 0),
        (7, 7),
        (1 / 3, 0.3333333333),
        (123456.78901234, 123456.789),
        (2.5e-9, 2.5e-9),
    ],
)
def test_clean_numbers_keep_ten_significant_digits_and_whole_numbers_whole(value, expected):
    from app.formatting import clean_number

    got = clean_number(value)
    assert got == expected and type(got) is type(expected)


def test_multiples_range():
    from app.formatting import multiples_range

    assert multiples_range(0.6718, 3.0679) == "×0.67 to ×3.07"
    assert multiples_range(float("nan"), 2.0) == ""


def test_correlations_are_signed_with_two_decimals():
    from app.formatting import correlation

    assert correlation(0.4213) == "+0.42"
    assert correlation(-0.05) == "-0.05"
    assert correlation(-0.001) == "0.00"  # no signed zero
    assert correlation(float("nan")) == "" and correlation(None) == ""
