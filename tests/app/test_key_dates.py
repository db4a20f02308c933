"""Key dates: the bundled file, the user's additions, clear errors for broken entries."""

from __future__ import annotations

import json

import pytest

from app.config import KeyDate
from app.errors import AnalysisError
from app.key_dates import load_key_dates, read_key_dates_file


def test_bundled_key_dates():
    dates = load_key_dates()
    halvings = [k.date for k in dates if k.kind == "halving"]
    assert halvings == ["2012-11-28", "2016-07-09", "2020-05-11", "2024-04-20"]
    events = [k for k in dates if k.kind == "event"]
    assert [k.date for k in events] == ["2024-01-10"]
    assert "ETF" in events[0].label
    assert [k.date for k in dates] == sorted(k.date for k in dates)


def test_user_dates_are_merged_sorted_and_replace_the_same_day():
    extra = (
        KeyDate("2028-04-15", "5th halving (estimate)", "halving"),
        KeyDate("2016-07-09", "Halving II", "halving"),
        KeyDate("2015-01-01", "My marker", "event"),
    )
    dates = load_key_dates(extra)
    assert [k.date for k in dates][:2] == ["2012-11-28", "2015-01-01"]
    assert dates[-1].date == "2028-04-15"
    assert [k.label for k in dates if k.date == "2016-07-09"] == ["Halving II"]


def test_bad_user_dates_are_refused_by_name():
    with pytest.raises(AnalysisError, match="extra_key_dates: date '2024-13-01'"):
        load_key_dates((KeyDate("2024-13-01", "x", "event"),))
    with pytest.raises(AnalysisError, match="kind must be halving or event"):
        load_key_dates((KeyDate("2024-01-01", "x", "split"),))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"dates": []}', "a list named key_dates"),
        ('{"key_dates": [{"date": "2020-01-01"}]}', "entry 1: label"),
        ('{"key_dates": [{"date": "20-1-1", "label": "a"}]}', "entry 1: date '20-1-1'"),
        ('{"key_dates": [{"date": "2020-01-01", "label": "a", "colour": 1}]}', "entry 1: must be"),
        ('{"key_dates": [{"date": "2020-01-01", "label": "a", "kind": "x"}]}', "kind must be"),
    ],
)
def test_broken_files_name_the_file_and_entry(tmp_path, text, message):
    path = tmp_path / "key_dates.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message) as info:
        load_key_dates(path=path)
    assert str(path) in str(info.value)


def test_missing_file_and_default_kind(tmp_path):
    with pytest.raises(AnalysisError, match="cannot be read"):
        read_key_dates_file(tmp_path / "absent.json")
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"key_dates": [{"date": "2020-01-01", "label": "A"}]}))
    assert read_key_dates_file(path) == [KeyDate("2020-01-01", "A", "event")]
